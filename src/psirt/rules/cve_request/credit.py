"""CVE request rule on ``credit``: it names the HackerOne reporter, or the team member the
Details table thanks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from psirt.core.finding import Finding
from psirt.rules.cve_request.subject import KIND, CveSubject, is_empty, per_request
from psirt.rules.registry import RULES

CREDIT = RULES.declare(
    "CVE014",
    "error",
    KIND,
    "credit names the HackerOne reporter or the team member who found the bug.",
    "Credit the reporter's HackerOne handle, or the team member named in Details: Thanks.",
)


def _thanks_names(thanks: str) -> list[str]:
    """Names and handles in a Details 'Thanks' value: ``Dana Diaz (@dana-dev)`` -> both."""
    names: list[str] = []
    for part in re.split(r"[,;]|\band\b", thanks):
        handles = re.findall(r"@([\w.-]+)", part)
        names.extend(handles)
        plain = re.sub(r"\(?@[\w.-]+\)?", "", part).strip(" ()[]")
        if plain:
            names.append(plain)
    return names


@RULES.check(KIND)
@per_request
def check_credit(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None or is_empty(document.get("credit")):
        return
    credit = document.text_of("credit")
    lowered = credit.lower()
    report = cve.item.report
    if report is not None:
        for finder in report.finders:
            if finder.lower() not in lowered:
                role = "reporter" if finder == report.reporter else "collaborator"
                yield cve.finding(
                    CREDIT, "credit", f"credit: does not name the HackerOne {role} {finder}"
                )
        return
    thanks = cve.item.details.thanks
    if thanks is None:
        return  # ISS003 asks for the name first
    names = _thanks_names(thanks)
    if names and not any(name.lower() in lowered for name in names):
        yield cve.finding(
            CREDIT,
            "credit",
            f"credit: does not name {thanks} (Details: Thanks of {cve.item.ref})",
        )
