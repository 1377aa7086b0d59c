"""The records every layer speaks: GitLab-shaped issues, notes, links, merge requests and their
references, the updates written back, and bug bounty reports with their activities and bounties.

They mirror GitLab's REST v4 and HackerOne's objects closely enough that each adapter maps them
field for field, and the local workspace stores the same fields on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

from psirt.core.finding import Acknowledgement
from psirt.core.labels import check_label_write

IssueState = Literal["opened", "closed"]
MergeRequestState = Literal["opened", "merged", "closed", "locked"]
LinkType = Literal["relates_to", "blocks", "is_blocked_by"]
LabelAction = Literal["add", "remove"]

# An iid is a positive 64-bit integer at GitLab: at most 18 digits here, so a number of
# thousands of digits is "not a reference" rather than a failed integer conversion.
IID_DIGITS = r"\d{1,18}"
_REF = re.compile(rf"^(?P<project>[\w.\-]+(?:/[\w.\-]+)+)(?P<sigil>[#!])(?P<iid>{IID_DIGITS})$")


_URL_REF = re.compile(
    r"^https?://[^/]+/(?P<project>[\w.\-]+(?:/[\w.\-]+)+)/-/"
    rf"(?P<kind>issues|work_items|merge_requests)/(?P<iid>{IID_DIGITS})\b"
)


def _parse_ref(text: str, sigil: str, url_kinds: tuple[str, ...]) -> tuple[str, int] | None:
    """(project, iid) of ``group/project<sigil>12`` or of a URL of one of ``url_kinds``."""
    text = text.strip()
    match = _REF.match(text)
    if match and match["sigil"] == sigil:
        return match["project"], int(match["iid"])
    url = _URL_REF.match(text)
    if url and url["kind"] in url_kinds:
        return url["project"], int(url["iid"])
    return None


@dataclass(frozen=True, slots=True, order=True)
class IssueRef:
    """An issue by project path and iid: ``gitlab-org/gitlab#1234``."""

    project: str
    iid: int

    def __str__(self) -> str:
        return f"{self.project}#{self.iid}"

    @classmethod
    def parse(cls, text: str) -> IssueRef | None:
        """``group/project#12`` or an issue/work item URL; None when it is neither."""
        found = _parse_ref(text, "#", ("issues", "work_items"))
        return cls(*found) if found else None


@dataclass(frozen=True, slots=True, order=True)
class MergeRequestRef:
    """A merge request by project path and iid: ``gitlab-org/security/gitlab!101``."""

    project: str
    iid: int

    def __str__(self) -> str:
        return f"{self.project}!{self.iid}"

    @classmethod
    def parse(cls, text: str) -> MergeRequestRef | None:
        """``group/project!12`` or a merge request URL; None when it is neither."""
        found = _parse_ref(text, "!", ("merge_requests",))
        return cls(*found) if found else None


@dataclass(frozen=True, slots=True)
class SourceLines:
    """Where a record is written in a workspace file (the local tracker's): the file, relative
    to the workspace, the line its description starts on, and the lines of its front-matter
    keys and of its notes, so a finding can name the line to edit."""

    path: str
    description_line: int
    keys: tuple[tuple[str, int], ...] = ()  # front-matter key -> line
    notes: tuple[tuple[int, int], ...] = ()  # note id -> line of its entry

    def key_line(self, key: str) -> int | None:
        return dict(self.keys).get(key)

    def note_line(self, note_id: int) -> int | None:
        return dict(self.notes).get(note_id)


@dataclass(frozen=True, slots=True)
class Issue:
    ref: IssueRef
    title: str
    description: str = ""
    labels: tuple[str, ...] = ()
    state: IssueState = "opened"
    confidential: bool = False
    author: str = ""
    assignees: tuple[str, ...] = ()
    due_date: date | None = None
    web_url: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # The local tracker's: where the issue's file is, and the acknowledgements it lists.
    source: SourceLines | None = field(default=None, compare=False, repr=False)
    acknowledgements: tuple[Acknowledgement, ...] = field(default=(), compare=False)

    def has_label(self, name: str) -> bool:
        return name in self.labels


@dataclass(frozen=True, slots=True)
class IssueLink:
    """A link from one issue to another (GitLab's issue links API).

    ``issue`` is the linked issue as the links answer describes it, when the tracker returns it
    (GitLab's does, description included): a reader can skip fetching it again."""

    target: IssueRef
    link_type: LinkType = "relates_to"
    issue: Issue | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class AwardEmoji:
    name: str  # "thumbsup", "white_check_mark", ...
    user: str


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    body: str
    author: str
    created_at: datetime | None = None
    internal: bool = False
    system: bool = False
    award_emoji: tuple[AwardEmoji, ...] = ()


def utc(value: datetime) -> datetime:
    """``value`` with a time zone, for comparing times read from different places: a time
    written without one (a hand-written workspace file) is taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# The system notes GitLab adds when someone edits an issue's title or description; the local
# tracker writes the same when an issue is updated through it.
TITLE_CHANGED = "changed title from **{old}** to **{new}**"
DESCRIPTION_CHANGED = "changed the description"


def is_text_edit(note: Note) -> bool:
    """A system note saying the title or the description was edited."""
    body = note.body.strip()
    return note.system and (
        body.startswith("changed title from") or body.startswith(DESCRIPTION_CHANGED)
    )


@dataclass(frozen=True, slots=True)
class LabelEvent:
    """A label added to or removed from an issue, by whom and when (GitLab's resource label
    events; the local workspace stores the same under ``label_events``)."""

    id: int
    action: LabelAction
    label: str
    user: str = ""
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MergeRequest:
    ref: MergeRequestRef
    title: str
    state: MergeRequestState = "opened"
    source_branch: str = ""
    target_branch: str = "master"
    description: str = ""
    author: str = ""
    reviewers: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    merged_at: datetime | None = None
    web_url: str = ""
    related_issues: tuple[IssueRef, ...] = field(default=())
    # The commit the merge made in the target branch (GitLab's merge_commit_sha, or the squash
    # commit); "" when unknown. OSV's GIT ranges name the fix by it.
    merge_commit_sha: str = ""


@dataclass(frozen=True, slots=True)
class IssueUpdate:
    """One write to an issue. Labels are added and removed by name, never sent as a full list
    read earlier, so a concurrent label change by someone else is not lost."""

    description: str | None = None
    expected_description: str | None = None  # refuse the write when the issue changed meanwhile
    title: str | None = None
    add_labels: tuple[str, ...] = ()
    remove_labels: tuple[str, ...] = ()
    state_event: Literal["close", "reopen"] | None = None

    def __post_init__(self) -> None:
        # GitLab keeps one label per scope: a write naming two would not do what it says.
        check_label_write(self.add_labels, self.remove_labels, where="labels")


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
    # Hackers who found it with the reporter (HackerOne's collaborators): credited alike.
    collaborators: tuple[str, ...] = ()

    @property
    def finders(self) -> tuple[str, ...]:
        """Everyone the report credits: the reporter first, then the collaborators."""
        return tuple(dict.fromkeys(n for n in (self.reporter, *self.collaborators) if n))

    @property
    def has_bounty(self) -> bool:
        return any(b.amount > 0 or b.bonus_amount > 0 for b in self.bounties)
