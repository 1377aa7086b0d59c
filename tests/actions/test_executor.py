"""The executor with the close actions: each precondition, the journal, and reruns after the
process dies after each write in turn."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from psirt.actions.bounty_actions import CommentOnReport, ResolveReport
from psirt.actions.cna_actions import PublishCve
from psirt.actions.executor import ExecutionStopped, execute
from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext, Plan
from psirt.actions.tracker_actions import CloseIssue, EditDescription, UpsertNote
from psirt.bounty.local import LocalBounty
from psirt.cna.gitlab_cves import GitLabCvesCna, request_publication
from psirt.cna.interface import PUBLISHED, RESERVED
from psirt.cna.local import LocalCna
from psirt.core.config import Config
from psirt.core.errors import InputError, NotFoundError, RefusedError
from psirt.core.records import Bounty, Issue, IssueRef, IssueUpdate, Report
from psirt.trackers.local import LocalTracker
from psirt.workflows.close import CloseOptions, run_close
from tests.actions.closing import (
    Killed,
    WriteCounter,
    copy_demo,
    final_state,
    keep_only,
    killing_session,
)

CANONICAL = IssueRef("gitlab-org/gitlab", 7)
REQUEST = IssueRef("gitlab-org/cves", 9)
REQUEST_TEXT = "Reserved: CVE-2026-0009\n\n* [ ] Publish immediately\n* [x] Wait to publish\n"
RECORD: dict[str, Any] = {
    "dataType": "CVE_RECORD",
    "cveMetadata": {"cveId": "CVE-2026-0009"},
    "containers": {"cna": {"title": "t"}},
}


@pytest.fixture
def context(tmp_path: Path) -> ExecutionContext:
    tracker = LocalTracker(tmp_path)
    tracker.save_issue(Issue(CANONICAL, "Canonical", "the bug"))
    tracker.save_issue(Issue(REQUEST, "CVE request", REQUEST_TEXT))
    bounty = LocalBounty(tmp_path)
    bounty.save_report(Report("42", "Bug", "alice"))
    return ExecutionContext(
        tracker=tracker,
        bounty=bounty,
        cna=LocalCna(tmp_path),
        journal=Journal(tmp_path / "journal.jsonl"),
    )


def run(context: ExecutionContext, *actions: Any) -> list[str]:
    return [o.outcome for o in execute(Plan(list(actions)), context, live=True)]


# -- preconditions, one per action -----------------------------------------------------------


def test_note_is_created_once_then_skipped_then_edited(context: ExecutionContext) -> None:
    note = UpsertNote(CANONICAL, "close:1.0.1", "Fixed in 1.0.1.", "shipped")
    assert run(context, note) == ["applied"]
    assert run(context, note) == ["skipped"]
    edited = UpsertNote(CANONICAL, "close:1.0.1", "Fixed in 1.0.1 and 0.9.9.", "shipped")
    assert run(context, edited) == ["applied"]
    ours = [n for n in context.tracker.notes(CANONICAL) if "psirt:close:1.0.1" in n.body]
    assert len(ours) == 1 and "0.9.9" in ours[0].body


def test_close_is_skipped_when_already_closed(context: ExecutionContext) -> None:
    assert run(context, CloseIssue(CANONICAL, "shipped")) == ["applied"]
    assert context.tracker.get_issue(CANONICAL).state == "closed"
    assert run(context, CloseIssue(CANONICAL, "shipped")) == ["skipped"]


def test_tick_is_skipped_when_ticked_and_refused_when_the_issue_changed(
    context: ExecutionContext,
) -> None:
    issue = context.tracker.get_issue(REQUEST)
    ticked = GitLabCvesCna(context.tracker, Config()).publication_edit(issue)
    assert ticked is not None
    tick = EditDescription(REQUEST, issue.description, ticked, "shipped")
    assert "+* [x] Publish immediately" in (tick.diff() or "")
    assert run(context, tick) == ["applied"]
    assert context.tracker.get_issue(REQUEST).description == request_publication(
        REQUEST_TEXT, where="x"
    )
    assert run(context, tick) == ["skipped"]
    # someone edits the request between our read and our write: refuse, do not clobber
    stale = EditDescription(REQUEST, "old text", "new text", "stale")
    with pytest.raises(ExecutionStopped) as info:
        run(context, stale)
    assert isinstance(info.value.__cause__, InputError)
    assert "changed since it was read" in str(info.value)


def test_tick_without_the_task_is_an_input_error() -> None:
    with pytest.raises(InputError, match="Publish immediately"):
        request_publication("no task list here", where="gitlab-org/cves#1")


def test_report_comment_once_and_resolve_once(context: ExecutionContext) -> None:
    comment = CommentOnReport("42", "Fixed in 1.0.1.", "shipped")
    resolve = ResolveReport("42", "Fixed in 1.0.1.", "shipped")
    assert run(context, comment, resolve) == ["applied", "applied"]
    assert run(context, comment, resolve) == ["skipped", "skipped"]
    assert context.bounty is not None
    report = context.bounty.get_report("42")
    comments = [a for a in report.activities if a.type == "activity-comment"]
    assert len(comments) == 1 and comments[0].message == "Fixed in 1.0.1."  # no marker
    assert report.state == "resolved"
    assert [a.type for a in report.activities].count("activity-bug-resolved") == 1


def test_publish_preconditions(context: ExecutionContext) -> None:
    publish = PublishCve("CVE-2026-0009", REQUEST, RECORD, "shipped")
    assert run(context, publish) == ["applied"]
    assert context.cna.publication_state("CVE-2026-0009") == PUBLISHED
    assert run(context, publish) == ["skipped"]
    # with update_published the back end compares content: same record, nothing written
    again = PublishCve("CVE-2026-0009", REQUEST, RECORD, "shipped", update_published=True)
    outcomes = execute(Plan([again]), context, live=True)
    assert outcomes[0].detail.startswith("unchanged")


class _StateCna:
    def __init__(self, state: str | None) -> None:
        self.state = state
        self.published = 0

    def publication_state(self, cve_id: str) -> str | None:
        return self.state

    def publish(self, cve_id: str, record: dict[str, Any]) -> Any:  # pragma: no cover
        self.published += 1
        raise AssertionError("must not publish")


@pytest.mark.parametrize(("state", "error"), [(None, NotFoundError), ("REJECTED", RefusedError)])
def test_publish_refuses_unknown_and_rejected_ids(
    context: ExecutionContext, state: str | None, error: type[Exception]
) -> None:
    context.cna = _StateCna(state)
    with pytest.raises(ExecutionStopped) as info:
        run(context, PublishCve("CVE-2026-0009", REQUEST, RECORD, "shipped"))
    assert isinstance(info.value.__cause__, error)
    assert context.cna.published == 0


def test_gitlab_cves_port_ticks_the_box_once(context: ExecutionContext) -> None:
    cna = GitLabCvesCna(context.tracker, Config())
    assert cna.publication_state("CVE-2026-0009") == RESERVED
    assert cna.publication_state("CVE-2026-0001") is None
    assert cna.publish("CVE-2026-0009", RECORD).action == "published"
    assert cna.publication_state("CVE-2026-0009") == PUBLISHED
    assert cna.publish("CVE-2026-0009", RECORD).action == "unchanged"
    with pytest.raises(InputError, match="CVE-2026-0009"):
        cna.publish("CVE-2026-0008", RECORD)
    with pytest.raises(NotFoundError):
        cna.publish("CVE-2026-0001", {})


def test_dry_run_writes_nothing(context: ExecutionContext, tmp_path: Path) -> None:
    before = context.tracker.get_issue(CANONICAL)
    outcomes = execute(
        Plan([UpsertNote(CANONICAL, "m", "b", "w"), CloseIssue(CANONICAL, "w")]),
        context,
        live=False,
    )
    assert [o.outcome for o in outcomes] == ["would apply", "would apply"]
    assert context.tracker.get_issue(CANONICAL) == before
    assert not (tmp_path / "journal.jsonl").exists()


def test_journal_records_each_action_without_secrets(context: ExecutionContext) -> None:
    context.tracker.update_issue(CANONICAL, IssueUpdate(state_event="close"))
    run(
        context,
        UpsertNote(CANONICAL, "m", "body", "w"),
        CloseIssue(CANONICAL, "w"),
        CommentOnReport("42", "hello", "w"),
    )
    assert context.journal is not None
    entries = context.journal.entries()
    assert [(e["action"], e["subject"], e["outcome"]) for e in entries] == [
        ("note", str(CANONICAL), "applied"),
        ("close", str(CANONICAL), "skipped"),
        ("report-comment", "HackerOne report 42", "applied"),
    ]
    assert all(e["time"] for e in entries)
    assert "hello" not in context.journal.path.read_text()  # messages are not journaled


def test_unpaid_report_has_no_bounty() -> None:
    assert not Report("1", "t", "r").has_bounty
    assert Report("1", "t", "r", bounties=(Bounty(Decimal(50)),)).has_bounty


# -- the process dies after each write in turn; a rerun finishes the job ----------------------

MARKER = "psirt:close:18.10.1/18.9.3/18.8.7"
KEPT = {1101, 1106}  # one fix that ships everything, one whose CVE is refused (invalid)
OPTIONS = CloseOptions(blog_published=True)


@pytest.fixture(scope="module")
def template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo cut down to the ``KEPT`` fixes once (cutting takes longer than copying)."""
    small = tmp_path_factory.mktemp("kept") / "ws"
    keep_only(copy_demo(demo_template, small), KEPT)
    return small


