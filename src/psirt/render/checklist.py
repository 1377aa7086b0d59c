"""The PSIRT checklist: the task issue body with the handbook's steps and who to tell."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psirt.compute.severity import release_severity
from psirt.core.config import Config
from psirt.knowledge.cvss import SEVERITY_NAMES
from psirt.model.release import ReleaseSnapshot
from psirt.render.env import render
from psirt.render.pings import Ping, pings_for
from psirt.render.task_links import links_of, web_url

CHECKLIST_TEMPLATE = "checklist.md.j2"


@dataclass(frozen=True)
class Checklist:
    title: str
    marker: str  # identifies the checklist issue of this release on the tracker
    versions: str
    due_date: str
    unplanned: bool
    tracking: str  # URL of the security tracking issue
    communications: str | None
    release_managers: tuple[str, ...]
    severity: int | None
    severity_name: str
    pings: tuple[Ping, ...]


def build_checklist(snapshot: ReleaseSnapshot, *, unplanned: bool = False) -> Checklist:
    """The checklist; an unplanned release is critical (S1) whatever its fixes say so far."""
    config, release = snapshot.config, snapshot.release
    level = 1 if unplanned else release_severity(snapshot)
    versions = release.version_list
    links = links_of(release, config)
    return Checklist(
        title=f"PSIRT checklist: security patch release {versions}",
        marker="checklist:" + ",".join(str(v) for v in release.versions),
        versions=versions,
        due_date=str(release.due_date) if release.due_date else "",
        unplanned=unplanned,
        tracking=web_url(release.tracking_issue.ref, release.tracking_issue.web_url, config),
        communications=links.communications,
        release_managers=release.release_managers,
        severity=level,
        severity_name=SEVERITY_NAMES.get(level or 0, "unknown"),
        pings=pings_for(level or 4, config),
    )


def render_checklist(
    checklist: Checklist, config: Config, templates_dir: Path | None = None
) -> str:
    return render(CHECKLIST_TEMPLATE, {"c": checklist, "labels": config.labels}, templates_dir)
