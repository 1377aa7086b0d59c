"""Every rule: one snapshot that triggers it (and the message names the field), and the clean
snapshot that does not. Each broken snapshot changes exactly one thing of the clean fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from psirt.core.finding import Finding
from psirt.core.records import Issue, IssueRef, Note
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.rules.registry import load_all
from psirt.workflows.validate import run_rules
from tests import factories as f

CFG = f.CONFIG
LABELS = CFG.labels


def codes(snapshot: ReleaseSnapshot) -> list[str]:
    return sorted({finding.code for finding in run_rules(snapshot)})


def findings_of(snapshot: ReleaseSnapshot, code: str) -> list[Finding]:
    return [finding for finding in run_rules(snapshot) if finding.code == code]


def test_clean_snapshot_has_no_finding() -> None:
    assert run_rules(f.snapshot()) == []


def _cve(**yaml: object) -> SecurityIssue:
    return f.security_issue(cve=f.cve_request(yaml=f.yaml_text(**yaml)))


def _revert_pair() -> SecurityIssue:
    mrs = list(f.default_merge_requests())
    backport = mrs[2]
    revert = f.merge_request(
        backport.target_branch,
        iid=190,
        title="x",
        description=f"This reverts merge request !{backport.ref.iid}",
    )
    return f.security_issue(merge_requests=(*mrs, revert))


def _two_cve_requests_same(title: str, cve_id: str, cwe: str = "CWE-1333") -> ReleaseSnapshot:
    one = f.security_issue(
        iid=1, cve=f.cve_request(iid=1, title=title, cve_id=cve_id, yaml=f.yaml_text(cwe=cwe))
    )
    two = f.security_issue(
        iid=2, cve=f.cve_request(iid=2, title=title, cve_id=cve_id, yaml=f.yaml_text(cwe=cwe))
    )
    return f.snapshot(one, two)


BROKEN: dict[str, Callable[[], ReleaseSnapshot]] = {
    "ISS001": lambda: f.snapshot(f.security_issue(version_affected="sixteen")),
    "ISS002": lambda: f.snapshot(f.security_issue(ee_only="maybe")),
    "ISS003": lambda: f.snapshot(f.security_issue(thanks=None)),
    "ISS004": lambda: f.snapshot(
        f.security_issue(labels=(LABELS.security_target, LABELS.severity(1)))
    ),
    "ISS005": lambda: f.snapshot(f.security_issue(vote=None)),
    "ISS006": lambda: f.snapshot(f.security_issue(vote=f.council(approvals=()))),
    "ISS007": lambda: f.snapshot(f.security_issue(merge_requests=f.default_merge_requests()[1:])),
    "ISS008": lambda: f.snapshot(
        f.security_issue(merge_requests=f.default_merge_requests(("18.10", "18.9")))
    ),
    "ISS009": lambda: f.snapshot(
        f.security_issue(
            merge_requests=(
                *f.default_merge_requests()[1:],
                f.merge_request("master", iid=1, state="opened", title="Draft: fix"),
            )
        )
    ),
    "ISS010": lambda: f.snapshot(
        f.security_issue(
            merge_requests=(
                *f.default_merge_requests()[:3],
                f.merge_request("18-8-stable-ee", iid=9, state="closed"),
            )
        )
    ),
    "ISS011": lambda: f.snapshot(_revert_pair()),
    "ISS012": lambda: f.snapshot(f.security_issue(canonical=False)),
    "ISS013": lambda: f.snapshot(f.security_issue(cve=None)),
    "ISS014": lambda: f.snapshot(f.security_issue(confidential=False)),
    "ISS015": lambda: f.snapshot(f.security_issue(version_affected="18.11")),
    "CVE001": lambda: f.snapshot(f.security_issue(cve=f.cve_request(yaml="vulnerability: [\n"))),
    "CVE002": lambda: f.snapshot(_cve(impact=None)),
    "CVE003": lambda: f.snapshot(_cve(credit="TODO")),
    "CVE004": lambda: f.snapshot(_cve(cwe="CWE-999999")),
    "CVE005": lambda: f.snapshot(_cve(cwe="CWE-16")),
    "CVE006": lambda: f.snapshot(_cve(cwe="CWE-400")),
    "CVE007": lambda: f.snapshot(_cve(cwe="CWE-862")),
    "CVE008": lambda: f.snapshot(_cve(cpes=["cpe:2.3:a:gitlab:runner:*:*:*:*:*:*:*:*"])),
    "CVE009": lambda: f.snapshot(
        _cve(affected_versions=["16.10 to 18.8.7", ">=18.9, <18.9.3", ">=18.10, <18.10.1"])
    ),
    "CVE010": lambda: f.snapshot(
        _cve(affected_versions=[">=16.9, <18.8.7", ">=18.9, <18.9.3", ">=18.10, <18.10.1"])
    ),
    "CVE011": lambda: f.snapshot(_cve(fixed_versions=["18.8.6", "18.9.3", "18.10.1"])),
    "CVE012": lambda: f.snapshot(_cve(impact="AV:Q/AC:L")),
    "CVE013": lambda: f.snapshot(_cve(impact="AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")),
    "CVE014": lambda: f.snapshot(_cve(credit="Thanks someone-else for reporting this")),
    "CVE015": lambda: f.snapshot(_cve(references=["https://hackerone.com/reports/3100001"])),
    "CVE016": lambda: f.snapshot(
        _cve(references=["https://gitlab.com/gitlab-org/gitlab/-/issues/51001"])
    ),
    "CVE017": lambda: f.snapshot(
        f.security_issue(cve=f.cve_request(title="ReDoS in the release notes parser"))
    ),
    "CVE018": lambda: f.snapshot(f.security_issue(ee_only="Yes")),
    "CVE019": lambda: f.snapshot(
        _cve(description="A denial of service was possible in GitLab 16.10 to 18.10.")
    ),
    "CVE020": lambda: f.snapshot(
        _cve(description=f.DESCRIPTION.replace("from 16.10 before", "from 16.9 before"))
    ),
    "CVE021": lambda: f.snapshot(
        _cve(description=f.DESCRIPTION + " Thanks to kaizen-sec for the report.")
    ),
    "CVE022": lambda: f.snapshot(
        _cve(description=f.DESCRIPTION.replace("certain conditions", "GET /api/v4/releases"))
    ),
    "CVE023": lambda: f.snapshot(
        f.security_issue(
            cve=f.cve_request(
                title=f.CVE_TITLE.replace("release notes", "Releases::NotesController#show")
            )
        )
    ),
    "CVE024": lambda: f.snapshot(f.security_issue(cve=f.cve_request(labels=()))),
    "CVE025": lambda: f.snapshot(
        f.security_issue(
            cve=f.cve_request(
                labels=(LABELS.description_validated, LABELS.advisory_invalid),
                notes=(Note(7, "Invalid: the description is a placeholder.", CFG.people.cna_bot),),
            )
        )
    ),
    "CVE026": lambda: f.snapshot(_cve(solution="Upgrade to the latest version.")),
    "CVE027": lambda: f.snapshot(
        f.security_issue(
            labels=(LABELS.security_target, LABELS.severity(3), f"{LABELS.weakness_prefix}CWE-79")
        )
    ),
    "CVE028": lambda: f.snapshot(_cve(vendor="GitLab Inc.")),
    "REL000": lambda: f.snapshot(
        problems=("gitlab-org/cves#9 (referenced by a fix) does not exist",)
    ),
    "REL001": lambda: f.snapshot(
        f.security_issue(labels=(LABELS.severity(3), f"{LABELS.weakness_prefix}CWE-1333"))
    ),
    "REL002": lambda: _two_cve_requests_same(f.CVE_TITLE, "CVE-2026-4101"),
    "REL003": lambda: _two_cve_requests_same(f.CVE_TITLE, "CVE-2026-4101"),
    "REL004": lambda: f.snapshot(
        f.security_issue(iid=1, cve=f.cve_request(iid=1, cve_id="CVE-2026-1")),
        f.security_issue(
            iid=2,
            cve=f.cve_request(
                iid=2,
                cve_id="CVE-2026-2",
                title=f.CVE_TITLE.replace("GitLab CE/EE", "GitLab  CE/EE"),
            ),
        ),
    ),
    "REL005": lambda: f.snapshot(
        other_links=(Issue(IssueRef(CFG.projects.cve_requests, 999), "stray request"),)
    ),
    "REL006": lambda: f.snapshot(versions=()),
    "REL007": lambda: ReleaseSnapshot(config=CFG, release=f.snapshot().release, issues=()),
}


def test_every_declared_rule_has_a_broken_fixture() -> None:
    mine = {rule.code for rule in load_all() if rule.code[:3] in ("ISS", "CVE", "REL")}
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


def test_discouraged_cwe_message_names_field_and_suggestions() -> None:
    (finding,) = findings_of(BROKEN["CVE006"](), "CVE006")
    assert finding.message.startswith("cwe: CWE-400 is Discouraged by MITRE; consider CWE-770")
    assert finding.subject == "gitlab-org/cves#3101"


def test_approvals_depend_on_council_severity() -> None:
    one = f.council(approvals=("ivan-appsec",))
    medium = f.snapshot(f.security_issue(vote=one))
    assert "ISS006" not in codes(medium)
    critical = f.snapshot(
        f.security_issue(
            vote=f.council(vector=f.CRITICAL_VECTOR, approvals=("ivan-appsec",)),
            labels=(LABELS.security_target, LABELS.severity(1), "Weakness::CWE-1333"),
            cve=f.cve_request(yaml=f.yaml_text(impact=f.CRITICAL_VECTOR)),
        )
    )
    (finding,) = findings_of(critical, "ISS006")
    assert "1 approval of 2" in finding.message


def test_reduced_backports_label_waives_missing_backports() -> None:
    item = f.security_issue(
        merge_requests=f.default_merge_requests(("18.10",)),
        labels=(
            LABELS.security_target,
            LABELS.severity(3),
            "Weakness::CWE-1333",
            LABELS.reduced_backports,
        ),
    )
    assert "ISS008" not in codes(f.snapshot(item))


def test_backports_only_for_minors_the_bug_reaches() -> None:
    """A bug introduced in 18.9 needs no 18-8-stable-ee backport."""
    yaml = f.yaml_text(
        description=f.DESCRIPTION.replace(
            "from 16.10 before 18.8.7, 18.9 before 18.9.3, and", "from 18.9 before 18.9.3 and"
        ),
        affected_versions=[">=18.9, <18.9.3", ">=18.10, <18.10.1"],
        fixed_versions=["18.9.3", "18.10.1"],
        solution="Upgrade to versions 18.9.3, 18.10.1 or above.",
    )
    item = f.security_issue(
        version_affected="18.9",
        merge_requests=f.default_merge_requests(("18.10", "18.9")),
        cve=f.cve_request(yaml=yaml),
    )
    assert run_rules(f.snapshot(item)) == []


def test_reverted_label_and_revert_title_both_count() -> None:
    mrs = list(f.default_merge_requests())
    by_label = replace(mrs[1], labels=(LABELS.reverted,))
    item = f.security_issue(merge_requests=(mrs[0], by_label, *mrs[2:]))
    assert "ISS011" in codes(f.snapshot(item))
    revert = replace(
        f.merge_request(mrs[3].target_branch, iid=300), title=f'Revert "{mrs[3].title}"'
    )
    titled = f.security_issue(merge_requests=(*mrs, revert))
    (finding,) = findings_of(f.snapshot(titled), "ISS011")
    assert str(mrs[3].ref) in finding.message
    assert "ISS008" not in codes(f.snapshot(titled))  # the revert itself is not a fix MR


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


def test_template_yaml_is_reported_as_placeholders() -> None:
    yaml = f.yaml_text(affected_versions=[">=1X.X, <16.X.X", ">=16.Y, <16.Y.Y"], fixed_versions=[])
    found = codes(f.snapshot(f.security_issue(cve=f.cve_request(yaml=yaml))))
    assert {"CVE003", "CVE010", "CVE011"} <= set(found)
    assert "CVE009" not in found  # placeholders are not reported twice as malformed


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
    item = _cve(cwe="CWE-26")
    assert item.cve_request is not None
    request = replace(item.cve_request, issue=replace(item.cve_request.issue, title=title))
    clean = f.snapshot(replace(item, cve_request=request))
    assert "CVE023" not in codes(clean)
    leaky = replace(
        request,
        issue=replace(request.issue, title=title.replace("release notes", "app/models/release.rb")),
    )
    assert "CVE023" in codes(f.snapshot(replace(item, cve_request=leaky)))
