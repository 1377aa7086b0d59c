"""A fake GitLab: the REST v4 subset psirt uses, stateful, on 127.0.0.1, over real HTTP.

The real ``python-gitlab`` client talks to it, so the adapter is tested through the same
encoding, pagination and retry code it runs in production. It behaves like GitLab where a run on
gitlab.com would first notice: what the token's user may see and do (``permissions``), the
application rate limiters (``limiters``, off unless a test switches one on), scoped labels,
quick actions and size limits (``content``), and GitLab's JSON (``shapes``) and pagination
(``routes``). Each behaviour names the GitLab documentation or server code it is taken from.
Faults (latency, 429 with ``Retry-After``, 5xx, dropped connections, optionally after the write
was applied) are switches (``server``), so the tests can show that no note is duplicated and no
write is lost.

Usage::

    with FakeGitLab() as fake:
        fake.seed_issue(Issue(IssueRef("group/project", 1), "title"))
        tracker = GitLabTracker(fake.url, fake.token)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from psirt.core.records import IssueRef, MergeRequestRef
from psirt.trackers.interface import Tracker
from tests.fakes.gitlab_server.limiters import LIMITERS, THROTTLED, ManualClock
from tests.fakes.gitlab_server.permissions import ROLES
from tests.fakes.gitlab_server.server import FakeGitLab, Fault
from tests.fakes.gitlab_server.state import DEFAULT_TOKEN, DEFAULT_USER, HttpError

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USER",
    "LIMITERS",
    "ROLES",
    "THROTTLED",
    "FakeGitLab",
    "Fault",
    "HttpError",
    "ManualClock",
    "seed_from_tracker",
    "use_fake_gitlab",
]


def use_fake_gitlab(
    root: Path, fake: FakeGitLab, monkeypatch: pytest.MonkeyPatch, *, token: str | None = None
) -> None:
    """Point the workspace at ``root`` (on the local tracker, as the demo's is) at ``fake``:
    ``[tracker]`` of kind gitlab at the fake's URL, ``GITLAB_TOKEN`` the fake's own (or
    ``token``), no ``GITLAB_URL``/``GITLAB_HOST`` to override it."""
    config = root / "psirt.toml"
    text = config.read_text(encoding="utf-8")
    local = 'kind = "local"\nurl = "https://gitlab.com"'
    assert local in text, f"{config} has no local [tracker] to point at the fake"
    config.write_text(
        text.replace(local, f'kind = "gitlab"\nurl = "{fake.url}"', 1), encoding="utf-8"
    )
    for name in ("GITLAB_URL", "GITLAB_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITLAB_TOKEN", str(fake.token) if token is None else token)


def seed_from_tracker(fake: FakeGitLab, tracker: Tracker, projects: Iterable[str]) -> None:
    """Copy every issue, note, link and merge request of ``projects`` from another tracker.

    Uses only the port's reads, so any tracker (the local workspace first) can seed the fake,
    and a contract test can run one scenario on both and compare end states.
    """
    paths = list(projects)
    for path in paths:
        fake.add_project(path)
    for path in paths:
        for issue in tracker.find_issues(path):
            fake.seed_issue(issue)
    for path in paths:
        for issue in tracker.find_issues(path):
            for note in tracker.notes(issue.ref):
                fake.seed_note(issue.ref, note)
            for event in tracker.label_events(issue.ref):
                fake.seed_label_event(issue.ref, replace(event, id=0))
            for link in tracker.issue_links(issue.ref):
                if link.target.project in paths:
                    fake.seed_link(issue.ref, link)
        related: dict[MergeRequestRef, list[IssueRef]] = {}
        for issue in tracker.find_issues(path):
            for mr in tracker.related_merge_requests(issue.ref):
                related.setdefault(mr.ref, []).append(issue.ref)
        for mr in tracker.list_merge_requests(path):
            fake.seed_merge_request(
                replace(mr, related_issues=tuple(related.get(mr.ref, mr.related_issues)))
            )
