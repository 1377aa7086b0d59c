"""The ``psirt`` command: one Typer app, each command group registered from its own module.

Command modules import only Typer at the top; a command imports its workflow when it runs, so
``psirt --help`` does not pay for python-gitlab, cvss, pydantic or the CWE catalog.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from psirt import __version__
from psirt.cli import coercion
from psirt.cli.common import WORKSPACE_ENV, State

coercion.install()  # plain values without pydantic (cli/coercion.py)

COMMAND_MODULES: tuple[str, ...] = (
    # one module per command group, each exposing register(app); listed in the order of a release
    "psirt.cli.demo",
    "psirt.cli.init",
    "psirt.cli.config",
    "psirt.cli.validate",
    "psirt.cli.update_cves",
    "psirt.cli.blog",
    "psirt.cli.verify",
    "psirt.cli.cve",
    "psirt.cli.advisory",
    "psirt.cli.close",
    "psirt.cli.disclose",
    "psirt.cli.comms",
    "psirt.cli.knowledge",
)

app = typer.Typer(
    name="psirt",
    help="Run a security patch release end to end: validate, update CVEs, blog post, close.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion, --show-completion
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"psirt {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help=(
                "The release workspace (default: $PSIRT_WORKSPACE, else the nearest folder upward "
                "with psirt.toml). Accepted after the command too: psirt validate -w DIR."
            ),
            envvar=WORKSPACE_ENV,
            show_envvar=False,
            file_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = State(workspace_option=workspace)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    from psirt.cli.common import run_app

    sys.exit(run_app(app))
