"""Confidentiality rules (``CNF``): no public text refers to a confidential project or issue or
carries a confidential title; references are web URLs; credits link to reporter hosts.

The detection is ``compute.confidential`` (one home); this module turns it into findings for
each public artifact: the CVE request (validate, and close before it publishes), a fix listed
without a CVE (validate), the blog post (blog lint), a CVE record (cve lint, and close before it
publishes) and any other public text (``text_findings``: the e-mail).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from psirt.compute.confidential import Confidential, Leak, is_web_url
from psirt.core.config import Config
from psirt.core.finding import Finding, Rule
from psirt.core.json_paths import json_leaves
from psirt.core.words import quoted
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.rules.blog import KIND as BLOG
from psirt.rules.blog import BlogLintContext
from psirt.rules.cve_request.subject import KIND as REQUEST
from psirt.rules.cve_request.subject import CveSubject, per_request
from psirt.rules.registry import RULES

CNF_PROJECT = RULES.declare(
    "CNF001",
    "error",
    REQUEST,
    "a public text refers to a confidential project (the security mirror)",
    "Remove the reference: cite the canonical issue or the public merge request instead.",
)
CNF_ISSUE = RULES.declare(
    "CNF002",
    "error",
    REQUEST,
    "a public text refers to an issue of the release that stays confidential",
    "Remove the reference: only the canonical issue (made public after the release) is cited.",
)
CNF_TITLE = RULES.declare(
    "CNF003",
    "error",
    "security issue",
    "a public text carries the title of a confidential issue",
    "Request a CVE (its validated title is what public texts show) or use a vague public title.",
)
CNF_SCHEME = RULES.declare(
    "CNF004",
    "error",
    REQUEST,
    "a reference is not an http(s) URL",
    "Cite the resource by its https:// URL.",
)
CNF_CREDIT = RULES.declare(
    "CNF005",
    "error",
    REQUEST,
    "a credit links to a host that is not a reporter host ([people] credit_hosts)",
    "Link the reporter's profile on a configured host, or give the name without a link.",
)

_BY_KIND: dict[str, Rule] = {"project": CNF_PROJECT, "issue": CNF_ISSUE, "title": CNF_TITLE}


def leak_findings(subject: str, field: str, text: str, confidential: Confidential) -> list[Finding]:
    """One finding per confidential detail of ``text`` (a field of ``subject``)."""
    return [_finding(leak, subject, field) for leak in confidential.leaks(text)]


def _finding(leak: Leak, subject: str, field: str) -> Finding:
    rule = _BY_KIND[leak.kind]
    what = {"project": "refers to", "issue": "refers to", "title": "carries"}[leak.kind]
    return rule.finding(subject, field, f"{field}: {what} {leak.describe()}")


def reference_findings(subject: str, field: str, url: str) -> list[Finding]:
    if is_web_url(url):
        return []
    return [CNF_SCHEME.finding(subject, field, f"{field}: {quoted(url)} is not an http(s) URL")]


def credit_findings(
    subject: str, field: str, text: str, confidential: Confidential
) -> list[Finding]:
    hosts = ", ".join(confidential.credit_hosts) or "none configured"
    return [
        CNF_CREDIT.finding(
            subject, field, f"{field}: links to {quoted(url)} (reporter hosts: {hosts})"
        )
        for url in confidential.foreign_credit_links(text)
    ]


def text_findings(subject: str, text: str, confidential: Confidential) -> list[Finding]:
    """Any public text as a whole (the e-mail), line by line."""
    found: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        found += leak_findings(subject, f"line {number}", line, confidential)
    return found


# -- validate ----------------------------------------------------------------------------------


@RULES.check(REQUEST)
@per_request
def check_request(cve: CveSubject) -> Iterator[Finding]:
    """The request's public fields: its title and the YAML's texts, references and credit."""
    confidential = Confidential.of(cve.snapshot.config, cve.snapshot)
    yield from leak_findings(cve.subject, "title", cve.request.issue.title, confidential)
    document = cve.document
    if document is None:
        return
    for field in ("description", "solution", "credit"):
        yield from leak_findings(cve.subject, field, document.text_of(field), confidential)
    for number, url in enumerate(document.list_of("references")):
        field = f"references[{number}]"
        yield from leak_findings(cve.subject, field, url, confidential)
        yield from reference_findings(cve.subject, field, url.strip())
    yield from credit_findings(cve.subject, "credit", document.text_of("credit"), confidential)


@RULES.check("security issue")
def check_listed_by_title(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    """A fix without a CVE id is listed in the post and the e-mail by its issue's title."""
    if item.cve_request is not None and item.cve_request.cve_id is not None:
        return
    confidential = Confidential.of(snapshot.config, snapshot)
    for finding in leak_findings(str(item.ref), "title", item.issue.title, confidential):
        if finding.code == CNF_TITLE.code:
            yield CNF_TITLE.finding(
                finding.subject,
                "title",
                f"title: {quoted(item.issue.title)} is confidential, and without a CVE the "
                "post and the e-mail list the fix by it",
            )


