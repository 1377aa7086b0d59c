"""The HackerOne client against the fake HackerOne API on loopback (real HTTP, real httpx)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from psirt.bounty.hackerone import ENV_TOKEN, ENV_USERNAME, HackerOneClient, report_from_json
from psirt.core.config import BountyConfig
from psirt.core.errors import NotFoundError, PsirtError, RemoteError
from psirt.core.remote import RetryPolicy
from tests.fakes.hackerone_server import FakeHackerOne

USER = "psirt-api"
TOKEN = "h1-secret-token"


@pytest.fixture
def h1() -> Iterator[FakeHackerOne]:
    with FakeHackerOne(USER, TOKEN) as server:
        server.add_report(
            "2001",
            "Stored XSS in issue titles",
            "alice",
            state="triaged",
            severity_rating="high",
            severity_score=8.7,
            weakness_name="Cross-site Scripting (XSS) - Stored",
            weakness_external_id="cwe-79",
        )
        server.add_report(
            "2002",
            "ReDoS in the markdown parser",
            "bob",
            severity_rating=None,
            weakness_name=None,
        )
        server.add_bounty("2001", "3000.00", "250.50")
        yield server


class Sleeps:
    """Stands in for ``time.sleep``: records the waits so tests assert them without waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(h1: FakeHackerOne, sleeps: Sleeps) -> Iterator[HackerOneClient]:
    with HackerOneClient(
        h1.url, USER, TOKEN, timeout=2.0, retry=RetryPolicy(attempts=4), sleep=sleeps
    ) as c:
        yield c


# -- mapping ---------------------------------------------------------------------------------


def test_get_report_maps_every_field(client: HackerOneClient, h1: FakeHackerOne) -> None:
    h1.reports["2001"].activities.append(
        {
            "id": "1",
            "type": "activity-comment",
            "attributes": {
                "message": "Thanks, triaged.",
                "internal": True,
                "created_at": "2024-03-01T10:00:00.000Z",
            },
            "relationships": {
                "actor": {"data": {"type": "user", "attributes": {"username": "triager"}}}
            },
        }
    )
    report = client.get_report("2001")
    assert report.id == "2001"
    assert report.title == "Stored XSS in issue titles"
    assert report.reporter == "alice"
    assert report.state == "triaged"
    assert report.severity_rating == "high"
    assert report.severity_score == 8.7
    assert report.weakness == "Cross-site Scripting (XSS) - Stored"
    assert report.cwe == "CWE-79"
    assert report.url == "https://hackerone.com/reports/2001"
    (activity,) = report.activities
    assert activity.type == "activity-comment"
    assert activity.message == "Thanks, triaged."
    assert activity.internal is True
    assert activity.author == "triager"
    assert activity.created_at is not None and activity.created_at.isoformat() == (
        "2024-03-01T10:00:00+00:00"
    )
    (bounty,) = report.bounties
    assert bounty.amount == Decimal("3000.00") and isinstance(bounty.amount, Decimal)
    assert bounty.bonus_amount == Decimal("250.50")
    assert report.has_bounty


def test_report_without_severity_weakness_or_bounty(client: HackerOneClient) -> None:
    report = client.get_report("2002")
    assert (report.severity_rating, report.severity_score) == (None, None)
    assert (report.weakness, report.cwe) == (None, None)
    assert report.bounties == () and not report.has_bounty


def test_basic_auth_and_accept_header_are_sent(client: HackerOneClient, h1: FakeHackerOne) -> None:
    client.get_report("2001")
    (request,) = h1.requests("GET")
    assert request.path == "/v1/reports/2001"
    expected = base64.b64encode(f"{USER}:{TOKEN}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Accept"] == "application/json"


def test_list_reports_without_bounty(client: HackerOneClient) -> None:
    unpaid = client.list_reports_without_bounty(["2001", "2002", "2002"])
    assert [r.id for r in unpaid] == ["2002"]


def test_get_reports_keeps_order(client: HackerOneClient) -> None:
    assert [r.id for r in client.get_reports(["2002", "2001"])] == ["2002", "2001"]


# -- writes ----------------------------------------------------------------------------------


def test_add_comment_sends_the_json_api_body(client: HackerOneClient, h1: FakeHackerOne) -> None:
    activity = client.add_comment("2001", "Fixed in 18.10.1, 18.9.3, 18.8.7.")
    (post,) = h1.requests("POST")
    assert post.path == "/v1/reports/2001/activities"
    assert post.body == {
        "data": {
            "type": "activity-comment",
            "attributes": {"message": "Fixed in 18.10.1, 18.9.3, 18.8.7.", "internal": False},
        }
    }
    assert activity.type == "activity-comment"
    assert activity.message == "Fixed in 18.10.1, 18.9.3, 18.8.7."
    assert activity.author == USER
    assert [c["attributes"]["message"] for c in h1.reports["2001"].comments()] == [
        "Fixed in 18.10.1, 18.9.3, 18.8.7."
    ]


