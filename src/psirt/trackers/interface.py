"""The tracker port: the GitLab-shaped records and the operations every workflow needs.

Records mirror GitLab's REST v4 objects closely enough that the GitLab adapter maps them
field for field, and the local workspace stores the same fields on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from psirt.core.records import (
    Issue,
    IssueLink,
    IssueRef,
    IssueState,
    IssueUpdate,
    LabelEvent,
    LinkType,
    MergeRequest,
    Note,
)


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

    def label_events(self, ref: IssueRef) -> list[LabelEvent]:
        """Who added or removed which label of the issue, and when, oldest first (GitLab's
        resource label events)."""

    def group_members(self, group: str) -> list[str]:
        """The usernames of a group's members, those of its parent groups included."""

    def list_merge_requests(
        self,
        project: str,
        *,
        target_branch: str | None = None,
        merged_after: datetime | None = None,
    ) -> list[MergeRequest]:
        """Merge requests of a project in any state, optionally only those into one branch;
        with ``merged_after``, only those merged at or after that time.

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

    def set_confidential(self, ref: IssueRef, confidential: bool) -> Issue:
        """Make the issue confidential or public (one field, nothing else sent); idempotent.
        Returns the issue as re-read after the write."""

    def create_note(self, ref: IssueRef, body: str, *, internal: bool = False) -> Note: ...

    def update_note(self, ref: IssueRef, note_id: int, body: str) -> Note: ...

    def link_issues(self, source: IssueRef, target: IssueRef, link_type: LinkType) -> None: ...

    def unlink_issues(self, source: IssueRef, target: IssueRef) -> None: ...

    def current_user(self) -> str:
        """The username this tracker writes as: whose notes, edits and label changes are
        psirt's own."""

    @property
    def request_count(self) -> int:
        """How many requests (or file reads) this tracker has made; for reports and benchmarks."""
