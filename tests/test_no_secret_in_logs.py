"""With every library logging at DEBUG (httpx, httpcore, urllib3, python-gitlab, requests), the
three clients that hold credentials still never let one reach a log line: each credential
travels only in a request header, and no library logs request header values."""

from __future__ import annotations

import base64
import logging

import pytest

from psirt.bounty.hackerone import HackerOneClient
from psirt.cna.cve_services import ENV_API_KEY, ENV_API_URL, ENV_ORG, ENV_USER, CveServicesCna
from psirt.core.config import CnaConfig
from psirt.core.errors import PsirtError
from psirt.core.records import Issue, IssueRef
from psirt.trackers.gitlab import GitLabTracker
from tests.cna.test_cve_services import gitlab_record
from tests.fakes.cve_services_server import FakeCveServices
from tests.fakes.gitlab_server import FakeGitLab
from tests.fakes.hackerone_server import FakeHackerOne

H1_USER, H1_TOKEN = "psirt-api", "h1-TOKEN-never-logged"
CVE_USER, CVE_ORG, CVE_KEY = "psirt@example.com", "gitlab", "cve-KEY-never-logged"
CVE = "CVE-2026-1234"


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # the root logger: every library's records
    return caplog


def _assert_clean(caplog: pytest.LogCaptureFixture, *secrets: str) -> None:
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "the libraries logged nothing: the test would be blind"
    for secret in secrets:
        assert secret not in text


def test_hackerone_reads_and_writes_log_no_credential(
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    with FakeHackerOne(H1_USER, H1_TOKEN) as h1:
        h1.add_report("1", "Bug", "alice")
        with HackerOneClient(h1.url, H1_USER, H1_TOKEN) as client:
            client.get_report("1")
            client.add_comment("1", "Fixed.")
            client.change_state("1", "resolved", "Fixed.")
        with (
            HackerOneClient(h1.url, H1_USER, "wrong-" + H1_TOKEN) as bad,
            pytest.raises(PsirtError) as info,
        ):
            bad.get_report("1")
    basic = base64.b64encode(f"{H1_USER}:{H1_TOKEN}".encode()).decode()
    _assert_clean(debug_logs, H1_TOKEN, basic)
    assert H1_TOKEN not in str(info.value)


def test_gitlab_reads_and_writes_log_no_token(debug_logs: pytest.LogCaptureFixture) -> None:
    ref = IssueRef("gitlab-org/gitlab", 1)
    with FakeGitLab() as fake:
        fake.add_project(ref.project)
        fake.seed_issue(Issue(ref, "Bug", "the bug", confidential=True))
        with GitLabTracker(fake.url, fake.token) as tracker:
            tracker.get_issue(ref)
            tracker.create_note(ref, "Fixed.", internal=True)
        token = fake.token
    assert token
    _assert_clean(debug_logs, token)


def test_cve_services_publication_logs_no_api_key(debug_logs: pytest.LogCaptureFixture) -> None:
    with FakeCveServices(CVE_USER, CVE_ORG, CVE_KEY, CnaConfig().org_id) as server:
        server.reserve(CVE)
        env = {ENV_USER: CVE_USER, ENV_ORG: CVE_ORG, ENV_API_KEY: CVE_KEY, ENV_API_URL: server.url}
        cna = CveServicesCna.from_env(CnaConfig(), env)
        assert cna.publish(CVE, gitlab_record()).action == "published"
        wrong = CveServicesCna.from_env(CnaConfig(), {**env, ENV_API_KEY: "wrong-" + CVE_KEY})
        with pytest.raises(PsirtError) as info:
            wrong.publication_state(CVE)
    _assert_clean(debug_logs, CVE_KEY)
    assert CVE_KEY not in str(info.value)
