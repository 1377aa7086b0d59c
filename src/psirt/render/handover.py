"""The handover one PSIRT release manager posts to the other at the end of a workday: what was
done, what is next, and what the snapshot says is left."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psirt.core.errors import InputError
from psirt.core.words import plural
from psirt.model.release import ReleaseSnapshot
from psirt.render.env import render
from psirt.render.task_links import links_of, web_url

HANDOVER_TEMPLATE = "handover.md.j2"


@dataclass(frozen=True)
class ReleaseStatus:
    """What the snapshot says is left; ``findings`` is None when validation was not run."""

    fixes: int
    findings: tuple[int, int] | None  # (errors, warnings) from psirt validate
    cves_not_validated: tuple[str, ...]  # CVE request refs
    mrs_not_merged: tuple[str, ...]  # merge request refs

    def line(self) -> str:
        parts = [plural(self.fixes, "fix")]
        if self.findings is not None:
            errors, warnings = self.findings
            parts.append(f"{plural(errors + warnings, 'finding')} left ({plural(errors, 'error')})")
        parts.append(f"{plural(len(self.cves_not_validated), 'CVE')} not yet validated")
        parts.append(f"{plural(len(self.mrs_not_merged), 'MR')} not merged")
        return ", ".join(parts)


def release_status(
    snapshot: ReleaseSnapshot, findings: tuple[int, int] | None = None
) -> ReleaseStatus:
    validated = snapshot.config.labels.description_validated
    not_validated = tuple(
        str(request.ref)
        for request in snapshot.cve_requests
        if not request.issue.has_label(validated)
    )
    missing_request = tuple(
        f"{item.ref} (no CVE request)" for item in snapshot.issues if item.cve_request is None
    )
    open_mrs = sorted(
        {
            str(mr.ref)
            for item in snapshot.issues
            for mr in item.merge_requests
            if mr.state in ("opened", "locked")
        }
    )
    return ReleaseStatus(
        fixes=len(snapshot.issues),
        findings=findings,
        cves_not_validated=(*not_validated, *missing_request),
        mrs_not_merged=tuple(open_mrs),
    )


@dataclass(frozen=True)
class Handover:
    to: str
    status: str
    next: str
    computed: str
    release_issue: str
    checklist: str | None
    draft_blog_mr: str | None
    blog_mr: str | None
    communications: str | None


def build_handover(
    snapshot: ReleaseSnapshot,
    *,
    status: str,
    next_step: str,
    to: str | None = None,
    sender: str | None = None,
    findings: tuple[int, int] | None = None,
) -> Handover:
    """``to`` defaults to the release manager who is not ``sender`` (the primary by default)."""
    config, release = snapshot.config, snapshot.release
    if to is None:
        me = sender or release.primary
        others = [user for user in release.release_managers if user != me]
        if not others:
            raise InputError(
                "no other release manager to hand over to (pass --to USER)",
                where=str(
                    release.task_issue.ref if release.task_issue else release.tracking_issue.ref
                ),
            )
        to = others[0]
    links = links_of(release, config)
    task = release.task_issue
    tracking = release.tracking_issue
    return Handover(
        to=to.lstrip("@"),
        status=" ".join(status.split()),
        next=" ".join(next_step.split()),
        computed=release_status(snapshot, findings).line(),
        release_issue=links.tracking or web_url(tracking.ref, tracking.web_url, config),
        checklist=web_url(task.ref, task.web_url, config) if task is not None else None,
        draft_blog_mr=links.draft_blog_mr,
        blog_mr=links.blog_mr,
        communications=links.communications,
    )


def render_handover(handover: Handover, templates_dir: Path | None = None) -> str:
    return render(HANDOVER_TEMPLATE, {"h": handover}, templates_dir)
