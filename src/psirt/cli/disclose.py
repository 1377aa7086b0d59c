"""``psirt disclose [--live]``: make the release's canonical issues public on their date."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from psirt.cli.common import FormatOption, LiveOption, OutputFormat, ReleaseIssueOption


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r}: expected YYYY-MM-DD") from None


def register(app: typer.Typer) -> None:
    @app.command(short_help="Make the shipped fixes' canonical issues public, when it is time.")
    def disclose(
        ctx: typer.Context,
        live: LiveOption = False,
        release_issue: ReleaseIssueOption = None,
        released_on: Annotated[
            str | None,
            typer.Option(
                "--released-on",
                metavar="YYYY-MM-DD",
                help="When the release shipped (default: the tracking issue's due date).",
            ),
        ] = None,
        output: FormatOption = OutputFormat.text,
    ) -> int:
        """Once [disclosure] issues_public_after_days have passed since the release (30 by
        default, GitLab's policy), note and make public the canonical issue of each shipped
        fix; never before the date, never a held-back fix or a ~"keep confidential" issue.
        Dry run by default; --live applies, journals, and is safe to rerun."""
        from psirt.actions.executor import ExecutionStopped
        from psirt.cli.common import echo_json, state
        from psirt.workflows.disclose import run_disclose

        shipped = _date(released_on)
        try:
            result = run_disclose(
                state(ctx).session(), live=live, release_issue=release_issue, released_on=shipped
            )
        except ExecutionStopped as stopped:
            for outcome in stopped.outcomes:
                typer.echo(outcome.line())
            raise
        if output is OutputFormat.json:
            echo_json(result.to_json())
        else:
            typer.echo(result.render(live=live))
        if result.blocked:
            raise result.blocked_error()
        return int(result.exit_code(live=live))
