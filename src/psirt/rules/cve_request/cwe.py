"""CVE request rules on ``cwe``: a weakness in MITRE's catalog that MITRE allows for mapping, and
the one the security issue's Weakness label names."""

from __future__ import annotations

from collections.abc import Iterator

from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.core.words import quoted
from psirt.knowledge.cwe import load_catalog, normalize_cwe_id
from psirt.rules.cve_request.subject import KIND, CveSubject, is_empty, per_request
from psirt.rules.registry import RULES

CWE_UNKNOWN = RULES.declare(
    "CVE004",
    "error",
    KIND,
    "cwe names a CWE that exists in MITRE's catalog.",
    "Use an existing CWE id (psirt cwe CWE-NNN shows one).",
)
CWE_PROHIBITED = RULES.declare(
    "CVE005",
    "error",
    KIND,
    "cwe is a weakness, not a category or view, and not Prohibited for mapping.",
    "Pick the weakness (Base or Variant) that fits the bug.",
)
CWE_DISCOURAGED = RULES.declare(
    "CVE006",
    "error",
    KIND,
    "cwe is not Discouraged by MITRE.",
    "Use one of MITRE's suggested, more precise CWEs.",
)
CWE_REVIEW = RULES.declare(
    "CVE007",
    "warning",
    KIND,
    "cwe marked Allowed-with-Review by MITRE is a conscious choice.",
    "Check that no more precise CWE fits better.",
)
WEAKNESS_LABEL = RULES.declare(
    "CVE027",
    "warning",
    KIND,
    "cwe agrees with the security issue's Weakness label.",
    "Align the Weakness label of the security issue and the cwe of the CVE YAML.",
)


@RULES.check(KIND)
@per_request
def check_cwe(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None or is_empty(document.get("cwe")):
        return
    raw = document.text_of("cwe").strip()
    try:
        cwe_id = normalize_cwe_id(raw)
    except InputError:
        yield cve.finding(
            CWE_UNKNOWN, "cwe", f"cwe: {quoted(raw, 60)} is not a CWE id (expected CWE-NNN)"
        )
        return
    entry = load_catalog().get(cwe_id)
    if entry is None:
        yield cve.finding(CWE_UNKNOWN, "cwe", f"cwe: {cwe_id} is not in MITRE's catalog")
        return
    suggestions = ", ".join(entry.suggestions)
    consider = f"; consider {suggestions}" if suggestions else ""
    if entry.kind != "weakness":
        yield cve.finding(
            CWE_PROHIBITED,
            "cwe",
            f"cwe: {entry.id} ({entry.name}) is a {entry.kind}, not a weakness{consider}",
        )
    elif entry.usage == "Prohibited":
        yield cve.finding(
            CWE_PROHIBITED, "cwe", f"cwe: {entry.id} is Prohibited by MITRE{consider}"
        )
    elif entry.usage == "Discouraged":
        yield cve.finding(
            CWE_DISCOURAGED, "cwe", f"cwe: {entry.id} is Discouraged by MITRE{consider}"
        )
    elif entry.usage == "Allowed-with-Review":
        yield cve.finding(
            CWE_REVIEW, "cwe", f"cwe: {entry.id} is Allowed-with-Review by MITRE{consider}"
        )
    labels = cve.snapshot.config.labels
    weakness = [
        label[len(labels.weakness_prefix) :]
        for label in cve.item.issue.labels
        if label.startswith(labels.weakness_prefix)
    ]
    if weakness and entry.id not in weakness:
        yield cve.finding(
            WEAKNESS_LABEL,
            "cwe",
            f"cwe: {entry.id} differs from {cve.item.ref}'s label "
            f"{labels.weakness_prefix}{weakness[0]}",
        )
