"""CVE request rules (``CVE``): the YAML fields, the title, the description, the labels.

Each check takes a ``CveSubject`` (the request, its security issue and the snapshot) and reports
on the CVE request issue; the field named first in each message is the YAML key or the issue
part at fault (``cwe: CWE-400 is Discouraged by MITRE; consider CWE-770, CWE-771``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from psirt.compute.cve_fields import issue_ranges
from psirt.compute.description import DESCRIPTION_OPENING, IMPACT_CLAUSE
from psirt.compute.placeholders import find_placeholders
from psirt.core.errors import InputError
from psirt.core.finding import Finding, Rule
from psirt.core.records import IssueRef
from psirt.core.versions import Version
from psirt.knowledge.cpe import Cpe, cpe_names_product
from psirt.knowledge.cvss import parse_vector, same_vector
from psirt.knowledge.cwe import load_catalog, normalize_cwe_id, same_cwe_name
from psirt.knowledge.policy import AffectedRange, fixed_versions, solution_text, version_phrase
from psirt.model.release import CveRequest, ReleaseSnapshot, SecurityIssue
from psirt.parsing.cve_yaml import CveDocument
from psirt.rules.issue import council_score
from psirt.rules.overshare import (
    CREDIT_WORDS,
    CVE_TITLE,
    find_overshare,
    find_title_overshare,
    summarize,
)
from psirt.rules.registry import RULES

KIND = "CVE request"

YAML = RULES.declare(
    "CVE001",
    "error",
    KIND,
    "The description holds one ```yaml block that parses, with 'vulnerability:' at the top.",
    "Restore the CVE YAML block from the template and fill it in.",
)
MISSING_FIELD = RULES.declare(
    "CVE002",
    "error",
    KIND,
    "Every field of the CVE YAML is present and not empty.",
    "Fill the field in the CVE YAML (see the template in the handbook).",
)
TODO = RULES.declare(
    "CVE003",
    "error",
    KIND,
    "No 'TODO' or template placeholder is left in the CVE YAML.",
    "Replace the placeholder with the real value.",
)
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
CPES = RULES.declare(
    "CVE008",
    "error",
    KIND,
    "product.cpes holds valid CPE 2.3 names, one naming the product.",
    "Use the product's CPE, e.g. cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*.",
)
AFFECTED_FORMAT = RULES.declare(
    "CVE009",
    "error",
    KIND,
    "product.affected_versions are ranges '>=X.Y, <X.Y.Z'.",
    "Write one range per maintained line ('>=16.10, <18.8.7'); psirt update-cves computes them.",
)
AFFECTED_VALUES = RULES.declare(
    "CVE010",
    "error",
    KIND,
    "product.affected_versions start at the issue's Version affected and end at the release.",
    "Run psirt update-cves to compute the ranges from 'Version affected' and the release.",
)
FIXED_VERSIONS = RULES.declare(
    "CVE011",
    "error",
    KIND,
    "product.fixed_versions equal the release versions that carry the fix.",
    "Run psirt update-cves to set fixed_versions from the release versions.",
)
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
CREDIT = RULES.declare(
    "CVE014",
    "error",
    KIND,
    "credit names the HackerOne reporter or the team member who found the bug.",
    "Credit the reporter's HackerOne handle, or the team member named in Details: Thanks.",
)
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
    "Write the versions as psirt update-cves computes them ('from 16.10 before 18.8.7, ...').",
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
OVERSHARE_TITLE = RULES.declare(
    "CVE023",
    "error",
    KIND,
    "The title does not overshare: no endpoint, parameter, file path, code identifier or payload.",
    "Name the feature (component), not the code or the request.",
)
NOT_VALIDATED = RULES.declare(
    "CVE024",
    "error",
    KIND,
    "The CVE request carries the description-validated label (a human approved title and text).",
    "Review the title and description; when accurate and vague enough, add the label.",
)
ADVISORY_INVALID = RULES.declare(
    "CVE025",
    "error",
    KIND,
    "The CVE request does not carry the advisory-invalid label set by the CNA bot.",
    "Fix what the CNA bot's comment says, then remove the label to resubmit.",
)
SOLUTION = RULES.declare(
    "CVE026",
    "warning",
    KIND,
    "solution, when written, recommends the fixed versions.",
    "Empty solution (it is computed) or write 'Upgrade to versions ... or above.'",
)
WEAKNESS_LABEL = RULES.declare(
    "CVE027",
    "warning",
    KIND,
    "cwe agrees with the security issue's Weakness label.",
    "Align the Weakness label of the security issue and the cwe of the CVE YAML.",
)
PRODUCT = RULES.declare(
    "CVE028",
    "error",
    KIND,
    "product.vendor, product.name and product.gitlab_path name the configured product.",
    "Use the product of psirt.toml ([product] vendor, name, gitlab_path).",
)

REQUIRED_FIELDS: tuple[str, ...] = (
    "description",
    "cwe",
    "product.gitlab_path",
    "product.vendor",
    "product.name",
    "product.cpes",
    "product.affected_versions",
    "impact",
    "credit",
    "references",
)
_CREDITING = re.compile(rf"{CREDIT_WORDS}|(?<![\w/])@[A-Za-z0-9_][\w.-]*", re.IGNORECASE)


@dataclass(frozen=True)
class CveSubject:
    """One CVE request with what its checks compare it against."""

    item: SecurityIssue
    request: CveRequest
    snapshot: ReleaseSnapshot

    @property
    def subject(self) -> str:
        return str(self.request.ref)

    @property
    def document(self) -> CveDocument | None:
        return self.request.document

    @cached_property
    def expected_ranges(self) -> list[AffectedRange] | None:
        """The ranges the policy computes; None when the inputs are missing or inconsistent."""
        if self.item.first_affected is None or not self.snapshot.release.versions:
            return None
        try:
            return issue_ranges(self.item, self.snapshot.release, self.snapshot.config)
        except InputError:
            return None

    def finding(self, rule: Rule, field: str, message: str, hint: str | None = None) -> Finding:
        return rule.finding(self.subject, field, message, hint)


def _subjects(item: SecurityIssue, snapshot: ReleaseSnapshot) -> CveSubject | None:
    if item.cve_request is None:
        return None
    return CveSubject(item, item.cve_request, snapshot)


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value or all(_empty(v) for v in value)
    return False


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, f"{path}[{index}]")
    elif value is not None:
        yield path, str(value)


def check_yaml(cve: CveSubject) -> Iterator[Finding]:
    if cve.document is None:
        yield cve.finding(YAML, "yaml", f"yaml: {cve.request.yaml_error or 'not readable'}")
        return
    document = cve.document
    for path in REQUIRED_FIELDS:
        if _empty(document.get(path)):
            state = "missing" if not document.has(path) else "empty"
            yield cve.finding(MISSING_FIELD, path, f"{path}: {state}")
    placeholders: dict[str, list[str]] = {}
    for path, text in _leaves(document.to_plain()):
        for token in find_placeholders(text):
            found = placeholders.setdefault(re.sub(r"\[\d+\]$", "", path), [])
            if token not in found:
                found.append(token)
    for path, found in placeholders.items():
        shown = ", ".join(repr(text) for text in found)
        yield cve.finding(TODO, path, f"{path}: template placeholder {shown} left")


def check_cwe(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None or _empty(document.get("cwe")):
        return
    raw = document.text_of("cwe").strip()
    try:
        cwe_id = normalize_cwe_id(raw)
    except InputError:
        yield cve.finding(CWE_UNKNOWN, "cwe", f"cwe: {raw!r} is not a CWE id (expected CWE-NNN)")
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


def check_product(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None:
        return
    product = cve.snapshot.config.product
    for path, expected in (
        ("product.vendor", product.vendor),
        ("product.name", product.name),
        ("product.gitlab_path", product.gitlab_path),
    ):
        value = document.text_of(path).strip()
        if value and value != expected:
            yield cve.finding(PRODUCT, path, f"{path}: {value!r} (expected {expected!r})")
    cpes = document.list_of("product.cpes")
    if not cpes:
        return
    named = False
    for text in cpes:
        try:
            cpe = Cpe.parse(text)
        except InputError as exc:
            yield cve.finding(CPES, "product.cpes", f"product.cpes: {exc.message}")
            continue
        named = named or cpe_names_product(cpe, product.vendor, product.name)
    if not named:
        yield cve.finding(
            CPES,
            "product.cpes",
            f"product.cpes: none names {product.vendor} {product.name} "
            f"(expected e.g. {product.cpes[0] if product.cpes else 'cpe:2.3:a:vendor:product:*'})",
        )


def _written_ranges(cve: CveSubject) -> tuple[list[AffectedRange], list[Finding]]:
    assert cve.document is not None
    ranges: list[AffectedRange] = []
    problems: list[Finding] = []
    for text in cve.document.list_of("product.affected_versions"):
        if find_placeholders(text):
            continue  # CVE003 reports it
        try:
            ranges.append(AffectedRange.parse(text))
        except InputError as exc:
            problems.append(
                cve.finding(
                    AFFECTED_FORMAT,
                    "product.affected_versions",
                    f"product.affected_versions: {exc.message}",
                )
            )
    return ranges, problems


def check_versions(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None:
        return
    written, problems = _written_ranges(cve)
    yield from problems
    expected = cve.expected_ranges
    written_texts = document.list_of("product.affected_versions")
    if expected is not None and written_texts and not problems:
        first = cve.item.first_affected
        if (
            written
            and first is not None
            and sorted(written, key=lambda r: r.fixed)[0].start != first
        ):
            yield cve.finding(
                AFFECTED_VALUES,
                "product.affected_versions",
                f"product.affected_versions: the first range starts at "
                f"{sorted(written, key=lambda r: r.fixed)[0].start}, but Version affected of "
                f"{cve.item.ref} is {first}",
            )
        elif sorted(written, key=lambda r: r.fixed) != expected:
            yield cve.finding(
                AFFECTED_VALUES,
                "product.affected_versions",
                "product.affected_versions: "
                + ("; ".join(written_texts) or "none")
                + f" (expected {'; '.join(str(r) for r in expected)})",
            )
    if expected is None:
        return
    want = [str(v) for v in fixed_versions(expected)]
    have = document.list_of("product.fixed_versions")
    try:
        have_sorted = [str(v) for v in sorted(Version.parse(v) for v in have)]
    except InputError:
        have_sorted = have
    if have_sorted != want:
        yield cve.finding(
            FIXED_VERSIONS,
            "product.fixed_versions",
            f"product.fixed_versions: {', '.join(have) or 'empty'} "
            f"(expected the release versions {', '.join(want)})",
        )
    solution = document.text_of("solution").strip()
    house = solution_text(fixed_versions(expected), cve.snapshot.config.cve.solution)
    if solution and solution != house:
        missing = [v for v in want if v not in solution]
        if missing:
            yield cve.finding(
                SOLUTION,
                "solution",
                f"solution: does not name {', '.join(missing)}",
                hint=f"Write '{house}' or leave it empty.",
            )


def check_impact(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None or _empty(document.get("impact")):
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


def check_credit(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None or _empty(document.get("credit")):
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


def _references(document: CveDocument) -> list[str]:
    return [r.strip() for r in document.list_of("references")]


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
    if report_id and not any(
        re.search(rf"hackerone\.com/reports/{re.escape(report_id)}\b", r) for r in references
    ):
        yield cve.finding(
            REF_REPORT,
            "references",
            f"references: the HackerOne report {report_id} is missing",
            hint=f"Add {cve.snapshot.config.bounty.report_url.format(id=report_id)} to references.",
        )


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
    if document is not None and not _empty(document.get("cwe")):
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


def check_description(cve: CveSubject) -> Iterator[Finding]:
    document = cve.document
    if document is None or _empty(document.get("description")):
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
    reporter = cve.item.report.reporter if cve.item.report else None
    if crediting is None and reporter and re.search(rf"\b{re.escape(reporter)}\b", text):
        crediting = re.search(re.escape(reporter), text)
    if crediting is not None:
        yield cve.finding(
            DESCRIPTION_CREDIT,
            "description",
            f"description: credits someone ({crediting.group(0)!r})",
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
            )


def check_labels(cve: CveSubject) -> Iterator[Finding]:
    labels = cve.snapshot.config.labels
    issue = cve.request.issue
    if labels.description_validated not in issue.labels:
        yield cve.finding(
            NOT_VALIDATED,
            "labels",
            f"labels: no {labels.description_validated} (title and description not yet "
            "reviewed by a human)",
        )
    if labels.advisory_invalid in issue.labels:
        bot = cve.snapshot.config.people.cna_bot
        said = [note for note in cve.request.notes if note.author == bot and not note.system]
        quote = ""
        if said:
            last = " ".join(said[-1].body.split())
            quote = f"; {bot} said: {last[:300]!r}"
        yield cve.finding(
            ADVISORY_INVALID, "labels", f"labels: {labels.advisory_invalid} is set{quote}"
        )


_CHECKS = (
    check_yaml,
    check_cwe,
    check_product,
    check_versions,
    check_impact,
    check_credit,
    check_references,
    check_title,
    check_description,
    check_labels,
)


@RULES.check(KIND)
def check_cve_request(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    """Every CVE request check over the issue's request (none when it has no request)."""
    cve = _subjects(item, snapshot)
    if cve is None:
        return
    for check in _CHECKS:
        yield from check(cve)
