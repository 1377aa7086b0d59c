"""The local bounty platform: report files, comments, state changes, errors, paths."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from psirt.bounty.interface import BountyPlatform
from psirt.bounty.local import LocalBounty
from psirt.core.errors import InputError, NotFoundError, WorkspaceError
from psirt.core.records import Activity, Bounty, Report
from tests.ports import missing_or_different

NOW = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)


def bounty(root: Path) -> LocalBounty:
    return LocalBounty(root, user="psirt-bot", clock=lambda: NOW)


def report_path(root: Path, report_id: str) -> Path:
    return root / "hackerone" / "reports" / f"{report_id}.yaml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


FULL = Report(
    id="2345678",
    title="Stored XSS in the wiki: <img onerror>",
    reporter="alice",
    state="triaged",
    severity_rating="high",
    severity_score=7.7,
    weakness="Cross-site Scripting (XSS) - Stored",
    cwe="CWE-79",
    activities=(
        Activity("activity-comment", "Thanks,\n\nwe are looking.\n", True, "bob", NOW),
        Activity("activity-bug-triaged", "", False, "bob", None),
    ),
    bounties=(
        Bounty(Decimal("1000.50"), Decimal(100), NOW),
        Bounty(Decimal(500)),
    ),
    url="https://hackerone.com/reports/2345678",
)

HAND_WRITTEN = """\
# Reported through HackerOne, copied by hand
id: 1234567
title: SSRF in webhooks
reporter: bob   # credit as @bob
state: triaged
severity: {rating: medium, score: 6.5}
activities:
  - type: activity-comment
    message: |
      Council voted.
bounties:
  - amount: 1000.50
