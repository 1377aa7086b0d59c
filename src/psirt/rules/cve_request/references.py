"""CVE request rules on ``references``: the canonical issue and the HackerOne report are there."""

from __future__ import annotations

import re
from collections.abc import Iterator

from psirt.core.finding import Finding
from psirt.core.records import IssueRef
from psirt.core.text import at_word_boundary
from psirt.parsing.cve_yaml import CveDocument
from psirt.rules.cve_request.subject import KIND, CveSubject, per_request
from psirt.rules.registry import RULES

REF_CANONICAL = RULES.declare(
    "CVE015",
    "error",
    KIND,
    "references hold the canonical issue.",
    "Add the canonical issue's URL to references.",
)
REF_REPORT = RULES.declare(
    "CVE016",
    "error",
    KIND,
    "references hold the HackerOne report, when there is one.",
    "Add https://hackerone.com/reports/<id> to references.",
)


_REPORT_URL = re.compile(r"hackerone\.com/reports/")


def names_report(url: str, report_id: str) -> bool:
    """Whether ``url`` names HackerOne report ``report_id``: ``hackerone.com/reports/<id>``
    ending at a word boundary (what a pattern of the id and ``\\b`` would find), without
    compiling a pattern per report (a release of a thousand fixes has a thousand)."""
    for match in _REPORT_URL.finditer(url):
        end = match.end() + len(report_id)
        if url.startswith(report_id, match.end()) and at_word_boundary(url, end):
            return True
    return False


def _references(document: CveDocument) -> list[str]:
    return [r.strip() for r in document.list_of("references")]


@RULES.check(KIND)
@per_request
def check_references(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None:
        return
    references = _references(document)
    canonical = cve.item.canonical.ref if cve.item.canonical else cve.item.links.canonical
    if canonical is not None and not any(IssueRef.parse(r) == canonical for r in references):
        yield cve.finding(
            REF_CANONICAL, "references", f"references: the canonical issue {canonical} is missing"
        )
    report_id = cve.item.report_id
    if report_id and not any(names_report(r, report_id) for r in references):
        yield cve.finding(
            REF_REPORT,
            "references",
            f"references: the HackerOne report {report_id} is missing",
            hint=f"Add {cve.snapshot.config.bounty.report_url.format(id=report_id)} to references.",
        )
