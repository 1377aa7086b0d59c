"""One findings output: one class per format, chosen by one enum, used by every command that
reports findings (validate, blog lint, cve lint, cve export)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import FindingsFormat, run_app
from psirt.core.finding import Finding
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


def test_by_subject_keeps_the_order_found() -> None:
    report = by_subject([WARNING, ERROR, WARNING], f"2 records: {counts([ERROR, WARNING])}")
    assert [(g.heading, len(g.findings)) for g in report.groups] == [
        ("CVE-1.json", 2),
        ("post.md", 1),
    ]
    assert report.summary == "2 records: 1 errors, 1 warnings"
    assert report.failed and not by_subject([WARNING], "").failed


def test_json_and_codequality_list_every_finding() -> None:
    report = by_subject([ERROR, WARNING], "")
    assert json.loads(JsonFormat().format(report)) == [ERROR.to_json(), WARNING.to_json()]
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
    assert data and all(("check_name" if output == "codequality" else "code") in d for d in data)
