"""What every command shares: the workspace, error reporting, output formats and the options
whose meaning is the same in every command that takes them (one help text each)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

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

    def formatter(self, *, color: bool = False) -> FindingsFormatter:
        from psirt.render.findings import CodeQualityFormat, JsonFormat, TextFormat

        if self is FindingsFormat.json:
            return JsonFormat()
        if self is FindingsFormat.codequality:
            return CodeQualityFormat()
        return TextFormat(color=color)


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


def print_findings(report: FindingsReport, output: FindingsFormat) -> FindingsFormatter:
    """Print a findings report in the chosen format (text in colour on a terminal); returns
    the formatter, whose ``machine_readable`` says where a command's other lines belong."""
    formatter = output.formatter(color=output is FindingsFormat.text and _color_terminal())
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

        return open_session(self.workspace())


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


def run_app(app: typer.Typer, args: list[str] | None = None) -> int:
    """Run the app and return its exit code; every error the user can act on is one line.

    ``PsirtError``: its message and documented code. Click's usage errors (unknown option,
    missing argument, bad value): the message and the command's ``--help``, code 2.
    A file the command could not read or write (``OSError`` naming it): code 2. Ctrl-C:
    ``ExitCode.INTERRUPTED``. Anything else is a bug and keeps its traceback.
    """
    from psirt.core.errors import ExitCode, PsirtError

    try:
        result: Any = app(args=args, prog_name="psirt", standalone_mode=False)
    except PsirtError as exc:
        error(str(exc))
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
