"""What the release says about one CVE, resolved once, and the CVE JSON 5 record built from it.

The blog post and the published record must state the same versions, score and credit, so both
read a :class:`CveFacts`: the CVE request's YAML as it stands, with the versions computed from
the maintenance policy only where the YAML still holds template placeholders (what update-cves
would write). The record is shaped as GitLab publishes them (DOMAIN.md section 3) and checked
against the CVE JSON 5 schema that ``cvelib`` ships.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from psirt.compute.cve_fields import issue_ranges
from psirt.config import Config
from psirt.errors import InputError
from psirt.knowledge.cvss import CvssScore, parse_vector
from psirt.knowledge.policy import AffectedRange, fixed_versions, solution_text
from psirt.model.release import Release, SecurityIssue
from psirt.model.versions import Version
from psirt.parsing.links import report_id_in

_ISSUE_URL = re.compile(r"/-/(issues|work_items)/(\d+)")


@dataclass(frozen=True)
class CveFacts:
    """One fix's public facts; ``None``/empty where the release does not know them yet."""

    issue: SecurityIssue
    cve_id: str | None
    title: str  # the CVE request issue title ("<CWE name> issue in <component> impacts ...")
    description: str  # the YAML description as written
    cwe: str | None
    edition: str  # "CE/EE" or "EE"
    ranges: tuple[AffectedRange, ...]
    ranges_computed: bool  # True when the YAML ranges were placeholders and policy filled them
    fixed: tuple[Version, ...]
    score: CvssScore | None
    vector_error: str | None
    solution: str
    credit: str
    references: tuple[str, ...]

    @property
    def severity_level(self) -> int | None:
        """1 critical .. 4 low, from the vector; None without a scored vector (the blog then
        falls back to the issue's ``severity::N`` label)."""
        if self.score is not None and self.score.base_score > 0:
            return self.score.gitlab_severity
        return None

    @property
    def sort_key(self) -> tuple[int, float, str]:
        """Critical first, then the higher score, then the id, so the order is stable."""
        level = self.severity_level or 5
        score = self.score.base_score if self.score else 0.0
        return (level, -score, self.cve_id or str(self.issue.ref))


def _ranges(texts: list[str]) -> list[AffectedRange] | None:
    try:
        parsed = [AffectedRange.parse(text) for text in texts]
    except InputError:
        return None
    return parsed or None


def _versions(texts: list[str]) -> list[Version] | None:
    if not texts or not all(Version.is_valid(t) and not Version.parse(t).is_minor for t in texts):
        return None
    return sorted(Version.parse(t) for t in texts)


def resolve(item: SecurityIssue, release: Release, config: Config) -> CveFacts:
    """The public facts of one fix, from its CVE request (or its issue, when it has none)."""
    request = item.cve_request
    document = request.document if request else None
    get = document.text_of if document else (lambda _path: "")
    listing = document.list_of if document else (lambda _path: [])
    edition = config.product.edition_label(bool(item.ee_only))

    ranges = _ranges(listing("product.affected_versions"))
    computed = False
    if ranges is None and item.first_affected is not None and release.versions:
        try:
            ranges = issue_ranges(item, release, config)
            computed = True
        except InputError:
            ranges = None
    fixed = _versions(listing("product.fixed_versions")) or (
        fixed_versions(ranges) if ranges else []
    )
    solution = get("solution").strip()
    if not solution and fixed:
        solution = solution_text(fixed)

    vector_text = get("impact").strip()
    score: CvssScore | None = None
    vector_error: str | None = None
    if vector_text:
        try:
            score = parse_vector(vector_text)
        except InputError as exc:
            vector_error = exc.message
    elif item.council is not None and item.council.vector:
        try:
            score = parse_vector(item.council.vector)
        except InputError as exc:
            vector_error = exc.message
    else:
        vector_error = "no CVSS vector"

    return CveFacts(
        issue=item,
        cve_id=request.cve_id if request else None,
        title=request.issue.title.strip() if request else item.title.strip(),
        description=get("description").strip(),
        cwe=get("cwe").strip() or None,
        edition=edition,
        ranges=tuple(ranges or ()),
        ranges_computed=computed,
        fixed=tuple(fixed),
        score=score,
        vector_error=vector_error,
        solution=solution,
        credit=" ".join(get("credit").split()),
        references=tuple(r.strip() for r in listing("references") if r.strip()),
    )


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


def reference(url: str) -> dict[str, Any]:
    """A reference named and tagged as GitLab's records name them."""
    report = report_id_in(url)
    if report:
        return {
            "url": url,
            "name": f"HackerOne Bug Bounty Report #{report}",
            "tags": ["technical-description", "exploit", "permissions-required"],
        }
    issue = _ISSUE_URL.search(url)
    if issue:
        kind = "Work Item" if issue.group(1) == "work_items" else "Issue"
        return {
            "url": url,
            "name": f"GitLab {kind} #{issue.group(2)}",
            "tags": ["issue-tracking", "permissions-required"],
        }
    return {"url": url}


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
        "references": [reference(url) for url in facts.references],
    }
    if not cna["affected"][0]["versions"]:
        cna["affected"][0]["versions"] = [{"version": "0", "status": "unknown"}]
    if not cna["problemTypes"]:
        del cna["problemTypes"]
    if blog_url and blog_url not in facts.references:
        cna["references"].append({"url": blog_url, "name": "GitLab Patch Release blog post"})
    if facts.score is not None:
        cna["metrics"] = [
            {
                facts.score.cve_json_key: facts.score.cve_json(),
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
        "dataVersion": "5.1",
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


@cache
def _schema(name: str) -> dict[str, Any]:
    from cvelib.cve_api import CveRecord

    path = Path(str(getattr(CveRecord.Schemas, name)))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def schema_errors(record: Any) -> list[str]:
    """Where a record breaks the CVE JSON 5 schema (5.1.1, as cvelib ships it); empty when valid.

    The CNA container is checked against the published-container schema, whose messages name
    the field; the record as a whole against the bundled schema only when the container passed.
    """
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]

    if not isinstance(record, dict):
        return ["record: expected a JSON object"]
    containers = record.get("containers")
    cna = containers.get("cna") if isinstance(containers, dict) else None
    if not isinstance(cna, dict):
        return ["containers.cna: missing (expected the CNA container object)"]
    errors: list[str] = []
    validator = Draft7Validator(_schema("CNA_PUBLISHED"))
    for error in sorted(validator.iter_errors(cna), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in ("containers", "cna", *error.absolute_path))
        errors.append(f"{where}: {error.message}")
    if errors:
        return errors
    whole = Draft7Validator(_schema("V5_SCHEMA"))
    for error in whole.iter_errors(record):
        where = ".".join(str(p) for p in error.absolute_path) or "record"
        errors.append(f"{where}: {error.message}")
    return errors
