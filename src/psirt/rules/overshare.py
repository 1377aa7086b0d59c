"""Detect what a public CVE title, description or blog entry must not say before customers patch.

The handbook asks for texts "intentionally vague": no endpoints, parameters, internal code paths,
payloads or reproduction steps. A human still decides (the ``description::validated`` label); this
detector points at the exact spans so the reviewer does not have to hunt for them. It is a pure
function of the text, shared by CVE request validation and blog lint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from psirt.knowledge.cwe import load_catalog

_HTTP_VERBS: Final = r"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)"
_CODE_EXTENSIONS: Final = r"(?:rb|go|js|ts|tsx|vue|py|haml|erb|rake|yml|yaml|json|sh|graphql|c|h)"
_SOURCE_ROOTS: Final = r"(?:app|lib|ee|config|spec|db|vendor|public|workhorse|internal|cmd|scripts)"
# ``public/internal projects``: visibility levels, not the ``public/`` or ``internal/`` folders.
_VISIBILITY: Final = r"(?:public|internal|private)(?:/(?:public|internal|private))+\b(?![/.\w])"
# ``Vue.js``, ``Node.js``: a library's name, not a file (GitLab's own files are lower case).
_LIBRARY_NAME: Final = r"[A-Z][a-z0-9]*\.js\b(?![/.\w])"
# ``a crafted parameter containing ...`` describes the parameter without naming it.
_ADJECTIVES: Final = (
    r"(?:crafted|specially|specific|certain|malicious|particular|single|additional|hidden|"
    r"user-controlled|unexpected|special)"
)

# (kind, pattern, flags). Order matters only for overlaps: earlier, more specific kinds win.
_PATTERNS: Final[tuple[tuple[str, str, int], ...]] = (
    # A curl command (options or a URL follow), not curl the product ("makes curl overflow").
    ("reproduction steps", r"\bcurl\s+(?=-|['\"]?https?://)[^\n]{1,100}", 0),
    (
        "HTTP request",
        rf"\b{_HTTP_VERBS}(?:\s+request\s+to)?(?=\s+`?(?:https?://|/))",
        0,
    ),
    (
        "payload",
        r"<\s*/?\s*(?:script|img|svg|iframe|object|embed|body|input|details|math|style|a)\b[^>\n]*>",
        re.IGNORECASE,
    ),
    ("payload", r"\bon(?:error|load|click|mouseover|focus|toggle|begin)\s*=", re.IGNORECASE),
    ("payload", r"\bjavascript:", re.IGNORECASE),
    ("payload", r"\balert\s*\(|\bprompt\s*\(\s*\d|document\.cookie", re.IGNORECASE),
    ("payload", r"\{\{[^}\n]{1,80}\}\}|\$\{[^}\n]{1,80}\}", 0),
    ("payload", r"(?:\.\./){2,}|%2e%2e(?:%2f|/)", re.IGNORECASE),
    ("payload", r"'\s*(?:OR|AND)\s+'?\d+'?\s*=\s*'?\d+|UNION\s+SELECT", re.IGNORECASE),
    (
        "file path",
        rf"(?<![\w/.-])(?!{_VISIBILITY}){_SOURCE_ROOTS}/[\w\-]+(?:/[\w\-.]+)*"
        rf"(?:\.{_CODE_EXTENSIONS})?\b",
        0,
    ),
    (
        "file path",
        rf"(?<![\w/.-])(?!{_LIBRARY_NAME})[\w\-]+(?:/[\w\-]+)*\.{_CODE_EXTENSIONS}\b(?!\.\w)",
        0,
    ),
    ("code identifier", r"\b[A-Z][A-Za-z0-9]*(?:::[A-Z][A-Za-z0-9]*)*#[a-z_][A-Za-z0-9_]*[?!]?", 0),
    ("code identifier", r"\b[A-Z][A-Za-z0-9]*(?:::[A-Z][A-Za-z0-9]*)+(?:\.[a-z_]\w*[?!]?)?", 0),
    ("code identifier", r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\s*\(\s*\)", 0),
    (
        "endpoint path",
        r"(?<![\w.:/~\-])/(?:api/v\d+|-|graphql|oauth|admin|users|projects|groups|uploads)"
        r"(?:/[\w\-.:{}]+)*",
        0,
    ),
    ("endpoint path", r"(?<![\w.:/~\-<])/[a-z_][\w\-]*(?:/[\w\-.:{}]+)+", 0),
    # A route written without its leading slash still names it by its ``:id`` / ``{id}`` part.
    (
        "endpoint path",
        r"(?<![\w.:/~\-<])[a-z_][\w\-]*(?:/[\w\-.]+)*/(?::[a-z_]\w*|\{[a-z_]\w*\})"
        r"(?:/[\w\-.:{}]+)*",
        0,
    ),
    ("URL parameter", r"[?&][A-Za-z_][\w\[\]]*=", 0),
    (
        "URL parameter",
        r"(?:`[^`\n]+`|\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\[[a-z_]+\])\s+"
        r"(?:query\s+|URL\s+|request\s+|form\s+)?param(?:eter)?s?\b",
        re.IGNORECASE,
    ),
    (
        "URL parameter",
        rf"\b(?:a|the)\s+(?!{_ADJECTIVES}\s)[a-z_]+\s+(?:query\s+|URL\s+|request\s+|form\s+)?"
        r"param(?:eter)?\s+"
        r"(?:containing|set\s+to|with\s+(?:the\s+)?value)",
        re.IGNORECASE,
    ),
    (
        "URL parameter",
        r"\bparam(?:eter)?s?\s+(?:`[^`\n]+`|[a-z]+(?:_[a-z0-9]+)+\b)",
        re.IGNORECASE,
    ),
    (
        "reproduction steps",
        r"\b(?:steps\s+to\s+reproduce|to\s+reproduce\b|proof[\s-]of[\s-]concept|\bPoC\b)",
        re.IGNORECASE,
    ),
    ("reproduction steps", r"(?m)(?:^[ \t]*(?:\d+[.)]|step\s+\d+:?)[ \t]+\S.*\n?){2,}", re.I),
    (
        "reproduction steps",
        r"\b(?:first|1\))\s*,?\s+[^.\n]{0,120}\b(?:then|next|after\s+that|finally)\b"
        r"[^.\n]{0,120}\b(?:then|next|finally)\b",
        re.IGNORECASE,
    ),
)

# What each pattern above cannot match without (one of these in the lower-cased text): a pattern
# whose text lacks them is not run. Same order as ``_PATTERNS``; ``tests/rules/test_overshare.py``
# checks the answers are those of running every pattern.
_NEEDS: Final[tuple[tuple[str, ...], ...]] = (
    ("curl",),
    ("/",),  # an HTTP verb before a path or URL
    ("<",),
    ("=",),
    ("javascript:",),
    ("alert", "prompt", "document.cookie"),
    ("{",),
    ("../", "%2e%2e"),
    ("'", "union"),
    ("/",),  # a source path
    (".",),  # a file name with its extension
    ("#",),
    ("::",),
    ("(",),
    ("/",),  # the endpoint paths
    ("/",),
    ("/",),
    ("=",),
    ("param",),
    ("param",),
    ("param",),
    ("reproduce", "proof", "poc"),
    ("\n",),  # two numbered lines
    ("then", "next", "finally"),
)
assert len(_NEEDS) == len(_PATTERNS), "one entry of _NEEDS per pattern"

_COMPILED: Final = tuple(
    (kind, re.compile(pattern, flags), needs)
    for (kind, pattern, flags), needs in zip(_PATTERNS, _NEEDS, strict=True)
)


@dataclass(frozen=True, slots=True)
class Overshare:
    """One span of a text that gives away too much."""

    kind: str  # "endpoint path", "URL parameter", "file path", "code identifier", ...
    text: str
    start: int
    end: int

    def describe(self) -> str:
        return f"{self.kind} {self.text.strip()!r}"


def find_overshare(text: str) -> list[Overshare]:
    """Every overshared span in ``text``, in order of position, overlaps resolved.

    When two spans overlap, the earlier-listed (more specific) kind wins, so a payload's
    ``src=x`` is not also reported as a URL parameter, nor a file path's segments as an endpoint.
    """
    taken: list[tuple[int, int]] = []
    found: list[Overshare] = []
    # Unicode case folding matches more than lower() shows (``ſ`` for ``s``): ASCII texts only.
    lowered = text.lower() if text.isascii() else None
    for kind, pattern, needs in _COMPILED:
        if lowered is not None:
            for need in needs:  # a loop, not any(): this runs for every pattern of every text
                if need in lowered:
                    break
            else:
                continue
        for match in pattern.finditer(text):
            start, end = match.span()
            span_text = match.group(0).rstrip(" \t\n.,;:`'\")")
            end = start + len(span_text)
            if end <= start or any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append(Overshare(kind, span_text, start, end))
    return sorted(found, key=lambda item: item.start)


def summarize(found: list[Overshare], limit: int = 6) -> str:
    """A short human list: ``endpoint path '/api/v4/...', payload '<img ...>'`` (deduplicated)."""
    seen: list[str] = []
    for item in found:
        text = item.describe()
        if text not in seen:
            seen.append(text)
    shown = ", ".join(seen[:limit])
    more = len(seen) - limit
    return shown + (f" and {more} more" if more > 0 else "")


#: Words that credit someone; a description must not (the credit has its own field). A pattern,
#: for use with ``re.IGNORECASE``; the CVE request check (rules.cve_request.description) adds
#: @handles to it.
CREDIT_WORDS = r"\b(?:thanks?\b|reported\s+by|discovered\s+by|found\s+by|credit(?:s|ed)?\s+to)"


#: A CVE request title: ``<CWE name> issue in <component> impacts <product> <edition>``.
CVE_TITLE = re.compile(r"^(?P<cwe>.+?) issue in (?P<component>.+?) impacts (?P<product>.+)$")


def find_title_overshare(title: str) -> list[Overshare]:
    """Oversharing in a CVE title. The leading CWE name is MITRE's own wording and may hold a
    path ("Path Traversal: '/dir/../filename'"), so only what follows it is checked."""
    match = CVE_TITLE.match(title)
    if match is not None and load_catalog().by_name(match["cwe"]) is not None:
        return find_overshare(title[match.end("cwe") :])
    return find_overshare(title)
