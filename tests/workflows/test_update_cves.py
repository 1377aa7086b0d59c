"""update-cves as a workflow: the plan from constructed snapshots, then the demo workspace end to
end through the command line (dry run, --live, a second --live), and validate afterwards."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from psirt.actions.tracker_actions import EditDescription
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.records import IssueRef, IssueUpdate
from psirt.core.workspace import Workspace
from psirt.parsing.cve_yaml import find_yaml_block
from psirt.session import open_session
from psirt.workflows.demo import update_cves_step as demo_step
from psirt.workflows.update_cves import plan_update_cves
from tests.compute.builders import COMPLETE_YAML, DESCRIPTION, security_issue, snapshot

VALIDATED = "description::validated"
STALE = DESCRIPTION.replace("18.9 before 18.9.3", "18.9 before 18.9.2")


# -- the plan, from constructed snapshots ---------------------------------------------------


def test_validated_label_removed_when_the_description_changes() -> None:
    item = security_issue(COMPLETE_YAML.replace(DESCRIPTION, STALE), cve_labels=(VALIDATED, "x"))
    result = plan_update_cves(snapshot(item))
    [action] = result.plan.actions
    assert isinstance(action, EditDescription)
    assert action.remove_labels == (VALIDATED,)
    assert result.unvalidated == ("gitlab-org/cves#3101",)
    assert 'remove ~"description::validated"' in action.describe()


def test_validated_label_kept_when_only_computed_versions_change() -> None:
    yaml_text = COMPLETE_YAML.replace("      - '18.9.3'\n", "      - '18.9.2'\n")
    result = plan_update_cves(snapshot(security_issue(yaml_text, cve_labels=(VALIDATED,))))
    [action] = result.plan.actions
    assert isinstance(action, EditDescription)
    assert action.remove_labels == ()
    assert result.unvalidated == ()


def test_the_edit_replaces_only_the_yaml_block() -> None:
    item = security_issue(COMPLETE_YAML.replace(DESCRIPTION, STALE))
    [action] = plan_update_cves(snapshot(item)).plan.actions
    assert isinstance(action, EditDescription)
    assert item.cve_request is not None
    assert action.before == item.cve_request.issue.description
    block = find_yaml_block(action.after)
    assert block is not None and block.body == COMPLETE_YAML
    before_block = find_yaml_block(action.before)
    assert before_block is not None
    assert action.after[: block.start] == action.before[: before_block.start]
    assert action.after[block.end :] == action.before[before_block.end :]


def test_up_to_date_requests_have_no_action() -> None:
    result = plan_update_cves(snapshot(security_issue(), security_issue(ee_only="Yes")))
    assert len(result.plan) == 0
    assert len(result.conflicts) == 1  # the EE-only issue's description names CE/EE
    assert result.needs_human


def test_issue_without_a_request_is_skipped() -> None:
    item = replace(security_issue(), cve_request=None)
    result = plan_update_cves(snapshot(item))
    assert result.updates == () and len(result.plan) == 0 and not result.needs_human


# -- the demo workspace, through the command line -------------------------------------------


@pytest.fixture
def demo(demo_root: Path) -> Path:
    return demo_root


def cli(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run_app(app, ["-w", str(root), "update-cves", *args])
    return code, capsys.readouterr().out


def cve_files(root: Path) -> dict[str, str]:
    folder = root / "projects" / "gitlab-org" / "cves" / "issues"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def version_findings(root: Path) -> dict[str, list[str]]:
    """validate's findings about versions and placeholders, by CVE request."""
    from psirt.workflows.validate import validate

    codes = {"CVE003", "CVE009", "CVE010", "CVE011", "CVE020", "CVE026"}
    report = validate(open_session(Workspace(root)).snapshot())
    found: dict[str, list[str]] = {}
    for finding in report.findings:
        if finding.code in codes:
            found.setdefault(finding.subject, []).append(finding.code)
    return found


