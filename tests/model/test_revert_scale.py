"""Revert detection grows with the release, not with its square: the number of MR comparisons
(``is_revert_of`` calls) for every per-fix question of a release is counted at two sizes, and
the answers are those of comparing every pair, as psirt did before it indexed the pool."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from psirt.core.records import MergeRequest
from psirt.model import merge_requests as module
from psirt.model.merge_requests import (
    is_revert_of,
    related_merge_requests,
    reverted_fix_merge_requests,
    shipped_fixes,
)
from psirt.model.release import ReleaseSnapshot
from psirt.model.shipping import Shipping
from psirt.render.thanks import build_thanks
from psirt.workflows.validate import run_rules
from tests import factories as f

LABEL = f.CONFIG.labels.reverted
BRANCHES = ("18-10-stable-ee", "18-9-stable-ee", "18-8-stable-ee")


def _release(fixes: int) -> ReleaseSnapshot:
    """``fixes`` fixes with an MR into the default branch and each stable branch; every third
    fix has its 18.9 backport reverted by an MR (by reference, or by title every sixth) that
    only the stable branch lists; the branches also hold a bug fix per fix."""
    items = []
    branch_mrs: list[MergeRequest] = []
    for n in range(fixes):
        base = 10_000 + n * 10
        title = f"Fix number {n}"
        mrs = [f.merge_request(f.CONFIG.product.default_branch, iid=base, title=title)]
        mrs += [
            f.merge_request(branch, iid=base + 1 + k, title=title)
            for k, branch in enumerate(BRANCHES)
        ]
        items.append(f.security_issue(iid=1000 + n, merge_requests=tuple(mrs)))
        branch_mrs += [replace(mr, related_issues=()) for mr in mrs[1:]]
        branch_mrs.append(f.merge_request(BRANCHES[n % 3], iid=base + 8, title=f"Bug {n}"))
        if n % 3 == 0:
            backport = mrs[2]
            by_title = n % 6 == 0
            revert = f.merge_request(
                backport.target_branch,
                iid=base + 9,
                description="" if by_title else f"This reverts merge request !{base + 2}",
            )
            if by_title:  # as GitLab titles it (the factory would prefix the branch)
                revert = replace(revert, title=f'Revert "{backport.title}"')
            branch_mrs.append(revert)
    return f.snapshot(*items, merge_requests=tuple(branch_mrs))


def _every_question(snapshot: ReleaseSnapshot) -> dict[str, object]:
    """What validate, the blog post, the CVE export, verify-fixes and close ask of reverts."""
    shipping = Shipping(snapshot)
    return {
        "reverted": [
            [mr.ref for mr in reverted_fix_merge_requests(item, snapshot)]
            for item in snapshot.issues
        ],
        "shipped": [item.ref for item in shipped_fixes(snapshot)],
        "unshipped": [[u.message for u in shipping.unshipped(item)] for item in snapshot.issues],
        "findings": sorted(str(x) for x in run_rules(snapshot) if x.code == "ISS011"),
        "thanks": build_thanks(snapshot),
    }


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls = [0]

    def counted(candidate: MergeRequest, original: MergeRequest) -> bool:
        calls[0] += 1
        return is_revert_of(candidate, original)

    monkeypatch.setattr(module, "is_revert_of", counted)
    yield calls


def test_comparisons_grow_linearly_with_the_release(comparisons: list[int]) -> None:
    counts = {}
    for size in (12, 48):
        comparisons[0] = 0
        _every_question(_release(size))
        counts[size] = comparisons[0]
    assert counts[12] > 0  # the reverts were looked at
    # 4 times the fixes (and MRs): about 4 times the comparisons; pairs would make it 16 times
    assert counts[48] <= 5 * counts[12], counts


def _pairwise_reverted(item: object, snapshot: ReleaseSnapshot) -> list[MergeRequest]:
    """The rule as psirt applied it before the index: every pair of the fix's pool."""
    pool = related_merge_requests(item, snapshot)  # type: ignore[arg-type]
    reverts = {a.ref for a in pool for b in pool if is_revert_of(a, b)}
    return [
        mr
        for mr in item.merge_requests  # type: ignore[attr-defined]
        if mr.ref not in reverts
        and mr.state == "merged"
        and (LABEL in mr.labels or any(is_revert_of(other, mr) for other in pool))
    ]


def test_the_index_answers_as_comparing_every_pair() -> None:
    snapshot = _release(12)
    for item in snapshot.issues:
        assert reverted_fix_merge_requests(item, snapshot) == _pairwise_reverted(item, snapshot)
    shipped = {item.ref for item in shipped_fixes(snapshot)}
    assert len(snapshot.issues) - len(shipped) == 4  # fixes 0, 3, 6 and 9 are held back
    shipping = Shipping(snapshot)
    reverted = [u for item in snapshot.issues for u in shipping.unshipped(item)]
    assert len(reverted) == 4 and all(u.kind == "reverted" for u in reverted)
    assert all(" by !" in u.message for u in reverted)  # the revert is named


def test_the_confidentiality_context_is_built_once_per_release() -> None:
    """Each CVE request's check asks for it: one walk of the release, not one per request."""
    from psirt.compute.confidential import Confidential

    snapshot = _release(6)
    first = Confidential.of(snapshot.config, snapshot)
    assert Confidential.of(snapshot.config, snapshot) is first
    assert Confidential.of(snapshot.config, _release(6)) == first  # another snapshot: rebuilt
