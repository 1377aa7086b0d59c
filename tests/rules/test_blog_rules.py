"""Blog lint: each rule fails on a broken post and passes on a clean one."""

from __future__ import annotations

import pytest

from psirt.compute.post import BlogPost
from psirt.parsing.blog_post import parse_post
from psirt.rules.blog import BlogLintContext, lint
from tests.rules.broken_posts import (
    BROKEN,
    CLEAN,
    EXPECTED,
    SECOND_TITLE,
    XSS_TITLE,
    drop_second_section,
    release_for,
)


def _codes(text: str, expected: BlogPost | None = EXPECTED) -> list[str]:
    return [f.code for f in lint(BlogLintContext(parse_post(text), "post.md", expected))]


def test_the_clean_post_passes_every_rule() -> None:
    assert _codes(CLEAN) == []
    assert _codes(CLEAN, None) == []


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_rule_fails_on_its_broken_post(code: str) -> None:
    broken = BROKEN[code](CLEAN)
    assert broken != CLEAN
    assert code in _codes(broken, release_for(code))


def test_same_weakness_alike_descriptions_warn_even_when_their_ranges_differ() -> None:
    # Same CWE, same impact wording; one bug reaches 16.10, the other only 18.10: the version
    # lists differ, but a reader still cannot tell the two fixes apart.
    broken = CLEAN.replace(SECOND_TITLE, XSS_TITLE).replace(
        "could have allowed an unauthenticated user to determine whether an account exists.",
        "could have allowed an authenticated user to view the titles of confidential issues in "
        "projects.",
    )
    second = "from 18.8 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that"
    assert broken.count(second) == 1
    broken = broken.replace(second, "from 18.10 before 18.10.1 that")
    assert "BLG011" in _codes(broken, None)


def test_every_blog_rule_has_a_failing_fixture() -> None:
    from psirt.rules.registry import RULES

    assert {rule.code for rule in RULES.of_kind("blog post")} == set(BROKEN)


def test_findings_name_the_line_and_the_fix() -> None:
    broken = BROKEN["BLG006"](CLEAN)
    finding = next(
        f
        for f in lint(BlogLintContext(parse_post(broken), "post.md", EXPECTED))
        if f.code == "BLG006"
    )
    row = next(i for i, line in enumerate(broken.splitlines(), 1) if "0001-missing" in line)
    assert finding.field == f"line {row}"
    assert "#cve-2026-0001-missing" in finding.message


def test_malformed_version_typo_is_caught() -> None:
    broken = CLEAN.replace("before 18.9.3, and 18.10 before 18.10.1 that", "before 16.2.x8 that", 1)
    assert "BLG004" in _codes(broken)


def test_release_rules_are_silent_without_a_release() -> None:
    assert "BLG001" not in _codes(drop_second_section(CLEAN), None)
    assert "BLG008" not in _codes(BROKEN["BLG008"](CLEAN), None)