def test_dry_run_shows_diffs_and_writes_nothing(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = cve_files(demo)
    code, out = cli(demo, capsys=capsys)
    assert code == 0
    assert out.startswith("5 of 11 CVE requests would change (dry run; --live applies):")
    for iid in (3105, 3106, 3107, 3108, 3110):
        assert f"--- gitlab-org/cves#{iid} (now)" in out
    assert "-      - '18.10.0'" in out and "+      - '18.10.1'" in out  # 3107's fixed versions
    assert "+  description: GitLab has remediated an issue in GitLab CE/EE affecting all " in out
    assert cve_files(demo) == before


def test_live_applies_then_a_second_live_changes_nothing(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert set(version_findings(demo)) == {
        f"gitlab-org/cves#{iid}" for iid in (3105, 3106, 3107, 3108, 3110)
    }
    before = cve_files(demo)
    code, out = cli(demo, "--live", capsys=capsys)
    assert code == 0
    assert out.splitlines()[0] == "updated 5 of 11 CVE requests"
    after = cve_files(demo)
    assert [name for name in after if after[name] != before[name]] == [
        "3105.md",
        "3106.md",
        "3107.md",
        "3108.md",
        "3110.md",
    ]
    assert "description: TODO" not in after["3106.md"]
    assert "# If empty, solution will be automatically filled" in after["3106.md"]  # comments kept
    # validate no longer reports the version findings update-cves fixes
    assert version_findings(demo) == {}

    code, out = cli(demo, "--live", capsys=capsys)
    assert code == 0
    assert out.strip() == "every CVE request is up to date (11 CVE requests checked)"
    assert cve_files(demo) == after
    journal = Workspace(demo).journal_path.read_text(encoding="utf-8")
    assert journal.count("gitlab-org/cves#3105") == 1  # applied once, then nothing to skip


def test_live_removes_the_validated_label_and_says_so(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = open_session(Workspace(demo))
    ref = IssueRef("gitlab-org/cves", 3101)
    issue = session.tracker.get_issue(ref)
    assert VALIDATED in issue.labels
    stale = issue.description.replace("18.9 before 18.9.3", "18.9 before 18.9.2")
    session.tracker.update_issue(ref, IssueUpdate(description=stale))

    code, out = cli(demo, capsys=capsys)
    assert (
        'gitlab-org/cves#3101: label ~"description::validated" would be removed: the CVE '
        "description (the YAML's description field) changes"
    ) in out
    code, out = cli(demo, "--live", capsys=capsys)
    assert code == 0
    assert 'gitlab-org/cves#3101: label ~"description::validated" removed' in out
    issue = open_session(Workspace(demo)).tracker.get_issue(ref)
    assert VALIDATED not in issue.labels
    assert "18.9 before 18.9.3" in issue.description


def test_conflicts_exit_1_and_keep_the_human_value(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = open_session(Workspace(demo))
    ref = IssueRef("gitlab-org/cves", 3109)
    issue = session.tracker.get_issue(ref)
    edited = issue.description.replace("    vendor: GitLab\n", "    vendor: GitLab Inc.\n")
    session.tracker.update_issue(ref, IssueUpdate(description=edited))

    code, out = cli(demo, "--live", capsys=capsys)
    assert code == 1
    assert "1 conflict (human-written values kept):" in out
    assert 'gitlab-org/cves#3109: product.vendor: kept the human-written value "GitLab Inc."' in out
    # nothing else to write: the run does not claim everything is up to date
    code, out = cli(demo, "--live", capsys=capsys)
    assert code == 1 and "up to date" not in out
    assert out.splitlines()[0] == "no change to write (11 CVE requests checked); left for a person:"
    assert "vendor: GitLab Inc." in cve_files(demo)["3109.md"]


def test_json_output(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(demo, "--format", "json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert data["live"] is False and data["up_to_date"] is False
    by_request = {r["request"]: r for r in data["requests"]}
    assert by_request["gitlab-org/cves#3107"]["changed_fields"] == [
        "product.fixed_versions",
        "solution",
    ]
    assert by_request["gitlab-org/cves#3101"]["changed_fields"] == []
    assert [a["outcome"] for a in data["actions"]] == ["would apply"] * 5
    assert {a["kind"] for a in data["actions"]} == {"edit"}


def test_demo_step(demo: Path) -> None:
    result = demo_step(open_session(Workspace(demo)))
    assert result.lines[0].startswith("5 of 11 CVE requests would change (gitlab-org/cves#3105")
    assert "0 conflicts" in result.lines
