"""Rerun markers: only our own notes and comments count, and an edit never moves internal text
into a public note."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.actions.bounty_actions import CommentOnReport
from psirt.actions.executor import ExecutionStopped, execute
from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext, Plan
from psirt.actions.tracker_actions import CloseIssue, UpsertNote, marker_comment
from psirt.bounty.local import LocalBounty
from psirt.core.errors import InputError, RefusedError
from psirt.core.records import Issue, IssueRef, Note, Report
from psirt.trackers.local import LocalTracker

ISSUE = IssueRef("gitlab-org/gitlab", 7)


@pytest.fixture
def context(tmp_path: Path) -> ExecutionContext:
    tracker = LocalTracker(tmp_path)
    tracker.save_issue(Issue(ISSUE, "Canonical", "the bug"))
    bounty = LocalBounty(tmp_path)
    bounty.save_report(Report("42", "Bug", "alice"))
    return ExecutionContext(
        tracker=tracker, bounty=bounty, journal=Journal(tmp_path / "journal.jsonl")
    )


def outcomes(context: ExecutionContext, *actions: object) -> list[str]:
    return [o.outcome for o in execute(Plan(list(actions)), context, live=True)]  # type: ignore[arg-type]


def test_a_quote_of_our_note_is_not_ours(context: ExecutionContext) -> None:
    # someone quote-replies to an earlier note of ours: the marker comes along, quoted
    quoted = f"> Fixed in 1.0.1.\n>\n> {marker_comment('close:1.0.1')}\n\nThanks!"
    context.tracker.create_note(ISSUE, quoted)
    note = UpsertNote(ISSUE, "close:1.0.1", "Fixed in 1.0.1.", "shipped")
    assert outcomes(context, note) == ["applied"]  # ours is created, theirs is not edited
    bodies = [n.body for n in context.tracker.notes(ISSUE)]
    assert bodies[0] == quoted and len(bodies) == 2
    assert outcomes(context, note) == ["skipped"]


def test_internal_text_is_never_written_into_a_public_note(context: ExecutionContext) -> None:
    public = UpsertNote(ISSUE, "close:1.0.1", "Fixed in 1.0.1.", "shipped")
    assert outcomes(context, public) == ["applied"]
    secret = UpsertNote(ISSUE, "close:1.0.1", "Pay the bounty of report 42.", "x", internal=True)
    with pytest.raises(ExecutionStopped) as info:
        outcomes(context, secret)
    assert isinstance(info.value.__cause__, RefusedError)
    assert all("bounty" not in n.body for n in context.tracker.notes(ISSUE))
    # the other way round is harmless: a public text in an internal note stays internal
    internal = UpsertNote(ISSUE, "m2", "internal first", "x", internal=True)
    relaxed = UpsertNote(ISSUE, "m2", "now public text", "x")
    assert outcomes(context, internal, relaxed) == ["applied", "applied"]


def test_a_reporter_quoting_our_comment_does_not_break_the_rerun(
    context: ExecutionContext,
) -> None:
    assert context.bounty is not None
    comment = CommentOnReport("42", "Fixed in 1.0.1.", "shipped")
    assert outcomes(context, comment) == ["applied"]
    context.bounty.add_comment("42", "> Fixed in 1.0.1.\n\nyay")
    assert outcomes(context, comment) == ["skipped"]
    assert comment.verify(context)  # exactly one of ours


def test_a_reporter_writing_our_words_first_is_not_taken_for_us(
    context: ExecutionContext,
) -> None:
    """Only a whole comment with our text is ours: one that quotes it, or says more, is not."""
    assert context.bounty is not None
    context.bounty.add_comment("42", "Fixed in 1.0.1. Thanks!")
    comment = CommentOnReport("42", "Fixed in 1.0.1.", "shipped")
    assert outcomes(context, comment) == ["applied"]
    assert outcomes(context, comment) == ["skipped"]


def test_a_comment_an_earlier_run_worded_otherwise_is_not_posted_again(
    context: ExecutionContext,
) -> None:
    """The rerun's text names a CVE the first run could not: the first comment still counts."""
    assert context.bounty is not None
    first = CommentOnReport("42", "Fixed in 1.0.1.", "shipped")
    assert outcomes(context, first) == ["applied"]
    later = CommentOnReport(
        "42", "Fixed in 1.0.1.\n\nTracked as CVE-2026-0001.", "shipped", ("Fixed in 1.0.1.",)
    )
    assert outcomes(context, later) == ["skipped"]
    comments = [
        a for a in context.bounty.get_report("42").activities if a.type == "activity-comment"
    ]
    assert len(comments) == 1 and "psirt" not in comments[0].message


