"""Open the trackers a workspace is configured for, and load its release snapshot."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from psirt.bounty.interface import BountyPlatform
from psirt.core.config import Config
from psirt.core.workspace import Workspace
from psirt.model.release import ReleaseSnapshot
from psirt.trackers.interface import Tracker


@dataclass
class Session:
    """One command's connection to the outside world, as ``psirt.toml`` configures it."""

    workspace: Workspace
    tracker: Tracker
    bounty: BountyPlatform

    @property
    def config(self) -> Config:
        return self.workspace.config

    def snapshot(self, release_issue: int | None = None) -> ReleaseSnapshot:
        from psirt.snapshot import load_snapshot

        return load_snapshot(self.tracker, self.config, self.bounty, release_issue=release_issue)


def open_tracker(workspace: Workspace, env: Mapping[str, str] | None = None) -> Tracker:
    config = workspace.config
    if config.tracker.kind == "gitlab":
        from psirt.trackers.gitlab import GitLabTracker

        return GitLabTracker.from_config(config, os.environ if env is None else env)
    from psirt.trackers.local import LocalTracker

    return LocalTracker(workspace.root, base_url=config.tracker.url)


def open_bounty(workspace: Workspace, env: Mapping[str, str] | None = None) -> BountyPlatform:
    config = workspace.config
    if config.bounty.kind == "hackerone":
        from psirt.bounty.hackerone import HackerOneClient

        return HackerOneClient.from_env(config.bounty, os.environ if env is None else env)
    from psirt.bounty.local import LocalBounty

    return LocalBounty(workspace.root, report_url=config.bounty.report_url)


def open_session(workspace: Workspace, env: Mapping[str, str] | None = None) -> Session:
    return Session(workspace, open_tracker(workspace, env), open_bounty(workspace, env))
