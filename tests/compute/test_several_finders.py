"""A report found by several hackers (the reporter and HackerOne collaborators) credits them
all, in GitLab's wording, in the YAML, the record, the post and the #thanks message; the local
workspace and the HackerOne mapping carry them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from psirt.bounty.hackerone import report_from_json
from psirt.bounty.local import LocalBounty
from psirt.compute.cve_fields import compute_update, hackerone_credit
from psirt.compute.facts import resolve
from psirt.core.records import Report
from psirt.parsing.cve_yaml import CveDocument
from psirt.render.cve_record import build_record
from tests.compute.builders import COMPLETE_YAML, H1_CREDIT, release, security_issue
from tests.factories import CONFIG

TWO = (
    "Thanks [a](https://hackerone.com/a) and [b](https://hackerone.com/b) for reporting this "
    "vulnerability through our HackerOne bug bounty program"
)


def test_gitlabs_wording_for_one_two_and_three_finders() -> None:
    assert hackerone_credit("kaizen-sec") == H1_CREDIT
    assert hackerone_credit("a", "b") == TWO
    assert hackerone_credit("a", "b", "c").startswith(
        "Thanks [a](https://hackerone.com/a), [b](https://hackerone.com/b), and "
        "[c](https://hackerone.com/c) for reporting"
    )


def test_update_cves_and_the_record_credit_every_finder() -> None:
    item = security_issue(COMPLETE_YAML.replace(H1_CREDIT, "TODO"))
    assert item.report is not None
    item = replace(item, report=replace(item.report, reporter="a", collaborators=("b",)))
    update = compute_update(item, release(), CONFIG)
    assert update is not None
    assert CveDocument(update.after).text_of("credit") == TWO
    written = replace(item, cve_request=replace(item.cve_request, yaml_text=update.after))
    assert written.cve_request is not None
    written = replace(
        written,
        cve_request=replace(written.cve_request, document=CveDocument(update.after)),
    )
    facts = replace(resolve(written, release(), CONFIG), cve_id="CVE-2026-0001")
    record = build_record(facts, CONFIG)
    assert record["containers"]["cna"]["credits"] == [
        {"lang": "en", "type": "finder", "value": TWO}
    ]


def test_the_local_workspace_keeps_collaborators(tmp_path: Path) -> None:
    bounty = LocalBounty(tmp_path)
    bounty.save_report(Report("42", "t", "a", collaborators=("b", "c")))
    assert bounty.get_report("42").finders == ("a", "b", "c")
    bounty.save_report(Report("43", "t", "a"))
    [written] = [p for p in tmp_path.rglob("43.yaml")]
    assert "collaborators" not in written.read_text(encoding="utf-8")


def test_hackerone_collaborators_are_read() -> None:
    user = {"data": {"attributes": {"username": "a"}}}
    document = {
        "data": {
            "id": "7",
            "attributes": {"title": "t", "state": "triaged"},
            "relationships": {
                "reporter": user,
                "collaborators": {"data": [{"attributes": {"username": "b"}}]},
            },
        }
    }
    assert report_from_json(document).finders == ("a", "b")
