"""CVE003 and the CVE rules that skip template text ask the shared detector
(``psirt.compute.placeholders``), so validate and update-cves call the same values placeholders."""

from __future__ import annotations

from psirt.compute.placeholders import find_placeholders
from psirt.core.finding import Finding
from psirt.workflows.validate import run_rules
from tests import factories as f


def _findings(**yaml: object) -> list[Finding]:
    item = f.security_issue(cve=f.cve_request(yaml=f.yaml_text(**yaml)))
    return run_rules(f.snapshot(item))


def _codes(**yaml: object) -> set[str]:
    return {finding.code for finding in _findings(**yaml)}


def test_template_reference_is_a_placeholder_for_validate_as_for_update_cves() -> None:
    assert find_placeholders("https://gitlab.com/") == ["https://gitlab.com/"]
    (finding,) = [x for x in _findings(references=["https://gitlab.com/"]) if x.code == "CVE003"]
    assert finding.field == "references" and '"https://gitlab.com/"' in finding.message


def test_template_credit_is_reported_as_the_template_value() -> None:
    credit = (
        "Thanks [example](https://hackerone.com/) for reporting this vulnerability through "
        "our HackerOne bug bounty program"
    )
    (finding,) = [x for x in _findings(credit=credit) if x.code == "CVE003"]
    assert (
        finding.field == "credit" and "Thanks [example](https://hackerone.com/)" in finding.message
    )


def test_bare_todo_description_is_cve003_only() -> None:
    codes = _codes(description="TODO")
    assert "CVE003" in codes
    assert not codes & {"CVE019", "CVE020", "CVE022"}


def test_half_filled_description_is_still_checked_for_overshare() -> None:
    draft = f.DESCRIPTION.replace("certain conditions", "GET /api/v4/releases (TODO: edition)")
    codes = _codes(description=draft)
    assert {"CVE003", "CVE022"} <= codes


def test_placeholder_range_is_not_also_reported_malformed() -> None:
    codes = _codes(affected_versions=[">=1X.X, <16.X.X", ">=18.9, <18.9.3", ">=18.10, <18.10.1"])
    assert "CVE009" not in codes


def test_a_placeholder_range_is_reported_once_with_one_fix() -> None:
    """With the release's ranges known, CVE010 reports the placeholder range (fix: update-cves)
    and CVE003 does not report the same field with another fix."""
    found = _findings(affected_versions=[">=1X.X, <16.X.X", ">=18.9, <18.9.3"])
    on_field = [x for x in found if x.field == "product.affected_versions"]
    assert [x.code for x in on_field] == ["CVE010"]
    assert "template placeholders left" in on_field[0].message
    assert "update-cves" in on_field[0].hint


def test_a_placeholder_range_without_known_ranges_is_cve003() -> None:
    """Without Version affected nothing computes the ranges: CVE003 reports the placeholder."""
    item = f.security_issue(
        cve=f.cve_request(yaml=f.yaml_text(affected_versions=[">=1X.X, <16.X.X"])),
        version_affected=None,
    )
    found = [x for x in run_rules(f.snapshot(item)) if x.field == "product.affected_versions"]
    assert [x.code for x in found] == ["CVE003"]
