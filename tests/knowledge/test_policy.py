from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from psirt.core.errors import InputError
from psirt.core.versions import Version
from psirt.knowledge.policy import (
    AffectedRange,
    affected_ranges,
    fixed_versions,
    fixed_versions_of,
    maintained_minors,
    next_patch_versions,
    solution_text,
    stable_branches,
    version_phrase,
)


def v(text: str) -> Version:
    return Version.parse(text)


def vs(*texts: str) -> list[Version]:
    return [v(t) for t in texts]


RELEASE = vs("18.10.1", "18.9.3", "18.8.7")  # DOMAIN.md: the 2026-03-25 patch release


def test_maintained_minors_and_stable_branches_newest_first() -> None:
    assert maintained_minors(RELEASE) == vs("18.10", "18.9", "18.8")
    assert stable_branches(RELEASE) == ["18-10-stable-ee", "18-9-stable-ee", "18-8-stable-ee"]


def test_maintained_minors_keeps_the_newest_count_and_merges_patches() -> None:
    history = vs("18.7.9", "18.8.6", "18.8.7", "18.9.3", "18.10.0", "18.10.1", "17.11.2")
    assert maintained_minors(history) == vs("18.10", "18.9", "18.8")
    assert maintained_minors(history, count=2) == vs("18.10", "18.9")
    assert fixed_versions_of(history) == vs("18.8.7", "18.9.3", "18.10.1")
    with pytest.raises(InputError, match="at least 1"):
        maintained_minors(history, count=0)


def test_maintained_minors_across_a_major() -> None:
    assert maintained_minors(vs("18.10.3", "18.11.2", "19.0.1")) == vs("19.0", "18.11", "18.10")


def test_next_patch_versions() -> None:
    latest = vs("18.10.0", "18.9.2", "18.8.6", "18.7.5")
    assert next_patch_versions(latest) == vs("18.10.1", "18.9.3", "18.8.7")
    assert next_patch_versions(vs("19.0")) == vs("19.0.1")


def test_domain_md_published_example() -> None:
    ranges = affected_ranges(v("16.10"), RELEASE)
    assert [str(r) for r in ranges] == [">=16.10, <18.8.7", ">=18.9, <18.9.3", ">=18.10, <18.10.1"]
    assert fixed_versions(ranges) == vs("18.8.7", "18.9.3", "18.10.1")
    assert version_phrase(ranges) == (
        "from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1"
    )
    assert solution_text(fixed_versions(ranges)) == (
        "Upgrade to versions 18.8.7, 18.9.3, 18.10.1 or above."
    )


def test_blog_post_example_from_domain_md() -> None:
    ranges = affected_ranges(v("8.15"), vs("18.3.1", "18.2.5", "18.1.5"))
    assert (
        version_phrase(ranges)
        == "from 8.15 before 18.1.5, 18.2 before 18.2.5, and 18.3 before 18.3.1"
    )


def test_first_affected_in_the_newest_minor_gives_one_range() -> None:
    ranges = affected_ranges(v("18.10"), RELEASE)
    assert [str(r) for r in ranges] == [">=18.10, <18.10.1"]
    assert version_phrase(ranges) == "from 18.10 before 18.10.1"
    assert (
        solution_text(fixed_versions(ranges)) == "Upgrade to versions 18.10.1 or above."
    )  # GitLab: plural


def test_first_affected_in_a_newer_minor_drops_older_lines() -> None:
    ranges = affected_ranges(v("18.9"), RELEASE)
    assert [str(r) for r in ranges] == [">=18.9, <18.9.3", ">=18.10, <18.10.1"]
    assert version_phrase(ranges) == "from 18.9 before 18.9.3 and 18.10 before 18.10.1"


def test_patch_level_start() -> None:
    ranges = affected_ranges(v("18.9.1"), RELEASE)
    assert [str(r) for r in ranges] == [">=18.9.1, <18.9.3", ">=18.10, <18.10.1"]
    assert version_phrase(ranges) == "from 18.9.1 before 18.9.3 and 18.10 before 18.10.1"


def test_patch_level_start_in_the_oldest_line() -> None:
    ranges = affected_ranges(v("18.8.2"), RELEASE)
    assert next(str(r) for r in ranges) == ">=18.8.2, <18.8.7"
    assert len(ranges) == 3


def test_release_versions_in_any_order() -> None:
    assert affected_ranges(v("16.10"), list(reversed(RELEASE))) == affected_ranges(
        v("16.10"), RELEASE
    )


@pytest.mark.parametrize(
    ("first", "releases", "message"),
    [
        ("18.11", RELEASE, "newer than every release version"),
        ("18.9.3", RELEASE, "not before its fix 18.9.3"),
        ("16.10", [], "no release versions"),
        ("16.10", vs("18.10", "18.9.3"), "has no patch number"),
    ],
)
def test_affected_ranges_errors(first: str, releases: list[Version], message: str) -> None:
    with pytest.raises(InputError, match=message):
        affected_ranges(v(first), releases)


@pytest.mark.parametrize(
    "text", [">=16.10, <18.8.7", ">= 16.10 , < 18.8.7", ">=16.10,<18.8.7", " >=16.10 <18.8.7 "]
)
def test_affected_range_parse_accepts_spacing_variants(text: str) -> None:
    parsed = AffectedRange.parse(text)
    assert parsed == AffectedRange(v("16.10"), v("18.8.7"))
    assert str(parsed) == ">=16.10, <18.8.7"


@pytest.mark.parametrize(
    "text", ["<18.8.7", ">=16.10", "16.10 - 18.8.7", ">=16.x, <18.8.7", ">16.10, <=18.8.7", ""]
)
def test_affected_range_parse_rejects_other_shapes(text: str) -> None:
    with pytest.raises(InputError):
        AffectedRange.parse(text)


