"""Plans: typed actions with a precondition that makes each one idempotent.

An action says what it does, on which object and why; ``check`` tells whether it is already done
(so a rerun skips it), ``apply`` does it, ``verify`` re-reads to confirm it took.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from psirt.actions.journal import Journal
    from psirt.bounty.interface import BountyPlatform
    from psirt.cna.interface import Cna
    from psirt.core.lock import WorkspaceLock
    from psirt.trackers.interface import Tracker


@dataclass
class ExecutionContext:
    """What a plan runs against. ``lock``: the workspace lock of a live run (``core.lock``),
    told which write is in flight, and saying which one a killed earlier run had in flight."""

    tracker: Tracker
    bounty: BountyPlatform | None = None
    cna: Cna | None = None
    journal: Journal | None = None
    lock: WorkspaceLock | None = None


class Action(ABC):
    """One write to the outside world."""

    kind: ClassVar[str]
    why: str

    @property
    @abstractmethod
    def subject(self) -> str:
        """What the action writes to (an issue, a report, a CVE id), as the journal names it."""

    def describe(self) -> str:
        return f"{self.kind} {self.subject}: {self.why}"

    def diff(self) -> str | None:
        """A unified diff for edits, shown in the dry run."""
        return None

    @abstractmethod
    def check(self, context: ExecutionContext) -> str | None:
        """None when the action still has to run; otherwise why it is skipped (already done).

        Raises ``PsirtError`` when it must not run (the object changed since it was read)."""

    @abstractmethod
    def apply(self, context: ExecutionContext) -> str:
        """Do it; return a short detail for the journal (an id, "created", "updated")."""

    @abstractmethod
    def verify(self, context: ExecutionContext) -> bool:
        """Re-read and confirm that the action took."""


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)

    def __iter__(self) -> Iterator[Action]:
        return iter(self.actions)

    def __len__(self) -> int:
        return len(self.actions)

    def add(self, action: Action) -> None:
        self.actions.append(action)

    def extend(self, actions: Sequence[Action]) -> None:
        self.actions.extend(actions)


def unified_diff(before: str, after: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{name} (now)",
            tofile=f"{name} (planned)",
        )
    )