def test_change_state_sends_the_json_api_body(client: HackerOneClient, h1: FakeHackerOne) -> None:
    report = client.change_state("2001", "resolved", "Released in 18.10.1.")
    assert report.state == "resolved"
    assert h1.reports["2001"].state == "resolved"
    (post,) = h1.requests("POST")
    assert post.path == "/v1/reports/2001/state_changes"
    assert post.body == {
        "data": {
            "type": "state-change",
            "attributes": {"state": "resolved", "message": "Released in 18.10.1."},
        }
    }


def test_change_state_already_there_writes_nothing(
    client: HackerOneClient, h1: FakeHackerOne
) -> None:
    h1.reports["2001"].state = "resolved"
    report = client.change_state("2001", "resolved", "again")
    assert report.state == "resolved"
    assert h1.requests("POST") == []


# -- errors ----------------------------------------------------------------------------------


def test_wrong_credentials_give_remote_error_without_the_token(h1: FakeHackerOne) -> None:
    with (
        HackerOneClient(h1.url, USER, "wrong-token-value") as bad,
        pytest.raises(RemoteError) as info,
    ):
        bad.get_report("2001")
    text = str(info.value)
    assert "401" in text and "2001" in text and ENV_TOKEN in text
    assert "wrong-token-value" not in text and TOKEN not in text


def test_unknown_report_is_not_found(client: HackerOneClient) -> None:
    with pytest.raises(NotFoundError, match="9999"):
        client.get_report("9999")


def test_rejected_write_reports_status_and_detail(
    client: HackerOneClient, h1: FakeHackerOne
) -> None:
    with pytest.raises(RemoteError) as info:
        client.change_state("2001", "not-a-state", "x")
    assert "400" in str(info.value) and "Invalid Parameter" in str(info.value)
    assert "2001" in str(info.value)


def test_from_env_requires_both_variables_and_names_them() -> None:
    with pytest.raises(PsirtError) as info:
        HackerOneClient.from_env(BountyConfig(), {ENV_USERNAME: "someone-secret-ish"})
    assert ENV_TOKEN in str(info.value)
    assert ENV_USERNAME not in str(info.value)
    assert "someone-secret-ish" not in str(info.value)
    with pytest.raises(PsirtError, match=f"{ENV_USERNAME} and {ENV_TOKEN}"):
        HackerOneClient.from_env(BountyConfig(), {})


def test_from_env_uses_config_url(h1: FakeHackerOne) -> None:
    config = BountyConfig(kind="hackerone", url=h1.url, report_url="https://h1.test/r/{id}")
    with HackerOneClient.from_env(config, {ENV_USERNAME: USER, ENV_TOKEN: TOKEN}) as c:
        assert c.get_report("2002").url == "https://h1.test/r/2002"


# -- retries ---------------------------------------------------------------------------------


def test_429_waits_for_retry_after(
    client: HackerOneClient, h1: FakeHackerOne, sleeps: Sleeps
) -> None:
    h1.fail("429", times=2, retry_after="7")
    assert client.get_report("2001").title
    assert sleeps.calls == [7.0, 7.0]
    assert len(h1.requests("GET")) == 3


def test_429_on_a_comment_is_retried_once_and_posts_once(
    client: HackerOneClient, h1: FakeHackerOne, sleeps: Sleeps
) -> None:
    h1.fail("429", times=1, method="POST", retry_after="3")
    client.add_comment("2001", "hello")
    assert sleeps.calls == [3.0]
    assert len(h1.reports["2001"].comments()) == 1


def test_retry_after_beyond_the_ceiling_gives_up_at_once(h1: FakeHackerOne, sleeps: Sleeps) -> None:
    h1.fail("429", times=1, retry_after="3600")
    policy = RetryPolicy(max_retry_after=60)
    with (
        HackerOneClient(h1.url, USER, TOKEN, retry=policy, sleep=sleeps) as c,
        pytest.raises(RemoteError, match="3600s"),
    ):
        c.get_report("2001")
    assert sleeps.calls == []


def test_transient_5xx_on_get_backs_off_exponentially(
    client: HackerOneClient, h1: FakeHackerOne, sleeps: Sleeps
) -> None:
    h1.fail("5xx", times=3)
    assert client.get_report("2001").id == "2001"
    assert sleeps.calls == [0.5, 1.0, 2.0]


def test_persistent_5xx_gives_up_with_status_and_report(
    client: HackerOneClient, h1: FakeHackerOne, sleeps: Sleeps
) -> None:
    h1.fail("5xx", times=10, status=502)
    with pytest.raises(RemoteError) as info:
        client.get_report("2001")
    assert "502" in str(info.value) and "2001" in str(info.value)
    assert len(h1.requests("GET")) == 4
    assert len(sleeps.calls) == 3


