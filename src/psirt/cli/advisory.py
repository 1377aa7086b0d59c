"""``psirt advisory export`` (the release's CSAF 2.0 document or OSV records) and ``psirt
advisory lint`` (anyone's, against the official schemas)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from psirt.cli.common import (
    FindingsFormat,
    FindingsFormatOption,
    ReleaseIssueOption,
    command_group,
)


class AdvisoryFormat(StrEnum):
    csaf = "csaf"
    osv = "osv"


class DocumentStatus(StrEnum):
    final = "final"
    interim = "interim"
    draft = "draft"


def register(app: typer.Typer) -> None:
    advisory_app = command_group(
        "Machine-readable advisories: CSAF 2.0 and OSV, exported from the release or linted."
    )

    @advisory_app.command(
        "export", short_help="Write the release's CSAF 2.0 and OSV advisories, schema-checked."
    )
    def export(
        ctx: typer.Context,
        kind: Annotated[
            AdvisoryFormat,
            typer.Option("--format", "-f", help="csaf: one CSAF 2.0 document; osv: one per CVE."),
        ],
        out_dir: Annotated[
            Path | None,
            typer.Option(
                "--output", "-o", help="Folder to write to (default: out/csaf or out/osv)."
            ),
        ] = None,
        status: Annotated[
            DocumentStatus,
            typer.Option(help="CSAF document status (draft before the release is public)."),
        ] = DocumentStatus.final,
        provider_metadata: Annotated[
            bool,
            typer.Option(
                "--provider-metadata",
                help="Also write provider-metadata.json for a CSAF provider directory.",
            ),
        ] = False,
        release_issue: ReleaseIssueOption = None,
    ) -> None:
        """Write the release's advisories from the same facts as the blog post and the CVE
        records (a held-back fix is left out). A re-export reads the files in the folder: CSAF
        adds a revision when something changed, OSV keeps its dates. Each file is checked
        against its official schema; exit 1 on any error."""
        from psirt.cli.common import state
        from psirt.core.errors import ExitCode
        from psirt.workflows import advisory

        if kind is AdvisoryFormat.osv and (provider_metadata or status is not DocumentStatus.final):
            option = "--provider-metadata" if provider_metadata else "--status"
            raise typer.BadParameter("applies to --format csaf only", param_hint=option)
        session = state(ctx).session()
        folder = out_dir or session.workspace.root / "out" / kind.value
        if kind is AdvisoryFormat.csaf:
            result = advisory.export_csaf(
                session,
                folder,
                release_issue=release_issue,
                status=status.value,
                provider_metadata=provider_metadata,
            )
        else:
            result = advisory.export_osv(session, folder, release_issue=release_issue)
        for item in result.written:
            errors = [f for f in item.findings if f.is_error]
            state_word = "written" if item.changed else "unchanged"
            typer.echo(f"{item.path}: {state_word}, {len(errors)} schema errors")
            for finding in item.findings:
                typer.echo(f"  {finding.code} {finding.level}: {finding.message}")
        for entry in result.advisory.held_back:
            typer.echo(f"left out: {entry.cve_id or entry.title} ({entry.ref}) is held back")
        failed = any(f.is_error for f in result.findings)
        raise typer.Exit(int(ExitCode.FINDINGS if failed else ExitCode.OK))

    @advisory_app.command(
        "lint", short_help="Check CSAF 2.0 and OSV files from anyone against the schemas."
    )
    def lint(
        files: Annotated[
            list[Path],
            typer.Argument(
                metavar="FILE", help="CSAF documents, provider-metadata.json or OSV records."
            ),
        ],
        output: FindingsFormatOption = FindingsFormat.text,
    ) -> None:
        """Check CSAF 2.0 documents, CSAF provider metadata and OSV records from anyone against
        the official JSON schemas shipped with psirt (no network, no Node; CSAF's mandatory
        tests are not schema and are not run)."""
        from psirt.cli.common import print_findings
        from psirt.core.errors import ExitCode
        from psirt.render.findings import by_subject, counts
        from psirt.workflows.advisory import lint_files

        findings = lint_files(files)
        report = by_subject(findings, f"{len(files)} files: {counts(findings)}")
        print_findings(report, output)
        raise typer.Exit(int(ExitCode.FINDINGS if report.failed else ExitCode.OK))

    app.add_typer(advisory_app, name="advisory")
