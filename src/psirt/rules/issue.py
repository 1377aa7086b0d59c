"""Security implementation issue rules (``ISS``): Details, severity, council vote, MRs, links.

Each check takes one ``SecurityIssue`` and the snapshot it belongs to, and reports on the issue
itself (subject: its reference); the CVE request's own fields are in ``psirt.rules.cve_request``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from psirt.compute.council import tally
from psirt.compute.severity import council_score, score_level
from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.core.records import MergeRequest
from psirt.core.versions import Version
from psirt.core.words import plural, quoted
from psirt.knowledge.cvss import parse_vector
from psirt.knowledge.policy import maintained_minors
from psirt.model.merge_requests import release_reverts, without_reverts
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.rules.registry import RULES

KIND = "security issue"

VERSION_AFFECTED = RULES.declare(
    "ISS001",
    "error",
    KIND,
    "The Details table gives the first affected version as X.Y.",
    "Fill the 'Version affected' row of the Details table with the first affected minor "
    "(e.g. 16.10).",
)
EE_ONLY = RULES.declare(
    "ISS002",
    "error",
    KIND,
    "The Details table says whether the bug is in GitLab EE only (Yes or No).",
    "Answer the 'GitLab EE only' row of the Details table with Yes or No.",
)
THANKS = RULES.declare(
    "ISS003",
    "warning",
    KIND,
    "The Details table names who to credit (Thanks).",
    "Fill the 'Thanks' row with the HackerOne handle or the team member who found the bug.",
)
SEVERITY_LABEL = RULES.declare(
    "ISS004",
    "error",
    KIND,
    "Exactly one severity label, matching the severity of the council's CVSS vector.",
    "Set the severity label that the council's CVSS score gives (9.0+ ~severity::1, 7.0+ ~2, "
    "4.0+ ~3, else ~4).",
)
COUNCIL_VOTE = RULES.declare(
    "ISS005",
    "error",
    KIND,
    "A bug bounty council note with a valid CVSS vector exists.",
    "Ask the bug bounty council to vote a CVSS vector in a note starting with "
    "'Bug bounty council'.",
)
COUNCIL_APPROVALS = RULES.declare(
    "ISS006",
    "error",
    KIND,
    "The council vote has enough approvals from council members ([people] council) other than "
    "the vote's author, the fix's assignees and its MR authors: by default 1 for Low and Medium, "
    "2 for High and Critical ([people] council_approvals).",
    "Ask council members who did not write the vote or work on the fix to approve it with a "
    "thumbs-up.",
)
DEFAULT_MR = RULES.declare(
    "ISS007",
    "error",
    KIND,
    "A merge request targets the product's default branch.",
    "Open the security MR to the default branch and relate it to the issue.",
)
BACKPORTS = RULES.declare(
    "ISS008",
    "error",
    KIND,
    "One backport MR per maintained stable branch that the bug reaches, unless reduced backports.",
    "Open the missing backport MRs, or add the reduced-backports label when the fix is not "
    "backported.",
)
MR_NOT_READY = RULES.declare(
    "ISS009",
    "error",
    KIND,
    "Every related MR is merged, or open and ready (not a draft).",
    "Finish the MR and mark it ready, or unrelate it from the issue.",
)
MR_CLOSED = RULES.declare(
    "ISS010",
    "error",
    KIND,
    "No related MR is closed without being merged.",
    "Reopen the MR or open a new one for that branch; unrelate the closed MR.",
)
MR_REVERTED = RULES.declare(
    "ISS011",
    "error",
    KIND,
    "No related MR has been reverted.",
    "Re-apply the fix to that branch, or remove the issue from this release.",
)
CANONICAL = RULES.declare(
    "ISS012",
    "error",
    KIND,
    "The Links table names the canonical issue, and it exists.",
    "Add the canonical issue to the Links table of the security issue.",
)
CVE_REQUEST = RULES.declare(
    "ISS013",
    "error",
    KIND,
    "The Links table names the CVE request issue, and it exists.",
    "Create a CVE request issue and add it to the Links table of the security issue.",
)
REPORT_LINK = RULES.declare(
    "ISS016",
    "error",
    KIND,
    "The Links table's HackerOne report row names a HackerOne report (its URL or number).",
    "Write the report as https://hackerone.com/reports/NNN (or leave the row empty for an "
    "internal find); until then close cannot notify the reporter.",
)
CONFIDENTIAL = RULES.declare(
    "ISS014",
    "error",
    KIND,
    "The security issue is confidential.",
    "Make the issue confidential at once; it describes an unpatched vulnerability.",
)
NOT_IN_RELEASE = RULES.declare(
    "ISS015",
    "error",
    KIND,
    "The first affected version is not newer than every version the release ships.",
    "Check 'Version affected': a bug introduced after the newest release minor ships later.",
)

_DRAFT = re.compile(r"^\s*(?:\[?draft\]?:?|\(draft\)|wip:)", re.IGNORECASE)


def release_versions(snapshot: ReleaseSnapshot) -> list[Version]:
    return list(snapshot.release.versions)


def expected_minors(item: SecurityIssue, snapshot: ReleaseSnapshot) -> list[Version]:
    """The maintained minors the bug reaches (>= its first affected minor), newest first."""
    minors = maintained_minors(
        release_versions(snapshot), snapshot.config.product.maintained_minors
    )
    first = item.first_affected
    if first is None:
        return minors
    return [minor for minor in minors if minor >= first.series]


def fix_merge_requests(item: SecurityIssue, snapshot: ReleaseSnapshot) -> list[MergeRequest]:
    """The issue's MRs that carry the fix (not the reverts of another MR)."""
    return without_reverts(item.merge_requests)


