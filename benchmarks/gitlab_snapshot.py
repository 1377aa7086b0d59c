"""Load a 40-issue release from the fake GitLab with 50 ms per request: concurrent vs serial.

Run from the repository root: ``.venv/bin/python benchmarks/gitlab_snapshot.py``.

The release is shaped like a real one: a task issue and a tracking issue linking 40 security
issues, each with a Details and Links table, a council note with votes, three MRs, a canonical
issue and a CVE request (a few marked invalid by the CNA bot). ``psirt.snapshot.load_snapshot``
loads it through the GitLab tracker three times in the same run, with ``max_in_flight`` workers,
with one, and with ``max_in_flight`` and a progress listener (what a terminal shows), and the
script prints wall time, requests, the ratio, and wall time in round trips.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from psirt.core.config import Config
from psirt.core.records import (
    AwardEmoji,
    Issue,
    IssueLink,
    IssueRef,
    MergeRequest,
    MergeRequestRef,
    Note,
)
from psirt.snapshot import Progress, load_snapshot
from psirt.trackers.gitlab import GitLabTracker
from tests.fakes.gitlab_server import FakeGitLab

ISSUES = 40
LATENCY = 0.050
INVALID_EVERY = 10  # one CVE request in ten carries advisory::invalid


def _description(canonical: IssueRef, cve: IssueRef) -> str:
    return (
        "## Details\n\n| Description | Details |\n| --- | --- |\n"
        "| Version affected | 17.0 |\n| GitLab EE only | No |\n\n"
        "## Links\n\n| Description | Link |\n| --- | --- |\n"
        f"| Canonical issue | {canonical} |\n| CVE request | {cve} |\n"
    )


def seed(fake: FakeGitLab, config: Config, count: int = ISSUES) -> None:
    p, labels = config.projects, config.labels
    start = datetime(2026, 3, 1, tzinfo=UTC)
    task = IssueRef(p.tasks, 5000)
    tracking = IssueRef(p.tracking, 5001)
    fake.seed_issue(Issue(task, "PSIRT Task Issue", labels=(labels.task_issue,)))
    fake.seed_issue(
        Issue(
            tracking,
            "Security patch release: 18.10.1, 18.9.3, 18.8.7",
            labels=(labels.upcoming_release,),
        )
    )
    fake.seed_link(tracking, IssueLink(task))
    branches = [config.product.default_branch, "18-10-stable-ee", "18-9-stable-ee"]
    for n in range(1, count + 1):
        sec = IssueRef(p.security, n)
        canonical = IssueRef(p.canonical, 1000 + n)
        cve = IssueRef(p.cve_requests, 100 + n)
        cve_labels = (labels.advisory_invalid,) if n % INVALID_EVERY == 0 else ()
        fake.seed_issue(Issue(sec, f"Security issue {n}", _description(canonical, cve)))
        fake.seed_issue(Issue(canonical, f"Security issue {n}", "Reported on HackerOne\n"))
        fake.seed_issue(Issue(cve, f"CVE request {n}", "```yaml\n```\n", labels=cve_labels))
        fake.seed_link(tracking, IssueLink(sec))
        fake.seed_link(sec, IssueLink(cve))
        at = start + timedelta(minutes=n)
        fake.seed_note(sec, Note(0, "added ~security label", "alice", at, system=True))
        vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N"
        votes = (AwardEmoji("thumbsup", "carol"), AwardEmoji("thumbsup", "dave"))
        fake.seed_note(sec, Note(0, f"Bug bounty council: {vector}", "bob", at, award_emoji=votes))
        fake.seed_note(cve, Note(0, "Submission invalid", config.people.cna_bot, at))
        for k, branch in enumerate(branches):
            fake.seed_merge_request(
                MergeRequest(
                    MergeRequestRef(p.security, n * 10 + k),
                    f"Fix {n} ({branch})",
                    target_branch=branch,
                    related_issues=(sec,),
                )
            )


def measure(
    url: str, token: str, config: Config, max_in_flight: int, progress: Progress | None = None
) -> tuple[float, int]:
    tracker_config = config.tracker.model_copy(update={"max_in_flight": max_in_flight})
    shared_config = config.model_copy(update={"tracker": tracker_config})
    with GitLabTracker(url, token, max_in_flight=max_in_flight) as tracker:
        tracker.current_user()  # the login round trip is not part of loading a release
        before = tracker.request_count
        started = time.perf_counter()
        snapshot = load_snapshot(tracker, shared_config, progress=progress)
        wall = time.perf_counter() - started
        requests = tracker.request_count - before
    complete = all(
        i.cve_request is not None and i.council and i.canonical and len(i.merge_requests) == 3
        for i in snapshot.issues
    )
    if len(snapshot.issues) != ISSUES or not complete:
        raise SystemExit("the snapshot is incomplete: the figures would mean nothing")
    return wall, requests


def serve(conn: Connection, issues: int, latency: float) -> None:
    """The fake in its own process, so its CPU does not share the client's GIL."""
    with FakeGitLab() as fake:
        seed(fake, Config(), issues)
        fake.latency = latency
        conn.send((fake.url, fake.token))
        conn.recv()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=LATENCY)
    args = parser.parse_args()
    config = Config()
    workers = config.tracker.max_in_flight
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(
        target=serve, args=(theirs, ISSUES, args.latency), daemon=True
    )
    server.start()
    try:
        url, token = ours.recv()
        concurrent = measure(url, token, config, workers)
        serial = measure(url, token, config, 1)
        updates: list[tuple[int, int]] = []
        watched = measure(url, token, config, workers, lambda d, t: updates.append((d, t)))
    finally:
        ours.send("stop")
        server.join(timeout=10)
    rt = args.latency
    print(f"{ISSUES}-issue release, {rt * 1000:.0f} ms per request")
    print(f"{'in flight':>10}{'wall s':>9}{'requests':>10}{'round trips':>13}")
    for n, (wall, requests) in ((workers, concurrent), (1, serial)):
        print(f"{n:>10}{wall:>9.2f}{requests:>10}{wall / rt:>13.1f}")
    print(
        f"{workers:>10}{watched[0]:>9.2f}{watched[1]:>10}{watched[0] / rt:>13.1f}"
        f"  with progress ({len(updates)} updates, as a terminal would show them)"
    )
    print(
        f"concurrent is {serial[0] / concurrent[0]:.1f}x faster than one request at a time; "
        f"{concurrent[0] / rt:.1f} round trips of latency "
        f"({concurrent[1]} requests / {workers} in flight = {concurrent[1] / workers:.1f} at best)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
