"""One watched CVE per published CVE rule (``PUB``) that triggers it: each changes one thing of a
clean one, a real GitLab record (tests/data/published/CVE-2024-1347.json, whose CISA ADP
container says SSVC Exploitation ``none``) published in time. Shared by the published CVE rule
tests and the golden list of rule messages."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from psirt.parsing.published_record import read_record
from psirt.rules.published import WatchedCve

CVE_ID = "CVE-2024-1347"
DATA = Path(__file__).parent.parent / "data" / "published"


def record_data() -> dict[str, Any]:
    data = json.loads((DATA / f"{CVE_ID}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _cisa(data: dict[str, Any]) -> dict[str, Any]:
    return next(
        adp
        for adp in data["containers"]["adp"]
        if adp["providerMetadata"].get("shortName") == "CISA-ADP"
    )


def _ssvc(exploitation: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for metric in _cisa(data)["metrics"]:
            other = metric.get("other", {})
            if other.get("type") == "ssvc":
                for option in other["content"]["options"]:
                    if "Exploitation" in option:
                        option["Exploitation"] = exploitation

    return change


def _kev(data: dict[str, Any]) -> None:
    _cisa(data)["metrics"].append(
        {
            "other": {
                "type": "kev",
                "content": {
                    "dateAdded": "2024-05-01",
                    "reference": "https://www.cisa.gov/known-exploited-vulnerabilities-catalog",
                },
            }
        }
    )


def _cvss(data: dict[str, Any]) -> None:
    vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    _cisa(data)["metrics"].append(
        {"cvssV3_1": {"vectorString": vector, "baseScore": 9.8, "baseSeverity": "CRITICAL"}}
    )


def _cwe(data: dict[str, Any]) -> None:
    _cisa(data)["problemTypes"] = [
        {
            "descriptions": [
                {"cweId": "CWE-20", "description": "CWE-20", "lang": "en", "type": "CWE"}
            ]
        }
    ]


def watched(change: Callable[[dict[str, Any]], None] | None = None, **fields: Any) -> WatchedCve:
    """The clean watched CVE, its record changed by ``change``, its other fields by ``fields``."""
    data = copy.deepcopy(record_data())
    if change is not None:
        change(data)
    clean = WatchedCve(
        cve_id=CVE_ID,
        state="PUBLISHED",
        record=read_record(data, CVE_ID),
        shipped=True,
        released_on=date(2024, 4, 24),
        today=date(2024, 5, 1),
        export_differs=False,
    )
    return replace(clean, **fields)


BROKEN: dict[str, Callable[[], WatchedCve]] = {
    "PUB001": lambda: watched(state="RESERVED", record=None),
    "PUB002": lambda: watched(_ssvc("active")),
    "PUB003": lambda: watched(_kev),
    "PUB004": lambda: watched(_ssvc("poc")),
    "PUB005": lambda: watched(_cvss),
    "PUB006": lambda: watched(_cwe),
    "PUB007": lambda: watched(export_differs=True),
}
