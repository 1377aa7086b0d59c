"""The tracker port: the GitLab-shaped records and the operations every workflow needs.

Records mirror GitLab's REST v4 objects closely enough that the GitLab adapter maps them
field for field, and the local workspace stores the same fields on disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol

IssueState = Literal["opened", "closed"]
MergeRequestState = Literal["opened", "merged", "closed", "locked"]
LinkType = Literal["relates_to", "blocks", "is_blocked_by"]

_REF = re.compile(r"^(?P<project>[\w.\-]+(?:/[\w.\-]+)+)(?P<sigil>[#!])(?P<iid>\d+)$")
_URL_REF = re.compile(
    r"^https?://[^/]+/(?P<project>[\w.\-]+(?:/[\w.\-]+)+)/-/"
    r"(?P<kind>issues|work_items|merge_requests)/(?P<iid>\d+)\b"
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


class Tracker(Protocol):
    """What the workflows need from an issue tracker."""

    # reads
    def get_issue(self, ref: IssueRef) -> Issue: ...

    def get_issues(self, refs: Sequence[IssueRef]) -> list[Issue]:
        """Several issues at once; adapters that can batch do it in few round trips."""

    def find_issues(
        self,
        project: str,
        *,
        labels: Iterable[str] = (),
        search: str | None = None,
        state: IssueState | None = None,
    ) -> list[Issue]:
        """Issues of a project that carry all ``labels`` and whose title contains ``search``."""

    def issue_links(self, ref: IssueRef) -> list[IssueLink]: ...

    def notes(self, ref: IssueRef) -> list[Note]: ...

    def related_merge_requests(self, ref: IssueRef) -> list[MergeRequest]: ...

    def list_merge_requests(
        self, project: str, *, target_branch: str | None = None
    ) -> list[MergeRequest]:
        """Merge requests of a project in any state, optionally only those into one branch.

        GitLab's list does not say which issues an MR relates to, so ``related_issues`` is
        empty here on every tracker; ``related_merge_requests`` is where relations are read."""

    # writes
    def create_issue(
        self,
        project: str,
        *,
        title: str,
        description: str,
        labels: Sequence[str] = (),
        confidential: bool = False,
        assignees: Sequence[str] = (),
    ) -> Issue: ...

    def update_issue(self, ref: IssueRef, update: IssueUpdate) -> Issue: ...

    def create_note(self, ref: IssueRef, body: str, *, internal: bool = False) -> Note: ...

    def update_note(self, ref: IssueRef, note_id: int, body: str) -> Note: ...

    def link_issues(self, source: IssueRef, target: IssueRef, link_type: LinkType) -> None: ...

    def unlink_issues(self, source: IssueRef, target: IssueRef) -> None: ...

    @property
    def request_count(self) -> int:
        """How many requests (or file reads) this tracker has made; for reports and benchmarks."""
