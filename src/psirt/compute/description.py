"""The version phrase inside a CVE description, found and rewritten in place.

GitLab's descriptions name the affected versions in one phrase: today ``affecting all versions
from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1``, in older records
``affecting all versions starting from 15.11 before 16.4.4, all versions starting from 16.5
before 16.5.4``. Drafts carry template versions (``1X.X``, ``16.Y.Y``, ``18.9.X``) or versions of
an earlier release. Only the list of ranges is rewritten, as the house phrase (``from A before
B, ...``, the connective of ``[cve] connective``), so the rest of what a person wrote stays
exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from psirt.knowledge.policy import RANGE_CONNECTIVE, AffectedRange, version_phrase

Style = Literal["from", "starting"]

# A version or a template placeholder for one: 16.10, 18.8.7, 1X.X, 16.Y.Y, 18.9.X, X.Y
_V = r"(?:\d+[XYZxyz]?|[XYZxyz])(?:\.(?:\d+|\d*[XYZxyz]))*(?!\w)"
_CONN = RANGE_CONNECTIVE
_SEGMENT = (
    rf"(?:(?:all\s+)?versions\s+)?(?:starting\s+from\s+|from\s+)?{_V}\s+{_CONN}\s+{_V}"
    rf"|{_CONN}\s+{_V}"
)
_SEPARATOR = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
_PHRASE = re.compile(
    rf"\baffecting\s+(?:all\s+)?versions\s+"
    rf"(?P<list>(?:{_SEGMENT})(?:{_SEPARATOR}(?:{_SEGMENT}))*)",
    re.I,
)
_EDITION = re.compile(r"\bin\s+(?P<product>\w+)\s+(?P<edition>CE/EE|EE|CE)\b")
#: The template's opening, current (``GitLab has remediated an issue in GitLab CE/EE affecting
#: all versions ...``) or pre-2025 (``An issue has been discovered in GitLab CE/EE affecting all
#: versions ...``). The opening words alone make a whole sentence (a council text written so is
#: kept); ``vendor`` (current wording only), ``product``, ``edition`` and ``versions`` are set
#: when the rest of the opening follows the template.
DESCRIPTION_OPENING = re.compile(
    r"^\s*(?:(?P<vendor>\w+) has remediated (?:an|a security) issue|An issue has been discovered)\b"
    r"(?:\s+in\s+(?P<product>\S+)\s+(?P<edition>\S+)\s+(?P<versions>affecting all versions)\b)?"
)


#: The impact clause in the wordings GitLab publishes: ``that could have allowed``, ``that under
#: certain conditions could have allowed``, ``that, under certain conditions could have
#: allowed``, ``that could have, under certain circumstances, allowed``.
_CONDITION = r"under\s+certain\s+(?:conditions|circumstances)"
IMPACT_CLAUSE = re.compile(
    rf"\bthat,?\s+(?:{_CONDITION},?\s+)?could\s+have,?\s+(?:{_CONDITION},?\s+)?allowed\b", re.I
)


@dataclass(frozen=True, slots=True)
class VersionPhrase:
    """Where the list of ranges sits in a description, and the wording it uses."""

    start: int
    end: int
    text: str
    style: Style
    connective: str  # "before" or "prior to", as written


def find_version_phrase(description: str) -> VersionPhrase | None:
    match = _PHRASE.search(description)
    if match is None:
        return None
    text = match.group("list")
    style: Style = "starting" if re.match(r"starting\s+from\b", text, re.I) else "from"
    connective = "prior to" if re.search(r"\bprior\s+to\b", text, re.I) else "before"
    return VersionPhrase(match.start("list"), match.end("list"), text, style, connective)


def render_ranges(
    ranges: Sequence[AffectedRange], *, style: Style = "from", connective: str = "before"
) -> str:
    """The list of ranges in GitLab's wording, oldest line first.

    ``from``: ``from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1``;
    ``starting``: ``starting from 16.10 before 18.8.7, all versions starting from 18.9 before
    18.9.3, all versions starting from 18.10 before 18.10.1`` (the pre-2025 records).
    """
    if not ranges:
        raise ValueError("no affected ranges to describe")
    if style == "starting":
        parts = [f"{r.start} {connective} {r.fixed}" for r in sorted(ranges, key=lambda r: r.fixed)]
        return "starting from " + ", all versions starting from ".join(parts)
    return version_phrase(ranges, connective)


def replace_version_phrase(
    description: str, ranges: Sequence[AffectedRange], connective: str = "before"
) -> str | None:
    """``description`` with its list of ranges rewritten as the house phrase (``from 16.10
    before 18.8.7, ...``); None when it has no version phrase."""
    phrase = find_version_phrase(description)
    if phrase is None:
        return None
    new = render_ranges(ranges, connective=connective)
    return description[: phrase.start] + new + description[phrase.end :]


def with_connective(description: str, connective: str = "before") -> str:
    """``description`` with the connectives of its version phrase made ``connective`` (``from
    16.10 prior to 18.8.7`` -> ``from 16.10 before 18.8.7``), so the record and the post say
    the house phrase even where the YAML still has the draft's; unchanged without a phrase."""
    phrase = find_version_phrase(description)
    if phrase is None or phrase.connective == connective:
        return description
    text = re.sub(rf"\b{RANGE_CONNECTIVE}\b", connective, phrase.text, flags=re.I)
    return description[: phrase.start] + text + description[phrase.end :]


def edition_in(description: str, product: str) -> str | None:
    """The edition a description names (``CE/EE`` in ``... in GitLab CE/EE affecting ...``)."""
    for match in _EDITION.finditer(description):
        if match.group("product").lower() == product.lower():
            return match.group("edition")
    return None


def compose_description(
    *,
    vendor: str,
    product: str,
    edition: str,
    ranges: Sequence[AffectedRange],
    public_description: str,
    connective: str = "before",
) -> str:
    """A description from the council's public description, in GitLab's current wording:
    ``GitLab has remediated an issue in GitLab CE/EE affecting all versions from ... that
    could have allowed ...``. A public description that is already a whole sentence is kept,
    with its version phrase rewritten."""
    text = " ".join(public_description.split())
    if DESCRIPTION_OPENING.match(text):
        return replace_version_phrase(text, ranges, connective) or text
    text = re.sub(r"^that\s+", "", text, flags=re.I)
    if text[:1].isupper() and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    if not text.endswith((".", "!", "?")):
        text += "."
    return (
        f"{vendor} has remediated an issue in {product} {edition} affecting all versions "
        f"{render_ranges(ranges, connective=connective)} that {text}"
    )
