"""Which merge requests of a fix actually shipped: a merged MR that was reverted did not.

A revert shows up in two ways on GitLab, and either is enough: the original MR carries the
``reverted`` label (config ``labels.reverted``), or another merged MR into the same branch is its
revert (GitLab titles it ``Revert "<title>"`` and writes ``This reverts merge request !<iid>``).
Validate and close ask the same question, so they both ask it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from psirt.trackers.interface import MergeRequest

DEFAULT_REVERTED_LABEL = "reverted"


def _reverts_reference(text: str, mr: MergeRequest) -> bool:
    """``This reverts merge request !123`` (or ``group/project!123``) naming ``mr``."""
    pattern = rf"\breverts\s+merge\s+request\s+(?:{re.escape(mr.ref.project)})?!{mr.ref.iid}\b"
    return re.search(pattern, text, re.IGNORECASE) is not None


def is_revert_of(candidate: MergeRequest, original: MergeRequest) -> bool:
    """A merged MR into the same branch that reverts ``original``."""
    if candidate.ref == original.ref or candidate.state != "merged":
        return False
    if candidate.ref.project != original.ref.project:
        return False
    if candidate.target_branch != original.target_branch:
        return False
    return candidate.title == f'Revert "{original.title}"' or _reverts_reference(
        candidate.description, original
    )


def is_reverted(
    mr: MergeRequest,
    related: Iterable[MergeRequest],
    reverted_label: str = DEFAULT_REVERTED_LABEL,
) -> bool:
    """Whether a merged ``mr`` was reverted, judged from its label and the MRs ``related`` to
    the same issue (where GitLab lists the revert too)."""
    if reverted_label in mr.labels:
        return True
    return any(is_revert_of(other, mr) for other in related)


def reverted_merge_requests(
    merge_requests: Iterable[MergeRequest], reverted_label: str = DEFAULT_REVERTED_LABEL
) -> list[MergeRequest]:
    """The merged MRs among ``merge_requests`` that were reverted (reverts themselves excluded)."""
    mrs = list(merge_requests)
    reverts = {
        other.ref for other in mrs for mr in mrs if other is not mr and is_revert_of(other, mr)
    }
    return [
        mr
        for mr in mrs
        if mr.state == "merged" and mr.ref not in reverts and is_reverted(mr, mrs, reverted_label)
    ]
