"""``psirt close [--close-issues] [--publish-cves] [--notify-hackerone] [--live]``."""

from __future__ import annotations

from typing import Annotated

import typer

from psirt.cli.common import (
    FormatOption,
    LiveOption,
    OutputFormat,
    ReleaseIssueOption,
    echo_json,
    state,
)


def register(app: typer.Typer) -> None:
    @app.command(short_help="Finish the release: close issues, publish CVEs, notify HackerOne.")
    def close(
        ctx: typer.Context,
        close_issues: Annotated[
            bool,
            typer.Option(
                "--close-issues", help="Note the fixed versions on canonical issues, close them."
            ),
        ] = False,
        publish_cves: Annotated[
            bool,
            typer.Option(
                "--publish-cves",
                help="Request publication of validated, valid CVEs.",
            ),
        ] = False,
        notify_hackerone: Annotated[
            bool,
            typer.Option(
                "--notify-hackerone",
                help="Tell reporters the fix is out, resolve their reports.",
            ),
        ] = False,
        release_issue: ReleaseIssueOption = None,
        blog_url: Annotated[
            str | None,
            typer.Option(
                "--blog-url",
                metavar="URL",
                help="The post's public URL (default: computed from [blog] in psirt.toml).",
            ),
        ] = None,
        blog_published: Annotated[
            bool,
            typer.Option(
                "--blog-published", help="Trust that the post is public instead of checking it."
            ),
        ] = False,
        live: LiveOption = False,
        output: FormatOption = OutputFormat.text,
    ) -> int:
        """Finish the release: close issues, publish CVEs, notify HackerOne (all three when no
        step is named), once the blog post is public (checked at its URL, or --blog-published).
        Dry run by default; --live applies, journals, and is safe to rerun. Exits 4 when
        anything is refused, dry run or live."""
        from psirt.actions.executor import ExecutionStopped
        from psirt.core.errors import ExitCode, InputError
        from psirt.core.words import plural
        from psirt.workflows.close import CloseOptions, close_json, render_close, run_close

        if blog_url is not None and blog_published:
            raise InputError("give --blog-url or --blog-published, not both")
        if blog_url is not None and not blog_url.startswith(("https://", "http://")):
            raise InputError(f"--blog-url {blog_url!r}: expected the post's http(s) URL")
        chosen = close_issues or publish_cves or notify_hackerone
        options = CloseOptions(
            close_issues=close_issues or not chosen,
            publish_cves=publish_cves or not chosen,
            notify_hackerone=notify_hackerone or not chosen,
            release_issue=release_issue,
            blog_url=blog_url,
            blog_published=blog_published,
        )
        try:
            result = run_close(state(ctx).workspace(), options, live=live)
        except ExecutionStopped as stopped:
            for outcome in stopped.outcomes:
                typer.echo(outcome.line())
            raise
        if output is OutputFormat.json:
            echo_json(close_json(result))
        else:
            typer.echo(render_close(result, live=live))
        if result.blocked:
            raise result.blocked_error()
        if result.refusals:  # a dry run exits as the live run would
            done = "Everything else is done." if live else "A live run would do everything else."
            count = plural(len(result.refusals), "item")
            typer.echo(f"\n{count} refused; see above. {done}", err=True)
            return int(ExitCode.REFUSED)
        return int(ExitCode.OK)
