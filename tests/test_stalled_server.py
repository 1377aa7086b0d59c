"""A server that accepts the connection and never answers: each client gives a clear error
after ``[remote] timeout`` per attempt, ``[remote] retries`` + 1 attempts for reads, instead of
hanging (GitLab's read is not retried by python-gitlab on a read timeout: one attempt)."""

from __future__ import annotations

import pytest

from psirt.bounty.hackerone import HackerOneClient
from psirt.cna.cve_services import ENV_API_KEY, ENV_API_URL, ENV_ORG, ENV_USER, CveServicesCna
from psirt.core.config import CnaConfig, RemoteConfig
from psirt.core.errors import ExitCode, RemoteError
from psirt.core.records import IssueRef
from psirt.trackers.gitlab import GitLabTracker
from tests.fakes.web import stalled

SETTINGS = RemoteConfig(timeout=0.3, retries=1)


def _no_sleep(seconds: float) -> None:
    pass


def test_gitlab_names_the_timeout() -> None:
    with stalled() as (url, handler):
        tracker = GitLabTracker(
            url, "glpat-x", timeout=SETTINGS.timeout, max_retries=SETTINGS.retries
        )
        with tracker, pytest.raises(RemoteError) as info:
            tracker.get_issue(IssueRef("gitlab-org/gitlab", 1))
    assert info.value.exit_code == ExitCode.REMOTE
    assert f"no answer from {url} within 0.3s ([remote] timeout" in str(info.value)
    assert handler.connections >= 1


def test_hackerone_names_the_timeout() -> None:
    with stalled() as (url, handler):
        client = HackerOneClient(
            url, "u", "t", timeout=SETTINGS.timeout, retry=SETTINGS.policy(), sleep=_no_sleep
        )
        with client, pytest.raises(RemoteError) as info:
            client.get_report("1")
    assert "failed 2 times" in str(info.value)
    assert "no answer within 0.3s ([remote] timeout)" in str(info.value)
    assert handler.connections == 2


def test_cve_services_names_the_timeout() -> None:
    with stalled() as (url, handler):
        env = {ENV_USER: "me", ENV_ORG: "org", ENV_API_KEY: "key", ENV_API_URL: url}
        cna = CveServicesCna.from_env(
            CnaConfig(), env, timeout=SETTINGS.timeout, retry=SETTINGS.policy(), sleep=_no_sleep
        )
        with pytest.raises(RemoteError) as info:
            cna.publication_state("CVE-2026-1234")
    assert "failed 2 times" in str(info.value)
    assert "no answer within 0.3s ([remote] timeout)" in str(info.value)
    assert handler.connections == 2
