"""psirt validate on the demo workspace: every deliberate defect under its code, the clean
fixes untouched, the formats, the exit codes, and comments that are upserted, never doubled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psirt.actions.tracker_actions import UpsertNote, marker_comment
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.config import Config
from psirt.core.records import IssueRef
from psirt.core.workspace import Workspace
from psirt.demo.data import DEFECTS, FIXES
from psirt.session import open_session
from psirt.workflows.validate import COMMENT_MARKER, PSIRT_MARKER, comment_plan, validate
from tests import factories as f

# What each deliberate defect of the demo must be reported as (at least these codes).
EXPECTED: dict[str, set[str]] = {
    "overshared-xss": {"CVE022"},
    "ssrf-reverted-backport": {"ISS011"},
    "discouraged-cwe": {"CVE006", "CVE003", "CVE011", "CVE024"},
    "todo-left-in-cve": {"CVE003", "CVE025"},
    "wrong-fixed-versions": {"CVE011"},
    "missing-council-approval": {"ISS006", "CVE003", "CVE024"},
    "missing-backport": {"ISS008", "CVE003", "CVE024"},
}
# The demo's council notes are written by one of their own approvers (build.py picks julia-appsec
# when ivan-appsec approves), and self-approvals do not count (parsing/council.py), so the fixes
# that need two approvals show one. Reported to the demo's owner; see test_clean_fixes_strict.


@pytest.fixture
def demo(demo_root: Path) -> Path:
    return demo_root


@pytest.fixture(scope="module")
def report_codes(demo_template: Path) -> dict[str, set[str]]:
    session = open_session(Workspace(demo_template))
    report = validate(session.snapshot())
    config = Config()
    by_fix: dict[str, set[str]] = {}
    for fix in FIXES:
        ref = str(IssueRef(config.projects.security, fix.security_iid))
        by_fix[fix.key] = set(report.codes_by_issue().get(ref, []))
    return by_fix


def test_every_listed_defect_has_an_expectation() -> None:
    assert set(EXPECTED) == set(DEFECTS)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_demo_defect_is_reported_with_its_codes(
    key: str, report_codes: dict[str, set[str]]
) -> None:
    assert EXPECTED[key] <= report_codes[key]


def test_clean_fixes_have_no_finding(report_codes: dict[str, set[str]]) -> None:
    assert {fix.key: report_codes[fix.key] for fix in FIXES if fix.key not in DEFECTS} == {
        fix.key: set() for fix in FIXES if fix.key not in DEFECTS
    }


def test_json_format_and_exit_code(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_app(app, ["--workspace", str(demo), "validate", "--format", "json"])
    assert code == 1
    output = json.loads(capsys.readouterr().out)
    data = output["findings"]
    assert {"code", "level", "subject", "field", "message", "hint", "location"} == set(data[0])
    assert any(item["code"] == "CVE022" for item in data)
    summary = output["summary"]
    assert summary["exit_status"] == 1
    assert summary["total"] == len(data) == sum(summary["by_code"].values())
    assert summary["by_level"]["error"] == sum(1 for d in data if d["level"] == "error")


def test_codequality_format(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["--workspace", str(demo), "validate", "-f", "codequality"]) == 1
    data = json.loads(capsys.readouterr().out)
    entry = data[0]
    assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(entry)
    # the file to edit, relative to the workspace, and the line
    assert entry["location"]["path"].startswith("projects/gitlab-org/")
    assert (demo / entry["location"]["path"]).is_file() and entry["location"]["lines"]["begin"] > 1
    assert len({item["fingerprint"] for item in data}) == len(data)


def test_text_format_groups_by_issue(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["--workspace", str(demo), "validate"]) == 1
    out = capsys.readouterr().out
    assert "gitlab-org/security/gitlab#1102" in out and "CVE022" in out
    assert "errors" in out.splitlines()[-1]


def test_usage_errors_exit_2(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["--workspace", str(demo), "validate", "--live"]) == 2
    assert run_app(app, ["--workspace", str(demo), "validate", "--format", "xml"]) == 2
    assert run_app(app, ["--workspace", str(demo), "validate", "--release-issue", "99999"]) == 2
    capsys.readouterr()


def test_rules_command_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["rules", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    codes = {rule["code"] for rule in data}
    assert {"ISS001", "CVE022", "REL000"} <= codes


TASK = IssueRef("gitlab-org/gitlab", 50001)  # the demo's PSIRT task issue


def _our_notes(demo: Path, ref: IssueRef, marker: str = COMMENT_MARKER) -> list[str]:
    session = open_session(Workspace(demo))
    tag = marker_comment(marker)
    return [note.body for note in session.tracker.notes(ref) if tag in note.body]


def test_comment_dry_run_writes_nothing(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["--workspace", str(demo), "validate", "--comment"]) == 1
    out = capsys.readouterr().out
    assert "would apply: comment on gitlab-org/security/gitlab#1102" in out
    assert _our_notes(demo, IssueRef("gitlab-org/security/gitlab", 1102)) == []


def test_comment_live_twice_leaves_one_comment_per_issue(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--workspace", str(demo), "validate", "--comment", "--live"]
    assert run_app(app, args) == 1
    first = capsys.readouterr().out
    assert run_app(app, args) == 1
    second = capsys.readouterr().out
    assert "applied:" in first and "applied:" not in second
    assert "already there" in second
    report = validate(open_session(Workspace(demo)).snapshot())
    planned = comment_plan(report).plan.actions
    commented = [a.ref for a in planned if isinstance(a, UpsertNote) and a.marker == COMMENT_MARKER]
    assert len(commented) == 6  # the defects with something for their assignees to do
    for ref in commented:
        (body,) = _our_notes(demo, ref)
        assert body.startswith("@")  # addressed to the assignees
    clean = IssueRef("gitlab-org/security/gitlab", 1111)
    assert _our_notes(demo, clean) == []
    (psirt,) = _our_notes(demo, TASK, PSIRT_MARKER)  # the rest, once, to the release managers
    assert psirt.startswith("@ana-psirt @ben-psirt,") and "psirt update-cves --live" in psirt


def test_changed_findings_update_the_comment_in_place(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--workspace", str(demo), "validate", "--comment", "--live"]
    run_app(app, args)
    ref = IssueRef("gitlab-org/cves", 3107)
    session = open_session(Workspace(demo))
    from psirt.core.records import IssueUpdate

    session.tracker.update_issue(ref, IssueUpdate(add_labels=("advisory::invalid",)))
    session.tracker.update_issue(ref, IssueUpdate(title="Missing Authorization impacts GitLab"))
    capsys.readouterr()
    run_app(app, args)
    out = capsys.readouterr().out
    assert "updated note" in out
    (body,) = _our_notes(demo, IssueRef("gitlab-org/security/gitlab", 1107))
    assert "CVE017" in body and "CVE025" not in body  # the title is the assignee's to fix
    (psirt,) = _our_notes(demo, TASK, PSIRT_MARKER)
    assert "CVE025" in psirt  # the CNA bot's label is PSIRT's


def test_comment_stays_on_the_issue_and_its_request() -> None:
    """No other fix's reference or details reach a comment; public issues get none."""
    bad_title = "Some title"
    one = f.security_issue(iid=1, cve=f.cve_request(iid=1, labels=(), title=bad_title))
    two = f.security_issue(
        iid=2, cve=f.cve_request(iid=2, labels=(), title=bad_title), confidential=False
    )
    snapshot = f.snapshot(one, two)
    planned = comment_plan(validate(snapshot))
    notes = [a for a in planned.plan if isinstance(a, UpsertNote)]
    tracking = snapshot.release.tracking_issue.ref  # no task issue: PSIRT's note goes here
    assert [a.ref for a in notes] == [one.ref, tracking]
    body = notes[0].body
    assert "gitlab-org/cves#1" in body and "#2" not in body
    assert "CVE017" in body and "@chen-dev" in body
    assert "CVE024" not in body  # the validated label is PSIRT's, not the assignee's
    assert planned.skipped and str(two.ref) in planned.skipped[0]
    psirt = notes[1].body
    assert notes[1].marker == PSIRT_MARKER and notes[1].internal
    assert psirt.startswith("@ana-psirt,") and "CVE024" in psirt and "ISS014" in psirt


def test_resolved_issue_gets_its_comment_updated() -> None:
    from dataclasses import replace

    from psirt.core.records import Note

    clean = f.security_issue()
    ours = Note(5, f"@chen-dev old\n\n{marker_comment(COMMENT_MARKER)}\n", "ana-psirt")
    planned = comment_plan(validate(f.snapshot(replace(clean, notes=(ours,)))))
    action, psirt = planned.plan.actions
    assert "nothing left to fix" in action.body  # type: ignore[attr-defined]
    # nothing for PSIRT either: its note is only edited when an earlier run wrote one
    assert isinstance(psirt, UpsertNote) and psirt.update_only


def test_demo_step_prints_the_summary(demo: Path) -> None:
    from psirt.workflows.demo import validate_step as demo_step

    result = demo_step(open_session(Workspace(demo)))
    assert result.title == "validation"
    assert result.lines[0].endswith("warnings") and "errors" in result.lines[0]
    assert any(line.startswith("gitlab-org/security/gitlab#1102: ") for line in result.lines)
