"""``psirt config reference``: the ``psirt.toml`` reference, written from the model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psirt.cli.common import command_group

config_app = command_group("psirt.toml: its reference, from the configuration model.")


@config_app.command("reference")
def reference(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to FILE (docs/config.md); default: print.", dir_okay=False
        ),
    ] = None,
) -> None:
    """Write the psirt.toml reference (every key, its type, default and meaning) in Markdown."""
    from psirt.render.config_reference import config_reference

    text = config_reference()
    if output is None:
        typer.echo(text, nl=False)
        return
    from psirt.core.files import atomic_write

    atomic_write(output, text)
    typer.echo(f"wrote {output}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
