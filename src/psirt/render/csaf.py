"""The release's CSAF 2.0 security advisory (``csaf_security_advisory``) and the provider
metadata of a CSAF directory.

One document per release, built from the :class:`~psirt.compute.advisory.Advisory` the blog post
and the CVE records read: a product tree of vendor, product (one per edition) and the versions
and ``vers`` ranges the fixes name, then one vulnerability per shipped CVE. Product ids are made
from the edition and the versions, so the same range has the same id in every revision.

Re-exporting reads the previous document: unchanged content keeps its tracking as it was, a
change adds a revision (integer versioning, CSAF 2.0 section 3.1.11.1) and never rewrites the
earlier ones. Keys are written sorted, as section 5.3 recommends.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from psirt.compute.advisory import Advisory, AdvisoryFix
from psirt.compute.post import CVE_URL
from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.core.versions import Version
from psirt.knowledge.policy import AffectedRange
from psirt.knowledge.vers import semver, vers_semver
from psirt.render.advisory_texts import credit_links, reference_name, render_text

Status = Literal["draft", "interim", "final"]
STATUSES: tuple[Status, ...] = ("draft", "interim", "final")
TLP_URL = "https://www.first.org/tlp/"
ENGINE = "psirt"
_ID = re.compile(r"^\S(.*\S)?$")


def timestamp(moment: datetime) -> str:
    """``2026-03-25T00:00:00Z``: RFC 3339 in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_timestamp(text: object, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"not an RFC 3339 date and time: {text!r}", where=where) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def tracking_id(advisory: Advisory, config: Config) -> str:
    """``/document/tracking/id`` from ``advisory.csaf_id`` in ``psirt.toml``."""
    day = advisory.post.release_date
    newest = advisory.post.versions[0] if advisory.post.versions else ""
    try:
        value = config.advisory.csaf_id.format(
            year=day.year,
            month=day.month,
            day=day.day,
            version=newest,
            slug=newest.replace(".", "-"),
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(
            f"advisory.csaf_id: cannot format {config.advisory.csaf_id!r} ({exc}); the pattern "
            "may use {year}, {month}, {day}, {version} and {slug}",
            where="psirt.toml",
        ) from None
    if not _ID.match(value):
        raise InputError(
            f"advisory.csaf_id gives {value!r}: an id must not start or end with white space "
            "or span lines (CSAF 2.0 section 3.2.1.12.4)",
            where="psirt.toml",
        )
    return value


# --- product tree --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductTree:
    tree: dict[str, Any]
    ranges: dict[tuple[str, AffectedRange], str]  # (edition, range) -> product id
    versions: dict[tuple[str, Version], str]  # (edition, fixed version) -> product id


def product_id(config: Config, edition: str, *versions: Version) -> str:
    """``gitlab-ce-18.10.1`` for a version, ``gitlab-ce-16.10.0-18.8.7`` for a range."""
    words = [config.product.name, edition, *(semver(v) for v in versions)]
    slugs = (re.sub(r"[^a-z0-9.]+", "-", w.lower()).strip("-") for w in words if w)
    return "-".join(s for s in slugs if s)


def _product_name(config: Config, edition: str) -> str:
    return f"{config.product.name} {edition}" if edition else config.product.name


def _helper(config: Config, version: Version) -> dict[str, str]:
    from psirt.knowledge.cpe import Cpe
    from psirt.knowledge.purl import Purl

    helper: dict[str, str] = {}
    for text in config.product.cpes[:1]:
        cpe = Cpe.parse(text)
        if cpe.version == "*":
            helper["cpe"] = str(replace(cpe, version=str(version)))
    if config.product.purl:
        helper["purl"] = Purl.parse(config.product.purl).with_version(semver(version))
    return helper


def _editions(fix: AdvisoryFix) -> tuple[str, ...]:
    return fix.editions or ("",)


def build_product_tree(fixes: tuple[AdvisoryFix, ...], config: Config) -> ProductTree:
    """Vendor -> product per edition -> every range and fixed version the fixes name."""
    ranges: dict[tuple[str, AffectedRange], str] = {}
    versions: dict[tuple[str, Version], str] = {}
    for fix in fixes:
        for edition in _editions(fix):
            for item in fix.facts.ranges:
                ranges[(edition, item)] = product_id(config, edition, item.start, item.fixed)
            for version in fix.fixed:
                versions[(edition, version)] = product_id(config, edition, version)
    order = list(config.product.editions) or [""]
    used = {edition for edition, _ in (*ranges, *versions)}
    branches = []
    for edition in [e for e in order if e in used]:
        name = _product_name(config, edition)
        leaves: list[dict[str, Any]] = []
        for (e, item), pid in sorted(
            ranges.items(), key=lambda kv: (kv[0][1].start, kv[0][1].fixed)
        ):
            if e == edition:
                leaves.append(
                    {
                        "category": "product_version_range",
                        "name": vers_semver([item]),
                        "product": {
                            "name": f"{name} {item.start} before {item.fixed}",
                            "product_id": pid,
                        },
                    }
                )
        for (e, version), pid in sorted(versions.items(), key=lambda kv: kv[0][1]):
            if e == edition:
                product: dict[str, Any] = {"name": f"{name} {version}", "product_id": pid}
                helper = _helper(config, version)
                if helper:
                    product["product_identification_helper"] = helper
                leaves.append(
                    {"category": "product_version", "name": semver(version), "product": product}
                )
        branches.append({"category": "product_name", "name": name, "branches": leaves})
    tree = {
        "branches": [{"category": "vendor", "name": config.product.vendor, "branches": branches}]
    }
    return ProductTree(tree, ranges, versions)


# --- vulnerabilities -----------------------------------------------------------------------


def _missing(fix: AdvisoryFix) -> list[str]:
    problems = []
    if not fix.facts.ranges:
        problems.append("no affected ranges (fill product.affected_versions or run update-cves)")
    if not fix.facts.description:
        problems.append("no description")
    return [f"{fix.cve_id} ({fix.facts.issue.ref}): {p}" for p in problems]


def _cwe(cwe_id: str | None) -> dict[str, str] | None:
    from psirt.knowledge.cwe import load_catalog, normalize_cwe_id

    if not cwe_id:
        return None
    try:
        normalized = normalize_cwe_id(cwe_id)
    except InputError:
        return None
    entry = load_catalog().get(normalized)
    return {"id": normalized, "name": entry.name} if entry else None


def _acknowledgments(credit: str) -> list[dict[str, Any]]:
    if not credit:
        return []
    links = credit_links(credit)
    if not links:
        return [{"summary": credit}]
    return [{"names": [name for name, _ in links], "urls": [url for _, url in links]}]


def _vulnerability(
    fix: AdvisoryFix, products: ProductTree, advisory: Advisory, config: Config
) -> dict[str, Any]:
    facts = fix.facts
    ranges = sorted(facts.ranges, key=lambda r: r.fixed)
    affected = [products.ranges[(e, r)] for e in _editions(fix) for r in ranges]
    fixed = [products.versions[(e, v)] for e in _editions(fix) for v in fix.fixed]
    vulnerability: dict[str, Any] = {
        "cve": fix.cve_id,
        "title": fix.entry.title,
        "notes": [{"category": "description", "text": facts.description, "title": "Description"}],
        "product_status": {"known_affected": affected, "fixed": fixed},
        "remediations": [
            {
                "category": "vendor_fix",
                "details": facts.solution or "Upgrade to a fixed version.",
                "product_ids": list(affected),
                "url": advisory.post.url,
            }
        ],
        "references": [
            {
                "category": "external",
                "summary": f"{fix.cve_id} record",
                "url": CVE_URL.format(cve_id=fix.cve_id),
            },
            *(
                {"category": "external", "summary": reference_name(url), "url": url}
                for url in facts.references
            ),
        ],
    }
    cwe = _cwe(facts.cwe)
    if cwe:
        vulnerability["cwe"] = cwe
    score = facts.score
    if score is not None and score.version in ("3.0", "3.1"):
        vulnerability["scores"] = [{"cvss_v3": score.cve_json(), "products": list(affected)}]
    acknowledgments = _acknowledgments(facts.credit)
    if acknowledgments:
        vulnerability["acknowledgments"] = acknowledgments
    return vulnerability


# --- the document --------------------------------------------------------------------------


def publisher(config: Config) -> dict[str, str]:
    settings = config.advisory
    data = {
        "category": settings.publisher_category,
        "name": settings.publisher,
        "namespace": settings.namespace,
    }
    if settings.contact_details:
        data["contact_details"] = settings.contact_details
    return data


def _content(
    advisory: Advisory, config: Config, document_id: str, templates_dir: Path | None
) -> dict[str, Any]:
    """The document without its tracking: what a re-export compares."""
    problems = [p for fix in advisory.fixes for p in _missing(fix)]
    if problems:
        raise InputError("the CSAF document needs: " + "; ".join(problems), where=document_id)
    post = advisory.post
    context = {
        "post": post,
        "fixes": advisory.fixes,
        "product": config.product.name,
        "publisher": config.advisory.publisher,
    }
    document: dict[str, Any] = {
        "category": "csaf_security_advisory",
        "csaf_version": "2.0",
        "distribution": {"tlp": {"label": "WHITE", "url": TLP_URL}},
        "lang": "en",
        "notes": [
            {
                "category": "summary",
                "text": render_text("advisory/csaf_summary.txt.j2", context, templates_dir),
                "title": "Summary",
            },
            {
                "category": "legal_disclaimer",
                "text": render_text("advisory/legal_disclaimer.txt.j2", context, templates_dir),
                "title": "Terms of use",
            },
        ],
        "publisher": publisher(config),
        "references": [
            {"category": "external", "summary": post.title, "url": post.url},
            {
                "category": "external",
                "summary": f"{config.advisory.publisher} security disclosure policy",
                "url": config.advisory.policy_url,
            },
        ],
        "title": post.title,
    }
    severities = [fix.entry.severity for fix in advisory.fixes if fix.entry.severity]
    if severities:  # the post's order puts the most severe first
        document["aggregate_severity"] = {"text": severities[0]}
    products = build_product_tree(advisory.fixes, config)
    return {
        "document": document,
        "product_tree": products.tree,
        "vulnerabilities": [_vulnerability(f, products, advisory, config) for f in advisory.fixes],
    }


def without_tracking(document: dict[str, Any]) -> dict[str, Any]:
    content = copy.deepcopy(document)
    inner = content.get("document")
    if isinstance(inner, dict):
        inner.pop("tracking", None)
    return content


def _changes(old: dict[str, Any], new: dict[str, Any]) -> str:
    """A revision's summary: the CVEs added, removed and changed, else what else changed."""

    def by_cve(document: dict[str, Any]) -> dict[str, Any]:
        items = document.get("vulnerabilities") or []
        return {str(v.get("cve")): v for v in items if isinstance(v, dict)}

    before, after = by_cve(old), by_cve(new)
    parts = []
    for verb, ids in (
        ("added", sorted(after.keys() - before.keys())),
        ("removed", sorted(before.keys() - after.keys())),
        ("updated", sorted(c for c in after.keys() & before.keys() if after[c] != before[c])),
    ):
        if ids:
            parts.append(f"{verb} {', '.join(ids)}")
    if not parts:
        parts.append(
            "updated the product tree"
            if old.get("product_tree") != new.get("product_tree")
            else "updated the document"
        )
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _tracking(
    document_id: str,
    content: dict[str, Any],
    previous: dict[str, Any] | None,
    *,
    status: Status,
    released: datetime,
    now: datetime,
    where: str,
) -> dict[str, Any]:
    generator = {"engine": {"name": ENGINE}}
    if previous is None:
        day = timestamp(released)
        return {
            "current_release_date": day,
            "generator": generator,
            "id": document_id,
            "initial_release_date": day,
            "revision_history": [{"date": day, "number": "1", "summary": "Initial release."}],
            "status": status,
            "version": "1",
        }
    old = (
        previous.get("document", {}).get("tracking")
        if isinstance(previous.get("document"), dict)
        else None
    )
    if not isinstance(old, dict) or not isinstance(old.get("revision_history"), list):
        raise InputError("not a CSAF document: no document.tracking.revision_history", where=where)
    version_text = str(old.get("version", ""))
    if not version_text.isdigit():
        raise InputError(
            f"document.tracking.version {version_text!r}: psirt continues integer versions only",
            where=where,
        )
    same = without_tracking(previous) == content
    if same and old.get("status") == status:
        return old
    history = sorted(
        (dict(r) for r in old["revision_history"] if isinstance(r, dict)),
        key=lambda r: parse_timestamp(r.get("date"), where),
    )
    last = parse_timestamp(history[-1]["date"], where) if history else released
    date = timestamp(max(now, last + timedelta(seconds=1)))
    summary = f"Status changed to {status}." if same else _changes(previous, content)
    version = int(version_text)
    if old.get("status") == "draft" and history and history[-1].get("number") == version_text:
        # A draft's number was never released: its revision becomes this one.
        entry = history[-1]
        if version > 1:  # version 1 stays the initial release, whatever the draft held
            if not same and summary not in str(entry.get("summary")):
                entry["summary"] = f"{entry.get('summary', '')} {summary}".strip()
            entry["date"] = date
    else:
        version += 1
        history.append({"date": date, "number": str(version), "summary": summary})
    return {
        "current_release_date": history[-1]["date"],
        "generator": generator,
        "id": document_id,
        "initial_release_date": old.get("initial_release_date", history[0]["date"]),
        "revision_history": history,
        "status": status,
        "version": str(version),
    }


def build_document(
    advisory: Advisory,
    config: Config,
    *,
    status: Status = "final",
    previous: dict[str, Any] | None = None,
    previous_path: str = "",
    now: datetime | None = None,
    templates_dir: Path | None = None,
) -> dict[str, Any]:
    """The CSAF document; ``previous`` is the last one written (its tracking continues)."""
    document_id = tracking_id(advisory, config)
    content = _content(advisory, config, document_id, templates_dir)
    content["document"]["tracking"] = _tracking(
        document_id,
        without_tracking(content),
        previous,
        status=status,
        released=advisory.release_time,
        now=now or datetime.now(UTC),
        where=previous_path or document_id,
    )
    return content


def provider_metadata(
    config: Config, *, previous: dict[str, Any] | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """``provider-metadata.json`` for a CSAF directory at ``advisory.provider_url`` (documents
    under ``white/<year>/``); ``last_updated`` moves only when the rest changed."""
    base = config.advisory.provider_url.rstrip("/")
    data: dict[str, Any] = {
        "canonical_url": f"{base}/provider-metadata.json",
        "distributions": [{"directory_url": f"{base}/white/"}],
        "last_updated": "",
        "list_on_CSAF_aggregators": True,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": True,
        "publisher": publisher(config),
        "role": config.advisory.provider_role,
    }
    if previous is not None and {**previous, "last_updated": ""} == data:
        data["last_updated"] = previous.get("last_updated", "")
    if not data["last_updated"]:
        data["last_updated"] = timestamp(now or datetime.now(UTC))
    return data


def dump_document(document: dict[str, Any]) -> str:
    """Sorted keys, two-space indent, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
