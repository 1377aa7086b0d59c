"""A server (or a proxy in front of it) that reflects the request's credentials in its error
answers: none of the three clients lets them reach an error message, stderr, a log line or
``journal.jsonl``. The fakes echo the token (GitLab's ``PRIVATE-TOKEN``, HackerOne's basic
auth, encoded and decoded, CVE Services' ``CVE-API-KEY``) in the body and the reason phrase."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from psirt.actions.bounty_actions import CommentOnReport
from psirt.actions.cna_actions import PublishCve
from psirt.actions.executor import ExecutionStopped, execute
from psirt.actions.journal import Journal
from psirt.actions.plan import Action, ExecutionContext, Plan
from psirt.actions.tracker_actions import UpsertNote
from psirt.bounty.hackerone import HackerOneClient
from psirt.cna.cve_services import ENV_API_KEY, ENV_API_URL, ENV_ORG, ENV_USER, CveServicesCna
from psirt.core.config import CnaConfig, RemoteConfig
from psirt.core.records import Issue, IssueRef
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.local import LocalTracker
from tests.cna.test_cve_services import gitlab_record
from tests.fakes.cve_services_server import FakeCveServices
from tests.fakes.gitlab_server import FakeGitLab
from tests.fakes.hackerone_server import FakeHackerOne

REF = IssueRef("gitlab-org/security/gitlab", 5)
H1_USER, H1_TOKEN = "psirt-api", "h1-REFLECTED-secret"
CVE_KEY = "cve-REFLECTED-key"
CVE = "CVE-2026-1234"
FAST = RemoteConfig(retries=1).policy()


def _run(context: ExecutionContext, action: Action, tmp_path: Path) -> str:
    """Run one live action that the server refuses; everything psirt said about it, as text."""
    with pytest.raises(ExecutionStopped) as info:
        execute(Plan([action]), context, live=True)
    journal = (tmp_path / "journal.jsonl").read_text(encoding="utf-8")
    assert "failed" in journal  # the failure was journaled: the check below is not blind
    return f"{info.value}\n{info.value.__cause__}\n{journal}"


def _secrets_absent(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def test_gitlab_reflected_token(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with FakeGitLab() as fake:
        fake.seed_issue(Issue(REF, "Bug", "desc", confidential=True))
        fake.reflect_credentials = True
        fake.fail(400, method="POST", path="/notes")
        token = fake.token or ""
        with GitLabTracker(fake.url, token, retry=FAST, sleep=lambda _: None) as tracker:
            context = ExecutionContext(tracker=tracker, journal=Journal(tmp_path / "journal.jsonl"))
            said = _run(context, UpsertNote(REF, "m", "Fixed.", "shipped"), tmp_path)
    assert token and "HTTP 400" in said
    _secrets_absent(said + caplog.text, token)


def test_hackerone_reflected_credentials(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    basic = base64.b64encode(f"{H1_USER}:{H1_TOKEN}".encode()).decode()
    with FakeHackerOne(H1_USER, H1_TOKEN) as h1:
        h1.add_report("1", "Bug", "alice")
        h1.reflect_credentials = True
        h1.fail("5xx", method="POST", status=422, title="refused")
        with HackerOneClient(h1.url, H1_USER, H1_TOKEN, retry=FAST, sleep=lambda _: None) as c:
            context = ExecutionContext(
                tracker=LocalTracker(tmp_path),
                bounty=c,
                journal=Journal(tmp_path / "journal.jsonl"),
            )
            said = _run(context, CommentOnReport("1", "Fixed, thanks.", "thank"), tmp_path)
        # and a 5xx whose reason phrase carries them, retried until the client gives up
        h1.fail("5xx", times=5, method="GET")
        with HackerOneClient(h1.url, H1_USER, H1_TOKEN, retry=FAST, sleep=lambda _: None) as c:
            with pytest.raises(Exception) as info:
                c.get_report("1")
            said += f"\n{info.value}"
    assert "422" in said and "503" in said
    _secrets_absent(said + caplog.text, H1_TOKEN, basic)


def test_cve_services_reflected_key(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with FakeCveServices("me@example.com", "org", CVE_KEY, CnaConfig().org_id) as server:
        server.reserve(CVE)
        server.reflect_credentials = True
        server.fail("5xx", method="POST", status=400, title="bad")
        env = {
            ENV_USER: "me@example.com",
            ENV_ORG: "org",
            ENV_API_KEY: CVE_KEY,
            ENV_API_URL: server.url,
        }
        cna = CveServicesCna.from_env(CnaConfig(), env, retry=FAST, sleep=lambda _: None)
        context = ExecutionContext(
            tracker=LocalTracker(tmp_path), cna=cna, journal=Journal(tmp_path / "journal.jsonl")
        )
        action = PublishCve(CVE, IssueRef("gitlab-org/cves", 1), gitlab_record(), "publish")
        said = _run(context, action, tmp_path)
    assert "400" in said
    _secrets_absent(said + caplog.text, CVE_KEY)
