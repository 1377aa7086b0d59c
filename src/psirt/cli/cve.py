"""``psirt cve export`` (the release's CVE JSON 5 records), ``psirt cve lint`` (any CNA's), and
after publication ``psirt cve sync`` (correct published records) and ``psirt cve status``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psirt.cli.common import (
    FindingsFormat,
    FindingsFormatOption,
    FormatOption,
    LiveOption,
    OutputFormat,
    ReleaseIssueOption,
    command_group,
)


def register(app: typer.Typer) -> None:
    cve_app = command_group(
        "CVE JSON 5 records: export the release's, lint anyone's, sync and watch published ones."
    )

    @cve_app.command("export", short_help="Write and check one CVE JSON 5 record per CVE.")
    def export(
        ctx: typer.Context,
        out_dir: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Folder for CVE-....json (default: out/cves)."),
        ] = None,
        release_issue: ReleaseIssueOption = None,
        output: FindingsFormatOption = FindingsFormat.text,
    ) -> None:
        """Write one record per CVE of the release, shaped as GitLab publishes them, each
        checked against the CVE JSON 5 schema and the record lint; exit 1 on any error."""
        from psirt.cli.common import print_findings, state
        from psirt.core.errors import ExitCode
        from psirt.core.words import plural
        from psirt.workflows.cve_export import export as run_export
        from psirt.workflows.cve_export import export_report

        session = state(ctx).session()
        folder = out_dir or session.workspace.root / "out" / "cves"
        result = run_export(session, folder, release_issue=release_issue)
        report = export_report(result, folder)
        if print_findings(report, output).machine_readable:
            typer.echo(f"{plural(len(result.records), 'record')} written to {folder}", err=True)
        raise typer.Exit(int(ExitCode.FINDINGS if report.failed else ExitCode.OK))

    @cve_app.command(
        "lint", short_help="Lint published CVE JSON 5 records from any CNA (no workspace needed)."
    )
    def lint(
        ctx: typer.Context,
        records: Annotated[
            list[Path],
            typer.Argument(
                metavar="RECORD",
                help="CVE JSON 5 record files, folders (every *.json below) or - (a list of "
                "paths on standard input, one per line).",
            ),
        ],
        jobs: Annotated[
            int,
            typer.Option(
                "--jobs",
                "-j",
                min=0,
                help="Worker processes for a large input (0: one per core).",
            ),
        ] = 0,
        output: FindingsFormatOption = FindingsFormat.text,
    ) -> None:
        """Lint published CVE JSON 5 records from any CNA (no workspace needed; inside one,
        the confidentiality check also knows the release's confidential issues). Text output
        is printed record by record as the lint goes; exit 1 when any finding is an error."""
        from psirt.cli.common import print_findings, state, stream_findings
        from psirt.core.errors import ExitCode
        from psirt.workflows.record_lint import RecordLint, record_paths, release_confidential

        session = state(ctx).optional_session()
        paths = record_paths(records)
        run = RecordLint(paths, jobs, confidential=release_confidential(session))
        if output is FindingsFormat.text:
            failed = stream_findings(run.groups(), lambda: run.summary)
        else:
            report = run.report()
            print_findings(report, output)
            failed = report.failed
        raise typer.Exit(int(ExitCode.FINDINGS if failed else ExitCode.OK))

    @cve_app.command(
        "sync", short_help="Compare published records with the export; --live updates."
    )
    def sync(
        ctx: typer.Context,
        live: LiveOption = False,
        release_issue: ReleaseIssueOption = None,
        blog_url: Annotated[
            str | None,
            typer.Option(
                "--blog-url",
                metavar="URL",
                help="The post's public URL (default: computed from [blog] in psirt.toml).",
            ),
        ] = None,
        output: FormatOption = OutputFormat.text,
    ) -> int:
        """Compare each published CVE record of the release with psirt's export (fields the
        CVE Program sets aside) and show the differences; --live updates the records that
        differ, sending their CNA container only. Exit 1 when a dry run finds differences."""
        from psirt.actions.executor import ExecutionStopped
        from psirt.cli.common import echo_json, state
        from psirt.core.errors import InputError
        from psirt.workflows.cve_sync import run_sync

        if blog_url is not None and not blog_url.startswith(("https://", "http://")):
            raise InputError(f"--blog-url {blog_url!r}: expected the post's http(s) URL")
        session = state(ctx).session()
        try:
            result = run_sync(session, live=live, release_issue=release_issue, blog_url=blog_url)
        except ExecutionStopped as stopped:
            for outcome in stopped.outcomes:
                typer.echo(outcome.line())
            raise
        if output is OutputFormat.json:
            echo_json(result.to_json())
        else:
            typer.echo(result.render(live=live))
        return int(result.exit_code(live=live))

    @cve_app.command(
        "status", short_help="Each CVE's state at the CNA, ADP additions and findings."
    )
    def status(
        ctx: typer.Context,
        release_issue: ReleaseIssueOption = None,
        output: FindingsFormatOption = FindingsFormat.text,
    ) -> int:
        """Each CVE's state and dates at the CNA, what ADP containers add (SSVC, KEV, CVSS,
        CWE), and findings: not published in time, exploited in the wild (with who to tell),
        disagreements. Exit 1 when any finding is an error."""
        from psirt.cli.common import print_findings, state
        from psirt.workflows.cve_status import run_status

        report = run_status(state(ctx).session(), release_issue=release_issue)
        print_findings(report.findings_report(), output, workspace=state(ctx).workspace().root)
        return int(report.exit_code)

    app.add_typer(cve_app, name="cve")
