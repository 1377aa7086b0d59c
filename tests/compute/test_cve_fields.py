from dataclasses import replace

from psirt.compute.cve_fields import (
    Conflict,
    CveUpdate,
    affected_versions_field,
    compute_update,
    credit_field,
    fixed_versions_field,
    ranges_for,
    references_field,
    solution_field,
)
from psirt.core.config import Config, ProductConfig
from psirt.core.versions import Version
from psirt.parsing.cve_yaml import CveDocument
from tests.compute.builders import (
    CANONICAL_URL,
    COMPLETE_YAML,
    DESCRIPTION,
    H1_CREDIT,
    TEMPLATE_YAML,
    WORK_ITEM_URL,
    release,
    security_issue,
)

CONFIG = Config()
PUBLIC = "could have allowed an unauthenticated user to cause a denial of service."


def update_of(yaml_text: str = COMPLETE_YAML, config: Config = CONFIG, **kw: object) -> CveUpdate:
    result = compute_update(security_issue(yaml_text, **kw), release(), config)  # type: ignore[arg-type]
    assert result is not None
    return result


def doc(update: CveUpdate) -> CveDocument:
    return CveDocument(update.after)


# -- each computed field, against DOMAIN.md's published values --------------------------


def test_computed_fields_match_the_published_record() -> None:
    ranges = ranges_for(Version.parse("16.10"), release(), CONFIG)
    assert affected_versions_field(ranges) == [
        ">=16.10, <18.8.7",
        ">=18.9, <18.9.3",
        ">=18.10, <18.10.1",
    ]
    assert fixed_versions_field(ranges) == ["18.8.7", "18.9.3", "18.10.1"]
    assert solution_field(ranges) == "Upgrade to versions 18.8.7, 18.9.3, 18.10.1 or above."


def test_a_complete_request_is_left_alone() -> None:
    update = update_of()
    assert not update.changed
    assert update.after == COMPLETE_YAML
    assert update.conflicts == () and update.problems == ()


def test_computed_fields_overwrite_human_values() -> None:
    wrong = COMPLETE_YAML.replace("'18.8.7'\n", "'18.8.6'\n").replace(
        ">=16.10, <18.8.7", ">=16.9, <18.8.6"
    )
    update = update_of(wrong)
    assert update.after == COMPLETE_YAML
    assert update.changed_fields == ("product.affected_versions", "product.fixed_versions")
    assert update.conflicts == ()


def test_first_affected_in_a_maintained_minor_drops_older_lines() -> None:
    update = update_of(version_affected="18.9")
    document = doc(update)
    assert document.list_of("product.affected_versions") == [">=18.9, <18.9.3", ">=18.10, <18.10.1"]
    assert document.list_of("product.fixed_versions") == ["18.9.3", "18.10.1"]
    assert document.text_of("solution") == "Upgrade to versions 18.9.3, 18.10.1 or above."
    assert "versions from 18.9 before 18.9.3 and 18.10 before 18.10.1 that" in document.text_of(
        "description"
    )


# -- the seed's template ------------------------------------------------------------------


def test_template_is_filled_and_keeps_its_comments() -> None:
    update = update_of(TEMPLATE_YAML, public_description=PUBLIC)
    document = doc(update)
    assert document.text_of("description") == (
        "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 before "
        "18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed an "
        "unauthenticated user to cause a denial of service."
    )
    assert document.list_of("product.affected_versions") == [
        ">=16.10, <18.8.7",
        ">=18.9, <18.9.3",
        ">=18.10, <18.10.1",
    ]
    assert document.list_of("product.fixed_versions") == ["18.8.7", "18.9.3", "18.10.1"]
    assert document.text_of("credit") == H1_CREDIT
    # the template's placeholder reference stays (never removed); the real ones are appended
    assert document.list_of("references") == [
        "https://gitlab.com/",
        WORK_ITEM_URL,
        "https://hackerone.com/reports/3100001",
    ]
    for comment in (
        '# "iTerm2"',
        '# - "cpe:2.3:a:gitlab:gitaly:*:*:*:*:*:*:*:*"',
        '# credit: "This vulnerability has been discovered internally',
        "# CVSS:3.1 string, without the prefix",
        "cwe: CWE-400 # TODO",
    ):
        assert comment in update.after
    assert update.conflicts == ()
    assert update.problems == (
        "gitlab-org/cves#3101: references: 'https://gitlab.com/' is a template placeholder; "
        "remove it by hand (update-cves never removes a reference)",
    )


