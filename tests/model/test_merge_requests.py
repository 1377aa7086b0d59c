"""One answer to "was this MR reverted?": the model module, and validate, verify-fixes and close
agreeing with it on the same snapshot."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from psirt.core.records import MergeRequest, MergeRequestRef
from psirt.model.merge_requests import (
    is_revert_of,
    is_reverted,
    revert_of,
    reverted_fix_merge_requests,
    reverted_merge_requests,
    without_reverts,
)
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.workflows.validate import run_rules
from psirt.workflows.verify import withdrawn_merge_requests
from tests import factories as f

LABEL = f.CONFIG.labels.reverted
MRS = f.default_merge_requests()  # master, 18-10, 18-9, 18-8 stable
BACKPORT = MRS[2]  # into 18-9-stable-ee


def _revert(original: MergeRequest = BACKPORT, *, iid: int = 190, **changes: Any) -> MergeRequest:
    revert = f.merge_request(
        original.target_branch,
        iid=iid,
        title="x",
        description=f"This reverts merge request !{original.ref.iid}",
    )
    return replace(revert, **changes)


def test_reference_or_title_on_the_same_branch_is_a_revert() -> None:
    assert is_revert_of(_revert(), BACKPORT)
    titled = _revert(title=f'Revert "{BACKPORT.title}"', description="")
    assert is_revert_of(titled, BACKPORT)
    qualified = _revert(description=f"This reverts merge request {BACKPORT.ref}")
    assert is_revert_of(qualified, BACKPORT)


def test_the_stricter_rule_other_branch_project_or_state_is_not_a_revert() -> None:
    assert not is_revert_of(_revert(target_branch="18-10-stable-ee"), BACKPORT)
    assert not is_revert_of(_revert(ref=MergeRequestRef("other/project", 190)), BACKPORT)
    assert not is_revert_of(_revert(state="opened"), BACKPORT)
    assert not is_revert_of(_revert(description="This reverts merge request !1020"), BACKPORT)
    assert not is_revert_of(BACKPORT, BACKPORT)


def test_label_or_revert_mr_marks_reverted_and_names_the_revert() -> None:
    revert = _revert()
    assert is_reverted(BACKPORT, [revert], LABEL) and revert_of(BACKPORT, [*MRS, revert]) == revert
    assert revert_of(MRS[1], [*MRS, revert]) is None
    labelled = replace(MRS[1], labels=(LABEL,))
    assert is_reverted(labelled, [], LABEL) and not is_reverted(MRS[1], [revert], LABEL)


def test_reverted_merge_requests_look_in_related_and_leave_reverts_out() -> None:
    revert = _revert()
    assert reverted_merge_requests([*MRS, revert], LABEL) == [BACKPORT]
    assert reverted_merge_requests(MRS, LABEL) == []
    assert reverted_merge_requests(MRS, LABEL, related=[revert]) == [BACKPORT]
    assert without_reverts([*MRS, revert]) == list(MRS)
    assert without_reverts([*MRS, revert], [revert]) == list(MRS)


def _unlinked_revert_snapshot() -> tuple[SecurityIssue, ReleaseSnapshot]:
    """The revert merged into the stable branch without a link to the issue: only the
    snapshot's stable-branch MRs show it."""
    item = f.security_issue(merge_requests=MRS)
    return item, f.snapshot(item, merge_requests=(_revert(),))


def test_validate_verify_and_close_agree_on_an_unlinked_revert() -> None:
    item, snapshot = _unlinked_revert_snapshot()
    assert reverted_fix_merge_requests(item, snapshot) == [BACKPORT]
    (withdrawn,) = withdrawn_merge_requests(item, snapshot)
    assert withdrawn[0] == "reverted" and withdrawn[1] == BACKPORT
    assert "by !190" in withdrawn[2] and "18.9.3 will not contain the fix" in withdrawn[2]
    (finding,) = [x for x in run_rules(snapshot) if x.code == "ISS011"]
    assert str(BACKPORT.ref) in finding.message


def test_a_revert_into_another_branch_is_ignored_everywhere() -> None:
    elsewhere = _revert(target_branch="18-10-stable-ee", title=f'Revert "{BACKPORT.title}"')
    item = f.security_issue(merge_requests=(*MRS, elsewhere))
    snapshot = f.snapshot(item)
    assert reverted_fix_merge_requests(item, snapshot) == []
    assert withdrawn_merge_requests(item, snapshot) == []
    assert "ISS011" not in {x.code for x in run_rules(snapshot)}


def test_closed_mr_is_withdrawn_as_closed_not_reverted() -> None:
    closed = replace(MRS[3], state="closed")
    item = f.security_issue(merge_requests=(*MRS[:3], closed))
    (withdrawn,) = withdrawn_merge_requests(item, f.snapshot(item))
    assert withdrawn[:2] == ("closed", closed)


def test_blog_bug_fixes_leave_out_a_bug_fix_undone_by_a_revert_mr() -> None:
    from psirt.compute.post import bug_fixes

    snapshot = f.snapshot()
    fix = f.merge_request("18-9-stable-ee", iid=700, title="Fix pipeline graph")
    kept = f.merge_request("18-9-stable-ee", iid=701, title="Fix wiki search")
    revert = _revert(fix, iid=702, title=f'Revert "{fix.title}"', description="")
    listed = bug_fixes([fix, kept, revert], snapshot.release, f.CONFIG)
    titles = [bug.title for _, bugs in listed for bug in bugs]
    assert fix.title not in titles and kept.title in titles


def test_thanks_leave_out_the_author_of_a_revert_only() -> None:
    from psirt.render.thanks import build_thanks

    backport = replace(BACKPORT, author="bea-dev")
    revert = replace(_revert(backport), author="rui-dev", title="Undo the backport")
    item = f.security_issue(merge_requests=(*MRS[:2], backport, MRS[3], revert))
    authors = {
        name
        for group in build_thanks(f.snapshot(item)).groups
        if group.role == "authors"
        for name in group.names
    }
    assert "bea-dev" in authors and "rui-dev" not in authors
