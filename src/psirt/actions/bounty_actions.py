"""Actions on the bug bounty platform: a comment to the reporter, and resolving the report.

HackerOne cannot edit or delete a comment through the API, and everything in a comment is
shown to the reporter (it renders Markdown; an HTML comment may not survive), so our comments
carry no machine marker. A rerun recognises its own comment by its text instead: the message,
or one of its ``variants`` (what the same template said with the facts that may differ between
runs, such as a CVE id that became publishable or a blog URL that became known). A comment the
reporter wrote, even one quoting ours, is never taken for ours; after an answer lost on the way
back, the HackerOne client looks for the same text before it posts again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from psirt.actions.plan import Action, ExecutionContext
from psirt.bounty.interface import BountyPlatform
from psirt.core.errors import PsirtError
from psirt.core.records import Activity

RESOLVED = "resolved"


def comparable(text: str) -> str:
    """A comment's text as compared: line endings, trailing spaces and outer blank lines aside."""
    lines = text.replace("\r\n", "\n").strip().splitlines()
    return "\n".join(line.rstrip() for line in lines)


def comments_with_text(
    activities: tuple[Activity, ...], texts: tuple[str, ...], *, internal: bool = False
) -> list[Activity]:
    """The comments (of the given visibility) whose whole text is one of ``texts``."""
    wanted = {comparable(text) for text in texts}
    return [
        a
        for a in activities
        if a.type == "activity-comment"
        and a.internal == internal
        and comparable(a.message) in wanted
    ]


def _bounty(context: ExecutionContext) -> BountyPlatform:
    if context.bounty is None:
        raise PsirtError("no bug bounty platform is open (check [bounty] kind in psirt.toml)")
    return context.bounty


@dataclass
class CommentOnReport(Action):
    """One comment per report: a rerun that finds its text (or a variant's) skips."""

    report_id: str
    message: str
    why: str
    variants: tuple[str, ...] = ()  # the same comment as an earlier run may have worded it
    internal: bool = False
    kind: ClassVar[str] = "report-comment"

    @property
    def subject(self) -> str:
        return f"HackerOne report {self.report_id}"

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.message, *self.variants)

    def ours(self, context: ExecutionContext) -> list[Activity]:
        report = _bounty(context).get_report(self.report_id)
        return comments_with_text(report.activities, self.texts, internal=self.internal)

    def describe(self) -> str:
        return f"comment on HackerOne report {self.report_id}: {self.why}"

    def diff(self) -> str | None:
        return "".join("+ " + line + "\n" for line in self.message.splitlines())

    def check(self, context: ExecutionContext) -> str | None:
        return "our comment is already there" if self.ours(context) else None

    def apply(self, context: ExecutionContext) -> str:
        _bounty(context).add_comment(self.report_id, self.message, internal=self.internal)
        return "comment posted"

    def verify(self, context: ExecutionContext) -> bool:
        return len(self.ours(context)) == 1


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