def test_placeholder_description_without_public_description_is_a_problem() -> None:
    update = update_of(TEMPLATE_YAML, public_description=None)
    assert doc(update).text_of("description") == "TODO"
    assert any("'Public description'" in p for p in update.problems)
    # the other fields are still computed
    assert doc(update).list_of("product.fixed_versions") == ["18.8.7", "18.9.3", "18.10.1"]


def test_ee_only_composes_an_ee_description() -> None:
    update = update_of(TEMPLATE_YAML, public_description=PUBLIC, ee_only="Yes")
    assert (
        doc(update)
        .text_of("description")
        .startswith("GitLab has remediated an issue in GitLab EE affecting all versions from 16.10")
    )


def test_unknown_edition_is_a_problem_not_a_guess() -> None:
    update = update_of(TEMPLATE_YAML, public_description=PUBLIC, ee_only=None)
    assert doc(update).text_of("description") == "TODO"
    assert any("GitLab EE only" in p for p in update.problems)


def test_missing_first_affected_version_computes_nothing_versioned() -> None:
    update = update_of(TEMPLATE_YAML, public_description=PUBLIC, version_affected=None)
    document = doc(update)
    assert document.list_of("product.affected_versions")[0] == ">=1X.X, <16.X.X"
    assert document.list_of("product.fixed_versions") == []
    assert any("'Version affected' is missing" in p for p in update.problems)


def test_first_affected_newer_than_the_release_is_a_problem() -> None:
    update = update_of(version_affected="18.11")
    assert not update.changed
    assert any("newer than every release version" in p for p in update.problems)


# -- the description's version phrase -------------------------------------------------------


def test_version_phrase_replaced_and_nothing_else() -> None:
    stale = DESCRIPTION.replace(
        "from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1",
        "from 1X.X before 18.9.X, and 18.10 before 18.10.X",
    )
    update = update_of(COMPLETE_YAML.replace(DESCRIPTION, stale))
    assert update.after == COMPLETE_YAML
    assert update.changed_fields == ("description",)
    assert update.description_changed


def test_description_without_a_phrase_is_a_conflict_and_kept() -> None:
    human = "A denial of service in CI lint that could have allowed an attacker to stop Puma."
    update = update_of(COMPLETE_YAML.replace(DESCRIPTION, human))
    assert doc(update).text_of("description") == human
    assert [c.field for c in update.conflicts] == ["description"]
    assert "from 16.10 before 18.8.7" in update.conflicts[0].computed


def test_edition_mismatch_is_a_conflict() -> None:
    update = update_of(ee_only="Yes")
    assert update.conflicts == (
        Conflict("gitlab-org/cves#3101", "description (edition)", "CE/EE", "EE"),
    )
    assert not update.changed


# -- fields filled only when missing ---------------------------------------------------------


def test_profile_fields_filled_when_missing() -> None:
    stripped = COMPLETE_YAML.replace("    vendor: GitLab\n", "").replace(
        "    cpes:\n      - cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*\n", ""
    )
    update = update_of(stripped)
    document = doc(update)
    assert document.text_of("product.vendor") == "GitLab"
    assert document.list_of("product.cpes") == ["cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*"]
    assert set(update.changed_fields) == {"product.vendor", "product.cpes"}


def test_profile_fields_come_from_the_config() -> None:
    config = Config(
        product=ProductConfig(
            vendor="Acme", name="Widget", cpes=("cpe:2.3:a:acme:w:*:*:*:*:*:*:*:*",)
        )
    )
    update = update_of(
        TEMPLATE_YAML.replace('    vendor: GitLab   # "iTerm2"\n', ""), config=config
    )
    document = doc(update)
    assert document.text_of("product.vendor") == "Acme"
    conflicts = {c.field: c for c in update.conflicts}
    assert conflicts["product.name"] == Conflict(
        "gitlab-org/cves#3101", "product.name", "GitLab", "Widget"
    )
    assert conflicts["product.cpes"].computed == "cpe:2.3:a:acme:w:*:*:*:*:*:*:*:*"
    assert document.text_of("product.name") == "GitLab"  # the human value is kept


