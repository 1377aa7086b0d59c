"""Workspace files read back what was saved, and a write keeps what a person wrote: comments,
key order, quoting, indentation; re-saving an unchanged record leaves the file byte-identical."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from psirt.core.records import (
    AwardEmoji,
    Issue,
    IssueRef,
    IssueUpdate,
    MergeRequest,
    MergeRequestRef,
    Note,
)
from psirt.trackers.local import LocalTracker
from tests.trackers.workspace_files import HAND_WRITTEN, SEC, full_issue, issue_file, tracker, write


def test_saved_issue_reads_back_equal(tmp_path: Path) -> None:
    issue, links, notes = full_issue()
    tracker(tmp_path).save_issue(issue, links=links, notes=notes)
    fresh = tracker(tmp_path)
    assert fresh.get_issue(issue.ref) == issue
    assert fresh.issue_links(issue.ref) == links
    assert fresh.notes(issue.ref) == notes


def test_saved_file_is_readable_yaml_with_block_scalars(tmp_path: Path) -> None:
    issue, links, notes = full_issue()
    tracker(tmp_path).save_issue(issue, links=links, notes=notes)
    text = issue_file(tmp_path, SEC, 7).read_text()
    assert text.startswith("---\niid: 7\ntitle: 'Path traversal: in `uploads`'\n")
    assert "due_date: 2026-03-25\n" in text  # an ISO string, unquoted
    assert "    body: |\n      Council:\n\n      * CVSS 9.1\n" in text
    assert text.endswith("---\n" + issue.description)


def test_saving_the_same_record_twice_does_not_rewrite(tmp_path: Path) -> None:
    issue, links, notes = full_issue()
    t = tracker(tmp_path)
    t.save_issue(issue, links=links, notes=notes)
    path = issue_file(tmp_path, SEC, 7)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # any rewrite would move it to now
    before = path.read_bytes()
    t.save_issue(issue, links=links, notes=notes)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == (before, 1_000_000_000)


def test_hand_written_file_reads_and_resaves_byte_identical(tmp_path: Path) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    t = tracker(tmp_path)
    issue = t.get_issue(IssueRef(SEC, 12))
    assert issue.title == "Stored XSS in the wiki"
    assert issue.assignees == ("bob", "carol")
    assert issue.due_date == date(2026, 3, 25)
    assert issue.created_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert issue.description.startswith("## Summary\n\nBody with trailing spaces   \n")
    assert issue.description.endswith("---\nand a fence line in the body.\n")
    notes = t.notes(issue.ref)
    assert notes[0].award_emoji == (AwardEmoji("thumbsup", "erin"),)
    assert notes[0].body == "Council vote: CVSS 7.7\n:thumbsup: please\n"

    # Re-saving through a fresh instance writes the same bytes (timestamps written with Z,
    # default keys left out, flow lists and quotes all kept).
    other = tracker(tmp_path)
    other.save_issue(issue, links=t.issue_links(issue.ref), notes=notes)
    assert path.read_text() == HAND_WRITTEN


def test_changing_a_label_keeps_comments_order_and_quoting(tmp_path: Path) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    t = tracker(tmp_path)
    t.update_issue(
        IssueRef(SEC, 12), IssueUpdate(add_labels=("security-target",), remove_labels=("x",))
    )
    text = path.read_text()
    assert "# Security implementation issue, written by hand\n" in text
    assert 'title: "Stored XSS in the wiki"   # keep the quotes\n' in text
    assert "  - security          # always\n  - severity::2\n  - security-target\n" in text
    assert "assignees: [bob, carol]\n" in text
    assert "created_at: 2026-03-01T09:00:00Z\nupdated_at: 2026-03-25T10:00:00+00:00\n" in text
    assert text.split("\n---\n", 1)[1] == HAND_WRITTEN.split("\n---\n", 1)[1]
    changed = [line for line in text.splitlines() if line not in HAND_WRITTEN.splitlines()]
    # the label, the update time, and the label's history (as GitLab's resource label events)
    assert changed == [
        "  - security-target",
        "updated_at: 2026-03-25T10:00:00+00:00",
        "label_events:",
        "  - id: 1",
        "    action: add",
        "    label: security-target",
        "    user: psirt",
        "    created_at: 2026-03-25T10:00:00+00:00",
    ]


def test_removing_a_label_keeps_the_comments_of_the_others(tmp_path: Path) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    tracker(tmp_path).update_issue(IssueRef(SEC, 12), IssueUpdate(remove_labels=("severity::2",)))
    text = path.read_text()
    assert "labels:\n  - security          # always\nauthor: alice\n" in text
    assert tracker(tmp_path).get_issue(IssueRef(SEC, 12)).labels == ("security",)


def test_minimal_file_uses_dataclass_defaults(tmp_path: Path) -> None:
    write(issue_file(tmp_path, SEC, 3), "---\niid: 3\ntitle: Minimal\n---\n")
    issue = tracker(tmp_path).get_issue(IssueRef(SEC, 3))
    assert issue == Issue(
        IssueRef(SEC, 3), "Minimal", web_url=f"https://gitlab.com/{SEC}/-/issues/3"
    )
    assert tracker(tmp_path).notes(issue.ref) == []


def test_web_url_uses_the_configured_base(tmp_path: Path) -> None:
    write(issue_file(tmp_path, SEC, 3), "---\niid: 3\ntitle: Minimal\n---\n")
    t = LocalTracker(tmp_path, base_url="https://gitlab.example.com/")
    assert t.get_issue(IssueRef(SEC, 3)).web_url == (f"https://gitlab.example.com/{SEC}/-/issues/3")


def test_closing_fence_at_end_of_file_means_empty_description(tmp_path: Path) -> None:
    write(issue_file(tmp_path, SEC, 3), "---\niid: 3\ntitle: T\n---")
    assert tracker(tmp_path).get_issue(IssueRef(SEC, 3)).description == ""


def test_merge_request_round_trip(tmp_path: Path) -> None:
    mr = MergeRequest(
        ref=MergeRequestRef(SEC, 101),
        title="Backport: fix XSS (18.9)",
        state="merged",
        source_branch="security-fix-xss-18-9",
        target_branch="18-9-stable-ee",
        description="## What does this MR do?\n\nFixes it.\n",
        author="bob",
        reviewers=("carol",),
        labels=("security",),
        merged_at=datetime(2026, 3, 20, 12, 0, tzinfo=UTC),
        web_url=f"https://gitlab.com/{SEC}/-/merge_requests/101",
        related_issues=(IssueRef(SEC, 7),),
    )
    tracker(tmp_path).save_merge_request(mr)
    assert tracker(tmp_path).get_merge_request(mr.ref) == mr
    # a listing, like GitLab's, names no related issues; the issue's side does
    assert tracker(tmp_path).list_merge_requests(SEC) == [replace(mr, related_issues=())]


text_without_nul = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=text_without_nul,
    description=st.text(max_size=200),
    bodies=st.lists(st.text(max_size=80), max_size=3),
)
@example(title="a\u2028b", description="\x85", bodies=["x\n\x85y\n", "\u2029", "\x00\n", " \n"])
@example(title="\ufeff", description="---\n", bodies=["a\rb\n", "\t\n", "#x\n", "'q'\n"])
@example(title="t", description="a\r\nb\r\n", bodies=["c\r\nd"])
def test_any_text_round_trips(
    tmp_path: Path, title: str, description: str, bodies: list[str]
) -> None:
    issue = Issue(
        IssueRef(SEC, 1),
        title,
        description=description,
        labels=(title,) if title else (),
        web_url=f"https://gitlab.com/{SEC}/-/issues/1",
    )
    notes = [Note(i + 1, body, "a") for i, body in enumerate(bodies)]
    t = tracker(tmp_path)
    t.save_issue(issue, notes=notes)
    fresh = tracker(tmp_path)
    # A new file ends its lines as its first line does (LF here), never mixed: a description
    # typed with CRLF reads back with the file's endings, every other character as written.
    assert fresh.get_issue(issue.ref) == replace(
        issue, description=description.replace("\r\n", "\n")
    )
    assert fresh.notes(issue.ref) == notes


def test_a_write_keeps_the_files_list_indentation(tmp_path: Path) -> None:
    original = (
        "---\niid: 5\ntitle: T\nlabels:\n- security\nnotes:\n- id: 1\n  author: a\n"
        "  body: |\n    hi\n  award_emoji:\n  - name: thumbsup\n    user: b\n---\nbody\n"
    )
    path = write(issue_file(tmp_path, SEC, 5), original)
    t = tracker(tmp_path)
    t.update_issue(IssueRef(SEC, 5), IssueUpdate(add_labels=("severity::1",)))
    events = (
        "label_events:\n- id: 1\n  action: add\n  label: severity::1\n  user: psirt\n"
        "  created_at: 2026-03-25T10:00:00+00:00\n"
    )
    expected = original.replace("- security\n", "- security\n- severity::1\n").replace(
        "---\nbody", f"{events}updated_at: 2026-03-25T10:00:00+00:00\n---\nbody"
    )
    assert path.read_text() == expected
