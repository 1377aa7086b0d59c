"""Load a 40-issue release from the fake GitLab with 50 ms per request: concurrent vs serial.

Run from the repository root: ``.venv/bin/python benchmarks/gitlab_snapshot.py``.

The loading sequence is written against the tracker port (task issue, tracking issue, its
linked security issues, per issue notes + links + related MRs, then the CVE request issues and
their notes). Each read is submitted as soon as what it depends on has arrived, on a pool of
``max_in_flight`` workers; the serial run is the same sequence with one worker and one
connection. Prints wall time, requests, the ratio, and wall time in round trips of latency.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from psirt.config import Config
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.interface import (
    AwardEmoji,
    Issue,
    IssueLink,
    IssueRef,
    MergeRequest,
    MergeRequestRef,
    Note,
    Tracker,
)
from tests.fakes.gitlab_server import FakeGitLab

ISSUES = 40
LATENCY = 0.050


def seed(fake: FakeGitLab, config: Config, count: int = ISSUES) -> None:
    """A release: task issue -> tracking issue -> ``count`` security issues, each with notes,
    three MRs (master and two backports) and a CVE request issue with notes."""
    p, labels = config.projects, config.labels
    start = datetime(2026, 3, 1, tzinfo=UTC)
    task = IssueRef(p.tasks, 5000)
    tracking = IssueRef(p.tracking, 5001)
    fake.seed_issue(Issue(task, "Security patch release: PSIRT task", labels=(labels.task_issue,)))
    fake.seed_issue(Issue(tracking, "Security tracking issue", labels=(labels.upcoming_release,)))
    fake.seed_link(task, IssueLink(tracking))
    branches = [config.product.default_branch, "18-9-stable-ee", "18-8-stable-ee"]
    for n in range(1, count + 1):
        sec = IssueRef(p.security, n)
        cve = IssueRef(p.cve_requests, 100 + n)
        fake.seed_issue(
            Issue(sec, f"Security issue {n}", "## Details\n", labels=(labels.security,))
        )
        fake.seed_issue(Issue(cve, f"CVE request {n}", "```yaml\n```\n"))
        fake.seed_link(tracking, IssueLink(sec))
        fake.seed_link(sec, IssueLink(cve))
        at = start + timedelta(minutes=n)
        fake.seed_note(sec, Note(0, "added ~security label", "alice", at, system=True))
        vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N"
        votes = (AwardEmoji("thumbsup", "carol"), AwardEmoji("thumbsup", "dave"))
        fake.seed_note(sec, Note(0, f"Bug bounty council: {vector}", "bob", at, award_emoji=votes))
        fake.seed_note(cve, Note(0, "changed the description", "alice", at, system=True))
        fake.seed_note(cve, Note(0, "Submission accepted", config.people.cna_bot, at))
        for k, branch in enumerate(branches):
            fake.seed_merge_request(
                MergeRequest(
                    MergeRequestRef(p.security, n * 10 + k),
                    f"Fix {n} ({branch})",
                    target_branch=branch,
                    related_issues=(sec,),
                )
            )


@dataclass
class Loaded:
    task: Issue | None = None
    tracking: Issue | None = None
    issues: list[Issue] = field(default_factory=list)
    cve_issues: list[Issue] = field(default_factory=list)
    notes: dict[IssueRef, list[Note]] = field(default_factory=dict)
    links: dict[IssueRef, list[IssueLink]] = field(default_factory=dict)
    mrs: dict[IssueRef, list[MergeRequest]] = field(default_factory=dict)


class _Group:
    """Tasks that may submit further tasks; ``wait`` returns when all have finished."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(workers)
        self._lock = threading.Lock()
        self._outstanding = 0
        self._done = threading.Event()
        self._error: BaseException | None = None

    def submit(self, fn: Callable[[], Any], then: Callable[[Any], None] | None = None) -> None:
        with self._lock:
            self._outstanding += 1

        def run() -> None:
            try:
                result = fn()
                if then is not None:
                    then(result)
            except BaseException as exc:
                self._error = self._error or exc
            finally:
                with self._lock:
                    self._outstanding -= 1
                    if self._outstanding == 0:
                        self._done.set()

        self._pool.submit(run)

    def wait(self) -> None:
        self._done.wait()
        self._pool.shutdown()
        if self._error is not None:
            raise self._error


