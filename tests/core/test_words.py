"""One helper for counted words: every message says "1 warning" and "2 warnings"."""

from __future__ import annotations

import pytest

from psirt.core.words import noun, plural, quoted


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [
        (0, "warning", "0 warnings"),
        (1, "warning", "1 warning"),
        (2, "warning", "2 warnings"),
        (1, "error", "1 error"),
        (1, "record", "1 record"),
        (3, "record", "3 records"),
        (2, "fix", "2 fixes"),
        (1, "security fix", "1 security fix"),
        (11, "security fix", "11 security fixes"),
        (2, "CVE request", "2 CVE requests"),
        (2, "CVE", "2 CVEs"),
        (2, "MR", "2 MRs"),
        (2, "entry", "2 entries"),
        (10, "vulnerability", "10 vulnerabilities"),
        (2, "day", "2 days"),
        (2, "person", "2 people"),
        (1, "person", "1 person"),
    ],
)
def test_plural(count: int, word: str, expected: str) -> None:
    assert plural(count, word) == expected


def test_a_plural_the_rules_do_not_know_is_given() -> None:
    assert plural(2, "criterion", "criteria") == "2 criteria"
    assert noun("security issue", 1) == "security issue"
    assert noun("security issue", 2) == "security issues"


def test_quoted_is_text_not_a_repr() -> None:
    """Someone's words on one line in double quotes, as written: no escaped quotes."""
    assert quoted("it's 'fine'\n  really") == "\"it's 'fine' really\""
    assert quoted("x" * 400, limit=10) == '"xxxxxxx..."'
