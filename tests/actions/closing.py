"""Shared helpers for the close tests: a copy of the demo workspace (``demo_template``) with a
chosen CNA, the final state of a workspace after ``close``, and wrappers that kill the process
after the N-th write."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from psirt.bounty.local import LocalBounty
from psirt.cna.local import LocalCna
from psirt.core.records import IssueRef
from psirt.core.workspace import Workspace
from psirt.session import Session
from psirt.trackers.local import LocalTracker
from tests.fakes.web import serve

TRACKER_WRITES = ("create_note", "update_note", "update_issue", "create_issue")
BOUNTY_WRITES = ("add_comment", "change_state")
CNA_WRITES = ("publish",)


def copy_demo(template: Path, target: Path, *, cna: str | None = None) -> Workspace:
    shutil.copytree(template, target)
    if cna is not None:
        config = target / "psirt.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('kind = "gitlab-cves"', f'kind = "{cna}"'), encoding="utf-8")
    return Workspace(target.resolve())


def keep_only(workspace: Workspace, iids: set[int]) -> None:
    """A smaller release of the same shape: unlink every other fix from the tracking issue and
    delete its files (issue, canonical issue, CVE request, MRs, report), so reads stay fast."""
    from psirt.demo.data import FIXES

    tracker = LocalTracker(workspace.root)
    config = workspace.config
    tracking = IssueRef(config.projects.tracking, 50000)
    for link in tracker.issue_links(tracking):
        target = link.target
        if target.project == config.projects.security and target.iid not in iids:
            tracker.unlink_issues(tracking, target)
    root = workspace.root / "projects"
    for fix in FIXES:
        if fix.security_iid in iids:
            continue
        doomed = [
            root / config.projects.security / "issues" / f"{fix.security_iid}.md",
            root / config.projects.canonical / "issues" / f"{fix.canonical_iid}.md",
            root / config.projects.cve_requests / "issues" / f"{fix.cve_iid}.md",
            *(root / config.projects.security / "merge_requests").glob(f"{fix.security_iid}?.md"),
        ]
        if fix.report_id:
            doomed.append(workspace.root / "hackerone" / "reports" / f"{fix.report_id}.yaml")
        for path in doomed:
            path.unlink(missing_ok=True)


class Killed(BaseException):
    """The process died: not a ``PsirtError``, so nothing catches and journals it."""


class WriteCounter:
    """Counts writes across wrappers; the ``kill_after``-th write lands, then the process dies."""

    def __init__(self, kill_after: int | None = None) -> None:
        self.kill_after = kill_after
        self.writes = 0


class Killing:
    """Delegates to ``inner``; its writes count, and may kill after landing."""

    def __init__(self, inner: Any, writes: tuple[str, ...], counter: WriteCounter) -> None:
        self._inner = inner
        self._writes = writes
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if name not in self._writes:
            return value

        def write(*args: Any, **kwargs: Any) -> Any:
            result = value(*args, **kwargs)
            self._counter.writes += 1
            if self._counter.writes == self._counter.kill_after:
                raise Killed(f"killed after write {self._counter.writes} ({name})")
            return result

        return write


def killing_session(workspace: Workspace, counter: WriteCounter) -> tuple[Session, Killing]:
    tracker = Killing(LocalTracker(workspace.root), TRACKER_WRITES, counter)
    bounty = Killing(LocalBounty(workspace.root), BOUNTY_WRITES, counter)
    cna = Killing(LocalCna(workspace.root), CNA_WRITES, counter)
    return Session(workspace, tracker, bounty), cna  # type: ignore[arg-type]


def final_state(workspace: Workspace, marker: str) -> dict[str, Any]:
    """What ``close`` changes, without timestamps: issue states, our notes, descriptions of CVE
    requests, report states and comments, published CVE records."""
    tracker = LocalTracker(workspace.root)
    bounty = LocalBounty(workspace.root)
    config = workspace.config
    state: dict[str, Any] = {}
    for project in (config.projects.canonical, config.projects.cve_requests):
        for issue in tracker.find_issues(project):
            notes = [n.body for n in tracker.notes(issue.ref) if marker in n.body]
            state[str(issue.ref)] = (issue.state, issue.description, tuple(notes))
    for report in bounty.list_reports():
        comments = tuple(a.message for a in report.activities if a.type == "activity-comment")
        changes = tuple(a.type for a in report.activities if a.type.startswith("activity-bug-"))
        state[f"report {report.id}"] = (report.state, comments, changes)
    cna = LocalCna(workspace.root)
    state["cna"] = {cve: cna.record(cve) for cve in cna.published()}
    return state


#: The page the demo release's post would be (the blog gate looks for the newest version in it).
POST_PAGE = "<html><title>GitLab Patch Release: 18.10.1, 18.9.3, 18.8.7</title></html>"


@contextmanager
def blog_server(status: int, page: str = POST_PAGE) -> Iterator[str]:
    """A loopback web server that answers every GET with ``status`` and ``page``; yields its
    post URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve(Handler) as base:
        yield f"{base}/releases/2026/03/25/patch-release-gitlab-18-10-1-released/"
