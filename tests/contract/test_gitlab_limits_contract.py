"""The contract scenario where gitlab.com first differs from a friendly fake: the token's role
and scopes, the application rate limiters, and quick actions in the text psirt posts.

- A Reporter sees confidential issues and, by GitLab's permissions, may edit and comment
  (doc/user/permissions.md): the whole scenario ends as on the local workspace.
- A Reporter whose token has only the ``read_api`` scope reads: ``validate`` finds what the
  local workspace finds; its first write is refused, the run stops with exit 3 and the message
  names the missing scope; nothing is written.
- A Guest does not see confidential issues: the CVE requests named in the fixes' Links tables
  are reported as not visible to the token's user, never as absent.
- With the search (and note and issue creation) limiters on, every 429 is waited out (on a
  shared clock, so the test does not sleep) and the end state is the reference one.
- A note whose user text has a quick-action line is posted escaped: GitLab stores it as text
  and runs nothing, on both trackers alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.actions.executor import ExecutionStopped, execute
from psirt.actions.plan import Plan
from psirt.actions.tracker_actions import CreateIssue, UpsertNote
from psirt.core.errors import ExitCode
from psirt.workflows.validate import comment_plan, validate
from tests.contract.conftest import Side, open_side
from tests.contract.endstate import differences, issue_end, plain
from tests.contract.test_contract import ScenarioResult, run_scenario
from tests.fakes.gitlab_server import ManualClock


@pytest.fixture(scope="module")
def reference(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> ScenarioResult:
    with open_side("local", demo_template, tmp_path_factory.mktemp("reference")) as side:
        return run_scenario(side)


def _same(ours: ScenarioResult, theirs: ScenarioResult) -> list[str]:
    return differences(plain(theirs), plain(ours))


def test_a_reporter_runs_the_whole_scenario(
    demo_template: Path, tmp_path: Path, reference: ScenarioResult
) -> None:
    with open_side("gitlab", demo_template, tmp_path, role="reporter") as side:
        found = _same(run_scenario(side), reference)
    assert not found, "\n".join(sorted(found))


def test_a_read_only_token_validates_and_its_writes_are_refused(
    demo_template: Path, tmp_path: Path, reference: ScenarioResult
) -> None:
    with open_side(
        "gitlab", demo_template, tmp_path, role="reporter", scopes=("read_api",)
    ) as side:
        assert side.fake is not None
        report = validate(side.snapshot())
        assert tuple((f.code, f.subject, f.field) for f in report.findings) == reference.findings
        notes_before = {ref: side.fake.notes_of(ref) for ref in _commented(report)}
        with pytest.raises(ExecutionStopped) as info:
            execute(comment_plan(report).plan, side.context(), live=True)
        assert info.value.exit_code == ExitCode.REMOTE
        message = str(info.value)
        assert "create note refused: HTTP 403 insufficient_scope" in message
        assert "the token lacks the api scope" in message
        assert {ref: side.fake.notes_of(ref) for ref in notes_before} == notes_before
        assert [outcome.outcome for outcome in info.value.outcomes] == ["failed"]


def _commented(report: object) -> list[object]:
    plan = comment_plan(report).plan  # type: ignore[arg-type]
    return [action.ref for action in plan if isinstance(action, UpsertNote)]


def test_a_guest_is_told_which_issues_it_cannot_see(demo_template: Path, tmp_path: Path) -> None:
    with open_side("gitlab", demo_template, tmp_path, role="reporter") as side:
        assert side.fake is not None
        cves = side.config.projects.cve_requests
        side.fake.set_role(cves, "guest")
        snapshot = side.snapshot()
    hidden = [p for p in snapshot.problems if "is not visible to the token's user psirt-bot" in p]
    assert len(hidden) == len(snapshot.issues)
    assert all(p.startswith(f"{cves}#") for p in hidden)
    assert "(referenced by a fix) is not visible to the token's user psirt-bot (404: " in hidden[0]
    assert f"psirt-bot is a Guest in {cves}" in hidden[0]
    assert not [p for p in snapshot.problems if "does not exist" in p]
    assert all(item.cve_request is None for item in snapshot.issues)


@pytest.mark.parametrize(
    "limits",
    [
        pytest.param({"search": 1}, id="search"),
        pytest.param({"search": 1, "notes_create": 2, "issues_create": 1}, id="all-three"),
    ],
)
def test_rate_limited_gitlab_ends_as_the_reference(
    demo_template: Path,
    tmp_path: Path,
    reference: ScenarioResult,
    limits: dict[str, int],
) -> None:
    clock = ManualClock()
    with (
        open_side("local", demo_template, tmp_path / "local") as local,
        open_side("gitlab", demo_template, tmp_path / "gitlab", clock=clock) as side,
    ):
        assert side.fake is not None
        for name, threshold in limits.items():
            side.fake.limit(name, threshold)
        found = _same(run_scenario(side), reference)
        assert not found, "\n".join(sorted(found))
        # the checklist issue: a search to check, the create, a search to verify, a rerun
        assert _file_checklist(local) == _file_checklist(side) == (("applied",), ("skipped",))
        assert side.fake.throttled, "the limiters were never reached: the test proves nothing"
        waits = side.session.tracker.rate_limit_waits  # type: ignore[attr-defined]
        assert waits and all(0 < wait <= 61 for wait in waits)  # to the whole second
        assert clock.sleeps == waits


def _file_checklist(side: Side) -> tuple[tuple[str, ...], tuple[str, ...]]:
    config = side.config
    action = CreateIssue(
        project=config.projects.tasks,
        title="Security patch release checklist",
        description="- [ ] handover",
        marker="checklist:contract",
        why="the release's checklist",
        labels=(config.labels.task_issue,),
        confidential=True,
    )
    runs = []
    for _ in range(2):
        outcomes = execute(Plan([action]), side.context(), live=True)
        runs.append(tuple(outcome.outcome for outcome in outcomes))
    return runs[0], runs[1]


def test_a_quick_action_in_user_text_is_posted_as_text(demo_template: Path, tmp_path: Path) -> None:
    quoted = 'The reporter suggests:\n\n/label ~"severity::1"\n/close\n\nand nothing else.'
    ends = {}
    for kind in ("local", "gitlab"):
        with open_side(kind, demo_template, tmp_path / kind) as side:
            ref = side.snapshot().issues[0].ref
            before = side.session.tracker.get_issue(ref)
            note = UpsertNote(ref, "quoted", quoted, "quote the reporter", internal=True)
            first = execute(Plan([note]), side.context(), live=True)
            second = execute(Plan([note]), side.context(), live=True)
            assert [o.outcome for o in first + second] == ["applied", "skipped"]
            end = issue_end(side.session.tracker, ref)
            assert (end.state, end.labels) == (before.state, frozenset(before.labels))
            assert '\n\\/label ~"severity::1"\n\\/close\n' in end.notes[-1][0]
            ends[kind] = end
    assert ends["local"] == ends["gitlab"]
