"""What every command shares: the workspace, error reporting, output formats and the options
whose meaning is the same in every command that takes them (one help text each)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main

if TYPE_CHECKING:
    from psirt.core.workspace import Workspace
    from psirt.render.findings import FindingGroup, FindingsFormatter, FindingsReport
    from psirt.session import Session


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class FindingsFormat(StrEnum):
    """``--format`` of every command that reports findings; each value is one class of
    ``psirt.render.findings``."""

    text = "text"
    json = "json"
    codequality = "codequality"

    def formatter(self, *, color: bool = False, workspace: Path | None = None) -> FindingsFormatter:
        """The format's formatter; text shows the files of a ``workspace`` (which the
        locations are relative to) from the current folder."""
        from psirt.render.findings import CodeQualityFormat, JsonFormat, TextFormat

        if self is FindingsFormat.json:
            return JsonFormat()
        if self is FindingsFormat.codequality:
            return CodeQualityFormat()
        return TextFormat(color=color, workspace=workspace)


ReleaseIssueOption = Annotated[
    int | None,
    typer.Option(
        "--release-issue",
        metavar="IID",
        help=(
            "The security tracking issue's iid (the PSIRT task issue's works too); "
            "default: the open issue labelled as the upcoming release."
        ),
        min=1,
    ),
]
"""``--release-issue IID``: which release a command reads (``None``: the upcoming one)."""

FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="text for people, json for scripts.")
]
"""``--format text|json``: the output of a command that prints for people or scripts."""

FindingsFormatOption = Annotated[
    FindingsFormat,
    typer.Option(
        "--format",
        "-f",
        help="text for people, json for scripts, codequality for a GitLab CI report.",
    ),
]
"""``--format text|json|codequality``: the output of every command that reports findings."""

LiveOption = Annotated[bool, typer.Option("--live", help="Apply the plan (default: dry run).")]
"""``--live``: apply a command's plan of writes; without it the plan is only printed."""


def echo_json(value: object) -> None:
    """Print a value as indented JSON: the ``--format json`` output of every command."""
    import json

    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def print_findings(
    report: FindingsReport, output: FindingsFormat, *, workspace: Path | None = None
) -> FindingsFormatter:
    """Print a findings report in the chosen format (text in colour on a terminal); returns
    the formatter, whose ``machine_readable`` says where a command's other lines belong.
    ``workspace``: the folder the findings' file locations are relative to."""
    formatter = output.formatter(
        color=output is FindingsFormat.text and _color_terminal(), workspace=workspace
    )
    typer.echo(formatter.format(report))
    return formatter


def stream_findings(groups: Iterable[FindingGroup], summary: Callable[[], str]) -> bool:
    """Print text findings group by group as they come, then the summary (read once the groups
    are done): the same text ``print_findings`` prints at once. True when any is an error."""
    from psirt.render.findings import FindingsReport

    formatter = FindingsFormat.text.formatter(color=_color_terminal())
    failed = False
    for group in groups:
        failed = failed or any(finding.is_error for finding in group.findings)
        # one group and an empty summary: the group's lines and the blank line after it
        typer.echo(formatter.format(FindingsReport((group,), "")).removesuffix("\n"))
    typer.echo(summary())
    return failed


def _color_terminal() -> bool:
    """Whether standard output takes colours (a terminal, no ``NO_COLOR``), as rich decides."""
    from rich.console import Console

    console = Console()
    return console.is_terminal and not console.no_color and console.color_system is not None


def stderr_is_terminal() -> bool:
    """Whether standard error is a terminal a person watches (progress goes there only)."""
    return sys.stderr.isatty()


class TerminalProgress:
    """``reading the release: 12 of 40 security issues`` on one line of standard error,
    rewritten in place and erased when done: never on standard output, so a command's JSON
    or report is untouched. Called from reader threads."""

    def __init__(self, what: str = "reading the release") -> None:
        import threading

        self._what = what
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        with self._lock:
            if done >= total:
                sys.stderr.write("\r\x1b[K")
            else:
                sys.stderr.write(f"\r{self._what}: {done} of {total} security issues\x1b[K")
            sys.stderr.flush()


@dataclass
class State:
    workspace_option: Path | None = None
    _workspace: Workspace | None = field(default=None, repr=False)

    def workspace(self) -> Workspace:
        if self._workspace is None:
            from psirt.core.workspace import find_workspace

            self._workspace = find_workspace(explicit=self.workspace_option)
        return self._workspace

    def session(self) -> Session:
        """The workspace's trackers, opened when a command first needs them."""
        from psirt.session import open_session

        workspace = self.workspace()
        remote = workspace.config.tracker.kind != "local"  # reading files takes no time
        progress = TerminalProgress() if remote and stderr_is_terminal() else None
        return open_session(workspace, progress=progress)

    def optional_session(self) -> Session | None:
        """The workspace's session when there is a workspace, None when there is none; a
        workspace named with ``--workspace`` that cannot be opened is still an error."""
        from psirt.core.errors import WorkspaceError

        try:
            self.workspace()
        except WorkspaceError:
            if self.workspace_option is not None:
                raise
            return None
        return self.session()


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


def command_group(help: str, **settings: Any) -> typer.Typer:
    """A command group (``psirt blog ...``): it shows its help when called without a command."""
    return typer.Typer(help=help, no_args_is_help=True, add_completion=False, **settings)


