"""The demo release's CSAF 2.0 document and OSV records: byte for byte against tests/golden, valid
against the official schemas, and saying what the CVE records say.

``PSIRT_UPDATE_GOLDEN=1`` rewrites the golden files instead of comparing (then review the diff).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from psirt.compute.advisory import Advisory, build_advisory
from psirt.core.versions import Version
from psirt.core.workspace import Workspace
from psirt.knowledge.schemas import csaf_errors, csaf_file_name, osv_errors
from psirt.knowledge.vers import VersRange
from psirt.render import csaf, osv
from psirt.session import Session, open_session
from psirt.workflows.cve_export import records

GOLDEN = Path(__file__).parent.parent / "golden"
UPDATE = os.environ.get("PSIRT_UPDATE_GOLDEN") == "1"
NOW = datetime(2026, 3, 26, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def session(demo_template: Path) -> Session:
    return open_session(Workspace(demo_template))


@pytest.fixture(scope="module")
def advisory(session: Session) -> Advisory:
    return build_advisory(session.snapshot())


@pytest.fixture(scope="module")
def document(session: Session, advisory: Advisory) -> dict[str, Any]:
    return csaf.build_document(advisory, session.config, now=NOW)


@pytest.fixture(scope="module")
def osv_records(session: Session, advisory: Advisory) -> list[dict[str, Any]]:
    config = session.config
    csaf_id = csaf.tracking_id(advisory, config)
    return [osv.build_record(f, advisory, config, csaf_id=csaf_id, now=NOW) for f in advisory.fixes]


def _check(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"{path} missing: run with PSIRT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from the golden file"


def test_csaf_document_matches_golden_and_passes_the_schema(document: dict[str, Any]) -> None:
    assert csaf_errors(document) == []
    name = csaf_file_name(document["document"]["tracking"]["id"])
    assert name == "gitlab-sa-20260325-18-10-1.json"
    _check(GOLDEN / "csaf" / name, csaf.dump_document(document))
    if not UPDATE:
        assert [p.name for p in (GOLDEN / "csaf").glob("*.json")] == [name]


def test_osv_records_match_golden_and_pass_the_schema(osv_records: list[dict[str, Any]]) -> None:
    assert len(osv_records) == 10
    for record in osv_records:
        assert osv_errors(record) == [], record["id"]
        _check(GOLDEN / "osv" / osv.file_name(record["id"]), osv.dump_record(record))
    if not UPDATE:
        on_disk = {p.name for p in (GOLDEN / "osv").glob("*.json")}
        assert on_disk == {osv.file_name(r["id"]) for r in osv_records}


def test_the_held_back_fix_is_absent_as_in_the_post(
    advisory: Advisory, document: dict[str, Any], osv_records: list[dict[str, Any]]
) -> None:
    assert [entry.cve_id for entry in advisory.held_back] == ["CVE-2026-4104"]
    text = csaf.dump_document(document) + "".join(osv.dump_record(r) for r in osv_records)
    assert "CVE-2026-4104" not in text
    post_order = [e.cve_id for e in advisory.post.security_fixes]
    assert [v["cve"] for v in document["vulnerabilities"]] == post_order


def _product_index(document: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    """product id -> (product name branch, category, name) for every leaf of the tree."""
    found: dict[str, tuple[str, str, str]] = {}

    def walk(branches: list[dict[str, Any]], product_name: str) -> None:
        for branch in branches:
            name = branch["name"] if branch["category"] == "product_name" else product_name
            if "product" in branch:
                found[branch["product"]["product_id"]] = (name, branch["category"], branch["name"])
            walk(branch.get("branches", []), name)

    walk(document["product_tree"]["branches"], "")
    return found


def test_product_status_agrees_with_the_cve_records_for_every_cve(
    session: Session, document: dict[str, Any]
) -> None:
    products = _product_index(document)
    by_cve = {v["cve"]: v for v in document["vulnerabilities"]}
    built = records(session.snapshot())
    assert set(by_cve) == {r["cveMetadata"]["cveId"] for r in built}
    for record in built:
        cve_id = record["cveMetadata"]["cveId"]
        versions = record["containers"]["cna"]["affected"][0]["versions"]
        expected = {(Version.parse(v["version"]), Version.parse(v["lessThan"])) for v in versions}
        status = by_cve[cve_id]["product_status"]
        editions: dict[str, set[tuple[Version, Version]]] = {}
        for pid in status["known_affected"]:
            product, category, name = products[pid]
            assert category == "product_version_range", (cve_id, pid)
            constraints = VersRange.parse(name).constraints
            assert [c for c, _ in constraints] == [">=", "<"], (cve_id, name)
            editions.setdefault(product, set()).add((constraints[0][1], constraints[1][1]))
        assert editions, cve_id
        for ranges in editions.values():  # each edition has every range, and nothing else
            assert {(s, f) for s, f in ranges} == {
                (Version(s.major, s.minor, s.patch or 0), f) for s, f in expected
            }, cve_id
        fixed = {(products[pid][0], products[pid][2]) for pid in status["fixed"]}
        assert {name for _, name in fixed} == {v["lessThan"] for v in versions}, cve_id
        assert {product for product, _ in fixed} == set(editions), cve_id


def test_an_ee_only_fix_names_only_the_ee_product(
    advisory: Advisory, document: dict[str, Any]
) -> None:
    ee_only = [f.cve_id for f in advisory.fixes if f.editions == ("EE",)]
    assert ee_only, "the demo has an EE-only fix"
    products = _product_index(document)
    for vulnerability in document["vulnerabilities"]:
        names = {products[p][0] for p in vulnerability["product_status"]["known_affected"]}
        want = {"GitLab EE"} if vulnerability["cve"] in ee_only else {"GitLab CE", "GitLab EE"}
        assert names == want, vulnerability["cve"]


def test_a_version_inside_a_range_is_affected_and_the_fixed_version_is_not(
    document: dict[str, Any], osv_records: list[dict[str, Any]]
) -> None:
    products = _product_index(document)
    vulnerability = next(v for v in document["vulnerabilities"] if v["cve"] == "CVE-2026-4101")
    ranges = [
        VersRange.parse(products[pid][2])
        for pid in vulnerability["product_status"]["known_affected"]
        if products[pid][0] == "GitLab CE"
    ]

    def csaf_affected(text: str) -> bool:
        return any(Version.parse(text) in r for r in ranges)

    record = next(r for r in osv_records if r["aliases"] == ["CVE-2026-4101"])
    (semver,) = [r for r in record["affected"][0]["ranges"] if r["type"] == "SEMVER"]

    def osv_affected(text: str) -> bool:  # the OSV schema's evaluation of sorted events
        version, affected = Version.parse(text), False
        for event in semver["events"]:
            kind, value = next(iter(event.items()))
            if Version.parse(value) <= version:
                affected = kind == "introduced"
        return affected

    for matcher in (csaf_affected, osv_affected):
        assert matcher("16.10.0") and matcher("17.5.2") and matcher("18.8.6"), matcher
        assert matcher("18.9.2") and matcher("18.10.0"), matcher
        assert not matcher("18.8.7") and not matcher("18.9.3") and not matcher("18.10.1"), matcher
        assert not matcher("16.9.9") and not matcher("18.8.8") and not matcher("18.11.0"), matcher


def test_git_ranges_name_every_shipped_merge_commit(
    session: Session, osv_records: list[dict[str, Any]]
) -> None:
    snapshot = session.snapshot()
    for record in osv_records:
        ranges = {r["type"]: r for r in record["affected"][0]["ranges"]}
        git = ranges["GIT"]
        assert git["repo"] == "https://gitlab.com/gitlab-org/gitlab"
        assert git["events"][0] == {"introduced": "0"}
        issue = next(
            i
            for i in snapshot.issues
            if i.cve_request is not None and i.cve_request.cve_id == record["aliases"][0]
        )
        merged = {mr.merge_commit_sha for mr in issue.merge_requests if mr.state == "merged"}
        assert {e["fixed"] for e in git["events"][1:]} == merged


def test_osv_fields_read_the_same_facts_as_the_cve_records(
    session: Session, osv_records: list[dict[str, Any]]
) -> None:
    built = {r["cveMetadata"]["cveId"]: r for r in records(session.snapshot())}
    for record in osv_records:
        (cve_id,) = record["aliases"]
        assert record["id"] == f"x_GITLAB-{cve_id}"
        cna = built[cve_id]["containers"]["cna"]
        assert record["severity"][0]["score"] == cna["metrics"][0]["cvssV3_1"]["vectorString"]
        assert record["details"].startswith(cna["descriptions"][0]["value"])
        assert record["database_specific"]["solution"] == cna["solutions"][0]["value"]
        assert "package" not in record["affected"][0]  # OSV has no ecosystem for GitLab
        assert record["affected"][0]["database_specific"]["purl"] == "pkg:gitlab/gitlab-org/gitlab"
