"""A plan of actions for people (numbered lines with diffs) and for scripts (JSON): the one
renderer of close, update-cves, checklist --create and validate --comment.

Before a run a plan shows what it would do; with the outcomes of a run each action also says
what happened to it (``[applied: created note 7]``), and a skipped action shows no diff since
nothing was changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from psirt.actions.executor import Outcome
    from psirt.actions.plan import Action, Plan

NOTHING_TO_DO = "nothing to do"
DIFF_INDENT = "     "


def _by_action(outcomes: Sequence[Outcome]) -> dict[int, Outcome]:
    return {id(outcome.action): outcome for outcome in outcomes}


def action_lines(
    number: int, action: Action, outcome: Outcome | None = None, *, diffs: bool = True
) -> list[str]:
    tag = ""
    if outcome is not None:
        detail = f": {outcome.detail}" if outcome.detail else ""
        tag = f" [{outcome.outcome}{detail}]"
    lines = [f"{number}. {action.describe()}{tag}"]
    diff = action.diff() if diffs else None
    if diff and (outcome is None or outcome.outcome != "skipped"):
        lines.extend(DIFF_INDENT + line for line in diff.rstrip("\n").splitlines())
    return lines


def plan_lines(plan: Plan, outcomes: Sequence[Outcome] = (), *, diffs: bool = True) -> list[str]:
    """One numbered line per action (and its diff), or ``nothing to do``."""
    if not plan.actions:
        return [NOTHING_TO_DO]
    status = _by_action(outcomes)
    lines: list[str] = []
    for number, action in enumerate(plan, 1):
        lines += action_lines(number, action, status.get(id(action)), diffs=diffs)
    return lines


def render_plan(plan: Plan, outcomes: Sequence[Outcome] = (), *, diffs: bool = True) -> str:
    return "\n".join(plan_lines(plan, outcomes, diffs=diffs))


def plan_json(plan: Plan, outcomes: Sequence[Outcome] = ()) -> list[dict[str, Any]]:
    """One object per action: kind, subject, what, why, diff, and its outcome and detail once
    the plan ran (``null`` before, or for the actions after a stopped run)."""
    status = _by_action(outcomes)
    out: list[dict[str, Any]] = []
    for action in plan:
        outcome = status.get(id(action))
        out.append(
            {
                "kind": action.kind,
                "subject": action.subject,
                "what": action.describe(),
                "why": action.why,
                "diff": action.diff(),
                "outcome": outcome.outcome if outcome is not None else None,
                "detail": outcome.detail if outcome is not None else None,
            }
        )
    return out
