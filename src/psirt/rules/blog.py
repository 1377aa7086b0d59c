"""Blog lint: the review the handbook asks of the draft post, as coded rules (``BLG0xx``).

Each check takes a :class:`BlogLintContext`: the parsed post, and, when the post is linted inside
a workspace, the post the release would produce now (``expected``), so "all fixes present and
nothing else" and "author is the engineer on rotation" can be checked. Without a release, the
checks that need one say nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from psirt.compute.confidential import Confidential
from psirt.compute.description import find_version_phrase
from psirt.compute.placeholders import find_placeholders
from psirt.compute.post import BlogPost, SecurityEntry
from psirt.compute.severity import level_named, order_key
from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.core.versions import Version, versions_in
from psirt.core.words import quoted
from psirt.knowledge.cvss import SEVERITY_NAMES, VECTOR_IN_TEXT, parse_vector, severity_from_score
from psirt.knowledge.policy import RANGE_CONNECTIVE
from psirt.parsing.blog_post import FixSection, ParsedPost, cvss_field
from psirt.parsing.markdown import plain_text
from psirt.rules.overshare import find_overshare, find_title_overshare, summarize
from psirt.rules.registry import RULES

KIND = "blog post"

R_MISSING = RULES.declare(
    "BLG001",
    "error",
    KIND,
    "a fix of the release is missing from the post",
    "add its section and table row (psirt blog generate writes them)",
)
R_EXTRA = RULES.declare(
    "BLG002",
    "error",
    KIND,
    "the post lists a fix that is not in the release",
    "remove it: it was unlinked, reverted or belongs to another release",
)
R_PLACEHOLDER = RULES.declare(
    "BLG003",
    "error",
    KIND,
    "a TODO or template placeholder is left in the post",
    "replace it with the real text or version",
)
R_VERSION = RULES.declare(
    "BLG004",
    "error",
    KIND,
    "a version is neither a release version nor the start of a range",
    "use the release versions (and X.Y range starts only before 'before')",
)
R_ORDER = RULES.declare(
    "BLG005",
    "error",
    KIND,
    "the table of fixes is not ordered by severity, then score",
    "order the rows critical first, then by CVSS score",
)
R_ANCHOR = RULES.declare(
    "BLG006",
    "error",
    KIND,
    "a table link does not resolve to a heading of the post",
    "link each row to its section's anchor (lower case, punctuation dropped, spaces to -)",
)
R_ACRONYM = RULES.declare(
    "BLG007",
    "warning",
    KIND,
    "an acronym is used before it is spelled out",
    "write the expansion with the acronym in parentheses at its first use",
)
R_AUTHOR = RULES.declare(
    "BLG008",
    "error",
    KIND,
    "author or author_gitlab is not the engineer on rotation",
    "set author and author_gitlab to the primary PSIRT release manager",
)
R_CVSS = RULES.declare(
    "BLG009",
    "error",
    KIND,
    "a CVSS string is invalid, lacks its prefix or its score",
    "write '**CVSS**: <score> (CVSS:3.1/AV:...)'",
)
R_OVERSHARE = RULES.declare(
    "BLG010",
    "error",
    KIND,
    "a fix's title or description says too much before customers patch",
    "keep it vague: no endpoints, parameters, code paths, payloads or steps",
)
R_DISTINCT = RULES.declare(
    "BLG011",
    "warning",
    KIND,
    "two fixes of the same weakness have indistinguishable descriptions",
    "say what differs (component, impact) so readers can tell them apart",
)
R_FRONT = RULES.declare(
    "BLG012",
    "error",
    KIND,
    "the front matter is missing, malformed, or names other versions",
    "title, description, canonical_path, categories, author, author_gitlab, tags",
)
R_SEVERITY = RULES.declare(
    "BLG013",
    "warning",
    KIND,
    "a table severity disagrees with the section's CVSS score",
    "use the severity of the base score (critical 9.0+, high 7.0+, medium 4.0+, low)",
)

REQUIRED_FRONT_MATTER = (
    "title",
    "description",
    "canonical_path",
    "categories",
    "author",
    "author_gitlab",
    "tags",
)
ACRONYMS: dict[str, tuple[str, ...]] = {
    "CVE": ("Common Vulnerabilities and Exposures",),
    "CVSS": ("Common Vulnerability Scoring System",),
    "XSS": ("Cross-site Scripting", "Cross Site Scripting"),
    "SSRF": ("Server-Side Request Forgery",),
    "CSRF": ("Cross-Site Request Forgery",),
    "DoS": ("Denial of Service",),
    "ReDoS": ("Regular Expression Denial of Service",),
    "RCE": ("Remote Code Execution",),
    "IDOR": ("Insecure Direct Object Reference",),
    "SSO": ("Single Sign-On",),
    "2FA": ("Two-Factor Authentication",),
}
_URL = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_SCORE_FIELD = re.compile(r"\*\*CVSS\*\*:?\s*\d+(?:\.\d+)?")
_RANGE_START = re.compile(rf"^\s+{RANGE_CONNECTIVE}\b", re.I)
_MALFORMED_VERSION = re.compile(r"(?<![\w.])\d+\.\d+(?:\.\w+)*\.(?=\w*[A-Za-z])\w+")


@dataclass(frozen=True)
class BlogLintContext:
    post: ParsedPost
    subject: str  # the file name, for findings
    expected: BlogPost | None = None  # the post the release would produce now
    # what the post must not mention (``compute.confidential``); psirt.toml's defaults when None
    confidential: Confidential | None = None

    @property
    def release_versions(self) -> list[str]:
        if self.expected is not None:
            return list(self.expected.versions)
        title = str(self.post.front_matter.get("title", ""))
        return [str(v) for v in versions_in(title)]


def _line(number: int) -> str:
    return f"line {number}"


def _expected_entries(ctx: BlogLintContext) -> list[SecurityEntry]:
    if ctx.expected is None:
        return []
    return [*ctx.expected.security_fixes, *ctx.expected.fixes_without_cve]


def _section_key(section: FixSection) -> str:
    return section.cve_id or section.title.lower()


def _entry_key(entry: SecurityEntry) -> str:
    return entry.cve_id or plain_text(entry.heading).lower()


@RULES.check(KIND)
def check_fix_set(ctx: BlogLintContext) -> Iterator[Finding]:
    if ctx.expected is None:
        return
    in_post = {_section_key(s): s for s in ctx.post.sections}
    expected = {_entry_key(e): e for e in _expected_entries(ctx)}
    for key, entry in expected.items():
        if key not in in_post:
            name = entry.cve_id or entry.title
            yield R_MISSING.finding(
                ctx.subject, entry.ref, f"{name}: in the release ({entry.ref}) but not in the post"
            )
    for key, section in in_post.items():
        if key not in expected:
            name = section.cve_id or section.title
            yield R_EXTRA.finding(
                ctx.subject,
                _line(section.heading.line),
                f"{name}: in the post but not among the release's fixes",
            )


@RULES.check(KIND)
def check_placeholders(ctx: BlogLintContext) -> Iterator[Finding]:
    for number, line in ctx.post.body_lines():
        text = _URL.sub(" ", line)
        for token in dict.fromkeys(find_placeholders(text)):
            yield R_PLACEHOLDER.finding(
                ctx.subject,
                _line(number),
                f"{_line(number)}: placeholder {quoted(token)} left in the post",
            )


def _version_text(line: str) -> str:
    text = _URL.sub(" ", line)
    text = VECTOR_IN_TEXT.sub(" ", text)
    return _SCORE_FIELD.sub(" ", text)


@RULES.check(KIND)
def check_versions(ctx: BlogLintContext) -> Iterator[Finding]:
    release = set(ctx.release_versions)
    if not release:
        return
    from psirt.core.versions import VERSION_IN_TEXT

    for number, line in ctx.post.body_lines():
        text = _version_text(line)
        for match in _MALFORMED_VERSION.finditer(text):
            if not find_placeholders(match.group(0)):
                yield R_VERSION.finding(
                    ctx.subject,
                    _line(number),
                    f"{_line(number)}: malformed version {match.group(0)!r}",
                )
        for match in VERSION_IN_TEXT.finditer(text):
            version = match.group(1)
            rest = text[match.end() :]
            if version in release or _RANGE_START.match(rest) or re.match(r"\.\w", rest):
                continue  # a release version, a range start, or a placeholder (BLG003)
            yield R_VERSION.finding(
                ctx.subject,
                _line(number),
                f"{_line(number)}: version {version} is not a release version "
                f"({', '.join(ctx.release_versions)}) nor a range start",
            )


def _section_score(section: FixSection | None) -> float | None:
    if section is None:
        return None
    value = section.field("cvss")
    parsed = cvss_field(value or "")
    return float(parsed.score) if parsed else None


def _anchor_sections(ctx: BlogLintContext) -> dict[str, FixSection]:
    return {s.heading.anchor: s for s in ctx.post.sections}


@RULES.check(KIND)
def check_order(ctx: BlogLintContext) -> Iterator[Finding]:
    sections = _anchor_sections(ctx)
    previous: tuple[int, float, str] | None = None
    previous_title = ""
    for row in ctx.post.table:
        score = _section_score(sections.get(row.target.lstrip("#"))) or 0.0
        # the order the post is generated in, less the id tie-break a reader cannot see
        key = order_key(level_named(row.severity), score, "")
        if previous is not None and key < previous:
            yield R_ORDER.finding(
                ctx.subject,
                _line(row.line),
                f"{_line(row.line)}: {row.title!r} ({row.severity}"
                f"{f', {score}' if score else ''}) comes after {previous_title!r}",
            )
        previous, previous_title = key, row.title
    if not ctx.post.table and ctx.post.sections:
        yield R_ANCHOR.finding(ctx.subject, "table", "table: no 'Table of security fixes' rows")


@RULES.check(KIND)
def check_anchors(ctx: BlogLintContext) -> Iterator[Finding]:
    anchors = ctx.post.anchors
    for row in ctx.post.table:
        target = row.target
        if not target.startswith("#"):
            yield R_ANCHOR.finding(
                ctx.subject,
                _line(row.line),
                f"{_line(row.line)}: {row.title!r} does not link to a section of the post",
            )
        elif target[1:] not in anchors:
            yield R_ANCHOR.finding(
                ctx.subject,
                _line(row.line),
                f"{_line(row.line)}: link {target} matches no heading anchor",
            )


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


@RULES.check(KIND)
def check_acronyms(ctx: BlogLintContext) -> Iterator[Finding]:
    text = "\n".join(_URL.sub(" ", line) for _number, line in ctx.post.body_lines())
    numbers = [number for number, _line_text in ctx.post.body_lines()]
    acronyms = dict(ACRONYMS)
    for edition in ("CE", "EE"):
        acronyms.setdefault(edition, ())
    acronyms["CE"] = (*acronyms["CE"], "Community Edition")
    acronyms["EE"] = (*acronyms["EE"], "Enterprise Edition")
    for acronym, expansions in acronyms.items():
        match = re.search(rf"(?<![\w-]){re.escape(acronym)}(?![\w]|-\d)", text)
        if match is None:
            continue
        before = _normal(text[max(0, match.start() - 80) : match.start()]).rstrip("( ")
        if any(before.endswith(_normal(e)) for e in expansions):
            continue
        number = numbers[text.count("\n", 0, match.start())]
        yield R_ACRONYM.finding(
            ctx.subject,
            _line(number),
            f"{_line(number)}: {acronym} is used before it is spelled out "
            f"(write '{expansions[0]} ({acronym})' at its first use)",
        )


@RULES.check(KIND)
def check_author(ctx: BlogLintContext) -> Iterator[Finding]:
    front = ctx.post.front_matter
    for key in ("author", "author_gitlab"):
        value = str(front.get(key) or "").strip()
        if not value:
            yield R_AUTHOR.finding(ctx.subject, key, f"{key}: not set")
            continue
        if ctx.expected is None:
            continue
        wanted = getattr(ctx.expected, key)
        if wanted and value.lstrip("@") != wanted:
            yield R_AUTHOR.finding(
                ctx.subject, key, f"{key}: {value!r}, but the engineer on rotation is {wanted!r}"
            )


@RULES.check(KIND)
def check_cvss(ctx: BlogLintContext) -> Iterator[Finding]:
    for section in ctx.post.sections:
        if section.cve_id is None:
            continue
        name = section.cve_id
        entry = section.fields.get("cvss")
        if entry is None:
            yield R_CVSS.finding(ctx.subject, name, f"{name}: no **CVSS** line")
            continue
        number, value = entry
        parsed = cvss_field(value)
        if parsed is None:
            yield R_CVSS.finding(
                ctx.subject,
                _line(number),
                f"{_line(number)}: {name}: CVSS {value!r} is not '<score> (CVSS:3.1/...)'",
            )
            continue
        vector = parsed.vector
        if not vector.upper().startswith("CVSS:"):
            yield R_CVSS.finding(
                ctx.subject, _line(number), f"{_line(number)}: {name}: vector lacks 'CVSS:3.1/'"
            )
        try:
            score = parse_vector(vector)
        except InputError as exc:
            yield R_CVSS.finding(ctx.subject, _line(number), f"{_line(number)}: {name}: {exc}")
            continue
        if abs(score.base_score - float(parsed.score)) > 0.05:
            yield R_CVSS.finding(
                ctx.subject,
                _line(number),
                f"{_line(number)}: {name}: score {parsed.score} but the vector scores "
                f"{score.base_score}",
            )


@RULES.check(KIND)
def check_overshare(ctx: BlogLintContext) -> Iterator[Finding]:
    for section in ctx.post.sections:
        name = section.cve_id or section.title
        for part, text in (("title", section.title), ("description", section.description)):
            found = find_title_overshare(text) if part == "title" else find_overshare(text)
            if found:
                yield R_OVERSHARE.finding(
                    ctx.subject,
                    _line(section.heading.line),
                    f"{name}: {part} overshares: {summarize(found)}",
                )


def _weakness(section: FixSection, ctx: BlogLintContext) -> str:
    if ctx.expected is not None and section.cve_id:
        for entry in ctx.expected.security_fixes:
            if entry.cve_id == section.cve_id and entry.cwe:
                return entry.cwe
    return section.title.split(" issue in ")[0].strip().lower()


def _comparable(text: str) -> str:
    """What tells two fixes apart: the description without its list of affected ranges, which
    says when the bug arrived, not what it is (two fixes of one weakness with the same impact
    wording are alike whether or not they reach the same lines)."""
    phrase = find_version_phrase(text)
    if phrase is not None:
        text = text[: phrase.start] + text[phrase.end :]
    text = re.sub(r"\d+(?:\.\w+)+", "V", text.lower())
    return " ".join(text.split())


@RULES.check(KIND)
def check_distinct(ctx: BlogLintContext) -> Iterator[Finding]:
    groups: dict[str, list[FixSection]] = {}
    for section in ctx.post.sections:
        if section.cve_id:
            groups.setdefault(_weakness(section, ctx), []).append(section)
    for weakness, members in groups.items():
        for index, first in enumerate(members):
            for second in members[index + 1 :]:
                a, b = _comparable(first.description), _comparable(second.description)
                if not a or not b:
                    continue
                ratio = difflib.SequenceMatcher(None, a, b).ratio()
                if ratio >= 0.9:
                    yield R_DISTINCT.finding(
                        ctx.subject,
                        _line(second.heading.line),
                        f"{first.cve_id} and {second.cve_id} ({weakness}): descriptions are "
                        f"{round(ratio * 100)}% alike",
                    )


@RULES.check(KIND)
def check_front_matter(ctx: BlogLintContext) -> Iterator[Finding]:
    post = ctx.post
    if post.front_matter_error:
        yield R_FRONT.finding(
            ctx.subject, "front matter", f"front matter: {post.front_matter_error}"
        )
        return
    for key in REQUIRED_FRONT_MATTER:
        if key in ("author", "author_gitlab"):
            continue  # BLG008
        if not str(post.front_matter.get(key) or "").strip():
            yield R_FRONT.finding(ctx.subject, key, f"{key}: missing from the front matter")
    if ctx.expected is None:
        return
    title = str(post.front_matter.get("title") or "")
    named = sorted(versions_in(title), reverse=True)
    wanted = [Version.parse(v) for v in ctx.expected.versions]
    if named and named != wanted:
        yield R_FRONT.finding(
            ctx.subject,
            "title",
            f"title: names {', '.join(map(str, named))}; the release ships "
            f"{', '.join(ctx.expected.versions)}",
        )
    path = str(post.front_matter.get("canonical_path") or "")
    if path and path != ctx.expected.canonical_path:
        yield R_FRONT.finding(
            ctx.subject,
            "canonical_path",
            f"canonical_path: {path!r}, expected {ctx.expected.canonical_path!r}",
        )


@RULES.check(KIND)
def check_severity(ctx: BlogLintContext) -> Iterator[Finding]:
    sections = _anchor_sections(ctx)
    for row in ctx.post.table:
        score = _section_score(sections.get(row.target.lstrip("#")))
        if not score:
            continue
        wanted = SEVERITY_NAMES[severity_from_score(score)]
        if row.severity.strip().lower() != wanted:
            yield R_SEVERITY.finding(
                ctx.subject,
                _line(row.line),
                f"{_line(row.line)}: {row.title!r} is {row.severity or 'unrated'} but scores "
                f"{score} ({wanted})",
            )


def lint(ctx: BlogLintContext) -> list[Finding]:
    """Every blog check, findings sorted by line where they have one; the confidentiality
    check (``CNF``) last."""
    import psirt.rules.confidential  # noqa: F401  (registers its blog check)

    return RULES.run(KIND, ctx)
