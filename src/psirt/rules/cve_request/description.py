"""CVE request rules on ``description``: the template's wording, edition and versions, no credit,
and nothing that helps an exploit."""

from __future__ import annotations

import re
from collections.abc import Iterator

from psirt.compute.description import DESCRIPTION_OPENING, IMPACT_CLAUSE
from psirt.compute.placeholders import find_placeholders
from psirt.core.finding import Finding
from psirt.core.text import find_whole_word
from psirt.knowledge.policy import version_phrase
from psirt.rules.cve_request.subject import KIND, CveSubject, is_empty, per_request
from psirt.rules.cve_request.title import TITLE_EDITION
from psirt.rules.overshare import CREDIT_WORDS, find_overshare, summarize
from psirt.rules.registry import RULES

DESCRIPTION_TEMPLATE = RULES.declare(
    "CVE019",
    "error",
    KIND,
    "description follows the template: 'GitLab has remediated an issue in GitLab <edition> "
    "affecting all versions from ... that could have allowed ...'.",
    "Rewrite the description from the template; the council's public description is a good start.",
)
DESCRIPTION_VERSIONS = RULES.declare(
    "CVE020",
    "error",
    KIND,
    "description names the same versions as affected_versions.",
    "Write the versions as psirt update-cves computes them (the finding quotes them).",
)
DESCRIPTION_CREDIT = RULES.declare(
    "CVE021",
    "error",
    KIND,
    "description does not credit anyone (credit has its own field).",
    "Move the acknowledgement to the credit field.",
)
OVERSHARE_DESCRIPTION = RULES.declare(
    "CVE022",
    "error",
    KIND,
    "description does not overshare: no endpoint, parameter, file path, code identifier, "
    "payload or reproduction steps.",
    "Describe the impact and the attacker only, vaguely enough that it does not help an exploit.",
)


_CREDITING = re.compile(rf"{CREDIT_WORDS}|(?<![\w/])@[A-Za-z0-9_][\w.-]*", re.IGNORECASE)


@RULES.check(KIND)
@per_request
def check_description(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None or is_empty(document.get("description")):
        return
    text = " ".join(document.text_of("description").split())
    if find_placeholders(text) == [text]:
        # A bare TODO is CVE003's alone; a sentence with a placeholder in it is still checked
        # here (an overshare in a half-filled draft matters), so not ``is_placeholder``.
        return
    product = cve.snapshot.config.product
    found = find_overshare(text)
    if found:
        yield cve.finding(
            OVERSHARE_DESCRIPTION, "description", f"description: overshares: {summarize(found)}"
        )
    crediting = _CREDITING.search(text)
    credit = crediting.group(0) if crediting is not None else None
    reporter = cve.item.report.reporter if cve.item.report else None
    if credit is None and reporter and find_whole_word(text, reporter) != -1:
        credit = reporter
    if credit is not None:
        yield cve.finding(
            DESCRIPTION_CREDIT, "description", f"description: credits someone ({credit!r})"
        )
    start = DESCRIPTION_OPENING.match(text)
    if (
        start is None
        or start["versions"] is None
        or start["vendor"] not in (None, product.vendor)
        or start["product"] != product.name
        or IMPACT_CLAUSE.search(text) is None
    ):
        yield cve.finding(
            DESCRIPTION_TEMPLATE,
            "description",
            f"description: does not follow the template ('{product.vendor} has remediated an "
            f"issue in {product.name} <edition> affecting all versions from ... that could "
            "have allowed ...')",
        )
    elif cve.item.ee_only is not None:
        expected = product.edition_label(cve.item.ee_only)
        if start["edition"] != expected:
            yield cve.finding(
                TITLE_EDITION,
                "description",
                f"description: names {product.name} {start['edition']}, but {cve.item.ref} "
                f"says EE only: {cve.item.details.ee_only} (expected {product.name} {expected})",
            )
    expected_ranges = cve.expected_ranges
    if expected_ranges is not None and not find_placeholders(text):
        phrase = version_phrase(expected_ranges, cve.snapshot.config.cve.connective)
        if phrase not in text:
            yield cve.finding(
                DESCRIPTION_VERSIONS,
                "description",
                f"description: does not say 'affecting all versions {phrase}'",
                hint=f"Write 'affecting all versions {phrase}', as psirt update-cves "
                "computes it (it writes it for you).",
            )
