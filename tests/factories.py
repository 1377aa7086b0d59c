"""Small factories for release snapshots built in memory: one clean fix by default, and
keyword arguments to break exactly one thing. Shared by the rule and workflow tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from psirt.core.config import Config
from psirt.core.records import Issue, IssueRef, MergeRequest, MergeRequestRef, Note, Report
from psirt.core.versions import Version
from psirt.model.release import CveRequest, Release, ReleaseSnapshot, SecurityIssue
from psirt.parsing.council import CouncilVote
from psirt.parsing.cve_yaml import read_cve_yaml
from psirt.parsing.details import parse_details
from psirt.parsing.links import parse_links

CONFIG = Config()
RELEASE_VERSIONS = ("18.10.1", "18.9.3", "18.8.7")
SECURITY_PROJECT = CONFIG.projects.security
VECTOR = "AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"  # 6.5 medium: severity::3, one approval
CRITICAL_VECTOR = "AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H"  # 9.9 critical: two approvals
DESCRIPTION = (
    "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 before "
    "18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed an "
    "authenticated user to cause a denial of service under certain conditions."
)
CVE_TITLE = "Inefficient Regular Expression Complexity issue in release notes impacts GitLab CE/EE"
REPORTER = "kaizen-sec"


def yaml_text(**fields: Any) -> str:
    """A complete, correct CVE YAML for the default fix; a field set to None is left out."""
    values: dict[str, Any] = {
        "description": DESCRIPTION,
        "cwe": "CWE-1333",
        "gitlab_path": "gitlab-org/gitlab",
        "vendor": "GitLab",
        "name": "GitLab",
        "cpes": ["cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*"],
        "affected_versions": [">=16.10, <18.8.7", ">=18.9, <18.9.3", ">=18.10, <18.10.1"],
        "fixed_versions": ["18.8.7", "18.9.3", "18.10.1"],
        "impact": VECTOR,
        "solution": "Upgrade to versions 18.8.7, 18.9.3, 18.10.1 or above.",
        "credit": (
            f"Thanks [{REPORTER}](https://hackerone.com/{REPORTER}) for reporting this "
            "vulnerability through our HackerOne bug bounty program"
        ),
        "references": [
            "https://gitlab.com/gitlab-org/gitlab/-/issues/51001",
            "https://hackerone.com/reports/3100001",
        ],
    }
    values.update(fields)

    def scalar(key: str, indent: str) -> str:
        value = values[key]
        if value is None:
            return ""
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'{indent}{key}: "{text}"\n'

    def sequence(key: str, indent: str) -> str:
        value = values[key]
        if value is None:
            return ""
        if not value:
            return f"{indent}{key}: []\n"
        items = "".join(f"{indent}  - '{item}'\n" for item in value)
        return f"{indent}{key}:\n{items}"

    return (
        "vulnerability:\n"
        + scalar("description", "  ")
        + scalar("cwe", "  ")
        + "  product:\n"
        + scalar("gitlab_path", "    ")
        + scalar("vendor", "    ")
        + scalar("name", "    ")
        + sequence("cpes", "    ")
        + sequence("affected_versions", "    ")
        + sequence("fixed_versions", "    ")
        + scalar("impact", "  ")
        + scalar("solution", "  ")
        + scalar("credit", "  ")
        + sequence("references", "  ")
    )


def cve_request(
    *,
    yaml: str | None = None,
    title: str = CVE_TITLE,
    labels: tuple[str, ...] = (CONFIG.labels.description_validated,),
    notes: tuple[Note, ...] = (),
    iid: int = 3101,
    cve_id: str = "CVE-2026-4101",
) -> CveRequest:
    text = yaml_text() if yaml is None else yaml
    fenced = text if text.endswith("\n") else text + "\n"
    issue = Issue(
        ref=IssueRef(CONFIG.projects.cve_requests, iid),
        title=title,
        description=f"Reserved: {cve_id}\n\n```yaml\n{fenced}```\n",
        labels=labels,
        confidential=True,
        assignees=("chen-dev",),
    )
    read = read_cve_yaml(issue.description, where=str(issue.ref))
    return CveRequest(
        issue, notes, read.text, read.document, read.error, (), yaml_error_line=read.error_line
    )


def details_table(
    version_affected: str | None = "16.10",
    ee_only: str | None = "No",
    thanks: str | None = REPORTER,
) -> str:
    rows = [
        ("Version affected", version_affected),
        ("GitLab EE only", ee_only),
        ("Thanks", thanks),
    ]
    body = "".join(f"| {name} | {value} |\n" for name, value in rows if value is not None)
    return "## Details\n\n| Description | Details |\n| --- | --- |\n" + body


def merge_request(
    target: str,
    *,
    iid: int,
    state: str = "merged",
    title: str = "Fix ReDoS in release notes",
    labels: tuple[str, ...] = (),
    description: str = "",
) -> MergeRequest:
    return MergeRequest(
        ref=MergeRequestRef(SECURITY_PROJECT, iid),
        title=title if target == CONFIG.product.default_branch else f"[{target}] {title}",
        state=state,  # type: ignore[arg-type]
        target_branch=target,
        labels=labels,
        description=description,
    )


def default_merge_requests(
    minors: tuple[str, ...] = ("18.10", "18.9", "18.8"),
) -> tuple[MergeRequest, ...]:
    targets = [CONFIG.product.default_branch] + [Version.parse(m).stable_branch for m in minors]
    return tuple(merge_request(target, iid=100 + n) for n, target in enumerate(targets))


def council(
    vector: str | None = VECTOR, approvals: tuple[str, ...] = ("ivan-appsec", "julia-appsec")
) -> CouncilVote:
    return CouncilVote(
        note_id=1,
        author="ben-psirt",
        vector=None if vector is None else f"CVSS:3.1/{vector}",
        approvals=approvals,
        public_description=None,
    )


def security_issue(
    *,
    iid: int = 1101,
    version_affected: str | None = "16.10",
    ee_only: str | None = "No",
    thanks: str | None = REPORTER,
    labels: tuple[str, ...] | None = None,
    vote: CouncilVote | str | None = "default",
    merge_requests: tuple[MergeRequest, ...] | None = None,
    cve: CveRequest | str | None = "default",
    canonical: bool = True,
    report: bool = True,
    confidential: bool = True,
    assignees: tuple[str, ...] = ("chen-dev",),
    report_link: str | None = None,
) -> SecurityIssue:
    """``report_link``: the text of a Links row "HackerOne report" (none by default)."""
    labels_config = CONFIG.labels
    if labels is None:
        labels = (
            labels_config.security,
            labels_config.severity(3),
            labels_config.security_target,
            f"{labels_config.weakness_prefix}CWE-1333",
        )
    canonical_ref = IssueRef(CONFIG.projects.canonical, 51001)
    request = cve_request() if cve == "default" else cve
    assert request is None or isinstance(request, CveRequest)
    links = "## Links\n\n| Description | Link |\n| --- | --- |\n"
    if canonical:
        links += f"| Canonical issue | {canonical_ref} |\n"
    if request is not None:
        links += f"| CVE request | {request.ref} |\n"
    if report_link is not None:
        links += f"| HackerOne report | {report_link} |\n"
    description = details_table(version_affected, ee_only, thanks) + "\n" + links
    issue = Issue(
        ref=IssueRef(SECURITY_PROJECT, iid),
        title="ReDoS in release notes markdown link parser",
        description=description,
        labels=labels,
        confidential=confidential,
        assignees=assignees,
        author="dana-dev",
    )
    return SecurityIssue(
        issue=issue,
        details=parse_details(description),
        links=parse_links(description),
        notes=(),
        merge_requests=default_merge_requests() if merge_requests is None else merge_requests,
        canonical=(
            Issue(ref=canonical_ref, title=issue.title, confidential=True) if canonical else None
        ),
        cve_request=request,
        council=council() if vote == "default" else vote,  # type: ignore[arg-type]
        report=Report(id="3100001", title=issue.title, reporter=REPORTER) if report else None,
        report_id="3100001" if report else None,
    )


def snapshot(
    *issues: SecurityIssue,
    versions: tuple[str, ...] = RELEASE_VERSIONS,
    other_links: tuple[Issue, ...] = (),
    problems: tuple[str, ...] = (),
    merge_requests: tuple[MergeRequest, ...] = (),
) -> ReleaseSnapshot:
    tracking = Issue(
        ref=IssueRef(CONFIG.projects.tracking, 50000),
        title=f"Security patch release: {', '.join(versions)}",
        labels=(CONFIG.labels.upcoming_release,),
    )
    release = Release(
        versions=tuple(sorted((Version.parse(v) for v in versions), reverse=True)),
        due_date=None,
        planned=True,
        tracking_issue=tracking,
        task_issue=None,
        release_managers=("ana-psirt",),
    )
    chosen = issues if issues else (security_issue(),)
    return ReleaseSnapshot(
        config=CONFIG,
        release=release,
        issues=chosen,
        other_links=other_links,
        merge_requests=merge_requests,
        problems=problems,
    )


def with_issue(item: SecurityIssue, **changes: Any) -> SecurityIssue:
    """The same fix with fields of its tracker issue changed (labels, confidential ...)."""
    return replace(item, issue=replace(item.issue, **changes))