def test_affected_range_must_start_before_its_fix() -> None:
    with pytest.raises(InputError, match="start is not before the fix"):
        AffectedRange.parse(">=18.9.3, <18.9.3")


def test_affected_range_membership() -> None:
    r = AffectedRange(v("18.9"), v("18.9.3"))
    assert v("18.9.0") in r and v("18.9.2") in r
    assert v("18.9.3") not in r and v("18.8.9") not in r
    assert "18.9.1" not in r


def test_phrase_and_solution_errors() -> None:
    with pytest.raises(InputError):
        version_phrase([])
    with pytest.raises(InputError):
        solution_text([])


def test_solution_sorts_and_deduplicates() -> None:
    assert solution_text(vs("18.10.1", "18.8.7", "18.9.3", "18.9.3")) == (
        "Upgrade to versions 18.8.7, 18.9.3, 18.10.1 or above."
    )


# --- properties --------------------------------------------------------------------------------

versions = st.builds(
    Version,
    st.integers(0, 30),
    st.integers(0, 15),
    st.one_of(st.none(), st.integers(0, 20)),
)


@given(st.lists(versions, min_size=1, max_size=12))
def test_version_ordering_is_numeric_and_total(items: list[Version]) -> None:
    ordered = sorted(items)
    keys = [(x.major, x.minor, -1 if x.patch is None else x.patch) for x in ordered]
    assert keys == sorted(keys)
    assert [Version.parse(str(x)) for x in ordered] == ordered


@st.composite
def releases(draw: st.DrawFn) -> list[Version]:
    """Three consecutive minors (possibly across a major), each with a patch release."""
    major = draw(st.integers(15, 25))
    minor = draw(st.integers(0, 11))
    lines = []
    for step in range(3):
        months = minor + step
        lines.append(Version(major + months // 12, months % 12, draw(st.integers(1, 12))))
    return lines


@given(releases(), st.data())
def test_ranges_cover_exactly_the_affected_versions(
    release: list[Version], data: st.DataObject
) -> None:
    oldest = min(release)
    first = data.draw(
        st.one_of(
            st.builds(Version, st.integers(8, oldest.major), st.integers(0, 11)),
            st.sampled_from([r.series for r in release]),
            st.sampled_from(release).flatmap(
                lambda fix: st.builds(
                    Version,
                    st.just(fix.major),
                    st.just(fix.minor),
                    st.integers(0, (fix.patch or 1) - 1),
                )
            ),
        )
    )
    assume(first.series <= max(release).series)
    ranges = affected_ranges(first, release)
    fixes = sorted(release)
    # oldest first, disjoint, one per line that carries the bug, each ending at that line's fix
    assert [r.fixed for r in ranges] == [f for f in fixes if f.series >= first.series]
    assert ranges[0].start == first
    assert all(r.start.series == r.fixed.series for r in ranges[1:])
    assert all(a.fixed < b.start for a, b in itertools.pairwise(ranges))
    # every patch version of a maintained line is affected iff it is >= first and < the fix
    for fix in fixes:
        for patch in range(fix.patch + 3 if fix.patch is not None else 0):
            candidate = Version(fix.major, fix.minor, patch)
            expected = first <= candidate < fix
            assert any(candidate in r for r in ranges) is expected
    assert fixed_versions(ranges) == [r.fixed for r in ranges]
    parsed = [AffectedRange.parse(str(r)) for r in ranges]
    assert parsed == ranges
    phrase = version_phrase(ranges)
    assert phrase.startswith(f"from {first} before ")
    assert phrase.count(" before ") == len(ranges)


# -- reduced backports: a line without the fix is not fixed by its patch --------------------


def test_fix_in_the_newest_line_only_covers_every_line_with_one_range() -> None:
    ranges = affected_ranges(v("16.10"), RELEASE, fixed_lines=vs("18.10"))
    assert [str(r) for r in ranges] == [">=16.10, <18.10.1"]
    assert (
        solution_text(fixed_versions(ranges)) == "Upgrade to versions 18.10.1 or above."
    )  # GitLab: plural


def test_fix_in_two_lines_folds_the_unfixed_oldest_line_into_the_next() -> None:
    ranges = affected_ranges(v("18.8"), RELEASE, fixed_lines=vs("18.10", "18.9"))
    assert [str(r) for r in ranges] == [">=18.8, <18.9.3", ">=18.10, <18.10.1"]


def test_a_skipped_middle_line_starts_the_next_range_at_its_own_minor() -> None:
    # 18.9.x never got the fix: it must stay inside a range, not fall between two.
    ranges = affected_ranges(v("16.10"), RELEASE, fixed_lines=vs("18.10", "18.8"))
    assert [str(r) for r in ranges] == [">=16.10, <18.8.7", ">=18.9, <18.10.1"]
    assert all(any(x in r for r in ranges) for x in vs("18.8.6", "18.9.0", "18.9.3", "18.10.0"))


def test_every_line_fixed_is_the_ordinary_case_and_lines_may_be_patches() -> None:
    assert affected_ranges(v("16.10"), RELEASE, fixed_lines=vs("18.8.7", "18.9.3", "18.10.1")) == (
        affected_ranges(v("16.10"), RELEASE)
    )


def test_the_newest_line_without_the_fix_is_refused() -> None:
    with pytest.raises(InputError, match=r"does not reach 18\.10\.1"):
        affected_ranges(v("16.10"), RELEASE, fixed_lines=vs("18.9", "18.8"))
    with pytest.raises(InputError, match="none of them"):
        affected_ranges(v("16.10"), RELEASE, fixed_lines=[])
