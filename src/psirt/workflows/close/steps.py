"""The actions of each step of close for one fix, or the refusal that keeps it out of the plan.

The texts the actions write are templates (``psirt.render.notes``), rendered from the
workspace's ``templates/`` folder when it has its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psirt.actions.bounty_actions import CommentOnReport, ResolveReport
from psirt.actions.cna_actions import PublishCve
from psirt.actions.plan import Action
from psirt.actions.tracker_actions import CloseIssue, EditDescription, UpsertNote
from psirt.compute.facts import shipped_versions
from psirt.core.errors import InputError
from psirt.core.finding import Finding
from psirt.core.records import CLOSED_UNRESOLVED
from psirt.core.words import quoted
from psirt.model.release import ReleaseSnapshot, SecurityIssue
from psirt.render.notes import (
    Shipped,
    bounty_reminder,
    canonical_note,
    reporter_comment,
    resolve_message,
)
from psirt.workflows.close.facts import (
    bounty_marker,
    marker,
    publication_refusal,
    version_words,
)
from psirt.workflows.close.options import CLOSE_ISSUES, NOTIFY_HACKERONE, PUBLISH_CVES

if TYPE_CHECKING:
    from psirt.cna.interface import Cna

#: The CVE JSON 5 record of one fix (for back ends that send records).
RecordBuilder = Callable[[SecurityIssue], dict[str, Any]]


@dataclass(frozen=True)
class Refusal:
    """Something the plan will not do, and why (not an action: nothing is written for it)."""

    step: str
    subject: str
    reason: str


def shipped(
    item: SecurityIssue,
    snapshot: ReleaseSnapshot,
    *,
    blog_url: str | None = None,
    cve_id: str | None = None,
) -> Shipped:
    """What close's texts may say about a shipped fix."""
    config = snapshot.config
    return Shipped(
        product=config.product.name,
        vendor=config.product.vendor,
        versions=version_words(shipped_versions(item, snapshot.release, snapshot.config)),
        release=snapshot.release.version_list,
        report_id=item.report_id,
        reporter=item.report.reporter if item.report is not None else None,
        finders=item.report.finders if item.report is not None else (),
        blog_url=blog_url,
        cve_id=cve_id,
    )


def close_actions(
    item: SecurityIssue,
    snapshot: ReleaseSnapshot,
    refusals: list[Refusal],
    blog_url: str | None = None,
    templates_dir: Path | None = None,
) -> list[Action]:
    """A public note naming the fixed versions, an internal bounty reminder when one fits, and
    the close. The canonical issue becomes public 30 days after the release, and an internal
    note stays internal then: the reminder never shares a note with the public text."""
    if item.canonical is None:
        refusals.append(Refusal(CLOSE_ISSUES, str(item.ref), "no canonical issue is linked"))
        return []
    canonical = item.canonical.ref
    project = snapshot.config.projects.canonical
    if canonical.project != project:
        refusals.append(
            Refusal(
                CLOSE_ISSUES,
                str(item.ref),
                f"its canonical issue {canonical} is not in {project}; fix the Links table "
                "(or close the right issue by hand)",
            )
        )
        return []
    # the note does not name the CVE: it may not be published by this release
    facts = shipped(item, snapshot, blog_url=blog_url)
    body = canonical_note(facts, templates_dir)
    why = f"the fix shipped in {facts.versions}"
    actions: list[Action] = [UpsertNote(canonical, marker(snapshot.release), body, why)]
    if item.report_id is not None and (item.report is None or not item.report.has_bounty):
        actions.append(
            UpsertNote(
                canonical,
                bounty_marker(snapshot.release),
                bounty_reminder(facts, templates_dir),
                "the report has no bounty yet (internal note)",
                internal=True,
            )
        )
    actions.append(CloseIssue(canonical, why))
    return actions


