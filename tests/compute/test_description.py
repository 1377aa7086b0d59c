import pytest
from hypothesis import given
from hypothesis import strategies as st

from psirt.compute.description import (
    DESCRIPTION_OPENING,
    compose_description,
    edition_in,
    find_version_phrase,
    render_ranges,
    replace_version_phrase,
    with_connective,
)
from psirt.core.versions import Version
from psirt.knowledge.policy import affected_ranges

RELEASE = [Version.parse(v) for v in ("18.10.1", "18.9.3", "18.8.7")]
RANGES = affected_ranges(Version.parse("16.10"), RELEASE)
PHRASE = "from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1"

# DOMAIN.md section 3: the 2025-26 wording of a published record.
PUBLISHED = (
    "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 before "
    "18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed an "
    "authenticated user to cause a denial of service due to improper input validation."
)
HEAD = "GitLab has remediated an issue in GitLab CE/EE affecting all versions "
TAIL = " that could have allowed an authenticated user to cause a denial of service."


def test_published_description_is_a_fixed_point() -> None:
    assert render_ranges(RANGES) == PHRASE
    assert replace_version_phrase(PUBLISHED, RANGES) == PUBLISHED


def test_blog_example_from_domain() -> None:
    # DOMAIN.md section 4: "all versions from 8.15 before 18.1.5, 18.2 before 18.2.5, and 18.3
    # before 18.3.1"
    release = [Version.parse(v) for v in ("18.3.1", "18.2.5", "18.1.5")]
    ranges = affected_ranges(Version.parse("8.15"), release)
    assert render_ranges(ranges) == (
        "from 8.15 before 18.1.5, 18.2 before 18.2.5, and 18.3 before 18.3.1"
    )


@pytest.mark.parametrize(
    "stale",
    [
        "from 1X.X before 16.X.X, 16.Y before 16.Y.Y, and 16.Z before 16.Z.Z",
        "from 1X.X before 18.9.X, and 18.10 before 18.10.X",
        "from 16.Y.Y before 18.10.X",
        "from 16.10 before 18.8.6, 18.9 before 18.9.2, and 18.10 before 18.10.0",  # last release
        "from X.Y before 18.8.7",
    ],
)
def test_placeholders_and_stale_versions_are_replaced_and_nothing_else(stale: str) -> None:
    assert replace_version_phrase(HEAD + stale + TAIL, RANGES) == HEAD + PHRASE + TAIL


def test_older_wording_becomes_the_house_phrase() -> None:
    old = (
        "An issue has been discovered in GitLab CE/EE affecting all versions starting from 15.11 "
        "before 16.4.4, all versions starting from 16.5 before 16.5.4, all versions starting from "
        "16.6 before 16.6.2. It was possible for an attacker to cause a denial of service."
    )
    assert replace_version_phrase(old, RANGES) == (
        "An issue has been discovered in GitLab CE/EE affecting all versions from 16.10 before "
        "18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1. It was possible for an attacker "
        "to cause a denial of service."
    )


def test_template_wording_prior_to_becomes_the_house_connective() -> None:
    text = (
        "[VULNTYPE] in [COMPONENT] affecting all versions from 1X.X prior to 16.X.X, 16.Y prior "
        "to 16.Y.Y, and 16.Z prior to 16.Z.Z allows [ATTACKER] to [IMPACT] via [VECTOR]"
    )
    assert replace_version_phrase(text, RANGES) == (
        "[VULNTYPE] in [COMPONENT] affecting all versions from 16.10 before 18.8.7, 18.9 before "
        "18.9.3, and 18.10 before 18.10.1 allows [ATTACKER] to [IMPACT] via [VECTOR]"
    )
    assert replace_version_phrase(text, RANGES, "prior to") == (
        "[VULNTYPE] in [COMPONENT] affecting all versions from 16.10 prior to 18.8.7, 18.9 prior "
        "to 18.9.3, and 18.10 prior to 18.10.1 allows [ATTACKER] to [IMPACT] via [VECTOR]"
    )


