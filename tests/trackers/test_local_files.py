"""The workspace file format: round trips, style preservation, errors, atomicity, path safety."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from psirt.core.errors import InputError, NotFoundError, WorkspaceError
from psirt.core.records import (
    AwardEmoji,
    Issue,
    IssueLink,
    IssueRef,
    IssueUpdate,
    MergeRequest,
    MergeRequestRef,
    Note,
)
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


# -- round trips ---------------------------------------------------------------------------------


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
    assert changed == ["  - security-target", "updated_at: 2026-03-25T10:00:00+00:00"]


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
    assert fresh.get_issue(issue.ref) == issue
    assert fresh.notes(issue.ref) == notes


# -- errors ----------------------------------------------------------------------------------


def _error(tmp_path: Path, text: str, iid: int = 8) -> WorkspaceError:
    write(issue_file(tmp_path, SEC, iid), text)
    with pytest.raises(WorkspaceError) as info:
        tracker(tmp_path).get_issue(IssueRef(SEC, iid))
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\niid: 8\ntitle: T\n", None, "missing closing '---' of the front matter"),
        ("iid: 8\ntitle: T\n---\n", 1, "expected '---' on the first line"),
        ("---\niid: 7\ntitle: T\n---\n", 2, "iid: iid 7 does not match file name 8.md"),
        ("---\niid: 8\ntitle: T\nlabels: security\n---\n", 4, "labels: expected a list of strings"),
        ("---\niid: 8\ntitle: T\nlabels: [a, 1]\n---\n", 4, "labels: expected a list of strings"),
        ("---\ntitle: T\n---\n", 2, "missing key 'iid'"),
        ("---\niid: 8\n---\n", 2, "missing key 'title'"),
        ("---\niid: 8\ntitle: [x\n---\n", None, "malformed YAML"),
        ("---\niid: 8\ntitle: T\nlables: [a]\n---\n", 4, "lables: unknown key (expected one of"),
        ("---\niid: 8\ntitle: T\nstate: open\n---\n", 4, "state: expected one of opened, closed"),
        (
            "---\niid: 8\ntitle: T\nconfidential: yes\n---\n",
            4,
            "confidential: expected true or false",
        ),
        (
            "---\niid: 8\ntitle: T\ndue_date: 25/03/2026\n---\n",
            4,
            "due_date: expected a date YYYY-MM-DD",
        ),
        ("---\niid: 8\ntitle: T\ncreated_at: soon\n---\n", 4, "created_at: expected an ISO 8601"),
        ("---\n- 1\n---\n", 2, "expected a YAML mapping"),
        ("---\n---\n", 2, "expected a YAML mapping"),
        (
            "---\niid: 8\ntitle: T\nlinks:\n  - issue: nowhere\n---\n",
            5,
            "links[0].issue: expected an issue reference such as group/project#12",
        ),
        (
            "---\niid: 8\ntitle: T\nlinks:\n  - issue: a/b#1\n    type: duplicates\n---\n",
            6,
            "links[0].type: expected one of relates_to, blocks, is_blocked_by",
        ),
        (
            "---\niid: 8\ntitle: T\nnotes:\n  - id: 1\n    body: a\n  - id: 1\n    body: b\n---\n",
            7,
            "notes[1].id: duplicate note id 1",
        ),
        ("---\niid: 8\ntitle: T\nnotes:\n  - body: a\n---\n", 5, "missing key 'id' in notes[0]"),
        ("---\niid: 8\ntitle: T\nnotes: {a: 1}\n---\n", 4, "notes: expected a list of mappings"),
    ],
)
def test_malformed_issue_files_name_file_line_and_expectation(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    error = _error(tmp_path, text)
    assert error.path == str(issue_file(tmp_path, SEC, 8))
    assert message in error.message
    if line is not None:
        assert error.line == line
        assert str(error).startswith(f"{error.path}:{line}: ")


def test_yaml_syntax_error_reports_the_file_line(tmp_path: Path) -> None:
    error = _error(tmp_path, "---\niid: 8\ntitle: T\nlabels:\n  - a\n - b\n---\n")
    assert error.message.startswith("malformed YAML")
    assert error.line == 6


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    error = _error(tmp_path, "---\niid: 8\ntitle: T\ntitle: U\n---\n")
    assert "malformed YAML" in error.message
    assert error.line == 4


def test_non_utf8_file_is_an_error(tmp_path: Path) -> None:
    path = issue_file(tmp_path, SEC, 8)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\niid: 8\ntitle: caf\xe9\n---\n")
    with pytest.raises(WorkspaceError, match="expected UTF-8 text") as info:
        tracker(tmp_path).get_issue(IssueRef(SEC, 8))
    assert info.value.line == 3


def test_malformed_merge_request_names_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path / "projects" / SEC / "merge_requests" / "5.md",
        "---\niid: 5\ntitle: T\nstate: done\n---\n",
    )
    with pytest.raises(WorkspaceError) as info:
        tracker(tmp_path).list_merge_requests(SEC)
    assert str(info.value) == (
        f"{path}:4: state: expected one of opened, merged, closed, locked (found 'done')"
    )


def test_missing_issue_names_the_ref(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=f"no issue {SEC}#99"):
        tracker(tmp_path).get_issue(IssueRef(SEC, 99))


def test_missing_project_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no project gitlab-org/nope"):
        tracker(tmp_path).find_issues("gitlab-org/nope")


def test_save_refuses_a_record_it_could_not_read_back(tmp_path: Path) -> None:
    issue, _, _ = full_issue()
    with pytest.raises(WorkspaceError, match="duplicate note id 1"):
        tracker(tmp_path).save_issue(issue, notes=[Note(1, "a", "x"), Note(1, "b", "x")])
    assert not issue_file(tmp_path, SEC, 7).exists()


# -- atomicity -----------------------------------------------------------------------------


def test_crash_during_replace_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    t = tracker(tmp_path)
    t.get_issue(IssueRef(SEC, 12))

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        t.update_issue(IssueRef(SEC, 12), IssueUpdate(add_labels=("x",)))
    with pytest.raises(OSError):
        t.create_note(IssueRef(SEC, 12), "hello")
    with pytest.raises(OSError):
        t.create_issue(SEC, title="new", description="")
    monkeypatch.undo()

    assert path.read_text() == HAND_WRITTEN
    assert sorted(p.name for p in path.parent.iterdir()) == ["12.md"]
    assert tracker(tmp_path).get_issue(IssueRef(SEC, 12)).labels == ("security", "severity::2")


def test_write_keeps_file_mode(tmp_path: Path) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    path.chmod(0o640)
    tracker(tmp_path).update_issue(IssueRef(SEC, 12), IssueUpdate(title="New"))
    assert path.stat().st_mode & 0o777 == 0o640


# -- paths that try to leave the workspace -------------------------------------------------


@pytest.mark.parametrize(
    "project", ["../outside", "group/../../outside", "/etc/passwd", "group/./x", "a//b", "..", ""]
)
def test_project_paths_cannot_climb_out(tmp_path: Path, project: str) -> None:
    t = tracker(tmp_path / "ws")
    with pytest.raises(WorkspaceError):
        t.get_issue(IssueRef(project, 1))
    with pytest.raises(WorkspaceError):
        t.create_issue(project, title="x", description="")
    with pytest.raises(WorkspaceError):
        t.save_issue(Issue(IssueRef(project, 1), "x"))
    assert list(tmp_path.rglob("*.md")) == []


def test_symlinked_project_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "issues" / "1.md", "---\niid: 1\ntitle: secret\n---\n")
    root = tmp_path / "ws"
    (root / "projects" / "evil").mkdir(parents=True)
    (root / "projects" / "evil" / "proj").symlink_to(outside)
    t = tracker(root)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.get_issue(IssueRef("evil/proj", 1))
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.create_issue("evil/proj", title="x", description="")
    assert sorted(p.name for p in (outside / "issues").iterdir()) == ["1.md"]


def test_symlinked_issue_file_pointing_outside_is_refused(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.md", "---\niid: 1\ntitle: secret\n---\n")
    root = tmp_path / "ws"
    folder = root / "projects" / SEC / "issues"
    folder.mkdir(parents=True)
    (folder / "1.md").symlink_to(secret)
    t = tracker(root)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.get_issue(IssueRef(SEC, 1))
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.find_issues(SEC)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.update_issue(IssueRef(SEC, 1), IssueUpdate(title="pwned"))
    assert secret.read_text() == "---\niid: 1\ntitle: secret\n---\n"


def test_indexes_do_not_follow_symlinked_folders(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(
        outside / "merge_requests" / "1.md",
        f"---\niid: 1\ntitle: MR\nrelated_issues: ['{SEC}#1']\n---\n",
    )
    root = tmp_path / "ws"
    write(issue_file(root, SEC, 1), "---\niid: 1\ntitle: T\n---\n")
    (root / "projects" / "linked").symlink_to(outside)
    assert tracker(root).related_merge_requests(IssueRef(SEC, 1)) == []


def test_bad_folder_name_under_projects_is_reported(tmp_path: Path) -> None:
    write(issue_file(tmp_path, SEC, 1), "---\niid: 1\ntitle: T\n---\n")
    write(tmp_path / "projects" / "my group" / "issues" / "1.md", "---\niid: 1\ntitle: T\n---\n")
    with pytest.raises(WorkspaceError, match="not a project path: 'my group'"):
        tracker(tmp_path).issue_links(IssueRef(SEC, 1))


# -- speed and cache -----------------------------------------------------------------------


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


def test_expected_description_mismatch_refuses_the_write(tmp_path: Path) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    with pytest.raises(InputError, match="changed since it was read"):
        tracker(tmp_path).update_issue(
            IssueRef(SEC, 12),
            IssueUpdate(description="new", expected_description="old text", add_labels=("x",)),
        )
    assert path.read_text() == HAND_WRITTEN


def test_a_write_keeps_the_files_list_indentation(tmp_path: Path) -> None:
    original = (
        "---\niid: 5\ntitle: T\nlabels:\n- security\nnotes:\n- id: 1\n  author: a\n"
        "  body: |\n    hi\n  award_emoji:\n  - name: thumbsup\n    user: b\n---\nbody\n"
    )
    path = write(issue_file(tmp_path, SEC, 5), original)
    t = tracker(tmp_path)
    t.update_issue(IssueRef(SEC, 5), IssueUpdate(add_labels=("severity::1",)))
    expected = original.replace("- security\n", "- security\n- severity::1\n").replace(
        "---\nbody", "updated_at: 2026-03-25T10:00:00+00:00\n---\nbody"
    )
    assert path.read_text() == expected


def test_symlinked_projects_folder_pointing_outside_is_not_scanned(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "g" / "p" / "merge_requests" / "1.md", "---\niid: 1\ntitle: MR\n---\n")
    root = tmp_path / "ws"
    root.mkdir()
    (root / "projects").symlink_to(outside)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        tracker(root).related_merge_requests(IssueRef("g/p", 1))
