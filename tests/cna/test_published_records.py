"""Reading published records back and updating their CNA container, on each CNA back end:
cve-services (cvelib over HTTP against the loopback fake CVE Services) and local files."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cvelib.cve_api import CveApi

from psirt.cna.cve_services import CveServicesCna
from psirt.cna.gitlab_cves import GitLabCvesCna
from psirt.cna.local import LocalCna
from psirt.core.config import Config
from psirt.core.errors import InputError, NotFoundError, RefusedError
from psirt.core.remote import RetryPolicy
from psirt.trackers.local import LocalTracker
from tests.cna.test_cve_services import CVE, KEY, ORG, ORG_ID, USER, gitlab_record
from tests.fakes.cve_services_server import FakeCveServices

DATA = Path(__file__).parent.parent / "data" / "published"


def cisa_adp(cve_id: str = CVE) -> list[dict[str, Any]]:
    """The CVE Program and CISA ADP containers of a real GitLab record (CVE-2023-7028, from
    CISA's vulnrichment), moved to ``cve_id``."""
    real = json.loads((DATA / "CVE-2023-7028.json").read_text(encoding="utf-8"))
    containers = copy.deepcopy(real["containers"]["adp"])
    for container in containers:
        for metric in container.get("metrics", []):
            content = metric.get("other", {}).get("content", {})
            if "id" in content:
                content["id"] = cve_id
    return containers


@pytest.fixture
def fake() -> Iterator[FakeCveServices]:
    with FakeCveServices(USER, ORG, KEY, ORG_ID) as server:
        server.reserve(CVE)
        yield server


@pytest.fixture
def cna(fake: FakeCveServices) -> CveServicesCna:
    api = CveApi(username=USER, org=ORG, api_key=KEY, url=fake.url)
    return CveServicesCna(api, org_id=ORG_ID, retry=RetryPolicy(attempts=4), sleep=lambda _: None)


@pytest.fixture
def published(cna: CveServicesCna, fake: FakeCveServices) -> dict[str, Any]:
    cna.publish(CVE, gitlab_record())
    for container in cisa_adp():
        fake.add_adp(CVE, container)
    return fake.adp(CVE)


def test_published_record_comes_with_its_adp_containers(
    cna: CveServicesCna, fake: FakeCveServices, published: list[Any]
) -> None:
    record = cna.published_record(CVE)
    assert record is not None
    assert record["containers"]["adp"] == published
    assert record["cveMetadata"]["datePublished"]
    assert cna.published_record("CVE-2026-9999") is None  # unknown: 404


def test_update_sends_the_cna_container_only_and_keeps_the_adp(
    cna: CveServicesCna, fake: FakeCveServices, published: list[Any]
) -> None:
    container = gitlab_record(fixed="18.10.2")["containers"]["cna"]
    result = cna.update_cna_container(CVE, container)
    assert result.action == "updated"
    (put,) = fake.requests("PUT")
    assert set(put.body) == {"cnaContainer"}
    assert "adp" not in put.body["cnaContainer"]
    assert fake.adp(CVE) == published
    stored = fake.records[CVE]["containers"]["cna"]
    assert stored["affected"][0]["versions"][0]["lessThan"] == "18.10.2"
    assert cna.update_cna_container(CVE, container).action == "unchanged"
    assert len(fake.requests("PUT")) == 1


def test_update_of_a_reserved_id_or_a_bad_container_sends_nothing(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    container = gitlab_record()["containers"]["cna"]
    with pytest.raises(NotFoundError, match="not published"):
        cna.update_cna_container(CVE, container)
    with pytest.raises(InputError, match="only that"):
        cna.update_cna_container(CVE, {**container, "adp": []})
    broken = copy.deepcopy(container)
    broken["affected"] = []
    with pytest.raises(InputError, match="schema"):
        cna.update_cna_container(CVE, broken)
    assert fake.writes() == []


def test_another_cnas_record_is_refused_with_its_403(
    cna: CveServicesCna, fake: FakeCveServices
) -> None:
    other = gitlab_record("CVE-2026-7000")
    other["cveMetadata"].update(state="PUBLISHED", assignerShortName="other")
    other["containers"]["cna"]["providerMetadata"] = {"orgId": "other-org"}
    fake.seed_record(other, owner="other")
    with pytest.raises(RefusedError) as info:
        cna.update_cna_container(
            "CVE-2026-7000", gitlab_record("CVE-2026-7000")["containers"]["cna"]
        )
    assert "another CNA" in str(info.value) and "CVEID_ORG_DOES_NOT_MATCH" in str(info.value)
    assert len(fake.writes()) == 1  # sent once, refused, not retried


def test_a_lost_answer_to_an_update_is_checked_before_sending_again(
    cna: CveServicesCna, fake: FakeCveServices, published: list[Any]
) -> None:
    fake.fail("drop_after_apply", times=1, method="PUT")
    container = gitlab_record(fixed="18.10.3")["containers"]["cna"]
    assert cna.update_cna_container(CVE, container).action == "updated"
    calls = [(r.method, r.path) for r in fake.log]
    put = calls.index(("PUT", f"/api/cve/{CVE}/cna"))
    assert calls.count(("PUT", f"/api/cve/{CVE}/cna")) == 1
    assert ("GET", f"/api/cve/{CVE}") in calls[put + 1 :]  # it looked before any resend
    assert fake.adp(CVE) == published


def test_the_fake_answers_schema_errors_as_cve_services_does(
    fake: FakeCveServices, cna: CveServicesCna
) -> None:
    cna.publish(CVE, gitlab_record())
    container = gitlab_record()["containers"]["cna"]
    headers = {"CVE-API-ORG": ORG, "CVE-API-USER": USER, "CVE-API-KEY": KEY}
    body = {"cnaContainer": {**container, "providerMetadata": {"orgId": ORG_ID}, "adp": []}}
    answer = requests.put(f"{fake.url}cve/{CVE}/cna", json=body, headers=headers, timeout=5)
    assert answer.status_code == 400
    assert answer.json()["error"] == "INVALID_JSON_SCHEMA"
    assert answer.json()["details"]["errors"]
    answer = requests.put(f"{fake.url}cve/CVE-2026-0404/cna", json=body, headers=headers, timeout=5)
    assert answer.status_code == 400  # the body is checked first, as the real service does


# -- local --------------------------------------------------------------------------------------


def test_local_update_keeps_adp_and_stamps_dates(tmp_path: Path) -> None:
    cna = LocalCna(tmp_path, clock=lambda: "2026-04-01T00:00:00.000Z")
    cna.publish(CVE, gitlab_record())
    path = cna.path(CVE)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["containers"]["adp"] = cisa_adp()
    path.write_text(json.dumps(record), encoding="utf-8")

    assert cna.publish(CVE, gitlab_record()).action == "updated"  # rewritten, adp kept
    assert cna.published_record(CVE)["containers"]["adp"] == cisa_adp()  # type: ignore[index]
    result = cna.update_cna_container(CVE, gitlab_record(fixed="18.10.2")["containers"]["cna"])
    assert result.action == "updated"
    after = cna.published_record(CVE)
    assert after is not None
    assert after["containers"]["adp"] == cisa_adp()
    assert after["cveMetadata"]["dateUpdated"] == "2026-04-01T00:00:00.000Z"
    assert after["containers"]["cna"]["providerMetadata"]["dateUpdated"].startswith("2026-04-01")
    again = cna.update_cna_container(CVE, gitlab_record(fixed="18.10.2")["containers"]["cna"])
    assert again.action == "unchanged"
    with pytest.raises(NotFoundError):
        cna.update_cna_container("CVE-2026-0002", gitlab_record()["containers"]["cna"])


def test_gitlab_cves_cannot_read_or_update_published_records(tmp_path: Path) -> None:
    cna = GitLabCvesCna(LocalTracker(tmp_path), Config())
    assert cna.published_record(CVE) is None
    with pytest.raises(RefusedError, match="CNA bot"):
        cna.update_cna_container(CVE, gitlab_record()["containers"]["cna"])
