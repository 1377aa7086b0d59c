"""verify-fixes on the demo: the post written before a last-minute change, compared after it.

The demo seeds three things a fresh post cannot fix (``SEEDED``): a fix outside the release
whose backport merged (it ships unannounced), the reverted fix's other backports (held back from
the post, yet they ship), and a fix whose post names 18.8.7 without a backport to 18.8. Every
other test looks at what its change adds to those.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.config import Config
from psirt.core.records import Issue, IssueRef, IssueUpdate, MergeRequest, MergeRequestRef
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
UNANNOUNCED = str(IssueRef(SECURITY, 1112))  # not in the release; its 18.10 backport merged
SEEDED = {
    DEMO_REVERT: ["held back"],
    "CVE-2026-4110": ["missing"],  # no backport to 18-8-stable-ee, yet the post names 18.8.7
    UNANNOUNCED: ["unannounced"],
}


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


def _all(ws: Workspace) -> dict[str, list[str]]:
    result = verify_fixes(open_session(ws))
    found: dict[str, list[str]] = {}
    for difference in result.differences:
        found.setdefault(difference.subject, []).append(difference.kind)
    return found


def _subjects(ws: Workspace) -> dict[str, list[str]]:
    """What a change adds to what the demo seeds."""
    found = _all(ws)
    return {
        subject: [kind for kind in kinds if kind not in SEEDED.get(subject, [])]
        for subject, kinds in found.items()
        if [kind for kind in kinds if kind not in SEEDED.get(subject, [])]
    }


def _message(ws: Workspace, subject: str, kind: str) -> str:
    return next(
        d.message
        for d in verify_fixes(open_session(ws)).differences
        if (d.subject, d.kind) == (subject, kind)
    )


def test_a_fresh_post_reports_only_what_the_demo_seeds(workspace: Workspace) -> None:
    assert _all(workspace) == SEEDED
    text = default_post_path(open_session(workspace)).read_text(encoding="utf-8")
    assert DEMO_REVERT not in text  # its 18.9 backport was reverted: the post leaves it out
    held = _message(workspace, DEMO_REVERT, "held back")
    assert "!11041 into 18-10-stable-ee (18.10.1)" in held and "18.8.7" in held
    shipped = _message(workspace, UNANNOUNCED, "unannounced")
    assert "!11120 into 18-10-stable-ee (18.10.1)" in shipped


def test_the_unannounced_fix_is_gone_once_its_mr_is_reverted(workspace: Workspace) -> None:
    tracker = LocalTracker(workspace.root)
    mr = tracker.get_merge_request(MergeRequestRef(SECURITY, 11120))
    tracker.save_merge_request(replace(mr, labels=(*mr.labels, CONFIG.labels.reverted)))
    assert UNANNOUNCED not in _all(workspace)


def test_a_security_mr_into_master_since_the_last_release_ships_too(workspace: Workspace) -> None:
    """The mirror's default branch is synced after the release: what it took ships."""
    tracker = LocalTracker(workspace.root)
    late = IssueRef(SECURITY, 1113)
    tracker.save_issue(Issue(late, "Another fix for next month", confidential=True))
    for iid, merged in ((11130, "2026-03-02T10:00:00+00:00"), (11131, "2026-03-20T10:00:00+00:00")):
        tracker.save_merge_request(
            MergeRequest(
                ref=MergeRequestRef(SECURITY, iid),
                title="Fix it",
                state="merged",
                target_branch=CONFIG.product.default_branch,
                description=f"Fixes #{late.iid}\n",
                labels=(CONFIG.labels.security,),
                merged_at=datetime.fromisoformat(merged),
            )
        )
    assert _subjects(workspace) == {str(late): ["unannounced"]}
    message = _message(workspace, str(late), "unannounced")
    # merged after the release of March 11: in; merged before it: shipped then
    assert "!11131 into master (merged since the last release)" in message
    assert "!11130" not in message


