"""The close step, whole, on both trackers: the same end state, journal and idempotence.

The scenario is the end of release week: ``update-cves --live`` first (its YAML fixes make more
CVE requests valid), then ``psirt close --close-issues --publish-cves --blog-published --live``
with the default CNA back end (gitlab-cves: publication is ticking ``Publish immediately`` in the
request issue), then the same command again. It runs through ``run_close`` on the local
workspace and on GitLab (python-gitlab against the fake, seeded from the same workspace). The
local run is the reference: every issue of the release must end the same on GitLab, the journal
must say the same thing, and the second run must write nothing on either tracker. Then GitLab
misbehaves (an answer lost after a note landed, 503s on an issue PUT) and a live run plus a rerun
must still reach the reference end state, with no note twice.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import pytest

from psirt.actions.executor import ExecutionStopped, Outcome
from psirt.actions.journal import Journal
from psirt.actions.tracker_actions import CloseIssue, EditDescription, UpsertNote, marker_comment
from psirt.cna.gitlab_cves import publication_requested
from psirt.core.lock import LOCK_FILE
from psirt.core.records import IssueRef
from psirt.demo.data import FIXES
from psirt.session import Session
from psirt.trackers.interface import Tracker
from psirt.workflows.close import BlogAnswer, CloseOptions, ClosePlan, build_close_plan, run_close
from psirt.workflows.update_cves import run_update_cves
from tests.contract.conftest import TRACKERS, Side, open_side
from tests.contract.endstate import IssueEnd, differences, issue_end, plain, release_refs
from tests.fakes.gitlab_server import DEFAULT_TOKEN

#: ``psirt close --close-issues --publish-cves --blog-published`` (no HackerOne step).
OPTIONS = CloseOptions(
    close_issues=True, publish_cves=True, notify_hackerone=False, blog_published=True
)
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
JournalLine = tuple[str, str, str]  # (action, subject, outcome)
#: The start of every close note's rerun marker (``close:<versions>``).
CLOSE_TAG = marker_comment("close:").removesuffix(" -->")


# -- running it ------------------------------------------------------------------------------


def _never_get(url: str) -> BlogAnswer:
    raise AssertionError(f"--blog-published must not fetch the blog post ({url})")


def close_live(side: Side) -> ClosePlan:
    """``psirt close ... --live`` as the CLI runs it: a fresh snapshot, plan, execute, journal."""
    return run_close(
        side.session.workspace, OPTIONS, live=True, session=side.session, get=_never_get
    )


def _kinds(outcomes: list[Outcome]) -> tuple[str, ...]:
    return tuple(outcome.outcome for outcome in outcomes)


def _journal(side: Side) -> list[JournalLine]:
    entries = Journal(side.session.workspace.journal_path).entries()
    return [(e["action"], e["subject"], e["outcome"]) for e in entries]


def _write_requests(side: Side) -> list[tuple[str, str]]:
    assert side.fake is not None
    with side.fake._lock:
        return [(method, path) for method, path in side.fake.requests if method in WRITE_METHODS]


def _files(root: Path, skip: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of a local workspace (but ``skip`` and the live runs' lock, which says who
    runs) with its mtime and bytes."""
    found: dict[str, tuple[int, bytes]] = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if path != skip and name != LOCK_FILE:
                found[str(path.relative_to(root))] = (path.stat().st_mtime_ns, path.read_bytes())
    return found


