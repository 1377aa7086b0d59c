"""CVE record lint: each rule fails on a broken record and passes on a clean one."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from psirt.rules.cve_record import lint_record

CLEAN: dict[str, Any] = {
    "dataType": "CVE_RECORD",
    "dataVersion": "5.1",
    "cveMetadata": {
        "cveId": "CVE-2026-0001",
        "assignerOrgId": "ceab7361-8a18-47b1-92ba-4d7d25f6715a",
        "state": "PUBLISHED",
    },
    "containers": {
        "cna": {
            "providerMetadata": {"orgId": "ceab7361-8a18-47b1-92ba-4d7d25f6715a"},
            "title": "Missing Authorization in GitLab",
            "descriptions": [
                {
                    "lang": "en",
                    "value": "GitLab has remediated an issue in GitLab CE/EE affecting all "
                    "versions from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before "
                    "18.10.1 that could have allowed an authenticated user to view titles.",
                }
            ],
            "affected": [
                {
                    "vendor": "GitLab",
                    "product": "GitLab",
                    "defaultStatus": "unaffected",
                    "versions": [
                        {
                            "version": "16.10",
                            "lessThan": "18.8.7",
                            "status": "affected",
                            "versionType": "semver",
                        },
                        {
                            "version": "18.9",
                            "lessThan": "18.9.3",
                            "status": "affected",
                            "versionType": "semver",
                        },
                        {
                            "version": "18.10",
                            "lessThan": "18.10.1",
                            "status": "affected",
                            "versionType": "semver",
                        },
                    ],
                }
            ],
            "problemTypes": [
                {
                    "descriptions": [
                        {"cweId": "CWE-639", "description": "CWE-639", "lang": "en", "type": "CWE"}
                    ]
                }
            ],
            "metrics": [
                {
                    "cvssV3_1": {
                        "version": "3.1",
                        "vectorString": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N",
                        "attackVector": "NETWORK",
                        "privilegesRequired": "LOW",
                        "baseScore": 4.3,
                        "baseSeverity": "MEDIUM",
                    },
                    "format": "CVSS",
                }
            ],
            "solutions": [
                {"lang": "en", "value": "Upgrade to versions 18.8.7, 18.9.3, 18.10.1 or above."}
            ],
            "credits": [{"lang": "en", "type": "finder", "value": "Thanks someone"}],
            "references": [{"url": "https://gitlab.com/gitlab-org/gitlab/-/issues/1"}],
        }
    },
}


def _cna(record: dict[str, Any]) -> dict[str, Any]:
    cna = record["containers"]["cna"]
    assert isinstance(cna, dict)
    return cna


def _description(record: dict[str, Any], old: str, new: str) -> None:
    item = _cna(record)["descriptions"][0]
    assert old in item["value"]
    item["value"] = item["value"].replace(old, new)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(record: dict[str, Any]) -> None:
        node: Any = _cna(record)
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return apply


def _delete(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: _cna(record).pop(key) and None


BROKEN: dict[str, Callable[[dict[str, Any]], None]] = {
    "REC001": _set(("descriptions",), []),
    "REC002": _set(("problemTypes", 0, "descriptions", 0, "cweId"), "CWE-400"),
    "REC003": _set(("metrics", 0, "cvssV3_1", "baseScore"), 6.5),
    "REC004": _set(("solutions", 0, "value"), "Upgrade to versions 18.8.6, 18.9.2, 18.10.0."),
    "REC005": lambda r: _description(r, "16.10 before 18.8.7", "16.10 before 18.8.6"),
    "REC006": lambda r: _description(r, "view titles.", "view titles. Thanks to someone."),
    "REC007": lambda r: _description(r, "an authenticated user", "an unauthenticated user"),
    "REC008": _delete("credits"),
    "REC009": _set(("references",), []),
    "REC010": lambda r: _description(r, "view titles.", "view titles"),
    "REC011": lambda r: _description(r, "16.10 before", "1X.X before"),
    "REC012": _set(("problemTypes", 0, "descriptions", 0, "cweId"), "CWE-862"),
    "REC013": lambda r: _description(r, "view titles.", "view titles via GET /api/v4/issues/:id."),
    "REC014": lambda r: _description(r, "view titles.", 'view titles."'),
    "REC015": lambda r: _description(r, "allowed an", "allowed an an"),
    "REC016": lambda r: _description(r, "18.9 before 18.9.3", "18.9 before 18.9 before 18.9.3"),
    "REC017": _set(("references", 0, "url"), "gitlab.com/gitlab-org/gitlab/-/issues/1"),
    "REC018": _set(
        ("references",), [{"url": "https://a.example/1"}, {"url": "https://a.example/1"}]
    ),
    "REC019": _set(("descriptions",), [{"lang": "en", "value": "XSS."}]),
    "REC020": lambda r: _description(r, "GitLab has", " GitLab has"),
    "REC021": _set(("affected", 0, "versions"), [{"version": "16.10", "status": "unaffected"}]),
    "REC022": _set(("affected", 0, "versions", 0, "version"), "n/a"),
    "REC023": _set(("affected", 0, "vendor"), "n/a"),
    "REC024": _set(
        ("references",),
        [{"url": "https://www.cve.org/CVERecord?id=CVE-2026-0001"}, {"url": "https://a.example"}],
    ),
    "REC025": _set(("affected", 0, "versions", 0, "versionType"), "custom"),
    "REC026": _set(("affected", 0, "packageURL"), "pkg:/gitlab"),
    "REC027": lambda r: _cna(r)["affected"][0].update(
        packageURL="pkg:gem/gitlab-foss", packageName="gitlab", collectionURL="https://rubygems.org"
    ),
    "REC028": lambda r: r["cveMetadata"].update(cveId="CVE-26-1"),
    "REC029": lambda r: _description(r, "view titles.", "view caf\\u00e9 titles."),
}


def test_the_clean_record_passes_every_rule() -> None:
    assert lint_record(CLEAN, "clean.json") == []


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_rule_fails_on_its_broken_record(code: str) -> None:
    record = copy.deepcopy(CLEAN)
    BROKEN[code](record)
    assert code in [f.code for f in lint_record(record, "broken.json")]


def test_every_record_rule_has_a_failing_fixture() -> None:
    from psirt.rules.registry import RULES

    assert {rule.code for rule in RULES.of_kind("CVE record")} == set(BROKEN)


def test_schema_findings_name_the_field() -> None:
    record = copy.deepcopy(CLEAN)
    _cna(record)["affected"][0]["versions"][0]["status"] = "broken"
    messages = [f.message for f in lint_record(record, "r.json") if f.code == "REC001"]
    assert any(m.startswith("containers.cna.affected.0.versions.0.status") for m in messages)


def test_a_record_that_is_not_an_object_is_one_schema_finding() -> None:
    assert [f.code for f in lint_record([], "list.json")] == ["REC001"]


@pytest.mark.parametrize(
    "credit",
    ["Thanks to someone.", "Found by a researcher.", "Credits to @dana.", "Reported by dana."],
)
def test_the_record_lint_knows_the_crediting_words_the_request_check_knows(credit: str) -> None:
    record = copy.deepcopy(CLEAN)
    _description(record, "view titles.", f"view titles. {credit}")
    assert "REC006" in [f.code for f in lint_record(record, "credit.json")]


# -- shapes that are correct and must stay clean (they were false alarms) ---------------------


def test_a_range_followed_by_a_full_stop_is_read() -> None:
    record = copy.deepcopy(CLEAN)
    _description(
        record,
        "18.10.1 that could have allowed an authenticated user to view titles.",
        "18.10.1. By leveraging this condition, an authenticated user could view titles.",
    )
    assert lint_record(record, "r.json") == []


def test_markdown_link_text_and_its_url_are_neither_placeholder_nor_overshare() -> None:
    record = copy.deepcopy(CLEAN)
    _description(
        record,
        "view titles.",
        "view titles. This was a bypass of [CVE-2023-1111]"
        "(https://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2023-1111).",
    )
    assert lint_record(record, "r.json") == []


def test_the_victim_is_not_taken_for_the_attacker() -> None:
    record = copy.deepcopy(CLEAN)
    metric = _cna(record)["metrics"][0]["cvssV3_1"]
    metric.update(
        vectorString="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
        privilegesRequired="NONE",
        baseScore=5.3,
    )
    _description(
        record,
        "an authenticated user to view titles.",
        "an unauthenticated user to execute mutations on behalf of authenticated users.",
    )
    assert lint_record(record, "r.json") == []


def test_ranges_the_prose_checks_cannot_read_are_left_alone() -> None:
    record = copy.deepcopy(CLEAN)
    versions = _cna(record)["affected"][0]["versions"]
    versions[0]["lessThanOrEqual"] = versions[0].pop("lessThan")
    versions[1]["changes"] = [{"at": "18.9.2", "status": "unaffected"}]
    versions[2]["versionType"] = "custom"
    assert [f.code for f in lint_record(record, "r.json")] == ["REC025"]


def test_a_balanced_closing_quote_after_the_full_stop_is_fine() -> None:
    record = copy.deepcopy(CLEAN)
    _description(record, "view titles.", 'view titles named "secret."')
    assert lint_record(record, "r.json") == []


@pytest.mark.parametrize("text", ["that that", "had had"])
def test_words_doubled_on_purpose_are_not_typos(text: str) -> None:
    record = copy.deepcopy(CLEAN)
    _description(record, "view titles.", f"view titles so {text} works.")
    assert lint_record(record, "r.json") == []
