"""The examples of ``docs/workspace.md`` are real: each file and the script read back as shown."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from psirt.bounty.local import LocalBounty
from psirt.core.records import IssueLink, IssueRef
from psirt.trackers.local import LocalTracker

DOC = Path(__file__).resolve().parents[2] / "docs" / "workspace.md"
SEC = "gitlab-org/security/gitlab"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_documented_files_read_back(tmp_path: Path) -> None:
    issue_md, mr_md = blocks("markdown")
    group_yaml, report_yaml = blocks("yaml")
    for path, text in [
        (tmp_path / "projects" / SEC / "issues" / "12.md", issue_md),
        (tmp_path / "projects" / SEC / "merge_requests" / "101.md", mr_md),
        (tmp_path / "groups" / "gitlab-com" / "council.yaml", group_yaml),
        (tmp_path / "hackerone" / "reports" / "2345678.yaml", report_yaml),
    ]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    tracker = LocalTracker(tmp_path)
    ref = IssueRef(SEC, 12)
    issue = tracker.get_issue(ref)
    assert issue.labels == ("security", "severity::2") and issue.confidential
    assert issue.description == "## Summary\n\nThe description, in GitLab markdown.\n"
    (ack,) = issue.acknowledgements
    assert (ack.code, ack.by) == ("CVE007", "kim") and ack.reason.startswith("CWE-862")
    assert tracker.issue_links(ref) == [IssueLink(IssueRef("gitlab-org/gitlab", 500))]
    assert tracker.notes(ref)[0].award_emoji[0].name == "thumbsup"
    assert [mr.target_branch for mr in tracker.related_merge_requests(ref)] == ["18-9-stable-ee"]
    (event,) = tracker.label_events(ref)
    assert (event.action, event.label, event.user) == ("add", "description::validated", "ana")
    assert tracker.group_members("gitlab-com/council") == ["ivan", "julia", "kim"]
    report = LocalBounty(tmp_path).get_report("2345678")
    assert report.bounties[0].amount == Decimal("1000.50")
    assert report.activities[0].type == "activity-comment"


def test_documented_script_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (script,) = blocks("python")
    monkeypatch.chdir(tmp_path)
    exec(compile(script, str(DOC), "exec"), {})
    tracker = LocalTracker(tmp_path / "release")
    assert tracker.get_issue(IssueRef(SEC, 12)).title == "Stored XSS in the wiki"
    assert LocalBounty(tmp_path / "release").get_report("2345678").reporter == "alice"
