"""CVE request rules on ``impact``: a valid CVSS vector, the one the bug bounty council voted."""

from __future__ import annotations

from collections.abc import Iterator

from psirt.compute.severity import council_score
from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.knowledge.cvss import parse_vector, same_vector
from psirt.rules.cve_request.subject import KIND, CveSubject, is_empty, per_request
from psirt.rules.registry import RULES

IMPACT_INVALID = RULES.declare(
    "CVE012",
    "error",
    KIND,
    "impact is a valid CVSS vector.",
    "Write the CVSS 3.1 vector without its prefix, e.g. AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H.",
)
IMPACT_COUNCIL = RULES.declare(
    "CVE013",
    "error",
    KIND,
    "impact equals the CVSS vector voted by the bug bounty council.",
    "Copy the council's vector into impact (without the CVSS:3.1/ prefix).",
)


@RULES.check(KIND)
@per_request
def check_impact(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None or is_empty(document.get("impact")):
        return
    vector = document.text_of("impact").strip()
    try:
        parse_vector(vector)
    except InputError as exc:
        yield cve.finding(IMPACT_INVALID, "impact", f"impact: {exc.message}")
        return
    council = council_score(cve.item)
    if council is not None and not same_vector(vector, council.vector):
        yield cve.finding(
            IMPACT_COUNCIL,
            "impact",
            f"impact: {vector} differs from the council's vote {council.short_vector} "
            f"({council.base_score})",
        )
