"""Snapshots built in memory: one security issue with its CVE request, as the loader makes them."""

from __future__ import annotations

from psirt.core.config import Config
from psirt.core.records import Issue, IssueRef, Report
from psirt.core.versions import Version
from psirt.model.release import CveRequest, Release, ReleaseSnapshot, SecurityIssue
from psirt.parsing.council import CouncilVote
from psirt.parsing.cve_yaml import CveDocument, find_yaml_block
from psirt.parsing.details import Details
from psirt.parsing.links import Links
from psirt.parsing.tasklist import parse_tasks

RELEASE = ("18.10.1", "18.9.3", "18.8.7")
CANONICAL = IssueRef("gitlab-org/gitlab", 51001)
CANONICAL_URL = "https://gitlab.com/gitlab-org/gitlab/-/issues/51001"
# The same issue as update-cves cites it by default ([cve] reference_style = "work_item").
WORK_ITEM_URL = "https://gitlab.com/gitlab-org/gitlab/-/work_items/51001"
CVE_REF = IssueRef("gitlab-org/cves", 3101)

DESCRIPTION = (
    "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 before "
    "18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed an "
    "authenticated user to cause a denial of service under certain conditions."
)
H1_CREDIT = (
    "Thanks [kaizen-sec](https://hackerone.com/kaizen-sec) for reporting this vulnerability "
    "through our HackerOne bug bounty program"
)

# A request whose YAML already says everything update-cves would compute.
COMPLETE_YAML = f"""\
vulnerability:
  # If the affected product is GitLab, please mention if it's GitLab CE/EE or GitLab EE
  description: "{DESCRIPTION}"
  cwe: CWE-1284
  product:
    gitlab_path: gitlab-org/gitlab   # "namespace/project"
    vendor: GitLab
    name: GitLab
    cpes:
      - cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*
    affected_versions:
      - '>=16.10, <18.8.7'
      - '>=18.9, <18.9.3'
      - '>=18.10, <18.10.1'
    fixed_versions:
      - '18.8.7'
      - '18.9.3'
      - '18.10.1'
  impact: AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H   # CVSS:3.1 string, without the prefix
  solution: 'Upgrade to versions 18.8.7, 18.9.3, 18.10.1 or above.'
  credit: "{H1_CREDIT}"
  references:
    - {CANONICAL_URL}
    - https://hackerone.com/reports/3100001
"""

# The seed's template, as a request starts.
TEMPLATE_YAML = """\
vulnerability:
  # If the affected product is GitLab, please mention if it's GitLab CE/EE or GitLab EE
  description: TODO   # "[VULNTYPE] in [COMPONENT] in [VENDOR][PRODUCT] affecting all versions from 1X.X prior to 16.X.X"
  cwe: CWE-400 # TODO, for example "CWE-22" # Path Traversal
  product:
    gitlab_path: gitlab-org/gitlab   # "namespace/project" # the path of the project within gitlab
    vendor: GitLab   # "iTerm2"
    name: GitLab   # "iTerm2"
    # GitLab advisories MUST reference at least one CPE.
    cpes:
      - cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*
      # - "cpe:2.3:a:gitlab:gitaly:*:*:*:*:*:*:*:*"
    affected_versions:
      - '>=1X.X, <16.X.X' # "1.2.3"
      - '>=16.Y, <16.Y.Y' # "1.2.3"
      - '>=16.Z, <16.Z.Z' # "1.2.3"
    fixed_versions: [] # If empty, fixed versions will be automatically filled based on affected version constraints
  impact: AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H   # CVSS:3.1 string, without the prefix
  solution: '' # If empty, solution will be automatically filled based on affected version constraints
  credit: Thanks [example](https://hackerone.com/) for reporting this vulnerability
    through our HackerOne bug bounty program
  # credit: "This vulnerability has been discovered internally by GitLab team member <TEAM MEMBER NAME>"
  references:
    - https://gitlab.com/
"""  # noqa: E501 (the seed's template, verbatim)


def request_description(yaml_text: str) -> str:
    return (
        "Reserved: CVE-2026-4101\n\n* [ ] Publish immediately\n* [x] Wait to publish\n\n"
        f"```yaml\n{yaml_text}```\n"
    )


def cve_request(yaml_text: str, *, labels: tuple[str, ...] = (), title: str = "T") -> CveRequest:
    description = request_description(yaml_text)
    issue = Issue(CVE_REF, title, description, labels=labels)
    block = find_yaml_block(description)
    assert block is not None
    return CveRequest(
        issue=issue,
        notes=(),
        yaml_text=block.body,
        document=CveDocument(block.body),
        yaml_error=None,
        tasks=tuple(parse_tasks(description)),
    )


def security_issue(
    yaml_text: str = COMPLETE_YAML,
    *,
    version_affected: str | None = "16.10",
    ee_only: str | None = "No",
    thanks: str | None = "kaizen-sec",
    reporter: str | None = "kaizen-sec",
    report_id: str | None = "3100001",
    public_description: str | None = None,
    cve_labels: tuple[str, ...] = (),
    canonical: bool = True,
) -> SecurityIssue:
    ref = IssueRef("gitlab-org/security/gitlab", 1101)
    report = Report(report_id, "title", reporter) if reporter and report_id else None
    council = CouncilVote(7, "ivan-appsec", "AV:N", ("julia-appsec",), public_description)
    return SecurityIssue(
        issue=Issue(ref, "Fix"),
        details=Details(version_affected=version_affected, ee_only=ee_only, thanks=thanks),
        links=Links(canonical=CANONICAL, cve_request=CVE_REF, report_id=report_id),
        notes=(),
        merge_requests=(),
        canonical=Issue(CANONICAL, "Canonical", web_url=CANONICAL_URL) if canonical else None,
        cve_request=cve_request(yaml_text, labels=cve_labels),
        council=council,
        report=report,
        report_id=report_id,
    )


def release(versions: tuple[str, ...] = RELEASE) -> Release:
    tracking = Issue(IssueRef("gitlab-org/gitlab", 50000), "Security patch release")
    return Release(
        versions=tuple(sorted((Version.parse(v) for v in versions), reverse=True)),
        due_date=None,
        planned=True,
        tracking_issue=tracking,
        task_issue=None,
        release_managers=("ana-psirt",),
    )


def snapshot(*issues: SecurityIssue, config: Config | None = None) -> ReleaseSnapshot:
    return ReleaseSnapshot(config or Config(), release(), tuple(issues))
