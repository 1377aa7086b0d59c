"""Every CNA adapter implements the whole ``Cna`` port, and the session opens each by kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.cna.cve_services import CveServicesCna
from psirt.cna.gitlab_cves import GitLabCvesCna
from psirt.cna.interface import Cna
from psirt.cna.local import LocalCna
from psirt.core.config import Config
from psirt.core.records import Issue, IssueRef
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.trackers.local import LocalTracker
from tests.ports import missing_or_different

REQUEST = IssueRef("gitlab-org/cves", 7)
CVE_ENV = {"CVE_USER": "u", "CVE_ORG": "o", "CVE_API_KEY": "k", "CVE_ENVIRONMENT": "local"}


def _workspace(root: Path, kind: str) -> Workspace:
    (root / "psirt.toml").write_text(f'[cna]\nkind = "{kind}"\n', encoding="utf-8")
    return Workspace(root)


@pytest.mark.parametrize(
    ("kind", "adapter"),
    [("local", LocalCna), ("gitlab-cves", GitLabCvesCna), ("cve-services", CveServicesCna)],
)
def test_the_session_opens_each_kind_and_each_implements_the_port(
    tmp_path: Path, kind: str, adapter: type
) -> None:
    session = open_session(_workspace(tmp_path, kind), env=CVE_ENV)
    cna = session.cna()
    assert isinstance(cna, adapter)
    assert session.cna() is cna  # opened once, when first needed
    assert missing_or_different(cna, Cna) == []


def test_only_a_cna_that_publishes_from_the_request_asks_for_an_edit(tmp_path: Path) -> None:
    issue = Issue(REQUEST, "CVE-2026-0007", "* [ ] Publish immediately\n* [x] Wait to publish\n")
    ticked = GitLabCvesCna(LocalTracker(tmp_path), Config()).publication_edit(issue)
    assert ticked == "* [x] Publish immediately\n* [ ] Wait to publish\n"
    assert LocalCna(tmp_path).publication_edit(issue) is None
    assert not GitLabCvesCna.updates_published
    assert CveServicesCna.updates_published


def test_commands_that_do_not_publish_never_ask_for_cna_credentials(tmp_path: Path) -> None:
    session = open_session(_workspace(tmp_path, "cve-services"), env={})
    assert session.tracker is not None  # opening the session needs no CVE_* variables
