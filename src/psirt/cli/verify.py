"""``psirt verify-fixes``: does the post still match the release?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psirt.cli.blog import DEFAULT_POST
from psirt.cli.common import FormatOption, OutputFormat, ReleaseIssueOption, echo_json


def register(app: typer.Typer) -> None:
    @app.command(
        "verify-fixes", short_help="Release day: compare the blog post with what ships now."
    )
    def verify_fixes(
        ctx: typer.Context,
        blog: Annotated[
            Path | None,
            typer.Option(
                "--blog", metavar="FILE", help=f"The post to check (default: {DEFAULT_POST})."
            ),
        ] = None,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
    ) -> None:
        """Release day: compare the post with what ships now: fixes added, unlinked, held back or
        shipping unannounced, MRs reverted, closed or not merged, and each fix's title,
        description, versions, CVSS, CWE and credit; exit 1 when anything differs, 0 when they
        agree."""
        from psirt.cli.common import state
        from psirt.core.errors import ExitCode
        from psirt.core.words import plural
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
            count = plural(len(result.differences), "difference")
            typer.echo(f"{result.post_path}: {count}")
            for difference in result.differences:
                typer.echo(f"  [{difference.kind}] {difference.message}")
        raise typer.Exit(int(ExitCode.OK if result.agree else ExitCode.FINDINGS))
