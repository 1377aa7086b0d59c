"""``psirt disclose`` on a closed demo release: refused before the date and nothing written;
after it, one note and the flag unset per shipped fix's canonical issue, once; never the issue of
a held-back fix, a ~"keep confidential" one or one still open; journaled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from psirt.actions.executor import ExecutionStopped
from psirt.actions.journal import Journal
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode, InputError, RefusedError
from psirt.core.records import IssueRef, IssueUpdate
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.trackers.local import LocalTracker
from psirt.workflows.close import CloseOptions, run_close
from psirt.workflows.disclose import run_disclose
from tests.actions.closing import copy_demo, keep_only
from tests.conftest import tree_digest

RELEASED = date(2026, 3, 25)  # the demo's due date
DAY = date(2026, 4, 24)  # 30 days later
SHIPPED = (51001, 51003)
HELD_BACK = 51004  # gitlab-org/security/gitlab#1104: its 18.9 backport was reverted
MARKER = "<!-- psirt:disclose:18.10.1/18.9.3/18.8.7 -->"


def canonical(iid: int) -> IssueRef:
    return IssueRef("gitlab-org/gitlab", iid)


@pytest.fixture
def workspace(demo_template: Path, tmp_path: Path) -> Workspace:
    """Three fixes of the demo (one held back), closed as ``close --close-issues`` does."""
    workspace = copy_demo(demo_template, tmp_path / "ws")
    keep_only(workspace, {1101, 1103, 1104})
    options = CloseOptions(publish_cves=False, notify_hackerone=False, blog_published=True)
    run_close(workspace, options, live=True)
    workspace.journal_path.unlink()
    return workspace


def digest_without_journal(workspace: Workspace) -> str:
    """The workspace's files, the journal (which a rerun appends to) aside."""
    journal = workspace.journal_path
    kept = journal.read_bytes() if journal.exists() else None
    journal.unlink(missing_ok=True)
    try:
        return tree_digest(workspace.root)
    finally:
        if kept is not None:
            journal.write_bytes(kept)


def test_refuses_before_the_date_and_writes_nothing(workspace: Workspace) -> None:
    before = tree_digest(workspace.root)
    with pytest.raises(RefusedError) as info:
        run_disclose(open_session(workspace), live=True, today=date(2026, 4, 23))
    assert "before 2026-04-24" in str(info.value) and "1 days from now" in str(info.value)
    dry = run_disclose(open_session(workspace), live=False, today=date(2026, 4, 23))
    assert dry.blocked and dry.outcomes == []
    assert "blocked" in dry.render(live=False)
    assert tree_digest(workspace.root) == before
    assert not workspace.journal_path.exists()


def test_acts_once_after_the_date(workspace: Workspace) -> None:
    dry = run_disclose(open_session(workspace), live=False, today=DAY)
    assert {o.outcome for o in dry.outcomes} == {"would apply"}
    assert all(LocalTracker(workspace.root).get_issue(canonical(i)).confidential for i in SHIPPED)

    result = run_disclose(open_session(workspace), live=True, today=DAY)
    assert [(o.action.kind, o.action.subject, o.outcome) for o in result.outcomes] == [
        ("note", "gitlab-org/gitlab#51001", "applied"),
        ("confidentiality", "gitlab-org/gitlab#51001", "applied"),
        ("note", "gitlab-org/gitlab#51003", "applied"),
        ("confidentiality", "gitlab-org/gitlab#51003", "applied"),
    ]
    tracker = LocalTracker(workspace.root)
    for iid in SHIPPED:
        assert tracker.get_issue(canonical(iid)).confidential is False
        (note,) = [n for n in tracker.notes(canonical(iid)) if MARKER in n.body]
        assert "released on 2026-03-25" in note.body and "30 days after" in note.body
        assert not note.internal
    assert tracker.get_issue(canonical(HELD_BACK)).confidential is True
    assert next(r.reason for r in result.refusals if "1104" in r.subject).startswith("held back")
    entries = Journal(workspace.journal_path).entries()
    assert [e["outcome"] for e in entries] == ["applied"] * 4

    digest = digest_without_journal(workspace)
    again = run_disclose(open_session(workspace), live=True, today=DAY)
    assert {o.outcome for o in again.outcomes} == {"skipped"}
    assert len(again.plan) == 2  # the issues are public: only the flag is checked
    assert {e["outcome"] for e in Journal(workspace.journal_path).entries()[4:]} == {"skipped"}
    assert digest_without_journal(workspace) == digest  # the rerun wrote nothing


def test_keep_confidential_and_open_issues_are_refused(workspace: Workspace) -> None:
    tracker = LocalTracker(workspace.root)
    tracker.update_issue(canonical(51001), IssueUpdate(add_labels=("keep confidential",)))
    tracker.update_issue(canonical(51003), IssueUpdate(state_event="reopen"))
    result = run_disclose(open_session(workspace), live=True, today=DAY)
    assert result.plan.actions == []
    reasons = {r.subject: r.reason for r in result.refusals}
    assert "keep confidential" in reasons["gitlab-org/gitlab#51001"]
    assert reasons["gitlab-org/gitlab#51003"].startswith("still open")
    assert LocalTracker(workspace.root).get_issue(canonical(51001)).confidential is True
    assert result.exit_code(live=True) == ExitCode.REFUSED


def test_a_label_added_after_planning_stops_the_write(workspace: Workspace) -> None:
    from psirt.actions.executor import execute
    from psirt.actions.plan import ExecutionContext
    from psirt.workflows.disclose import build_disclose_plan

    session = open_session(workspace)
    planned = build_disclose_plan(session.snapshot(), released_on=RELEASED, today=DAY)
    session.tracker.update_issue(canonical(51001), IssueUpdate(add_labels=("keep confidential",)))
    with pytest.raises(ExecutionStopped, match="stays confidential"):
        execute(planned.plan, ExecutionContext(tracker=session.tracker), live=True)
    assert LocalTracker(workspace.root).get_issue(canonical(51001)).confidential is True


def test_an_unknown_release_date_is_asked_for(workspace: Workspace) -> None:
    tracking = IssueRef("gitlab-org/gitlab", 50000)
    path = workspace.root / "projects/gitlab-org/gitlab/issues/50000.md"
    path.write_text(path.read_text(encoding="utf-8").replace("due_date: 2026-03-25\n", ""))
    assert LocalTracker(workspace.root).get_issue(tracking).due_date is None
    with pytest.raises(InputError, match="--released-on"):
        run_disclose(open_session(workspace), live=False, today=DAY)
    result = run_disclose(
        open_session(workspace), live=False, today=DAY, released_on=date(2026, 3, 20)
    )
    assert str(result.disclose_on) == "2026-04-19"


def test_cli_refuses_before_the_date(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree_digest(workspace.root)
    today = date.today().isoformat()
    code = run_app(app, ["-w", str(workspace.root), "disclose", "--released-on", today, "--live"])
    assert code == ExitCode.REFUSED
    assert "refusing to make the release's issues public" in capsys.readouterr().err
    assert tree_digest(workspace.root) == before
    code = run_app(app, ["-w", str(workspace.root), "disclose", "--released-on", "2026-02-30"])
    assert code == ExitCode.USAGE