# -- blog lint ---------------------------------------------------------------------------------


@RULES.check(BLOG)
def check_post(ctx: BlogLintContext) -> Iterator[Finding]:
    confidential = ctx.confidential or Confidential.of(Config())
    for number, line in enumerate(ctx.post.lines, start=1):
        yield from leak_findings(ctx.subject, f"line {number}", line, confidential)
    for section in ctx.post.sections:
        credit = _credit_paragraph(section.paragraphs, section.fields)
        if credit is not None:
            at, text = credit
            yield from credit_findings(ctx.subject, f"line {at}", text, confidential)


def _credit_paragraph(
    paragraphs: tuple[tuple[int, str], ...], fields: dict[str, tuple[int, str]]
) -> tuple[int, str] | None:
    """The paragraph after a section's bold fields (its credit), as Markdown."""
    last_field = max((line for line, _ in fields.values()), default=None)
    if last_field is None:
        return None
    after = [(line, text) for line, text in paragraphs if line > last_field]
    return after[0] if after else None


# -- cve lint ----------------------------------------------------------------------------------


def record_findings(record: Any, subject: str, confidential: Confidential) -> list[Finding]:
    """A CVE JSON 5 record's public texts: title, descriptions, references, credits."""
    cna = (record.get("containers") or {}).get("cna") if isinstance(record, dict) else None
    if not isinstance(cna, dict):
        return []
    found: list[Finding] = []
    if isinstance(cna.get("title"), str):
        found += leak_findings(subject, "containers.cna.title", cna["title"], confidential)
    for kind in ("descriptions", "solutions", "workarounds"):
        for number, entry in enumerate(_objects(cna.get(kind))):
            field = f"containers.cna.{kind}[{number}].value"
            found += leak_findings(subject, field, str(entry.get("value") or ""), confidential)
    for number, entry in enumerate(_objects(cna.get("references"))):
        field = f"containers.cna.references[{number}].url"
        url = str(entry.get("url") or "")
        found += leak_findings(subject, field, url, confidential)
        found += reference_findings(subject, field, url)
    for number, entry in enumerate(_objects(cna.get("credits"))):
        field = f"containers.cna.credits[{number}].value"
        text = str(entry.get("value") or "")
        found += leak_findings(subject, field, text, confidential)
        found += credit_findings(subject, field, text, confidential)
    return found


# -- advisories -------------------------------------------------------------------------------


def document_findings(document: Any, subject: str, confidential: Confidential) -> list[Finding]:
    """Every text of a CSAF document or OSV record, each named by its JSON path."""
    found: list[Finding] = []
    for path, text in json_leaves(document):
        if isinstance(text, str):
            found += leak_findings(subject, path or "(document)", text, confidential)
    return found


def _objects(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