def test_a_post_that_still_lists_the_reverted_fix_is_told(workspace: Workspace) -> None:
    session = open_session(workspace)
    post = generate(session).post
    held = post.held_back[0]
    assert held.cve_id == DEMO_REVERT
    shipped = replace(post, security_fixes=(*post.security_fixes, held), held_back=())
    path = default_post_path(session)
    write_text(path, render_post(shipped, session.config, session.workspace.templates_dir))
    found = _all(workspace)
    assert found[DEMO_REVERT] == ["reverted"]  # in the post now: not "held back" any more


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
    message = _message(workspace, "CVE-2026-4101", "reverted")
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
    start = text.index("### [CVE-2026-4109]")
    end = text.index("**CVSS**", start)
    section = text[start:end].replace(
        "CE/EE: all versions from 17.0 before", "CE/EE: all versions from 16.0 before"
    )
    path.write_text(text[:start] + section + text[end:], encoding="utf-8")
    assert _subjects(workspace) == {"CVE-2026-4109": ["versions"]}


def test_an_open_mr_of_an_announced_fix_is_reported(workspace: Workspace) -> None:
    tracker = LocalTracker(workspace.root)
    mr = tracker.get_merge_request(MergeRequestRef(SECURITY, 11032))  # 1103 -> 18.9
    tracker.save_merge_request(replace(mr, state="opened", merged_at=None))
    assert _subjects(workspace) == {"CVE-2026-4103": ["unmerged"]}
    assert "18.9.3 will not contain the fix unless it merges" in _message(
        workspace, "CVE-2026-4103", "unmerged"
    )


def _edit_yaml(workspace: Workspace, iid: int, old: str, new: str) -> None:
    tracker = LocalTracker(workspace.root)
    ref = IssueRef(CONFIG.projects.cve_requests, iid)
    issue = tracker.get_issue(ref)
    assert old in issue.description
    tracker.update_issue(ref, IssueUpdate(description=issue.description.replace(old, new)))


def test_a_cvss_changed_after_the_post_is_reported(workspace: Workspace) -> None:
    _edit_yaml(
        workspace,
        3103,
        "impact: AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N",
        "impact: AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
    )
    assert _subjects(workspace) == {"CVE-2026-4103": ["cvss"]}
    message = _message(workspace, "CVE-2026-4103", "cvss")
    assert (
        "the post gives 7.7" in message
        and "now has 6.5 (CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U" in message
    )


def test_texts_changed_after_the_post_are_reported(workspace: Workspace) -> None:
    _edit_yaml(workspace, 3101, "execute arbitrary code", "run commands")
    _edit_yaml(workspace, 3109, "cwe: CWE-532", "cwe: CWE-117")
    _edit_yaml(workspace, 3111, "[kaizen-sec]", "[kaizen]")
    tracker = LocalTracker(workspace.root)
    tracker.update_issue(
        IssueRef(CONFIG.projects.cve_requests, 3103),
        IssueUpdate(title="Incorrect Authorization issue in group export impacts GitLab EE"),
    )
    assert _subjects(workspace) == {
        "CVE-2026-4101": ["description"],
        "CVE-2026-4103": ["title"],  # its CWE is the same: the title still names it
        "CVE-2026-4109": ["cwe"],
        "CVE-2026-4111": ["credit"],
    }
    assert "CWE-117" in _message(workspace, "CVE-2026-4109", "cwe")


def test_cli_exit_codes(workspace: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["--workspace", str(workspace.root), "verify-fixes"]) == 1
    assert "3 differences" in capsys.readouterr().out  # what the demo seeds
    stale = workspace.root / "stale.md"
    text = default_post_path(open_session(workspace)).read_text(encoding="utf-8")
    start = text.index("### [CVE-2026-4103]")
    end = text.index("### [CVE-2026-4105]")
    stale.write_text(text[:start] + text[end:], encoding="utf-8")
    code = run_app(app, ["--workspace", str(workspace.root), "verify-fixes", "--blog", str(stale)])
    assert code == 1
    assert "CVE-2026-4103" in capsys.readouterr().out
