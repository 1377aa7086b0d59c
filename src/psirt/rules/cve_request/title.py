"""CVE request rules on the title: '<CWE name> issue in <component> impacts <product>
<edition>', the edition the Details give, and nothing that helps an exploit."""

from __future__ import annotations

from collections.abc import Iterator

from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.knowledge.cwe import load_catalog, normalize_cwe_id, same_cwe_name
from psirt.rules.cve_request.subject import KIND, CveSubject, is_empty, per_request
from psirt.rules.overshare import CVE_TITLE, find_title_overshare, summarize
from psirt.rules.registry import RULES

TITLE_FORMAT = RULES.declare(
    "CVE017",
    "error",
    KIND,
    "The title reads '<CWE name> issue in <component> impacts <product> <edition>'.",
    "Rename the CVE request: '<CWE name> issue in <component> impacts GitLab CE/EE' (or EE).",
)
TITLE_EDITION = RULES.declare(
    "CVE018",
    "error",
    KIND,
    "The edition in the title and the description matches 'GitLab EE only'.",
    "Name GitLab EE when the Details say EE only, GitLab CE/EE otherwise.",
)
OVERSHARE_TITLE = RULES.declare(
    "CVE023",
    "error",
    KIND,
    "The title does not overshare: no endpoint, parameter, file path, code identifier or payload.",
    "Name the feature (component), not the code or the request.",
)


@RULES.check(KIND)
@per_request
def check_title(cve: CveSubject) -> Iterator[Finding]:
    title = cve.request.issue.title.strip()
    product = cve.snapshot.config.product
    match = CVE_TITLE.match(title)
    found = find_title_overshare(title)
    if found:
        yield cve.finding(OVERSHARE_TITLE, "title", f"title: overshares: {summarize(found)}")
    expected_edition = (
        product.edition_label(cve.item.ee_only) if cve.item.ee_only is not None else None
    )
    if match is None:
        yield cve.finding(
            TITLE_FORMAT,
            "title",
            f"title: {title!r} does not read '<CWE name> issue in <component> impacts "
            f"{product.name} <edition>'",
        )
        return
    document = cve.document
    if document is not None and not is_empty(document.get("cwe")):
        try:
            entry = load_catalog().get(normalize_cwe_id(document.text_of("cwe")))
        except InputError:
            entry = None
        if entry is not None and not same_cwe_name(match["cwe"], entry.name):
            yield cve.finding(
                TITLE_FORMAT,
                "title",
                f"title: starts with {match['cwe']!r}, but {entry.id} is named {entry.name!r}",
            )
    words = match["product"].split()
    if not words or words[0] != product.name or len(words) != 2:
        yield cve.finding(
            TITLE_FORMAT,
            "title",
            f"title: ends with {match['product']!r} (expected '{product.name} <edition>')",
        )
    elif expected_edition is not None and words[1] != expected_edition:
        yield cve.finding(
            TITLE_EDITION,
            "title",
            f"title: names {product.name} {words[1]}, but {cve.item.ref} says EE only: "
            f"{cve.item.details.ee_only} (expected {product.name} {expected_edition})",
        )
