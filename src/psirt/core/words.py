"""Counted words in messages: the one place that says "1 warning" and "2 warnings"."""

from __future__ import annotations

# Words whose plural is not the word with an "s".
_IRREGULAR = {
    "fix": "fixes",
    "entry": "entries",
    "vulnerability": "vulnerabilities",
    "was": "were",
    "is": "are",
    "difference": "differences",
}


def plural_of(word: str) -> str:
    """``word``'s plural: the irregular ones above, else ``word + "s"``."""
    return _IRREGULAR.get(word, word + "s")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 warning``, ``0 warnings``, ``2 fixes``: the count and the word that agrees with it
    (``many`` for a plural the table does not know, e.g. ``plural(n, "CVE request")``
    needs none, ``plural(n, "person", "people")`` does)."""
    return f"{count} {word if count == 1 else (many or plural_of(word))}"


def quoted(text: str, limit: int = 300) -> str:
    """Someone's words in a message: on one line, in double quotes, cut at ``limit``
    characters with an ellipsis (never a Python repr with escaped quotes)."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "\u2026"
    return f'"{flat}"'
