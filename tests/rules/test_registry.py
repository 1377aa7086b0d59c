"""The rule registry: declared once, listed sorted, checks run by subject kind."""

from __future__ import annotations

import pytest

from psirt.core.finding import Finding
from psirt.rules.registry import DuplicateRuleError, RuleRegistry, load_all


def test_declare_and_finding_carry_code_level_hint() -> None:
    registry = RuleRegistry()
    rule = registry.declare("TST002", "warning", "thing", "A thing is fine.", "Fix the thing.")
    registry.declare("TST001", "error", "thing", "First.")
    finding = rule.finding("x#1", "name", "name: too long")
    assert finding == Finding(
        "TST002", "warning", "x#1", "name", "name: too long", "Fix the thing."
    )
    assert [r.code for r in registry] == ["TST001", "TST002"]
    assert rule.finding("x", "f", "m", hint="other").hint == "other"


def test_conflicting_redeclaration_is_refused() -> None:
    registry = RuleRegistry()
    registry.declare("TST001", "error", "thing", "First.")
    registry.declare("TST001", "error", "thing", "First.")  # same: harmless
    with pytest.raises(DuplicateRuleError):
        registry.declare("TST001", "warning", "thing", "First.")


def test_checks_run_by_kind_once_each() -> None:
    registry = RuleRegistry()
    rule = registry.declare("TST001", "error", "thing", "First.")

    def check(value: int) -> list[Finding]:
        return [rule.finding(str(value), "", "m")] if value > 1 else []

    registry.check("thing")(check)
    registry.check("thing")(check)  # a module reload does not double it
    assert [f.subject for f in registry.run("thing", 5)] == ["5"]
    assert registry.run("other", 5) == []


def test_load_all_finds_every_rule_module_with_unique_codes() -> None:
    registry = load_all()
    codes = [rule.code for rule in registry]
    assert len(codes) == len(set(codes))
    assert {"ISS001", "CVE006", "REL001"} <= set(codes)
    for rule in registry:
        assert rule.summary and rule.level in ("error", "warning")


def test_cve_request_checks_run_in_the_packages_order() -> None:
    """Findings keep their order: the package imports its modules in a fixed order (not the
    alphabet's), and importing any one of them runs the package first."""
    import psirt.rules.cve_request.labels  # noqa: F401

    order = [check.__module__.rsplit(".", 1)[1] for check in load_all().checks("CVE request")]
    assert order == [
        "fields",
        "cwe",
        "product",
        "versions",
        "impact",
        "credit",
        "references",
        "title",
        "description",
        "labels",
        "confidential",  # the one confidentiality check, after the package (CNF)
        "validated",  # its own module, after the package (rules/validated.py)
    ]
