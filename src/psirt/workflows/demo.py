"""``psirt demo``: write the demo workspace, then run the read-only pipeline over it.

Each step takes the opened session and the folder, and returns the lines it prints. Steps only
read the trackers (or write artifacts into the workspace folder); nothing runs live.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from psirt.core.workspace import Workspace
from psirt.knowledge.cvss import severity_from_labels
from psirt.session import Session, open_session
from psirt.workflows import blog, close, comms, update_cves, validate


@dataclass(frozen=True)
class StepResult:
    title: str
    lines: tuple[str, ...]


Step = Callable[[Session], StepResult]


def summary_step(session: Session) -> StepResult:
    snapshot = session.snapshot()
    release = snapshot.release
    names = session.config.people
    labels = session.config.labels
    severities: Counter[str] = Counter()
    for item in snapshot.issues:
        level = severity_from_labels(item.issue.labels, labels)
        severities[labels.severity(level) if level is not None else "unlabelled"] += 1
    managers = ", ".join(names.name_of(user) for user in release.release_managers) or "none"
    lines = [
        f"versions {release.version_list}, due {release.due_date}, "
        f"{'planned' if release.planned else 'unplanned'}",
        f"tracking issue {release.tracking_issue.ref}; release managers: {managers}",
        f"{len(snapshot.issues)} security fixes ("
        + ", ".join(f"{label}: {count}" for label, count in sorted(severities.items()))
        + f"), {len(snapshot.cve_requests)} CVE requests, "
        f"{sum(1 for i in snapshot.issues if i.report is not None)} HackerOne reports",
        f"loaded with {snapshot.request_count} reads",
    ]
    lines += [f"problem: {p}" for p in snapshot.problems]
    return StepResult("release", tuple(lines))


# Later steps (validation, update-cves dry run, blog post, close plan) append themselves here.
STEPS: list[Step] = [summary_step, validate.demo_step, update_cves.demo_step, blog.demo_step]
STEPS.append(comms.demo_step)
STEPS.append(close.demo_step)  # last: what finishing the release would do


def run_demo(folder: Path) -> list[StepResult]:
    from psirt.demo.build import build_demo

    build_demo(folder)
    session = open_session(Workspace(folder.resolve()))
    return [step(session) for step in STEPS]
