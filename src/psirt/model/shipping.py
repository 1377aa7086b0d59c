"""What the release ships, from the merge requests rather than from the issues linked to it.

A security fix ships when its merge request is merged into a release version's stable branch
(``18-9-stable-ee`` ships in 18.9.3), whether or not its issue is linked to the tracking issue;
what the security mirror's default branch took since the last release ships too, when the
mirror is synced after the release. So the release-day check asks two questions of the MRs:

* which merged security MRs ship for an issue that the post does not announce
  (``Shipping.unannounced``), and
* which MRs of an announced fix do not ship, and which versions the post names for a fix that
  no merged MR of it reaches (``Shipping.unshipped``).

Everything is answered from indexes built once per snapshot (MRs by ref, by branch, by the
fix that relates them); whether an MR was reverted is asked once, of ``model.merge_requests``,
over the whole pool, so the revert rule stays in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from psirt.core.records import IID_DIGITS, IssueRef, MergeRequest, MergeRequestRef, utc
from psirt.core.versions import Version
from psirt.model.merge_requests import Reverts
from psirt.model.release import ReleaseSnapshot, SecurityIssue

# ``#12``, ``group/project#12`` or an issue URL, in an MR's description.
_ISSUE_MENTION = re.compile(
    r"(?:https?://[^\s/]+/(?P<url_project>[\w.\-]+(?:/[\w.\-]+)+)/-/(?:issues|work_items)/"
    rf"(?P<url_iid>{IID_DIGITS})\b)|"
    rf"(?:(?<![\w/])(?P<project>[\w.\-]+(?:/[\w.\-]+)+)?#(?P<iid>{IID_DIGITS})\b)"
)


def mentioned_issues(mr: MergeRequest) -> tuple[IssueRef, ...]:
    """The issues an MR names: those it relates to, else those its description mentions (``#12``
    is in the MR's own project), each once, in order."""
    if mr.related_issues:
        return tuple(dict.fromkeys(mr.related_issues))
    found: list[IssueRef] = []
    for match in _ISSUE_MENTION.finditer(mr.description):
        if match["url_iid"]:
            found.append(IssueRef(match["url_project"], int(match["url_iid"])))
        else:
            found.append(IssueRef(match["project"] or mr.ref.project, int(match["iid"])))
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class ShippedChange:
    """A merged security MR that ships: where, and for which issue."""

    mr: MergeRequest
    version: Version | None  # the release version of its stable branch; None: default branch
    fix: SecurityIssue | None  # the release's fix it belongs to, when it is one
    issues: tuple[IssueRef, ...]  # the fix, or the issues the MR names

    @property
    def where(self) -> str:
        if self.version is not None:
            return f"!{self.mr.ref.iid} into {self.mr.target_branch} ({self.version})"
        return f"!{self.mr.ref.iid} into {self.mr.target_branch} (merged since the last release)"


@dataclass(frozen=True)
class Unshipped:
    """A part of a fix that does not ship: an MR, or a version the post names."""

    kind: str  # "reverted", "closed", "unmerged" (an MR), "missing" (a version)
    mr: MergeRequest | None
    message: str


class Shipping:
    """The release's merge requests, indexed once: ``Shipping(snapshot)``."""

    def __init__(self, snapshot: ReleaseSnapshot) -> None:
        self.snapshot = snapshot
        config = snapshot.config
        self.security_label = config.labels.security
        self.default_branch = config.product.default_branch
        self.version_of: dict[str, Version] = {
            v.stable_branch: v for v in snapshot.release.versions
        }
        # Each MR once; a fix's own copy first (it names its issue, a branch listing does not).
        self.by_ref: dict[MergeRequestRef, MergeRequest] = {}
        self.fix_of: dict[MergeRequestRef, SecurityIssue] = {}
        for item in snapshot.issues:
            for mr in item.merge_requests:
                self.by_ref.setdefault(mr.ref, mr)
                self.fix_of.setdefault(mr.ref, item)
        for mr in (*snapshot.merge_requests, *snapshot.default_branch_merge_requests):
            self.by_ref.setdefault(mr.ref, mr)
        pool = list(self.by_ref.values())
        self._index = Reverts(pool)
        self.reverts: set[MergeRequestRef] = {mr.ref for mr in pool if self._index.is_revert(mr)}
        self.reverted: set[MergeRequestRef] = {
            mr.ref for mr in self._index.reverted(pool, config.labels.reverted)
        }
        self._pool = pool

    @cached_property
    def shipping(self) -> tuple[ShippedChange, ...]:
        """Every merged security MR into a release version's stable branch or the default
        branch (since the last release), not a revert and not reverted."""
        changes: list[ShippedChange] = []
        since = self.snapshot.default_branch_since
        for mr in self._pool:
            if mr.state != "merged" or self.security_label not in mr.labels:
                continue
            if mr.ref in self.reverts or mr.ref in self.reverted:
                continue
            version = self.version_of.get(mr.target_branch)
            if version is None and not self._on_default_branch_since(mr, since):
                continue
            fix = self.fix_of.get(mr.ref)
            issues = (fix.ref,) if fix is not None else mentioned_issues(mr)
            changes.append(ShippedChange(mr, version, fix, issues))
        return tuple(changes)

    def _on_default_branch_since(self, mr: MergeRequest, since: datetime | None) -> bool:
        if mr.target_branch != self.default_branch or since is None or mr.merged_at is None:
            return False
        return utc(mr.merged_at) >= utc(since)

    def unannounced(self, announced: Iterable[IssueRef]) -> dict[str, list[ShippedChange]]:
        """The shipping changes of issues that are neither ``announced`` nor fixes of the
        release, by issue (or by MR, for an MR that names none), in the pool's order."""
        known = set(announced) | {item.ref for item in self.snapshot.issues}
        found: dict[str, list[ShippedChange]] = {}
        for change in self.shipping:
            if change.fix is not None or any(ref in known for ref in change.issues):
                continue
            own = [ref for ref in change.issues if ref.project == change.mr.ref.project]
            named = own or list(change.issues)
            key = str(named[0]) if named else str(change.mr.ref)
            found.setdefault(key, []).append(change)
        return found

    def shipping_of(self, item: SecurityIssue) -> list[ShippedChange]:
        """The fix's MRs that ship."""
        return [change for change in self.shipping if change.fix is item]

    def unshipped(self, item: SecurityIssue, claimed: Iterable[Version] = ()) -> list[Unshipped]:
        """Each MR of the fix that does not ship (reverted, closed, not merged yet), then each
        version of ``claimed`` (what the post says fixes it) that no shipping MR reaches."""
        out: list[Unshipped] = []
        for mr in item.merge_requests:
            if mr.ref in self.reverts:
                continue
            version = self.version_of.get(mr.target_branch)
            lost = (
                f"{version} will not contain the fix" if version else f"not in {mr.target_branch}"
            )
            if mr.ref in self.reverted:
                by = self._index.reverted_by(mr)
                how = f" by !{by.ref.iid}" if by else ""
                message = f"MR {mr.ref} to {mr.target_branch} was reverted{how}; {lost}"
                out.append(Unshipped("reverted", mr, message))
            elif mr.state == "closed":
                message = f"MR {mr.ref} to {mr.target_branch} was closed; {lost}"
                out.append(Unshipped("closed", mr, message))
            elif mr.state != "merged":
                message = (
                    f"MR {mr.ref} to {mr.target_branch} is not merged yet; "
                    f"{f'{version} will not contain the fix unless it merges' if version else lost}"
                )
                out.append(Unshipped("unmerged", mr, message))
        reached = {change.mr.target_branch for change in self.shipping_of(item)}
        told = {part.mr.target_branch for part in out if part.mr is not None}
        for version in claimed:
            branch = version.stable_branch
            if branch not in reached and branch not in told and branch in self.version_of:
                message = (
                    f"the post says {version} fixes it, but no merged MR of the fix targets "
                    f"{version.stable_branch}"
                )
                out.append(Unshipped("missing", None, message))
        return out
