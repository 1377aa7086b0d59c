"""Write the demo workspace: GitLab-shaped files for the release in ``psirt.demo.data``."""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from psirt.bounty.local import LocalBounty
from psirt.core.config import CONFIG_FILE, Config
from psirt.core.records import (
    Activity,
    AwardEmoji,
    Bounty,
    Issue,
    IssueLink,
    IssueRef,
    LabelEvent,
    MergeRequest,
    MergeRequestRef,
    Note,
    Report,
)
from psirt.core.versions import Version
from psirt.core.workspace import new_folder
from psirt.demo.data import (
    BUG_FIXES,
    DEFECTS,
    DUE_DATE,
    FIXES,
    PEOPLE,
    PRIMARY,
    RELEASE_VERSIONS,
    SECONDARY,
    UNANNOUNCED,
    UNANNOUNCED_DEFECT,
    DemoFix,
)
from psirt.knowledge.policy import affected_ranges, fixed_versions, solution_text
from psirt.trackers.local import LocalTracker

COUNCIL_CHAIR = "kim-appsec"  # opens each vote; approvals come from the others
TRACKING_IID = 50000
TASK_IID = 50001
COMMS_IID = 412
_CLOCK = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
_DUE = date.fromisoformat(DUE_DATE)


def _commit(ref: MergeRequestRef) -> str:
    """A made-up but stable merge commit for a merged demo MR (what GitLab reports as
    ``merge_commit_sha``)."""
    return hashlib.sha1(f"psirt demo merge {ref}".encode()).hexdigest()


def _at(hours: int) -> datetime:
    return _CLOCK + timedelta(hours=hours)


def _config_text() -> str:
    names = "\n".join(f'{user} = "{name}"' for user, name in PEOPLE.items())
    return (
        textwrap.dedent(
            """\
        # psirt workspace: a demo of a planned GitLab security patch release.
        # Every key has a default that follows GitLab's conventions; see docs/workspace.md.

        [tracker]
        kind = "local"
        url = "https://gitlab.com"

        [bounty]
        kind = "local"

        [cna]
        kind = "gitlab-cves"

        [product]
        vendor = "GitLab"
        name = "GitLab"

        [people]
        psirt = ["ana-psirt", "ben-psirt", "ivan-appsec", "julia-appsec", "kim-appsec"]
        # Who may approve a bug bounty council vote (a GitLab group works too: "@group/path").
        council = ["ivan-appsec", "julia-appsec", "kim-appsec"]

        [people.names]
        """
        )
        + names
        + "\n"
    )


def _details_table(fix: DemoFix) -> str:
    thanks = fix.thanks or (fix.reporter or "")
    rows = [
        ("Version affected", fix.version_affected),
        ("Date introduced on .com", "2025-11-04"),
        ("MR that introduced the bug", "gitlab-org/gitlab!171002"),
        ("Date detected", "2026-02-16"),
        ("GitLab EE only", "Yes" if fix.ee_only else "No"),
        ("Upgrade notes", ""),
        ("Creates, updates or removes GitLab settings?", "No"),
        ("Migration required", "No"),
        ("Breaking change to UI or public API", "No"),
        ("Thanks", thanks),
    ]
    body = "\n".join(f"| {name} | {value} | |" for name, value in rows)
    return (
        "| Description | Details | Further details |\n| -------- | -------- | -------- |\n" + body
    )


def _security_description(fix: DemoFix, projects_canonical: str, cve_project: str) -> str:
    report = (
        f"| HackerOne report | https://hackerone.com/reports/{fix.report_id} |\n"
        if fix.report_id
        else ""
    )
    return (
        "## Prior to starting the security release work\n\n"
        "- [x] Read the security process for engineers\n"
        "- [x] Add the ~security-target label once the MRs are ready\n\n"
        "## Details\n\n"
        f"{_details_table(fix)}\n\n"
        "## Links\n\n"
        "| Description | Link |\n| -------- | -------- |\n"
        f"| Canonical issue | {projects_canonical}#{fix.canonical_iid} |\n"
        f"| CVE request | {cve_project}#{fix.cve_iid} |\n"
        f"{report}"
    )