def error(message: str) -> None:
    """One line on standard error, never a secret, never a traceback: a message that spans
    lines (a library's, a YAML parser's) is joined into one."""
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    typer.echo(f"psirt: error: {line}", err=True)


WORKSPACE_ENV = "PSIRT_WORKSPACE"
"""The workspace when neither ``--workspace`` nor the current folder names one."""

_WORKSPACE_FLAGS = ("-w", "--workspace")


def workspace_first(args: list[str]) -> list[str]:
    """``--workspace DIR`` (``-w DIR``, ``--workspace=DIR``, ``-wDIR``) wherever it stands
    before ``--``, moved to the front, where the root command reads it: so
    ``psirt validate -w DIR`` and ``psirt blog lint -w DIR`` work as ``psirt -w DIR validate``
    does. No command has an option of its own named ``-w``."""
    moved: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest += args[index:]
            break
        if arg in _WORKSPACE_FLAGS:
            if index + 1 == len(args):
                from psirt.core.errors import InputError

                raise InputError(f"{arg} needs a folder: {arg} DIR (see 'psirt --help')")
            moved += [arg, args[index + 1]]
            index += 2
            continue
        joined = arg.startswith("-w") and len(arg) > 2 and not arg.startswith("--")
        if arg.startswith("--workspace=") or joined:
            moved.append(arg)
        else:
            rest.append(arg)
        index += 1
    return moved + rest


WORKSPACE_EPILOG = (
    "-w, --workspace DIR: the release workspace, before or after the command (see 'psirt --help')."
)
"""Said under every command's options: ``workspace_first`` reads the flag for all of them."""


def click_command(app: typer.Typer) -> Any:
    """The app as a click command, with the conventions every command shares: each command's
    summary in its group's help is its first sentence, whole (set as ``short_help``, which
    click wraps instead of cutting at the terminal's width); each command's help ends with
    ``WORKSPACE_EPILOG``, as the root option ``-w`` is accepted after any command."""
    command: Any = typer.main.get_command(app)
    pending = [command]
    while pending:
        current = pending.pop()
        commands = getattr(current, "commands", None)
        if isinstance(commands, dict):
            pending.extend(commands.values())
        elif not current.epilog:
            current.epilog = WORKSPACE_EPILOG
        if current.short_help is None and current.help:
            current.short_help = first_sentence(current.help)
    return command


def first_sentence(help_text: str) -> str:
    """The first sentence of a help text's first paragraph, on one line."""
    paragraph = help_text.strip().split("\n\n", 1)[0]
    text = " ".join(paragraph.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def run_app(app: typer.Typer, args: list[str] | None = None) -> int:
    """Run the app and return its exit code; every error the user can act on is one line.

    ``PsirtError``: its message and documented code. Click's usage errors (unknown option,
    missing argument, bad value): the message and the command's ``--help``, code 2.
    A file the command could not read or write (``OSError`` naming it): code 2. Ctrl-C:
    ``ExitCode.INTERRUPTED``. Anything else is a bug and keeps its traceback.
    """
    from psirt.core.errors import ExitCode, PsirtError

    command = click_command(app)
    try:
        argv = workspace_first(list(sys.argv[1:] if args is None else args))
        result: Any = command.main(args=argv, prog_name="psirt", standalone_mode=False)
    except PsirtError as exc:
        for line in exc.lines():
            error(line)
        return int(exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        error("interrupted")
        return int(ExitCode.INTERRUPTED)
    except OSError as exc:
        if exc.filename is None:
            raise
        error(f"{exc.filename}: {exc.strerror or exc}")
        return int(ExitCode.USAGE)
    except Exception as exc:
        # Click's errors (Typer vendors its own click, so they are known by their shape):
        # a usage error carries the context of the command it was raised in.
        format_message = getattr(exc, "format_message", None)
        if not callable(format_message) or not isinstance(getattr(exc, "exit_code", None), int):
            raise
        show = getattr(exc, "show", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and callable(show):
            show()  # a group called without a command: its help is the answer
            return int(ExitCode.USAGE)
        command = getattr(getattr(exc, "ctx", None), "command_path", None)
        hint = f" (see '{command} --help')" if command else ""
        error(f"{format_message()}{hint}")
        return int(ExitCode.USAGE)
    sys.stdout.flush()
    code = int(result) if isinstance(result, int) else 0
    if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C into this code, silently
        error("interrupted")
    return code


def program() -> str:
    """How to run psirt again, as this run was started, for a ``next:`` line that works from a
    fresh shell: ``psirt`` when that is on the PATH as this program, else its absolute path
    (``/home/me/psirt/.venv/bin/psirt``, a virtual environment that is not activated), else
    ``python -m psirt`` with this interpreter."""
    import shutil

    argv0 = sys.argv[0] if sys.argv else ""
    if os.path.basename(argv0) == "psirt" and os.path.isfile(argv0):
        found = shutil.which("psirt")
        if found and os.path.samefile(found, argv0):
            return "psirt"
        return os.path.abspath(argv0)
    return f"{sys.executable} -m psirt"


def shown(path: Path) -> str:
    """A path as the user can use it where they stand (``core.workspace.shown_path``)."""
    from psirt.core.workspace import shown_path

    return shown_path(path)
