"""Release rules (``REL``): what only the whole snapshot shows.

Readiness is reported on each issue (so its owner sees it); duplicates and mismatches across
issues are reported on the tracking issue, because they concern the release as a whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from psirt.core.finding import Finding
from psirt.core.records import IssueRef
from psirt.model.release import ReleaseSnapshot
from psirt.rules.overshare import CVE_TITLE
from psirt.rules.registry import RULES

KIND = "release"

LOAD_PROBLEM = RULES.declare(
    "REL000",
    "error",
    KIND,
    "Everything the release refers to could be loaded (issues, reports, versions).",
    "Fix the reference or the missing object, then validate again.",
)
NOT_READY = RULES.declare(
    "REL001",
    "error",
    KIND,
    "Every security issue linked to the tracking issue is labelled security-target (ready).",
    "Add the security-target label once the MRs are ready, or unlink the issue from the release.",
)
DUPLICATE_CVE_ID = RULES.declare(
    "REL002",
    "error",
    KIND,
    "No CVE id is used by two fixes.",
    "Give each vulnerability its own CVE request and id.",
)
DUPLICATE_TITLE = RULES.declare(
    "REL003",
    "error",
    KIND,
    "No CVE title is used by two fixes.",
    "Name the component in each title so the two fixes can be told apart.",
)
SAME_CWE_ALIKE = RULES.declare(
    "REL004",
    "warning",
    KIND,
    "Two fixes with the same CWE have titles that tell them apart (different components).",
    "Name a different component in each title, vaguely but distinctly.",
)
UNMATCHED_CVE = RULES.declare(
    "REL005",
    "error",
    KIND,
    "Every CVE request in the release belongs to exactly one security issue of the release.",
    "Link the CVE request from its security issue's Links table, or remove it from the release.",
)
NO_VERSIONS = RULES.declare(
    "REL006",
    "error",
    KIND,
    "The tracking issue names the versions the release ships.",
    "Put the release versions in the tracking issue's title (e.g. 18.10.1, 18.9.3, 18.8.7).",
)
NO_FIXES = RULES.declare(
    "REL007",
    "warning",
    KIND,
    "The tracking issue links at least one security issue.",
    "Link the release's security implementation issues to the tracking issue.",
)


def _release_subject(snapshot: ReleaseSnapshot) -> str:
    return str(snapshot.release.tracking_issue.ref)


@RULES.check(KIND)
def check_problems(snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    subject = _release_subject(snapshot)
    for problem in snapshot.problems:
        yield LOAD_PROBLEM.finding(subject, "", f"snapshot: {problem}")
    if not snapshot.release.versions:
        yield NO_VERSIONS.finding(
            subject, "title", f"title: {snapshot.release.tracking_issue.title!r} names no versions"
        )
    if not snapshot.issues:
        yield NO_FIXES.finding(subject, "links", "links: no security issue is linked")


@RULES.check(KIND)
def check_ready(snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    target = snapshot.config.labels.security_target
    for item in snapshot.issues:
        if target not in item.issue.labels:
            yield NOT_READY.finding(
                str(item.ref), "labels", f"labels: no {target} (the issue is not marked ready)"
            )


@RULES.check(KIND)
def check_duplicates(snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    subject = _release_subject(snapshot)
    by_id: dict[str, list[IssueRef]] = defaultdict(list)
    by_title: dict[str, list[IssueRef]] = defaultdict(list)
    for request in snapshot.cve_requests:
        if request.cve_id:
            by_id[request.cve_id].append(request.ref)
        by_title[" ".join(request.issue.title.lower().split())].append(request.ref)
    for cve_id, refs in sorted(by_id.items()):
        if len(set(refs)) > 1:
            yield DUPLICATE_CVE_ID.finding(
                subject,
                "CVE id",
                f"CVE id: {cve_id} is used by {', '.join(str(r) for r in sorted(set(refs)))}",
            )
    for title, refs in sorted(by_title.items()):
        if len(set(refs)) > 1:
            yield DUPLICATE_TITLE.finding(
                subject,
                "title",
                f"title: {', '.join(str(r) for r in sorted(set(refs)))} share the title {title!r}",
            )


@RULES.check(KIND)
def check_same_cwe(snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    subject = _release_subject(snapshot)
    groups: dict[tuple[str, str], list[IssueRef]] = defaultdict(list)
    for request in snapshot.cve_requests:
        if request.document is None:
            continue
        cwe = request.document.text_of("cwe").strip().upper()
        match = CVE_TITLE.match(request.issue.title.strip())
        if not cwe or match is None:
            continue
        component = " ".join(match["component"].lower().split())
        groups[(cwe, component)].append(request.ref)
    for (cwe, component), refs in sorted(groups.items()):
        distinct = sorted(set(refs))
        if len(distinct) > 1:
            yield SAME_CWE_ALIKE.finding(
                subject,
                "title",
                f"title: {', '.join(str(r) for r in distinct)} are both {cwe} in {component!r}; "
                "the titles do not tell them apart",
            )


@RULES.check(KIND)
def check_cve_requests_match(snapshot: ReleaseSnapshot) -> Iterator[Finding]:
    subject = _release_subject(snapshot)
    owners: dict[IssueRef, list[IssueRef]] = defaultdict(list)
    for item in snapshot.issues:
        if item.cve_request is not None:
            owners[item.cve_request.ref].append(item.ref)
    for cve_ref, fixes in sorted(owners.items()):
        if len(fixes) > 1:
            yield UNMATCHED_CVE.finding(
                subject,
                "links",
                f"links: CVE request {cve_ref} is named by {', '.join(str(r) for r in fixes)}",
            )
    cve_project = snapshot.config.projects.cve_requests
    for other in snapshot.other_links:
        if other.ref.project == cve_project and other.ref not in owners:
            yield UNMATCHED_CVE.finding(
                subject,
                "links",
                f"links: CVE request {other.ref} is linked to the release but belongs to no "
                "security issue in it",
            )
