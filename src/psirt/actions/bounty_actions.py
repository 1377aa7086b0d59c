"""Actions on the bug bounty platform: a comment to the reporter, and resolving the report.

HackerOne cannot edit or delete a comment through the API, and it renders Markdown (an HTML
comment may not survive), so the marker that lets a rerun find our comment is a short visible
last line: ``[psirt:close:18.10.1/18.9.3/18.8.7]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from psirt.actions.plan import Action, ExecutionContext
from psirt.bounty.interface import BountyPlatform
from psirt.core.errors import PsirtError
from psirt.core.records import Activity

RESOLVED = "resolved"


def report_marker(marker: str) -> str:
    return f"[psirt:{marker}]"


def with_report_marker(message: str, marker: str) -> str:
    return f"{message.rstrip()}\n\n{report_marker(marker)}"


def marked_comments(activities: tuple[Activity, ...], marker: str) -> list[Activity]:
    """Our comments: the marker on a line of its own (a reporter quoting us has ``> [psirt:...]``,
    which is not ours and must not make a rerun fail its count)."""
    tag = report_marker(marker)
    return [
        a
        for a in activities
        if a.type == "activity-comment"
        and any(line.strip() == tag for line in a.message.splitlines())
    ]


def _bounty(context: ExecutionContext) -> BountyPlatform:
    if context.bounty is None:
        raise PsirtError("no bug bounty platform is open (check [bounty] kind in psirt.toml)")
    return context.bounty


@dataclass
class CommentOnReport(Action):
    """One comment per (report, marker); a rerun that finds it skips."""

    report_id: str
    marker: str
    message: str
    why: str
    internal: bool = False
    kind: ClassVar[str] = "report-comment"

    @property
    def subject(self) -> str:
        return f"HackerOne report {self.report_id}"

    @property
    def full_message(self) -> str:
        return with_report_marker(self.message, self.marker)

    def describe(self) -> str:
        return f"comment on HackerOne report {self.report_id}: {self.why}"

    def diff(self) -> str | None:
        return "".join("+ " + line + "\n" for line in self.full_message.splitlines())

    def check(self, context: ExecutionContext) -> str | None:
        report = _bounty(context).get_report(self.report_id)
        if marked_comments(report.activities, self.marker):
            return "our comment is already there"
        return None

    def apply(self, context: ExecutionContext) -> str:
        _bounty(context).add_comment(self.report_id, self.full_message, internal=self.internal)
        return "comment posted"

    def verify(self, context: ExecutionContext) -> bool:
        report = _bounty(context).get_report(self.report_id)
        return len(marked_comments(report.activities, self.marker)) == 1


@dataclass
class ResolveReport(Action):
    """Move the report to ``resolved``; skipped when it is resolved already."""

    report_id: str
    message: str
    why: str
    kind: ClassVar[str] = "report-resolve"

    @property
    def subject(self) -> str:
        return f"HackerOne report {self.report_id}"

    def describe(self) -> str:
        return f"resolve HackerOne report {self.report_id}: {self.why}"

    def check(self, context: ExecutionContext) -> str | None:
        state = _bounty(context).get_report(self.report_id).state
        return "already resolved" if state == RESOLVED else None

    def apply(self, context: ExecutionContext) -> str:
        _bounty(context).change_state(self.report_id, RESOLVED, self.message)
        return "resolved"

    def verify(self, context: ExecutionContext) -> bool:
        return _bounty(context).get_report(self.report_id).state == RESOLVED
