"""Load one release, once: task issue -> tracking issue -> fixes -> CVE requests, MRs, notes,
council votes and bounty reports. Reads run concurrently with a bounded number in flight."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar

from psirt.bounty.interface import BountyPlatform
from psirt.core.config import Config
from psirt.core.errors import InputError, NotFoundError, NotVisibleError
from psirt.core.records import (
    Issue,
    IssueLink,
    IssueRef,
    LabelEvent,
    Note,
    Report,
    is_text_edit,
    utc,
)
from psirt.core.versions import versions_in
from psirt.knowledge.schedule import previous_planned_patch
from psirt.model.release import CveRequest, Release, ReleaseSnapshot, SecurityIssue
from psirt.parsing.council import parse_council
from psirt.parsing.cve_yaml import read_cve_yaml
from psirt.parsing.details import parse_details
from psirt.parsing.links import parse_links
from psirt.parsing.tasklist import parse_tasks
from psirt.trackers.interface import Tracker

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[int, int], None]
"""Told ``(read, total)`` as the security issues of a release are read (from worker threads)."""


def find_tracking_issue(tracker: Tracker, config: Config, release_issue: int | None) -> Issue:
    """The security tracking issue: by iid (the task issue's iid works too), else the open one
    labelled as the upcoming release with the nearest due date."""
    projects, labels = config.projects, config.labels
    if release_issue is not None:
        issue = tracker.get_issue(IssueRef(projects.tracking, release_issue))
        if labels.task_issue in issue.labels and labels.upcoming_release not in issue.labels:
            for link in tracker.issue_links(issue.ref):
                linked = tracker.get_issue(link.target)
                if labels.upcoming_release in linked.labels:
                    return linked
            raise InputError(f"task issue {issue.ref} links no tracking issue")
        return issue
    candidates = tracker.find_issues(
        projects.tracking, labels=[labels.upcoming_release], state="opened"
    )
    if not candidates:
        raise NotFoundError(
            f"no open issue labelled '{labels.upcoming_release}' in {projects.tracking};"
            " pass --release-issue IID"
        )
    return min(candidates, key=lambda i: (i.due_date is None, i.due_date, i.ref.iid))


def _first_linked(links: Sequence[IssueLink], project: str) -> IssueRef | None:
    for link in links:
        if link.target.project == project:
            return link.target
    return None


def _cve_request(
    issue: Issue,
    notes: Sequence[Note],
    label_events: Sequence[LabelEvent] = (),
    *,
    round_trip: bool = True,
) -> CveRequest:
    read = read_cve_yaml(issue.description, where=str(issue.ref), round_trip=round_trip)
    return CveRequest(
        issue=issue,
        notes=tuple(notes),
        yaml_text=read.text,
        document=read.document,
        yaml_error=read.error,
        yaml_error_line=read.error_line,
        tasks=tuple(parse_tasks(issue.description)),
        label_events=tuple(label_events),
    )


def load_snapshot(
    tracker: Tracker,
    config: Config,
    bounty: BountyPlatform | None = None,
    *,
    release_issue: int | None = None,
    round_trip: bool = False,
    progress: Progress | None = None,
) -> ReleaseSnapshot:
    """The release, read once; ``progress`` hears how many of its security issues are read
    (notes and merge requests in), for a command to show on a terminal. Each CVE request's YAML
    is parsed once, by the faster C loader where it can (``CveDocument.read``), or round trip
    (comments and quoting kept) with ``round_trip``; update-cves reads the plain documents and
    parses round trip only a request it rewrites (``compute.cve_fields``)."""
    with ThreadPoolExecutor(
        max_workers=config.tracker.max_in_flight, thread_name_prefix="psirt-read"
    ) as pool:
        return _load(tracker, config, bounty, release_issue, pool, round_trip, progress)


def _load(
    tracker: Tracker,
    config: Config,
    bounty: BountyPlatform | None,
    release_issue: int | None,
    pool: ThreadPoolExecutor,
    round_trip: bool = False,
    progress: Progress | None = None,
) -> ReleaseSnapshot:
    """Three round trips find the fixes; then every other read is in flight at once, the
    longest (notes, which may carry award emoji) queued first."""
    projects, labels = config.projects, config.labels
    problems: list[str] = []
    tracking = find_tracking_issue(tracker, config, release_issue)
    tracking_links = tracker.issue_links(tracking.ref)
    described = [link.issue for link in tracking_links if link.issue is not None]
    missing = [link.target for link in tracking_links if link.issue is None]
    linked = described + _get_all(tracker, missing, problems, f"linked from {tracking.ref}")

    fixes = [i for i in linked if i.ref.project == projects.security]
    others = [i for i in linked if i.ref.project != projects.security]
    task = next((i for i in others if labels.task_issue in i.labels), None)
    tables = [parse_links(issue.description) for issue in fixes]

    notes_f = [pool.submit(tracker.notes, issue.ref) for issue in fixes]
    mrs_f = [pool.submit(tracker.related_merge_requests, issue.ref) for issue in fixes]
    if progress is not None:
        _report_progress(progress, list(zip(notes_f, mrs_f, strict=True)))
    # The Links table names the CVE request and canonical issue; issue links are the fallback.
    links_f = {
        index: pool.submit(tracker.issue_links, issue.ref)
        for index, (issue, table) in enumerate(zip(fixes, tables, strict=True))
        if table.cve_request is None or table.canonical is None
    }
    from_tables = sorted({r for t in tables for r in (t.cve_request, t.canonical) if r})
    batch_f = pool.submit(_get_all, tracker, from_tables, problems, "referenced by a fix")
    reports_f = _submit_reports(pool, bounty, [t.report_id for t in tables], problems)
    # What ships in each version: every MR into its stable branch (bug fixes, reverts).
    branches = sorted({v.stable_branch for v in versions_in(tracking.title)})
    branch_mrs_f = [
        pool.submit(tracker.list_merge_requests, projects.security, target_branch=branch)
        for branch in branches
    ]
    # ... and what the mirror's default branch took since the last release, which ships when it
    # is synced; and who may approve a council vote.
    since = _last_release_end(tracking)
    default_mrs_f = (
        pool.submit(
            tracker.list_merge_requests,
            projects.security,
            target_branch=config.product.default_branch,
            merged_after=since,
        )
        if since is not None
        else None
    )
    council_f = _submit_council(pool, tracker, config, problems)

    cve_refs = [t.cve_request for t in tables]
    canonical_refs = [t.canonical for t in tables]
    for index, future in links_f.items():
        links = future.result()
        cve_refs[index] = cve_refs[index] or _first_linked(links, projects.cve_requests)
        canonical_refs[index] = canonical_refs[index] or _first_linked(links, projects.canonical)
    fetched = {i.ref: i for i in batch_f.result()}
    asked = set(from_tables)  # a ref that failed there is reported once, not asked again
    extra = sorted({r for r in (*cve_refs, *canonical_refs) if r and r not in fetched} - asked)
    fetched.update({i.ref: i for i in _get_all(tracker, extra, problems, "linked to a fix")})

    # Only the Links table names the report: close comments on it and resolves it, so it is
    # never taken from text that someone outside the team may have written.
    report_ids = [table.report_id for table in tables]
    # The CNA bot's comments matter only while it holds a request invalid.
    cve_notes_f = {
        ref: pool.submit(tracker.notes, ref)
        for ref in cve_refs
        if ref in fetched and labels.advisory_invalid in fetched[ref].labels
    }
    # A validated request: when the label was added, then (when it changed since) its notes,
    # whose system notes say whether the title or description was edited after the approval.
    events_f = {
        ref: pool.submit(tracker.label_events, ref)
        for ref in cve_refs
        if ref in fetched and labels.description_validated in fetched[ref].labels
    }
    for ref, events in events_f.items():
        if ref not in cve_notes_f and _changed_since_label(
            fetched[ref], events.result(), labels.description_validated
        ):
            cve_notes_f[ref] = pool.submit(tracker.notes, ref)

    issues: list[SecurityIssue] = []
    for index, issue in enumerate(fixes):
        notes = notes_f[index].result()
        cve_ref, canonical_ref = cve_refs[index], canonical_refs[index]
        cve_issue = fetched.get(cve_ref) if cve_ref else None
        report_id = report_ids[index]
        report = reports_f[report_id].result() if report_id in reports_f else None
        issues.append(
            SecurityIssue(
                issue=issue,
                details=parse_details(issue.description),
                links=tables[index],
                notes=tuple(notes),
                merge_requests=tuple(mrs_f[index].result()),
                canonical=fetched.get(canonical_ref) if canonical_ref else None,
                cve_request=(
                    _cve_request(
                        cve_issue,
                        cve_notes_f[cve_issue.ref].result() if cve_issue.ref in cve_notes_f else [],
                        events_f[cve_issue.ref].result() if cve_issue.ref in events_f else [],
                        round_trip=round_trip,
                    )
                    if cve_issue
                    else None
                ),
                council=parse_council(notes),
                report=report,
                report_id=report_id,
            )
        )

    edited = any(
        is_text_edit(note)
        for ref in events_f
        if ref in cve_notes_f
        for note in cve_notes_f[ref].result()
    )
    versions = sorted(set(versions_in(tracking.title)), reverse=True)
    if not versions:
        problems.append(f"{tracking.ref}: the title names no release versions")
    managers = (task.assignees if task else ()) or tracking.assignees
    release = Release(
        versions=tuple(versions),
        due_date=tracking.due_date,
        planned=not any(word in tracking.title.lower() for word in ("critical", "unplanned")),
        tracking_issue=tracking,
        task_issue=task,
        release_managers=tuple(managers),
    )
    return ReleaseSnapshot(
        config=config,
        release=release,
        issues=tuple(sorted(issues, key=lambda s: s.ref)),
        other_links=tuple(i for i in others if i is not task),
        merge_requests=tuple(mr for future in branch_mrs_f for mr in future.result()),
        default_branch_merge_requests=tuple(default_mrs_f.result()) if default_mrs_f else (),
        default_branch_since=since,
        council_members=_council_members(config, council_f),
        tracker_user=tracker.current_user() if edited else "",
        request_count=tracker.request_count,
        problems=tuple(problems),
    )


def _report_progress(progress: Progress, reads: list[tuple[Future[T], Future[R]]]) -> None:
    """Tell ``progress`` each time one issue's reads (notes, merge requests) are all done."""
    total = len(reads)
    lock = threading.Lock()
    done = [0]
    progress(0, total)

    def one_more() -> None:
        with lock:
            done[0] += 1
            progress(done[0], total)

    for pair in reads:
        pending = [len(pair)]

        def finished(_: Future[Any], pending: list[int] = pending) -> None:
            with lock:
                pending[0] -= 1
                last = pending[0] == 0
            if last:
                one_more()

        for future in pair:
            future.add_done_callback(finished)


def _last_release_end(tracking: Issue) -> datetime | None:
    """The end of the day of the planned release before this one (None without a due date):
    what the default branch took after it is not in any release yet."""
    if tracking.due_date is None:
        return None
    try:
        day = previous_planned_patch(tracking.due_date)
    except InputError:
        return None
    return datetime.combine(day + timedelta(days=1), time(), UTC)


def _changed_since_label(issue: Issue, events: Sequence[LabelEvent], label: str) -> bool:
    """Whether the issue may have changed after ``label`` was last added: it was updated later,
    or its update time is not known. Without the label's addition in its history there is
    nothing to compare with (see ``compute/validation.py``)."""
    added = [
        utc(e.created_at) for e in events if e.label == label and e.action == "add" and e.created_at
    ]
    if not added:
        return False
    return issue.updated_at is None or utc(issue.updated_at) > max(added)


def _submit_council(
    pool: ThreadPoolExecutor, tracker: Tracker, config: Config, problems: list[str]
) -> list[Future[list[str]]]:
    def members(group: str) -> list[str]:
        try:
            return tracker.group_members(group)
        except NotFoundError:
            problems.append(f"council group @{group} ([people] council) does not exist")
            return []

    return [pool.submit(members, group) for group in config.people.council_groups]


def _council_members(config: Config, groups: Sequence[Future[list[str]]]) -> tuple[str, ...]:
    names = [*config.people.council_users, *(n for f in groups for n in f.result())]
    return tuple(dict.fromkeys(names))


def _get_all(
    tracker: Tracker, refs: Sequence[IssueRef], problems: list[str], why: str
) -> list[Issue]:
    try:
        return tracker.get_issues(refs)
    except NotFoundError:
        found: list[Issue] = []
        for ref in refs:
            try:
                found.append(tracker.get_issue(ref))
            except NotVisibleError as exc:  # a permission problem, not an absence
                problems.append(f"{ref} ({why}) {exc.reason}")
            except NotFoundError:
                problems.append(f"{ref} ({why}) does not exist")
        return found


def _submit_reports(
    pool: ThreadPoolExecutor,
    bounty: BountyPlatform | None,
    ids: Sequence[str | None],
    problems: list[str],
) -> dict[str, Future[Report | None]]:
    if bounty is None:
        return {}

    def one(report_id: str) -> Report | None:
        try:
            return bounty.get_report(report_id)
        except NotFoundError:
            problems.append(f"HackerOne report {report_id} does not exist")
            return None

    return {i: pool.submit(one, i) for i in sorted({i for i in ids if i})}
