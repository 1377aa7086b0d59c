"""Counted words in messages: the one place that says "1 warning" and "2 warnings"."""

from __future__ import annotations

from psirt.core.text import shorten

# Words whose plural the rules below do not give.
_IRREGULAR = {"person": "people", "was": "were", "is": "are"}


def plural_of(word: str) -> str:
    """The plural of ``word`` (of its last word: ``security fix`` -> ``security fixes``):
    ``-s``, ``-x``, ``-ch``, ``-sh`` take ``-es``, a consonant and ``-y`` take ``-ies``, an
    upper-case abbreviation (``CVE``, ``MR``) takes ``s``."""
    head, _, last = word.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in _IRREGULAR:
        return prefix + _IRREGULAR[last]
    if last.isupper():
        return f"{prefix}{last}s"
    if last.endswith(("s", "x", "ch", "sh")):
        return f"{prefix}{last}es"
    if last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        return f"{prefix}{last[:-1]}ies"
    return f"{prefix}{last}s"


def noun(word: str, count: int, many: str | None = None) -> str:
    """``word`` agreeing with ``count``, without the count: ``noun("fix", 2)`` -> ``fixes``."""
    return word if count == 1 else (many or plural_of(word))


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 warning``, ``0 warnings``, ``2 fixes``: the count and the word that agrees with it
    (``many`` for a plural the table does not know, e.g. ``plural(n, "CVE request")``
    needs none, ``plural(n, "person", "people")`` does)."""
    return f"{count} {noun(word, count, many)}"


def quoted(text: str, limit: int = 300) -> str:
    """Someone's words in a message: on one line, in double quotes, shortened as every quoted
    input is (``core.text.shorten``), never a Python repr with escaped quotes."""
    return f'"{shorten(" ".join(text.split()), limit)}"'
