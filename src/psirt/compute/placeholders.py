"""Template placeholders left in CVE data: the one detector that update-cves, validate and the
blog lint share, so a value one of them calls "still a placeholder" is one for all.

Two questions, two functions: ``find_placeholders`` lists every placeholder token in a text (a
human sentence with ``18.9.X`` in it has one), and ``is_placeholder`` says whether a whole value
is nothing but template (``TODO``, empty, ``'>=1X.X, <16.X.X'``, the seed's example credit), so
that a tool may replace it without overwriting anything a person wrote.
"""

from __future__ import annotations

import re

# A version in which some component is a letter (the template's X, Y, Z), optionally after digits:
# 1X.X, X.Y, 16.X.X, 16.Y.Y, 18.9.X, 16.Z. Plain versions (18.9.3) never match.
_COMPONENT = r"(?:\d+|\d*[XYZxyz])"
_VERSION_LIKE = re.compile(rf"(?<![\w.])(?P<v>{_COMPONENT}(?:\.{_COMPONENT})+)(?![\w.]*\w)")
_LETTER_COMPONENT = re.compile(r"(?:^|\.)\d*[XYZxyz](?=\.|$)")

# Words that only a template or an unfinished draft contains.
_MARKER_WORDS = re.compile(r"\b(?:TODO|TBD|FIXME|XXX)\b")
# [VULNTYPE], [COMPONENT], [VENDOR][PRODUCT], <TEAM MEMBER NAME>, ${CWE_TITLE}; not the text of a
# Markdown link ([CVE-2023-1111](https://...)), which is a name, not a blank to fill.
_BRACKET_TOKENS = re.compile(
    r"\[[A-Z][A-Z0-9 _-]*\](?!\()|<[A-Z][A-Z0-9 _-]*>|\$\{[A-Za-z_][A-Za-z0-9_]*\}"
)
# Values the seed's CVE YAML template ships as examples.
_TEMPLATE_VALUES = (
    re.compile(r"^Thanks \[example\]\(https://hackerone\.com/?\)", re.I),
    re.compile(r"^https?://(?:gitlab\.com|hackerone\.com)/?$", re.I),
)
# What is left of a value made only of placeholders: operators, punctuation, quotes, spacing.
_FILLER = re.compile(r"^[\s<>=,;:'\"`()\[\]{}\-./]*$")


def _version_placeholders(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for match in _VERSION_LIKE.finditer(text):
        token = match.group("v")
        if _LETTER_COMPONENT.search(token):
            found.append((match.start("v"), match.end("v"), token))
    return found


def find_placeholders(text: str | None) -> list[str]:
    """Every placeholder token in ``text``, in order of appearance (repeats kept)."""
    if not text:
        return []
    spans: list[tuple[int, str]] = []
    spans += [(m.start(), m.group(0)) for m in _MARKER_WORDS.finditer(text)]
    spans += [(m.start(), m.group(0)) for m in _BRACKET_TOKENS.finditer(text)]
    spans += [(start, token) for start, _, token in _version_placeholders(text)]
    stripped = text.strip()
    for template in _TEMPLATE_VALUES:
        match = template.search(stripped)
        if match:
            spans.append((text.find(stripped), match.group(0)))
    return [token for _, token in sorted(spans, key=lambda item: item[0])]


def is_placeholder(text: str | None) -> bool:
    """True when the whole value is template: empty, a marker word such as TODO, a bracketed
    template token, a seed example value, or nothing but placeholder versions and punctuation.

    A human sentence that merely contains a placeholder version (``... before 18.9.X that ...``)
    is not a placeholder: it is human text with a stale phrase, which is fixed in place.
    """
    if text is None:
        return True
    stripped = text.strip()
    if not stripped or stripped.lower() in {"todo", "tbd", "n/a", "none", "null", "''", '""'}:
        return True
    if _MARKER_WORDS.search(stripped) or _BRACKET_TOKENS.search(stripped):
        return True
    if any(template.search(stripped) for template in _TEMPLATE_VALUES):
        return True
    rest = stripped
    for start, end, _ in reversed(_version_placeholders(stripped)):
        rest = rest[:start] + rest[end:]
    return rest != stripped and bool(_FILLER.match(rest))