"""


def test_satisfies_the_bounty_port(tmp_path: Path) -> None:
    port: BountyPlatform = bounty(tmp_path)
    assert missing_or_different(port, BountyPlatform) == []


def test_saved_report_reads_back_equal(tmp_path: Path) -> None:
    bounty(tmp_path).save_report(FULL)
    assert bounty(tmp_path).get_report(FULL.id) == FULL
    text = report_path(tmp_path, FULL.id).read_text()
    assert text.startswith("id: 2345678\ntitle: 'Stored XSS in the wiki: <img onerror>'\n")
    assert "    message: |\n      Thanks,\n\n      we are looking.\n" in text


def test_hand_written_report_with_defaults(tmp_path: Path) -> None:
    write(report_path(tmp_path, "1234567"), HAND_WRITTEN)
    report = bounty(tmp_path).get_report("1234567")
    assert report.id == "1234567"
    assert report.reporter == "bob"
    assert report.severity_rating == "medium" and report.severity_score == 6.5
    assert report.weakness is None and report.cwe is None
    assert report.url == "https://hackerone.com/reports/1234567"
    assert report.activities == (Activity("activity-comment", "Council voted.\n"),)
    assert report.bounties == (Bounty(Decimal("1000.50")),)
    assert report.has_bounty


def test_report_url_template(tmp_path: Path) -> None:
    write(report_path(tmp_path, "1234567"), HAND_WRITTEN)
    b = LocalBounty(tmp_path, report_url="https://h1.example/r/{id}")
    assert b.get_report("1234567").url == "https://h1.example/r/1234567"


def test_resave_of_hand_written_report_is_byte_identical(tmp_path: Path) -> None:
    path = write(report_path(tmp_path, "1234567"), HAND_WRITTEN)
    bounty(tmp_path).save_report(bounty(tmp_path).get_report("1234567"))
    assert path.read_text() == HAND_WRITTEN


def test_add_comment_appends_and_keeps_comments(tmp_path: Path) -> None:
    path = write(report_path(tmp_path, "1234567"), HAND_WRITTEN)
    b = bounty(tmp_path)
    activity = b.add_comment("1234567", "Fixed in 18.10.1.\nThanks!", internal=False)
    assert activity == Activity(
        "activity-comment", "Fixed in 18.10.1.\nThanks!", False, "psirt-bot", NOW
    )
    assert bounty(tmp_path).get_report("1234567").activities[-1] == activity
    text = path.read_text()
    assert text.startswith("# Reported through HackerOne, copied by hand\n")
    assert "reporter: bob   # credit as @bob\n" in text
    assert "  - amount: 1000.50\n" in text
    assert "      Fixed in 18.10.1.\n      Thanks!\n" in text


def test_change_state_records_the_activity(tmp_path: Path) -> None:
    bounty(tmp_path).save_report(FULL)
    b = bounty(tmp_path)
    resolved = b.change_state(FULL.id, "resolved", "Released in 18.10.1")
    assert resolved.state == "resolved"
    assert resolved.activities[-1] == Activity(
        "activity-bug-resolved", "Released in 18.10.1", False, "psirt-bot", NOW
    )
    assert resolved.activities[:-1] == FULL.activities
    assert bounty(tmp_path).get_report(FULL.id) == resolved


def test_unknown_state_is_refused(tmp_path: Path) -> None:
    bounty(tmp_path).save_report(FULL)
    with pytest.raises(InputError, match="not a report state: 'fixed'"):
        bounty(tmp_path).change_state(FULL.id, "fixed", "x")
    assert bounty(tmp_path).get_report(FULL.id) == FULL


def test_list_reports_in_id_order(tmp_path: Path) -> None:
    b = bounty(tmp_path)
    for report_id in ("900", "1000", "20"):
        b.save_report(Report(report_id, "t", "r"))
    (tmp_path / "hackerone" / "reports" / "notes.txt").write_text("ignored")
    assert [r.id for r in b.list_reports()] == ["20", "900", "1000"]


def test_missing_report(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no report 42"):
        bounty(tmp_path).get_report("42")


@pytest.mark.parametrize("report_id", ["../../etc/passwd", "..", "a/b", "", "1 2", "x.yaml"])
def test_report_ids_cannot_name_other_files(tmp_path: Path, report_id: str) -> None:
    with pytest.raises(InputError, match="not a report id"):
        bounty(tmp_path).get_report(report_id)
    with pytest.raises(InputError, match="not a report id"):
        bounty(tmp_path).save_report(Report(report_id, "t", "r"))
    assert not any(tmp_path.rglob("*"))


def test_symlinked_report_folder_pointing_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "reports" / "1.yaml", "id: 1\ntitle: t\nreporter: r\n")
    (tmp_path / "ws").mkdir()
    os.symlink(outside, tmp_path / "ws" / "hackerone")
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        bounty(tmp_path / "ws").get_report("1")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: 7\ntitle: t\nreporter: r\n", 1, "id: id 7 does not match file name 8.yaml"),
        ("id: 8\ntitle: t\n", 1, "missing key 'reporter'"),
        ("id: 8\ntitle: t\nreporter: r\nseverity: high\n", 4, "severity: expected a mapping"),
        (
            "id: 8\ntitle: t\nreporter: r\nseverity:\n  score: high\n",
            5,
            "severity.score: expected a number or null",
        ),
        (
            "id: 8\ntitle: t\nreporter: r\nbounties:\n  - amount: lots\n",
            5,
            "bounties[0].amount: expected an amount such as 500 or 1000.50",
        ),
        (
            "id: 8\ntitle: t\nreporter: r\nactivities:\n  - message: hi\n",
            5,
            "missing key 'type' in activities[0]",
        ),
        ("id: 8\ntitle: t\nreporter: r\nbounty: 5\n", 4, "bounty: unknown key"),
        ("id: 8\ntitle: t\nreporter: r\n  bad: indent\n", 4, "malformed YAML"),
        ("- 8\n", 1, "expected a YAML mapping"),
    ],
)
def test_malformed_report_names_file_line_and_expectation(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(report_path(tmp_path, "8"), text)
    with pytest.raises(WorkspaceError) as info:
        bounty(tmp_path).get_report("8")
    assert info.value.path == str(path)
    assert info.value.line == line
    assert message in info.value.message
