"""The comms commands end to end on the demo workspace, through the real command line:
``checklist --create --live`` files the issue once, the dry run writes nothing, the handover's
status line counts validate's findings, workspace templates win over the packaged ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode
from psirt.core.records import Issue
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.workflows.comms import findings_left
from psirt.workflows.demo import comms_step as demo_step

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "comms"
LABEL = "AppSecWorkType::SecurityReleaseRotation"
TITLE = "PSIRT checklist: security patch release 18.10.1, 18.9.3, 18.8.7"


@pytest.fixture
def root(demo_root: Path) -> Path:
    return demo_root


def psirt(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run_app(app, ["--workspace", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def checklist_issues(root: Path) -> list[Issue]:
    tracker = open_session(Workspace(root)).tracker
    return tracker.find_issues("gitlab-org/gitlab", search=TITLE)


def test_checklist_create_live_files_it_once(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = psirt(root, capsys, "checklist", "--create")
    assert code == 0
    assert out.startswith("dry run (--live creates it):\n1. create issue")
    assert checklist_issues(root) == []

    code, out, _ = psirt(root, capsys, "checklist", "--create", "--live")
    assert code == 0
    [issue] = checklist_issues(root)
    assert out == f"created the checklist issue {issue.ref}\n"
    assert issue.labels == (LABEL,)
    assert issue.assignees == ("ana-psirt", "ben-psirt")
    assert issue.confidential
    golden = (GOLDEN / "checklist_planned.md").read_text(encoding="utf-8")
    description = issue.description
    assert description.startswith(golden.rstrip())
    assert "<!-- psirt:checklist:18.10.1,18.9.3,18.8.7 -->" in description

    code, out, _ = psirt(root, capsys, "checklist", "--create", "--live")
    assert code == 0
    assert out == f"the checklist issue exists already: {issue.ref}\n"
    assert len(checklist_issues(root)) == 1
    # an unplanned checklist of the same release is the same issue
    code, out, _ = psirt(root, capsys, "checklist", "--unplanned", "--create", "--live")
    assert "exists already" in out and len(checklist_issues(root)) == 1
    journal = [
        json.loads(line)
        for line in (root / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [entry["outcome"] for entry in journal] == ["applied", "skipped", "skipped"]


def test_checklist_prints_the_body_and_refuses_live_without_create(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = psirt(root, capsys, "checklist", "--unplanned")
    assert code == 0
    assert out == (GOLDEN / "checklist_unplanned.md").read_text(encoding="utf-8")
    code, _, err = psirt(root, capsys, "checklist", "--live")
    assert code == ExitCode.USAGE
    assert "--live only applies with --create" in err
    assert checklist_issues(root) == []


def test_handover_counts_validate_findings(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    errors, warnings = findings_left(open_session(Workspace(root)).snapshot())
    assert errors > 0
    code, out, _ = psirt(
        root, capsys, "handover", "--status", "blog reviewed", "--next", "publish", "--to", "zoe"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["Patch release handover to @zoe", "Status: blog reviewed"]
    assert lines[2] == (
        f"Checked by psirt: 11 fixes, {errors + warnings} findings left ({errors} errors), "
        "4 CVEs not yet validated, 0 MRs not merged"
    )
    assert lines[3] == "Next: publish"
    assert lines[4:] == (GOLDEN / "handover.md").read_text(encoding="utf-8").splitlines()[4:]


def test_email_json_and_text(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = psirt(root, capsys, "email", "--format", "json")
    assert code == 0
    mail = json.loads(out)
    assert mail["text"] == (GOLDEN / "email.txt").read_text(encoding="utf-8")
    assert mail["html"] == (GOLDEN / "email.html").read_text(encoding="utf-8")
    code, out, _ = psirt(root, capsys, "email")
    assert out.startswith(f"Subject: {mail['subject']}\n\n--- text ---\n")


def test_email_out_dir_writes_the_text_and_html_parts(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "mail"
    code, out, _ = psirt(root, capsys, "email", "--out-dir", str(out_dir))
    assert code == 0
    assert (out_dir / "email.txt").read_text(encoding="utf-8") == (GOLDEN / "email.txt").read_text(
        encoding="utf-8"
    )
    assert (out_dir / "email.html").read_text(encoding="utf-8") == (
        GOLDEN / "email.html"
    ).read_text(encoding="utf-8")
    assert out.splitlines()[1:] == [
        f"text part written to {out_dir / 'email.txt'}",
        f"html part written to {out_dir / 'email.html'}",
    ]
    code, out, _ = psirt(root, capsys, "email", "--out-dir", str(out_dir), "--format", "json")
    assert json.loads(out)["files"] == {
        "text": str(out_dir / "email.txt"),
        "html": str(out_dir / "email.html"),
    }


def test_every_message_command_takes_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON is the message text and its parts: who it goes to, what it counts."""
    code, out, _ = psirt(root, capsys, "notify", "--format", "json")
    notify = json.loads(out)
    assert code == 0
    assert notify["text"] == (GOLDEN / "notify.md").read_text(encoding="utf-8")
    assert notify["severity"] == "critical"
    assert notify["recipients"][0]["key"] == "marketing"
    assert all(r["handle"] and r["why"] for r in notify["recipients"])
    code, out, _ = psirt(root, capsys, "thanks", "--format", "json")
    thanks = json.loads(out)
    assert thanks["text"] == (GOLDEN / "thanks.md").read_text(encoding="utf-8")
    assert thanks["groups"]["release_managers"]
    code, out, _ = psirt(
        root, capsys, "handover", "--status", "s", "--next", "n", "--to", "zoe", "-f", "json"
    )
    handover = json.loads(out)
    assert handover["recipients"] == ["zoe"] and handover["status"] == "s"
    assert handover["text"].startswith("Patch release handover to @zoe")
    assert handover["computed"].startswith("11 fixes, ")
    code, out, _ = psirt(root, capsys, "checklist", "--format", "json")
    assert json.loads(out)["title"] == TITLE


def test_notify_and_thanks_print_the_golden_messages(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert psirt(root, capsys, "notify")[1] == (GOLDEN / "notify.md").read_text(encoding="utf-8")
    assert psirt(root, capsys, "thanks")[1] == (GOLDEN / "thanks.md").read_text(encoding="utf-8")


def test_a_workspace_template_wins(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "templates").mkdir()
    (root / "templates" / "thanks.md.j2").write_text(
        "Merci {{ t.versions }}: {{ t.groups[0].names | join(' & ') }}\n", encoding="utf-8"
    )
    code, out, _ = psirt(root, capsys, "thanks")
    assert (code, out) == (0, "Merci 18.10.1, 18.9.3, 18.8.7: Ana Ramos & Ben Okafor\n")


def test_a_broken_workspace_template_is_one_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "templates").mkdir()
    (root / "templates" / "handover.md.j2").write_text("{{ h.nope }}\n", encoding="utf-8")
    code, out, err = psirt(root, capsys, "handover", "--status", "s", "--next", "n")
    assert code == ExitCode.USAGE and out == ""
    assert err.startswith("psirt: error: ") and "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_demo_step(root: Path) -> None:
    result = demo_step(open_session(Workspace(root)))
    assert result.title == "comms"
    assert result.lines[1] == (
        "notify (critical): marketing, legal, field_security, support, dedicated, "
        "corporate_communications, comms_channel"
    )
    assert result.lines[2].startswith(
        'e-mail: "GitLab Patch Release: 18.10.1, 18.9.3, 18.8.7", 10 fixes '
        "(2 critical, 1 high, 5 medium, 2 low)"
    )
    assert result.lines[3] == "thanks: 15 people"