def _workspace(template: Path, folder: Path, cna: str) -> Any:
    return copy_demo(template, folder, cna=cna)


@pytest.mark.parametrize("cna", ["gitlab-cves", "local"])
def test_killed_after_each_write_then_rerun_ends_in_the_same_state(
    template: Path, tmp_path: Path, cna: str
) -> None:
    reference = _workspace(template, tmp_path / "reference", cna)
    counter = WriteCounter()
    session, cna_port = killing_session(reference, counter)
    run_close(reference, OPTIONS, live=True, session=session, cna=cna_port)
    expected = final_state(reference, MARKER)
    total = counter.writes
    # 2 notes + 2 bounty reminders (both unpaid) + 2 closes, 1 publication,
    # 2 comments + 2 resolutions
    assert total == 6 + 1 + 4
    for kill_after in range(1, total + 1):
        workspace = _workspace(template, tmp_path / f"killed-{kill_after}", cna)
        session, cna_port = killing_session(workspace, WriteCounter(kill_after))
        with pytest.raises(Killed):
            run_close(workspace, OPTIONS, live=True, session=session, cna=cna_port)
        rerun = WriteCounter()
        session, cna_port = killing_session(workspace, rerun)
        result = run_close(workspace, OPTIONS, live=True, session=session, cna=cna_port)
        assert final_state(workspace, MARKER) == expected, f"killed after write {kill_after}"
        assert kill_after + rerun.writes == total, f"a write was repeated ({kill_after})"
        assert {o.outcome for o in result.outcomes} <= {"applied", "skipped"}
    again = WriteCounter()
    session, cna_port = killing_session(reference, again)
    result = run_close(reference, OPTIONS, live=True, session=session, cna=cna_port)
    assert again.writes == 0 and {o.outcome for o in result.outcomes} == {"skipped"}
