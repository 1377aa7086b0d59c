"""``psirt checklist | handover | notify | email | thanks``: the release's human messages.

The messages themselves are pure (one module each in ``psirt.render``); this module loads the
snapshot, adds what needs more than the snapshot (validation findings for the handover, the blog
URL), and files the checklist on the tracker through a plan, so a second ``--create --live`` finds
the issue it filed instead of filing another.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psirt.actions.executor import Outcome
from psirt.actions.plan import Plan
from psirt.actions.run import run_plan
from psirt.actions.tracker_actions import CreateIssue
from psirt.compute.confidential import Confidential
from psirt.core.errors import InputError, RefusedError
from psirt.core.files import atomic_write
from psirt.model.release import ReleaseSnapshot
from psirt.render.checklist import Checklist, build_checklist, render_checklist
from psirt.render.email import RenderedEmail, build_email, render_email
from psirt.render.handover import build_handover, render_handover
from psirt.render.notify import build_notifications, render_notifications
from psirt.render.thanks import build_thanks, render_thanks

if TYPE_CHECKING:
    from psirt.session import Session


def blog_url(snapshot: ReleaseSnapshot) -> str | None:
    """The post's canonical URL, None while the release has no due date or versions."""
    from psirt.compute.post import post_url

    try:
        return post_url(snapshot.release, snapshot.config)
    except InputError:
        return None


def findings_left(snapshot: ReleaseSnapshot) -> tuple[int, int]:
    """(errors, warnings) of ``psirt validate`` on the snapshot."""
    from psirt.workflows.validate import validate

    report = validate(snapshot)
    return report.errors, report.warnings


# --- checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistResult:
    checklist: Checklist
    body: str
    plan: Plan
    outcomes: tuple[Outcome, ...] = field(default=())

    @property
    def existing(self) -> str | None:
        """The checklist issue already on the tracker, from the plan's check."""
        for outcome in self.outcomes:
            if outcome.outcome == "skipped":
                return outcome.detail
        return None

    @property
    def created(self) -> str | None:
        for outcome in self.outcomes:
            if outcome.outcome == "applied":
                return outcome.detail
        return None


def plan_checklist(snapshot: ReleaseSnapshot, checklist: Checklist, body: str) -> Plan:
    """One ``CreateIssue`` in the tasks project, labelled as a PSIRT task issue and assigned to
    the release managers; its marker names the release versions."""
    config = snapshot.config
    return Plan(
        [
            CreateIssue(
                project=config.projects.tasks,
                title=checklist.title,
                description=body,
                marker=checklist.marker,
                why="the PSIRT checklist of the release",
                labels=(config.labels.task_issue,),
                assignees=checklist.release_managers,
                confidential=True,
            )
        ]
    )


def run_checklist(
    session: Session,
    *,
    release_issue: int | None = None,
    unplanned: bool = False,
    create: bool = False,
    live: bool = False,
) -> ChecklistResult:
    snapshot = session.snapshot(release_issue)
    checklist = build_checklist(snapshot, unplanned=unplanned)
    body = render_checklist(checklist, snapshot.config, session.workspace.templates_dir)
    plan = plan_checklist(snapshot, checklist, body)
    if not create:
        return ChecklistResult(checklist, body, plan)
    outcomes = run_plan(session, plan, live)
    return ChecklistResult(checklist, body, plan, tuple(outcomes))


# --- the other messages ------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A message for people: its text, and for ``--format json`` its parts and recipients."""

    text: str
    parts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, **self.parts}


def handover_message(
    session: Session,
    *,
    status: str,
    next_step: str,
    to: str | None = None,
    sender: str | None = None,
    release_issue: int | None = None,
) -> Message:
    snapshot = session.snapshot(release_issue)
    handover = build_handover(
        snapshot,
        status=status,
        next_step=next_step,
        to=to,
        sender=sender,
        findings=findings_left(snapshot),
    )
    text = render_handover(handover, session.workspace.templates_dir)
    return Message(text, {**asdict(handover), "recipients": [handover.to]})


def notify_message(session: Session, *, release_issue: int | None = None) -> Message:
    snapshot = session.snapshot(release_issue)
    notes = build_notifications(snapshot, blog_url(snapshot))
    text = render_notifications(notes, session.workspace.templates_dir)
    return Message(
        text,
        {
            "versions": notes.versions,
            "severity": notes.severity_name,
            "counts": dict(notes.counts),
            "blog_url": notes.blog_url,
            "recipients": [
                {"key": ping.key, "handle": ping.handle, "why": ping.why} for ping in notes.pings
            ],
        },
    )


def email(session: Session, *, release_issue: int | None = None) -> RenderedEmail:
    """The e-mail, refused (exit 4) when it would give away a confidential detail (``CNF``):
    it goes to every subscriber and cannot be recalled."""
    from psirt.rules.confidential import text_findings

    snapshot = session.snapshot(release_issue)
    mail = render_email(build_email(snapshot), session.workspace.templates_dir)
    confidential = Confidential.of(snapshot.config, snapshot)
    leaks = text_findings("e-mail", f"{mail.subject}\n{mail.text}", confidential)
    if leaks:
        shown = "; ".join(f"{f.code} {f.message}" for f in leaks[:5])
        more = f" (and {len(leaks) - 5} more)" if len(leaks) > 5 else ""
        raise RefusedError(
            f"the e-mail would give away confidential details: {shown}{more}; "
            "psirt validate names what to fix",
            where="e-mail",
        )
    return mail


#: The files ``email --out-dir`` writes: the plain-text and the HTML part.
EMAIL_FILES = {"text": "email.txt", "html": "email.html"}


def write_email(mail: RenderedEmail, out_dir: Path) -> dict[str, Path]:
    """The e-mail's text and HTML parts as files in ``out_dir`` (created when missing), ready
    to attach or paste; returns each part's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for part, name in EMAIL_FILES.items():
        path = out_dir / name
        atomic_write(path, mail.text if part == "text" else mail.html)
        written[part] = path
    return written


def email_json(mail: RenderedEmail, files: dict[str, Path] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"subject": mail.subject, "text": mail.text, "html": mail.html}
    if files:
        found["files"] = {part: str(path) for part, path in files.items()}
    return found


def thanks_message(session: Session, *, release_issue: int | None = None) -> Message:
    snapshot = session.snapshot(release_issue)
    thanks = build_thanks(snapshot)
    text = render_thanks(thanks, session.workspace.templates_dir)
    return Message(
        text,
        {
            "versions": thanks.versions,
            "groups": {group.role: list(group.names) for group in thanks.groups},
        },
    )
