"""The security implementation issue's **Links** table: canonical issue, CVE request, report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from psirt.core.records import IssueRef
from psirt.parsing.tables import key_value_rows, section

_MD_LINK = re.compile(r"\[[^\]]*\]\((?P<url>[^)\s]+)\)")
_REPORT = re.compile(r"hackerone\.com/(?:reports|bugs\?[^#\s]*report_id=)/?(\d+)", re.I)
# The Links table's report: a HackerOne report URL on HackerOne's own host, or its number.
_REPORT_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?hackerone\.com/(?:reports/|bugs\?(?:[^#\s]*&)?report_id=)"
    r"(\d{1,18})(?:[/?#].*)?$",
    re.I,
)

_ROLES = {
    "canonical": ("canonical issue", "canonical", "issue on gitlab", "gitlab issue"),
    "cve_request": ("cve request", "cve request issue", "cve issue", "cve"),
    "report": ("hackerone report", "hackerone", "h1 report", "bug bounty report", "report"),
}


@dataclass(frozen=True, slots=True)
class Links:
    canonical: IssueRef | None = None
    cve_request: IssueRef | None = None
    report_id: str | None = None
    rows: dict[str, str] = field(default_factory=dict)
    #: The report row's text when it names no HackerOne report (a typo, another host): the
    #: reporter could not be notified, so the rules report it.
    unreadable_report: str | None = None


def link_target(value: str) -> str:
    """What a table cell or ``Label: value`` line points at: the target of its first Markdown
    link, else the text itself (``<...>`` autolink brackets dropped)."""
    match = _MD_LINK.search(value)
    return (match.group("url") if match else value).strip().strip("<>")


def report_id_in(text: str) -> str | None:
    """The first HackerOne report id referenced in ``text``."""
    match = _REPORT.search(text)
    return match.group(1) if match else None


def parse_links(description: str) -> Links:
    body = section(description, "Links")
    if body is None:
        return Links()
    rows = key_value_rows(body)
    found: dict[str, str] = {}
    for role, names in _ROLES.items():
        for name in names:
            if rows.get(name):
                found[role] = link_target(rows[name])
                break
    canonical = IssueRef.parse(found["canonical"]) if "canonical" in found else None
    cve = IssueRef.parse(found["cve_request"]) if "cve_request" in found else None
    report, unreadable = None, None
    if "report" in found:
        report = _report_id(found["report"])
        unreadable = found["report"] if report is None and not _no_report(found["report"]) else None
    return Links(
        canonical=canonical,
        cve_request=cve,
        report_id=report,
        rows=rows,
        unreadable_report=unreadable,
    )


def _report_id(target: str) -> str | None:
    if target.isdigit() and len(target) <= 18:
        return target
    match = _REPORT_URL.match(target)
    return match.group(1) if match else None


_NONE = frozenset({"", "-", "n/a", "na", "none", "no", "internal", "not applicable"})


def _no_report(target: str) -> bool:
    """An empty row, or one that says there is no report (an internal find)."""
    return target.strip().strip("_*`").lower() in _NONE
