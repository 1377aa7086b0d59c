"""One findings output: one class per format, chosen by one enum, used by every command that
reports findings (validate, blog lint, cve lint, cve export, cve status)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import FindingsFormat, run_app
from psirt.core.finding import Acknowledgement, Finding, Location
from psirt.render.findings import (
    CodeQualityFormat,
    FindingGroup,
    FindingsReport,
    JsonFormat,
    TextFormat,
    by_subject,
    counts,
    fingerprint,
)

ERROR = Finding("BLG003", "error", "post.md", "line 3", "line 3: placeholder 'TODO'", "fill it")
WARNING = Finding("REC010", "warning", "CVE-1.json", "descriptions", "descriptions: ends with ü")
OTHER = Finding("CVE022", "error", "gitlab-org/cves#12", "description", "description: leaks")


def test_the_enum_chooses_one_class_per_format() -> None:
    chosen = {choice: type(choice.formatter()) for choice in FindingsFormat}
    assert chosen == {
        FindingsFormat.text: TextFormat,
        FindingsFormat.json: JsonFormat,
        FindingsFormat.codequality: CodeQualityFormat,
    }
    assert [f.machine_readable for f in (TextFormat(), JsonFormat(), CodeQualityFormat())] == [
        False,
        True,
        True,
    ]


def test_text_groups_findings_and_names_a_subject_only_when_the_heading_does_not() -> None:
    report = FindingsReport(
        (
            FindingGroup("gitlab-org/security/gitlab#2", "A fix", (OTHER,)),
            FindingGroup("post.md", "", (ERROR,)),
        ),
        "summary: 2 errors, 0 warnings",
    )
    assert TextFormat().format(report).splitlines() == [
        "gitlab-org/security/gitlab#2  A fix",
        "  error   CVE022 gitlab-org/cves#12 description: leaks",
        "",
        "post.md",
        "  error   BLG003 line 3: placeholder 'TODO'",
        "          fix: fill it",
        "",
        "summary: 2 errors, 0 warnings",
    ]
    assert "\x1b[" in TextFormat(color=True).format(report)


def test_text_drops_the_control_codes_that_rewrite_a_terminal_line_in_both_modes() -> None:
    """A hostile record's text with a carriage return, bell or backspace cannot overwrite what
    the reader sees: plain and coloured text both print it without them, and say the same."""
    import re

    hostile = Finding("REC010", "error", "CVE-2.json", "title", "title: ok\r\x07\x08\x0b\x0cFAKE")
    report = FindingsReport((FindingGroup("CVE-2.json\rX", "", (hostile, WARNING)),), "1 error")
    plain = TextFormat().format(report)
    assert not set("\r\x07\x08\x0b\x0c") & set(plain)
    assert "title: okFAKE" in plain and "CVE-2.jsonX" in plain
    coloured = TextFormat(color=True).format(report)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_details_show_in_the_text_only() -> None:
    """What a report says of a subject besides its findings (cve status: the ADP containers)
    goes under the heading in the text; scripts get the findings as always."""
    report = FindingsReport(
        (FindingGroup("CVE-1", "PUBLISHED", (WARNING,), ("CISA-ADP: SSVC Exploitation none",)),),
        "1 CVEs",
    )
    assert TextFormat().format(report).splitlines() == [
        "CVE-1  PUBLISHED",
        "  CISA-ADP: SSVC Exploitation none",
        "  warning REC010 CVE-1.json descriptions: ends with ü",
        "",
        "1 CVEs",
    ]
    assert json.loads(JsonFormat().format(report))["findings"] == [WARNING.to_json()]


def test_json_is_an_object_with_a_summary_and_the_findings() -> None:
    acked = Finding(
        "CVE007",
        "warning",
        "gitlab-org/cves#12",
        "cwe",
        "cwe: CWE-862 is Allowed-with-Review by MITRE",
        "check",
        Location(path="projects/gitlab-org/cves/issues/12.md", line=30),
        Acknowledgement("CVE007", "kim-appsec", "the most precise fit"),
    )
    report = by_subject([ERROR, WARNING, acked, ERROR], "summary line")
    data = json.loads(JsonFormat().format(report))
    assert set(data) == {"summary", "findings"}
    assert data["summary"] == {
        "text": "summary line",
        "total": 4,
        "by_level": {"error": 2, "warning": 1, "acknowledged": 1},
        "by_code": {"BLG003": 2, "CVE007": 1, "REC010": 1},
        "exit_status": 1,
    }
    (mine,) = [d for d in data["findings"] if d["code"] == "CVE007"]
    assert mine["acknowledged"] == {
        "code": "CVE007",
        "by": "kim-appsec",
        "reason": "the most precise fit",
    }
    assert mine["location"] == {
        "path": "projects/gitlab-org/cves/issues/12.md",
        "line": 30,
    }
    assert "acknowledged" not in data["findings"][0]
    only_warnings = json.loads(JsonFormat().format(by_subject([WARNING, acked], "")))
    assert only_warnings["summary"]["exit_status"] == 0  # warnings never fail a command


def test_text_says_where_to_edit_and_who_acknowledged() -> None:
    located = Finding(
        "CVE006",
        "error",
        "gitlab-org/cves#12",
        "cwe",
        "cwe: x",
        "fix it",
        Location(url="https://g/x#note_5"),
    )
    acked = Finding(
        "CVE007",
        "warning",
        "gitlab-org/cves#12",
        "cwe",
        "cwe: y",
        "check",
        Location(path="p/12.md", line=30),
        Acknowledgement("CVE007", "kim-appsec", "reviewed with AppSec"),
    )
    report = by_subject([located, acked], f"summary: {counts([located, acked])}")
    assert TextFormat().format(report).splitlines() == [
        "gitlab-org/cves#12",
        "  error   CVE006 cwe: x",
        "          at https://g/x#note_5",
        "          fix: fix it",
        "  ack     CVE007 cwe: y",
        "          at p/12.md:30",
        "          acknowledged by kim-appsec: reviewed with AppSec",
        "",
        "summary: 1 error, 0 warnings, 1 acknowledged",
    ]


def test_a_url_names_the_description_line_it_means() -> None:
    url = "https://gitlab.example/g/p/-/issues/3"
    assert str(Location(url=url, description_line=9)) == f"{url} (description line 9)"
    assert str(Location(url=f"{url}#note_4", note=4, description_line=9)) == f"{url}#note_4"
    assert Location(url=url, description_line=9).to_json() == {
        "url": url,
        "description_line": 9,
    }
    assert str(Location(path="a.md", line=3, url=url)) == "a.md:3"


def test_counts_agree_in_number() -> None:
    assert counts([ERROR]) == "1 error, 0 warnings"
    assert counts([ERROR, ERROR, WARNING]) == "2 errors, 1 warning"


def test_by_subject_keeps_the_order_found() -> None:
    report = by_subject([WARNING, ERROR, WARNING], f"2 records: {counts([ERROR, WARNING])}")
    assert [(g.heading, len(g.findings)) for g in report.groups] == [
        ("CVE-1.json", 2),
        ("post.md", 1),
    ]
    assert report.summary == "2 records: 1 error, 1 warning"
    assert report.failed and not by_subject([WARNING], "").failed


def test_json_and_codequality_list_every_finding() -> None:
    report = by_subject([ERROR, WARNING], "")
    assert json.loads(JsonFormat().format(report))["findings"] == [
        ERROR.to_json(),
        WARNING.to_json(),
    ]
    assert "ü" in JsonFormat().format(report)  # UTF-8 like every other --format json
    entries = json.loads(CodeQualityFormat().format(report))
    assert entries[0] == {
        "description": "BLG003 post.md: line 3: placeholder 'TODO'",
        "check_name": "BLG003",
        "fingerprint": fingerprint(ERROR),
        "severity": "major",
        "location": {"path": "post.md", "lines": {"begin": 1}},
        "categories": ["Security"],
        "content": {"body": "fill it"},
    }
    assert entries[1]["severity"] == "minor" and entries[1]["content"] == {"body": ""}


def test_codequality_points_at_the_file_and_line_and_leaves_acknowledged_out() -> None:
    at_line = Finding(
        "CVE006",
        "error",
        "gitlab-org/cves#12",
        "cwe",
        "cwe: x",
        "",
        Location(path="p/12.md", line=30),
    )
    on_gitlab = Finding(
        "CVE006", "error", "gitlab-org/cves#13", "cwe", "cwe: x", "", Location(url="https://g/13")
    )
    acked = Finding(
        "CVE007",
        "warning",
        "gitlab-org/cves#12",
        "cwe",
        "cwe: y",
        "",
        None,
        Acknowledgement("CVE007", "kim", "ok"),
    )
    entries = json.loads(CodeQualityFormat().format(by_subject([at_line, on_gitlab, acked], "")))
    assert [e["location"] for e in entries] == [
        {"path": "p/12.md", "lines": {"begin": 30}},
        {"path": "gitlab-org/cves#13", "lines": {"begin": 1}},
    ]
    assert entries[1]["description"].endswith("(https://g/13)")


@pytest.fixture(scope="module")
def written(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's post and CVE records, written outside the shared workspace."""
    out = tmp_path_factory.mktemp("out")
    ws = ["-w", str(demo_template)]
    assert run_app(app, [*ws, "blog", "generate", "-o", str(out / "blog.md")]) == 0
    assert run_app(app, [*ws, "cve", "export", "-o", str(out / "cves")]) == 1
    return out