class CountingTracker:
    """The port with a tally of the write calls made through it (whatever the tracker then
    does with them: the local one skips a write that changes nothing, so files alone would not
    show a rerun that writes again)."""

    WRITES = frozenset(
        {"create_issue", "update_issue", "create_note", "update_note", "link_issues"}
        | {"unlink_issues"}
    )

    def __init__(self, inner: Tracker) -> None:
        self.inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name not in self.WRITES:
            return attr

        def write(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(f"{name}{args[:1]}")
            return attr(*args, **kwargs)

        return write


def counted(side: Side) -> tuple[Side, CountingTracker]:
    """The same side, its tracker counted."""
    session = side.session
    counter = CountingTracker(session.tracker)
    tracker = cast(Tracker, counter)
    return Side(side.kind, Session(session.workspace, tracker, session.bounty), side.fake), counter


def end_state(side: Side, refs: list[IssueRef]) -> dict[str, IssueEnd]:
    return {str(ref): issue_end(side.session.tracker, ref) for ref in refs}


def publications(plan: ClosePlan) -> list[str]:
    """The CVE requests whose ``Publish immediately`` box the plan ticks."""
    return [str(a.ref) for a in plan.plan if isinstance(a, EditDescription)]


@dataclass(frozen=True)
class CloseRun:
    publishable_before: tuple[str, ...]  # what close would publish before update-cves
    published: tuple[str, ...]  # what it publishes after
    refused: tuple[str, ...]  # CVE requests (and fixes) the publish step refuses
    canonical: tuple[str, ...]  # the canonical issues it closes
    notes: int  # the notes it posts: one per closed issue, one more (internal) per unpaid report
    fixes: tuple[tuple[str, str], ...]  # (canonical issue, CVE request) of every fix
    first: tuple[str, ...]  # outcomes of the first live run
    second: tuple[str, ...]  # outcomes of the second
    second_port_writes: tuple[str, ...]  # tracker write calls of the second run
    second_writes: tuple[tuple[str, str], ...]  # GitLab: write requests of the second run
    second_touched: tuple[str, ...]  # local: workspace files the second run changed
    journal_first: tuple[JournalLine, ...]
    journal_second: tuple[JournalLine, ...]
    journal_text: str
    end_state: Mapping[str, IssueEnd]


def run_close_twice(side: Side) -> CloseRun:
    before = build_close_plan(side.snapshot(), OPTIONS, None, side.session.cna())
    run_update_cves(side.session, live=True)
    snapshot = side.snapshot()
    refs = release_refs(snapshot)

    mark = len(_journal(side))
    first = close_live(side)
    middle = len(_journal(side))

    journal = side.session.workspace.journal_path
    files = _files(side.session.workspace.root, journal)
    writes = len(_write_requests(side)) if side.fake else 0
    watched, counter = counted(side)
    second = close_live(watched)
    second_writes = tuple(_write_requests(side)[writes:]) if side.fake else ()
    after = _files(side.session.workspace.root, journal)
    touched = tuple(sorted(k for k in files.keys() | after.keys() if files.get(k) != after.get(k)))

    lines = _journal(side)
    return CloseRun(
        publishable_before=tuple(publications(before)),
        published=tuple(publications(first)),
        refused=tuple(r.subject for r in first.refusals if r.step == "publish-cves"),
        canonical=tuple(str(a.ref) for a in first.plan if isinstance(a, CloseIssue)),
        notes=sum(1 for a in first.plan if isinstance(a, UpsertNote)),
        fixes=tuple(
            (str(item.canonical.ref), str(item.cve_request.ref))
            for item in snapshot.issues
            if item.canonical is not None and item.cve_request is not None
        ),
        first=_kinds(first.outcomes),
        second=_kinds(second.outcomes),
        second_port_writes=tuple(counter.calls),
        second_writes=second_writes,
        second_touched=touched if side.fake is None else (),
        journal_first=tuple(lines[mark:middle]),
        journal_second=tuple(lines[middle:]),
        journal_text=journal.read_text(encoding="utf-8"),
        end_state=end_state(side, refs),
    )


@pytest.fixture(scope="module")
def closed(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, CloseRun]:
    """The scenario on each tracker, once (the local run is the reference)."""
    runs: dict[str, CloseRun] = {}
    for kind in TRACKERS:
        with open_side(kind, demo_template, tmp_path_factory.mktemp(f"close-{kind}")) as side:
            runs[kind] = run_close_twice(side)
    return runs


@pytest.fixture(params=TRACKERS)
def run(request: pytest.FixtureRequest, closed: dict[str, CloseRun]) -> CloseRun:
    return closed[str(request.param)]


# -- the reference is the demo we think it is ------------------------------------------------


def test_update_cves_makes_more_requests_publishable(run: CloseRun) -> None:
    assert set(run.publishable_before) < set(run.published)
    assert len(run.published) >= 5
    assert run.refused, "some requests stay unpublished (invalid, unvalidated, not shipped)"


def test_the_first_run_applies_everything(run: CloseRun) -> None:
    assert set(run.first) == {"applied"}, run.first
    # a note (and a bounty reminder when unpaid) and a close per shipped fix, then one
    # publication per publishable request
    assert len(run.canonical) < run.notes < 2 * len(run.canonical)
    assert len(run.first) == run.notes + len(run.canonical) + len(run.published)
    assert len(run.canonical) == len(FIXES) - 1  # the reverted fix stays open


def test_the_publish_box_is_ticked_exactly_where_published(run: CloseRun) -> None:
    requests = {ref: run.end_state[ref] for _, ref in run.fixes}
    assert len(requests) == len(FIXES)
    ticked = {ref for ref, end in requests.items() if publication_requested(end.description)}
    assert ticked == set(run.published)
    for ref in run.published:
        assert "* [x] Publish immediately" in requests[ref].description, ref


def test_each_closed_issue_has_one_close_note(run: CloseRun) -> None:
    for ref in run.canonical:
        end = run.end_state[ref]
        assert end.state == "closed", ref
        marked = [body for body, _ in end.notes if CLOSE_TAG in body]
        assert len(marked) == 1, (ref, end.notes)
    assert len(run.fixes) == len(FIXES)
    left = [ref for ref, _ in run.fixes if ref not in run.canonical]
    assert len(left) == 1  # the reverted fix's canonical issue
    assert run.end_state[left[0]].state == "opened"
    assert not [body for body, _ in run.end_state[left[0]].notes if CLOSE_TAG in body]


# -- the same on both trackers ---------------------------------------------------------------


def test_end_state_is_the_same_on_both_trackers(closed: dict[str, CloseRun]) -> None:
    local, gitlab = closed["local"].end_state, closed["gitlab"].end_state
    assert list(gitlab) == list(local)
    assert len(local) == 2 + 3 * len(FIXES)
    found = differences(plain(dict(local)), plain(dict(gitlab)))
    assert not found, "\n".join(sorted(found))


def test_plans_and_outcomes_are_the_same_on_both_trackers(closed: dict[str, CloseRun]) -> None:
    local, gitlab = closed["local"], closed["gitlab"]
    for name in ("publishable_before", "published", "refused", "canonical", "first", "second"):
        assert getattr(gitlab, name) == getattr(local, name), name


def test_journal_lines_are_the_same_on_both_trackers(closed: dict[str, CloseRun]) -> None:
    local, gitlab = closed["local"], closed["gitlab"]
    assert gitlab.journal_first == local.journal_first
    assert gitlab.journal_second == local.journal_second
    assert len(local.journal_first) == len(local.first)
    assert {outcome for _, _, outcome in local.journal_first} == {"applied"}
    assert {outcome for _, _, outcome in local.journal_second} == {"skipped"}
    kinds = {action for action, _, _ in local.journal_first}
    assert kinds == {"note", "close", "edit"}


def test_the_journal_holds_no_token(closed: dict[str, CloseRun]) -> None:
    assert DEFAULT_TOKEN not in closed["gitlab"].journal_text


# -- the second run writes nothing -----------------------------------------------------------


def test_the_second_run_skips_everything(run: CloseRun) -> None:
    assert run.second and set(run.second) == {"skipped"}, run.second
    assert len(run.second) == len(run.first)


def test_the_second_run_calls_no_tracker_write(run: CloseRun) -> None:
    assert run.second_port_writes == ()


def test_the_second_run_sends_no_write_to_gitlab(closed: dict[str, CloseRun]) -> None:
    assert closed["gitlab"].second_writes == ()


def test_the_second_run_changes_no_local_file(closed: dict[str, CloseRun]) -> None:
    """Only the journal grows (one "skipped" line per action); no issue file is rewritten."""
    assert closed["local"].second_touched == ()


# -- GitLab misbehaves -----------------------------------------------------------------------


@pytest.mark.parametrize("persistent", [False, True], ids=["retried", "stopped"])
def test_faults_on_gitlab_reach_the_same_end_state(
    persistent: bool, closed: dict[str, CloseRun], demo_template: Path, tmp_path: Path
) -> None:
    """The answer to the first note POST is lost after the note landed, and the PUT that ticks
    the first request's publication box answers 503 after applying: once (python-gitlab retries
    it within the run), or on every attempt (the run stops there; the rerun finishes)."""
    reference = closed["local"]
    with open_side("gitlab", demo_template, tmp_path) as side:
        assert side.fake is not None
        run_update_cves(side.session, live=True)
        snapshot = side.snapshot()
        target = IssueRef.parse(reference.published[0])
        assert target is not None
        put_path = f"/projects/{quote(target.project, safe='')}/issues/{target.iid}"
        dropped = side.fake.drop(method="POST", path="/notes", after_apply=True)
        failing = side.fake.fail(
            503,
            method="PUT",
            path=put_path,
            after_apply=True,
            retry_after=0,
            times=6 if persistent else 1,  # python-gitlab's 1 + max_retries (5) attempts
        )

        try:
            first = _kinds(close_live(side).outcomes)
        except ExecutionStopped as stopped:
            first = _kinds(stopped.outcomes)
        assert dropped.times == 0 and failing.times == 0, "both faults were hit"
        if persistent:
            assert first[-1] == "failed" and set(first[:-1]) == {"applied"}, first
            failed_entries = [e for e in _journal(side) if e[2] == "failed"]
            assert failed_entries == [("edit", str(target), "failed")]
        else:
            assert first == reference.first

        rerun = _kinds(close_live(side).outcomes)
        assert len(rerun) == len(reference.first)
        done = len(first) if persistent else len(rerun)
        assert set(rerun[:done]) == {"skipped"}, rerun  # the PUT that "failed" had landed
        assert set(rerun[done:]) <= {"applied"}, rerun

        writes = len(_write_requests(side))
        again = _kinds(close_live(side).outcomes)
        assert set(again) == {"skipped"} and len(_write_requests(side)) == writes

        ours = end_state(side, release_refs(snapshot))
        found = differences(plain(dict(reference.end_state)), plain(ours))
        assert not found, "\n".join(sorted(found))
        for ref in reference.canonical:
            marked = [body for body, _ in ours[ref].notes if CLOSE_TAG in body]
            assert len(marked) == 1, (ref, ours[ref].notes)
        note_posts = [p for m, p in _write_requests(side) if m == "POST"]
        assert len(note_posts) == reference.notes  # no note sent twice


def test_the_fault_test_would_see_a_duplicate(closed: dict[str, CloseRun]) -> None:
    """The end-state comparison is not blind to a note posted twice."""
    reference = dict(closed["local"].end_state)
    ref = closed["local"].canonical[0]
    end = reference[ref]
    doubled = dict(reference)
    doubled[ref] = IssueEnd(end.title, end.description, end.labels, end.state, end.notes * 2)
    assert differences(plain(reference), plain(doubled)) == [
        f".{ref}.notes: {len(end.notes)} items != {2 * len(end.notes)} items"
    ]