def load(tracker: Tracker, config: Config, max_in_flight: int) -> Loaded:
    p, labels = config.projects, config.labels
    out = Loaded()
    group = _Group(max_in_flight)
    lock = threading.Lock()
    cve_refs: list[IssueRef] = []
    remaining_links = [0]

    def keep(store: dict[IssueRef, Any], ref: IssueRef) -> Callable[[Any], None]:
        def put(value: Any) -> None:
            with lock:
                store[ref] = value

        return put

    def on_issue_links(ref: IssueRef, links: list[IssueLink]) -> None:
        keep(out.links, ref)(links)
        found = [link.target for link in links if link.target.project == p.cve_requests]
        for cve in found:
            group.submit(lambda c=cve: tracker.notes(c), keep(out.notes, cve))
        with lock:
            cve_refs.extend(found)
            remaining_links[0] -= 1
            last = remaining_links[0] == 0
        if last:
            group.submit(lambda: tracker.get_issues(sorted(set(cve_refs))), out.cve_issues.extend)

    def on_tracking_links(links: list[IssueLink]) -> None:
        refs = [link.target for link in links if link.target.project == p.security]
        remaining_links[0] = len(refs)

        def linked(issues: list[Issue]) -> None:
            out.issues.extend(i for i in issues if i.ref.project == p.security)
            out.task = next((i for i in issues if labels.task_issue in i.labels), None)

        group.submit(lambda: tracker.get_issues([link.target for link in links]), linked)
        for ref in refs:
            group.submit(lambda r=ref: tracker.notes(r), keep(out.notes, ref))
            group.submit(lambda r=ref: tracker.related_merge_requests(r), keep(out.mrs, ref))
            group.submit(
                lambda r=ref: tracker.issue_links(r), lambda links, r=ref: on_issue_links(r, links)
            )

    def on_tracking(found: list[Issue]) -> None:
        out.tracking = found[0]
        group.submit(lambda: tracker.issue_links(found[0].ref), on_tracking_links)

    group.submit(
        lambda: tracker.find_issues(p.tracking, labels=[labels.upcoming_release], state="opened"),
        on_tracking,
    )
    group.wait()
    return out


def measure(url: str, token: str, config: Config, max_in_flight: int) -> tuple[float, int]:
    """The port-level sequence above; checks that everything arrived."""
    with GitLabTracker(url, token, max_in_flight=max_in_flight) as tracker:
        start = time.perf_counter()
        loaded = load(tracker, config, max_in_flight)
        wall = time.perf_counter() - start
    count = len(loaded.issues)
    assert loaded.task is not None and len(loaded.cve_issues) == count
    assert len(loaded.mrs) == count and all(len(v) == 3 for v in loaded.mrs.values())
    council = [n for notes in loaded.notes.values() for n in notes if n.award_emoji]
    assert len(council) == count
    return wall, tracker.request_count


def measure_shared(url: str, token: str, config: Config, max_in_flight: int) -> tuple[float, int]:
    """The shared loader, ``psirt.snapshot.load_snapshot``, on the same release."""
    from psirt.snapshot import load_snapshot

    tracker_config = config.tracker.model_copy(update={"max_in_flight": max_in_flight})
    shared_config = config.model_copy(update={"tracker": tracker_config})
    with GitLabTracker(url, token, max_in_flight=max_in_flight) as tracker:
        start = time.perf_counter()
        snapshot = load_snapshot(tracker, shared_config)
        wall = time.perf_counter() - start
    assert all(i.cve_request is not None and i.council for i in snapshot.issues)
    return wall, tracker.request_count


def serve(conn: Connection, issues: int, latency: float) -> None:
    """The fake in its own process, so its CPU does not share the client's GIL."""
    with FakeGitLab() as fake:
        seed(fake, Config(), issues)
        fake.latency = latency
        conn.send((fake.url, fake.token))
        conn.recv()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=ISSUES)
    parser.add_argument("--latency", type=float, default=LATENCY)
    args = parser.parse_args()
    config = Config()
    workers = config.tracker.max_in_flight
    runs: list[tuple[str, Callable[[str, str, Config, int], tuple[float, int]], int]] = [
        ("port sequence", measure, workers),
        ("port sequence", measure, 1),
        ("load_snapshot", measure_shared, workers),
        ("load_snapshot", measure_shared, 1),
    ]
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(
        target=serve, args=(theirs, args.issues, args.latency), daemon=True
    )
    server.start()
    try:
        url, token = ours.recv()
        rows = [(name, n, *run(url, token, config, n)) for name, run, n in runs]
    finally:
        ours.send("stop")
        server.join(timeout=10)
    rt = args.latency
    print(f"{args.issues}-issue release, {rt * 1000:.0f} ms per request")
    print(f"{'loader':<15}{'in flight':>10}{'wall s':>9}{'requests':>10}{'round trips':>13}")
    for name, n, wall, requests in rows:
        print(f"{name:<15}{n:>10}{wall:>9.2f}{requests:>10}{wall / rt:>13.1f}")
    for i in (0, 2):
        name, n, wall, requests = rows[i]
        print(
            f"{name}: {rows[i + 1][2] / wall:.1f}x faster than serial (target >= 8x); "
            f"{wall / rt:.1f} round trips (target <= 12; {requests} requests / {n} in flight "
            f"= {requests / n:.1f} at best)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
