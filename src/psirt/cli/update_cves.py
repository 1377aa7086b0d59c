"""``psirt update-cves [--live]``."""

from __future__ import annotations

from typing import Annotated

import typer

from psirt.cli.common import OutputFormat, state

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
        live: Annotated[
            bool, typer.Option("--live", help="Write the changes to the tracker.")
        ] = False,
        release_issue: Annotated[
            int | None,
            typer.Option("--release-issue", help="IID of the Security Tracking Issue."),
        ] = None,
        output: Annotated[
            OutputFormat, typer.Option("--format", "-f", help="text for people, json for scripts.")
        ] = OutputFormat.text,
    ) -> int:
        from psirt.errors import ExitCode
        from psirt.session import open_session
        from psirt.workflows.update_cves import report_lines, result_json, run_update_cves

        session = open_session(state(ctx).workspace())
        result = run_update_cves(session, release_issue=release_issue, live=live)
        if output is OutputFormat.json:
            import json

            typer.echo(json.dumps(result_json(result, live=live), indent=2))
        else:
            for line in report_lines(result, live=live):
                typer.echo(line)
        return int(ExitCode.FINDINGS if result.needs_human else ExitCode.OK)
