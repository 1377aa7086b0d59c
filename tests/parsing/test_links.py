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


@pytest.mark.parametrize(
    ("row", "report", "unreadable"),
    [
        ("https://hackerone.com/reports/3100001", "3100001", None),
        ("[#12](https://hackerone.com/reports/12)", "12", None),
        ("https://www.hackerone.com/reports/7#activity", "7", None),
        ("https://hackerone.com/bugs?subject=gitlab&report_id=42", "42", None),
        ("3100001", "3100001", None),
        ("N/A", None, None),
        ("https://hackerone.co/reports/3100001", None, "https://hackerone.co/reports/3100001"),
        ("https://hackerone.com/report/1", None, "https://hackerone.com/report/1"),
        ("evilhackerone.com/reports/3", None, "evilhackerone.com/reports/3"),
        ("9" * 40, None, "9" * 40),
    ],
)
def test_the_report_row_names_a_report_or_is_unreadable(
    row: str, report: str | None, unreadable: str | None
) -> None:
    from psirt.parsing.links import parse_links

    links = parse_links(
        f"## Links\n\n| Description | Link |\n| --- | --- |\n| HackerOne report | {row} |\n"
    )
    assert (links.report_id, links.unreadable_report) == (report, unreadable)
