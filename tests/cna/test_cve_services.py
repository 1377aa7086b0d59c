"""CVE Services back end: the real cvelib client over HTTP against the fake CVE Services."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from cvelib.cve_api import CveApi

from psirt.cna.cve_services import (
    ENV_API_KEY,
    ENV_API_URL,
    ENV_ENVIRONMENT,
    ENV_ORG,
    ENV_USER,
    LOCAL_URL,
    CveServicesCna,
)
from psirt.cna.interface import Cna, PublishResult
from psirt.core.config import CnaConfig
from psirt.core.errors import InputError, NotFoundError, PsirtError, RefusedError, RemoteError
from psirt.core.remote import RetryPolicy
from tests.fakes.cve_services_server import FakeCveServices

CVE = "CVE-2026-1234"
ORG_ID = CnaConfig().org_id
USER, ORG, KEY = "psirt@example.com", "gitlab", "cve-secret-api-key"


def gitlab_record(cve_id: str = CVE, fixed: str = "18.10.1") -> dict[str, Any]:
    """A full CVE JSON 5 record as GitLab publishes them (without providerMetadata)."""
    return {
        "dataType": "CVE_RECORD",
        "dataVersion": "5.1",
        "cveMetadata": {"cveId": cve_id, "assignerOrgId": ORG_ID, "state": "PUBLISHED"},
        "containers": {
            "cna": {
                "title": "Improper Validation of Specified Quantity in Input in GitLab",
                "descriptions": [
                    {
                        "lang": "en",
                        "value": "GitLab has remediated an issue in GitLab CE/EE affecting all "
                        f"versions from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 "
                        f"before {fixed} that could have allowed an authenticated user to cause "
                        "a denial of service.",
                    }
                ],
                "affected": [
                    {
                        "vendor": "GitLab",
                        "product": "GitLab",
                        "repo": "git://git@gitlab.com:gitlab-org/gitlab.git",
                        "cpes": ["cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*"],
                        "defaultStatus": "unaffected",
                        "versions": [
                            {
                                "version": "18.10",
                                "lessThan": fixed,
                                "status": "affected",
                                "versionType": "semver",
                            }
                        ],
                    }
                ],
                "problemTypes": [
                    {
                        "descriptions": [
                            {
                                "cweId": "CWE-1284",
                                "description": "CWE-1284: Improper Validation of Specified "
                                "Quantity in Input",
                                "type": "CWE",
                                "lang": "en",
                            }
                        ]
                    }
                ],
                "references": [
                    {
                        "url": "https://hackerone.com/reports/2001",
                        "name": "HackerOne Bug Bounty Report #2001",
                        "tags": ["technical-description", "exploit", "permissions-required"],
                    }
                ],
                "solutions": [
                    {
                        "lang": "en",
                        "value": f"Upgrade to versions 18.8.7, 18.9.3, {fixed} or above.",
                    }
                ],
            }
        },
    }


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fake() -> Iterator[FakeCveServices]:
    with FakeCveServices(USER, ORG, KEY, ORG_ID) as server:
        server.reserve(CVE)
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def cna(fake: FakeCveServices, sleeps: Sleeps) -> CveServicesCna:
    api = CveApi(username=USER, org=ORG, api_key=KEY, url=fake.url)
    return CveServicesCna(api, org_id=ORG_ID, retry=RetryPolicy(attempts=4), sleep=sleeps)


def test_fits_the_port(cna: CveServicesCna) -> None:
    port: Cna = cna
    assert port.publication_state(CVE) == "RESERVED"


def test_publication_state(cna: CveServicesCna, fake: FakeCveServices) -> None:
    fake.reserve("CVE-2026-0002")
    fake.reject("CVE-2026-0003")
    assert cna.publication_state("CVE-2026-0002") == "RESERVED"
    assert cna.publication_state("CVE-2026-0003") == "REJECTED"
    assert cna.publication_state("CVE-2026-9999") is None
    (request, *_) = fake.log
    assert request.path == "/api/cve-id/CVE-2026-0002"
    assert request.headers["CVE-API-ORG"] == ORG
    assert request.headers["CVE-API-USER"] == USER
    assert request.headers["CVE-API-KEY"] == KEY


# -- create, update, unchanged ---------------------------------------------------------------


def test_reserved_id_is_published_with_the_cna_container(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    record = gitlab_record()
    result = cna.publish(CVE, record)
    assert result == PublishResult(CVE, "published", result.detail)
    assert fake.ids[CVE] == "PUBLISHED"
    assert fake.writes() == [("POST", f"/api/cve/{CVE}/cna")]
    (post,) = fake.requests("POST")
    sent = post.body["cnaContainer"]
    assert sent["providerMetadata"] == {"orgId": ORG_ID}
    assert sent["descriptions"] == record["containers"]["cna"]["descriptions"]
    assert sent["x_generator"]["engine"].startswith("cvelib")
    assert "providerMetadata" not in record["containers"]["cna"]  # caller's record untouched
    assert not any(r.path.startswith("/api/org/") for r in fake.log)  # no show_org round trip


def test_same_content_again_is_unchanged_and_writes_nothing(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    cna.publish(CVE, gitlab_record())
    before = len(fake.writes())
    assert cna.publish(CVE, gitlab_record()).action == "unchanged"
    assert len(fake.writes()) == before


def test_changed_content_updates_the_published_record(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    cna.publish(CVE, gitlab_record(fixed="18.10.1"))
    result = cna.publish(CVE, gitlab_record(fixed="18.10.2"))
    assert result.action == "updated"
    assert fake.writes()[-1] == ("PUT", f"/api/cve/{CVE}/cna")
    stored = fake.records[CVE]["containers"]["cna"]
    assert stored["affected"][0]["versions"][0]["lessThan"] == "18.10.2"
    assert cna.publish(CVE, gitlab_record(fixed="18.10.2")).action == "unchanged"


def test_explicit_provider_metadata_is_kept(cna: CveServicesCna, fake: FakeCveServices) -> None:
    record = gitlab_record()
    record["containers"]["cna"]["providerMetadata"] = {"orgId": ORG_ID, "shortName": "GitLab"}
    cna.publish(CVE, record)
    assert fake.requests("POST")[0].body["cnaContainer"]["providerMetadata"]["shortName"] == (
        "GitLab"
    )


# -- validation before any request -----------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda r: r["containers"]["cna"].update(affected=[]), "affected"),
        (lambda r: r["containers"]["cna"].pop("descriptions"), "descriptions"),
        (
            lambda r: r["containers"]["cna"]["affected"][0]["versions"][0].update(status="maybe"),
            "affected.0.versions.0.status",
        ),
        (lambda r: r["containers"]["cna"].update(bogus=1), "bogus"),
    ],
)
def test_schema_rejects_a_bad_record_before_any_request(
    cna: CveServicesCna, fake: FakeCveServices, damage: Any, expected: str
) -> None:
    record = gitlab_record()
    damage(record)
    with pytest.raises(InputError) as info:
        cna.publish(CVE, record)
    assert CVE in str(info.value) and expected in str(info.value)
    assert "schema" in str(info.value)
    assert fake.log == []


def test_not_a_full_record_is_refused_before_any_request(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    container = gitlab_record()["containers"]["cna"]
    with pytest.raises(InputError, match="dataType"):
        cna.publish(CVE, container)
    with pytest.raises(InputError, match="CVE-2026-7777"):
        cna.publish(CVE, gitlab_record("CVE-2026-7777"))
    broken = gitlab_record()
    del broken["containers"]
    with pytest.raises(InputError, match=r"containers\.cna"):
        cna.publish(CVE, broken)
    assert fake.log == []


# -- refusals and errors ---------------------------------------------------------------------


def test_unknown_id_is_not_found(cna: CveServicesCna, fake: FakeCveServices) -> None:
    with pytest.raises(NotFoundError, match="CVE-2026-4040"):
        cna.publish("CVE-2026-4040", gitlab_record("CVE-2026-4040"))
    assert fake.writes() == []


def test_rejected_id_is_refused(cna: CveServicesCna, fake: FakeCveServices) -> None:
    fake.reject(CVE)
    with pytest.raises(RefusedError, match="REJECTED"):
        cna.publish(CVE, gitlab_record())
    assert fake.writes() == []


def test_wrong_api_key_is_a_remote_error_without_the_key(fake: FakeCveServices) -> None:
    api = CveApi(username=USER, org=ORG, api_key="wrong-key-123456", url=fake.url)
    cna = CveServicesCna(api, org_id=ORG_ID)
    with pytest.raises(RemoteError) as info:
        cna.publication_state(CVE)
    text = str(info.value)
    assert "401" in text and CVE in text and ENV_API_KEY in text
    assert "wrong-key-123456" not in text and KEY not in text


def test_published_id_without_record_names_the_service_error(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    fake.ids[CVE] = "PUBLISHED"
    with pytest.raises(NotFoundError, match="CVE_RECORD_DNE"):
        cna.publish(CVE, gitlab_record())
    assert fake.writes() == []


def test_a_refused_write_is_not_retried_and_names_status_and_message(
    cna: CveServicesCna, fake: FakeCveServices, sleeps: Sleeps
) -> None:
    fake.fail("5xx", times=1, method="POST", status=400, title="Invalid Json Schema")
    with pytest.raises(RemoteError) as info:
        cna.publish(CVE, gitlab_record())
    assert "400" in str(info.value) and "INVALID_JSON_SCHEMA" in str(info.value)
    assert len(fake.writes()) == 1 and sleeps.calls == []
    assert KEY not in str(info.value)


# -- retries ---------------------------------------------------------------------------------


def test_429_honoursparse_retry_after(
    cna: CveServicesCna, fake: FakeCveServices, sleeps: Sleeps
) -> None:
    fake.fail("429", times=2, method="GET", retry_after="4")
    assert cna.publication_state(CVE) == "RESERVED"
    assert sleeps.calls == [4.0, 4.0]


def test_5xx_on_reads_backs_off_then_gives_up_with_status(
    cna: CveServicesCna, fake: FakeCveServices, sleeps: Sleeps
) -> None:
    fake.fail("5xx", times=10, method="GET", status=503)
    with pytest.raises(RemoteError) as info:
        cna.publication_state(CVE)
    assert "503" in str(info.value) and CVE in str(info.value)
    assert sleeps.calls == [0.5, 1.0, 2.0]
    assert KEY not in str(info.value)


def test_publish_5xx_after_apply_is_verified_not_repeated(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    fake.fail("5xx_after_apply", times=1, method="POST", status=502)
    assert cna.publish(CVE, gitlab_record()).action == "published"
    assert fake.writes() == [("POST", f"/api/cve/{CVE}/cna")]


def test_publish_dropped_before_apply_is_sent_again(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    fake.fail("drop", times=1, method="POST")
    assert cna.publish(CVE, gitlab_record()).action == "published"
    assert len(fake.writes()) == 2
    assert fake.ids[CVE] == "PUBLISHED"


def test_update_dropped_after_apply_is_verified_not_repeated(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    cna.publish(CVE, gitlab_record())
    fake.fail("drop_after_apply", times=1, method="PUT")
    assert cna.publish(CVE, gitlab_record(fixed="18.10.3")).action == "updated"
    assert [m for m, _ in fake.writes()] == ["POST", "PUT"]


# -- configuration ---------------------------------------------------------------------------


def test_from_env_names_missing_variables_only() -> None:
    with pytest.raises(PsirtError) as info:
        CveServicesCna.from_env(CnaConfig(), {ENV_USER: "u", ENV_API_KEY: "k-secret"})
    assert ENV_ORG in str(info.value) and ENV_USER not in str(info.value)
    assert "k-secret" not in str(info.value)


def test_from_env_url_override_talks_to_the_fake(fake: FakeCveServices) -> None:
    env = {ENV_USER: USER, ENV_ORG: ORG, ENV_API_KEY: KEY, ENV_ENVIRONMENT: fake.url.rstrip("/")}
    assert CveServicesCna.from_env(CnaConfig(), env).publication_state(CVE) == "RESERVED"
    env = {ENV_USER: USER, ENV_ORG: ORG, ENV_API_KEY: KEY, ENV_API_URL: fake.url}
    assert CveServicesCna.from_env(CnaConfig(), env).publication_state(CVE) == "RESERVED"


@pytest.mark.parametrize(
    ("environment", "url"),
    [
        ("test", CveApi.ENVS["test"]),
        ("prod", CveApi.ENVS["prod"]),
        (None, CveApi.ENVS["prod"]),
        ("local", LOCAL_URL),
    ],
)
def test_from_env_environments(environment: str | None, url: str) -> None:
    env = {ENV_USER: "u", ENV_ORG: "o", ENV_API_KEY: "k"}
    if environment is not None:
        env[ENV_ENVIRONMENT] = environment
    cna = CveServicesCna.from_env(CnaConfig(), env)
    assert cna._api.url == url


def test_from_env_unknown_environment() -> None:
    env = {ENV_USER: "u", ENV_ORG: "o", ENV_API_KEY: "k", ENV_ENVIRONMENT: "staging"}
    with pytest.raises(PsirtError, match="staging"):
        CveServicesCna.from_env(CnaConfig(), env)


def test_record_is_not_mutated_by_publish(cna: CveServicesCna) -> None:
    record = gitlab_record()
    snapshot = copy.deepcopy(record)
    cna.publish(CVE, record)
    assert record == snapshot
