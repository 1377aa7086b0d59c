"""``psirt validate`` (every check over the release) and ``psirt rules`` (what is checked)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from psirt.cli.common import FormatOption, OutputFormat, ReleaseIssueOption, echo_json

if TYPE_CHECKING:
    from psirt.session import Session
    from psirt.workflows.validate import ValidationReport


class FindingsFormat(StrEnum):
    text = "text"
    json = "json"
    codequality = "codequality"


def register(app: typer.Typer) -> None:
    @app.command()
    def validate(
        ctx: typer.Context,
        release_issue: ReleaseIssueOption = None,
        output: Annotated[
            FindingsFormat,
            typer.Option(
                "--format",
                "-f",
                help="text for people, json for scripts, codequality for a GitLab CI report.",
            ),
        ] = FindingsFormat.text,
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
        from psirt.cli.common import state
        from psirt.core.errors import InputError

        if live and not comment:
            raise InputError("--live only applies with --comment (nothing else writes)")
        session = state(ctx).session()
        from psirt.workflows.validate import validate as run_validate

        report = run_validate(session.snapshot(release_issue))
        _print_report(report, output)
        if comment:
            _comment(session, report, live=live, to_stderr=output is not FindingsFormat.text)
        raise typer.Exit(int(report.exit_code))

    @app.command()
    def rules(
        output: FormatOption = OutputFormat.text,
    ) -> None:
        """List every rule: code, level, subject and what it checks."""
        from psirt.workflows.validate import all_rules

        registry = all_rules()
        if output is OutputFormat.json:
            echo_json([rule.to_json() for rule in registry])
            return
        from rich.console import Console

        from psirt.render.findings import render_rules

        render_rules(registry, Console(highlight=False, soft_wrap=True))


def _print_report(report: object, output: FindingsFormat) -> None:
    from psirt.render.findings import render_text, to_codequality, to_json
    from psirt.workflows.validate import ValidationReport

    assert isinstance(report, ValidationReport)
    if output is FindingsFormat.json:
        typer.echo(to_json(report.findings))
        return
    if output is FindingsFormat.codequality:
        typer.echo(to_codequality(report.findings))
        return
    from rich.console import Console

    release = report.snapshot.release
    groups = []
    for group in report.groups:
        subtitle = group.item.title if group.item is not None else "release"
        groups.append((group.subject, subtitle, group.findings))
    checked = len(report.snapshot.issues)
    summary = (
        f"{release.version_list or 'release'}: {checked} security issues checked, "
        f"{report.errors} errors, {report.warnings} warnings"
    )
    render_text(groups, Console(highlight=False, soft_wrap=True), summary=summary)


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
