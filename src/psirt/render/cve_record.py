"""What the release says about one CVE, resolved once, and the CVE JSON 5 record built from it.

The blog post and the published record must state the same versions, score and credit, so both
read a :class:`CveFacts`: the CVE request's YAML as it stands, with the versions computed from
the maintenance policy only where the YAML still holds template placeholders (what update-cves
would write). The record is shaped as GitLab publishes them (DOMAIN.md section 3): CVE JSON 5.2,
the references named as the configured style names them, the blog post last.
"""

from __future__ import annotations

import json
from typing import Any

from psirt.compute.cve_fields import issue_url, same_reference, tracker_issue
from psirt.compute.facts import CveFacts
from psirt.compute.placeholders import is_placeholder
from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.parsing.links import report_id_in

#: The CVE JSON version the records are written in (CVE Services since 2025-10-29).
DATA_VERSION = "5.2"


# --- the CVE JSON 5 record ----------------------------------------------------------------


def record_title(cwe_id: str | None, product: str) -> str:
    """``<CWE name> in GitLab``; ``Vulnerability in GitLab`` when the CWE is unknown (the
    request title would leak the component; psirt validate reports the missing cwe)."""
    from psirt.knowledge.cwe import load_catalog, normalize_cwe_id

    if cwe_id:
        try:
            entry = load_catalog().get(normalize_cwe_id(cwe_id))
        except InputError:
            entry = None
        if entry is not None:
            return f"{entry.name} in {product}"
    return f"Vulnerability in {product}"


def _problem_types(cwe_id: str | None) -> list[dict[str, Any]]:
    from psirt.knowledge.cwe import load_catalog, normalize_cwe_id

    if not cwe_id:
        return []
    try:
        normalized = normalize_cwe_id(cwe_id)
    except InputError:
        return []
    entry = load_catalog().get(normalized)
    description = f"{normalized}: {entry.name}" if entry else normalized
    return [
        {
            "descriptions": [
                {"cweId": normalized, "description": description, "lang": "en", "type": "CWE"}
            ]
        }
    ]


def reference(url: str, config: Config | None = None) -> dict[str, Any]:
    """A reference named and tagged as GitLab's records name them: the HackerOne report named
    and tagged; an issue of the tracker as ``[cve] reference_style`` says (a work item with no
    name or tags, or ``GitLab Issue #N`` with tags); anything else as written."""
    config = config or Config()
    report = report_id_in(url)
    if report:
        return {
            "url": url,
            "name": f"HackerOne Bug Bounty Report #{report}",
            "tags": ["technical-description", "exploit", "permissions-required"],
        }
    issue = tracker_issue(url, config)
    if issue is not None:
        cited: dict[str, Any] = {"url": issue_url(issue, config)}
        if config.cve.reference_style == "issue":
            cited["name"] = f"GitLab Issue #{issue.iid}"
            cited["tags"] = ["issue-tracking", "permissions-required"]
        return cited
    return {"url": url}


def references(urls: tuple[str, ...], config: Config, blog_url: str | None) -> list[dict[str, Any]]:
    """The YAML's references in their order, each resource once (an issue and its work item are
    one), template placeholders left out, and the blog post last with no name or tags."""
    kept: list[str] = []
    for url in urls:
        if is_placeholder(url) or (blog_url and same_reference(url, blog_url, config)):
            continue
        if not any(same_reference(url, seen, config) for seen in kept):
            kept.append(url)
    cited = [reference(url, config) for url in kept]
    if blog_url:
        cited.append({"url": blog_url})
    return cited


def _metric(facts: CveFacts) -> dict[str, Any]:
    assert facts.score is not None
    data = facts.score.cve_json()
    score = data.get("baseScore")
    if isinstance(score, float) and score.is_integer():
        data["baseScore"] = int(score)  # GitLab writes 8, not 8.0
    return data


def build_record(facts: CveFacts, config: Config, blog_url: str | None = None) -> dict[str, Any]:
    """The full CVE JSON 5 record (``dataType: CVE_RECORD``) of one CVE."""
    if facts.cve_id is None:
        raise InputError("no CVE id assigned", where=str(facts.issue.ref))
    product = config.product
    cna: dict[str, Any] = {
        "providerMetadata": {"orgId": config.cna.org_id, "shortName": config.cna.assigner},
        "title": record_title(facts.cwe, product.name),
        "descriptions": [{"lang": "en", "value": facts.description}],
        "affected": [
            {
                "vendor": product.vendor,
                "product": product.name,
                "repo": product.repository,
                "cpes": list(product.cpes),
                "defaultStatus": "unaffected",
                "versions": [
                    {
                        "version": str(r.start),
                        "lessThan": str(r.fixed),
                        "status": "affected",
                        "versionType": "semver",
                    }
                    for r in sorted(facts.ranges, key=lambda r: r.fixed)
                ],
            }
        ],
        "problemTypes": _problem_types(facts.cwe),
        "references": references(facts.references, config, blog_url),
    }
    if not cna["affected"][0]["versions"]:
        cna["affected"][0]["versions"] = [{"version": "0", "status": "unknown"}]
    if not cna["problemTypes"]:
        del cna["problemTypes"]
    if facts.score is not None:
        cna["metrics"] = [
            {
                facts.score.cve_json_key: _metric(facts),
                "format": "CVSS",
                "scenarios": [{"lang": "en", "value": "GENERAL"}],
            }
        ]
    if facts.solution:
        cna["solutions"] = [{"lang": "en", "value": facts.solution}]
    if facts.credit:
        cna["credits"] = [{"lang": "en", "type": "finder", "value": facts.credit}]
    return {
        "dataType": "CVE_RECORD",
        "dataVersion": DATA_VERSION,
        "cveMetadata": {
            "cveId": facts.cve_id,
            "assignerOrgId": config.cna.org_id,
            "assignerShortName": config.cna.assigner,
            "state": "PUBLISHED",
        },
        "containers": {"cna": cna},
    }


def dump_record(record: dict[str, Any]) -> str:
    """Stable text: two-space indent, keys in the order built, a final newline."""
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


# --- schema --------------------------------------------------------------------------------
