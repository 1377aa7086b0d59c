"""A reference names a HackerOne report exactly as the pattern ``hackerone.com/reports/<id>\\b``
says, found without compiling a pattern per report."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from psirt.rules.cve_request.references import names_report

IDS = st.sampled_from(["", "1", "12", "123", "1234", "12-3", "a", "-"])
PIECES = st.sampled_from(
    [
        "https://",
        "hackerone.com/reports/",
        "HackerOne.com/reports/",
        "1",
        "2",
        "3",
        "4",
        "-",
        "a",
        "/",
        "?",
        "#",
        " ",
        "é",
        "_",
        "hackerone.com/report/",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join), IDS)
def test_names_a_report_as_the_pattern_does(url: str, report_id: str) -> None:
    pattern = rf"hackerone\.com/reports/{re.escape(report_id)}\b"
    assert names_report(url, report_id) == bool(re.search(pattern, url))


def test_a_longer_id_is_another_report() -> None:
    assert names_report("https://hackerone.com/reports/123", "123")
    assert not names_report("https://hackerone.com/reports/1234", "123")
    assert names_report("see hackerone.com/reports/1234 and hackerone.com/reports/123/", "123")