def test_dropped_connection_on_get_is_retried(client: HackerOneClient, h1: FakeHackerOne) -> None:
    h1.fail("drop", times=2, method="GET")
    assert client.get_report("2002").reporter == "bob"
    assert len(h1.requests("GET")) == 3


def test_timeout_on_get_is_retried(h1: FakeHackerOne, sleeps: Sleeps) -> None:
    h1.set_latency(0.3)
    with (
        HackerOneClient(
            h1.url, USER, TOKEN, timeout=0.1, retry=RetryPolicy(attempts=2), sleep=sleeps
        ) as c,
        pytest.raises(RemoteError, match="ReadTimeout"),
    ):
        c.get_report("2001")
    assert len(h1.requests("GET")) == 2


def test_comment_dropped_after_apply_is_not_posted_twice(
    client: HackerOneClient, h1: FakeHackerOne
) -> None:
    h1.fail("drop_after_apply", times=1, method="POST")
    activity = client.add_comment("2001", "Fixed, thank you!")
    assert activity.message == "Fixed, thank you!"
    assert len(h1.reports["2001"].comments()) == 1
    assert len(h1.requests("POST")) == 1


def test_comment_5xx_after_apply_is_not_posted_twice(
    client: HackerOneClient, h1: FakeHackerOne
) -> None:
    h1.fail("5xx_after_apply", times=1, method="POST", status=502)
    client.add_comment("2001", "Fixed, thank you!")
    assert len(h1.reports["2001"].comments()) == 1
    assert len(h1.requests("POST")) == 1


def test_comment_dropped_before_apply_is_posted_after_checking(
    client: HackerOneClient, h1: FakeHackerOne
) -> None:
    h1.fail("drop", times=1, method="POST")
    client.add_comment("2001", "Fixed, thank you!")
    assert len(h1.reports["2001"].comments()) == 1
    methods = [r.method for r in h1.log]
    assert methods == ["POST", "GET", "POST"]


def test_comment_that_never_lands_gives_up(
    client: HackerOneClient, h1: FakeHackerOne, sleeps: Sleeps
) -> None:
    h1.fail("5xx", times=10, method="POST")
    with pytest.raises(RemoteError, match="failed 4 times"):
        client.add_comment("2001", "x")
    assert h1.reports["2001"].comments() == []


def test_state_change_dropped_after_apply_is_verified_not_repeated(
    client: HackerOneClient, h1: FakeHackerOne
) -> None:
    h1.fail("drop_after_apply", times=1, method="POST")
    report = client.change_state("2001", "resolved", "Released.")
    assert report.state == "resolved"
    assert len(h1.requests("POST")) == 1
    resolved = [a for a in h1.reports["2001"].activities if a["type"] == "activity-bug-resolved"]
    assert len(resolved) == 1


def test_state_change_5xx_before_apply_is_retried(
    client: HackerOneClient, h1: FakeHackerOne
) -> None:
    h1.fail("5xx", times=2, method="POST")
    assert client.change_state("2001", "resolved", "Released.").state == "resolved"
    assert len(h1.requests("POST")) == 3


# -- pure mapping edges ----------------------------------------------------------------------


def test_weakness_without_a_cwe_id_keeps_the_name_only() -> None:
    document = {
        "data": {
            "id": "7",
            "type": "report",
            "attributes": {"title": "t", "state": "new"},
            "relationships": {
                "weakness": {"data": {"attributes": {"name": "Other", "external_id": "capec-1"}}},
                "severity": {"data": {"attributes": {"rating": "none", "score": None}}},
            },
        }
    }
    report = report_from_json(document)
    assert (report.weakness, report.cwe) == ("Other", None)
    assert (report.severity_rating, report.severity_score) == ("none", None)
    assert report.url == ""


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"errors": []}, "data"),
        ({"data": {"id": "7", "attributes": {}}}, "title"),
        (
            {
                "data": {
                    "id": "7",
                    "attributes": {"title": "t"},
                    "relationships": {"bounties": {"data": [{"attributes": {"amount": "lots"}}]}},
                }
            },
            "lots",
        ),
    ],
)
def test_unexpected_shapes_are_remote_errors(document: dict[str, Any], expected: str) -> None:
    with pytest.raises(RemoteError, match=expected):
        report_from_json(document)


def test_reports_are_read_concurrently(h1: FakeHackerOne) -> None:
    for n in range(8):
        h1.add_report(str(3000 + n), f"report {n}", "carol")
    h1.set_latency(0.2)
    with HackerOneClient(h1.url, USER, TOKEN, max_in_flight=4) as c:
        reports = c.get_reports(str(3000 + n) for n in range(8))
    assert [r.title for r in reports] == [f"report {n}" for n in range(8)]
    assert 2 <= h1.peak_in_flight <= 4