@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("blog", "lint", "{out}/blog.md"),
        ("cve", "lint", "{out}/cves/CVE-2026-4107.json"),
        ("cve", "export", "-o", "{tmp}/cves"),
        ("cve", "status"),
    ],
    ids=lambda c: " ".join(c[:2]),
)
@pytest.mark.parametrize("output", ["json", "codequality"])
def test_every_findings_command_takes_every_format(
    command: tuple[str, ...],
    output: str,
    demo_template: Path,
    written: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    args = [a.format(out=written, tmp=tmp_path) for a in command]
    assert run_app(app, ["-w", str(demo_template), *args, "--format", output]) == 1
    data = json.loads(capsys.readouterr().out)  # nothing else on standard output
    if output == "codequality":
        assert data and all("check_name" in d and d["location"]["path"] for d in data)
        return
    assert data["summary"]["exit_status"] == 1 and data["summary"]["by_level"]["error"] > 0
    findings = data["findings"]
    assert findings and all("code" in d for d in findings)
    # every finding says where to edit it: a file (with its line) or a URL
    assert all(d["location"].get("path") or d["location"].get("url") for d in findings)
    assert all(d["location"]["line"] >= 1 for d in findings if "path" in d["location"])


def test_text_shows_a_workspace_file_from_where_the_reader_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "ws"
    finding = Finding(
        "CVE006", "error", "gitlab-org/cves#12", "cwe", "cwe: x", "", Location("p/12.md", 30)
    )
    report = by_subject([finding], "summary")
    monkeypatch.chdir(tmp_path)
    assert "          at ws/p/12.md:30" in TextFormat(workspace=workspace).format(report)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    shown = TextFormat(workspace=workspace).format(report)
    assert f"          at {workspace.resolve()}/p/12.md:30" in shown
    # JSON keeps the path relative to the workspace, as Code Quality does
    assert json.loads(JsonFormat().format(report))["findings"][0]["location"]["path"] == "p/12.md"


def test_validate_names_files_from_the_current_folder(
    demo_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(demo_template.parent)
    capsys.readouterr()
    assert run_app(app, ["validate", "-w", demo_template.name]) == 1
    located = [line for line in capsys.readouterr().out.splitlines() if " at " in line]
    assert located
    assert all(line.strip().startswith(f"at {demo_template.name}/projects/") for line in located)
