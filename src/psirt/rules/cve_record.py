"""CVE record lint (``REC0xx``): published CVE JSON 5 records from any CNA, checked with the same
knowledge the release uses (schema, CWE usage, CVSS, version ranges, wording).

Each check takes the record (already parsed JSON) and the subject name (file or CVE id).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from psirt.compute.confidential import Confidential
from psirt.compute.placeholders import find_placeholders
from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.core.versions import Version, versions_in
from psirt.core.words import quoted
from psirt.knowledge.cvss import parse_vector
from psirt.knowledge.policy import RANGE_CONNECTIVE
from psirt.rules.overshare import CREDIT_WORDS, find_overshare, summarize
from psirt.rules.registry import RULES

KIND = "CVE record"

R_SCHEMA = RULES.declare(
    "REC001",
    "error",
    KIND,
    "the record does not match the CVE JSON 5 schema",
    "fix the field the schema names",
)
R_CWE = RULES.declare(
    "REC002",
    "error",
    KIND,
    "the CWE is unknown, or MITRE does not allow it for mapping",
    "choose an Allowed CWE (psirt cwe ID shows MITRE's suggestions)",
)
R_CVSS = RULES.declare(
    "REC003",
    "error",
    KIND,
    "the CVSS vector, its expanded fields, score or severity disagree (cvelint E005, E018)",
    "regenerate the metric object from the vector",
)
R_SOLUTION = RULES.declare(
    "REC004",
    "error",
    KIND,
    "the solution's versions are not the fixed versions of the ranges",
    "name exactly the lessThan versions of the affected ranges",
)
R_DESCRIPTION_VERSIONS = RULES.declare(
    "REC005",
    "error",
    KIND,
    "the description's versions disagree with the affected ranges",
    "state the same ranges as the affected block",
)
R_CREDIT_IN_DESCRIPTION = RULES.declare(
    "REC006",
    "warning",
    KIND,
    "the description credits someone",
    "move the credit to 'credits'",
)
R_CONTRADICTION = RULES.declare(
    "REC007",
    "error",
    KIND,
    "the description contradicts the CVSS vector",
    "align the attacker and interaction wording with PR and UI",
)
R_CWE_REVIEW = RULES.declare(
    "REC012",
    "warning",
    KIND,
    "the CWE is Allowed-with-Review: MITRE asks for a second look",
    "confirm that no more specific CWE fits",
)
R_NO_CREDIT = RULES.declare(
    "REC008", "warning", KIND, "the record credits no one", "add a finder credit"
)
R_NO_REFERENCE = RULES.declare(
    "REC009",
    "error",
    KIND,
    "the record has no public reference (cvelint E017, CNA Rules 4 MUST)",
    "add the issue or advisory URL",
)
R_PUNCTUATION = RULES.declare(
    "REC010",
    "warning",
    KIND,
    "the description does not end with a full stop",
    "end the sentence with '.'",
)
R_OVERSHARE = RULES.declare(
    "REC013",
    "error",
    KIND,
    "the description or title gives away how to exploit the flaw",
    "describe the impact and the attacker only: no endpoints, parameters, code paths or payloads",
)
R_PLACEHOLDER = RULES.declare(
    "REC011",
    "error",
    KIND,
    "a TODO or template placeholder is left in the record",
    "replace it with the real text or version",
)

R_STRAY = RULES.declare(
    "REC014",
    "warning",
    KIND,
    "a stray character follows the description's final full stop (an unbalanced quote or bracket)",
    "end the description with the full stop",
)
R_DOUBLED_WORD = RULES.declare(
    "REC015",
    "warning",
    KIND,
    "the description repeats a word ('an an')",
    "remove the repeated word",
)
R_REPEATED_RANGE = RULES.declare(
    "REC016",
    "error",
    KIND,
    "the description repeats a range fragment ('15.3 to 15.3 to 15.3.1')",
    "write each range once: '<first affected> before <fixed>'",
)

R_NO_METRICS = RULES.declare(
    "REC030",
    "warning",
    KIND,
    "a published record has no CVSS metrics in its CNA container",
    "score the vulnerability: add a cvssV3_1 (or cvssV4_0) metric",
)
#: psirt's own export: the checks of every record, and these.
EXPORT_KIND = "exported CVE record"
R_EXPORT_NO_METRICS = RULES.declare(
    "REC031",
    "error",
    EXPORT_KIND,
    "a record psirt exports has CVSS metrics (the CVE request's impact is a valid vector)",
    "fix 'impact:' in the CVE request's YAML (psirt validate names the problem), then export again",
)

FOLDER_KIND = "CVE export folder"
R_STALE = RULES.declare(
    "REC032",
    "warning",
    FOLDER_KIND,
    "the export folder holds a record that is not part of the release",
    "delete the file if it is stale (psirt removes only the records it wrote, unchanged)",
)

_CREDIT_IN_RECORD = re.compile(rf"{CREDIT_WORDS}|hackerone\.com/", re.I)
# A range in prose; a full stop after the fixed version ends the sentence, it is not part of it.
_RANGE_PAIR = re.compile(
    rf"(\d+\.\d+(?:\.\d+)?)\s+{RANGE_CONNECTIVE}\s+(\d+\.\d+(?:\.\d+)?)(?!\w|\.\d)"
)
_VERSION = r"\d+(?:\.\d+)+"
_REPEATED_RANGE = re.compile(
    rf"\b({_VERSION})\s+({RANGE_CONNECTIVE}|to|through|until)\s+\1\s+\2\s+{_VERSION}", re.I
)
# Words a sentence may double on purpose ("that that", "had had"); numbers are never words here.
_DOUBLED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.I)
_LEGIT_DOUBLES = frozenset({"that", "had", "is", "can"})
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))+\)")
_BARE_URL = re.compile(r"\b(?:https?|ftps?)://[^\s<>\]\)\"']+")


def _cna(record: Any) -> dict[str, Any]:
    if isinstance(record, dict):
        containers = record.get("containers")
        if isinstance(containers, dict) and isinstance(containers.get("cna"), dict):
            return dict(containers["cna"])
    return {}


def _description(cna: dict[str, Any]) -> str:
    for item in cna.get("descriptions") or []:
        if isinstance(item, dict) and str(item.get("lang", "")).startswith("en"):
            return str(item.get("value", ""))
    return ""


def _ranges(cna: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for product in cna.get("affected") or []:
        if not isinstance(product, dict):
            continue
        for entry in product.get("versions") or []:
            if (
                isinstance(entry, dict)
                and entry.get("status") == "affected"
                and "lessThan" in entry
            ):
                found.append((str(entry.get("version", "")), str(entry["lessThan"])))
    return found


def _plain_ranges(cna: dict[str, Any]) -> list[tuple[str, str]] | None:
    """The ranges when every version entry is a plain ``version .. lessThan`` affected range of
    a dotted numeric kind (how GitLab and most CNAs write them); None when any entry uses
    ``changes``, ``lessThanOrEqual``, an unaffected range, a wildcard or another version type,
    which the prose checks do not try to read."""
    found: list[tuple[str, str]] = []
    for product in cna.get("affected") or []:
        for entry in (product.get("versions") or []) if isinstance(product, dict) else []:
            if not isinstance(entry, dict) or "lessThan" not in entry:
                continue
            plain = (
                entry.get("status") == "affected"
                and "changes" not in entry
                and "lessThanOrEqual" not in entry
                and entry.get("versionType") in (None, "semver")
                and _version(str(entry.get("version", ""))) is not None
                and _version(str(entry["lessThan"])) is not None
            )
            if not plain:
                return None
            found.append((str(entry["version"]), str(entry["lessThan"])))
    return found


def _version(text: str) -> Version | None:
    return Version.parse(text) if Version.is_valid(text) else None


@RULES.check(KIND)
def check_schema(record: Any, subject: str) -> Iterator[Finding]:
    from psirt.knowledge.schemas import schema_errors

    for error in schema_errors(record)[:10]:
        field = error.split(":", 1)[0]
        yield R_SCHEMA.finding(subject, field, error)


@RULES.check(KIND)
def check_cwe(record: Any, subject: str) -> Iterator[Finding]:
    from psirt.knowledge.cwe import load_catalog, normalize_cwe_id

    for problem in _cna(record).get("problemTypes") or []:
        for item in (problem or {}).get("descriptions") or []:
            cwe = item.get("cweId") if isinstance(item, dict) else None
            if not cwe:
                continue
            try:
                entry = load_catalog().get(normalize_cwe_id(str(cwe)))
            except InputError as exc:
                yield R_CWE.finding(subject, "problemTypes", f"problemTypes: {exc.message}")
                continue
            if entry is None:
                yield R_CWE.finding(subject, "problemTypes", f"problemTypes: unknown CWE {cwe}")
            elif entry.usage == "Allowed-with-Review":
                yield R_CWE_REVIEW.finding(
                    subject, "problemTypes", f"problemTypes: {cwe} ({entry.name}) needs review"
                )
            elif entry.usage != "Allowed":
                better = ", ".join(entry.suggestions[:4])
                yield R_CWE.finding(
                    subject,
                    "problemTypes",
                    f"problemTypes: {cwe} ({entry.name}) is {entry.usage} for mapping",
                    hint=f"consider {better}" if better else None,
                )


@RULES.check(KIND)
def check_cvss(record: Any, subject: str) -> Iterator[Finding]:
    for metric in _cna(record).get("metrics") or []:
        if not isinstance(metric, dict):
            continue
        for key in ("cvssV3_1", "cvssV3_0", "cvssV4_0"):
            data = metric.get(key)
            if not isinstance(data, dict):
                continue
            where = f"metrics.{key}"
            vector = str(data.get("vectorString", ""))
            if not vector.upper().startswith("CVSS:"):
                yield R_CVSS.finding(subject, where, f"{where}.vectorString: lacks 'CVSS:x.y/'")
            try:
                score = parse_vector(vector, default_version=key[5:].replace("_", "."))
            except InputError as exc:
                yield R_CVSS.finding(subject, where, f"{where}.vectorString: {exc.message}")
                continue
            if data.get("baseScore") != score.base_score:
                yield R_CVSS.finding(
                    subject,
                    where,
                    f"{where}.baseScore: {data.get('baseScore')}, the vector scores "
                    f"{score.base_score}",
                )
            if data.get("baseSeverity") != score.severity:
                yield R_CVSS.finding(
                    subject,
                    where,
                    f"{where}.baseSeverity: {data.get('baseSeverity')}, expected {score.severity}",
                )
            for name, value in score.cve_json_metrics().items():
                if name in data and data[name] != value:
                    yield R_CVSS.finding(
                        subject,
                        where,
                        f"{where}.{name}: {data[name]}, the vector says {value}",
                    )


def _has_metrics(record: Any) -> bool:
    return any(isinstance(metric, dict) and metric for metric in _cna(record).get("metrics") or [])


@RULES.check(KIND)
def check_metrics_present(record: Any, subject: str) -> Iterator[Finding]:
    if isinstance(record, dict) and _published(record) and not _has_metrics(record):
        yield R_NO_METRICS.finding(subject, "metrics", "metrics: none (no CVSS score)")


@RULES.check(EXPORT_KIND)
def check_export_metrics(record: Any, subject: str) -> Iterator[Finding]:
    if not _has_metrics(record):
        yield R_EXPORT_NO_METRICS.finding(
            subject, "metrics", "metrics: none, the CVE request's impact gives no CVSS score"
        )


@RULES.check(FOLDER_KIND)
def stale_records(present: list[str], current: set[str], removed: set[str]) -> list[Finding]:
    """The record files of the export folder (``present``) that the release did not write
    (``current``): ``removed`` are the ones psirt wrote in an earlier export, unchanged since."""
    found = []
    for name in present:
        if name in current:
            continue
        if name in removed:
            message = "not a record of this release: removed (an earlier export wrote it)"
        else:
            message = "not a record of this release: left in place (psirt did not write it)"
        found.append(R_STALE.finding(name, "file", message))
    return found


@RULES.check(KIND)
def check_solution(record: Any, subject: str) -> Iterator[Finding]:
    cna = _cna(record)
    fixed = {v for _, less in _plain_ranges(cna) or () if (v := _version(less))}
    if not fixed:
        return
    for item in cna.get("solutions") or []:
        text = str(item.get("value", "")) if isinstance(item, dict) else ""
        named = set(versions_in(text))
        if named and named != fixed:
            yield R_SOLUTION.finding(
                subject,
                "solutions",
                f"solutions: names {', '.join(map(str, sorted(named)))}; the ranges are fixed in "
                f"{', '.join(map(str, sorted(fixed)))}",
            )


@RULES.check(KIND)
def check_description_versions(record: Any, subject: str) -> Iterator[Finding]:
    cna = _cna(record)
    ranges = set(_plain_ranges(cna) or ())
    described = set(_RANGE_PAIR.findall(_description(cna)))
    if not ranges or not described:
        return
    if described != ranges:
        text = "; ".join(f"{a} before {b}" for a, b in sorted(ranges))
        said = "; ".join(f"{a} before {b}" for a, b in sorted(described))
        yield R_DESCRIPTION_VERSIONS.finding(
            subject,
            "descriptions",
            f"descriptions: says {said}; affected says {text}",
        )


def _without_urls(text: str) -> str:
    """Markdown links as their text and bare URLs blanked: a record may cite a reference in its
    description (``[CVE-2023-1111](https://cve.mitre.org/cgi-bin/cvename.cgi?name=...)``)."""
    text = _MARKDOWN_LINK.sub(lambda m: m.group(1), text)
    return _BARE_URL.sub(lambda m: " " * len(m.group(0)), text)


@RULES.check(KIND)
def check_overshare(record: Any, subject: str) -> Iterator[Finding]:
    """The same test validate runs on CVE requests, for records from any CNA."""
    from psirt.rules.overshare import find_title_overshare

    cna = _cna(record)
    found = find_overshare(_without_urls(_description(cna)))
    if found:
        yield R_OVERSHARE.finding(
            subject, "descriptions", f"descriptions: overshares: {summarize(found)}"
        )
    title = cna.get("title")
    found = find_title_overshare(title) if isinstance(title, str) else []
    if found:
        yield R_OVERSHARE.finding(subject, "title", f"title: overshares: {summarize(found)}")


@RULES.check(KIND)
def check_credit_in_description(record: Any, subject: str) -> Iterator[Finding]:
    match = _CREDIT_IN_RECORD.search(_description(_cna(record)))
    if match:
        yield R_CREDIT_IN_DESCRIPTION.finding(
            subject, "descriptions", f"descriptions: credits someone ({match.group(0)!r})"
        )


def _vector_metrics(cna: dict[str, Any]) -> dict[str, str]:
    for metric in cna.get("metrics") or []:
        for key in ("cvssV3_1", "cvssV3_0", "cvssV4_0"):
            data = metric.get(key) if isinstance(metric, dict) else None
            if isinstance(data, dict):
                try:
                    return parse_vector(str(data.get("vectorString", ""))).metrics
                except InputError:
                    return {}
    return {}


# The actor a description gives the power to: "allowed an authenticated user with Planner role
# to ...", "an unauthenticated attacker could ...". Other people it names ("on behalf of
# authenticated users", "targeted owner accounts") are victims, and say nothing of PR.
_ACTOR = re.compile(
    r"\b(?:an?|any)\s+(?P<actor>(?:[\w-]+\s+){0,3}?"
    r"(?:user|attacker|actor|person|individual|administrator|admin|maintainer|owner|developer|"
    r"guest|reporter|member|account)s?\b(?:\s+with\s+(?:[\w-]+\s+){0,4}?"
    r"(?:role|permissions?|privileges?|access|rights))?)",
    re.I,
)


def _actor(text: str) -> str | None:
    match = _ACTOR.search(text)
    return match.group("actor").lower() if match else None


@RULES.check(KIND)
def check_contradiction(record: Any, subject: str) -> Iterator[Finding]:
    cna = _cna(record)
    text = _description(cna).lower()
    metrics = _vector_metrics(cna)
    if not text or not metrics:
        return
    pr, ui = metrics.get("PR"), metrics.get("UI")
    actor = _actor(text) or ""
    problems: list[str] = []
    if re.search(r"\bunauthenticated\b", actor) and pr in ("L", "H"):
        problems.append(f"'unauthenticated' but PR:{pr}")
    if re.search(r"(?<!un)\bauthenticated\b", actor) and pr == "N":
        problems.append("'authenticated' but PR:N")
    if re.search(r"\b(?:administrator|admin|maintainer|owner)s?\b", actor) and pr == "N":
        problems.append("a privileged role but PR:N")
    if re.search(r"without (?:any )?user interaction", text) and ui in ("R", "P", "A"):
        problems.append(f"'without user interaction' but UI:{ui}")
    for problem in problems:
        yield R_CONTRADICTION.finding(subject, "descriptions", f"descriptions: {problem}")


def _published(record: Any) -> bool:
    metadata = record.get("cveMetadata") if isinstance(record, dict) else None
    return not isinstance(metadata, dict) or metadata.get("state") != "REJECTED"


# A note in brackets after the last sentence: "... HTML page. (Chromium security severity: High)"
_CLOSING_NOTE = re.compile(r"\.\s+\([^()]*\)$")
# What may close a sentence after its full stop: a quote or bracket opened in it.
_CLOSERS = {'"': '"', ")": "(", "'": "'", "\u201d": "\u201c", "]": "["}


@RULES.check(KIND)
def check_presence(record: Any, subject: str) -> Iterator[Finding]:
    cna = _cna(record)
    if not cna or not _published(record):
        return
    if not cna.get("credits"):
        yield R_NO_CREDIT.finding(subject, "credits", "credits: none")
    if not cna.get("references"):
        yield R_NO_REFERENCE.finding(subject, "references", "references: none (cvelint E017)")
    description = _description(cna).strip()
    if not description:
        return
    if description.endswith(".") or _CLOSING_NOTE.search(description):
        return
    closer = description[-1]
    if description[-2:-1] == "." and closer in _CLOSERS:
        opener = _CLOSERS[closer]
        balanced = (
            description.count(closer) % 2 == 0
            if opener == closer
            else description.count(opener) >= description.count(closer)
        )
        if not balanced:
            yield R_STRAY.finding(
                subject,
                "descriptions",
                f"descriptions: {closer!r} after the final full stop closes nothing "
                f"(ends with {description[-12:]!r})",
            )
        return
    yield R_PUNCTUATION.finding(
        subject, "descriptions", f"descriptions: ends with {description[-12:]!r}"
    )


@RULES.check(KIND)
def check_wording(record: Any, subject: str) -> Iterator[Finding]:
    """Typos a reader trips over: a doubled word, a range fragment written twice."""
    text = _without_urls(_description(_cna(record)))
    for match in _DOUBLED.finditer(text):
        if match.group(1).lower() not in _LEGIT_DOUBLES:
            yield R_DOUBLED_WORD.finding(
                subject, "descriptions", f"descriptions: {match.group(0)!r}"
            )
    for match in _REPEATED_RANGE.finditer(text):
        yield R_REPEATED_RANGE.finding(subject, "descriptions", f"descriptions: {match.group(0)!r}")


@RULES.check(KIND)
def check_placeholders(record: Any, subject: str) -> Iterator[Finding]:
    cna = _cna(record)
    texts = [("descriptions", _description(cna))]
    texts += [("solutions", str(s.get("value", ""))) for s in cna.get("solutions") or []]
    texts += [("affected", f"{a} {b}") for a, b in _ranges(cna)]
    for field, text in texts:
        for token in dict.fromkeys(find_placeholders(text)):
            yield R_PLACEHOLDER.finding(subject, field, f"{field}: placeholder {quoted(token)}")


def lint_record(
    record: Any,
    subject: str,
    *,
    exported: bool = False,
    confidential: Confidential | None = None,
) -> list[Finding]:
    """The record lint; ``exported``: a record psirt itself wrote, held to more (REC031 in
    place of the warning REC030 that another CNA's record gets). Then the confidentiality
    check (``CNF``) with what ``confidential`` names (psirt.toml's defaults when None: a record
    linted outside a release)."""
    import psirt.rules.record_format  # noqa: F401  (registers the format checks)
    from psirt.rules.confidential import record_findings

    findings = RULES.run(KIND, record, subject)
    if exported:
        own = RULES.run(EXPORT_KIND, record, subject)
        if own:
            findings = [f for f in findings if f.code != R_NO_METRICS.code] + own
    return findings + record_findings(record, subject, confidential or _outside_a_release())


@cache
def _outside_a_release() -> Confidential:
    """What psirt.toml's defaults keep confidential (a record linted outside a release):
    built once, not per record."""
    return Confidential.of(Config())
