"""Where to edit what a finding is about: the file and line in a local workspace, the web URL on
GitLab (``#note_ID`` when it is a note).

Rules report on a subject (an issue's reference) and a field (``cwe``, ``Details: Version
affected``, ``labels``); a rule that means a note or a line says so in the finding's partial
``Location``. ``locate`` completes every location from the release: the parsers give the line of
a field in the description (a row of the Details or Links table, a key of the CVE YAML block,
where the YAML parser stopped), and the tracker gives where the description starts in the issue's
file and the lines of its front-matter keys and notes (``Issue.source``, the local tracker's) or
the issue's ``web_url`` (GitLab's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from psirt.core.finding import Acknowledgement, Finding, Location
from psirt.core.records import Issue
from psirt.model.release import CveRequest, ReleaseSnapshot, SecurityIssue
from psirt.parsing.cve_yaml import find_yaml_block
from psirt.parsing.tables import row_line

# Fields that are the issue's own attributes (front-matter keys in a workspace file), not a
# part of its description.
ISSUE_KEYS = {
    "title": "title",
    "CVE id": "title",
    "labels": "labels",
    "confidential": "confidential",
    "assignees": "assignees",
    "due date": "due_date",
    "due_date": "due_date",
    "links": "links",
    "state": "state",
}
_TABLES = ("Details", "Links")


@dataclass(frozen=True)
class _Target:
    issue: Issue
    item: SecurityIssue | None = None  # the fix, when the issue is one
    request: CveRequest | None = None  # the CVE request, when the issue is one


def _targets(snapshot: ReleaseSnapshot) -> dict[str, _Target]:
    release = snapshot.release
    found: dict[str, _Target] = {str(release.tracking_issue.ref): _Target(release.tracking_issue)}
    if release.task_issue is not None:
        found[str(release.task_issue.ref)] = _Target(release.task_issue)
    for item in snapshot.issues:
        found[str(item.ref)] = _Target(item.issue, item=item)
        if item.cve_request is not None:
            request = item.cve_request
            found.setdefault(str(request.ref), _Target(request.issue, request=request))
        if item.canonical is not None:
            found.setdefault(str(item.canonical.ref), _Target(item.canonical))
    return found


def issue_location(
    issue: Issue, partial: Location | None = None, key: str | None = None
) -> Location:
    """The complete location of a part of ``issue``: a note (``partial.note``), a line of the
    description (``partial.description_line``), a front-matter ``key``, else the description's
    first line; in a workspace file, else at the issue's web URL."""
    partial = partial or Location()
    source = issue.source
    if source is None:
        anchor = f"#note_{partial.note}" if partial.note is not None else ""
        return replace(partial, url=f"{issue.web_url}{anchor}" if issue.web_url else "")
    line: int | None = None
    if partial.note is not None:
        line = source.note_line(partial.note)
    elif partial.description_line is not None:
        line = source.description_line + partial.description_line - 1
    elif key is not None:
        line = source.key_line(key)
    if line is None:
        line = source.description_line
    return replace(partial, path=source.path, line=line)


def _description_line(target: _Target, field: str) -> int | None:
    """The line of ``field`` in the issue's description, as its parser reads it."""
    description = target.issue.description
    for table in _TABLES:
        prefix = f"{table}: "
        if field.startswith(prefix):
            return row_line(description, table, field[len(prefix) :])
    request = target.request
    if request is None:
        return None
    block = find_yaml_block(description)
    if field == "yaml":
        if request.yaml_error_line is not None:
            return request.yaml_error_line
        return block.first_line if block is not None else None
    if block is None or request.document is None:
        return None
    line = request.document.line_of(field)
    return None if line is None else block.first_line + line - 1


def _partial(target: _Target, finding: Finding) -> tuple[Location, str | None]:
    partial = finding.location or Location()
    if partial.note is not None or partial.description_line is not None:
        return partial, None
    field = finding.field
    if target.item is not None and field == "council" and target.item.council is not None:
        return replace(partial, note=target.item.council.note_id), None
    if field in ISSUE_KEYS:
        return partial, ISSUE_KEYS[field]
    line = _description_line(target, field)
    if line is not None:
        return replace(partial, description_line=line), None
    return partial, None


def locate(findings: Iterable[Finding], snapshot: ReleaseSnapshot) -> list[Finding]:
    """``findings`` with their locations completed; a finding about something that is not an
    issue of the release keeps what it has."""
    targets = _targets(snapshot)
    located: list[Finding] = []
    for finding in findings:
        target = targets.get(finding.subject)
        if target is None or (finding.location is not None and str(finding.location)):
            located.append(finding)
            continue
        partial, key = _partial(target, finding)
        located.append(finding.at(issue_location(target.issue, partial, key)))
    return located


def acknowledgement_location(item: SecurityIssue, ack: Acknowledgement) -> Acknowledgement:
    """``ack`` with where it was written completed (its note's URL or file line)."""
    where = ack.where
    if where is not None and str(where):
        return ack
    return replace(ack, where=issue_location(item.issue, where))
