"""Every parser reads a text with CRLF line endings (a browser submits a form's text that way)
as it reads the same text with LF: the demo's descriptions, notes and post, both ways."""

from __future__ import annotations

from pathlib import Path

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.records import Note
from psirt.core.workspace import Workspace
from psirt.parsing.blog_post import parse_post
from psirt.parsing.council import parse_council
from psirt.parsing.cve_yaml import CveDocument, find_yaml_block
from psirt.parsing.details import parse_details
from psirt.parsing.links import parse_links
from psirt.parsing.tasklist import parse_tasks
from psirt.session import open_session


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def test_descriptions_and_notes_parse_alike_with_crlf(demo_template: Path) -> None:
    session = open_session(Workspace(demo_template), env={})
    config = session.config
    issues = [
        issue
        for project in (config.projects.security, config.projects.cve_requests)
        for issue in session.tracker.find_issues(project)
    ]
    assert len(issues) >= 20
    for issue in issues:
        lf, crlf = issue.description, _crlf(issue.description)
        assert "\r\n" in crlf or "\n" not in lf
        assert parse_details(crlf) == parse_details(lf)
        assert parse_links(crlf) == parse_links(lf)
        assert [(t.text, t.checked, t.line) for t in parse_tasks(crlf)] == [
            (t.text, t.checked, t.line) for t in parse_tasks(lf)
        ]
        lf_block, crlf_block = find_yaml_block(lf), find_yaml_block(crlf)
        assert (lf_block is None) == (crlf_block is None)
        if lf_block is not None and crlf_block is not None:
            assert CveDocument(crlf_block.body).to_plain() == CveDocument(lf_block.body).to_plain()
        notes = session.tracker.notes(issue.ref)
        crlf_notes = [
            Note(n.id, _crlf(n.body), n.author, n.created_at, n.internal, n.system, n.award_emoji)
            for n in notes
        ]
        assert parse_council(crlf_notes) == parse_council(notes)


def test_a_crlf_post_parses_as_the_lf_one(demo_root: Path, tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    run_app(app, ["-w", str(demo_root), "blog", "generate", "-o", str(post)])
    text = post.read_text(encoding="utf-8")
    lf, crlf = parse_post(text), parse_post(_crlf(text))
    assert (crlf.front_matter, crlf.front_matter_error) == (lf.front_matter, lf.front_matter_error)
    assert (crlf.headings, crlf.table, crlf.table_line) == (lf.headings, lf.table, lf.table_line)
    assert (crlf.sections, crlf.bug_fixes) == (lf.sections, lf.bug_fixes)
    assert len(lf.sections) >= 5
