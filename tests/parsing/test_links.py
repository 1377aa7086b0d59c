"""Link targets of the Links table and the task issue's link lines."""

from __future__ import annotations

import pytest

from psirt.parsing.links import link_target


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("[#12](https://gitlab.com/g/p/-/issues/12)", "https://gitlab.com/g/p/-/issues/12"),
        ("see [the report](<https://hackerone.com/reports/7>) ", "https://hackerone.com/reports/7"),
        (" <https://gitlab.com/g/p/-/issues/12> ", "https://gitlab.com/g/p/-/issues/12"),
        ("gitlab-org/cves#3105", "gitlab-org/cves#3105"),
        ("", ""),
    ],
)
def test_link_target_is_the_markdown_target_else_the_text(value: str, target: str) -> None:
    assert link_target(value) == target
