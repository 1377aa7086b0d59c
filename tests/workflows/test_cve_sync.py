"""``psirt cve sync`` on the demo release against the loopback fake CVE Services (cvelib over
HTTP): a record published before the blog post gets the post's reference with one update that
sends the CNA container alone; a rerun sends nothing; server-set fields make no difference; the
ADP containers stay; a lost answer is checked before anything is sent again."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from psirt.actions.executor import ExecutionStopped, execute
from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.cna.cve_services import ENV_API_KEY, ENV_API_URL, ENV_ORG, ENV_USER
from psirt.compute.post import post_url
from psirt.core.config import CnaConfig
from psirt.core.errors import ExitCode
from psirt.core.workspace import Workspace
from psirt.session import Session, open_session
from psirt.workflows.cve_export import records
from psirt.workflows.cve_sync import plan_sync, run_sync
from tests.actions.closing import copy_demo
from tests.cna.test_published_records import cisa_adp
from tests.fakes.cve_services_server import FakeCveServices

ORG_ID = CnaConfig().org_id
CVE_ENV = {ENV_USER: "psirt@example.com", ENV_ORG: "gitlab", ENV_API_KEY: "cve-secret-api-key"}
LATE = "CVE-2026-4101"  # published before the blog post: no post reference
CURRENT = "CVE-2026-4103"  # published as psirt exports it now
UNAPPROVED = "CVE-2026-4105"  # its request lacks description::validated


@dataclass
class World:
    workspace: Workspace
    fake: FakeCveServices
    env: dict[str, str]
    blog_url: str
    exported: dict[str, dict[str, Any]]

    def session(self) -> Session:
        return open_session(self.workspace, self.env)

    def puts(self) -> list[str]:
        return [r.path for r in self.fake.requests("PUT")]


def without_blog(record: dict[str, Any], blog_url: str) -> dict[str, Any]:
    record = copy.deepcopy(record)
    cna = record["containers"]["cna"]
    cna["references"] = [r for r in cna["references"] if r["url"] != blog_url]
    return record


@pytest.fixture
def world(demo_template: Path, tmp_path: Path) -> Iterator[World]:
    workspace = copy_demo(demo_template, tmp_path / "ws", cna="cve-services")
    with FakeCveServices(org_id=ORG_ID) as fake:
        env = {**CVE_ENV, ENV_API_URL: fake.url}
        session = open_session(workspace, env)
        snapshot = session.snapshot()
        blog_url = post_url(snapshot.release, snapshot.config)
        exported = {str(r["cveMetadata"]["cveId"]): r for r in records(snapshot, blog_url)}
        cna = session.cna()
        for cve_id in (LATE, UNAPPROVED):
            fake.reserve(cve_id)
            cna.publish(cve_id, without_blog(exported[cve_id], blog_url))
        fake.reserve(CURRENT)
        cna.publish(CURRENT, exported[CURRENT])
        for cve_id in (LATE, CURRENT, UNAPPROVED):
            for container in cisa_adp(cve_id):
                fake.add_adp(cve_id, container)
        fake.log.clear()
        yield World(workspace, fake, env, blog_url, exported)


def test_sync_adds_the_missing_blog_reference_with_exactly_one_update(world: World) -> None:
    adp_before = world.fake.adp(LATE)
    result = run_sync(world.session(), live=True)

    assert world.puts() == [f"/api/cve/{LATE}/cna"]
    (put,) = world.fake.requests("PUT")
    assert set(put.body) == {"cnaContainer"}  # no adp key, nothing but the CNA container
    assert "adp" not in put.body["cnaContainer"]
    urls = [r["url"] for r in world.fake.records[LATE]["containers"]["cna"]["references"]]
    assert world.blog_url in urls
    assert world.fake.adp(LATE) == adp_before  # the ADP containers are unchanged
    assert [o.outcome for o in result.outcomes] == ["applied"]
    statuses = {item.cve_id: item.status for item in result.items}
    assert statuses[LATE] == "differs" and statuses[CURRENT] == "up to date"
    assert statuses["CVE-2026-4109"] == "not published"
    entries = Journal(world.workspace.journal_path).entries()
    assert [(e["action"], e["subject"], e["outcome"]) for e in entries] == [
        ("update-record", LATE, "applied")
    ]
    assert "cve-secret-api-key" not in world.workspace.journal_path.read_text(encoding="utf-8")

    again = run_sync(world.session(), live=True)
    assert world.puts() == [f"/api/cve/{LATE}/cna"]  # the rerun sends nothing
    assert not again.plan.actions
    assert {item.cve_id: item.status for item in again.items}[LATE] == "up to date"


def test_dry_run_shows_the_diff_and_sends_nothing(world: World) -> None:
    result = run_sync(world.session(), live=False)
    assert world.fake.writes() == []
    text = result.render(live=False)
    added = [line.strip() for line in text.splitlines() if line.strip().startswith("+ ")]
    assert f'+ "url": "{world.blog_url}"' in [" ".join(line.split()) for line in added]
    assert "[would apply]" in text
    assert "dry run" in text
    assert result.exit_code(live=False) == ExitCode.FINDINGS


def test_a_record_changed_only_in_server_set_fields_is_not_updated(world: World) -> None:
    world.fake.stamp(CURRENT, "2026-05-01T10:00:00.000Z")
    result = run_sync(world.session(), live=True)
    assert f"/api/cve/{CURRENT}/cna" not in world.puts()
    assert {item.cve_id: item.status for item in result.items}[CURRENT] == "up to date"


def test_a_lost_answer_to_an_update_is_checked_before_it_is_sent_again(world: World) -> None:
    world.fake.fail("drop_after_apply", times=1, method="PUT")
    result = run_sync(world.session(), live=True)
    assert world.puts() == [f"/api/cve/{LATE}/cna"]
    calls = [(r.method, r.path) for r in world.fake.log]
    put = calls.index(("PUT", f"/api/cve/{LATE}/cna"))
    assert ("GET", f"/api/cve/{LATE}") in calls[put + 1 :]
    assert [o.outcome for o in result.outcomes] == ["applied"]
    assert world.fake.adp(LATE) == cisa_adp(LATE)


def test_an_update_is_refused_when_the_record_changed_since_it_was_read(world: World) -> None:
    session = world.session()
    cna = session.cna()
    planned = plan_sync(session.snapshot(), cna, world.blog_url)
    world.fake.records[LATE]["containers"]["cna"]["title"] = "Changed by someone else"
    context = ExecutionContext(tracker=session.tracker, cna=cna)
    with pytest.raises(ExecutionStopped, match="changed since it was read"):
        execute(planned.plan, context, live=True)
    assert world.puts() == []


def test_an_unapproved_text_or_another_cnas_record_is_not_sent(world: World) -> None:
    other = copy.deepcopy(world.fake.records[CURRENT])
    other["cveMetadata"].update(
        cveId="CVE-2026-4109", assignerOrgId="other-org", assignerShortName="Other"
    )
    world.fake.seed_record(without_blog(other, world.blog_url), owner="other")
    result = run_sync(world.session(), live=True)
    refused = {item.cve_id: item.refusal for item in result.items if item.refusal}
    assert "description::validated" in (refused[UNAPPROVED] or "")
    assert "another CNA (Other)" in (refused["CVE-2026-4109"] or "")
    assert world.puts() == [f"/api/cve/{LATE}/cna"]
    assert result.exit_code(live=True) == ExitCode.REFUSED


def test_cli_dry_run_exits_1_with_the_diff(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in world.env.items():
        monkeypatch.setenv(name, value)
    code = run_app(app, ["-w", str(world.workspace.root), "cve", "sync"])
    out = capsys.readouterr().out
    assert code == ExitCode.FINDINGS
    assert f"update the published record of {LATE}" in out and world.blog_url in out
    assert world.fake.writes() == []
    assert "cve-secret-api-key" not in out