def test_with_connective_changes_the_phrase_only() -> None:
    text = (
        "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 prior "
        "to 18.8.7 and 18.9 prior to 18.9.3 that could have allowed a user prior to login to X."
    )
    assert with_connective(text) == (
        "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 before "
        "18.8.7 and 18.9 before 18.9.3 that could have allowed a user prior to login to X."
    )
    assert with_connective("No phrase here.") == "No phrase here."


def test_one_and_two_ranges() -> None:
    two = affected_ranges(Version.parse("18.9.1"), RELEASE)
    assert render_ranges(two) == "from 18.9.1 before 18.9.3 and 18.10 before 18.10.1"
    one = affected_ranges(Version.parse("18.10"), RELEASE)
    assert replace_version_phrase(HEAD + "from 16.Y.Y before 18.10.X" + TAIL, one) == (
        HEAD + "from 18.10 before 18.10.1" + TAIL
    )


def test_sentence_end_after_the_phrase_is_kept() -> None:
    text = "Affecting all versions from 1X.X before 18.10.X. More."
    one = affected_ranges(Version.parse("18.10"), RELEASE)
    assert (
        replace_version_phrase(text, one)
        == "Affecting all versions from 18.10 before 18.10.1. More."
    )


def test_no_phrase() -> None:
    assert find_version_phrase("A denial of service in the CI lint endpoint.") is None
    assert replace_version_phrase("A denial of service in CI lint.", RANGES) is None


def test_description_opening_reads_both_wordings() -> None:
    current = DESCRIPTION_OPENING.match(PUBLISHED)
    assert current is not None
    assert (current["vendor"], current["product"], current["edition"]) == (
        "GitLab",
        "GitLab",
        "CE/EE",
    )
    older = DESCRIPTION_OPENING.match(
        "An issue has been discovered in GitLab EE affecting all versions starting from 16.1"
    )
    assert older is not None and (older["vendor"], older["edition"]) == (None, "EE")
    opening_only = DESCRIPTION_OPENING.match("Acme has remediated an issue where a user could")
    assert opening_only is not None and opening_only["versions"] is None
    assert DESCRIPTION_OPENING.match("A user could read private notes") is None


def test_edition_in() -> None:
    assert edition_in(PUBLISHED, "GitLab") == "CE/EE"
    assert edition_in("an issue in GitLab EE affecting", "GitLab") == "EE"
    assert edition_in("no edition here", "GitLab") is None


def test_compose_from_public_description() -> None:
    text = compose_description(
        vendor="GitLab",
        product="GitLab",
        edition="EE",
        ranges=RANGES,
        public_description="Could have allowed an unauthenticated user to cause a denial of\n"
        "service under certain conditions",
    )
    assert text == (
        f"GitLab has remediated an issue in GitLab EE affecting all versions {PHRASE} that could "
        "have allowed an unauthenticated user to cause a denial of service under certain "
        "conditions."
    )


def test_compose_keeps_a_whole_sentence_and_fixes_its_versions() -> None:
    public = HEAD + "from 1X.X before 16.X.X" + TAIL
    text = compose_description(
        vendor="GitLab", product="GitLab", edition="CE/EE", ranges=RANGES, public_description=public
    )
    assert text == HEAD + PHRASE + TAIL


_minor = st.builds(Version, st.integers(15, 18), st.integers(0, 11))


@given(
    first=_minor,
    patches=st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 9)),
    prefix=st.text(alphabet="abc ,.", max_size=20),
    suffix=st.text(alphabet="abc ,", max_size=20),
)
def test_rewrite_is_idempotent_and_local(
    first: Version, patches: tuple[int, int, int], prefix: str, suffix: str
) -> None:
    release = [Version(18, 10, patches[0]), Version(18, 9, patches[1]), Version(18, 8, patches[2])]
    ranges = affected_ranges(min(first, Version(18, 10)), release)
    text = f"{prefix} affecting all versions from 1X.X before 16.X.X that{suffix}"
    once = replace_version_phrase(text, ranges)
    assert once is not None
    assert once.startswith(f"{prefix} affecting all versions from ")
    assert once.endswith(f" that{suffix}")
    assert replace_version_phrase(once, ranges) == once