def was_reverted(mr: MergeRequest, item: SecurityIssue, snapshot: ReleaseSnapshot) -> bool:
    """Judged within the fix's pool (``related_merge_requests``), from the release's index."""
    return release_reverts(snapshot).is_reverted(mr, item)


def _is_draft(mr: MergeRequest) -> bool:
    return bool(_DRAFT.match(mr.title))


def _subject(item: SecurityIssue) -> str:
    return str(item.ref)


@RULES.check(KIND)
def check_details(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    details, subject = item.details, _subject(item)
    if details.version_affected is None:
        state = "row missing" if "version_affected" not in details.present else "empty"
        yield VERSION_AFFECTED.finding(
            subject, "Details: Version affected", f"Details: Version affected: {state}"
        )
    elif not (Version.is_valid(details.version_affected)):
        yield VERSION_AFFECTED.finding(
            subject,
            "Details: Version affected",
            f"Details: Version affected: {quoted(details.version_affected)} is not a version "
            "(expected X.Y, e.g. 16.10)",
        )
    if details.ee_only_flag is None:
        shown = "row missing" if "ee_only" not in details.present else repr(details.ee_only or "")
        yield EE_ONLY.finding(
            subject,
            "Details: GitLab EE only",
            f"Details: GitLab EE only: {shown} (expected Yes or No)",
        )
    if details.thanks is None:
        state = "row missing" if "thanks" not in details.present else "empty"
        yield THANKS.finding(subject, "Details: Thanks", f"Details: Thanks: {state}")


@RULES.check(KIND)
def check_first_affected_in_release(
    item: SecurityIssue, snapshot: ReleaseSnapshot
) -> Iterator[Finding]:
    first = item.first_affected
    if first is None or not snapshot.release.versions:
        return
    if not expected_minors(item, snapshot):
        newest = max(snapshot.release.versions)
        yield NOT_IN_RELEASE.finding(
            _subject(item),
            "Details: Version affected",
            f"Details: Version affected: {first} is newer than the release's newest version "
            f"{newest}",
        )


@RULES.check(KIND)
def check_severity_label(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    labels = snapshot.config.labels
    present = [label for label in item.issue.labels if label.startswith(labels.severity_prefix)]
    score = council_score(item)
    level = score_level(score)
    subject = _subject(item)
    if not present:
        expected = f"; the council's CVSS gives {labels.severity(level)}" if level else ""
        yield SEVERITY_LABEL.finding(subject, "labels", f"labels: no severity label{expected}")
        return
    if len(present) > 1:
        yield SEVERITY_LABEL.finding(
            subject, "labels", f"labels: several severity labels ({', '.join(present)})"
        )
        return
    if score is not None and level is not None and present[0] != labels.severity(level):
        yield SEVERITY_LABEL.finding(
            subject,
            "labels",
            f"labels: {present[0]} does not match the council's CVSS {score.base_score} "
            f"({score.severity.lower()}), which gives {labels.severity(level)}",
        )


@RULES.check(KIND)
def check_council(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    subject = _subject(item)
    if item.council is None:
        yield COUNCIL_VOTE.finding(subject, "council", "council: no bug bounty council note")
        return
    if item.council.vector is None:
        yield COUNCIL_VOTE.finding(
            subject, "council", f"council: note {item.council.note_id} has no CVSS vector"
        )
        return
    try:
        parse_vector(item.council.vector)
    except InputError as exc:
        yield COUNCIL_VOTE.finding(
            subject, "council", f"council: note {item.council.note_id}: {exc.message}"
        )
        return
    counted = tally(item, snapshot)
    if counted is None or counted.enough:
        return
    have = len(counted.counted)
    message = (
        f"council: {plural(have, 'approval')} of {counted.needed} needed for a "
        f"{counted.severity} vote ({counted.score.base_score})"
    )
    if counted.counted:
        message += f" (approved by {', '.join(counted.counted)})"
    if counted.not_counted:
        message += "; not counted: " + "; ".join(
            f"{user} ({why})" for user, why in counted.not_counted
        )
    yield COUNCIL_APPROVALS.finding(subject, "council", message)


@RULES.check(KIND)
def check_merge_requests(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    subject = _subject(item)
    config = snapshot.config
    fixes = fix_merge_requests(item, snapshot)
    live_targets: set[str] = set()
    for mr in fixes:
        if mr.state == "closed":
            yield MR_CLOSED.finding(
                subject,
                "merge requests",
                f"merge requests: {mr.ref} to {mr.target_branch} was closed without merging",
            )
            continue
        if was_reverted(mr, item, snapshot):
            yield MR_REVERTED.finding(
                subject,
                "merge requests",
                f"merge requests: {mr.ref} to {mr.target_branch} was reverted",
            )
            continue
        if mr.state != "merged" and _is_draft(mr):
            yield MR_NOT_READY.finding(
                subject,
                "merge requests",
                f"merge requests: {mr.ref} to {mr.target_branch} is still a draft",
            )
        live_targets.add(mr.target_branch)
    default = config.product.default_branch
    if not any(mr.target_branch == default for mr in fixes):
        yield DEFAULT_MR.finding(
            subject, "merge requests", f"merge requests: none targets {default}"
        )
    if config.labels.reduced_backports in item.issue.labels or not snapshot.release.versions:
        return
    targeted = {mr.target_branch for mr in fixes}
    missing = [
        minor.stable_branch
        for minor in expected_minors(item, snapshot)
        if minor.stable_branch not in targeted
    ]
    if missing:
        yield BACKPORTS.finding(
            subject,
            "merge requests",
            f"merge requests: no backport to {', '.join(missing)} and no "
            f"'{config.labels.reduced_backports}' label",
        )


@RULES.check(KIND)
def check_links(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    subject = _subject(item)
    if item.canonical is None:
        named = item.links.canonical
        message = (
            f"Links: canonical issue {named} could not be read"
            if named
            else "Links: no canonical issue"
        )
        yield CANONICAL.finding(subject, "Links: Canonical issue", message)
    if item.cve_request is None:
        named = item.links.cve_request
        message = (
            f"Links: CVE request {named} could not be read" if named else "Links: no CVE request"
        )
        yield CVE_REQUEST.finding(subject, "Links: CVE request", message)
    unreadable = item.links.unreadable_report
    if unreadable is not None:
        yield REPORT_LINK.finding(
            subject,
            "Links: HackerOne report",
            f"Links: HackerOne report {quoted(unreadable, 80)} is not a HackerOne report URL "
            "or number",
        )


@RULES.check(KIND)
def check_confidential(item: SecurityIssue, snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    if not item.issue.confidential:
        yield CONFIDENTIAL.finding(
            _subject(item), "confidential", "confidential: the security issue is public"
        )
