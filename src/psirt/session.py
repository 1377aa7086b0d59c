"""Open the adapters a workspace is configured for, and load its release snapshot.

One table per port names every adapter by kind (``[tracker] kind``, ``[bounty] kind``,
``[cna] kind`` in psirt.toml, whose model admits only these kinds); a new adapter is one
function and one row here. Each opener imports its adapter when called, so a command pays only
for the clients it uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from psirt.core import parsed_cache
from psirt.core.config import Config
from psirt.core.files import remove_stale_temporaries
from psirt.core.workspace import Workspace

if TYPE_CHECKING:
    from psirt.bounty.interface import BountyPlatform
    from psirt.cna.interface import Cna
    from psirt.model.release import ReleaseSnapshot
    from psirt.snapshot import Progress
    from psirt.trackers.interface import Tracker

Env = Mapping[str, str]


def _local_tracker(workspace: Workspace, env: Env) -> Tracker:
    from psirt.trackers.local import LocalTracker

    config = workspace.config.tracker
    return LocalTracker(workspace.root, base_url=config.url, user=config.user)


def _gitlab_tracker(workspace: Workspace, env: Env) -> Tracker:
    from psirt.trackers.gitlab import GitLabTracker

    return GitLabTracker.from_config(workspace.config, env)


def _local_bounty(workspace: Workspace, env: Env) -> BountyPlatform:
    from psirt.bounty.local import LocalBounty

    return LocalBounty(workspace.root, report_url=workspace.config.bounty.report_url)


def _hackerone(workspace: Workspace, env: Env) -> BountyPlatform:
    from psirt.bounty.hackerone import HackerOneClient

    remote = workspace.config.remote
    return HackerOneClient.from_env(
        workspace.config.bounty, env, timeout=remote.timeout, retry=remote.policy()
    )


def _local_cna(session: Session) -> Cna:
    from psirt.cna.local import LocalCna

    return LocalCna(session.workspace.root)


def _gitlab_cves(session: Session) -> Cna:
    from psirt.cna.gitlab_cves import GitLabCvesCna

    return GitLabCvesCna(session.tracker, session.config)


def _cve_services(session: Session) -> Cna:
    from psirt.cna.cve_services import CveServicesCna

    remote = session.config.remote
    return CveServicesCna.from_env(
        session.config.cna, session.env, timeout=remote.timeout, retry=remote.policy()
    )


TRACKERS: Final[dict[str, Callable[[Workspace, Env], Tracker]]] = {
    "local": _local_tracker,
    "gitlab": _gitlab_tracker,
}
BOUNTY_PLATFORMS: Final[dict[str, Callable[[Workspace, Env], BountyPlatform]]] = {
    "local": _local_bounty,
    "hackerone": _hackerone,
}
#: A CNA may work through the tracker (gitlab-cves), so it opens from the session.
CNAS: Final[dict[str, Callable[[Session], Cna]]] = {
    "local": _local_cna,
    "gitlab-cves": _gitlab_cves,
    "cve-services": _cve_services,
}


@dataclass
class Session:
    """One command's connection to the outside world, as ``psirt.toml`` configures it.

    The tracker and bounty platform open with the session; the CNA when a command first needs
    it (only ``close --publish-cves`` does), so no other command asks for CNA credentials.
    """

    workspace: Workspace
    tracker: Tracker
    bounty: BountyPlatform
    env: Env = field(default_factory=lambda: os.environ, repr=False)
    _cna: Cna | None = field(default=None, repr=False)
    progress: Progress | None = field(default=None, repr=False)  # told as a release is read

    @property
    def config(self) -> Config:
        return self.workspace.config

    def cna(self) -> Cna:
        if self._cna is None:
            self._cna = CNAS[self.config.cna.kind](self)
        return self._cna

    def snapshot(
        self, release_issue: int | None = None, *, round_trip: bool = False
    ) -> ReleaseSnapshot:
        """The release read once; ``round_trip=True`` parses every CVE request round trip. In
        a local workspace, files unchanged since an earlier command are not parsed again
        (``core.parsed_cache``)."""
        from psirt.snapshot import load_snapshot

        def load() -> ReleaseSnapshot:
            return load_snapshot(
                self.tracker,
                self.config,
                self.bounty,
                release_issue=release_issue,
                round_trip=round_trip,
                progress=self.progress,
            )

        # Files already on disk may keep what they parsed to; text read from GitLab is never
        # written to disk (``core.parsed_cache``).
        if self.config.tracker.kind != "local" or parsed_cache.disabled_by(self.env):
            return load()
        with parsed_cache.cached_parsing(self.workspace.root):
            return load()


def open_session(
    workspace: Workspace, env: Env | None = None, *, progress: Progress | None = None
) -> Session:
    """The session of ``workspace``; first, the temporary files an interrupted write left in
    it are deleted (they may hold confidential text; ``core.files``). ``progress`` hears how
    a release's reading goes."""
    remove_stale_temporaries(workspace.root)
    env = os.environ if env is None else env
    config = workspace.config
    tracker = TRACKERS[config.tracker.kind](workspace, env)
    bounty = BOUNTY_PLATFORMS[config.bounty.kind](workspace, env)
    return Session(workspace, tracker, bounty, env, progress=progress)
