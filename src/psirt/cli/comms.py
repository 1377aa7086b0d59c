"""``psirt checklist | handover | notify | email | thanks``: the release's human messages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from psirt.cli.common import FormatOption, OutputFormat, ReleaseIssueOption, echo_json, state

_CHECKLIST_HELP = """Print the PSIRT checklist of the release, as a GitLab task list.

The handbook's pre-release, release-day and post-release steps with psirt's commands, and the
stakeholders to tell for the release's worst fix. --unplanned adds the steps of an unplanned
critical (S1) release. --create files it as an issue in the tasks project (dry run: prints the
plan; --live creates it; a second run finds it and says so).
"""


def register(app: typer.Typer) -> None:
    @app.command("checklist", help=_CHECKLIST_HELP)
    def checklist(
        ctx: typer.Context,
        unplanned: Annotated[
            bool, typer.Option("--unplanned", help="An unplanned critical (S1) release.")
        ] = False,
        create: Annotated[
            bool, typer.Option("--create", help="File the checklist as an issue (with --live).")
        ] = False,
        live: Annotated[
            bool, typer.Option("--live", help="With --create: create the issue.")
        ] = False,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
    ) -> None:
        from psirt.core.errors import InputError
        from psirt.render.plan import plan_json, render_plan
        from psirt.workflows.comms import run_checklist

        if live and not create:
            raise InputError("--live only applies with --create (nothing else writes)")
        session = state(ctx).session()
        result = run_checklist(
            session, release_issue=release_issue, unplanned=unplanned, create=create, live=live
        )
        if output is OutputFormat.json:
            echo_json(
                {
                    "title": result.checklist.title,
                    "marker": result.checklist.marker,
                    "body": result.body,
                    "existing": result.existing,
                    "created": result.created,
                    "actions": plan_json(result.plan, result.outcomes),
                }
            )
            return
        if not create:
            typer.echo(result.body, nl=False)
            return
        if result.existing:
            typer.echo(f"the checklist issue exists already: {_ref(result.existing)}")
        elif result.created:
            typer.echo(f"created the checklist issue {_ref(result.created)}")
        else:
            typer.echo("dry run (--live creates it):")
            typer.echo(render_plan(result.plan))
            typer.echo("")
            typer.echo(result.body, nl=False)

    @app.command("handover", short_help="Print the handover message, with a status line.")
    def handover(
        ctx: typer.Context,
        status: Annotated[str, typer.Option("--status", help="A brief status statement.")],
        next_step: Annotated[str, typer.Option("--next", help="What should happen next.")],
        to: Annotated[
            str | None,
            typer.Option("--to", help="Who takes over (default: the other release manager)."),
        ] = None,
        sender: Annotated[
            str | None,
            typer.Option("--from", help="Who hands over (default: the primary release manager)."),
        ] = None,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
    ) -> None:
        """Print the handover message for #sec-psirt-team, with the release's links and a status
        line computed from the release (findings, CVEs not validated, MRs not merged)."""
        from psirt.workflows.comms import handover_message

        session = state(ctx).session()
        message = handover_message(
            session,
            status=status,
            next_step=next_step,
            to=to,
            sender=sender,
            release_issue=release_issue,
        )
        _print(message.text, message.to_json(), output)

    @app.command("notify", short_help="Print the message for each stakeholder to tell.")
    def notify(
        ctx: typer.Context,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
    ) -> None:
        """Print the message for each stakeholder the release's worst fix requires (marketing
        always; field security and support for critical or high; Dedicated and communications
        for critical), addressed to the handles of psirt.toml's people.stakeholders."""
        from psirt.workflows.comms import notify_message

        message = notify_message(state(ctx).session(), release_issue=release_issue)
        _print(message.text, message.to_json(), output)

    @app.command("email", short_help="Print the Security Alerts e-mail.")
    def email(
        ctx: typer.Context,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
        out_dir: Annotated[
            Path | None,
            typer.Option(
                "--out-dir",
                metavar="DIR",
                help="Also write the text and HTML parts to DIR/email.txt and DIR/email.html.",
                file_okay=False,
            ),
        ] = None,
    ) -> None:
        """Print the Security Alerts e-mail (subject, plain text, HTML): the versions, the fixes
        by severity, the recommendation to upgrade and the blog post link."""
        from psirt.workflows.comms import email as build
        from psirt.workflows.comms import email_json, write_email

        session = state(ctx).session()
        mail = build(session, release_issue=release_issue)
        files = write_email(mail, out_dir) if out_dir is not None else None
        if output is OutputFormat.json:
            echo_json(email_json(mail, files))
            return
        if files is not None:
            typer.echo(f"Subject: {mail.subject}")
            for part, path in files.items():
                typer.echo(f"{part} part written to {path}")
            return
        typer.echo(f"Subject: {mail.subject}\n\n--- text ---\n{mail.text}\n--- html ---")
        typer.echo(mail.html, nl=False)

    @app.command("thanks", short_help="Print the #thanks message, each person named once.")
    def thanks(
        ctx: typer.Context,
        release_issue: ReleaseIssueOption = None,
        output: FormatOption = OutputFormat.text,
    ) -> None:
        """Print the #thanks message: release managers, MR authors and reviewers, PSIRT
        reviewers and credited reporters, each named once."""
        from psirt.workflows.comms import thanks_message

        message = thanks_message(state(ctx).session(), release_issue=release_issue)
        _print(message.text, message.to_json(), output)


def _print(text: str, data: dict[str, Any], output: OutputFormat) -> None:
    """A message as text for people, or as JSON (the text and its parts) for scripts."""
    if output is OutputFormat.json:
        echo_json(data)
    else:
        typer.echo(text, nl=False)


def _ref(detail: str) -> str:
    """``it exists: group/project#12`` or ``created group/project#12`` -> the reference."""
    return detail.split()[-1]