def test_human_vendor_is_never_overwritten() -> None:
    update = update_of(COMPLETE_YAML.replace("vendor: GitLab", "vendor: GitLab Inc."))
    assert not update.changed
    assert update.conflicts == (
        Conflict("gitlab-org/cves#3101", "product.vendor", "GitLab Inc.", "GitLab"),
    )


def test_credit_from_the_thanks_row_for_an_internal_find() -> None:
    item = security_issue(reporter=None, report_id=None, thanks="Dana Diaz (@dana-dev)")
    assert credit_field(item, CONFIG) == (
        "This vulnerability has been discovered internally by GitLab team member Dana Diaz",
        ("Dana Diaz", "dana-dev"),
    )
    update = update_of(
        TEMPLATE_YAML, public_description=PUBLIC, reporter=None, report_id=None, thanks="@dana-dev"
    )
    assert doc(update).text_of("credit") == (
        "This vulnerability has been discovered internally by GitLab team member dana-dev"
    )
    assert doc(update).list_of("references") == ["https://gitlab.com/", WORK_ITEM_URL]


def test_credit_from_the_thanks_row_when_the_report_is_not_loaded() -> None:
    item = security_issue(reporter=None, report_id="3100001", thanks="@kaizen-sec")
    assert credit_field(item, CONFIG) == (H1_CREDIT, ("kaizen-sec",))


def test_human_credit_naming_the_reporter_is_kept_silently() -> None:
    custom = "Thanks kaizen-sec for the report"
    update = update_of(COMPLETE_YAML.replace(H1_CREDIT, custom))
    assert not update.changed and update.conflicts == ()


def test_human_credit_naming_someone_else_is_a_conflict() -> None:
    other = "Thanks [someone](https://hackerone.com/someone) for reporting"
    update = update_of(COMPLETE_YAML.replace(H1_CREDIT, other))
    assert doc(update).text_of("credit") == other
    assert update.conflicts == (Conflict("gitlab-org/cves#3101", "credit", other, H1_CREDIT),)


def test_no_credit_source_is_a_problem() -> None:
    update = update_of(
        TEMPLATE_YAML, public_description=PUBLIC, reporter=None, report_id=None, thanks=None
    )
    assert any("credit is missing" in p for p in update.problems)


def test_references_appended_never_removed_or_duplicated() -> None:
    yaml_text = COMPLETE_YAML.replace(
        f"    - {CANONICAL_URL}\n    - https://hackerone.com/reports/3100001\n",
        f"    - {CANONICAL_URL}/\n    - https://example.com/advisory\n",
    )
    update = update_of(yaml_text)
    assert doc(update).list_of("references") == [
        f"{CANONICAL_URL}/",
        "https://example.com/advisory",
        "https://hackerone.com/reports/3100001",
    ]


def test_canonical_url_built_from_the_links_table_when_not_loaded() -> None:
    item = security_issue(canonical=False)
    assert references_field(item, CONFIG) == [
        WORK_ITEM_URL,
        "https://hackerone.com/reports/3100001",
    ]


# -- idempotence, and requests that cannot be read -------------------------------------------


def test_applying_then_recomputing_changes_nothing() -> None:
    first = update_of(TEMPLATE_YAML, public_description=PUBLIC)
    assert first.changed
    second = update_of(first.after, public_description=PUBLIC)
    assert not second.changed
    assert second.after == first.after


def test_request_without_yaml_is_a_problem() -> None:
    item = security_issue()
    assert item.cve_request is not None
    broken = replace(item.cve_request, yaml_text=None, document=None, yaml_error="no yaml block")
    update = compute_update(replace(item, cve_request=broken), release(), CONFIG)
    assert update is not None and not update.changed
    assert update.problems == ("gitlab-org/cves#3101: no yaml block",)


def test_issue_without_request_has_no_update() -> None:
    item = replace(security_issue(), cve_request=None)
    assert compute_update(item, release(), CONFIG) is None
