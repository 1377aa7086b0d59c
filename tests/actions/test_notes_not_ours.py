"""A note with psirt's marker is psirt's only when the tracker's current user wrote it: another
person's note that carries the marker (copied, or pasted from an old run) is left untouched, and
psirt writes its own beside it, on the local tracker and on GitLab alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.actions.executor import execute
from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext, Plan
from psirt.actions.tracker_actions import UpsertNote, with_marker
from psirt.core.errors import PermissionDeniedError
from psirt.core.records import Issue, IssueRef, Note
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.local import LocalTracker
from tests.fakes.gitlab_server import FakeGitLab
from tests.fakes.gitlab_server.state import DEFAULT_USER

REF = IssueRef("gitlab-org/gitlab", 7)
MARKER = "close:18.10.1"
THEIRS = with_marker("My own words, with a marker copied from an old note.", MARKER)


def _run_twice(context: ExecutionContext) -> list[str]:
    note = UpsertNote(REF, MARKER, "Fixed in 18.10.1.", "shipped")
    first = execute(Plan([note]), context, live=True)
    second = execute(Plan([note]), context, live=True)
    return [first[0].outcome, second[0].outcome]


def test_local_note_of_another_author_is_left_alone(tmp_path: Path) -> None:
    tracker = LocalTracker(tmp_path, user="psirt")
    tracker.save_issue(Issue(REF, "Canonical", "the bug"))
    LocalTracker(tmp_path, user="carol").create_note(REF, THEIRS)
    context = ExecutionContext(tracker=tracker, journal=Journal(tmp_path / "journal.jsonl"))
    assert _run_twice(context) == ["applied", "skipped"]
    notes = tracker.notes(REF)
    assert (notes[0].author, notes[0].body) == ("carol", THEIRS)
    assert [n.author for n in notes] == ["carol", "psirt"]
    assert "Fixed in 18.10.1." in notes[1].body


def test_local_tracker_refuses_to_edit_another_authors_note(tmp_path: Path) -> None:
    tracker = LocalTracker(tmp_path, user="psirt")
    tracker.save_issue(Issue(REF, "Canonical", "the bug"))
    theirs = LocalTracker(tmp_path, user="carol").create_note(REF, THEIRS)
    with pytest.raises(PermissionDeniedError, match="carol's"):
        tracker.update_note(REF, theirs.id, "overwritten")
    assert tracker.notes(REF)[0].body == THEIRS


def test_gitlab_note_of_another_author_is_left_alone(tmp_path: Path) -> None:
    with FakeGitLab() as fake:
        fake.add_project(REF.project)
        fake.seed_issue(Issue(REF, "Canonical", "the bug", confidential=True))
        fake.seed_note(REF, Note(0, THEIRS, "carol"))
        with GitLabTracker(fake.url, fake.token) as tracker:
            context = ExecutionContext(tracker=tracker, journal=Journal(tmp_path / "j.jsonl"))
            assert _run_twice(context) == ["applied", "skipped"]
        notes = fake.notes_of(REF)
        edits = [r for r in fake.requests if r[0] == "PUT"]
    assert (notes[0]["author"], notes[0]["body"]) == ("carol", THEIRS)
    assert [n["author"] for n in notes] == ["carol", DEFAULT_USER]
    assert edits == []  # never tried to edit carol's note (GitLab would answer 403)


def test_gitlab_a_concurrent_runs_note_is_found_before_writing(tmp_path: Path) -> None:
    """Two runs planned from the same state: the second's write re-reads the notes first, so
    the note the first run posted meanwhile is edited (or left), never doubled."""
    with FakeGitLab() as fake:
        fake.add_project(REF.project)
        fake.seed_issue(Issue(REF, "Canonical", "the bug", confidential=True))
        with GitLabTracker(fake.url, fake.token) as tracker:
            context = ExecutionContext(tracker=tracker, journal=Journal(tmp_path / "j.jsonl"))
            mine = UpsertNote(REF, MARKER, "Fixed in 18.10.1.", "shipped")
            assert mine.check(context) is None  # nothing there when this run looked
            other = UpsertNote(REF, MARKER, "Fixed in 18.10.1.", "shipped")
            assert other.apply(context).startswith("created note")  # the other run, meanwhile
            assert mine.apply(context).startswith("updated note")
            assert mine.verify(context)
        notes = fake.notes_of(REF)
    assert len(notes) == 1
