"""``psirt cve export`` (the release's CVE JSON 5 records) and ``psirt cve lint`` (any CNA's)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psirt.cli.common import (
    FindingsFormat,
    FindingsFormatOption,
    ReleaseIssueOption,
    command_group,
)


def register(app: typer.Typer) -> None:
    cve_app = command_group("CVE JSON 5 records: export the release's, lint anyone's.")

    @cve_app.command("export")
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
        from psirt.workflows.cve_export import export as run_export
        from psirt.workflows.cve_export import export_report

        session = state(ctx).session()
        folder = out_dir or session.workspace.root / "out" / "cves"
        exported = run_export(session, folder, release_issue=release_issue)
        report = export_report(exported, folder)
        if print_findings(report, output).machine_readable:
            typer.echo(f"{len(exported)} records written to {folder}", err=True)
        raise typer.Exit(int(ExitCode.FINDINGS if report.failed else ExitCode.OK))

    @cve_app.command("lint")
    def lint(
        records: Annotated[
            list[Path], typer.Argument(metavar="RECORD", help="CVE JSON 5 record files.")
        ],
        output: FindingsFormatOption = FindingsFormat.text,
    ) -> None:
        """Lint published CVE JSON 5 records from any CNA (no workspace needed)."""
        from psirt.cli.common import print_findings
        from psirt.core.errors import ExitCode
        from psirt.workflows.cve_export import lint_files

        report = lint_files(records)
        print_findings(report, output)
        raise typer.Exit(int(ExitCode.FINDINGS if report.failed else ExitCode.OK))

    app.add_typer(cve_app, name="cve")
