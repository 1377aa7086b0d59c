"""Helpers of the workspace file tests: a local tracker with a fixed clock, issue file paths, a
hand-written issue file and a record that uses every field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from psirt.core.records import AwardEmoji, Issue, IssueLink, IssueRef, Note
from psirt.trackers.local import LocalTracker

SEC = "gitlab-org/security/gitlab"
NOW = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)


def tracker(root: Path) -> LocalTracker:
    return LocalTracker(root, clock=lambda: NOW)


def issue_file(root: Path, project: str, iid: int) -> Path:
    return root / "projects" / project / "issues" / f"{iid}.md"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


HAND_WRITTEN = """\
---
# Security implementation issue, written by hand
iid: 12
title: "Stored XSS in the wiki"   # keep the quotes
state: opened
confidential: true
labels:
  - security          # always
  - severity::2
author: alice
assignees: [bob, carol]
due_date: 2026-03-25
created_at: 2026-03-01T09:00:00Z
links:
  - issue: gitlab-org/gitlab#500
    type: relates_to
notes:
  - id: 4
    author: dave
    created_at: 2026-03-02T10:00:00Z
    internal: true
    body: |
      Council vote: CVSS 7.7
      :thumbsup: please
    award_emoji:
      - {name: thumbsup, user: erin}
---
## Summary

Body with trailing spaces   \n\n---\nand a fence line in the body.
"""


def full_issue() -> tuple[Issue, list[IssueLink], list[Note]]:
    issue = Issue(
        ref=IssueRef(SEC, 7),
        title="Path traversal: in `uploads`",
        description="## Summary\n\n| a | b |\n|---|---|\n\n---\nno trailing newline",
        labels=("security", "severity::1", "bug::vulnerability"),
        state="closed",
        confidential=True,
        author="alice",
        assignees=("bob",),
        due_date=date(2026, 3, 25),
        web_url=f"https://gitlab.com/{SEC}/-/issues/7",
        created_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        updated_at=datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC),
    )
    links = [
        IssueLink(IssueRef("gitlab-org/gitlab", 501), "relates_to"),
        IssueLink(IssueRef("gitlab-org/cves", 9), "blocks"),
    ]
    notes = [
        Note(1, "Council:\n\n* CVSS 9.1\n", "carol", NOW, internal=True),
        Note(
            2,
            "  indented first line\nand a tab\there\n\n\n",
            "dave",
            None,
            system=True,
            award_emoji=(AwardEmoji("thumbsup", "erin"), AwardEmoji("white_check_mark", "f")),
        ),
        Note(3, "", "eve"),
    ]
    return issue, links, notes
