"""Reference lookups that need no workspace: ``psirt cwe``, ``psirt cvss``, ``psirt schedule``.

``psirt cwe`` is a group whose unknown first word is taken as an id, so both
``psirt cwe CWE-400`` and ``psirt cwe update --from cwec_v4.15.xml`` read naturally.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from psirt.cli.common import FormatOption, OutputFormat, command_group, echo_json, state

if TYPE_CHECKING:
    from typer import _click as click  # the click that TyperGroup is typed against


class _DefaultToShow(TyperGroup):
    """A group that runs ``show`` when the first argument is not one of its commands."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands:
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)


cwe_app = command_group(
    "Look up a CWE (psirt cwe CWE-400) or index a newer catalog (psirt cwe update --from F).",
    cls=_DefaultToShow,
    context_settings={"ignore_unknown_options": True},  # so `psirt cwe --format json 400` works
)


@cwe_app.command("show", help="Print a CWE: name, abstraction, mapping usage, suggestions.")
def cwe_show(
    cwe_id: Annotated[str, typer.Argument(metavar="CWE_ID", help="CWE-400, cwe-400 or 400.")],
    output: FormatOption = OutputFormat.text,
) -> None:
    from psirt.knowledge.cwe import load_catalog, lookup

    entry = lookup(cwe_id)
    if output is OutputFormat.json:
        echo_json(entry.as_json())
        return
    typer.echo(f"{entry.id}: {entry.name}")
    typer.echo(f"  kind:        {entry.kind}")
    if entry.abstraction:
        typer.echo(f"  abstraction: {entry.abstraction}")
    typer.echo(f"  status:      {entry.status}")
    typer.echo(f"  usage:       {entry.usage}")
    if entry.suggestions:
        typer.echo(f"  suggestions: {', '.join(entry.suggestions)}")
    typer.echo(f"  catalog:     CWE {load_catalog().version}")


@cwe_app.command("update", help="Index a newer MITRE catalog (cwec_vX.Y.xml) into the cache.")
def cwe_update(
    source: Annotated[
        Path,
        typer.Option("--from", help="MITRE's catalog XML, e.g. cwec_v4.15.xml.", dir_okay=False),
    ],
    output: FormatOption = OutputFormat.text,
) -> None:
    from psirt.core.words import plural
    from psirt.knowledge.cwe import update_catalog

    result = update_catalog(source)
    if output is OutputFormat.json:
        echo_json(
            {
                "version": result.catalog.version,
                "date": result.catalog.date,
                "entries": len(result.catalog),
                "index": str(result.index),
                "in_use": result.in_use,
            }
        )
        return
    typer.echo(
        f"indexed CWE {result.catalog.version} ({result.catalog.date}, "
        f"{plural(len(result.catalog), 'entry')}) into {result.index}"
    )
    if result.in_use != result.catalog.version:
        typer.echo(f"note: CWE {result.in_use} is newer and stays in use")


def cvss(
    ctx: typer.Context,
    vector: Annotated[
        str, typer.Argument(help="A CVSS 3.0/3.1/4.0 vector, with or without CVSS:x.y/.")
    ],
    output: FormatOption = OutputFormat.text,
) -> None:
    """Score a CVSS vector and give its GitLab severity label and CVE JSON metric object."""
    from psirt.core.errors import InputError
    from psirt.knowledge.cvss import parse_vector

    try:
        score = parse_vector(vector)
    except InputError as exc:
        if exc.where is not None:
            raise
        raise InputError(exc.message, where=f"vector {vector!r}") from exc
    label = _severity_label(ctx, score.gitlab_severity) if score.base_score > 0 else None
    if output is OutputFormat.json:
        data = score.as_json()
        data["label"] = label
        echo_json(data)
        return
    typer.echo(score.vector)
    typer.echo(f"  base score: {score.base_score} ({score.severity})")
    if label:
        typer.echo(f"  label:      {label}")
    for key, value in score.cve_json_metrics().items():
        typer.echo(f"  {key}: {value}")


def _severity_label(ctx: typer.Context, level: int) -> str:
    """The label from the workspace's psirt.toml when there is one, else the default; a
    workspace named with --workspace must be readable. Outside a workspace no config is read
    (nor pydantic imported)."""
    from psirt.core.errors import WorkspaceError
    from psirt.core.severity_label import severity_label

    holder = state(ctx)
    try:
        workspace = holder.workspace()
    except WorkspaceError:
        if holder.workspace_option is not None:
            raise
        return severity_label(level)
    return workspace.config.labels.severity(level)


def schedule(
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="Calendar year (default: this year).")
    ] = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """List the monthly releases of a year with their planned patch release dates."""
    from datetime import date

    from psirt.knowledge.schedule import releases_in

    releases = releases_in(year if year is not None else date.today().year)
    if output is OutputFormat.json:
        echo_json([r.as_json() for r in releases])
        return
    typer.echo(f"{'version':<8} {'release':<11} {'patch before':<13} patch after")
    for r in releases:
        typer.echo(
            f"{r.version!s:<8} {r.date.isoformat():<11} {r.patch_before.isoformat():<13} "
            f"{r.patch_after.isoformat()}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(cwe_app, name="cwe")
    app.command("cvss")(cvss)
    app.command("schedule")(schedule)
