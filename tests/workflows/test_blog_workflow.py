"""blog generate / lint and cve export / lint through the command line, on the demo workspace."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.config import Config
from psirt.core.records import IssueRef
from psirt.core.workspace import Workspace
from psirt.parsing.blog_post import parse_post
from psirt.session import open_session
from psirt.trackers.local import LocalTracker
from psirt.workflows.blog import generate

CONFIG = Config()


@pytest.fixture
def ws(demo_root: Path) -> Path:
    return demo_root


def _run(ws: Path, *args: str) -> int:
    return run_app(app, ["--workspace", str(ws), *args])


def test_generate_writes_the_file_and_lint_reports_the_demo_defects(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = ws / "post.md"
    assert _run(ws, "blog", "generate", "-o", str(post)) == 0
    text = post.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "GitLab Patch Release: 18.10.1, 18.9.3, 18.8.7"')
    capsys.readouterr()
    assert _run(ws, "blog", "lint", str(post), "--format", "json") == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    codes = {f["code"] for f in findings}
    assert codes == {"BLG003", "BLG010"}
    overshare = next(f for f in findings if f["code"] == "BLG010")
    assert "CVE-2026-4102" in overshare["message"]
    # each finding names the post and the line it is on
    placeholder = next(f for f in findings if f["code"] == "BLG003")
    line = int(placeholder["field"].removeprefix("line "))
    assert placeholder["location"]["line"] == line
    assert Path(placeholder["location"]["path"]).resolve() == post.resolve()


def test_generate_json_says_where_and_what_is_held_back(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = ws / "post.md"
    capsys.readouterr()
    assert _run(ws, "blog", "generate", "-o", str(post), "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["path"] == str(post) and data["text"] == post.read_text(encoding="utf-8")
    assert [line.split(" (")[0] for line in data["held_back"]] == ["held back: CVE-2026-4104"]


def test_one_default_post_for_generate_lint_and_verify(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``out/blog.md`` in the workspace, unless told otherwise; each command's help says so."""
    default = ws / "out" / "blog.md"
    assert _run(ws, "blog", "generate") == 0
    assert default.is_file() and str(default) in capsys.readouterr().err
    assert _run(ws, "blog", "lint", "--format", "json") == 1  # the demo's defects
    assert {f["code"] for f in json.loads(capsys.readouterr().out)["findings"]} == {
        "BLG003",
        "BLG010",
    }
    assert _run(ws, "verify-fixes", "--format", "json") == 1
    assert json.loads(capsys.readouterr().out)["post"] == str(default)
    assert _run(ws, "blog", "generate", "-o", "-") == 0
    assert capsys.readouterr().out == default.read_text(encoding="utf-8")
    for command in (["blog", "generate"], ["blog", "lint"], ["verify-fixes"]):
        assert run_app(app, [*command, "--help"]) == 0
        assert "out/blog.md in the workspace" in " ".join(capsys.readouterr().out.split())


def test_lint_outside_a_workspace_needs_the_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_app(app, ["blog", "lint"]) == 2
    assert "outside a workspace there is no default" in capsys.readouterr().err


def test_table_is_ordered_and_every_link_resolves(ws: Path) -> None:
    parsed = parse_post(generate(open_session(Workspace(ws))).text)
    severities = [row.severity for row in parsed.table]
    order = ["Critical", "High", "Medium", "Low"]
    assert severities == sorted(severities, key=order.index)
    assert all(row.target[1:] in parsed.anchors for row in parsed.table)
    assert len(parsed.sections) == 10  # the reverted fix is held back
    assert parsed.bug_fixes["18.10.1"] == (
        "Fix pipeline graph rendering for large DAGs",
        "Restore sorting of merge request reviewers",
    )


def test_hostile_title_cannot_inject_a_link_or_a_tag(ws: Path) -> None:
    tracker = LocalTracker(ws)
    ref = IssueRef(CONFIG.projects.cve_requests, 3101)
    issue = tracker.get_issue(ref)
    tracker.save_issue(
        replace(issue, title="Evil [click](https://evil.example) <script>x</script>")
    )
    text = generate(open_session(Workspace(ws))).text
    assert "[click](https://evil.example)" not in text
    assert "<script>" not in text
    assert "Evil \\[click\\](https://evil.example) &lt;script&gt;x&lt;/script&gt;" in text


def test_a_fix_without_cve_request_gets_a_plain_section(ws: Path) -> None:
    tracker = LocalTracker(ws)
    ref = IssueRef(CONFIG.projects.security, 1111)
    issue = tracker.get_issue(ref)
    description = issue.description.replace("| CVE request | gitlab-org/cves#3111 |\n", "")
    tracker.save_issue(replace(issue, description=description))
    tracker.unlink_issues(ref, IssueRef(CONFIG.projects.cve_requests, 3111))
    post = generate(open_session(Workspace(ws))).post
    assert [e.title for e in post.fixes_without_cve] == [issue.title]
    text = generate(open_session(Workspace(ws))).text
    assert f"### {issue.title}" in text
    assert "CVE-2026-4111" not in text


def test_workspace_template_overrides_a_partial(ws: Path) -> None:
    (ws / "templates" / "blog").mkdir(parents=True)
    (ws / "templates" / "blog" / "intro.md.j2").write_text("Custom intro.\n", encoding="utf-8")
    text = generate(open_session(Workspace(ws))).text
    assert "Custom intro." in text and "On March 25, 2026" not in text


def test_lint_outside_a_workspace_checks_the_post_alone(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    post = tmp_path / "alone.md"
    post.write_text(generate(open_session(Workspace(ws))).text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run_app(app, ["blog", "lint", str(post)]) == 1
    captured = capsys.readouterr()
    assert "no workspace" in captured.err and "BLG010" in captured.out


def test_lint_of_a_missing_file_is_a_usage_error(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(ws, "blog", "lint", str(ws / "nope.md")) == 2
    assert "nope.md" in capsys.readouterr().err


def test_cve_export_and_lint(ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cves"
    assert _run(ws, "cve", "export", "-o", str(out)) == 1  # the demo has defective CVEs
    files = sorted(out.glob("*.json"))
    assert len(files) == 10  # the reverted fix is held back
    capsys.readouterr()
    clean = out / "CVE-2026-4101.json"
    assert run_app(app, ["cve", "lint", str(clean)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out
    assert run_app(app, ["cve", "lint", str(out / "CVE-2026-4107.json"), "-f", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["code"] for f in findings] == ["REC012", "REC004"]
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert run_app(app, ["cve", "lint", str(broken)]) == 2
