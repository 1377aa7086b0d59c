"""Run a plan against the ports a command opened: the one place that builds an executor.

Dry run (the default) only checks each action; ``live`` applies, verifies and journals to the
workspace's journal. Every command that writes (validate --comment, update-cves, checklist
--create, close) runs its plan here, so none of them can forget the journal or write without
``live``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from psirt.actions.executor import Outcome, execute
from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext, Plan

if TYPE_CHECKING:
    from psirt.bounty.interface import BountyPlatform
    from psirt.cna.interface import Cna
    from psirt.core.workspace import Workspace
    from psirt.trackers.interface import Tracker


class Ports(Protocol):
    """What a plan runs against: a ``psirt.session.Session`` (which sits above this layer)."""

    @property
    def workspace(self) -> Workspace: ...

    @property
    def tracker(self) -> Tracker: ...

    @property
    def bounty(self) -> BountyPlatform: ...


def run_plan(session: Ports, plan: Plan, live: bool, *, cna: Cna | None = None) -> list[Outcome]:
    """Check (dry run) or apply (``live``) the plan; ``cna`` only for plans that publish CVEs
    (the session opens it, and asks for its credentials, only when a command needs it).

    A live run that stops half way raises ``ExecutionStopped``; rerunning finishes it."""
    journal = Journal(session.workspace.journal_path) if live else None
    context = ExecutionContext(
        tracker=session.tracker, bounty=session.bounty, cna=cna, journal=journal
    )
    return execute(plan, context, live=live)
