"""One snapshot per issue, CVE request and release rule that triggers it: each changes exactly
one thing of the clean fix of ``tests.factories``. Shared by the rule tests and the golden list of
rule messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from psirt.core.finding import Finding
from psirt.core.records import DESCRIPTION_CHANGED, Issue, IssueRef, LabelEvent, Note
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.workflows.validate import run_rules
from tests import factories as f

CFG = f.CONFIG
LABELS = CFG.labels
_REFERENCES = (
    "https://gitlab.com/gitlab-org/gitlab/-/issues/51001",
    "https://hackerone.com/reports/3100001",
)


def codes(snapshot: ReleaseSnapshot) -> list[str]:
    return sorted({finding.code for finding in run_rules(snapshot)})


def findings_of(snapshot: ReleaseSnapshot, code: str) -> list[Finding]:
    return [finding for finding in run_rules(snapshot) if finding.code == code]


def cve_yaml(**yaml: object) -> SecurityIssue:
    return f.security_issue(cve=f.cve_request(yaml=f.yaml_text(**yaml)))


def _description_as_list(yaml: str) -> str:
    """The default CVE YAML with its description written as a list of two lines."""
    line = f'  description: "{f.DESCRIPTION}"\n'
    assert line in yaml
    return yaml.replace(line, "  description:\n    - GitLab has remediated\n    - an issue\n")


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


def _edited_after_validation() -> ReleaseSnapshot:
    """The request was validated on March 21, and its description edited on March 22."""
    edit = Note(
        8, DESCRIPTION_CHANGED, "chen-dev", datetime(2026, 3, 22, 10, tzinfo=UTC), system=True
    )
    added = LabelEvent(
        1, "add", LABELS.description_validated, "ana-psirt", datetime(2026, 3, 21, 9, tzinfo=UTC)
    )
    request = replace(f.cve_request(notes=(edit,)), label_events=(added,))
    return f.snapshot(f.security_issue(cve=request))


def _acknowledged_error() -> ReleaseSnapshot:
    """Someone acknowledges CVE010, an error: only warnings can be acknowledged."""
    item = f.security_issue()
    note = Note(77, "psirt acknowledge CVE010: the ranges look right to me", "chen-dev")
    return f.snapshot(replace(item, notes=(*item.notes, note)))


BROKEN: dict[str, Callable[[], ReleaseSnapshot]] = {
    "ISS001": lambda: f.snapshot(f.security_issue(version_affected="sixteen")),
    "ISS002": lambda: f.snapshot(f.security_issue(ee_only="maybe")),
    "ISS003": lambda: f.snapshot(f.security_issue(thanks=None)),
    "ISS004": lambda: f.snapshot(
        f.security_issue(labels=(LABELS.security_target, LABELS.severity(1)))
    ),
    "ISS005": lambda: f.snapshot(f.security_issue(vote=None)),
    "ISS006": lambda: f.snapshot(f.security_issue(vote=f.council(approvals=("chen-dev",)))),
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
    "ISS023": _acknowledged_error,
    "ISS015": lambda: f.snapshot(f.security_issue(version_affected="18.11")),
    "ISS016": lambda: f.snapshot(
        f.security_issue(report_link="https://hackerone.example/reports/3100001", report=False)
    ),
    "CVE001": lambda: f.snapshot(f.security_issue(cve=f.cve_request(yaml="vulnerability: [\n"))),
    "CVE002": lambda: f.snapshot(cve_yaml(impact=None)),
    "CVE003": lambda: f.snapshot(cve_yaml(credit="TODO")),
    "CVE004": lambda: f.snapshot(cve_yaml(cwe="CWE-999999")),
    "CVE005": lambda: f.snapshot(cve_yaml(cwe="CWE-16")),
    "CVE006": lambda: f.snapshot(cve_yaml(cwe="CWE-400")),
    "CVE007": lambda: f.snapshot(cve_yaml(cwe="CWE-862")),
    "CVE008": lambda: f.snapshot(cve_yaml(cpes=["cpe:2.3:a:gitlab:runner:*:*:*:*:*:*:*:*"])),
    "CVE009": lambda: f.snapshot(
        cve_yaml(affected_versions=["16.10 to 18.8.7", ">=18.9, <18.9.3", ">=18.10, <18.10.1"])
    ),
    "CVE010": lambda: f.snapshot(
        cve_yaml(affected_versions=[">=16.9, <18.8.7", ">=18.9, <18.9.3", ">=18.10, <18.10.1"])
    ),
    "CVE011": lambda: f.snapshot(cve_yaml(fixed_versions=["18.8.6", "18.9.3", "18.10.1"])),
    "CVE012": lambda: f.snapshot(cve_yaml(impact="AV:Q/AC:L")),
    "CVE013": lambda: f.snapshot(cve_yaml(impact="AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H")),
    "CVE014": lambda: f.snapshot(cve_yaml(credit="Thanks someone-else for reporting this")),
    "CVE015": lambda: f.snapshot(cve_yaml(references=["https://hackerone.com/reports/3100001"])),
    "CVE016": lambda: f.snapshot(
        cve_yaml(references=["https://gitlab.com/gitlab-org/gitlab/-/issues/51001"])
    ),
    "CVE017": lambda: f.snapshot(
        f.security_issue(cve=f.cve_request(title="ReDoS in the release notes parser"))
    ),
    "CVE018": lambda: f.snapshot(f.security_issue(ee_only="Yes")),
    "CVE019": lambda: f.snapshot(
        cve_yaml(description="A denial of service was possible in GitLab 16.10 to 18.10.")
    ),
    "CVE020": lambda: f.snapshot(
        cve_yaml(description=f.DESCRIPTION.replace("from 16.10 before", "from 16.9 before"))
    ),
    "CVE021": lambda: f.snapshot(
        cve_yaml(description=f.DESCRIPTION + " Thanks to kaizen-sec for the report.")
    ),
    "CVE022": lambda: f.snapshot(
        cve_yaml(description=f.DESCRIPTION.replace("certain conditions", "GET /api/v4/releases"))
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
    "CVE026": lambda: f.snapshot(cve_yaml(solution="Upgrade to the latest version.")),
    "CVE027": lambda: f.snapshot(
        f.security_issue(
            labels=(LABELS.security_target, LABELS.severity(3), f"{LABELS.weakness_prefix}CWE-79")
        )
    ),
    "CVE028": lambda: f.snapshot(cve_yaml(vendor="GitLab Inc.")),
    "CVE029": _edited_after_validation,
    "CVE030": lambda: f.snapshot(
        f.security_issue(cve=f.cve_request(yaml=_description_as_list(f.yaml_text())))
    ),
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
    "CNF001": lambda: f.snapshot(
        cve_yaml(
            references=[*_REFERENCES, f"https://gitlab.com/{f.SECURITY_PROJECT}/-/issues/1101"]
        )
    ),
    "CNF002": lambda: f.snapshot(
        cve_yaml(references=[*_REFERENCES, "https://gitlab.com/gitlab-org/cves/-/issues/3101"])
    ),
    "CNF003": lambda: f.snapshot(f.security_issue(cve=None)),
    "CNF004": lambda: f.snapshot(cve_yaml(references=[*_REFERENCES, "file:///etc/passwd"])),
    "CNF005": lambda: f.snapshot(
        cve_yaml(
            credit=f"Thanks [{f.REPORTER}](https://example.net/{f.REPORTER}) for reporting this "
            "vulnerability through our HackerOne bug bounty program"
        )
    ),
}
