"""``psirt demo [DIR]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        folder: Annotated[
            Path,
            typer.Argument(
                help="Where to write the demo workspace (new or empty folder).", file_okay=False
            ),
        ] = Path("psirt-demo"),
    ) -> None:
        """Write a realistic release workspace (with deliberate defects) and run the pipeline."""
        from psirt.cli.common import program, shown
        from psirt.workflows.demo import run_demo

        results = run_demo(folder)
        typer.echo(f"demo workspace written to {shown(folder)}")
        for result in results:
            typer.echo(f"\n== {result.title}")
            for line in result.lines:
                typer.echo(f"  {line}")
        run = program()
        typer.echo(f"\nnext: {run} validate -w {folder.resolve()}")
        activate = Path(run).parent / "activate"
        if run != "psirt" and activate.is_file():
            typer.echo(f"  (or activate its virtual environment first: source {activate})")
