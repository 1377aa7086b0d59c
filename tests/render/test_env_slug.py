"""The template environment's escaping filters, workspace overrides, and the heading slug."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from psirt.core.errors import InputError
from psirt.parsing.markdown import (
    escape_html,
    escape_markdown,
    escape_markdown_links,
    heading_anchor,
    plain_text,
    slug,
)
from psirt.render.env import render, yaml_string


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


@pytest.mark.parametrize(
    "hostile",
    [
        "Click [here](https://evil.example) now",
        "<img src=x onerror=alert(1)>",
        "![pic](https://evil.example/a.png)",
        "<https://evil.example>",
        "*bold* and `code` and __under__",
        "# not a heading",
        "- not a list",
        "a | b | c",
    ],
)
def test_escaped_text_renders_as_itself_without_links_or_tags(hostile: str) -> None:
    html = _html(escape_markdown(hostile))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html
    assert "<em>" not in html and "<code>" not in html and "<h1>" not in html
    assert "<ul>" not in html
    assert plain_text(escape_markdown(hostile)) == hostile


def test_escaped_text_stays_in_its_table_cell() -> None:
    row = f"| {escape_markdown('a | b')} | High |"
    html = _html("| Title | Severity |\n| --- | --- |\n" + row + "\n")
    assert html.count("<td>") == 2


def test_newlines_cannot_start_a_new_block() -> None:
    assert "\n" not in escape_markdown("title\n\n## Injected")


def test_link_filter_keeps_https_links_only() -> None:
    text = "Thanks [a_b](https://hackerone.com/a_b) and [x](javascript:alert(1)) <b>"
    out = escape_markdown_links(text)
    assert "[a\\_b](https://hackerone.com/a_b)" in out
    assert "\\[x\\](javascript:alert(1))" in out
    assert "&lt;b&gt;" in out
    assert _html(out).count("<a ") == 1


def test_html_and_yaml_filters() -> None:
    assert escape_html('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert yaml_string('say "hi": #1') == '"say \\"hi\\": #1"'


def test_slug_follows_the_site_rules() -> None:
    assert slug("CVE-2025-3601 - Improper Access Control issue impacts GitLab CE/EE") == (
        "cve-2025-3601---improper-access-control-issue-impacts-gitlab-ceee"
    )
    assert slug("Update mermaid dependency") == "update-mermaid-dependency"
    assert slug("('Code Injection') it's") == "code-injection-its"


def test_heading_anchor_uses_the_link_text() -> None:
    heading = "[CVE-2026-4101](https://www.cve.org/CVERecord?id=CVE-2026-4101) - Foo\\_bar issue"
    assert heading_anchor(heading) == "cve-2026-4101---foo_bar-issue"


def test_workspace_template_overrides_the_packaged_one(tmp_path: Path) -> None:
    (tmp_path / "hello.md.j2").write_text("Hi {{ name | md }}\n", encoding="utf-8")
    assert render("hello.md.j2", {"name": "*x*"}, tmp_path) == "Hi \\*x\\*\n"


def test_unknown_template_and_unknown_value_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no template"):
        render("missing.md.j2", {}, tmp_path)
    (tmp_path / "t.j2").write_text("{{ nope }}", encoding="utf-8")
    with pytest.raises(InputError, match="unknown value"):
        render("t.j2", {}, tmp_path)
