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
        from psirt.cli.common import print_findings, state
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
        report = advisory.export_report(result)
        print_findings(report, FindingsFormat.text)
        raise typer.Exit(report.exit_code)

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
        from psirt.core.words import plural
        from psirt.render.findings import by_subject, counts
        from psirt.workflows.advisory import lint_files

        findings = lint_files(files)
        report = by_subject(findings, f"{plural(len(files), 'file')}: {counts(findings)}")
        print_findings(report, output)
        raise typer.Exit(report.exit_code)

    app.add_typer(advisory_app, name="advisory")
