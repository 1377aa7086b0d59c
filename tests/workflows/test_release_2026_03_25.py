"""A public release end to end: GitLab's patch release 18.10.1, 18.9.3, 18.8.7 of 2026-03-25.

A local workspace holds only what a PSIRT engineer knows before the release: for six of its
CVEs, the first affected version, the edition, the CWE, the council's vector and public
description or a draft description with template versions, the HackerOne report and its
reporter, the canonical issue, and a CVE YAML as the template leaves it. ``update-cves --live``
then ``cve export`` must give the records GitLab published (``tests/data/records/gitlab-*``,
from CVEProject/cvelistV5) on description, references, credits and dataVersion, and on title,
ranges, problem type, metrics and solution as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from psirt.bounty.local import LocalBounty
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.config import CONFIG_FILE, Config
from psirt.core.records import Issue, IssueLink, IssueRef, Note, Report
from psirt.trackers.local import LocalTracker

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "records"
VERSIONS = "18.10.1, 18.9.3, 18.8.7"
DRAFT_PHRASE = "18.8.X, 18.9 prior to 18.9.X, and 18.10 prior to 18.10.X"


@dataclass(frozen=True)
class Fix:
    cve_id: str
    first: str
    ee_only: bool
    cwe: str
    vector: str
    report: str
    reporter: str
    canonical: int
    references: tuple[str, ...]  # the YAML's references before update-cves
    description: str  # the YAML's description before update-cves ("TODO": compose it)
    public: str | None = None  # the council's public description


H1 = "https://hackerone.com/reports/{}"
FIXES = (
    Fix(
        "CVE-2026-2370",
        "14.3",
        False,
        "CWE-233",
        "AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N",
        "3522829",
        "maksyche",
        589635,
        (H1.format(3522829),),
        "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 14.3 prior to "
        f"{DRAFT_PHRASE} affecting Jira Connect installations that could have allowed an "
        "authenticated user with minimal workspace permissions to obtain installation "
        "credentials and impersonate the GitLab app due to improper authorization checks.",
    ),
    Fix(
        "CVE-2026-3988",
        "18.5",
        False,
        "CWE-407",
        "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
        "3597342",
        "svalkanov",
        593140,
        ("https://gitlab.com/",),  # the template's placeholder, left for a human to remove
        "TODO",
        "could have allowed an unauthenticated user to cause a denial of service by making the "
        "GitLab instance unresponsive due to improper input validation in GraphQL request "
        "processing.",
    ),
    Fix(
        "CVE-2026-2995",
        "15.4",
        True,
        "CWE-80",
        "AV:N/AC:H/PR:L/UI:R/S:C/C:H/I:H/A:N",
        "3564600",
        "a_m_a_m",
        591065,
        (H1.format(3564600),),
        "TODO",
        "That could have allowed an authenticated user to add email addresses to targeted user "
        "accounts due to improper sanitization of HTML content",
    ),
    Fix(
        "CVE-2025-14595",
        "18.6",
        True,
        "CWE-862",
        "AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N",
        "3457779",
        "kamikaze1337",
        583971,
        (H1.format(3457779),),
        "GitLab has remediated an issue in GitLab EE affecting all versions from 1X.X prior to "
        f"{DRAFT_PHRASE} that under certain conditions could have allowed an authenticated user "
        "with Planner role to view security category metadata and attributes in group security "
        "configuration due to improper access control",
    ),
    Fix(
        "CVE-2026-3857",
        "17.10",
        False,
        "CWE-352",
        "AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N",
        "3584382",
        "ahacker1",
        592828,
        # the canonical issue pasted as an issue: it is the work item GitLab cites
        ("https://gitlab.com/gitlab-org/gitlab/-/issues/592828",),
        "TODO",
        "could have allowed an unauthenticated user to execute arbitrary GraphQL mutations on "
        "behalf of authenticated users due to insufficient CSRF protection.",
    ),
    Fix(
        "CVE-2026-2726",
        "11.10",
        False,
        "CWE-863",
        "AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N",
        "3543886",
        "pkkr",
        590717,
        (H1.format(3543886),),
        # the draft still names the previous release's versions
        "GitLab has remediated an issue in GitLab CE/EE affecting all versions from 11.10 before "
        "18.8.6, 18.9 before 18.9.2, and 18.10 before 18.10.0 that could have allowed an "
        "authenticated user to perform unauthorized actions on merge requests in other projects "
        "due to improper access control during cross-repository operations.",
    ),
)


def _yaml(fix: Fix) -> str:
    references = "\n".join(f"    - {url}" for url in fix.references)
    description = fix.description if fix.description == "TODO" else json.dumps(fix.description)
    return (
        "vulnerability:\n"
        "  # If the affected product is GitLab, please mention if it's GitLab CE/EE or GitLab EE\n"
        f"  description: {description}\n"
        f"  cwe: {fix.cwe}\n"
        "  product:\n"
        "    gitlab_path: gitlab-org/gitlab\n"
        "    vendor: GitLab\n"
        "    name: GitLab\n"
        "    cpes:\n"
        "      - cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*\n"
        "    affected_versions:\n"
        "      - '>=1X.X, <16.X.X'\n"
        "      - '>=16.Y, <16.Y.Y'\n"
        "      - '>=16.Z, <16.Z.Z'\n"
        "    fixed_versions: []\n"
        f"  impact: {fix.vector}\n"
        "  solution: ''\n"
        "  credit: Thanks [example](https://hackerone.com/) for reporting this vulnerability\n"
        "    through our HackerOne bug bounty program\n"
        "  references:\n"
        f"{references}\n"
    )


def _build(root: Path) -> None:
    (root / CONFIG_FILE).write_text('[tracker]\nkind = "local"\n', encoding="utf-8")
    config = Config()
    projects, labels = config.projects, config.labels
    tracker, bounty = LocalTracker(root), LocalBounty(root)
    due = date(2026, 3, 25)
    tracking = IssueRef(projects.tracking, 600000)
    links = []
    for number, fix in enumerate(FIXES, start=1):
        security = IssueRef(projects.security, 1000 + number)
        cve = IssueRef(projects.cve_requests, 2000 + number)
        canonical = IssueRef(projects.canonical, fix.canonical)
        links.append(IssueLink(security))
        details = (
            "| Description | Details | Further details |\n| -------- | -------- | -------- |\n"
            f"| Version affected | {fix.first} | |\n"
            f"| GitLab EE only | {'Yes' if fix.ee_only else 'No'} | |\n"
            f"| Thanks | {fix.reporter} | |\n"
        )
        description = (
            f"## Details\n\n{details}\n## Links\n\n"
            "| Description | Link |\n| -------- | -------- |\n"
            f"| Canonical issue | {canonical} |\n| CVE request | {cve} |\n"
            f"| HackerOne report | {H1.format(fix.report)} |\n"
        )
        council = f"**Bug bounty council** vote\n\nCVSS: `CVSS:3.1/{fix.vector}`\n"
        if fix.public:
            council += f"\nPublic description: {fix.public}\n"
        tracker.save_issue(
            Issue(
                security, f"Security fix {number}", description, (labels.security,), due_date=due
            ),
            links=[IssueLink(canonical), IssueLink(cve), IssueLink(tracking)],
            notes=[Note(id=number, body=council, author="council-chair", internal=True)],
        )
        tracker.save_issue(
            Issue(canonical, f"Security fix {number}", "", (labels.security,), confidential=True),
            links=[IssueLink(security)],
        )
        tracker.save_issue(
            Issue(
                cve,
                f"Weakness issue in component {number} impacts GitLab CE/EE",
                f"Reserved: {fix.cve_id}\n\n* [ ] Publish immediately\n* [x] Wait to publish\n\n"
                f"```yaml\n{_yaml(fix)}```\n",
                (labels.description_validated,),
            ),
            links=[IssueLink(security)],
        )
        bounty.save_report(Report(fix.report, f"Report {number}", fix.reporter))
    tracker.save_issue(
        Issue(
            tracking,
            f"Security patch release: {VERSIONS}",
            f"Planned security patch release {VERSIONS}, due 2026-03-25.\n",
            (labels.security, labels.upcoming_release),
            due_date=due,
        ),
        links=links,
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    root = tmp_path_factory.mktemp("release-2026-03-25")
    _build(root)
    run_app(app, ["-w", str(root), "update-cves", "--live"])  # exit 1: the placeholder reference
    out = root / "records"
    assert run_app(app, ["-w", str(root), "cve", "export", "-o", str(out)]) in (0, 1)
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}


def _published(cve_id: str) -> dict[str, object]:
    record = json.loads((PUBLISHED / f"gitlab-{cve_id}.json").read_text(encoding="utf-8"))
    assert isinstance(record, dict)
    return record


@pytest.mark.parametrize("fix", FIXES, ids=[fix.cve_id for fix in FIXES])
def test_the_exported_record_is_gitlabs(exported: dict[str, dict[str, object]], fix: Fix) -> None:
    ours, theirs = exported[fix.cve_id], _published(fix.cve_id)
    assert ours["dataVersion"] == theirs["dataVersion"] == "5.2"
    cna, published = ours["containers"]["cna"], theirs["containers"]["cna"]  # type: ignore[index]
    for key in ("descriptions", "references", "credits"):
        assert cna[key] == published[key], key
    for key in ("title", "affected", "problemTypes", "metrics", "solutions"):
        assert cna[key] == published[key], key