class _Broken(UpsertNote):
    """An action whose write dies with an error no adapter turned into a PsirtError."""

    def apply(self, context: ExecutionContext) -> str:
        raise OSError("No space left on device: token=glpat-SECRET")


def test_an_unexpected_error_is_journaled_by_type_only(context: ExecutionContext) -> None:
    with pytest.raises(OSError):
        execute(Plan([_Broken(ISSUE, "m", "b", "w")]), context, live=True)
    assert context.journal is not None
    entries = context.journal.entries()
    assert [(e["action"], e["outcome"], e["detail"]) for e in entries] == [
        ("note", "failed", "unexpected OSError")
    ]
    assert "SECRET" not in context.journal.path.read_text()


class _NoInternalNotes(LocalTracker):
    """A server that ignores the ``internal`` flag (an older GitLab spoke ``confidential``)."""

    def create_note(self, ref: IssueRef, body: str, *, internal: bool = False) -> Note:
        return super().create_note(ref, body, internal=False)


def test_an_internal_note_that_came_out_public_stops_the_run(tmp_path: Path) -> None:
    tracker = _NoInternalNotes(tmp_path)
    tracker.save_issue(Issue(ISSUE, "Canonical", "the bug"))
    context = ExecutionContext(tracker=tracker, journal=Journal(tmp_path / "journal.jsonl"))
    reminder = UpsertNote(ISSUE, "bounty", "Pay report 42.", "unpaid", internal=True)
    with pytest.raises(ExecutionStopped, match="did not take"):
        execute(Plan([reminder, CloseIssue(ISSUE, "shipped")]), context, live=True)
    assert tracker.get_issue(ISSUE).state == "opened"  # nothing after it ran


def test_a_torn_journal_line_does_not_swallow_the_next_entry(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    journal.record("note", "g/p#1", "applied", "created note 1")
    with journal.path.open("a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-03-25T10:00:00+00:00", "act')  # killed mid-line
    journal.record("close", "g/p#1", "applied", "closed")
    lines = journal.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and lines[1].endswith('"act')
    assert '"action": "close"' in lines[2] and lines[2].startswith("{")


def test_a_quoted_quick_action_is_posted_escaped_and_a_rerun_skips(
    context: ExecutionContext,
) -> None:
    """User text that starts a line with ``/`` would run on GitLab: psirt posts ``\\/``."""
    body = 'The reporter wrote:\n\n/label ~"severity::1"\n/close\n\n```\n/close\n```'
    note = UpsertNote(ISSUE, "m", body, "why")
    assert outcomes(context, note) == ["applied"]
    (posted,) = [n.body for n in context.tracker.notes(ISSUE)]
    assert '\n\\/label ~"severity::1"\n\\/close\n' in posted
    assert "```\n/close\n```" in posted  # nothing runs in a code block: left as written
    assert outcomes(context, note) == ["skipped"]
    assert note.diff() is not None and "+ \\/close" in note.diff()  # type: ignore[operator]


def test_label_writes_name_one_label_per_scope() -> None:
    from psirt.actions.tracker_actions import AddLabels, EditDescription

    with pytest.raises(InputError, match="two labels of one scope"):
        AddLabels(ISSUE, ("severity::1", "severity::2"), "why")
    with pytest.raises(InputError, match="two labels of one scope"):
        EditDescription(ISSUE, "a", "b", "why", add_labels=("p::1", "p::2"))
