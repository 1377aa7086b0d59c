"""Findings point at the thing to edit, and a reviewed warning can be acknowledged, on both
trackers.

* Every finding of the demo's validation says where to edit it: in the local workspace the issue
  file (relative to the workspace) and the line of the field, on GitLab the issue's web URL, with
  ``#note_ID`` when the finding is about a note (the CNA bot's comment, the council's vote).
* A ``psirt acknowledge CODE: why`` note on the security issue marks that warning acknowledged
  (by the note's author, why), counted apart, and the exit code does not change; an
  acknowledgement of an error changes nothing but is reported (ISS023).
"""

from __future__ import annotations

import json

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.finding import Finding
from psirt.core.records import IssueRef
from psirt.workflows.validate import ValidationReport, validate
from tests.contract.conftest import Side
from tests.fakes.gitlab_server import use_fake_gitlab

SECURITY = "gitlab-org/security/gitlab"
CVES = "gitlab-org/cves"


def _validate(side: Side) -> ValidationReport:
    return validate(side.snapshot())


def _one(report: ValidationReport, code: str, subject: str) -> Finding:
    (found,) = [f for f in report.findings if f.code == code and f.subject == subject]
    return found


def _line_text(side: Side, finding: Finding) -> str:
    assert finding.location is not None and finding.location.line is not None
    text = (side.session.workspace.root / finding.location.path).read_text(encoding="utf-8")
    return text.splitlines()[finding.location.line - 1]


def test_every_finding_says_where_to_edit_it(side: Side) -> None:
    report = _validate(side)
    assert report.findings
    for finding in report.findings:
        location = finding.location
        assert location is not None, finding
        if side.kind == "local":
            path = side.session.workspace.root / location.path
            assert path.is_file(), finding
            assert location.line is not None
            assert 1 <= location.line <= len(path.read_text(encoding="utf-8").splitlines())
            assert not location.url
        else:
            ref = IssueRef.parse(finding.subject)
            assert ref is not None
            web_url = side.session.tracker.get_issue(ref).web_url
            assert web_url and location.url.startswith(web_url), finding
            assert location.url.removeprefix(web_url) in (
                "",
                *(f"#note_{n.id}" for n in side.session.tracker.notes(ref)),
            )
            assert not location.path


def test_the_cna_bots_comment_and_the_council_vote_are_notes(side: Side) -> None:
    report = _validate(side)
    bot = _one(report, "CVE025", f"{CVES}#3106")
    council = _one(report, "ISS006", f"{SECURITY}#1108")
    assert bot.location is not None and council.location is not None
    if side.kind == "gitlab":
        notes = side.session.tracker.notes(IssueRef(CVES, 3106))
        bot_note = [n for n in notes if n.author == side.config.people.cna_bot][-1]
        assert bot.location.url.endswith(f"/{CVES}/-/issues/3106#note_{bot_note.id}")
        assert "#note_" in council.location.url
        return
    assert bot.location.path == f"projects/{CVES}/issues/3106.md"
    assert _line_text(side, bot).lstrip().startswith("- id:")
    assert _line_text(side, council).lstrip().startswith("- id:")


def test_local_lines_are_the_fields_lines(local_side: Side) -> None:
    report = _validate(local_side)
    checks = {
        ("CVE010", f"{CVES}#3105"): "affected_versions:",
        ("CVE011", f"{CVES}#3105"): "fixed_versions:",
        ("CVE006", f"{CVES}#3105"): "cwe:",
        ("CVE003", f"{CVES}#3105"): "description:",
        ("CVE024", f"{CVES}#3105"): "labels:",
        ("CVE026", f"{CVES}#3107"): "solution:",
    }
    for (code, subject), start in checks.items():
        finding = _one(report, code, subject)
        assert _line_text(local_side, finding).lstrip().startswith(start), (code, finding)


def test_a_details_row_is_located_on_its_table_row(local_side: Side) -> None:
    path = local_side.session.workspace.root / "projects" / SECURITY / "issues" / "1101.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("| Version affected | 16.10 |", "| Version affected | seventeen |", 1),
        encoding="utf-8",
    )
    assert "seventeen" in path.read_text(encoding="utf-8")
    finding = _one(_validate(local_side), "ISS001", f"{SECURITY}#1101")
    line = _line_text(local_side, finding)
    assert "Version affected" in line and "seventeen" in line


