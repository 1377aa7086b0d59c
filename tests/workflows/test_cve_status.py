"""``psirt cve status``: one RESERVED CVE past its release and one published record whose ADP
container (CISA's, from a real record) says SSVC Exploitation ``active`` with a KEV entry; both are
reported, in text, JSON and Code Quality, and the PUB rules judge dates, disagreements and
held-back fixes as the handbook would."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.cna.interface import PUBLISHED, RESERVED, PublishResult
from psirt.cna.local import LocalCna
from psirt.compute.post import post_url
from psirt.core.errors import ExitCode
from psirt.core.workspace import Workspace
from psirt.render.findings import TextFormat
from psirt.rules.published import WatchedCve, check_published
from psirt.session import open_session
from psirt.workflows.cve_export import records
from psirt.workflows.cve_status import cve_status
from tests import factories
from tests.actions.closing import copy_demo, keep_only
from tests.cna.test_published_records import cisa_adp
from tests.parsing.test_published_record import real

EXPLOITED, RESERVED_ID = "CVE-2026-4101", "CVE-2026-4103"
DIRECTOR = "@gitlab-com/gl-infra/gitlab-dedicated"  # one of the handles to notify


@pytest.fixture
def workspace(demo_template: Path, tmp_path: Path) -> Workspace:
    """Two fixes of the demo release, a local CNA: 4101 published with CISA's ADP container
    saying Exploitation active (and KEV), 4103 still RESERVED long after the release."""
    workspace = copy_demo(demo_template, tmp_path / "ws", cna="local")
    keep_only(workspace, {1101, 1103})
    snapshot = open_session(workspace).snapshot()
    record = next(
        r
        for r in records(snapshot, post_url(snapshot.release, snapshot.config))
        if r["cveMetadata"]["cveId"] == EXPLOITED
    )
    record = copy.deepcopy(record)
    record["cveMetadata"].update(
        dateReserved="2026-03-01T09:00:00.000Z",
        datePublished="2026-03-25T16:00:00.000Z",
        dateUpdated="2026-05-02T17:54:23.792Z",
    )
    record["containers"]["adp"] = cisa_adp(EXPLOITED)
    path = LocalCna(workspace.root).path(EXPLOITED)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return workspace


def run(workspace: Workspace, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run_app(app, ["-w", str(workspace.root), "cve", "status", *args])
    return code, capsys.readouterr().out


def test_reports_the_reserved_cve_and_the_active_exploitation(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(workspace, capsys)
    assert code == ExitCode.FINDINGS
    lines = out.splitlines()
    assert f"{RESERVED_ID}  RESERVED" in lines
    assert "  error   PUB001 state: RESERVED " in out and "after the release of 2026-03-25" in out
    assert f"{EXPLOITED}  PUBLISHED (reserved 2026-03-01, published 2026-03-25" in out
    assert "  CISA-ADP: SSVC Exploitation active, Automatable yes" in out
    assert "  error   PUB002 adp.ssvc.Exploitation: CISA-ADP says 'active'" in out
    assert DIRECTOR in out and "#comms-team-security" in out
    assert "  error   PUB003 adp.kev: CISA-ADP lists it as known exploited on 2024-05-01" in out
    assert "PUB007" not in out  # the published record is psirt's export
    assert lines[-1].startswith("CVEs of 18.10.1, 18.9.3, 18.8.7 (released 2026-03-25), as of ")
    assert lines[-1].endswith(": 2 CVEs, 3 errors, 0 warnings")


def test_json_and_codequality(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    """The findings, as every findings command lists them for scripts and for GitLab CI."""
    code, out = run(workspace, capsys, "--format", "json")
    assert code == ExitCode.FINDINGS
    findings = json.loads(out)["findings"]  # nothing else on standard output
    assert [(f["subject"], f["code"], f["field"]) for f in findings] == [
        (EXPLOITED, "PUB002", "adp.ssvc.Exploitation"),
        (EXPLOITED, "PUB003", "adp.kev"),
        (RESERVED_ID, "PUB001", "state"),
    ]
    assert "2024-05-01" in findings[1]["message"]

    code, out = run(workspace, capsys, "--format", "codequality")
    entries = json.loads(out)
    assert {e["check_name"] for e in entries} == {"PUB001", "PUB002", "PUB003"}
    assert all(e["severity"] == "major" for e in entries)


def test_an_edited_record_is_reported_as_differing(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    path = LocalCna(workspace.root).path(EXPLOITED)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["containers"]["cna"]["references"].pop()
    path.write_text(json.dumps(record), encoding="utf-8")
    _, out = run(workspace, capsys)
    assert "  warning PUB007 containers.cna: the published record differs" in out


# -- the rules, on values ----------------------------------------------------------------------


def watched(**changes: Any) -> WatchedCve:
    base = WatchedCve(
        cve_id="CVE-2026-4101",
        state=RESERVED,
        record=None,
        shipped=True,
        released_on=date(2026, 3, 25),
        today=date(2026, 3, 29),
    )
    return replace(base, **changes)


def codes(watch: WatchedCve) -> list[str]:
    return [f.code for f in check_published(watch, factories.CONFIG)]


def test_publication_deadline_counts_from_the_release() -> None:
    assert codes(watched()) == ["PUB001"]  # 4 days after: past the 3-day deadline
    assert codes(watched(today=date(2026, 3, 28))) == []  # still within it
    assert codes(watched(shipped=False)) == []  # a held-back fix is not released
    assert codes(watched(released_on=None)) == []  # unknown release date: not judged
    assert codes(watched(state="REJECTED")) == ["PUB001"]
    assert codes(watched(state=None)) == ["PUB001"]
    assert codes(watched(state=PUBLISHED)) == []


def test_adp_cvss_and_cwe_that_disagree_are_warnings() -> None:
    from psirt.parsing.published_record import read_record

    data = real("CVE-2023-7028")
    cisa = data["containers"]["adp"][1]
    cisa["metrics"] = [
        {"cvssV3_1": {"vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
        {"other": {"type": "ssvc", "content": {"options": [{"Exploitation": "poc"}]}}},
    ]
    cisa["problemTypes"] = [{"descriptions": [{"cweId": "CWE-287", "lang": "en", "type": "CWE"}]}]
    record = read_record(data, "CVE-2023-7028")
    found = check_published(watched(state=PUBLISHED, record=record), factories.CONFIG)
    assert [f.code for f in found] == ["PUB004", "PUB005", "PUB006"]
    assert "the CNA 10 (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:N)" in found[1].message
    assert "names CWE-287, the CNA CWE-640" in found[2].message
    # CVSS or CWE where the CNA gave none is enrichment, not disagreement
    data["containers"]["cna"].pop("metrics")
    data["containers"]["cna"].pop("problemTypes")
    record = read_record(data, "CVE-2023-7028")
    assert codes(watched(state=PUBLISHED, record=record)) == ["PUB004"]


class MemoryCna:
    """A CNA that serves records from a dict (what ``cve_status`` reads, nothing more)."""

    updates_published = False

    def __init__(self, records: dict[str, dict[str, Any]]) -> None:
        self.records = records

    def publication_edit(self, request: object) -> str | None:
        return None

    def publication_state(self, cve_id: str) -> str | None:
        return PUBLISHED if cve_id in self.records else RESERVED

    def publish(self, cve_id: str, record: dict[str, Any]) -> PublishResult:
        raise AssertionError("status never writes")

    def published_record(self, cve_id: str) -> dict[str, Any] | None:
        return self.records.get(cve_id)

    def update_cna_container(self, cve_id: str, container: dict[str, Any]) -> PublishResult:
        raise AssertionError("status never writes")


def test_status_over_a_snapshot_with_a_held_back_fix() -> None:
    reverted = factories.merge_request(
        "18-9-stable-ee", iid=102, labels=(factories.CONFIG.labels.reverted,)
    )
    merge_requests = tuple(
        reverted if mr.ref.iid == 102 else mr for mr in factories.default_merge_requests()
    )
    held = factories.security_issue(
        iid=1102,
        merge_requests=merge_requests,
        cve=factories.cve_request(iid=3102, cve_id="CVE-2026-4102"),
    )
    snapshot = factories.snapshot(factories.security_issue(), held)
    snapshot = replace(snapshot, release=replace(snapshot.release, due_date=date(2026, 3, 25)))
    report = cve_status(snapshot, MemoryCna({}), today=date(2026, 4, 1))  # type: ignore[arg-type]
    assert [(s.watch.cve_id, s.watch.shipped) for s in report.cves] == [
        ("CVE-2026-4101", True),
        ("CVE-2026-4102", False),
    ]
    assert [f.subject for f in report.findings] == ["CVE-2026-4101"]
    text = TextFormat().format(report.findings_report())
    assert "CVE-2026-4102  RESERVED (fix held back: not released)" in text.splitlines()


def test_every_published_rule_triggers_on_its_fixture_alone() -> None:
    from psirt.rules.registry import load_all
    from tests.rules.broken_published import BROKEN, watched

    assert check_published(watched(), factories.CONFIG) == []
    assert {rule.code for rule in load_all() if rule.code.startswith("PUB")} == set(BROKEN)
    for code, broken in sorted(BROKEN.items()):
        assert codes(broken()) == [code]
