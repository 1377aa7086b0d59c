"""A line of psirt's text that starts with ``/`` must not run as a GitLab quick action."""

from __future__ import annotations

from psirt.parsing.markdown import escape_quick_actions


def test_lines_starting_with_a_slash_are_escaped() -> None:
    text = "/label ~x\nkeep /close here\n /indented\n/close"
    assert escape_quick_actions(text) == "\\/label ~x\nkeep /close here\n /indented\n\\/close"


def test_fenced_code_is_left_alone() -> None:
    text = "~~~\n/close\n~~~\n````md\n```\n/x\n````\n/after"
    assert escape_quick_actions(text) == "~~~\n/close\n~~~\n````md\n```\n/x\n````\n\\/after"


def test_escaping_twice_changes_nothing_more_and_line_ends_are_kept() -> None:
    once = escape_quick_actions("/a\r\n/b\n")
    assert once == "\\/a\r\n\\/b\n"
    assert escape_quick_actions(once) == once
