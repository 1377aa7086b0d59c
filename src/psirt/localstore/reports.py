"""HackerOne-style report files: ``hackerone/reports/<id>.yaml``, plain YAML."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.scalarbool import ScalarBoolean

from psirt.core.records import Activity, Bounty, Report
from psirt.localstore.fields import Fields, decode_fast, iso
from psirt.localstore.merge import merge, to_node
from psirt.localstore.yaml_io import Source, dump_yaml, load_yaml

REPORT_ID = re.compile(r"^[A-Za-z0-9_-]+$")
REPORT_FILE = re.compile(r"^[A-Za-z0-9_-]+\.yaml$")
REPORT_KEYS = (
    "id",
    "title",
    "reporter",
    "collaborators",
    "state",
    "severity",
    "weakness",
    "cwe",
    "url",
    "activities",
    "bounties",
)
# Left out of a re-saved file when equal to the default and absent (see ISSUE_DEFAULTS).
REPORT_DEFAULTS: Mapping[str, Any] = {
    "state": "triaged",
    "severity": None,
    "rating": None,
    "score": None,
    "weakness": None,
    "cwe": None,
    "activities": [],
    "bounties": [],
    "message": "",
    "internal": False,
    "author": "",
    "created_at": None,
    "bonus_amount": 0,
    "awarded_at": None,
}


def decode_report(text: str, path: Path, default_url: Callable[[str], str]) -> Report:
    return decode_fast(text, Source(str(path), 1), lambda f: _report(f, path, default_url))


def _report(fields: Fields, path: Path, default_url: Callable[[str], str]) -> Report:
    fields.check_keys(REPORT_KEYS)
    raw_id = fields.get("id")
    if isinstance(raw_id, bool | ScalarBoolean) or not isinstance(raw_id, int | str):
        raise fields.error("id", "expected the report id, such as 2345678")
    report_id = str(raw_id)
    if path.name != f"{report_id}.yaml":
        raise fields.error("id", f"id {report_id} does not match file name {path.name}")
    severity = fields.optional_map("severity")
    rating: str | None = None
    score: float | None = None
    if severity is not None:
        severity.check_keys(("rating", "score"))
        rating = severity.optional_string("rating")
        score = severity.number("score")
    activities = []
    for item in fields.maps("activities"):
        item.check_keys(("type", "message", "internal", "author", "created_at"))
        activities.append(
            Activity(
                type=item.string("type"),
                message=item.string("message", ""),
                internal=item.boolean("internal"),
                author=item.string("author", ""),
                created_at=item.moment("created_at"),
            )
        )
    bounties = []
    for item in fields.maps("bounties"):
        item.check_keys(("amount", "bonus_amount", "awarded_at"))
        bounties.append(
            Bounty(
                amount=item.decimal("amount"),
                bonus_amount=item.decimal("bonus_amount", 0),
                awarded_at=item.moment("awarded_at"),
            )
        )
    return Report(
        id=report_id,
        title=fields.string("title"),
        reporter=fields.string("reporter"),
        collaborators=fields.string_list("collaborators"),
        state=fields.string("state", "triaged"),
        severity_rating=rating,
        severity_score=score,
        weakness=fields.optional_string("weakness"),
        cwe=fields.optional_string("cwe"),
        activities=tuple(activities),
        bounties=tuple(bounties),
        url=fields.string("url", default_url(report_id)),
    )


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def encode_activity(activity: Activity) -> dict[str, Any]:
    return {
        "type": activity.type,
        "message": activity.message,
        "internal": activity.internal,
        "author": activity.author,
        "created_at": iso(activity.created_at),
    }


def encode_report(report: Report) -> dict[str, Any]:
    severity = None
    if report.severity_rating is not None or report.severity_score is not None:
        severity = {"rating": report.severity_rating, "score": report.severity_score}
    return {
        "id": int(report.id) if report.id.isdigit() else report.id,
        "title": report.title,
        "reporter": report.reporter,
        **({"collaborators": list(report.collaborators)} if report.collaborators else {}),
        "state": report.state,
        "severity": severity,
        "weakness": report.weakness,
        "cwe": report.cwe,
        "url": report.url,
        "activities": [encode_activity(a) for a in report.activities],
        "bounties": [
            {
                "amount": _amount(b.amount),
                "bonus_amount": _amount(b.bonus_amount),
                "awarded_at": iso(b.awarded_at),
            }
            for b in report.bounties
        ],
    }


def render_report(report: Report, existing_text: str | None, path: Path, default_url: str) -> str:
    new = encode_report(report)
    if existing_text is None:
        return dump_yaml(to_node(new))
    data = load_yaml(existing_text, Source(str(path), 1))
    defaults = {**REPORT_DEFAULTS, "url": default_url}
    if isinstance(data.get("id"), str) and isinstance(new.get("id"), int):
        new["id"] = str(new["id"])
    return dump_yaml(merge(data, new, defaults), existing_text)