def _credit(fix: DemoFix) -> str:
    if fix.reporter:
        return (
            f"Thanks [{fix.reporter}](https://hackerone.com/{fix.reporter}) for reporting this "
            "vulnerability through our HackerOne bug bounty program"
        )
    return (
        "This vulnerability has been discovered internally by GitLab team member "
        f"[{PEOPLE['dana-dev']}](https://gitlab.com/dana-dev)"
    )


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _cve_yaml(fix: DemoFix, canonical_url: str) -> str:
    releases = [Version.parse(v) for v in RELEASE_VERSIONS]
    if fix.computed:
        reduced = Config().labels.reduced_backports in fix.labels
        ranges = affected_ranges(
            Version.parse(fix.version_affected),
            releases,
            fixed_lines=[Version.parse(minor) for minor in fix.backports] if reduced else None,
        )
        affected = "\n".join(f"      - '{r}'" for r in ranges)
        fixed = [str(v) for v in fixed_versions(ranges)]
        if fix.fixed_versions is not None:
            fixed = list(fix.fixed_versions)
        fixed_text = "\n" + "\n".join(f"      - '{v}'" for v in fixed)
        solution = f"'{solution_text([Version.parse(v) for v in fixed])}'"
    else:
        affected = (
            "      - '>=1X.X, <16.X.X' # \"1.2.3\"\n"
            "      - '>=16.Y, <16.Y.Y' # \"1.2.3\"\n"
            "      - '>=16.Z, <16.Z.Z' # \"1.2.3\""
        )
        fixed_text = " [] # If empty, fixed versions will be automatically filled"
        solution = "'' # If empty, solution will be automatically filled"
    references = [canonical_url]
    if fix.report_id:
        references.append(f"https://hackerone.com/reports/{fix.report_id}")
    refs = "\n".join(f"    - {r}" for r in references)
    description = fix.description if fix.description == "TODO" else _quote(fix.description)
    return (
        "vulnerability:\n"
        "  # If the affected product is GitLab, please mention if it's GitLab CE/EE or GitLab EE\n"
        f"  description: {description}\n"
        f"  cwe: {fix.cwe}\n"
        "  product:\n"
        "    gitlab_path: gitlab-org/gitlab\n"
        "    vendor: GitLab\n"
        "    name: GitLab\n"
        "    # GitLab advisories MUST reference at least one CPE.\n"
        "    cpes:\n"
        "      - cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*\n"
        "    affected_versions:\n"
        f"{affected}\n"
        f"    fixed_versions:{fixed_text}\n"
        f"  impact: {fix.vector}   # CVSS:3.1 string, without the prefix\n"
        f"  solution: {solution}\n"
        f"  credit: {_quote(_credit(fix))}\n"
        "  references:\n"
        f"{refs}\n"
    )


def _cve_description(fix: DemoFix, canonical_url: str) -> str:
    return (
        f"Reserved: {fix.cve_id}\n\n"
        "* [ ] Publish immediately\n"
        "* [x] Wait to publish\n\n"
        "```yaml\n"
        f"{_cve_yaml(fix, canonical_url)}"
        "```\n"
    )


def _council_note(fix: DemoFix, note_id: int) -> Note:
    vector = fix.council_vector or fix.vector
    lines = [
        "**Bug bounty council** vote",
        "",
        f"CVSS: `CVSS:3.1/{vector}`",
    ]
    if fix.public_description:
        lines += ["", f"Public description: {fix.public_description}"]
    return Note(
        id=note_id,
        body="\n".join(lines) + "\n",
        author=COUNCIL_CHAIR,
        created_at=_at(2),
        internal=True,
        award_emoji=tuple(AwardEmoji("thumbsup", user) for user in fix.council_approvals),
    )