def publish_actions(
    item: SecurityIssue,
    snapshot: ReleaseSnapshot,
    refusals: list[Refusal],
    cna: Cna,
    record_for: RecordBuilder | None,
    errors: Mapping[str, Sequence[Finding]],
) -> list[Action]:
    config = snapshot.config
    refusal = publication_refusal(item, config, errors)
    subject = (item.cve_request.cve_id if item.cve_request else None) or str(item.ref)
    if refusal is not None:
        refusals.append(Refusal(PUBLISH_CVES, subject, refusal))
        return []
    request = item.cve_request
    assert request is not None and request.cve_id is not None
    why = f"fixed in {version_words(shipped_versions(item, snapshot.release, snapshot.config))}"
    try:
        edited = cna.publication_edit(request.issue)
    except InputError as exc:
        refusals.append(Refusal(PUBLISH_CVES, subject, exc.message))
        return []
    if edited is not None:  # the CNA publishes from the request issue: show the edit
        why = f"request publication of {request.cve_id}: {why}"
        return [EditDescription(request.ref, request.issue.description, edited, why)]
    if record_for is None:
        refusals.append(Refusal(PUBLISH_CVES, subject, "no CVE record exporter"))
        return []
    try:
        record = record_for(item)
    except InputError as exc:
        refusals.append(Refusal(PUBLISH_CVES, subject, f"its CVE record cannot be built: {exc}"))
        return []
    from psirt.knowledge.schemas import schema_errors

    broken = schema_errors(record)
    if broken:  # refused in the plan, so one bad record cannot stop the run half way
        refusals.append(
            Refusal(PUBLISH_CVES, subject, "its CVE record breaks the schema: " + "; ".join(broken))
        )
        return []
    from psirt.compute.confidential import Confidential
    from psirt.rules.confidential import record_findings

    leaks = record_findings(record, subject, Confidential.of(config, snapshot))
    if leaks:  # what is published cannot be taken back
        refusals.append(
            Refusal(
                PUBLISH_CVES,
                subject,
                "its CVE record gives away confidential details: "
                + "; ".join(f"{f.code} {f.message}" for f in leaks),
            )
        )
        return []
    return [
        PublishCve(
            request.cve_id,
            request.ref,
            record,
            why,
            update_published=cna.updates_published,
        )
    ]


def notify_actions(
    item: SecurityIssue,
    snapshot: ReleaseSnapshot,
    refusals: list[Refusal],
    blog_url: str | None,
    errors: Mapping[str, Sequence[Finding]],
    templates_dir: Path | None = None,
) -> list[Action]:
    if item.report_id is None:
        if item.links.unreadable_report is not None:  # a typo must not silence the reporter
            refusals.append(
                Refusal(
                    NOTIFY_HACKERONE,
                    str(item.ref),
                    "the Links table's HackerOne report row names no HackerOne report "
                    f"({quoted(item.links.unreadable_report)}); fix the row, then rerun",
                )
            )
        return []  # an internal find: nobody to notify
    if item.report is None:
        refusals.append(
            Refusal(NOTIFY_HACKERONE, f"report {item.report_id}", "the report could not be read")
        )
        return []
    if item.report.state in CLOSED_UNRESOLVED:
        refusals.append(
            Refusal(
                NOTIFY_HACKERONE,
                f"report {item.report_id}",
                f"the report is closed as {item.report.state}; resolving it would reopen that "
                "decision (check the Links table names the right report)",
            )
        )
        return []
    # name the CVE only when this release publishes it (not while it is invalid or unvalidated)
    publishable = publication_refusal(item, snapshot.config, errors) is None
    cve_id = item.cve_request.cve_id if item.cve_request and publishable else None
    facts = shipped(item, snapshot, blog_url=blog_url, cve_id=cve_id)
    why = f"the fix shipped in {facts.versions}"
    message = reporter_comment(facts, templates_dir)
    # An earlier run may have said it before the CVE could be named or the post's URL was known:
    # the same comment then, which a rerun must not post again.
    known_cve = item.cve_request.cve_id if item.cve_request else None
    variants = {
        reporter_comment(replace(facts, cve_id=cve, blog_url=url), templates_dir)
        for cve in {None, known_cve}
        for url in {None, blog_url}
    }
    return [
        CommentOnReport(item.report_id, message, why, tuple(sorted(variants - {message}))),
        ResolveReport(item.report_id, resolve_message(facts, templates_dir), why),
    ]
