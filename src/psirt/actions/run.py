"""Run a plan against the ports a command opened: the one place that builds an executor.

Dry run (the default) only checks each action; ``live`` applies, verifies and journals to the
workspace's journal. Every command that writes (validate --comment, update-cves, checklist
--create, close, cve sync, disclose) runs its plan here, so none of them can forget the journal
or write without ``live``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from psirt.actions.executor import Outcome, execute
from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext, Plan
from psirt.core.lock import workspace_lock

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

    A live run holds the workspace's lock (``core.lock``) while it applies: a second live run
    on the same workspace is refused, naming this one, instead of writing everything twice.
    A live run that stops half way raises ``ExecutionStopped``; rerunning finishes it."""
    if not live:
        return execute(
            plan,
            ExecutionContext(tracker=session.tracker, bounty=session.bounty, cna=cna),
            live=False,
        )
    with workspace_lock(session.workspace.root) as lock:
        journal = Journal(session.workspace.journal_path)
        context = ExecutionContext(
            tracker=session.tracker, bounty=session.bounty, cna=cna, journal=journal, lock=lock
        )
        return execute(plan, context, live=True)
