"""The contract suite's sides: one demo release, held by each tracker in turn.

A side is a session over a fresh copy of the demo workspace whose tracker is either the local
workspace itself or ``GitLabTracker`` (real python-gitlab over HTTP) against a ``FakeGitLab``
seeded from that copy. Both sides share the workspace's ``Config`` and its ``LocalBounty``, so a
difference between them can only come from the tracker. The demo is built once per session and
copied, which keeps the suite fast.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext
from psirt.core.config import Config
from psirt.core.workspace import Workspace
from psirt.model.release import ReleaseSnapshot
from psirt.session import Session, open_session
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.gitlab_access import configured_projects
from tests.fakes.gitlab_server import FakeGitLab, ManualClock, seed_from_tracker

TRACKERS = ("local", "gitlab")


@dataclass
class Side:
    """One tracker holding the demo release, with what a scenario needs to act on it."""

    kind: str
    session: Session
    fake: FakeGitLab | None = None

    @property
    def config(self) -> Config:
        return self.session.config

    def snapshot(self) -> ReleaseSnapshot:
        return self.session.snapshot()

    def context(self) -> ExecutionContext:
        """What a ``--live`` command builds: tracker, bounty and the workspace's journal."""
        return ExecutionContext(
            tracker=self.session.tracker,
            bounty=self.session.bounty,
            journal=Journal(self.session.workspace.journal_path),
        )


def release_projects(config: Config) -> list[str]:
    """The projects a release's issues and merge requests live in, as the config names them."""
    return configured_projects(config)


@contextmanager
def open_side(
    kind: str,
    template: Path,
    folder: Path,
    *,
    role: str = "maintainer",
    scopes: tuple[str, ...] = ("api",),
    clock: ManualClock | None = None,
) -> Iterator[Side]:
    """A side over a copy of ``template`` in ``folder``; the fake (if any) stops on exit.

    On GitLab, the token's user has ``role`` in every project and the token ``scopes``;
    ``clock`` is the time of the fake's rate limiters and of the tracker's waits (so a test
    waits out a 429 without sleeping)."""
    root = folder / "ws"
    shutil.copytree(template, root)
    session = open_session(Workspace(root), env={})
    if kind == "local":
        yield Side(kind, session)
        return
    if kind != "gitlab":
        raise ValueError(f"unknown tracker kind {kind!r}")
    timing = {} if clock is None else {"sleep": clock.sleep, "clock": clock.time}
    fake_clock = None if clock is None else clock.time
    with FakeGitLab(role=role, scopes=scopes, clock=fake_clock) as fake:
        seed_from_tracker(fake, session.tracker, release_projects(session.config))
        tracker = GitLabTracker(
            fake.url,
            fake.token,
            max_in_flight=session.config.tracker.max_in_flight,
            # every note's emoji, as the local tracker returns them, not only the council's
            note_emoji=lambda note: not note.system,
            **timing,  # type: ignore[arg-type]
        )
        with tracker:
            yield Side(kind, Session(session.workspace, tracker, session.bounty), fake)


@pytest.fixture(params=TRACKERS)
def side(request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path) -> Iterator[Side]:
    with open_side(request.param, demo_template, tmp_path) as opened:
        yield opened


@pytest.fixture
def local_side(demo_template: Path, tmp_path: Path) -> Iterator[Side]:
    with open_side("local", demo_template, tmp_path / "local") as opened:
        yield opened


@pytest.fixture
def gitlab_side(demo_template: Path, tmp_path: Path) -> Iterator[Side]:
    with open_side("gitlab", demo_template, tmp_path / "gitlab") as opened:
        yield opened
