"""CVE record lint: each rule fails on a broken record and passes on a clean one."""

from __future__ import annotations

import copy

import pytest

from psirt.rules.cve_record import lint_record
from tests.rules.broken_records import BROKEN, CLEAN, cna, edit_description


def test_the_clean_record_passes_every_rule() -> None:
    assert lint_record(CLEAN, "clean.json") == []
    assert lint_record(CLEAN, "clean.json", exported=True) == []


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_rule_fails_on_its_broken_record(code: str) -> None:
    record = copy.deepcopy(CLEAN)
    BROKEN[code](record)
    exported = code in EXPORT_ONLY
    assert code in [f.code for f in lint_record(record, "broken.json", exported=exported)]


EXPORT_ONLY = {"REC031"}  # psirt's own export: a record without metrics is an error


def test_a_record_without_metrics_warns_and_is_an_error_in_psirts_export() -> None:
    record = copy.deepcopy(CLEAN)
    del cna(record)["metrics"]
    assert [(f.code, f.level) for f in lint_record(record, "r.json")] == [("REC030", "warning")]
    exported = lint_record(record, "r.json", exported=True)
    assert [(f.code, f.level) for f in exported] == [("REC031", "error")]
    record["cveMetadata"]["state"] = "REJECTED"
    assert "REC030" not in [f.code for f in lint_record(record, "r.json")]


def test_every_record_rule_has_a_failing_fixture() -> None:
    from psirt.rules.registry import RULES

    record_rules = RULES.of_kind("CVE record") + RULES.of_kind("exported CVE record")
    assert {rule.code for rule in record_rules} == set(BROKEN)


def test_schema_findings_name_the_field() -> None:
    record = copy.deepcopy(CLEAN)
    cna(record)["affected"][0]["versions"][0]["status"] = "broken"
    messages = [f.message for f in lint_record(record, "r.json") if f.code == "REC001"]
    assert any(m.startswith("containers.cna.affected.0.versions.0.status") for m in messages)


def test_a_record_that_is_not_an_object_is_one_schema_finding() -> None:
    assert [f.code for f in lint_record([], "list.json")] == ["REC001"]


@pytest.mark.parametrize(
    "credit",
    ["Thanks to someone.", "Found by a researcher.", "Credits to @dana.", "Reported by dana."],
)
def test_the_record_lint_knows_the_crediting_words_the_request_check_knows(credit: str) -> None:
    record = copy.deepcopy(CLEAN)
    edit_description(record, "view titles.", f"view titles. {credit}")
    assert "REC006" in [f.code for f in lint_record(record, "credit.json")]


# -- shapes that are correct and must stay clean (they were false alarms) ---------------------


def test_a_range_followed_by_a_full_stop_is_read() -> None:
    record = copy.deepcopy(CLEAN)
    edit_description(
        record,
        "18.10.1 that could have allowed an authenticated user to view titles.",
        "18.10.1. By leveraging this condition, an authenticated user could view titles.",
    )
    assert lint_record(record, "r.json") == []


def test_markdown_link_text_and_its_url_are_neither_placeholder_nor_overshare() -> None:
    record = copy.deepcopy(CLEAN)
    edit_description(
        record,
        "view titles.",
        "view titles. This was a bypass of [CVE-2023-1111]"
        "(https://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2023-1111).",
    )
    assert lint_record(record, "r.json") == []


def test_the_victim_is_not_taken_for_the_attacker() -> None:
    record = copy.deepcopy(CLEAN)
    metric = cna(record)["metrics"][0]["cvssV3_1"]
    metric.update(
        vectorString="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
        privilegesRequired="NONE",
        baseScore=5.3,
    )
    edit_description(
        record,
        "an authenticated user to view titles.",
        "an unauthenticated user to execute mutations on behalf of authenticated users.",
    )
    assert lint_record(record, "r.json") == []


def test_ranges_the_prose_checks_cannot_read_are_left_alone() -> None:
    record = copy.deepcopy(CLEAN)
    versions = cna(record)["affected"][0]["versions"]
    versions[0]["lessThanOrEqual"] = versions[0].pop("lessThan")
    versions[1]["changes"] = [{"at": "18.9.2", "status": "unaffected"}]
    versions[2]["versionType"] = "custom"
    assert [f.code for f in lint_record(record, "r.json")] == ["REC025"]


def test_a_balanced_closing_quote_after_the_full_stop_is_fine() -> None:
    record = copy.deepcopy(CLEAN)
    edit_description(record, "view titles.", 'view titles named "secret."')
    assert lint_record(record, "r.json") == []


@pytest.mark.parametrize("text", ["that that", "had had"])
def test_words_doubled_on_purpose_are_not_typos(text: str) -> None:
    record = copy.deepcopy(CLEAN)
    edit_description(record, "view titles.", f"view titles so {text} works.")
    assert lint_record(record, "r.json") == []
