"""``psirt verify-fixes``: does the post still match the release?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psirt.cli.common import FormatOption, OutputFormat, ReleaseIssueOption, echo_json


def register(app: typer.Typer) -> None:
    @app.command("verify-fixes")
    def verify_fixes(
        ctx: typer.Context,
        blog: Annotated[
            Path | None,
            typer.Option(
                "--blog", help="The post to check (default: out/blog.md in the workspace)."
            ),
        ] = None,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
    ) -> None:
        """Release day: list what changed since the post (reverted or closed MRs, unlinked or
        late fixes, versions); exit 1 when anything differs, 0 when they agree."""
        from psirt.cli.common import state
        from psirt.core.errors import ExitCode
        from psirt.workflows.verify import verify_fixes as run_verify

        session = state(ctx).session()
        result = run_verify(session, blog, release_issue)
        if output is OutputFormat.json:
            echo_json(
                {
                    "post": str(result.post_path),
                    "agree": result.agree,
                    "differences": [d.to_json() for d in result.differences],
                }
            )
        elif result.agree:
            typer.echo(f"{result.post_path}: the post matches the release")
        else:
            typer.echo(f"{result.post_path}: {len(result.differences)} differences")
            for difference in result.differences:
                typer.echo(f"  [{difference.kind}] {difference.message}")
        raise typer.Exit(int(ExitCode.OK if result.agree else ExitCode.FINDINGS))
