"""The release and its security issues, as one immutable snapshot read from the trackers.

Every workflow decides from a ``ReleaseSnapshot`` alone, so a snapshot is also a test fixture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from psirt.core.config import Config
from psirt.core.finding import Acknowledgement
from psirt.core.records import Issue, IssueRef, LabelEvent, MergeRequest, Note, Report
from psirt.core.versions import Version
from psirt.parsing.acknowledgements import note_acknowledgements
from psirt.parsing.council import CouncilVote
from psirt.parsing.cve_yaml import CveDocument
from psirt.parsing.details import Details
from psirt.parsing.links import Links
from psirt.parsing.tasklist import Task

if TYPE_CHECKING:
    from psirt.model.merge_requests import ReleaseReverts


@dataclass(frozen=True)
class Release:
    versions: tuple[Version, ...]  # newest first: 18.10.1, 18.9.3, 18.8.7
    due_date: date | None
    planned: bool
    tracking_issue: Issue
    task_issue: Issue | None
    release_managers: tuple[str, ...]  # primary first, then secondary

    @property
    def primary(self) -> str | None:
        return self.release_managers[0] if self.release_managers else None

    @property
    def secondary(self) -> str | None:
        return self.release_managers[1] if len(self.release_managers) > 1 else None

    @property
    def blog_author(self) -> str | None:
        """The engineer on rotation writes the post: the primary release manager."""
        return self.primary

    @property
    def newest(self) -> Version | None:
        return self.versions[0] if self.versions else None

    @property
    def version_list(self) -> str:
        return ", ".join(str(v) for v in self.versions)


@dataclass(frozen=True)
class CveRequest:
    issue: Issue
    notes: tuple[Note, ...]
    yaml_text: str | None  # the fenced block's body; None when the description has none
    document: CveDocument | None  # None when missing or malformed
    yaml_error: str | None
    tasks: tuple[Task, ...]
    # Read while it carries the validated label: when the label was added, and by whom.
    label_events: tuple[LabelEvent, ...] = ()
    yaml_error_line: int | None = None  # the description line the YAML parser stopped at

    @property
    def ref(self) -> IssueRef:
        return self.issue.ref

    @property
    def cve_id(self) -> str | None:
        """The CVE id in the request's title or description, once one is assigned."""
        from psirt.core.identifiers import cve_id_in

        return cve_id_in(self.issue.title) or cve_id_in(self.issue.description)


@dataclass(frozen=True)
class SecurityIssue:
    """A security implementation issue with everything the release knows about it."""

    issue: Issue
    details: Details
    links: Links
    notes: tuple[Note, ...]
    merge_requests: tuple[MergeRequest, ...]
    canonical: Issue | None
    cve_request: CveRequest | None
    council: CouncilVote | None
    report: Report | None
    report_id: str | None

    @property
    def ref(self) -> IssueRef:
        return self.issue.ref

    @property
    def title(self) -> str:
        return self.issue.title

    @property
    def first_affected(self) -> Version | None:
        text = self.details.version_affected
        if text is None or not Version.is_valid(text):
            return None
        return Version.parse(text)

    @property
    def ee_only(self) -> bool | None:
        return self.details.ee_only_flag

    @cached_property
    def acknowledgements(self) -> tuple[Acknowledgement, ...]:
        """The warnings people reviewed on this fix (its own and its CVE request's): the
        issue file's ``acknowledgements`` list in a workspace, then its notes'
        ``psirt acknowledge CODE: why`` lines, oldest first."""
        return (*self.issue.acknowledgements, *note_acknowledgements(self.notes))


@dataclass(frozen=True)
class ReleaseSnapshot:
    config: Config
    release: Release
    issues: tuple[SecurityIssue, ...]
    other_links: tuple[Issue, ...] = ()  # issues linked to the tracking issue that are not fixes
    # Every MR of the security project into the release's stable branches: bug fixes, reverts.
    merge_requests: tuple[MergeRequest, ...] = ()
    request_count: int = 0
    problems: tuple[str, ...] = field(default=())  # what could not be loaded, said once
    # The MRs merged into the security project's default branch since the last release
    # (``default_branch_since``); they ship too, when the mirror is synced after the release.
    default_branch_merge_requests: tuple[MergeRequest, ...] = ()
    default_branch_since: datetime | None = None
    # ``[people] council`` with its groups resolved to their members; empty when not configured.
    council_members: tuple[str, ...] = ()
    # Who psirt writes as on the tracker, read when a validated CVE request was edited since
    # (psirt's own edits keep the approved text; see ``compute/validation.py``); "" otherwise.
    tracker_user: str = ""

    @cached_property
    def by_ref(self) -> dict[IssueRef, SecurityIssue]:
        return {item.ref: item for item in self.issues}

    @cached_property
    def reverts(self) -> ReleaseReverts:
        """Which MRs revert which, indexed once for the whole release (``release_reverts``)."""
        from psirt.model.merge_requests import ReleaseReverts

        return ReleaseReverts(self)

    def security_issue(self, ref: IssueRef) -> SecurityIssue | None:
        return self.by_ref.get(ref)

    @property
    def cve_requests(self) -> list[CveRequest]:
        return [item.cve_request for item in self.issues if item.cve_request is not None]