def test_malformed_yaml_names_the_description_line_and_the_file_line(local_side: Side) -> None:
    path = local_side.session.workspace.root / "projects" / CVES / "issues" / "3101.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  cwe: ", "  cwe: [", 1), encoding="utf-8")
    finding = _one(_validate(local_side), "CVE001", f"{CVES}#3101")
    assert "+ n" not in finding.message
    assert "of the description:" in finding.message
    assert finding.location is not None and finding.location.line is not None
    # the file line is the description line shifted by the front matter
    body_start = text.split("\n").index("---", 1) + 2
    said = int(finding.message.split("at line ")[1].split(" ")[0])
    assert finding.location.line in (body_start + said - 1, body_start + said)


def test_an_acknowledged_warning_reads_as_acknowledged(side: Side) -> None:
    before = _validate(side)
    note_ref = IssueRef(SECURITY, 1107)
    side.session.tracker.create_note(
        note_ref, "psirt acknowledge CVE007: CWE-862 is the most precise fit", internal=True
    )
    after = _validate(side)
    finding = _one(after, "CVE007", f"{CVES}#3107")
    ack = finding.acknowledged
    assert ack is not None
    assert ack.by == side.session.tracker.current_user()
    assert ack.reason == "CWE-862 is the most precise fit"
    assert ack.where is not None and str(ack.where)
    if side.kind == "gitlab":
        assert "/-/issues/1107#note_" in ack.where.url
    else:
        assert ack.where.path == f"projects/{SECURITY}/issues/1107.md"
    assert after.exit_code == before.exit_code
    assert (after.errors, after.warnings, after.acknowledged) == (
        before.errors,
        before.warnings - 1,
        1,
    )
    text = after.findings_report().summary
    assert after.warnings == 1
    assert text.endswith(f"{after.errors} errors, 1 warning, 1 acknowledged")
    # the other warning of the same fix stays a warning
    assert _one(after, "CVE026", f"{CVES}#3107").acknowledged is None


def test_an_error_cannot_be_acknowledged(side: Side) -> None:
    before = _validate(side)
    side.session.tracker.create_note(
        IssueRef(SECURITY, 1105), "psirt acknowledge CVE006: we like CWE-400", internal=True
    )
    after = _validate(side)
    assert _one(after, "CVE006", f"{CVES}#3105").acknowledged is None
    said = _one(after, "ISS023", f"{SECURITY}#1105")
    assert "errors cannot be acknowledged" in said.message
    assert after.errors == before.errors and after.exit_code == before.exit_code


def test_a_workspace_file_lists_acknowledgements(local_side: Side) -> None:
    path = local_side.session.workspace.root / "projects" / SECURITY / "issues" / "1107.md"
    text = path.read_text(encoding="utf-8")
    entry = (
        "acknowledgements:\n"
        "  - code: CVE007\n"
        "    by: kim-appsec\n"
        "    reason: CWE-862 reviewed with AppSec\n"
    )
    # the demo writes the key empty, as every issue file psirt creates
    edited = text.replace("acknowledgements: []\n", entry, 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    finding = _one(_validate(local_side), "CVE007", f"{CVES}#3107")
    assert finding.acknowledged is not None
    assert finding.acknowledged.by == "kim-appsec"
    where = finding.acknowledged.where
    assert where is not None and where.path.endswith("1107.md")
    assert where.line is not None
    assert edited.splitlines()[where.line - 1] == "acknowledgements:"


def test_validate_json_on_gitlab_names_web_urls(
    gitlab_side: Side, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line against GitLab (the fake, over HTTP): ``--format json`` is the
    object with its summary, every finding has the issue's web URL and no file; Code Quality
    falls back to the issue reference as its path."""
    assert gitlab_side.fake is not None
    root = gitlab_side.session.workspace.root
    use_fake_gitlab(root, gitlab_side.fake, monkeypatch)
    capsys.readouterr()
    assert run_app(app, ["-w", str(root), "validate", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["exit_status"] == 1
    assert data["findings"] and all(
        f["location"]["url"] and "path" not in f["location"] for f in data["findings"]
    )
    (bot,) = [f for f in data["findings"] if f["code"] == "CVE025"]
    assert "#note_" in bot["location"]["url"]
    assert run_app(app, ["-w", str(root), "validate", "--format", "codequality"]) == 1
    entries = json.loads(capsys.readouterr().out)
    assert all(e["location"]["path"].startswith("gitlab-org/") for e in entries)
    assert all("/-/issues/" in e["description"] for e in entries)
