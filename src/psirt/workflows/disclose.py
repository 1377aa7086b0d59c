"""``psirt disclose``: make the release's canonical issues public once the disclosure date came.

GitLab makes the issues of a patch release public a fixed number of days after the release
(``[disclosure] issues_public_after_days`` in psirt.toml, 30 by default: the policy every patch
release post states). For each shipped fix, a public note on its canonical issue says why it is
public now, then the issue's confidential flag is unset. Nothing is done:

- before the date (release date + the days; the release date is the tracking issue's due date
  unless ``--released-on`` says otherwise): the whole command refuses;
- for a fix that was held back (a reverted merge request: ``model/merge_requests.py``);
- for an issue labelled ``keep confidential`` (on the canonical or the security issue), an issue
  still open (close the release first), or a canonical issue outside the canonical project.

Dry run by default; ``--live`` applies through ``run_plan``, so it is journaled and a rerun
skips what is done (the note is found by its marker, a public issue is left as it is).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psirt.actions.executor import Outcome
from psirt.actions.plan import Action, Plan
from psirt.actions.tracker_actions import SetConfidential, UpsertNote
from psirt.core.errors import ExitCode, InputError, RefusedError
from psirt.core.records import IssueRef
from psirt.model.merge_requests import reverted_fix_merge_requests
from psirt.model.release import Release, ReleaseSnapshot
from psirt.render.notes import Disclosure, disclosure_note
from psirt.render.plan import plan_json, plan_lines

if TYPE_CHECKING:
    from psirt.session import Session


@dataclass(frozen=True)
class Refusal:
    subject: str
    reason: str


@dataclass
class DisclosePlan:
    release: Release
    released_on: date
    disclose_on: date
    today: date
    plan: Plan = field(default_factory=Plan)
    refusals: list[Refusal] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.today < self.disclose_on

    def blocked_error(self) -> RefusedError:
        days = (self.disclose_on - self.today).days
        return RefusedError(
            f"refusing to make the release's issues public before {self.disclose_on} "
            f"({days} days from now; released {self.released_on}). Nothing was written."
        )

    def exit_code(self, *, live: bool) -> ExitCode:
        if self.blocked or (live and self.refusals):
            return ExitCode.REFUSED
        return ExitCode.OK

    def render(self, *, live: bool) -> str:
        state = "not yet" if self.blocked else "reached"
        lines = [
            f"disclose plan for {self.release.version_list}: released {self.released_on}, "
            f"issues public from {self.disclose_on} ({state}; today {self.today})",
            "",
            "actions:" if self.plan.actions else "actions: none",
        ]
        if self.plan.actions:
            lines += plan_lines(self.plan, self.outcomes)
        if self.refusals:
            lines += ["", "refused (not in the plan):"]
            lines += [f"- {r.subject}: {r.reason}" for r in self.refusals]
        if self.blocked:
            lines += ["", f"blocked: the issues may become public from {self.disclose_on}."]
        elif not live and self.plan.actions:
            lines += ["", "dry run: nothing was written; add --live to apply."]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "release": self.release.version_list,
            "released_on": str(self.released_on),
            "disclose_on": str(self.disclose_on),
            "today": str(self.today),
            "blocked": self.blocked,
            "actions": plan_json(self.plan, self.outcomes),
            "refused": [{"subject": r.subject, "reason": r.reason} for r in self.refusals],
        }


def _marker(release: Release) -> str:
    return "disclose:" + "/".join(str(v) for v in release.versions)


def note_body(
    snapshot: ReleaseSnapshot, released_on: date, templates_dir: Path | None = None
) -> str:
    """The public note (``disclose/canonical_note.md.j2``, which a workspace overrides)."""
    config = snapshot.config
    disclosure = Disclosure(
        product=config.product.name,
        vendor=config.product.vendor,
        release=snapshot.release.version_list,
        released_on=str(released_on),
        days=config.disclosure.issues_public_after_days,
    )
    return disclosure_note(disclosure, templates_dir)


def build_disclose_plan(
    snapshot: ReleaseSnapshot,
    *,
    released_on: date,
    today: date,
    templates_dir: Path | None = None,
) -> DisclosePlan:
    """The plan (pure): per shipped fix, a note then the confidential flag unset.
    ``templates_dir``: the workspace's templates, which override the note's text."""
    config = snapshot.config
    release = snapshot.release
    days = config.disclosure.issues_public_after_days
    result = DisclosePlan(
        release, released_on, config.disclosure.issues_public_on(released_on), today
    )
    keep = config.labels.keep_confidential
    body = note_body(snapshot, released_on, templates_dir)
    why = f"{days} days have passed since the release on {released_on}"
    seen: set[IssueRef] = set()
    for item in snapshot.issues:
        subject = str(item.ref)
        reverted = reverted_fix_merge_requests(item, snapshot)
        if reverted:
            names = ", ".join(f"{mr.ref} ({mr.target_branch})" for mr in reverted)
            result.refusals.append(
                Refusal(subject, f"held back: merge request {names} was reverted, not released")
            )
            continue
        canonical = item.canonical
        if canonical is None:
            result.refusals.append(Refusal(subject, "no canonical issue is linked"))
            continue
        if canonical.ref.project != config.projects.canonical:
            result.refusals.append(
                Refusal(
                    subject,
                    f"its canonical issue {canonical.ref} is not in {config.projects.canonical}",
                )
            )
            continue
        if keep in canonical.labels or keep in item.issue.labels:
            where = canonical.ref if keep in canonical.labels else item.ref
            result.refusals.append(Refusal(str(canonical.ref), f"{where} is labelled ~{keep}"))
            continue
        if canonical.state != "closed":
            result.refusals.append(
                Refusal(
                    str(canonical.ref),
                    "still open: close the release first (psirt close --close-issues)",
                )
            )
            continue
        if canonical.ref in seen:
            continue
        seen.add(canonical.ref)
        actions: list[Action] = []
        if canonical.confidential:
            actions.append(UpsertNote(canonical.ref, _marker(release), body, why))
        actions.append(SetConfidential(canonical.ref, False, why, keep_label=keep))
        result.plan.extend(actions)
    return result


def run_disclose(
    session: Session,
    *,
    live: bool,
    release_issue: int | None = None,
    released_on: date | None = None,
    today: date | None = None,
) -> DisclosePlan:
    """Plan, then check (dry run) or apply (``live``). Raises ``RefusedError`` before any write
    when the date has not come; a live run stopped half way raises ``ExecutionStopped``."""
    from psirt.actions.run import run_plan

    snapshot = session.snapshot(release_issue)
    released_on = released_on or snapshot.release.due_date
    if released_on is None:
        raise InputError(
            "the release date is unknown (the tracking issue has no due date); "
            "pass --released-on YYYY-MM-DD"
        )
    result = build_disclose_plan(
        snapshot,
        released_on=released_on,
        today=today or date.today(),
        templates_dir=session.workspace.templates_dir,
    )
    if result.blocked:
        if live:
            raise result.blocked_error()
        return result
    result.outcomes = run_plan(session, result.plan, live)
    return result
