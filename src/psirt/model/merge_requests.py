"""Which merge requests of a fix actually shipped: a merged MR that was reverted did not.

A revert shows up in two ways on GitLab, and either is enough: the original MR carries the
``reverted`` label (config ``labels.reverted``), or another merged MR into the same branch of the
same project is its revert (GitLab titles it ``Revert "<title>"`` and writes ``This reverts merge
request !<iid>``). A title or reference alone is not enough across projects or branches: an MR
into 18-9-stable-ee cannot undo one into 18-10-stable-ee.

Validate, verify-fixes, close and the blog post ask the same question, so they all ask it here,
over the same pool of MRs: the fix's own and every MR into the release's stable branches
(``related_merge_requests``), where GitLab's revert may sit without a link to the issue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from psirt.core.records import MergeRequest, MergeRequestRef

if TYPE_CHECKING:
    from psirt.model.release import ReleaseSnapshot, SecurityIssue


def _reverts_reference(text: str, mr: MergeRequest) -> bool:
    """``This reverts merge request !123`` (or ``group/project!123``) naming ``mr``."""
    pattern = rf"\breverts\s+merge\s+request\s+(?:{re.escape(mr.ref.project)})?!{mr.ref.iid}\b"
    return re.search(pattern, text, re.IGNORECASE) is not None


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


def revert_of(mr: MergeRequest, related: Iterable[MergeRequest]) -> MergeRequest | None:
    """The MR among ``related`` that reverts ``mr`` (the first one), if any."""
    return next((other for other in related if is_revert_of(other, mr)), None)


def is_reverted(mr: MergeRequest, related: Iterable[MergeRequest], reverted_label: str) -> bool:
    """Whether ``mr`` was reverted, judged from its label (``config.labels.reverted``) and the
    MRs ``related`` to it (the issue's and the stable branches', where GitLab lists the revert
    too)."""
    if reverted_label in mr.labels:
        return True
    return revert_of(mr, related) is not None


def revert_refs(merge_requests: Iterable[MergeRequest]) -> set[MergeRequestRef]:
    """The MRs among ``merge_requests`` that are reverts of another one among them."""
    mrs = list(merge_requests)
    return {other.ref for other in mrs for mr in mrs if is_revert_of(other, mr)}


def without_reverts(
    merge_requests: Iterable[MergeRequest], related: Iterable[MergeRequest] = ()
) -> list[MergeRequest]:
    """``merge_requests`` less the reverts (of one of them or of an MR in ``related``): the MRs
    that carry a change rather than undo one."""
    mrs = list(merge_requests)
    reverts = revert_refs([*mrs, *related])
    return [mr for mr in mrs if mr.ref not in reverts]


def reverted_merge_requests(
    merge_requests: Iterable[MergeRequest],
    reverted_label: str,
    *,
    related: Iterable[MergeRequest] = (),
) -> list[MergeRequest]:
    """The merged MRs among ``merge_requests`` that were reverted (reverts themselves excluded),
    judged against ``merge_requests`` and ``related`` together."""
    mrs = list(merge_requests)
    pool = _unique([*mrs, *related])
    return [
        mr
        for mr in without_reverts(mrs, pool)
        if mr.state == "merged" and is_reverted(mr, pool, reverted_label)
    ]


def related_merge_requests(item: SecurityIssue, snapshot: ReleaseSnapshot) -> list[MergeRequest]:
    """Where a revert of the fix's MRs may be: its own MRs and every MR into the release's
    stable branches (the snapshot loads those), each once."""
    return _unique([*item.merge_requests, *snapshot.merge_requests])


def reverted_fix_merge_requests(
    item: SecurityIssue, snapshot: ReleaseSnapshot
) -> list[MergeRequest]:
    """The fix's merged MRs that were reverted: that part of the fix did not ship."""
    return reverted_merge_requests(
        item.merge_requests,
        snapshot.config.labels.reverted,
        related=snapshot.merge_requests,
    )


def shipped_fixes(snapshot: ReleaseSnapshot) -> tuple[SecurityIssue, ...]:
    """The fixes the release ships: those without a reverted MR (the others are held back)."""
    return tuple(
        item for item in snapshot.issues if not reverted_fix_merge_requests(item, snapshot)
    )


def _unique(merge_requests: Iterable[MergeRequest]) -> list[MergeRequest]:
    """Each MR once, in order of first appearance; the first copy wins, so a fix's own MR
    (which names its issues) is kept over the same MR as a branch listing returns it."""
    unique: dict[MergeRequestRef, MergeRequest] = {}
    for mr in merge_requests:
        unique.setdefault(mr.ref, mr)
    return list(unique.values())
