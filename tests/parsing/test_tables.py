from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from psirt.core.records import AwardEmoji, IssueRef, Note
from psirt.parsing.council import parse_council
from psirt.parsing.details import DETAILS_ROWS, parse_details
from psirt.parsing.links import parse_links
from psirt.parsing.tables import atx_heading, key_value_rows, section, split_row
from psirt.parsing.tasklist import find_task, parse_tasks, set_task

DESCRIPTION = """\
## Prior to starting

- [x] Read the process

## Details

| Description | Details | Further details|
| -------- | -------- | -------- |
| Version affected | 16.10  | |
|  **gitlab ee only** |   yes | |
| Date detected | 2026-02-16 | |
| Upgrade notes | | |
| Thanks | kaizen-sec | |

## Links

| Description | Link |
| -------- | -------- |
| Canonical issue | [issue](https://gitlab.com/gitlab-org/gitlab/-/issues/51001) |
| CVE request | gitlab-org/cves#3101 |
| HackerOne report | https://hackerone.com/reports/3100001 |
"""


def test_details_rows_tolerate_case_spacing_bold_and_missing_rows() -> None:
    details = parse_details(DESCRIPTION)
    assert details.version_affected == "16.10"
    assert details.ee_only == "yes"
    assert details.ee_only_flag is True
    assert details.thanks == "kaizen-sec"
    assert details.upgrade_notes is None  # empty cell
    assert details.migration_required is None  # missing row
    assert "upgrade_notes" in details.present
    assert "migration_required" not in details.present


def test_template_placeholders_count_as_missing() -> None:
    details = parse_details(
        "## Details\n\n| a | b |\n|---|---|\n"
        "| Version affected | X.Y |\n| GitLab EE only | maybe |\n"
    )
    assert details.version_affected is None
    assert "version_affected" in details.present
    assert details.ee_only_flag is None


def test_links_table_reads_refs_urls_and_report_ids() -> None:
    links = parse_links(DESCRIPTION)
    assert links.canonical == IssueRef("gitlab-org/gitlab", 51001)
    assert links.cve_request == IssueRef("gitlab-org/cves", 3101)
    assert links.report_id == "3100001"
    assert parse_links("no links section").canonical is None


def test_section_stops_at_the_next_heading_of_the_same_level() -> None:
    body = section(DESCRIPTION, "details")
    assert body is not None
    assert "Version affected" in body
    assert "Canonical issue" not in body


def test_split_row_handles_escaped_pipes() -> None:
    assert split_row("| a \\| b | c |") == ["a | b", "c"]
    assert split_row("not a row") is None


def test_task_lists_are_read_and_ticked_in_place() -> None:
    text = "Intro\n* [ ] Publish immediately\r\n- [x] Wait to publish\n  1. [ ] nested\n"
    tasks = parse_tasks(text)
    assert [(t.text, t.checked) for t in tasks] == [
        ("Publish immediately", False),
        ("Wait to publish", True),
        ("nested", False),
    ]
    ticked = set_task(set_task(text, "publish immediately", True), "Wait to publish", False)
    assert ticked == "Intro\n* [x] Publish immediately\r\n- [ ] Wait to publish\n  1. [ ] nested\n"
    assert find_task(ticked, "**Publish** immediately") is not None
    assert set_task(ticked, "Publish immediately", True) == ticked


def test_council_vote_counts_distinct_approvers_other_than_the_author() -> None:
    note = Note(
        id=1,
        author="ivan",
        body="**Bug bounty council** vote\n\nCVSS: `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N`\n"
        "Public description: could have allowed a user\nto read data.\n\nOther text\n",
        award_emoji=(
            AwardEmoji("thumbsup", "julia"),
            AwardEmoji("thumbsup", "ivan"),
            AwardEmoji("white_check_mark", "julia"),
            AwardEmoji("thumbsdown", "ben"),
            AwardEmoji("+1", "ana"),
        ),
    )
    vote = parse_council([Note(id=0, author="x", body="unrelated"), note])
    assert vote is not None
    assert vote.vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
    assert vote.approvals == ("julia", "ana")
    assert vote.author_approved  # ivan approved his own vote: named, never counted
    assert vote.public_description == "could have allowed a user to read data."
    assert parse_council([Note(id=2, author="x", body="hello")]) is None


_cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|\\\n\r`*_"),
    max_size=20,
).map(str.strip)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.dictionaries(st.sampled_from(sorted(DETAILS_ROWS)), _cell, max_size=len(DETAILS_ROWS)),
    pad=st.sampled_from(["", " ", "   "]),
    upper=st.booleans(),
)
def test_table_parser_property(rows: dict[str, str], pad: str, upper: bool) -> None:
    lines = ["## Details", "", "| Description | Details |", "| --- | --- |"]
    for name, value in rows.items():
        shown = name.upper() if upper else name
        lines.append(f"|{pad}{shown}{pad}|{pad}{value}{pad}|")
    parsed = key_value_rows("\n".join(lines))
    assert parsed == {name: value for name, value in rows.items()}
    details = parse_details("\n".join(lines))
    assert details.present == frozenset(DETAILS_ROWS[name] for name in rows)


def test_atx_headings_as_commonmark_reads_them() -> None:
    assert atx_heading("## Links ##") == (2, "Links")
    assert atx_heading("   ### Security fixes") == (3, "Security fixes")
    assert atx_heading("    ## indented code") is None
    assert atx_heading("#hashtag") is None
    assert atx_heading("####### seven") is None
