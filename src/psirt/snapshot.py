"""Load one release, once: task issue -> tracking issue -> fixes -> CVE requests, MRs, notes,
council votes and bounty reports. Reads run concurrently with a bounded number in flight."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from psirt.bounty.interface import BountyPlatform, Report
from psirt.config import Config
from psirt.errors import InputError, NotFoundError
from psirt.model.release import CveRequest, Release, ReleaseSnapshot, SecurityIssue
from psirt.model.versions import versions_in
from psirt.parsing.council import parse_council
from psirt.parsing.cve_yaml import CveDocument, find_yaml_block
from psirt.parsing.details import parse_details
from psirt.parsing.links import Links, parse_links, report_id_in
from psirt.parsing.tasklist import parse_tasks
from psirt.trackers.interface import Issue, IssueLink, IssueRef, MergeRequest, Note, Tracker

T = TypeVar("T")
R = TypeVar("R")


class _Pool:
    def __init__(self, workers: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="psirt-read")

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        return list(self._executor.map(function, items))

    def close(self) -> None:
        self._executor.shutdown(wait=True)


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


def _cve_request(issue: Issue, notes: Sequence[Note]) -> CveRequest:
    block = find_yaml_block(issue.description)
    document: CveDocument | None = None
    error: str | None = None
    if block is None:
        error = "no ```yaml block in the description"
    else:
        try:
            document = CveDocument(block.body, where=str(issue.ref))
        except InputError as exc:
            error = exc.message
            if "line " in exc.message and block.first_line > 1:
                error = f"{exc.message} of the YAML block (description line {block.first_line} + n)"
    return CveRequest(
        issue=issue,
        notes=tuple(notes),
        yaml_text=block.body if block else None,
        document=document,
        yaml_error=error,
        tasks=tuple(parse_tasks(issue.description)),
    )


def load_snapshot(
    tracker: Tracker,
    config: Config,
    bounty: BountyPlatform | None = None,
    *,
    release_issue: int | None = None,
) -> ReleaseSnapshot:
    pool = _Pool(config.tracker.max_in_flight)
    try:
        return _load(tracker, config, bounty, release_issue, pool)
    finally:
        pool.close()


def _load(
    tracker: Tracker,
    config: Config,
    bounty: BountyPlatform | None,
    release_issue: int | None,
    pool: _Pool,
) -> ReleaseSnapshot:
    projects, labels = config.projects, config.labels
    problems: list[str] = []
    tracking = find_tracking_issue(tracker, config, release_issue)
    linked_refs = [link.target for link in tracker.issue_links(tracking.ref)]
    linked = _get_all(tracker, linked_refs, problems, f"linked from {tracking.ref}")

    fixes = [i for i in linked if i.ref.project == projects.security]
    others = [i for i in linked if i.ref.project != projects.security]
    task = next((i for i in others if labels.task_issue in i.labels), None)

    def per_issue(issue: Issue) -> tuple[list[Note], list[IssueLink], list[MergeRequest]]:
        return (
            tracker.notes(issue.ref),
            tracker.issue_links(issue.ref),
            tracker.related_merge_requests(issue.ref),
        )

    reads = pool.map(per_issue, fixes)
    parsed_links = [parse_links(issue.description) for issue in fixes]

    cve_refs: list[IssueRef | None] = []
    canonical_refs: list[IssueRef | None] = []
    for (_, links, _), table in zip(reads, parsed_links, strict=True):
        cve_refs.append(table.cve_request or _first_linked(links, projects.cve_requests))
        canonical_refs.append(table.canonical or _first_linked(links, projects.canonical))

    wanted = sorted({ref for ref in (*cve_refs, *canonical_refs) if ref is not None})
    fetched = {i.ref: i for i in _get_all(tracker, wanted, problems, "referenced by a fix")}
    cve_issues = [fetched[r] for r in cve_refs if r is not None and r in fetched]
    cve_notes = dict(
        zip(
            [i.ref for i in cve_issues],
            pool.map(lambda i: tracker.notes(i.ref), cve_issues),
            strict=True,
        )
    )

    report_ids = [
        _report_id(table, fetched.get(canonical) if canonical else None)
        for table, canonical in zip(parsed_links, canonical_refs, strict=True)
    ]
    reports = _reports(bounty, report_ids, pool, problems)

    issues: list[SecurityIssue] = []
    for index, issue in enumerate(fixes):
        notes, _links, mrs = reads[index]
        cve_ref, canonical_ref = cve_refs[index], canonical_refs[index]
        cve_issue = fetched.get(cve_ref) if cve_ref else None
        issues.append(
            SecurityIssue(
                issue=issue,
                details=parse_details(issue.description),
                links=parsed_links[index],
                notes=tuple(notes),
                merge_requests=tuple(mrs),
                canonical=fetched.get(canonical_ref) if canonical_ref else None,
                cve_request=(
                    _cve_request(cve_issue, cve_notes.get(cve_issue.ref, [])) if cve_issue else None
                ),
                council=parse_council(notes),
                report=reports.get(report_ids[index] or ""),
                report_id=report_ids[index],
            )
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
        request_count=tracker.request_count,
        problems=tuple(problems),
    )


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
            except NotFoundError:
                problems.append(f"{ref} ({why}) does not exist")
        return found


def _report_id(table: Links, canonical: Issue | None) -> str | None:
    if table.report_id:
        return table.report_id
    return report_id_in(canonical.description) if canonical else None


def _reports(
    bounty: BountyPlatform | None,
    ids: Sequence[str | None],
    pool: _Pool,
    problems: list[str],
) -> dict[str, Report]:
    if bounty is None:
        return {}
    wanted = sorted({i for i in ids if i})

    def one(report_id: str) -> Report | None:
        try:
            return bounty.get_report(report_id)
        except NotFoundError:
            problems.append(f"HackerOne report {report_id} does not exist")
            return None

    return {r.id: r for r in pool.map(one, wanted) if r is not None}
