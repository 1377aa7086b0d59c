"""The snapshot of the demo release: what it loads, what it leaves out on purpose, and the one-line
error a corrupted file gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.core.errors import WorkspaceError
from psirt.core.records import IssueRef
from psirt.core.workspace import Workspace
from psirt.model.release import ReleaseSnapshot
from psirt.session import open_session


@pytest.fixture(scope="module")
def snapshot(demo_template: Path) -> ReleaseSnapshot:
    return open_session(Workspace(demo_template)).snapshot()


def test_release_facts_come_from_the_tracking_and_task_issues(snapshot: ReleaseSnapshot) -> None:
    release = snapshot.release
    assert [str(v) for v in release.versions] == ["18.10.1", "18.9.3", "18.8.7"]
    assert release.planned
    assert release.release_managers == ("ana-psirt", "ben-psirt")
    assert release.task_issue is not None
    assert str(release.due_date) == "2026-03-25"
    assert snapshot.problems == ()


def test_every_fix_has_its_parts(snapshot: ReleaseSnapshot) -> None:
    assert len(snapshot.issues) == 11
    for item in snapshot.issues:
        assert item.cve_request is not None and item.cve_request.document is not None
        assert item.canonical is not None
        assert item.council is not None and item.council.vector
        assert item.merge_requests
    fix = snapshot.security_issue(IssueRef("gitlab-org/security/gitlab", 1101))
    assert fix is not None
    assert fix.report is not None and fix.report.reporter == "kaizen-sec"
    assert fix.first_affected is not None and str(fix.first_affected) == "16.10"
    assert set(fix.council.approvals if fix.council else ()) == {"ivan-appsec", "julia-appsec"}


def test_cna_bot_notes_are_loaded_only_for_invalid_requests(snapshot: ReleaseSnapshot) -> None:
    with_notes = {r.ref.iid for r in snapshot.cve_requests if r.notes}
    assert with_notes == {3106}  # the one labelled advisory::invalid


def test_merge_requests_into_the_stable_branches_are_loaded(snapshot: ReleaseSnapshot) -> None:
    titles = {mr.title for mr in snapshot.merge_requests}
    assert "Fix container registry cleanup policy timeout" in titles  # a bug fix on 18.9
    assert any(title.startswith('Revert "') for title in titles)
    assert {mr.target_branch for mr in snapshot.merge_requests} == {
        "18-10-stable-ee",
        "18-9-stable-ee",
        "18-8-stable-ee",
    }


def test_the_report_is_taken_from_the_links_table_only(demo_root: Path) -> None:
    """close writes to the report, so a report id in text anyone can write does not count."""
    issue_file = demo_root / "projects/gitlab-org/security/gitlab/issues/1101.md"
    text = issue_file.read_text(encoding="utf-8")
    issue_file.write_text(
        text.replace("| HackerOne report | https://hackerone.com/reports/3100001 |\n", ""),
        encoding="utf-8",
    )
    canonical = demo_root / "projects/gitlab-org/gitlab/issues/51001.md"
    assert "hackerone.com/reports/3100001" in canonical.read_text(encoding="utf-8")
    snapshot = open_session(Workspace(demo_root)).snapshot()
    item = snapshot.security_issue(IssueRef("gitlab-org/security/gitlab", 1101))
    assert item is not None
    assert item.report_id is None and item.report is None


def test_corrupted_workspace_file_is_a_one_line_error(demo_root: Path) -> None:
    target = demo_root
    broken = target / "projects/gitlab-org/security/gitlab/issues/1101.md"
    broken.write_text(broken.read_text().replace("labels:", "labels: [unclosed", 1))
    with pytest.raises(WorkspaceError) as caught:
        open_session(Workspace(target)).snapshot()
    assert "1101.md" in str(caught.value)
