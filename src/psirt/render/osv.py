"""The release's OSV records: one per shipped CVE, in the OSV schema (``ossf/osv-schema``).

A record reads the same :class:`~psirt.compute.advisory.AdvisoryFix` as the CSAF document, the
blog post and the CVE record: the id is ``<advisory.osv_prefix>-<CVE id>`` with the CVE as its
alias, the ``SEMVER`` range has one introduced/fixed pair per affected range (the CVE record's
``version``/``lessThan``), and a ``GIT`` range lists the fix's merge commits when the tracker
knows them (every branch's, so a backport is not reported as vulnerable).

OSV has no ecosystem for a vendor's product such as GitLab, so the affected entry carries a
``package`` only when the product's purl has one (``knowledge/purl.py``); the product itself
(vendor, name, editions, CPEs, purl) is in the entry's ``database_specific``.

A re-export keeps ``published`` and, when nothing else changed, ``modified``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from psirt.compute.advisory import Advisory, AdvisoryFix
from psirt.compute.post import CVE_URL
from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.core.records import IssueRef
from psirt.knowledge.vers import semver
from psirt.parsing.links import report_id_in
from psirt.render.advisory_texts import credit_links, render_text
from psirt.render.csaf import parse_timestamp, timestamp

SCHEMA_VERSION = "1.7.5"
_DATES = ("modified", "published")


def osv_id(config: Config, cve_id: str) -> str:
    return f"{config.advisory.osv_prefix}-{cve_id}"


def _package(config: Config) -> dict[str, str] | None:
    from psirt.knowledge.purl import Purl

    if not config.product.purl:
        return None
    found = Purl.parse(config.product.purl).osv_package()
    if found is None:
        return None
    ecosystem, name = found
    return {"ecosystem": ecosystem, "name": name, "purl": config.product.purl}


def _affected(fix: AdvisoryFix, advisory: Advisory, config: Config) -> dict[str, Any]:
    events: list[dict[str, str]] = []
    for item in sorted(fix.facts.ranges, key=lambda r: r.start):
        events += [{"introduced": semver(item.start)}, {"fixed": semver(item.fixed)}]
    ranges: list[dict[str, Any]] = [{"type": "SEMVER", "events": events}]
    if fix.merge_commits:
        ranges.append(
            {
                "type": "GIT",
                "repo": advisory.repository_url,
                "events": [{"introduced": "0"}, *({"fixed": c} for c in fix.merge_commits)],
            }
        )
    product: dict[str, Any] = {
        "vendor": config.product.vendor,
        "product": config.product.name,
    }
    if fix.editions:
        product["editions"] = list(fix.editions)
    if config.product.cpes:
        product["cpes"] = list(config.product.cpes)
    if config.product.purl:
        product["purl"] = config.product.purl
    affected: dict[str, Any] = {}
    package = _package(config)
    if package:
        affected["package"] = package
    affected["ranges"] = ranges
    affected["database_specific"] = product
    return affected


def _reference_type(url: str) -> str:
    if report_id_in(url) or IssueRef.parse(url) is not None:
        return "REPORT"
    return "WEB"


def _references(fix: AdvisoryFix, advisory: Advisory) -> list[dict[str, str]]:
    found = [
        {"type": "ADVISORY", "url": CVE_URL.format(cve_id=fix.cve_id)},
        {"type": "ADVISORY", "url": advisory.post.url},
        *({"type": _reference_type(url), "url": url} for url in fix.facts.references),
    ]
    unique: dict[str, dict[str, str]] = {}
    for item in found:
        unique.setdefault(item["url"], item)
    return list(unique.values())


def _cwe_id(text: str | None) -> str | None:
    from psirt.knowledge.cwe import normalize_cwe_id

    try:
        return normalize_cwe_id(text) if text else None
    except InputError:
        return None


def _credits(credit: str) -> list[dict[str, Any]]:
    return [
        {"name": name, "contact": [url], "type": "FINDER"} for name, url in credit_links(credit)
    ]


def _dates(
    record: dict[str, Any], previous: dict[str, Any] | None, released: datetime, now: datetime
) -> tuple[str, str]:
    """(published, modified): as first written, or moved on when the record changed."""
    if previous is None:
        return timestamp(released), timestamp(released)
    where = str(previous.get("id", "previous record"))
    published = str(previous.get("published") or timestamp(released))
    before = {k: v for k, v in previous.items() if k not in _DATES}
    after = {k: v for k, v in record.items() if k not in _DATES}
    last = parse_timestamp(previous.get("modified") or published, where)
    if before == after:
        return published, timestamp(last)
    return published, timestamp(max(now, last + timedelta(seconds=1)))


def build_record(
    fix: AdvisoryFix,
    advisory: Advisory,
    config: Config,
    *,
    csaf_id: str | None = None,
    previous: dict[str, Any] | None = None,
    now: datetime | None = None,
    templates_dir: Path | None = None,
) -> dict[str, Any]:
    """The OSV record of one CVE; ``previous`` is the record written before (its dates)."""
    facts = fix.facts
    if not facts.ranges:
        raise InputError(
            "no affected ranges (fill product.affected_versions or run update-cves)",
            where=f"{fix.cve_id} ({facts.issue.ref})",
        )
    context = {
        "cve_id": fix.cve_id,
        "title": fix.entry.title,
        "description": facts.description,
        "solution": facts.solution,
        "severity": fix.entry.severity,
        "product": config.product.name,
        "editions": "/".join(fix.editions),
        "blog_url": advisory.post.url,
    }
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": osv_id(config, fix.cve_id),
        "modified": "",
        "published": "",
        "aliases": [fix.cve_id],
        "summary": render_text("advisory/osv_summary.txt.j2", context, templates_dir),
        "details": render_text("advisory/osv_details.md.j2", context, templates_dir),
    }
    if facts.score is not None:
        kind = "CVSS_V4" if facts.score.version == "4.0" else "CVSS_V3"
        record["severity"] = [{"type": kind, "score": facts.score.vector}]
    record["affected"] = [_affected(fix, advisory, config)]
    record["references"] = _references(fix, advisory)
    credits = _credits(facts.credit)
    if credits:
        record["credits"] = credits
    specific: dict[str, Any] = {}
    cwe = _cwe_id(facts.cwe)
    if cwe:
        specific["cwe_ids"] = [cwe]
    if fix.entry.severity:
        specific["severity"] = fix.entry.severity.upper()
    if facts.score is not None:
        specific["cvss_base_score"] = facts.score.base_score
    if facts.solution:
        specific["solution"] = facts.solution
    if csaf_id:
        specific["csaf_id"] = csaf_id
    record["database_specific"] = specific
    record["published"], record["modified"] = _dates(
        record, previous, advisory.release_time, now or datetime.now(UTC)
    )
    return record


def file_name(record_id: str) -> str:
    return f"{record_id}.json"


def dump_record(record: dict[str, Any]) -> str:
    """The schema's key order as built, two-space indent, a final newline."""
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
