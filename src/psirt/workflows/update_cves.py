"""``psirt update-cves``: bring every CVE request's YAML in line with the release.

The computation is ``psirt.compute.cve_fields``; this module turns its results into a plan of
``EditDescription`` actions (one per request whose YAML changes), runs it dry or live, and says
what a human still has to decide (conflicts, fields that could not be computed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from psirt.actions.executor import Outcome
from psirt.actions.plan import Plan
from psirt.actions.run import run_plan
from psirt.actions.tracker_actions import EditDescription
from psirt.compute.cve_fields import Conflict, CveUpdate, compute_updates
from psirt.core.words import plural
from psirt.model.release import ReleaseSnapshot
from psirt.parsing.cve_yaml import replace_yaml_block
from psirt.render.plan import plan_json, plan_lines

if TYPE_CHECKING:
    from psirt.session import Session


@dataclass(frozen=True)
class UpdateCvesResult:
    updates: tuple[CveUpdate, ...]
    plan: Plan
    unvalidated: tuple[str, ...]  # requests whose "validated" label the plan removes
    validated_label: str
    outcomes: tuple[Outcome, ...] = field(default=())

    @property
    def changed(self) -> list[CveUpdate]:
        return [u for u in self.updates if u.changed]

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for u in self.updates for c in u.conflicts]

    @property
    def problems(self) -> list[str]:
        return [p for u in self.updates for p in u.problems]

    @property
    def needs_human(self) -> bool:
        """Conflicts or fields that could not be computed: exit code 1."""
        return bool(self.conflicts or self.problems)


def field_name(path: str) -> str:
    """A YAML field as people call it: ``description`` is the CVE's description (the text
    of the record), not the issue's description that holds the YAML block."""
    return "the CVE description" if path == "description" else path.removeprefix("product.")


def _why(update: CveUpdate) -> str:
    names = [field_name(f) for f in update.changed_fields]
    return "update the CVE YAML block in the issue description: " + ", ".join(names)


def plan_update_cves(snapshot: ReleaseSnapshot) -> UpdateCvesResult:
    """The plan for a snapshot: pure, so a test can build it from a constructed snapshot."""
    config = snapshot.config
    validated = config.labels.description_validated
    updates = compute_updates(snapshot.issues, snapshot.release, config)
    plan = Plan()
    unvalidated: list[str] = []
    for update in updates:
        if not update.changed:
            continue
        issue = update.request.issue
        remove: tuple[str, ...] = ()
        # The human approval covered the old title and description text, not the new one.
        if update.description_changed and issue.has_label(validated):
            remove = (validated,)
            unvalidated.append(str(issue.ref))
        plan.add(
            EditDescription(
                ref=issue.ref,
                before=issue.description,
                after=replace_yaml_block(issue.description, update.after),
                why=_why(update),
                remove_labels=remove,
            )
        )
    return UpdateCvesResult(tuple(updates), plan, tuple(unvalidated), validated)


def run_update_cves(
    session: Session, *, release_issue: int | None = None, live: bool = False
) -> UpdateCvesResult:
    """Plan from a fresh snapshot, then check (dry run) or apply (live) each action."""
    result = plan_update_cves(session.snapshot(release_issue))
    outcomes = run_plan(session, result.plan, live)
    return UpdateCvesResult(
        result.updates, result.plan, result.unvalidated, result.validated_label, tuple(outcomes)
    )


def report_lines(result: UpdateCvesResult, *, live: bool, diffs: bool = True) -> list[str]:
    """What the command prints: the plan (with diffs) or what was applied, then what is left."""
    lines: list[str] = []
    total = len(result.updates)
    checked = plural(total, "CVE request")
    if not result.plan.actions:
        if result.needs_human:
            lines.append(f"no change to write ({checked} checked); left for a person:")
        else:
            lines.append(f"every CVE request is up to date ({checked} checked)")
    elif live:
        applied = sum(1 for o in result.outcomes if o.outcome == "applied")
        lines.append(f"updated {applied} of {checked}")
        lines += [o.line() for o in result.outcomes]
    else:
        lines.append(f"{len(result.plan)} of {checked} would change (dry run; --live applies):")
        lines += plan_lines(result.plan, diffs=diffs)
    verb = "removed" if live else "would be removed"
    for ref in result.unvalidated:
        lines.append(
            f'{ref}: label ~"{result.validated_label}" {verb}: the CVE description (the YAML\'s '
            "description field) changes, so it needs a new human review"
        )
    if result.conflicts:
        count = plural(len(result.conflicts), "conflict")
        lines.append(f"{count} (human-written values kept):")
        lines += [f"  {c.line()}" for c in result.conflicts]
    if result.problems:
        count = plural(len(result.problems), "field")
        lines.append(f"{count} could not be computed:")
        lines += [f"  {p}" for p in result.problems]
    return lines


def result_json(result: UpdateCvesResult, *, live: bool) -> dict[str, Any]:
    """The machine-readable report: one entry per CVE request, then what is left for a human."""
    unvalidated = set(result.unvalidated)
    return {
        "live": live,
        "up_to_date": not result.plan.actions,
        "requests": [
            {
                "request": str(u.ref),
                "security_issue": str(u.security.ref),
                "changed_fields": list(u.changed_fields),
                "validated_label_removed": str(u.ref) in unvalidated,
                "conflicts": [
                    {"field": c.field, "current": c.current, "computed": c.computed}
                    for c in u.conflicts
                ],
                "problems": list(u.problems),
            }
            for u in result.updates
        ],
        "actions": plan_json(result.plan, result.outcomes),
    }
