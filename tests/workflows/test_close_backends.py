"""``close`` against each CNA back end (cve-services over cvelib and the fake CVE Services,
local files) and against HackerOne (the real client and the fake HackerOne), on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from psirt.cna.cve_services import ENV_API_KEY, ENV_API_URL, ENV_ORG, ENV_USER
from psirt.cna.local import LocalCna
from psirt.core.config import CnaConfig
from psirt.core.workspace import Workspace
from psirt.workflows.close import CloseOptions, render_close, run_close
from tests.actions.closing import copy_demo
from tests.fakes.cve_services_server import FakeCveServices
from tests.fakes.hackerone_server import FakeHackerOne

PUBLISH = CloseOptions(close_issues=False, notify_hackerone=False, blog_published=True)
NOTIFY = CloseOptions(close_issues=False, publish_cves=False, blog_published=True)
# validated and with no validate error: 4102 overshares, 4107 names the wrong fixed versions
VALIDATED = ["CVE-2026-4101", "CVE-2026-4103", "CVE-2026-4109", "CVE-2026-4111"]
CVE_ENV = {ENV_USER: "psirt@example.com", ENV_ORG: "gitlab", ENV_API_KEY: "cve-secret-api-key"}
H1_ENV = {"HACKERONE_API_USERNAME": "psirt-api", "HACKERONE_API_TOKEN": "h1-secret-token"}


def configure(workspace: Workspace, section: str, text: str) -> Workspace:
    """Replace one ``[section]`` of the demo's psirt.toml."""
    config = workspace.config_path
    lines = config.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"[{section}]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    lines[start:end] = [f"[{section}]", *text.strip().splitlines(), ""]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Workspace(workspace.root)


# -- cve-services ------------------------------------------------------------------------------


@pytest.fixture
def cve_services() -> Iterator[FakeCveServices]:
    with FakeCveServices(org_id=CnaConfig().org_id) as fake:
        for cve in [*VALIDATED, "CVE-2026-4106", "CVE-2026-4105"]:
            fake.reserve(cve)
        yield fake


def test_cve_services_publishes_validated_records_once(
    demo_template: Path, tmp_path: Path, cve_services: FakeCveServices
) -> None:
    workspace = configure(copy_demo(demo_template, tmp_path / "ws"), "cna", 'kind = "cve-services"')
    env = {**CVE_ENV, ENV_API_URL: cve_services.url}
    result = run_close(workspace, PUBLISH, live=True, env=env)
    assert {o.outcome for o in result.outcomes} == {"applied"}
    assert sorted(c for c, s in cve_services.ids.items() if s == "PUBLISHED") == VALIDATED
    assert cve_services.ids["CVE-2026-4106"] == "RESERVED"  # advisory::invalid: refused
    assert len(cve_services.writes()) == len(VALIDATED)
    record = cve_services.records["CVE-2026-4101"]["containers"]["cna"]
    assert record["affected"][0]["versions"][-1]["lessThan"] == "18.10.1"
    journal = workspace.journal_path.read_text(encoding="utf-8")
    assert "cve-secret-api-key" not in journal and "CVE-2026-4101" in journal

    again = run_close(workspace, PUBLISH, live=True, env=env)
    # published ids are compared with what CVE Services holds: same content, nothing sent
    assert len(cve_services.writes()) == len(VALIDATED)
    assert all(o.detail.startswith("unchanged") for o in again.outcomes)


def test_cve_services_dry_run_reads_states_and_sends_nothing(
    demo_template: Path, tmp_path: Path, cve_services: FakeCveServices
) -> None:
    workspace = configure(copy_demo(demo_template, tmp_path / "ws"), "cna", 'kind = "cve-services"')
    env = {**CVE_ENV, ENV_API_URL: cve_services.url}
    result = run_close(workspace, PUBLISH, live=False, env=env)
    assert {o.outcome for o in result.outcomes} == {"would apply"}
    assert cve_services.writes() == []


# -- local -------------------------------------------------------------------------------------


def test_local_cna_writes_one_record_file_per_published_cve(
    demo_template: Path, tmp_path: Path
) -> None:
    workspace = configure(copy_demo(demo_template, tmp_path / "ws"), "cna", 'kind = "local"')
    run_close(workspace, PUBLISH, live=True)
    cna = LocalCna(workspace.root)
    assert cna.published() == VALIDATED
    path = workspace.root / "cna" / "published" / "CVE-2026-4101.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["cveMetadata"]["cveId"] == "CVE-2026-4101"
    stamp = path.stat().st_mtime_ns
    again = run_close(workspace, PUBLISH, live=True)
    assert {o.outcome for o in again.outcomes} == {"skipped"}
    assert path.stat().st_mtime_ns == stamp


# -- HackerOne ---------------------------------------------------------------------------------


@pytest.fixture
def hackerone() -> Iterator[FakeHackerOne]:
    with FakeHackerOne() as fake:
        for number, reporter in [("1", "kaizen-sec"), ("2", "rxss"), ("4", "nullbyte42")]:
            fake.add_report(f"310000{number}", f"report {number}", reporter)
        fake.add_bounty("3100002", "3000.00")
        fake.add_bounty("3100004", "4000.00")
        yield fake


def hackerone_workspace(template: Path, folder: Path, fake: FakeHackerOne) -> Workspace:
    workspace = copy_demo(template, folder)
    return configure(workspace, "bounty", f'kind = "hackerone"\nurl = "{fake.url}"')


def test_hackerone_comment_resolve_and_unpaid_list(
    demo_template: Path, tmp_path: Path, hackerone: FakeHackerOne
) -> None:
    workspace = hackerone_workspace(demo_template, tmp_path / "ws", hackerone)
    # the first comment lands but its answer is lost: the client must not post it twice
    hackerone.fail("5xx_after_apply", times=1, method="POST", path_contains="activities")
    result = run_close(workspace, NOTIFY, live=True, env=H1_ENV)
    paid = hackerone.reports["3100002"]
    comments = paid.comments()
    assert len(comments) == 1
    message = comments[0]["attributes"]["message"]
    assert "@rxss" in message and "18.10.1" in message
    assert "CVE-2026-4102" not in message  # not published while validate finds errors
    assert "CVE-2026-4101" in hackerone.reports["3100001"].comments()[0]["attributes"]["message"]
    assert paid.state == "resolved"
    assert hackerone.reports["3100001"].state == "resolved"
    assert hackerone.reports["3100004"].state == "triaged"  # reverted fix: not announced
    assert hackerone.reports["3100004"].comments() == []
    assert {r.id for r in result.unpaid} == {"3100001"}
    assert "reports still without a bounty" in render_close(result, live=True)
    # reports the fake does not know are refused by the snapshot, not written to
    refused = {r.subject for r in result.refusals if r.step == "notify-hackerone"}
    assert "report 3100003" in refused

    posts = len(hackerone.requests("POST"))
    again = run_close(workspace, NOTIFY, live=True, env=H1_ENV)
    assert len(hackerone.requests("POST")) == posts
    assert {o.outcome for o in again.outcomes} == {"skipped"}
