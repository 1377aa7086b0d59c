"""What every command shares: the workspace, error reporting, output formats and the options
whose meaning is the same in every command that takes them (one help text each)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from psirt.model.finding import Finding
    from psirt.session import Session
    from psirt.workspace import Workspace


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


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

LiveOption = Annotated[bool, typer.Option("--live", help="Apply the plan (default: dry run).")]
"""``--live``: apply a command's plan of writes; without it the plan is only printed."""


def echo_json(value: object) -> None:
    """Print a value as indented JSON: the ``--format json`` output of every command."""
    import json

    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def print_findings(findings: list[Finding], output: OutputFormat, what: str) -> None:
    """Findings as text lines (code, level, where, message, hint) or a JSON list."""
    if output is OutputFormat.json:
        echo_json([f.to_json() for f in findings])
        return
    for finding in findings:
        typer.echo(f"{finding.code} {finding.level}: {finding.subject}: {finding.message}")
        if finding.hint:
            typer.echo(f"    hint: {finding.hint}")
    errors = sum(1 for f in findings if f.is_error)
    typer.echo(f"{what}: {errors} errors, {len(findings) - errors} warnings")


@dataclass
class State:
    workspace_option: Path | None = None
    _workspace: Workspace | None = field(default=None, repr=False)

    def workspace(self) -> Workspace:
        if self._workspace is None:
            from psirt.workspace import find_workspace

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
    """One line on standard error, never a secret, never a traceback."""
    typer.echo(f"psirt: error: {message}", err=True)


def run_app(app: typer.Typer, args: list[str] | None = None) -> int:
    """Run the app; a ``PsirtError`` becomes one line and its documented exit code."""
    from psirt.errors import PsirtError

    try:
        result: Any = app(args=args, standalone_mode=False)
    except PsirtError as exc:
        error(str(exc))
        return int(exc.exit_code)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        error("aborted")
        return 1
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except Exception as exc:
        # Click usage errors (Typer vendors its own click): they know how to show themselves.
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            return exit_code
        raise
    sys.stdout.flush()
    return int(result) if isinstance(result, int) else 0
