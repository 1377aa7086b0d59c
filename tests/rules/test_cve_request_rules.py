"""CVE request rules (``CVE``) beyond their broken snapshot: the messages' wording, credit of
team members, placeholders, editions, CWE names in titles."""

from __future__ import annotations

from dataclasses import replace

from psirt.workflows.validate import run_rules
from tests import factories as f
from tests.rules.broken_snapshots import BROKEN, codes, cve_yaml, findings_of


def test_discouraged_cwe_message_names_field_and_suggestions() -> None:
    (finding,) = findings_of(BROKEN["CVE006"](), "CVE006")
    assert finding.message.startswith("cwe: CWE-400 is Discouraged by MITRE; consider CWE-770")
    assert finding.subject == "gitlab-org/cves#3101"


def test_internal_find_credits_the_team_member() -> None:
    credit = (
        "This vulnerability has been discovered internally by GitLab team member "
        "[Dana Diaz](https://gitlab.com/dana-dev)"
    )
    item = f.security_issue(
        report=False,
        thanks="Dana Diaz (@dana-dev)",
        cve=f.cve_request(
            yaml=f.yaml_text(
                credit=credit, references=["https://gitlab.com/gitlab-org/gitlab/-/issues/51001"]
            )
        ),
    )
    assert run_rules(f.snapshot(item)) == []
    wrong = f.security_issue(
        report=False,
        thanks="Erik Eriksen (@erik-dev)",
        cve=f.cve_request(
            yaml=f.yaml_text(
                credit=credit, references=["https://gitlab.com/gitlab-org/gitlab/-/issues/51001"]
            )
        ),
    )
    assert codes(f.snapshot(wrong)) == ["CVE014"]


def test_advisory_invalid_quotes_the_cna_bot() -> None:
    (finding,) = findings_of(BROKEN["CVE025"](), "CVE025")
    assert "the description is a placeholder" in finding.message
    assert 'said: "' in finding.message and finding.message.endswith('"')  # text, not a repr
    assert finding.location is not None and finding.location.note is not None


def test_template_yaml_is_reported_as_placeholders() -> None:
    yaml = f.yaml_text(affected_versions=[">=1X.X, <16.X.X", ">=16.Y, <16.Y.Y"], fixed_versions=[])
    found = codes(f.snapshot(f.security_issue(cve=f.cve_request(yaml=yaml))))
    assert {"CVE010", "CVE011"} <= set(found)
    # placeholders are not reported twice: neither as malformed nor as CVE003 with another fix
    assert "CVE009" not in found and "CVE003" not in found


def test_ee_only_title_is_clean() -> None:
    yaml = f.yaml_text(description=f.DESCRIPTION.replace("GitLab CE/EE", "GitLab EE"))
    item = f.security_issue(
        ee_only="Yes",
        cve=f.cve_request(yaml=yaml, title=f.CVE_TITLE.replace("CE/EE", "EE")),
    )
    assert run_rules(f.snapshot(item)) == []


def test_a_cwe_name_with_a_path_in_it_is_not_an_overshare() -> None:
    """MITRE names CWE-26 "Path Traversal: '/dir/../filename'": the title repeats it, and only
    what follows the name is checked for oversharing."""
    name = "Path Traversal: '/dir/../filename'"
    title = f"{name} issue in release notes impacts GitLab CE/EE"
    item = cve_yaml(cwe="CWE-26")
    assert item.cve_request is not None
    request = replace(item.cve_request, issue=replace(item.cve_request.issue, title=title))
    clean = f.snapshot(replace(item, cve_request=request))
    assert "CVE023" not in codes(clean)
    leaky = replace(
        request,
        issue=replace(request.issue, title=title.replace("release notes", "app/models/release.rb")),
    )
    assert "CVE023" in codes(f.snapshot(replace(item, cve_request=leaky)))
