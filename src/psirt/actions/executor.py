"""Apply a plan: dry run by default; live applies each action in order, idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from psirt.actions.plan import Action, ExecutionContext, Plan
from psirt.core.errors import PsirtError, RemoteError

OutcomeKind = Literal["would apply", "applied", "skipped", "failed"]


@dataclass(frozen=True)
class Outcome:
    action: Action
    outcome: OutcomeKind
    detail: str = ""

    def line(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.outcome}: {self.action.describe()}{detail}"


def execute(plan: Plan, context: ExecutionContext, *, live: bool) -> list[Outcome]:
    """Run the plan. Live: check, apply, verify and journal each action; stop at the first
    failure (the rest stays undone and a rerun finishes it). Dry run: only check."""
    outcomes: list[Outcome] = []
    for action in plan:
        try:
            skip = action.check(context)
        except PsirtError as exc:
            if not live:
                raise
            # a refused precondition stops a live run like a failed write: journaled, and the
            # outcomes so far are reported
            if context.journal is not None:
                context.journal.record(action.kind, action.subject, "failed", exc.message)
            outcomes.append(Outcome(action, "failed", str(exc)))
            raise ExecutionStopped(outcomes, exc) from exc
        if skip is not None:
            outcomes.append(Outcome(action, "skipped", skip))
            if live and context.journal is not None:
                if _interrupted(context, action):
                    # the killed run's write landed before it could journal it: say so now
                    detail = f"landed before the earlier run was stopped; found now: {skip}"
                    context.journal.record(action.kind, action.subject, "applied", detail)
                else:
                    context.journal.record(action.kind, action.subject, "skipped", skip)
            continue
        if not live:
            outcomes.append(Outcome(action, "would apply"))
            continue
        if context.lock is not None:
            context.lock.in_flight(action.describe())
        try:
            detail = action.apply(context)
            if not action.verify(context):
                raise RemoteError(f"{action.describe()}: the change did not take (re-read differs)")
        except PsirtError as exc:
            if context.journal is not None:
                context.journal.record(action.kind, action.subject, "failed", exc.message)
            outcomes.append(Outcome(action, "failed", str(exc)))
            raise ExecutionStopped(outcomes, exc) from exc
        except Exception as exc:
            # a bug or an unforeseen library error: the journal still says where the run
            # stopped (the write may have landed; a rerun's check finds out). Only the type is
            # journaled: a library's message may hold anything, a URL with a token included.
            if context.journal is not None:
                context.journal.record(
                    action.kind, action.subject, "failed", f"unexpected {type(exc).__name__}"
                )
            raise
        if context.journal is not None:
            context.journal.record(action.kind, action.subject, "applied", detail)
        if context.lock is not None:
            context.lock.in_flight(None)
        outcomes.append(Outcome(action, "applied", detail))
    return outcomes


def _interrupted(context: ExecutionContext, action: Action) -> bool:
    """Whether ``action`` was the write in flight when an earlier live run was killed."""
    return context.lock is not None and context.lock.interrupted == action.describe()


class ExecutionStopped(PsirtError):
    """An action failed; the outcomes so far say what was done. Rerunning finishes the plan."""

    def __init__(self, outcomes: list[Outcome], cause: PsirtError) -> None:
        super().__init__(
            f"stopped after {len(outcomes) - 1} of the plan's actions: {cause}; "
            "rerun the same command to finish (done actions are skipped)"
        )
        self.outcomes = outcomes
        self.exit_code = cause.exit_code
