"""Which merge requests of a fix actually shipped: a merged MR that was reverted did not.

A revert shows up in two ways on GitLab, and either is enough: the original MR carries the
``reverted`` label (config ``labels.reverted``), or another merged MR into the same branch of the
same project is its revert (GitLab titles it ``Revert "<title>"`` and writes ``This reverts merge
request !<iid>``). A title or reference alone is not enough across projects or branches: an MR
into 18-9-stable-ee cannot undo one into 18-10-stable-ee.

Validate, verify-fixes, close and the blog post ask the same question, so they all ask it here,
over the same pool of MRs: the fix's own and every MR into the release's stable branches
(``related_merge_requests``), where GitLab's revert may sit without a link to the issue.

Nothing here compares every pair of MRs: ``Reverts`` indexes a pool once by what a revert names
(the reverted MR's title, its iid) and by what an MR is (its title and iid, in its project and
branch), so each question looks up the few candidates and confirms them with ``is_revert_of``.
A release's index is built once per snapshot (``release_reverts``) and every per-fix question
is answered from it, with the fix's own pool (its MRs and the stable branches') as a filter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from psirt.core.records import MergeRequest, MergeRequestRef

if TYPE_CHECKING:
    from psirt.model.release import ReleaseSnapshot, SecurityIssue


# ``This reverts merge request !123`` or ``... group/project!123``: the project (maybe empty) and
# the iid; a reference names an MR of the candidate's project when the project is empty or equal.
_REVERTS_REFERENCE = re.compile(
    r"\breverts\s+merge\s+request\s+(?P<project>[^\s!]*)!(?P<iid>\d+)\b", re.IGNORECASE
)
_REVERT_TITLE = re.compile(r'Revert "(?P<title>.*)"', re.DOTALL)

_Key = tuple[str, str, str]  # project, target branch, title
_IidKey = tuple[str, str, int]  # project, target branch, iid


def _referenced_iids(text: str, project: str) -> Iterator[int]:
    """The iids of the MRs of ``project`` that ``text`` says it reverts."""
    folded = project.casefold()
    for match in _REVERTS_REFERENCE.finditer(text):
        named = match["project"]
        if not named or named.casefold() == folded:
            yield int(match["iid"])


def _reverts_reference(text: str, mr: MergeRequest) -> bool:
    """``This reverts merge request !123`` (or ``group/project!123``) naming ``mr``."""
    return mr.ref.iid in _referenced_iids(text, mr.ref.project)


def is_revert_of(candidate: MergeRequest, original: MergeRequest) -> bool:
    """A merged MR into the same branch of the same project that reverts ``original``."""
    if candidate.ref == original.ref or candidate.state != "merged":
        return False
    if candidate.ref.project != original.ref.project:
        return False
    if candidate.target_branch != original.target_branch:
        return False
    return candidate.title == f'Revert "{original.title}"' or _reverts_reference(
        candidate.description, original
    )


class Reverts:
    """Which MRs of a pool revert which, indexed once: each MR once (the first copy wins)."""

    def __init__(self, merge_requests: Iterable[MergeRequest]) -> None:
        self.pool = _unique(merge_requests)
        self.position = {mr.ref: index for index, mr in enumerate(self.pool)}
        # What an MR is: where originals are looked up.
        self._by_title: dict[_Key, list[MergeRequest]] = {}
        self._by_iid: dict[_IidKey, MergeRequest] = {}
        # What a merged MR names as reverted: where the reverts of an original are looked up.
        self._naming_title: dict[_Key, list[MergeRequest]] = {}
        self._naming_iid: dict[_IidKey, list[MergeRequest]] = {}
        for mr in self.pool:
            project, branch = mr.ref.project, mr.target_branch
            self._by_title.setdefault((project, branch, mr.title), []).append(mr)
            self._by_iid[(project, branch, mr.ref.iid)] = mr
            if mr.state != "merged":
                continue
            title = _REVERT_TITLE.fullmatch(mr.title)
            if title is not None:
                self._naming_title.setdefault((project, branch, title["title"]), []).append(mr)
            for iid in dict.fromkeys(_referenced_iids(mr.description, project)):
                self._naming_iid.setdefault((project, branch, iid), []).append(mr)

    def reverts_of(
        self, mr: MergeRequest, within: Callable[[MergeRequest], bool] | None = None
    ) -> list[MergeRequest]:
        """The MRs of the pool (those ``within`` accepts) that revert ``mr``, in pool order."""
        project, branch = mr.ref.project, mr.target_branch
        found = {
            candidate.ref: candidate
            for candidate in (
                *self._naming_title.get((project, branch, mr.title), ()),
                *self._naming_iid.get((project, branch, mr.ref.iid), ()),
            )
        }
        ordered = sorted(found.values(), key=lambda candidate: self.position[candidate.ref])
        return [
            candidate
            for candidate in ordered
            if (within is None or within(candidate)) and is_revert_of(candidate, mr)
        ]

    def reverted_by(
        self, mr: MergeRequest, within: Callable[[MergeRequest], bool] | None = None
    ) -> MergeRequest | None:
        """The first MR of the pool (that ``within`` accepts) that reverts ``mr``."""
        reverts = self.reverts_of(mr, within)
        return reverts[0] if reverts else None

    def is_revert(
        self, mr: MergeRequest, within: Callable[[MergeRequest], bool] | None = None
    ) -> bool:
        """Whether ``mr`` reverts another MR of the pool (one that ``within`` accepts)."""
        if mr.state != "merged":
            return False
        project, branch = mr.ref.project, mr.target_branch
        originals: list[MergeRequest] = []
        title = _REVERT_TITLE.fullmatch(mr.title)
        if title is not None:
            originals += self._by_title.get((project, branch, title["title"]), ())
        for iid in dict.fromkeys(_referenced_iids(mr.description, project)):
            original = self._by_iid.get((project, branch, iid))
            if original is not None:
                originals.append(original)
        return any(
            (within is None or within(original)) and is_revert_of(mr, original)
            for original in originals
        )

    def reverted(
        self,
        merge_requests: Iterable[MergeRequest],
        reverted_label: str,
        within: Callable[[MergeRequest], bool] | None = None,
    ) -> list[MergeRequest]:
        """The merged MRs among ``merge_requests`` that were reverted (by label, or by an MR of
        the pool), reverts themselves left out."""
        return [
            mr
            for mr in merge_requests
            if not self.is_revert(mr, within)
            and mr.state == "merged"
            and (reverted_label in mr.labels or self.reverted_by(mr, within) is not None)
        ]


def revert_of(mr: MergeRequest, related: Iterable[MergeRequest]) -> MergeRequest | None:
    """The MR among ``related`` that reverts ``mr`` (the first one), if any."""
    return Reverts(related).reverted_by(mr)


def is_reverted(mr: MergeRequest, related: Iterable[MergeRequest], reverted_label: str) -> bool:
    """Whether ``mr`` was reverted, judged from its label (``config.labels.reverted``) and the
    MRs ``related`` to it (the issue's and the stable branches', where GitLab lists the revert
    too)."""
    if reverted_label in mr.labels:
        return True
    return revert_of(mr, related) is not None


def revert_refs(merge_requests: Iterable[MergeRequest]) -> set[MergeRequestRef]:
    """The MRs among ``merge_requests`` that are reverts of another one among them."""
    index = Reverts(merge_requests)
    return {mr.ref for mr in index.pool if index.is_revert(mr)}


def without_reverts(
    merge_requests: Iterable[MergeRequest], related: Iterable[MergeRequest] = ()
) -> list[MergeRequest]:
    """``merge_requests`` less the reverts (of one of them or of an MR in ``related``): the MRs
    that carry a change rather than undo one."""
    mrs = list(merge_requests)
    index = Reverts([*mrs, *related])
    return [mr for mr in mrs if not index.is_revert(mr)]


def reverted_merge_requests(
    merge_requests: Iterable[MergeRequest],
    reverted_label: str,
    *,
    related: Iterable[MergeRequest] = (),
) -> list[MergeRequest]:
    """The merged MRs among ``merge_requests`` that were reverted (reverts themselves excluded),
    judged against ``merge_requests`` and ``related`` together."""
    mrs = list(merge_requests)
    return Reverts([*mrs, *related]).reverted(mrs, reverted_label)


def related_merge_requests(item: SecurityIssue, snapshot: ReleaseSnapshot) -> list[MergeRequest]:
    """Where a revert of the fix's MRs may be: its own MRs and every MR into the release's
    stable branches (the snapshot loads those), each once."""
    return _unique([*item.merge_requests, *snapshot.merge_requests])


class ReleaseReverts:
    """The release's revert decisions, indexed once per snapshot (``release_reverts``): every
    fix's MRs and every MR into the stable branches. A fix is judged within its own pool (its
    MRs and the stable branches', as ``related_merge_requests`` says), which is a filter here,
    not a new index."""

    def __init__(self, snapshot: ReleaseSnapshot) -> None:
        self.label = snapshot.config.labels.reverted
        self.branch_refs = {mr.ref for mr in snapshot.merge_requests}
        fixes = (mr for item in snapshot.issues for mr in item.merge_requests)
        self.index = Reverts([*fixes, *snapshot.merge_requests])

    def _within(self, item: SecurityIssue) -> Callable[[MergeRequest], bool]:
        own = {mr.ref for mr in item.merge_requests}
        branch = self.branch_refs
        return lambda mr: mr.ref in own or mr.ref in branch

    def without_reverts(self, item: SecurityIssue) -> list[MergeRequest]:
        """``without_reverts(item.merge_requests, snapshot.merge_requests)``."""
        within = self._within(item)
        return [mr for mr in item.merge_requests if not self.index.is_revert(mr, within)]

    def reverted(self, item: SecurityIssue) -> list[MergeRequest]:
        """The fix's merged MRs that were reverted, judged within the fix's pool."""
        return self.index.reverted(item.merge_requests, self.label, self._within(item))

    def is_reverted(self, mr: MergeRequest, item: SecurityIssue) -> bool:
        """``is_reverted(mr, related_merge_requests(item, snapshot), label)``."""
        if self.label in mr.labels:
            return True
        return bool(self.index.reverts_of(mr, self._within(item)))


def release_reverts(snapshot: ReleaseSnapshot) -> ReleaseReverts:
    """The snapshot's revert index, built on first use and kept with the snapshot."""
    return snapshot.reverts  # a cached property of the snapshot, which builds ReleaseReverts


def reverted_fix_merge_requests(
    item: SecurityIssue, snapshot: ReleaseSnapshot
) -> list[MergeRequest]:
    """The fix's merged MRs that were reverted: that part of the fix did not ship."""
    return release_reverts(snapshot).reverted(item)


def shipped_fixes(snapshot: ReleaseSnapshot) -> tuple[SecurityIssue, ...]:
    """The fixes the release ships: those without a reverted MR (the others are held back)."""
    reverts = release_reverts(snapshot)
    return tuple(item for item in snapshot.issues if not reverts.reverted(item))


def _unique(merge_requests: Iterable[MergeRequest]) -> list[MergeRequest]:
    """Each MR once, in order of first appearance; the first copy wins, so a fix's own MR
    (which names its issues) is kept over the same MR as a branch listing returns it."""
    unique: dict[MergeRequestRef, MergeRequest] = {}
    for mr in merge_requests:
        unique.setdefault(mr.ref, mr)
    return list(unique.values())
