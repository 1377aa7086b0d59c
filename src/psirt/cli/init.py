"""``psirt init DIR`` (a new workspace) and ``psirt doctor`` (is it ready?)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from psirt.cli.common import FormatOption, OutputFormat, echo_json, program, shown, state

_PROJECT_OPTIONS = {
    "security": "--security-project",
    "canonical": "--canonical-project",
    "cve_requests": "--cve-project",
    "tracking": "--tracking-project",
}


def register(app: typer.Typer) -> None:
    @app.command(short_help="Start a workspace for the upcoming release (local, or --gitlab URL).")
    def init(
        folder: Annotated[
            Path, typer.Argument(help="Where to write the workspace (new or empty folder).")
        ],
        gitlab: Annotated[
            str | None,
            typer.Option(
                "--gitlab",
                metavar="URL",
                help="Read the release from this GitLab instance (writes only psirt.toml).",
            ),
        ] = None,
        versions: Annotated[
            str | None,
            typer.Option(
                "--versions",
                metavar="X.Y.Z,...",
                help="The release's versions (default: from the release calendar).",
            ),
        ] = None,
        due: Annotated[
            str | None,
            typer.Option(
                "--date",
                metavar="YYYY-MM-DD",
                help="The release date (default: the next planned patch release).",
            ),
        ] = None,
        security: Annotated[
            str | None,
            typer.Option(
                _PROJECT_OPTIONS["security"],
                metavar="PATH",
                help="The security project's path (default: GitLab's, see docs/config.md).",
            ),
        ] = None,
        canonical: Annotated[
            str | None,
            typer.Option(
                _PROJECT_OPTIONS["canonical"],
                metavar="PATH",
                help="The canonical issues' project (default: GitLab's).",
            ),
        ] = None,
        cve_requests: Annotated[
            str | None,
            typer.Option(
                _PROJECT_OPTIONS["cve_requests"],
                metavar="PATH",
                help="The CVE requests' project (default: GitLab's).",
            ),
        ] = None,
        tracking: Annotated[
            str | None,
            typer.Option(
                _PROJECT_OPTIONS["tracking"],
                metavar="PATH",
                help="The tracking and task issues' project (default: GitLab's).",
            ),
        ] = None,
    ) -> None:
        """Write a workspace for the upcoming patch release: a commented psirt.toml and, for
        the local tracker, the project folders and the release's tracking and task issues."""
        from psirt.core.errors import InputError
        from psirt.workflows.init import InitOptions, init_workspace, parse_versions

        try:
            when = date.fromisoformat(due) if due is not None else None
        except ValueError:
            raise InputError(f"--date {due!r}: expected a date such as 2026-03-25") from None
        # the PSIRT task issue lives next to the tracking issue
        given = {"security": security, "canonical": canonical, "cve_requests": cve_requests}
        given |= {"tracking": tracking, "tasks": tracking}
        projects = {key: value for key, value in given.items() if value}
        done = init_workspace(
            folder,
            InitOptions(
                gitlab_url=gitlab,
                versions=parse_versions(versions) if versions else (),
                due=when,
                projects=projects,
            ),
        )
        listed = ", ".join(str(v) for v in done.versions)
        where = shown(done.root)
        typer.echo(f"workspace written to {where}")
        if gitlab is None:
            how = "from the release calendar" if done.estimated else "as given"
            typer.echo(f"release: {listed}, due {done.due} ({how})")
            if done.estimated:
                typer.echo(
                    "  an unplanned release since adds patches the calendar cannot know: "
                    "check the versions, or start again with --versions"
                )
        else:
            url = done.config.tracker.url
            typer.echo(f"tracker: {url} (export GITLAB_TOKEN before the next command)")
        typer.echo(f"next: {program()} doctor -w {where}")

    @app.command(short_help="Check the workspace: token, projects, labels, tracking issue.")
    def doctor(ctx: typer.Context, output: FormatOption = OutputFormat.text) -> None:
        """Check that the workspace is ready: the tracker's token, projects, labels and the
        tracking issue, then HackerOne's and CVE Services' credentials when configured. One
        line per check, a fix with each problem; exit 0 when all pass, 1 when any fails."""
        import os

        from psirt.workflows.doctor import run_doctor

        report = run_doctor(state(ctx).workspace(), os.environ)
        if output is OutputFormat.json:
            echo_json([check.as_json() for check in report.checks])
        else:
            for check in report.checks:
                typer.echo(check.line())
            count = len(report.problems)
            typer.echo(f"{count} problem{'s' if count != 1 else ''}" if count else "ready")
        raise typer.Exit(int(report.exit_code))
