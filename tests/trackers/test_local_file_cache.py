"""The local tracker reads each file once and serves unchanged files from its cache."""

from __future__ import annotations

from pathlib import Path

from psirt.core.records import Issue, IssueRef, Note
from tests.trackers.workspace_files import NOW, SEC, full_issue, issue_file, tracker, write


def test_listing_sixty_issues_reads_each_file_once(tmp_path: Path) -> None:
    issue, links, notes = full_issue()
    seed = tracker(tmp_path)
    for iid in range(1, 61):
        seed.save_issue(
            Issue(
                IssueRef(SEC, iid),
                f"Issue {iid}",
                description=issue.description * 20,
                labels=issue.labels,
                created_at=NOW,
            ),
            links=links,
            notes=notes * 2 and [Note(i, n.body, n.author) for i, n in enumerate(notes * 2, 1)],
        )
    t = tracker(tmp_path)
    found = t.find_issues(SEC, labels=["security"])
    assert len(found) == 60
    assert t.request_count == 60
    t.find_issues(SEC, labels=["security"])
    assert t.request_count == 60  # unchanged files come from the cache


def test_cache_serves_unchanged_files_and_sees_changes(tmp_path: Path) -> None:
    path = write(issue_file(tmp_path, SEC, 3), "---\niid: 3\ntitle: One\n---\n")
    t = tracker(tmp_path)
    assert t.get_issue(IssueRef(SEC, 3)).title == "One"
    assert t.get_issue(IssueRef(SEC, 3)).title == "One"
    assert t.request_count == 1
    path.write_text("---\niid: 3\ntitle: Other\n---\n")
    assert t.get_issue(IssueRef(SEC, 3)).title == "Other"
    assert t.request_count == 2
