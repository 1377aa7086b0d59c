"""The close plan, pure: every shipped fix's actions, close-issue actions first, then
publications, then notifications; and what is refused, and the reports nobody has paid."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psirt.actions.executor import Outcome
from psirt.actions.plan import Plan
from psirt.core.errors import RefusedError
from psirt.core.records import Report
from psirt.model.merge_requests import reverted_fix_merge_requests
from psirt.model.release import Release, ReleaseSnapshot, SecurityIssue
from psirt.workflows.close.facts import request_errors
from psirt.workflows.close.gate import BlogGate
from psirt.workflows.close.options import CloseOptions
from psirt.workflows.close.steps import (
    RecordBuilder,
    Refusal,
    close_actions,
    notify_actions,
    publish_actions,
)

if TYPE_CHECKING:
    from psirt.cna.interface import Cna


@dataclass
class ClosePlan:
    options: CloseOptions
    release: Release
    blog: BlogGate | None
    plan: Plan = field(default_factory=Plan)
    refusals: list[Refusal] = field(default_factory=list)
    unpaid: list[Report] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """Every step of close comes after the announcement (the handbook's post-release):
        the notes say the fix *was released*, publication and notification disclose it."""
        return self.blog is None or not self.blog.public

    def blocked_error(self) -> RefusedError:
        reason = self.blog.reason if self.blog else "no blog post URL"
        return RefusedError(
            f"refusing to close the release before the blog post is public ({reason}); "
            "publish the post first, or pass --blog-url URL, or --blog-published if you have "
            "checked it yourself. Nothing was written."
        )


def build_close_plan(
    snapshot: ReleaseSnapshot,
    options: CloseOptions,
    blog: BlogGate | None,
    cna: Cna | None = None,
    record_for: RecordBuilder | None = None,
    templates_dir: Path | None = None,
) -> ClosePlan:
    """The plan (pure): close-issue actions first, then publications, then notifications.

    ``cna`` is needed only with ``publish_cves``: it says how it publishes (an edit of the
    request issue, or the record sent to it). ``templates_dir``: the workspace's templates,
    which override the texts of the notes and messages."""
    result = ClosePlan(options, snapshot.release, blog)
    shipped: list[SecurityIssue] = []
    for item in snapshot.issues:
        reverted = reverted_fix_merge_requests(item, snapshot)
        if reverted:
            names = ", ".join(f"{mr.ref} ({mr.target_branch})" for mr in reverted)
            for step in options.steps:
                result.refusals.append(
                    Refusal(
                        step,
                        str(item.ref),
                        f"not shipped: merge request {names} was reverted; the fix goes in a "
                        "later release (leave it open, unpublished and unannounced)",
                    )
                )
            continue
        shipped.append(item)
    blog_url = blog.url if blog else None
    errors = request_errors(snapshot) if options.discloses else {}
    if options.close_issues:
        for item in shipped:
            result.plan.extend(
                close_actions(item, snapshot, result.refusals, blog_url, templates_dir)
            )
    if options.publish_cves:
        if cna is None:
            raise ValueError("publishing CVEs is planned with the CNA that will publish them")
        for item in shipped:
            result.plan.extend(
                publish_actions(item, snapshot, result.refusals, cna, record_for, errors)
            )
    if options.notify_hackerone:
        for item in shipped:
            result.plan.extend(
                notify_actions(item, snapshot, result.refusals, blog_url, errors, templates_dir)
            )
    if options.close_issues or options.notify_hackerone:
        result.unpaid = [
            item.report
            for item in snapshot.issues
            if item.report is not None and not item.report.has_bounty
        ]
    return result


def record_builder(snapshot: ReleaseSnapshot, blog_url: str | None) -> RecordBuilder:
    """The CVE JSON 5 export of ``render/cve_record.py``, bound to this release and post."""
    from psirt.compute.facts import resolve
    from psirt.render.cve_record import build_record

    def build(item: SecurityIssue) -> dict[str, Any]:
        facts = resolve(item, snapshot.release, snapshot.config)
        return build_record(facts, snapshot.config, blog_url)

    return build
