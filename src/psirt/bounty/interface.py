"""The bounty port: HackerOne-shaped reports and the few operations the release needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

# HackerOne's report states; a change to one of them is recorded as ``activity-bug-<state>``.
REPORT_STATES = (
    "new",
    "pending-program-review",
    "triaged",
    "needs-more-info",
    "resolved",
    "not-applicable",
    "informative",
    "duplicate",
    "spam",
    "retesting",
)
# States that close a report without a fix: nothing should turn them into "resolved".
CLOSED_UNRESOLVED = frozenset({"duplicate", "informative", "not-applicable", "spam"})


@dataclass(frozen=True, slots=True)
class Activity:
    type: str  # "activity-comment", "activity-bug-resolved", "activity-bounty-awarded", ...
    message: str = ""
    internal: bool = False
    author: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Bounty:
    amount: Decimal
    bonus_amount: Decimal = Decimal(0)
    awarded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Report:
    id: str
    title: str
    reporter: str  # HackerOne username, used in the credit
    state: str = "triaged"  # new, triaged, needs-more-info, resolved, informative, duplicate, ...
    severity_rating: str | None = None  # none, low, medium, high, critical
    severity_score: float | None = None
    weakness: str | None = None  # e.g. "Cross-site Scripting (XSS) - Stored"
    cwe: str | None = None
    activities: tuple[Activity, ...] = ()
    bounties: tuple[Bounty, ...] = ()
    url: str = ""

    @property
    def has_bounty(self) -> bool:
        return any(b.amount > 0 or b.bonus_amount > 0 for b in self.bounties)


class BountyPlatform(Protocol):
    def get_report(self, report_id: str) -> Report: ...

    def add_comment(self, report_id: str, message: str, *, internal: bool = False) -> Activity: ...

    def change_state(self, report_id: str, state: str, message: str) -> Report: ...
