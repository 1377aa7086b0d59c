"""Versions: parsing, order, stable branch names, versions found in a text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psirt.core.errors import InputError
from psirt.core.versions import Version, versions_in


def test_versions_parse_order_and_name_branches() -> None:
    assert str(Version.parse("18.10.1")) == "18.10.1"
    assert Version.parse("18.10.1").series == Version(18, 10)
    assert Version.parse("18.10").stable_branch == "18-10-stable-ee"
    assert sorted(map(Version.parse, ["18.9.3", "18.10.1", "18.8.7", "18.10"])) == [
        Version(18, 8, 7),
        Version(18, 9, 3),
        Version(18, 10),
        Version(18, 10, 1),
    ]
    with pytest.raises(InputError, match="not a version"):
        Version.parse("18.x")


def test_versions_in_text_skip_longer_dotted_numbers() -> None:
    found = versions_in("from 16.10 before 18.8.7, and 18.10 before 18.10.1. Not 1.2.3.4")
    assert [str(v) for v in found] == ["16.10", "18.8.7", "18.10", "18.10.1"]


@given(st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)))
def test_version_text_round_trip(parts: tuple[int, int, int]) -> None:
    text = ".".join(map(str, parts))
    assert str(Version.parse(text)) == text
