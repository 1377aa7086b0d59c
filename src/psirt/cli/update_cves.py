"""``psirt update-cves [--live]``."""

from __future__ import annotations

import typer

from psirt.cli.common import (
    FormatOption,
    LiveOption,
    OutputFormat,
    ReleaseIssueOption,
    echo_json,
    state,
)

_HELP = """Compute the CVE YAML fields the release decides, and write them back with --live.

Always recomputed: affected_versions, fixed_versions, solution, and the version phrase of the
description. Filled only when missing or a placeholder: the description (from the council
note's Public description), cpes and product, credit, references (appended, never removed).
A human-written value that differs is kept and reported as a conflict. When the description
of a request carrying the validated label (psirt.toml labels.description_validated) changes,
the same write removes that label: the human approval does not cover the new text.

Dry run (the default) prints a unified diff per CVE request. Exit codes: 0 when nothing is left
for a human (no conflicts, every field computed; a dry run with pending changes is also 0),
1 when conflicts or uncomputable fields remain, 2 bad input, 3 tracker error, 4 refused.
"""


def register(app: typer.Typer) -> None:
    @app.command("update-cves", help=_HELP)
    def update_cves(
        ctx: typer.Context,
        live: LiveOption = False,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
    ) -> int:
        from psirt.core.errors import ExitCode
        from psirt.workflows.update_cves import report_lines, result_json, run_update_cves

        session = state(ctx).session()
        result = run_update_cves(session, release_issue=release_issue, live=live)
        if output is OutputFormat.json:
            echo_json(result_json(result, live=live))
        else:
            for line in report_lines(result, live=live):
                typer.echo(line)
        return int(ExitCode.FINDINGS if result.needs_human else ExitCode.OK)
