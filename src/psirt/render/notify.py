"""The stakeholder messages of release day: one per team the release's worst fix requires.

Who is told follows the notification policy of ``compute.severity``; the counts the messages
state are the shipped fixes as the blog post and the e-mail rate them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from psirt.compute.severity import SeverityPolicy, fix_severity, release_severity
from psirt.core.errors import InputError
from psirt.knowledge.cvss import SEVERITY_NAMES
from psirt.model.merge_requests import shipped_fixes
from psirt.model.release import ReleaseSnapshot
from psirt.render.env import render
from psirt.render.pings import Ping, pings_for
from psirt.render.task_links import links_of, web_url

NOTIFY_TEMPLATE = "notify.md.j2"


@dataclass(frozen=True)
class Notifications:
    versions: str
    due_date: str
    severity: int
    severity_name: str
    counts: tuple[tuple[str, int], ...]  # ("critical", 2) ... worst first, non-zero, as published
    blog_url: str | None
    communications: str | None
    checklist: str | None
    pings: tuple[Ping, ...]


def severity_counts(levels: Iterable[int | None]) -> tuple[tuple[str, int], ...]:
    counted = Counter(level for level in levels if level is not None)
    return tuple((SEVERITY_NAMES[lvl], counted[lvl]) for lvl in sorted(counted))


def build_notifications(snapshot: ReleaseSnapshot, blog_url: str | None) -> Notifications:
    """Who is told follows the notification policy (the worst source of each shipped fix); the
    counts are the shipped fixes as the blog post and the e-mail rate them, so no stakeholder
    reads a number or a severity the post does not state."""
    config, release = snapshot.config, snapshot.release
    level = release_severity(snapshot)
    if level is None:
        raise InputError(
            "no shipped fix of the release has a severity (CVE vector, council vote or severity "
            "label) yet",
            where=str(release.tracking_issue.ref),
        )
    links = links_of(release, config)
    task = release.task_issue
    return Notifications(
        versions=release.version_list,
        due_date=str(release.due_date) if release.due_date else "",
        severity=level,
        severity_name=SEVERITY_NAMES[level],
        counts=severity_counts(
            fix_severity(item, config.labels, SeverityPolicy.PUBLICATION)
            for item in shipped_fixes(snapshot)
        ),
        blog_url=blog_url,
        communications=links.communications,
        checklist=web_url(task.ref, task.web_url, config) if task is not None else None,
        pings=pings_for(level, config),
    )


def render_notifications(notes: Notifications, templates_dir: Path | None = None) -> str:
    return render(NOTIFY_TEMPLATE, {"n": notes}, templates_dir)
