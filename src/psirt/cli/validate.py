"""``psirt validate`` (every check over the release) and ``psirt rules`` (what is checked)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from psirt.cli.common import (
    FindingsFormat,
    FindingsFormatOption,
    FormatOption,
    OutputFormat,
    ReleaseIssueOption,
    echo_json,
)

if TYPE_CHECKING:
    from psirt.session import Session
    from psirt.workflows.validate import ValidationReport


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        ctx: typer.Context,
        release_issue: ReleaseIssueOption = None,
        output: FindingsFormatOption = FindingsFormat.text,
        comment: Annotated[
            bool,
            typer.Option(
                "--comment",
                help="Prepare one comment per security issue with findings, to its assignees.",
            ),
        ] = False,
        live: Annotated[
            bool,
            typer.Option("--live", help="Post the comments (with --comment); default: dry run."),
        ] = False,
    ) -> None:
        """Check the release issue by issue; exit 1 when any error is found."""
        from psirt.cli.common import print_findings, state
        from psirt.core.errors import InputError

        if live and not comment:
            raise InputError("--live only applies with --comment (nothing else writes)")
        session = state(ctx).session()
        from psirt.workflows.validate import validate as run_validate

        report = run_validate(session.snapshot(release_issue))
        printed = print_findings(
            report.findings_report(), output, workspace=state(ctx).workspace().root
        )
        if comment:
            _comment(session, report, live=live, to_stderr=printed.machine_readable)
        raise typer.Exit(int(report.exit_code))

    @app.command()
    def rules(
        output: FormatOption = OutputFormat.text,
    ) -> None:
        """List every rule: code, level, subject and what it checks."""
        from psirt.rules.catalog import listed_rules

        registry = listed_rules()
        if output is OutputFormat.json:
            echo_json([rule.to_json() for rule in registry])
            return
        import os
        import shutil
        import sys

        from psirt.render.rule_table import rule_table

        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        typer.echo(rule_table(registry, shutil.get_terminal_size().columns, color=color))


def _comment(session: Session, report: ValidationReport, *, live: bool, to_stderr: bool) -> None:
    from psirt.render.plan import render_plan
    from psirt.workflows.validate import post_comments

    planned, outcomes = post_comments(session, report, live=live)

    def echo(text: str) -> None:
        typer.echo(text, err=to_stderr)

    echo("")
    for reason in planned.skipped:
        echo(f"skipped: {reason}")
    if not live:
        echo(render_plan(planned.plan))
        echo("")
    for outcome in outcomes:
        echo(outcome.line())
    if not live and planned.plan.actions:
        echo("dry run: nothing was posted; add --live to post these comments")
