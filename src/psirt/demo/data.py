"""The demo release: a planned patch release (18.10.1, 18.9.3, 18.8.7 on 2026-03-25) with eleven
fixes across all four severities, and the deliberate defects the handbook warns about.

Everything here is fictional: people, reports, CVE ids. ``DEFECTS`` lists what a good review must
catch; the workspace README repeats it so a reader can check the tool against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RELEASE_VERSIONS = ("18.10.1", "18.9.3", "18.8.7")
DUE_DATE = "2026-03-25"
PRIMARY = "ana-psirt"
SECONDARY = "ben-psirt"

PEOPLE = {
    "ana-psirt": "Ana Ramos",
    "ben-psirt": "Ben Okafor",
    "chen-dev": "Chen Wei",
    "dana-dev": "Dana Diaz",
    "erik-dev": "Erik Eriksen",
    "fatima-dev": "Fatima Haddad",
    "gus-maint": "Gus Moreau",
    "hana-maint": "Hana Sato",
    "ivan-appsec": "Ivan Petrov",
    "julia-appsec": "Julia Kowalski",
    "kim-appsec": "Kim Nguyen",
    "release-tools-bot": "Release Tools Bot",
    "cnaworkflow": "CNA Workflow Bot",
}


@dataclass(frozen=True)
class DemoFix:
    key: str  # short name used in the workspace README
    security_iid: int
    canonical_iid: int
    cve_iid: int
    cve_id: str
    issue_title: str  # the confidential implementation issue's own title
    cve_title: str  # the CVE request title: <CWE name> issue in <component> impacts GitLab <ed.>
    cwe: str
    vector: str  # without the CVSS:3.1/ prefix, as the YAML stores it
    version_affected: str
    ee_only: bool
    description: str  # the CVE YAML description
    author: str
    reviewer: str
    assignee: str
    reporter: str | None  # HackerOne username; None for an internal find
    report_id: str | None
    bounty: int | None  # None: no bounty paid yet
    council_approvals: tuple[str, ...] = ("ivan-appsec", "julia-appsec")
    council_vector: str | None = None  # when the council voted another vector than the YAML's
    public_description: str | None = None
    backports: tuple[str, ...] = ("18.10", "18.9", "18.8")
    reverted_backport: str | None = None  # the minor whose backport was reverted
    labels: tuple[str, ...] = ()
    cve_labels: tuple[str, ...] = ("description::validated",)
    computed: bool = True  # the YAML already carries the computed versions
    fixed_versions: tuple[str, ...] | None = None  # overrides the computed fixed versions
    yaml_overrides: dict[str, str] = field(default_factory=dict)
    cna_bot_note: str | None = None
    thanks: str | None = None


FIXES: tuple[DemoFix, ...] = (
    DemoFix(
        key="critical-code-injection",
        security_iid=1101,
        canonical_iid=51001,
        cve_iid=3101,
        cve_id="CVE-2026-4101",
        issue_title="Code injection through crafted CI include in project import",
        cve_title=(
            "Improper Control of Generation of Code ('Code Injection') issue in project import "
            "impacts GitLab CE/EE"
        ),
        cwe="CWE-94",
        vector="AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
        version_affected="16.10",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 "
            "before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed "
            "an authenticated user to execute arbitrary code on the server under certain "
            "conditions."
        ),
        author="chen-dev",
        reviewer="gus-maint",
        assignee="chen-dev",
        reporter="kaizen-sec",
        report_id="3100001",
        bounty=None,
    ),
    DemoFix(
        key="overshared-xss",
        security_iid=1102,
        canonical_iid=51002,
        cve_iid=3102,
        cve_id="CVE-2026-4102",
        issue_title="Stored XSS via upload filename in merge request diff view",
        cve_title=(
            "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting') "
            "issue in merge request diffs impacts GitLab CE/EE"
        ),
        cwe="CWE-79",
        vector="AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N",
        version_affected="17.4",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 17.4 "
            "before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed "
            "an unauthenticated user to inject script by sending a POST request to "
            "/api/v4/projects/:id/uploads with a filename parameter containing "
            "<img src=x onerror=alert(1)>, which Upload#sanitized_name in "
            "app/models/upload.rb does not escape."
        ),
        author="dana-dev",
        reviewer="hana-maint",
        assignee="dana-dev",
        reporter="rxss",
        report_id="3100002",
        bounty=3000,
    ),
    DemoFix(
        key="ee-only-authorization-bypass",
        security_iid=1103,
        canonical_iid=51003,
        cve_iid=3103,
        cve_id="CVE-2026-4103",
        issue_title="Group export lets a developer download another group's export",
        cve_title=(
            "Authorization Bypass Through User-Controlled Key issue in group export impacts "
            "GitLab EE"
        ),
        cwe="CWE-639",
        vector="AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:N/A:N",
        version_affected="17.2",
        ee_only=True,
        description=(
            "GitLab has remediated an issue in GitLab EE affecting all versions from 17.2 before "
            "18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed an "
            "authenticated user to access data of groups they are not a member of under certain "
            "conditions."
        ),
        author="erik-dev",
        reviewer="gus-maint",
        assignee="erik-dev",
        reporter="shellhunter",
        report_id="3100003",
        bounty=6000,
    ),
    DemoFix(
        key="ssrf-reverted-backport",
        security_iid=1104,
        canonical_iid=51004,
        cve_iid=3104,
        cve_id="CVE-2026-4104",
        issue_title="SSRF through webhook test with DNS rebinding",
        cve_title="Server-Side Request Forgery (SSRF) issue in webhooks impacts GitLab CE/EE",
        cwe="CWE-918",
        vector="AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:N",
        version_affected="16.10",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 "
            "before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed "
            "an authenticated user to make requests to internal services under certain conditions."
        ),
        author="fatima-dev",
        reviewer="hana-maint",
        assignee="fatima-dev",
        reporter="nullbyte42",
        report_id="3100004",
        bounty=4000,
        reverted_backport="18.9",
    ),
    DemoFix(
        key="discouraged-cwe",
        security_iid=1105,
        canonical_iid=51005,
        cve_iid=3105,
        cve_id="CVE-2026-4105",
        issue_title="Large nested YAML in CI lint exhausts Puma workers",
        cve_title="Uncontrolled Resource Consumption issue in CI lint impacts GitLab CE/EE",
        cwe="CWE-400",
        vector="AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H",
        version_affected="18.9",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 1X.X "
            "before 18.9.X, and 18.10 before 18.10.X that could have allowed an authenticated "
            "user to cause a denial of service under certain conditions."
        ),
        author="chen-dev",
        reviewer="gus-maint",
        assignee="chen-dev",
        reporter="kaizen-sec",
        report_id="3100005",
        bounty=1000,
        council_approvals=("ivan-appsec",),
        backports=("18.10", "18.9"),
        computed=False,
        cve_labels=(),
    ),
    DemoFix(
        key="todo-left-in-cve",
        security_iid=1106,
        canonical_iid=51006,
        cve_iid=3106,
        cve_id="CVE-2026-4106",
        issue_title="ReDoS in release notes markdown link parser",
        cve_title=(
            "Inefficient Regular Expression Complexity issue in release notes impacts GitLab CE/EE"
        ),
        cwe="CWE-1333",
        vector="AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
        version_affected="17.8",
        ee_only=False,
        description="TODO",
        author="dana-dev",
        reviewer="hana-maint",
        assignee="dana-dev",
        reporter="regexwiz",
        report_id="3100006",
        bounty=None,
        council_approvals=("julia-appsec",),
        public_description=(
            "could have allowed an unauthenticated user to cause a denial of service under "
            "certain conditions."
        ),
        computed=False,
        cve_labels=("advisory::invalid",),
        cna_bot_note=(
            "This CVE request is invalid: the description is a placeholder ('TODO'). "
            'Fix the YAML and remove the ~"advisory::invalid" label to resubmit.'
        ),
    ),
    DemoFix(
        key="wrong-fixed-versions",
        security_iid=1107,
        canonical_iid=51007,
        cve_iid=3107,
        cve_id="CVE-2026-4107",
        issue_title="Guest can read confidential issue titles through the related issues API",
        cve_title="Missing Authorization issue in related issues impacts GitLab CE/EE",
        cwe="CWE-862",
        vector="AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N",
        version_affected="16.10",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.10 "
            "before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed "
            "an authenticated user with the Guest role to view the titles of confidential issues."
        ),
        author="erik-dev",
        reviewer="gus-maint",
        assignee="erik-dev",
        reporter="shellhunter",
        report_id="3100007",
        bounty=750,
        council_approvals=("ivan-appsec",),
        fixed_versions=("18.10.0", "18.9.2", "18.8.6"),
    ),
    DemoFix(
        key="missing-council-approval",
        security_iid=1108,
        canonical_iid=51008,
        cve_iid=3108,
        cve_id="CVE-2026-4108",
        issue_title="Stored XSS in wiki page titles rendered in the sidebar",
        cve_title=(
            "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting') "
            "issue in wiki sidebar impacts GitLab CE/EE"
        ),
        cwe="CWE-79",
        vector="AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:N",
        version_affected="18.10",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 16.Y.Y "
            "before 18.10.X that could have allowed an authenticated user to perform actions on "
            "behalf of another user by injecting content in wiki pages."
        ),
        author="fatima-dev",
        reviewer="hana-maint",
        assignee="fatima-dev",
        reporter="rxss",
        report_id="3100008",
        bounty=None,
        council_approvals=("fatima-dev",),  # the fix's own developer: does not count
        backports=("18.10",),
        computed=False,
        cve_labels=(),
    ),
    DemoFix(
        key="internal-log-exposure",
        security_iid=1109,
        canonical_iid=51009,
        cve_iid=3109,
        cve_id="CVE-2026-4109",
        issue_title="Runner registration tokens written to production_json.log",
        cve_title=(
            "Insertion of Sensitive Information into Log File issue in runner registration "
            "impacts GitLab CE/EE"
        ),
        cwe="CWE-532",
        vector="AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N",
        version_affected="17.0",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 17.0 "
            "before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1 that could have allowed "
            "an administrator with access to log files to obtain sensitive tokens."
        ),
        author="chen-dev",
        reviewer="hana-maint",
        assignee="chen-dev",
        reporter=None,
        report_id=None,
        bounty=None,
        council_approvals=("ivan-appsec",),
        thanks="Dana Diaz (@dana-dev)",
    ),
    DemoFix(
        key="missing-backport",
        security_iid=1110,
        canonical_iid=51010,
        cve_iid=3110,
        cve_id="CVE-2026-4110",
        issue_title="Open redirect after OAuth login through relative path confusion",
        cve_title=(
            "URL Redirection to Untrusted Site ('Open Redirect') issue in OAuth login "
            "impacts GitLab CE/EE"
        ),
        cwe="CWE-601",
        vector="AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N",
        version_affected="16.10",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 1X.X "
            "before 16.X.X, 16.Y before 16.Y.Y, and 16.Z before 16.Z.Z that could have allowed "
            "an attacker to redirect users to an untrusted site under certain conditions."
        ),
        author="dana-dev",
        reviewer="gus-maint",
        assignee="dana-dev",
        reporter="nullbyte42",
        report_id="3100010",
        bounty=500,
        council_approvals=("julia-appsec",),
        backports=("18.10", "18.9"),
        computed=False,
        cve_labels=(),
    ),
    DemoFix(
        key="reduced-backports-timing",
        security_iid=1111,
        canonical_iid=51011,
        cve_iid=3111,
        cve_id="CVE-2026-4111",
        issue_title="Username enumeration through password reset response timing",
        cve_title="Observable Discrepancy issue in password reset impacts GitLab CE/EE",
        cwe="CWE-203",
        vector="AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N",
        version_affected="18.8",
        ee_only=False,
        description=(
            "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 18.8 "
            "before 18.10.1 that could have allowed an unauthenticated user to determine whether "
            "an account exists."
        ),
        author="erik-dev",
        reviewer="hana-maint",
        assignee="erik-dev",
        reporter="kaizen-sec",
        report_id="3100011",
        bounty=300,
        council_approvals=("ivan-appsec",),
        backports=("18.10",),
        labels=("reduced backports",),
    ),
)

# What the review must catch, by fix key: the README of the demo workspace lists these.
DEFECTS: dict[str, str] = {
    "overshared-xss": "the CVE description overshares (endpoint path, parameter, payload, "
    "file path, class and method)",
    "ssrf-reverted-backport": "the 18.9 backport MR was reverted after it merged",
    "discouraged-cwe": "the CWE is CWE-400, which MITRE discourages; the YAML and the description "
    "still have template versions; not yet validated",
    "todo-left-in-cve": "the CVE description is still 'TODO'; the CNA bot marked it "
    "advisory::invalid; the YAML still has template versions",
    "wrong-fixed-versions": "fixed_versions name 18.10.0, 18.9.2, 18.8.6 instead of the release",
    "missing-council-approval": "the bug bounty council note's only approval is a thumbs-up from "
    "the fix's own developer, which does not count; the YAML and the description still have "
    "template versions; not yet validated",
    "missing-backport": "no backport MR to 18-8-stable-ee and no 'reduced backports' label; the "
    "YAML and the description still have template versions; not yet validated",
}


@dataclass(frozen=True)
class DemoUnannounced:
    """A security fix that ships without being in the release: its issue is not linked to the
    tracking issue, but its backport merged into a stable branch."""

    security_iid: int
    title: str
    minor: str  # the stable branch it merged into
    mr_iid: int
    author: str


UNANNOUNCED = DemoUnannounced(
    security_iid=1112,
    title="Path traversal in package registry file download",
    minor="18.10",
    mr_iid=11120,
    author="erik-dev",
)
UNANNOUNCED_DEFECT = (
    "not linked to the tracking issue, but its backport to 18-10-stable-ee merged: it ships in "
    "18.10.1 without being announced"
)

# Non-security fixes shipped in each version: the blog post's "Bug fixes" section.
BUG_FIXES: tuple[tuple[str, str, int], ...] = (
    ("18.10", "Fix pipeline graph rendering for large DAGs", 2201),
    ("18.10", "Restore sorting of merge request reviewers", 2202),
    ("18.9", "Fix container registry cleanup policy timeout", 2203),
    ("18.8", "Backport Gitaly connection pool fix", 2204),
)
