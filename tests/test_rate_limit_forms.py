"""Every form of a rate limit's answer, through each of the three clients on its fake server:
``Retry-After`` as seconds, fractional, negative or an HTTP date, ``RateLimit-Reset`` as a Unix
time or a number of seconds, and nonsense; a wait beyond ``[remote] max_wait`` ends at once with
exit 3 and the time to try again, and nothing sleeps through it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from email.utils import formatdate

import pytest

from psirt.bounty.hackerone import HackerOneClient
from psirt.cna.cve_services import ENV_API_KEY, ENV_API_URL, ENV_ORG, ENV_USER, CveServicesCna
from psirt.core.config import CnaConfig, RemoteConfig
from psirt.core.errors import ExitCode, RemoteError
from psirt.core.records import Issue, IssueRef
from psirt.trackers.gitlab import GitLabTracker
from psirt.trackers.gitlab_http import RATE_LIMIT_WINDOW
from tests.fakes.cve_services_server import FakeCveServices
from tests.fakes.gitlab_server import FakeGitLab
from tests.fakes.hackerone_server import FakeHackerOne

REF = IssueRef("gitlab-org/security/gitlab", 5)
CVE = "CVE-2026-1234"
SETTINGS = RemoteConfig(timeout=5, retries=2, max_wait=120)

# A client under test: (headers of one 429) -> the waits it slept; raises what the client raises.
Client = Callable[[dict[str, str]], list[float]]


def _gitlab(headers: dict[str, str]) -> list[float]:
    slept: list[float] = []
    with FakeGitLab() as fake:
        fake.seed_issue(Issue(REF, "Bug", "desc"))
        fake.fail(429, path="/issues/5", headers=headers)
        policy = SETTINGS.policy(rate_limit_window=RATE_LIMIT_WINDOW)
        with GitLabTracker(fake.url, fake.token, retry=policy, sleep=slept.append) as tracker:
            assert tracker.get_issue(REF).title == "Bug"
    return slept


def _hackerone(headers: dict[str, str]) -> list[float]:
    slept: list[float] = []
    with FakeHackerOne("u", "t") as h1:
        h1.add_report("1", "Bug", "alice")
        h1.fail("429", retry_after=None, headers=headers)
        policy = SETTINGS.policy()
        with HackerOneClient(h1.url, "u", "t", retry=policy, sleep=slept.append) as client:
            assert client.get_report("1").title == "Bug"
    return slept


def _cve_services(headers: dict[str, str]) -> list[float]:
    slept: list[float] = []
    with FakeCveServices("me@example.com", "org", "key", CnaConfig().org_id) as server:
        server.reserve(CVE)
        server.fail("429", retry_after=None, headers=headers)
        env = {ENV_USER: "me@example.com", ENV_ORG: "org", ENV_API_KEY: "key"}
        cna = CveServicesCna.from_env(
            CnaConfig(),
            {**env, ENV_API_URL: server.url},
            retry=SETTINGS.policy(),
            sleep=slept.append,
        )
        assert cna.publication_state(CVE) == "RESERVED"
    return slept


CLIENTS = {"gitlab": _gitlab, "hackerone": _hackerone, "cve-services": _cve_services}


@pytest.fixture(params=sorted(CLIENTS))
def client(request: pytest.FixtureRequest) -> Iterator[Client]:
    yield CLIENTS[request.param]


def _in_seconds(seconds: int) -> str:
    return formatdate(time.time() + seconds, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"Retry-After": "7"}, 7, 7),
        ({"Retry-After": "2.5"}, 2.5, 2.5),
        ({"Retry-After": "-3"}, 0, 0),
        ({"RateLimit-Reset": "15"}, 15, 15),
    ],
    ids=["seconds", "fractional", "negative", "reset-seconds"],
)
def test_a_wait_the_server_names_is_waited(
    client: Client, headers: dict[str, str], low: float, high: float
) -> None:
    assert len(slept := client(headers)) == 1
    assert low <= slept[0] <= high


def test_an_http_date_is_waited_until(client: Client) -> None:
    (wait,) = client({"Retry-After": _in_seconds(40)})
    assert 30 <= wait <= 40  # the date has one-second precision; the rest is the clock moving


def test_a_reset_as_unix_time_is_waited_until(client: Client) -> None:
    (wait,) = client({"RateLimit-Reset": str(int(time.time()) + 50)})
    assert 40 <= wait <= 50


def test_a_header_that_is_no_time_falls_back_without_a_traceback(client: Client) -> None:
    (wait,) = client({"Retry-After": "soon", "RateLimit-Reset": "later"})
    assert 0 < wait <= RATE_LIMIT_WINDOW  # the window (GitLab) or the first back-off


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "3600"},
        {"Retry-After": "3600.5"},
        {"Retry-After": _in_seconds(7200)},
        {"RateLimit-Reset": "3600"},
        {"RateLimit-Reset": str(int(time.time()) + 3600)},
    ],
    ids=["seconds", "fractional", "http-date", "reset-seconds", "reset-epoch"],
)
def test_a_wait_beyond_the_cap_ends_with_exit_3_and_when_to_retry(
    client: Client, headers: dict[str, str]
) -> None:
    with pytest.raises(RemoteError) as info:
        client(headers)
    error = info.value
    assert error.exit_code == ExitCode.REMOTE
    assert "rate limit" in str(error) and "more than [remote] max_wait (120s" in str(error)
    assert "try again after 20" in str(error) and str(error).endswith(" UTC")
