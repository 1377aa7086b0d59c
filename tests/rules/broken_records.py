"""A clean CVE JSON 5 record and one change per record rule that breaks it. Shared by the record
lint tests and the golden list of rule messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def cna(record: dict[str, Any]) -> dict[str, Any]:
    cna = record["containers"]["cna"]
    assert isinstance(cna, dict)
    return cna


def edit_description(record: dict[str, Any], old: str, new: str) -> None:
    item = cna(record)["descriptions"][0]
    assert old in item["value"]
    item["value"] = item["value"].replace(old, new)


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(record: dict[str, Any]) -> None:
        node: Any = cna(record)
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return apply


def _delete(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: cna(record).pop(key) and None


BROKEN: dict[str, Callable[[dict[str, Any]], None]] = {
    "REC001": _set(("descriptions",), []),
    "REC002": _set(("problemTypes", 0, "descriptions", 0, "cweId"), "CWE-400"),
    "REC003": _set(("metrics", 0, "cvssV3_1", "baseScore"), 6.5),
    "REC004": _set(("solutions", 0, "value"), "Upgrade to versions 18.8.6, 18.9.2, 18.10.0."),
    "REC005": lambda r: edit_description(r, "16.10 before 18.8.7", "16.10 before 18.8.6"),
    "REC006": lambda r: edit_description(r, "view titles.", "view titles. Thanks to someone."),
    "REC007": lambda r: edit_description(r, "an authenticated user", "an unauthenticated user"),
    "REC008": _delete("credits"),
    "REC009": _set(("references",), []),
    "REC010": lambda r: edit_description(r, "view titles.", "view titles"),
    "REC011": lambda r: edit_description(r, "16.10 before", "1X.X before"),
    "REC012": _set(("problemTypes", 0, "descriptions", 0, "cweId"), "CWE-862"),
    "REC013": lambda r: edit_description(
        r, "view titles.", "view titles via GET /api/v4/issues/:id."
    ),
    "REC014": lambda r: edit_description(r, "view titles.", 'view titles."'),
    "REC015": lambda r: edit_description(r, "allowed an", "allowed an an"),
    "REC016": lambda r: edit_description(r, "18.9 before 18.9.3", "18.9 before 18.9 before 18.9.3"),
    "REC017": _set(("references", 0, "url"), "gitlab.com/gitlab-org/gitlab/-/issues/1"),
    "REC018": _set(
        ("references",), [{"url": "https://a.example/1"}, {"url": "https://a.example/1"}]
    ),
    "REC019": _set(("descriptions",), [{"lang": "en", "value": "XSS."}]),
    "REC020": lambda r: edit_description(r, "GitLab has", " GitLab has"),
    "REC021": _set(("affected", 0, "versions"), [{"version": "16.10", "status": "unaffected"}]),
    "REC022": _set(("affected", 0, "versions", 0, "version"), "n/a"),
    "REC023": _set(("affected", 0, "vendor"), "n/a"),
    "REC024": _set(
        ("references",),
        [{"url": "https://www.cve.org/CVERecord?id=CVE-2026-0001"}, {"url": "https://a.example"}],
    ),
    "REC025": _set(("affected", 0, "versions", 0, "versionType"), "custom"),
    "REC026": _set(("affected", 0, "packageURL"), "pkg:/gitlab"),
    "REC027": lambda r: cna(r)["affected"][0].update(
        packageURL="pkg:gem/gitlab-foss", packageName="gitlab", collectionURL="https://rubygems.org"
    ),
    "REC028": lambda r: r["cveMetadata"].update(cveId="CVE-26-1"),
    "REC029": lambda r: edit_description(r, "view titles.", "view caf\\u00e9 titles."),
    "REC030": _delete("metrics"),
    "REC031": _delete("metrics"),
}