def build_demo(root: Path, fixes: Sequence[DemoFix] = FIXES) -> None:
    """Write the whole demo workspace into ``root``, which must be missing or empty. ``fixes``
    replaces the demo's eleven (a larger release for the scale benchmark); their iids, CVE ids,
    report ids and keys must be unique."""
    new_folder(root, "psirt demo")
    (root / CONFIG_FILE).write_text(_config_text(), encoding="utf-8")
    config = Config()
    projects, labels = config.projects, config.labels
    tracker = LocalTracker(root)
    bounty = LocalBounty(root)
    base = config.tracker.url

    tracking = IssueRef(projects.tracking, TRACKING_IID)
    task = IssueRef(projects.tasks, TASK_IID)
    versions = ", ".join(RELEASE_VERSIONS)
    tracking_links = [IssueLink(task)]
    note_id = 1

    for fix in fixes:
        security = IssueRef(projects.security, fix.security_iid)
        canonical = IssueRef(projects.canonical, fix.canonical_iid)
        cve = IssueRef(projects.cve_requests, fix.cve_iid)
        canonical_url = f"{base}/{canonical.project}/-/issues/{canonical.iid}"
        tracking_links.append(IssueLink(security))
        score_label = _severity(fix)
        tracker.save_issue(
            Issue(
                ref=security,
                title=fix.issue_title,
                description=_security_description(fix, projects.canonical, projects.cve_requests),
                labels=(
                    labels.security,
                    labels.vulnerability,
                    labels.severity(score_label),
                    labels.security_target,
                    f"{labels.weakness_prefix}{fix.cwe}",
                    *fix.labels,
                ),
                confidential=True,
                author=fix.author,
                assignees=(fix.assignee,),
                due_date=_DUE,
                created_at=_at(-400),
            ),
            links=[IssueLink(canonical), IssueLink(cve), IssueLink(tracking)],
            notes=[_council_note(fix, note_id)],
        )
        note_id += 1
        tracker.save_issue(
            Issue(
                ref=canonical,
                title=fix.issue_title,
                description=(
                    f"Reported through HackerOne: https://hackerone.com/reports/{fix.report_id}\n"
                    if fix.report_id
                    else "Found internally during a review of the logging pipeline.\n"
                ),
                labels=(labels.security, labels.vulnerability, labels.severity(score_label)),
                confidential=True,
                author=fix.author,
                assignees=(fix.assignee,),
                created_at=_at(-500),
            ),
            links=[IssueLink(security)],
        )
        cve_notes: list[Note] = []
        if fix.cna_bot_note:
            cve_notes.append(
                Note(
                    id=note_id,
                    body=fix.cna_bot_note,
                    author=config.people.cna_bot,
                    created_at=_at(5),
                )
            )
            note_id += 1
        # The labels were added after the request was filed, and nothing changed since.
        cve_events = [
            LabelEvent(index, "add", label, PRIMARY, _at(-200 + index))
            for index, label in enumerate(fix.cve_labels, start=1)
        ]
        tracker.save_issue(
            Issue(
                ref=cve,
                title=fix.cve_title,
                description=_cve_description(fix, canonical_url),
                labels=fix.cve_labels,
                confidential=True,
                author=PRIMARY,
                assignees=(fix.assignee,),
                created_at=_at(-300),
                updated_at=_at(-200 + len(cve_events)) if cve_events else None,
            ),
            links=[IssueLink(security)],
            notes=cve_notes,
            label_events=cve_events,
        )
        _save_merge_requests(tracker, fix, security)
        if fix.report_id and fix.reporter:
            bounty.save_report(_report(fix))

    _save_unannounced(tracker, config)

    for minor, title, iid in BUG_FIXES:
        series = Version.parse(minor)
        ref = MergeRequestRef(projects.security, iid)
        tracker.save_merge_request(
            MergeRequest(
                ref=ref,
                title=title,
                state="merged",
                source_branch=f"fix-{iid}",
                target_branch=series.stable_branch,
                author="gus-maint",
                labels=("type::bug",),
                merged_at=_at(48),
                merge_commit_sha=_commit(ref),
            )
        )

    tracker.save_issue(
        Issue(
            ref=tracking,
            title=f"Security patch release: {versions}",
            description=(
                f"Planned security patch release {versions}, due {DUE_DATE}.\n\n"
                "Security implementation issues are linked below.\n"
            ),
            labels=(labels.security, labels.upcoming_release),
            author="release-tools-bot",
            assignees=(PRIMARY,),
            due_date=_DUE,
            created_at=_at(-120),
        ),
        links=tracking_links,
    )
    tracker.save_issue(
        Issue(
            ref=task,
            title=f"PSIRT Task Issue: security patch release {versions}",
            description=(
                f"Security tracking issue: {tracking}\n\n"
                f"Security communications issue: {projects.communications}#{COMMS_IID}\n\n"
                f"Draft blog post MR: gitlab-org/security/www-gitlab-com!{COMMS_IID + 1}\n\n"
                f"Canonical blog post MR: {projects.www}!{COMMS_IID + 2}\n"
            ),
            labels=(labels.task_issue,),
            author="release-tools-bot",
            assignees=(PRIMARY, SECONDARY),
            due_date=_DUE,
            created_at=_at(-72),
        ),
        links=[IssueLink(tracking)],
    )
    (root / "README.md").write_text(_readme(fixes), encoding="utf-8")


def _severity(fix: DemoFix) -> int:
    from psirt.knowledge.cvss import parse_vector

    return parse_vector(fix.vector).gitlab_severity


