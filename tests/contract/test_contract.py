"""One scenario, both trackers, same result (issue 7, item 4).

The scenario is what an engineer does on release week: load the demo release, validate it, post
the validation comments (``--live``, twice), update the CVE YAML (``update-cves --live``), close
one canonical issue with its note. It runs on the local workspace and on GitLab (python-gitlab
against the fake, seeded from the same workspace). The local run is the reference: the findings,
what each step did, and the end state of every issue in the release must be the same on GitLab.
A few absolute anchors make sure the reference itself is the demo we think it is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from psirt.actions.executor import Outcome, execute
from psirt.actions.plan import Plan
from psirt.actions.tracker_actions import CloseIssue, UpsertNote, marker_comment
from psirt.core.records import Issue, IssueRef, MergeRequest, Note
from psirt.demo.data import FIXES
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.trackers.interface import Tracker
from psirt.workflows.close import CloseOptions, build_close_plan
from psirt.workflows.update_cves import plan_update_cves
from psirt.workflows.validate import comment_plan, validate
from tests.contract.conftest import TRACKERS, Side, open_side
from tests.contract.endstate import IssueEnd, differences, issue_end, plain, release_refs

FindingKey = tuple[str, str, str]  # (code, subject, field)


# -- the scenario ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioResult:
    findings: tuple[FindingKey, ...]
    commented: tuple[str, ...]  # the issues the comment plan writes to
    comment_runs: tuple[tuple[str, ...], tuple[str, ...]]  # outcomes of the two live runs
    comments_after: Mapping[str, int]  # psirt validate comments on each commented issue
    cve_edits: tuple[str, ...]
    cve_outcomes: tuple[str, ...]
    cve_replanned: int  # actions in the update-cves plan made after the live run
    closed: str
    close_outcomes: tuple[str, ...]
    end_state: Mapping[str, IssueEnd]


def _kinds(outcomes: Sequence[Outcome]) -> tuple[str, ...]:
    return tuple(outcome.outcome for outcome in outcomes)


def _marked(tracker: Tracker, ref: IssueRef, marker: str) -> int:
    tag = marker_comment(marker)
    return sum(1 for note in tracker.notes(ref) if tag in note.body)


def run_scenario(side: Side) -> ScenarioResult:
    tracker = side.session.tracker
    context = side.context()
    snapshot = side.snapshot()

    report = validate(snapshot)
    findings = tuple((f.code, f.subject, f.field) for f in report.findings)

    comments = comment_plan(report).plan
    commented = tuple(str(a.ref) for a in comments if isinstance(a, UpsertNote))
    first = _kinds(execute(comments, context, live=True))
    second = _kinds(execute(comments, context, live=True))
    after = {
        str(a.ref): _marked(tracker, a.ref, a.marker) for a in comments if isinstance(a, UpsertNote)
    }

    update = plan_update_cves(side.snapshot()).plan
    cve_outcomes = _kinds(execute(update, context, live=True))
    replanned = len(plan_update_cves(side.snapshot()).plan)

    options = CloseOptions(close_issues=True, publish_cves=False, notify_hackerone=False)
    close_all = build_close_plan(side.snapshot(), options, blog=None).plan
    target = next(a for a in close_all if isinstance(a, CloseIssue)).ref
    close = Plan([a for a in close_all if a.subject == str(target)])
    # the public note, maybe an internal bounty reminder, then the close
    kinds = [type(a) for a in close]
    assert (
        kinds[0] is UpsertNote
        and kinds[-1] is CloseIssue
        and set(kinds) == {UpsertNote, CloseIssue}
    )
    close_outcomes = _kinds(execute(close, context, live=True))

    return ScenarioResult(
        findings=findings,
        commented=commented,
        comment_runs=(first, second),
        comments_after=after,
        cve_edits=tuple(a.subject for a in update),
        cve_outcomes=cve_outcomes,
        cve_replanned=replanned,
        closed=str(target),
        close_outcomes=close_outcomes,
        end_state={str(ref): issue_end(tracker, ref) for ref in release_refs(snapshot)},
    )


@dataclass
class Played:
    side: Side
    result: ScenarioResult


@pytest.fixture(scope="module")
def reference(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> ScenarioResult:
    """The scenario on the local workspace: what every tracker must reproduce."""
    with open_side("local", demo_template, tmp_path_factory.mktemp("reference")) as side:
        return run_scenario(side)


@pytest.fixture(scope="module", params=TRACKERS)
def played(
    request: pytest.FixtureRequest,
    demo_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Played]:
    kind = str(request.param)
    with open_side(kind, demo_template, tmp_path_factory.mktemp(kind)) as side:
        yield Played(side, run_scenario(side))


def _security(key: str, config_side: Side) -> str:
    fix = next(f for f in FIXES if f.key == key)
    return str(IssueRef(config_side.config.projects.security, fix.security_iid))


def _cve(key: str, config_side: Side) -> str:
    fix = next(f for f in FIXES if f.key == key)
    return str(IssueRef(config_side.config.projects.cve_requests, fix.cve_iid))


# -- the scenario's results ------------------------------------------------------------------


def test_findings_are_the_same_list(played: Played, reference: ScenarioResult) -> None:
    assert played.result.findings == reference.findings


def test_findings_hold_the_demo_anchors(played: Played) -> None:
    side, findings = played.side, set(played.result.findings)
    anchors = {
        ("ISS011", _security("ssrf-reverted-backport", side), "merge requests"),
        ("ISS008", _security("missing-backport", side), "merge requests"),
        ("CVE022", _cve("overshared-xss", side), "description"),
        ("CVE006", _cve("discouraged-cwe", side), "cwe"),
    }
    assert anchors <= findings
    clean = _security("internal-log-exposure", side)
    assert not [f for f in findings if f[1] == clean]


def test_comments_are_posted_once(played: Played, reference: ScenarioResult) -> None:
    result = played.result
    assert result.commented == reference.commented
    assert len(result.commented) >= 5
    first, second = result.comment_runs
    assert set(first) == {"applied"}, first
    assert set(second) == {"skipped"}, second
    assert result.comments_after == {ref: 1 for ref in result.commented}


def test_cve_descriptions_are_updated_once(played: Played, reference: ScenarioResult) -> None:
    result = played.result
    assert result.cve_edits == reference.cve_edits
    assert _cve("wrong-fixed-versions", played.side) in result.cve_edits
    assert set(result.cve_outcomes) == {"applied"}
    assert result.cve_replanned == 0


def test_one_canonical_issue_is_closed_with_its_note(
    played: Played, reference: ScenarioResult
) -> None:
    result = played.result
    assert result.closed == reference.closed
    # the public note, the internal bounty reminder (its report is unpaid), the close
    assert result.close_outcomes == ("applied", "applied", "applied")
    closed = result.end_state[result.closed]
    assert closed.state == "closed"
    closed_ref = IssueRef.parse(result.closed)
    assert closed_ref is not None and closed_ref.project == played.side.config.projects.canonical
    close_notes = [body for body, _ in closed.notes if "<!-- psirt:close:" in body]
    assert len(close_notes) == 1
    others = [ref for ref, end in result.end_state.items() if end.state == "closed"]
    assert others == [result.closed]


def test_end_state_is_the_same(played: Played, reference: ScenarioResult) -> None:
    ours, theirs = played.result.end_state, reference.end_state
    assert list(ours) == list(theirs)
    assert len(ours) == 2 + 3 * len(FIXES)
    found = differences(plain(dict(theirs)), plain(dict(ours)))
    assert not found, "\n".join(sorted(found))


def test_gitlab_writes_are_minimal(played: Played) -> None:
    """On GitLab: one POST per note the scenario adds (no retry doubled one), and labels only
    ever sent as add/remove, never as a full list read earlier."""
    fake = played.side.fake
    if fake is None:
        pytest.skip("HTTP writes exist only on the GitLab side")
    result = played.result
    note_posts = [path for method, path, _ in fake.writes if method == "POST"]
    assert len(note_posts) == len(result.commented) + 2  # + the close note and bounty reminder
    assert all(path.endswith("/notes") for path in note_posts)
    assert not [body for _, _, body in fake.writes if "labels" in body]
    puts = [path for method, path, _ in fake.writes if method == "PUT" and "/notes" not in path]
    assert len(puts) == len(result.cve_edits) + 1  # each CVE edit, then the close


def test_a_note_reads_back_as_written(side: Side) -> None:
    """Trailing newline and all (the GitLab adapter's retry marker is invisible)."""
    tracker = side.session.tracker
    ref = side.snapshot().issues[0].ref
    body = "Line one\n\n- item\n"
    note = tracker.create_note(ref, body, internal=True)
    read = next(n for n in tracker.notes(ref) if n.id == note.id)
    assert (read.body, read.internal, read.system) == (body, True, False)


# -- the snapshot, field by field ------------------------------------------------------------


def _issue_view(issue: Issue | None) -> Any:
    """Everything a rule may read; ``updated_at`` is the server's clock, not the release's, and
    ``source`` (the lines of a workspace file) the local tracker's alone: findings use it to
    name the line, GitLab's name the web URL. Labels as a set: GitLab lists them sorted by
    title, the workspace as written; no reader depends on their order."""
    if issue is None:
        return None
    return plain(
        dataclasses.replace(issue, updated_at=None, source=None, labels=tuple(sorted(issue.labels)))
    )


def _note_view(note: Note) -> Any:
    return plain(dataclasses.replace(note, id=0))


def _mr_view(mr: MergeRequest, *, related: bool = True) -> Any:
    view = plain(dataclasses.replace(mr, labels=tuple(sorted(mr.labels))))
    if not related:
        del view["related_issues"]
    return view


def _by_ref(merge_requests: Sequence[MergeRequest]) -> list[MergeRequest]:
    """Order is no part of the port (local lists by iid, GitLab newest first), nor does any
    reader depend on it (the blog sorts bug fixes by URL), so lists compare sorted."""
    return sorted(merge_requests, key=lambda mr: mr.ref)


def _item_view(item: SecurityIssue) -> dict[str, Any]:
    request = item.cve_request
    return {
        "issue": _issue_view(item.issue),
        "details": plain(item.details),
        "links": plain(item.links),
        "notes": [_note_view(n) for n in item.notes],
        "merge_requests": [_mr_view(mr) for mr in item.merge_requests],
        "canonical": _issue_view(item.canonical),
        "council": plain(item.council),
        "report_id": item.report_id,
        "report": plain(item.report),
        "cve_request": None
        if request is None
        else {
            "issue": _issue_view(request.issue),
            "notes": [_note_view(n) for n in request.notes],
            "yaml_text": request.yaml_text,
            "yaml_error": request.yaml_error,
            "yaml_dump": request.document.dump() if request.document else None,
            "tasks": plain(request.tasks),
            # ids are each tracker's own; who added which label when is the same
            "label_events": [plain(dataclasses.replace(e, id=0)) for e in request.label_events],
        },
    }


def snapshot_view(snapshot: ReleaseSnapshot) -> dict[str, Any]:
    release = snapshot.release
    return {
        "release": {
            "versions": [str(v) for v in release.versions],
            "due_date": plain(release.due_date),
            "planned": release.planned,
            "tracking_issue": _issue_view(release.tracking_issue),
            "task_issue": _issue_view(release.task_issue),
            "release_managers": list(release.release_managers),
        },
        "other_links": [_issue_view(i) for i in snapshot.other_links],
        # related_issues: see test_listed_merge_requests_name_their_issues_on_both_trackers
        "merge_requests": [_mr_view(mr, related=False) for mr in _by_ref(snapshot.merge_requests)],
        "problems": list(snapshot.problems),
        "default_branch_merge_requests": [
            _mr_view(mr, related=False) for mr in _by_ref(snapshot.default_branch_merge_requests)
        ],
        "default_branch_since": plain(snapshot.default_branch_since),
        "council_members": list(snapshot.council_members),
        "issues": {str(item.ref): _item_view(item) for item in snapshot.issues},
    }


def test_snapshots_are_equal_field_by_field(local_side: Side, gitlab_side: Side) -> None:
    local, remote = local_side.snapshot(), gitlab_side.snapshot()
    assert len(local.issues) == len(FIXES)
    assert all(item.cve_request and item.cve_request.document for item in local.issues)
    assert any(item.council and item.council.approvals for item in local.issues)
    assert sum(len(item.merge_requests) for item in local.issues) > len(FIXES)
    assert len(local.merge_requests) > len(FIXES)  # every MR into the release's stable branches
    assert local.default_branch_merge_requests  # the master MRs merged since March 11
    assert sum(bool(r.label_events) for r in local.cve_requests) >= 5  # the validated ones
    found = differences(snapshot_view(local), snapshot_view(remote))
    assert not found, "\n".join(sorted(found))


def test_listed_merge_requests_carry_no_relations_on_either_tracker(
    local_side: Side, gitlab_side: Side
) -> None:
    """GitLab's MR list does not say which issues an MR relates to, so the port promises
    relations only from ``related_merge_requests``; both trackers keep to that."""
    for side in (local_side, gitlab_side):
        snapshot = side.snapshot()
        assert snapshot.merge_requests
        assert all(mr.related_issues == () for mr in snapshot.merge_requests)
        assert all(mr.related_issues for item in snapshot.issues for mr in item.merge_requests)


def test_the_comparison_sees_a_difference(local_side: Side, gitlab_side: Side) -> None:
    """The view is not blind: one label changed behind the client's back shows up, by path."""
    assert gitlab_side.fake is not None
    ref = local_side.snapshot().issues[0].ref
    gitlab_side.fake.edit_issue(ref, labels=[gitlab_side.config.labels.security])
    found = differences(snapshot_view(local_side.snapshot()), snapshot_view(gitlab_side.snapshot()))
    assert found
    assert all(line.startswith(f".issues.{ref}.issue.labels") for line in found), found
