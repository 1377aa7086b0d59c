"""Every issue, CVE request and release rule: its broken snapshot triggers it (and the message
names the field), and the clean snapshot triggers nothing."""

from __future__ import annotations

import pytest

from psirt.rules.registry import load_all
from psirt.workflows.validate import run_rules
from tests import factories as f
from tests.rules.broken_snapshots import BROKEN, codes, findings_of


def test_clean_snapshot_has_no_finding() -> None:
    assert run_rules(f.snapshot()) == []


def test_every_declared_rule_has_a_broken_fixture() -> None:
    mine = {rule.code for rule in load_all() if rule.code[:3] in ("ISS", "CVE", "REL", "CNF")}
    assert mine == set(BROKEN)


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_rule_triggers_on_its_fixture(code: str) -> None:
    found = findings_of(BROKEN[code](), code)
    assert found, f"{code} not reported; got {codes(BROKEN[code]())}"
    registry = load_all()
    for finding in found:
        assert finding.level == registry.get(code).level
        assert finding.field == "" or finding.message.startswith(finding.field.split(":")[0])
        assert finding.hint


def test_one_change_gives_only_its_own_codes() -> None:
    """A fixture breaks one thing and gets only that finding (a CWE change also changes what the
    title and the Weakness label must say, so it brings CVE017 and CVE027 along)."""
    assert codes(BROKEN["CVE006"]()) == ["CVE006", "CVE017", "CVE027"]
    assert codes(BROKEN["ISS006"]()) == ["ISS006"]
    assert codes(BROKEN["CVE011"]()) == ["CVE011"]
