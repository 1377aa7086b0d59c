"""What every command shares: the workspace option, error reporting, output formats."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from psirt.workspace import Workspace


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@dataclass
class State:
    workspace_option: Path | None = None
    _workspace: Workspace | None = field(default=None, repr=False)

    def workspace(self) -> Workspace:
        if self._workspace is None:
            from psirt.workspace import find_workspace

            self._workspace = find_workspace(explicit=self.workspace_option)
        return self._workspace


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


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
