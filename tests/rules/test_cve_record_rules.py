"""CVE record lint: each rule fails on a broken record and passes on a clean one."""

from __future__ import annotations

import copy

import pytest

from psirt.rules.cve_record import lint_record
from tests.rules.broken_records import BROKEN, CLEAN, cna, edit_description


def test_the_clean_record_passes_every_rule() -> None:
    assert lint_record(CLEAN, "clean.json") == []


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_rule_fails_on_its_broken_record(code: str) -> None:
    record = copy.deepcopy(CLEAN)
    BROKEN[code](record)
    assert code in [f.code for f in lint_record(record, "broken.json")]


def test_every_record_rule_has_a_failing_fixture() -> None:
    from psirt.rules.registry import RULES

    assert {rule.code for rule in RULES.of_kind("CVE record")} == set(BROKEN)


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
