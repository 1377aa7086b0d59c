"""verify-fixes on the demo: the post written before a last-minute change, compared after it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.config import Config
from psirt.core.records import IssueRef, MergeRequest, MergeRequestRef
from psirt.core.workspace import Workspace
from psirt.render.blog import render_post
from psirt.session import open_session
from psirt.trackers.local import LocalTracker
from psirt.workflows.blog import default_post_path, generate, write_text
from psirt.workflows.verify import verify_fixes

CONFIG = Config()
SECURITY = CONFIG.projects.security
TRACKING = IssueRef(CONFIG.projects.tracking, 50000)
DEMO_REVERT = "CVE-2026-4104"  # the demo's deliberate defect: its 18.9 backport was reverted


@pytest.fixture(scope="module")
def posted(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its post generated, once for the module; each test changes a copy."""
    root = tmp_path_factory.mktemp("posted") / "ws"
    shutil.copytree(demo_template, root)
    session = open_session(Workspace(root.resolve()))
    write_text(default_post_path(session), generate(session).text)
    return root


@pytest.fixture
def workspace(posted: Path, tmp_path: Path) -> Workspace:
    shutil.copytree(posted, tmp_path / "ws")
    return Workspace((tmp_path / "ws").resolve())


def _subjects(ws: Workspace) -> dict[str, list[str]]:
    result = verify_fixes(open_session(ws))
    found: dict[str, list[str]] = {}
    for difference in result.differences:
        found.setdefault(difference.subject, []).append(difference.kind)
    return found


def test_a_fresh_post_matches_and_holds_back_the_reverted_fix(workspace: Workspace) -> None:
    assert _subjects(workspace) == {}
    text = default_post_path(open_session(workspace)).read_text(encoding="utf-8")
    assert DEMO_REVERT not in text  # its 18.9 backport was reverted: it does not ship


def test_a_post_that_still_lists_the_reverted_fix_is_told(workspace: Workspace) -> None:
    session = open_session(workspace)
    post = generate(session).post
    held = post.held_back[0]
    assert held.cve_id == DEMO_REVERT
    shipped = replace(post, security_fixes=(*post.security_fixes, held), held_back=())
    path = default_post_path(session)
    write_text(path, render_post(shipped, session.config, session.workspace.templates_dir))
    assert _subjects(workspace) == {DEMO_REVERT: ["reverted"]}


def test_reverting_an_mr_reports_exactly_that_fix(workspace: Workspace) -> None:
    tracker = LocalTracker(workspace.root)
    backport = tracker.get_merge_request(MergeRequestRef(SECURITY, 11011))  # 1101 -> 18.10
    assert backport.target_branch == "18-10-stable-ee"
    tracker.save_merge_request(
        MergeRequest(
            ref=MergeRequestRef(SECURITY, 11019),
            title=f'Revert "{backport.title}"',
            state="merged",
            target_branch=backport.target_branch,
            description=f"This reverts merge request !{backport.ref.iid}\n",
            labels=(CONFIG.labels.security,),
            related_issues=backport.related_issues,
        )
    )
    found = _subjects(workspace)
    assert found == {"CVE-2026-4101": ["reverted"]}
    message = next(
        d.message
        for d in verify_fixes(open_session(workspace)).differences
        if d.subject == "CVE-2026-4101"
    )
    assert "!11011" in message and "18.10.1 will not contain the fix" in message


def test_a_closed_mr_is_reported(workspace: Workspace) -> None:
    tracker = LocalTracker(workspace.root)
    mr = tracker.get_merge_request(MergeRequestRef(SECURITY, 11030))  # 1103 -> master
    tracker.save_merge_request(replace(mr, state="closed"))
    assert _subjects(workspace)["CVE-2026-4103"] == ["closed"]


def test_an_unlinked_issue_is_reported(workspace: Workspace) -> None:
    LocalTracker(workspace.root).unlink_issues(TRACKING, IssueRef(SECURITY, 1109))
    assert _subjects(workspace)["CVE-2026-4109"] == ["unlinked"]


def test_a_fix_added_late_is_reported(workspace: Workspace) -> None:
    session = open_session(workspace)
    path = default_post_path(session)
    text = path.read_text(encoding="utf-8")
    start = text.index("### [CVE-2026-4111]")
    end = text.index("### [CVE-2026-4110]")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert _subjects(workspace)["CVE-2026-4111"] == ["added"]


def test_a_changed_version_is_reported(workspace: Workspace) -> None:
    session = open_session(workspace)
    path = default_post_path(session)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("from 17.0 before", "from 16.0 before"), encoding="utf-8")
    assert _subjects(workspace)["CVE-2026-4109"] == ["versions"]


def test_cli_exit_codes(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["--workspace", str(workspace.root), "verify-fixes"]) == 0
    assert "matches the release" in capsys.readouterr().out
    stale = workspace.root / "stale.md"
    text = default_post_path(open_session(workspace)).read_text(encoding="utf-8")
    start = text.index("### [CVE-2026-4103]")
    end = text.index("### [CVE-2026-4105]")
    stale.write_text(text[:start] + text[end:], encoding="utf-8")
    code = run_app(app, ["--workspace", str(workspace.root), "verify-fixes", "--blog", str(stale)])
    assert code == 1
    assert "CVE-2026-4103" in capsys.readouterr().out
