"""Open the CNA back end that ``[cna] kind`` in psirt.toml names."""

from __future__ import annotations

import os
from collections.abc import Mapping

from psirt.cna.interface import Cna
from psirt.core.records import IssueRef
from psirt.core.workspace import Workspace
from psirt.trackers.interface import Tracker


def open_cna(
    workspace: Workspace,
    tracker: Tracker,
    env: Mapping[str, str] | None = None,
    *,
    requests: Mapping[str, IssueRef] | None = None,
) -> Cna:
    """``gitlab-cves`` works through the tracker (``requests``: CVE id -> request issue, when
    known); ``cve-services`` reads ``CVE_*`` credentials from ``env``; ``local`` writes into the
    workspace."""
    config = workspace.config
    kind = config.cna.kind
    if kind == "cve-services":
        from psirt.cna.cve_services import CveServicesCna

        return CveServicesCna.from_env(config.cna, os.environ if env is None else env)
    if kind == "local":
        from psirt.cna.local import LocalCna

        return LocalCna(workspace.root)
    from psirt.cna.gitlab_cves import GitLabCvesCna

    return GitLabCvesCna(tracker, config, requests)
