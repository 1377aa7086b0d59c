"""The confidentiality check where a public artifact leaves psirt for good: the e-mail is
refused (exit 4) when it would carry a confidential title, and close does not publish a CVE whose
request or record gives away a confidential detail (the dry run already says so)."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.actions.cna_actions import PublishCve
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.cna.local import LocalCna
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.workflows.close import CloseOptions, run_close
from psirt.workflows.close.steps import Refusal, publish_actions
from psirt.workflows.cve_export import records
from tests.actions.closing import copy_demo

FIX = "projects/gitlab-org/security/gitlab/issues/1101.md"
REQUEST = "projects/gitlab-org/cves/issues/3101.md"
TITLE = "Code injection through crafted CI include in project import"
SECURITY_MR = "https://gitlab.com/gitlab-org/security/gitlab/-/merge_requests/11011"
PUBLISH = CloseOptions(close_issues=False, notify_hackerone=False, blog_published=True)


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _unlink_cve_request(root: Path) -> None:
    """Fix 1101 without its CVE request: the post and the e-mail list it by its title."""
    _edit(root, FIX, "| CVE request | gitlab-org/cves#3101 |\n", "")
    _edit(root, FIX, "  - issue: gitlab-org/cves#3101\n    type: relates_to\n", "")
    _edit(
        root,
        REQUEST,
        "links:\n  - issue: gitlab-org/security/gitlab#1101\n    type: relates_to\n",
        "links: []\n",
    )


def test_the_email_is_refused_when_it_would_carry_a_confidential_title(
    demo_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_demo(demo_template, tmp_path / "ws").root
    assert run_app(app, ["--workspace", str(root), "email"]) == 0
    assert TITLE not in capsys.readouterr().out
    _unlink_cve_request(root)
    assert run_app(app, ["--workspace", str(root), "email"]) == 4
    out = capsys.readouterr()
    assert TITLE not in out.out  # nothing of the e-mail is printed
    assert "CNF003" in out.err and "gitlab-org/security/gitlab#1101" in out.err


def test_close_does_not_publish_a_request_that_leaks(demo_template: Path, tmp_path: Path) -> None:
    workspace = copy_demo(demo_template, tmp_path / "ws", cna="local")
    _edit(
        workspace.root,
        REQUEST,
        'under certain conditions."',
        f'under certain conditions. Fixed in {SECURITY_MR}."',
    )
    dry = run_close(workspace, PUBLISH, live=False)
    refused = [r for r in dry.refusals if r.subject == "CVE-2026-4101"]
    assert len(refused) == 1 and "(CNF001)" in refused[0].reason
    assert all(getattr(a, "cve_id", None) != "CVE-2026-4101" for a in dry.plan)
    run_close(Workspace(workspace.root), PUBLISH, live=True)
    published = LocalCna(workspace.root).published()
    assert "CVE-2026-4101" not in published and "CVE-2026-4103" in published


def test_close_refuses_a_record_that_leaks_whatever_validate_said(
    demo_template: Path, tmp_path: Path
) -> None:
    workspace = copy_demo(demo_template, tmp_path / "ws", cna="local")
    session = open_session(workspace)
    snapshot = session.snapshot()
    item = next(
        i for i in snapshot.issues if i.cve_request and i.cve_request.cve_id == "CVE-2026-4103"
    )
    record = next(r for r in records(snapshot) if r["cveMetadata"]["cveId"] == "CVE-2026-4103")
    assert publish_actions(
        item, snapshot, [], session.cna(), lambda _: record, {}
    )  # clean: planned
    record["containers"]["cna"]["references"].append({"url": SECURITY_MR})
    refusals: list[Refusal] = []
    actions = publish_actions(item, snapshot, refusals, session.cna(), lambda _: record, {})
    assert actions == [] and not any(isinstance(a, PublishCve) for a in actions)
    assert [r.subject for r in refusals] == ["CVE-2026-4103"]
    assert "CNF001" in refusals[0].reason and SECURITY_MR in refusals[0].reason


def test_advisory_export_reports_a_leak_in_the_csaf_and_osv_documents(
    demo_template: Path, tmp_path: Path
) -> None:
    from psirt.workflows.advisory import export_csaf, export_osv

    workspace = copy_demo(demo_template, tmp_path / "ws")
    session = open_session(workspace)
    out = tmp_path / "out"
    assert not [f for f in export_csaf(session, out).findings if f.code.startswith("CNF")]
    _edit(
        workspace.root,
        REQUEST,
        'under certain conditions."',
        f'under certain conditions. Fixed in {SECURITY_MR}."',
    )
    session = open_session(Workspace(workspace.root))
    for export in (export_csaf(session, out), export_osv(session, out)):
        leaks = [f for f in export.findings if f.code == "CNF001"]
        assert leaks and all(SECURITY_MR in f.message for f in leaks)
