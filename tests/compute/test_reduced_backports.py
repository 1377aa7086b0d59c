"""A fix with reduced backports is fixed only where it shipped: ranges, solution, close note."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from psirt.compute.cve_fields import fixed_lines_of, issue_ranges
from psirt.compute.facts import resolve, shipped_versions
from psirt.core.records import IssueRef, MergeRequest
from psirt.core.versions import Version
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.workflows.validate import validate

REDUCED = IssueRef("gitlab-org/security/gitlab", 1111)  # backported to 18.10 only


def test_ranges_end_at_the_only_line_that_carries_the_fix(demo_template: Path) -> None:
    snapshot = open_session(Workspace(demo_template)).snapshot()
    item = snapshot.security_issue(REDUCED)
    assert item is not None
    assert {str(v) for v in fixed_lines_of(item, snapshot.release, snapshot.config) or ()} == {
        "18.10"
    }
    assert [str(r) for r in issue_ranges(item, snapshot.release, snapshot.config)] == [
        ">=18.8, <18.10.1"
    ]
    assert [str(v) for v in shipped_versions(item, snapshot.release, snapshot.config)] == [
        "18.10.1"
    ]
    assert resolve(item, snapshot.release, snapshot.config).shipped == (Version.parse("18.10.1"),)
    codes = {f.code for f in validate(snapshot).findings if f.subject == "gitlab-org/cves#3111"}
    assert codes == set()


def test_without_the_label_every_line_is_fixed(demo_template: Path) -> None:
    snapshot = open_session(Workspace(demo_template)).snapshot()
    item = snapshot.security_issue(REDUCED)
    assert item is not None
    labels = tuple(x for x in item.issue.labels if x != snapshot.config.labels.reduced_backports)
    plain = replace(item, issue=replace(item.issue, labels=labels))
    assert fixed_lines_of(plain, snapshot.release, snapshot.config) is None
    assert [str(r) for r in issue_ranges(plain, snapshot.release, snapshot.config)] == [
        ">=18.8, <18.8.7",
        ">=18.9, <18.9.3",
        ">=18.10, <18.10.1",
    ]


def test_a_reverted_backport_does_not_count_as_shipped(demo_template: Path) -> None:
    snapshot = open_session(Workspace(demo_template)).snapshot()
    item = snapshot.security_issue(REDUCED)
    assert item is not None
    backport = next(mr for mr in item.merge_requests if mr.target_branch == "18-10-stable-ee")
    revert = MergeRequest(
        ref=replace(backport.ref, iid=backport.ref.iid + 50),
        title=f'Revert "{backport.title}"',
        state="merged",
        target_branch=backport.target_branch,
        related_issues=(REDUCED,),
    )
    reverted = replace(item, merge_requests=(*item.merge_requests, revert))
    assert fixed_lines_of(reverted, snapshot.release, snapshot.config) == set()