def _save_merge_requests(tracker: LocalTracker, fix: DemoFix, security: IssueRef) -> None:
    config = Config()
    slug = f"security-{fix.key}"
    targets = [(config.product.default_branch, slug)] + [
        (Version.parse(minor).stable_branch, f"{slug}-{minor.replace('.', '-')}")
        for minor in fix.backports
    ]
    iid = fix.security_iid * 10
    for offset, (target, source) in enumerate(targets):
        labels: tuple[str, ...] = (config.labels.security,)
        reverted = (
            fix.reverted_backport is not None
            and target == Version.parse(fix.reverted_backport).stable_branch
        )
        if reverted:
            labels = (*labels, config.labels.reverted)
        title = fix.issue_title if offset == 0 else f"[{target}] {fix.issue_title}"
        ref = MergeRequestRef(config.projects.security, iid + offset)
        tracker.save_merge_request(
            MergeRequest(
                ref=ref,
                title=title,
                state="merged",
                source_branch=source,
                target_branch=target,
                description=f"Fixes {security}\n",
                author=fix.author,
                reviewers=(fix.reviewer,),
                labels=labels,
                merged_at=_at(24 + offset),
                related_issues=(security,),
                merge_commit_sha=_commit(ref),
            )
        )
        if reverted:
            revert = MergeRequestRef(config.projects.security, iid + 9)
            tracker.save_merge_request(
                MergeRequest(
                    ref=revert,
                    title=f'Revert "{title}"',
                    state="merged",
                    source_branch=f"revert-{source}",
                    target_branch=target,
                    description=(
                        f"This reverts merge request !{iid + offset}\n\n"
                        "The backport broke webhook delivery on 18.9; the fix will ship in the "
                        f"next patch release.\n\nRelated to {security}\n"
                    ),
                    author=fix.reviewer,
                    labels=(config.labels.security,),
                    merged_at=_at(60),
                    related_issues=(security,),
                    merge_commit_sha=_commit(revert),
                )
            )


def _save_unannounced(tracker: LocalTracker, config: Config) -> None:
    """A fix outside the release whose backport merged anyway: verify-fixes must catch it."""
    projects, labels = config.projects, config.labels
    ref = IssueRef(projects.security, UNANNOUNCED.security_iid)
    tracker.save_issue(
        Issue(
            ref=ref,
            title=UNANNOUNCED.title,
            description="Planned for the next patch release; not linked to this one.\n",
            labels=(labels.security, labels.vulnerability, labels.severity(3)),
            confidential=True,
            author=UNANNOUNCED.author,
            assignees=(UNANNOUNCED.author,),
            created_at=_at(-100),
        )
    )
    branch = Version.parse(UNANNOUNCED.minor).stable_branch
    tracker.save_merge_request(
        MergeRequest(
            ref=MergeRequestRef(projects.security, UNANNOUNCED.mr_iid),
            title=f"[{branch}] {UNANNOUNCED.title}",
            state="merged",
            source_branch=f"security-package-download-{UNANNOUNCED.minor.replace('.', '-')}",
            target_branch=branch,
            description=f"Fixes {ref}\n",
            author=UNANNOUNCED.author,
            reviewers=("gus-maint",),
            labels=(labels.security,),
            merged_at=_at(70),
            related_issues=(ref,),
        )
    )


def _report(fix: DemoFix) -> Report:
    assert fix.report_id and fix.reporter
    bounties = (
        (Bounty(amount=Decimal(fix.bounty), awarded_at=_at(10)),) if fix.bounty is not None else ()
    )
    return Report(
        id=fix.report_id,
        title=fix.issue_title,
        reporter=fix.reporter,
        state="triaged",
        severity_rating=None,
        weakness=fix.cwe,
        cwe=fix.cwe,
        activities=(
            Activity(
                type="activity-bug-triaged",
                message="Thanks for the report, we have reproduced it.",
                author="ivan-appsec",
                created_at=_at(-200),
            ),
        ),
        bounties=bounties,
        url=f"https://hackerone.com/reports/{fix.report_id}",
    )


def _readme(fixes: Sequence[DemoFix]) -> str:
    lines = [
        "# Demo release workspace",
        "",
        f"A planned security patch release of GitLab {', '.join(RELEASE_VERSIONS)},",
        f"due {DUE_DATE},",
        "as psirt's local tracker stores it: GitLab-shaped issues, merge requests and HackerOne",
        "reports in plain files (format: docs/workspace.md in the psirt repository).",
        "",
        "## Deliberate defects",
        "",
        "The review should catch each of these; the other fixes are clean.",
        "",
        "| fix | security issue | defect |",
        "| --- | --- | --- |",
    ]
    config = Config()
    by_key = {fix.key: fix for fix in fixes}
    for key, defect in DEFECTS.items():
        if key not in by_key:
            continue
        fix = by_key[key]
        lines.append(f"| {key} | {config.projects.security}#{fix.security_iid} | {defect} |")
    unannounced = IssueRef(config.projects.security, UNANNOUNCED.security_iid)
    lines.append(f"| (not in the release) | {unannounced} | {UNANNOUNCED_DEFECT} |")
    clean = [fix.key for fix in fixes if fix.key not in DEFECTS]
    lines += ["", "Clean fixes: " + ", ".join(clean) + ".", ""]
    lines += [
        "## Try it",
        "",
        "```sh",
        "psirt validate            # what is missing or wrong, issue by issue",
        "psirt update-cves         # what can be computed (dry run; --live writes)",
        "psirt blog generate       # the post, written to out/blog.md",
        "psirt verify-fixes        # the post against what ships (out/blog.md)",
        "psirt close --close-issues --publish-cves --notify-hackerone   # the plan (dry run)",
        "```",
        "",
    ]
    return "\n".join(lines)
