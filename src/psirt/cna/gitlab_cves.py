"""GitLab's own CNA (the ``gitlab-org/cves`` project) as a CNA back end.

Publication there is a request, not a push: the engineer ticks ``Publish immediately`` and unticks
``Wait to publish`` in the CVE request issue, and the CNA bot publishes the YAML of that issue.
So the port answers ``publication_edit`` with the ticked description, which the close plan shows
as an ordinary description edit (with its diff); ``GitLabCvesCna.publish`` writes the same edit
when the port is used directly.

The bot also owns the published record: psirt can neither read it back through this back end nor
update it (``cve sync`` and the ADP part of ``cve status`` need ``[cna] kind = "cve-services"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psirt.cna.interface import PUBLISHED, RESERVED, PublishResult, record_cve_id
from psirt.core.config import Config
from psirt.core.errors import InputError, NotFoundError, RefusedError, RemoteError
from psirt.core.identifiers import cve_id_in
from psirt.core.records import Issue, IssueRef, IssueUpdate
from psirt.parsing.tasklist import find_task, set_task
from psirt.trackers.interface import Tracker

PUBLISH_TASK = "Publish immediately"
WAIT_TASK = "Wait to publish"


def publication_requested(description: str) -> bool:
    """``Publish immediately`` ticked and ``Wait to publish`` (if present) unticked."""
    publish = find_task(description, PUBLISH_TASK)
    wait = find_task(description, WAIT_TASK)
    return publish is not None and publish.checked and (wait is None or not wait.checked)


def request_publication(description: str, *, where: str) -> str:
    """The description with the publication boxes set; every other byte unchanged."""
    try:
        after = set_task(description, PUBLISH_TASK, True)
    except KeyError:
        raise InputError(
            f"the description has no '* [ ] {PUBLISH_TASK}' task to tick "
            "(is it a CVE request made from the template?)",
            where=where,
        ) from None
    if find_task(after, WAIT_TASK) is not None:
        after = set_task(after, WAIT_TASK, False)
    return after


class GitLabCvesCna:
    """The ``Cna`` port over CVE request issues in ``config.projects.cve_requests``.

    ``requests`` maps CVE ids to their request issues when the caller already knows them (the
    snapshot does); otherwise the project's issues are searched for the id.
    """

    updates_published = False  # the CNA bot owns a published record; psirt only requests

    def __init__(
        self,
        tracker: Tracker,
        config: Config,
        requests: Mapping[str, IssueRef] | None = None,
    ) -> None:
        self._tracker = tracker
        self._project = config.projects.cve_requests
        self._requests = dict(requests or {})

    def _issue(self, cve_id: str) -> Issue | None:
        ref = self._requests.get(cve_id)
        if ref is not None:
            return self._tracker.get_issue(ref)
        for issue in self._tracker.find_issues(self._project):
            if cve_id in (cve_id_in(issue.title), cve_id_in(issue.description)):
                self._requests[cve_id] = issue.ref
                return issue
        return None

    def publication_edit(self, request: Issue) -> str | None:
        return request_publication(request.description, where=str(request.ref))

    def publication_state(self, cve_id: str) -> str | None:
        issue = self._issue(cve_id)
        if issue is None:
            return None
        return PUBLISHED if publication_requested(issue.description) else RESERVED

    def publish(self, cve_id: str, record: dict[str, Any]) -> PublishResult:
        named = record_cve_id(record)
        if named is not None and named != cve_id:
            raise InputError(f"record is for {named} (cveMetadata.cveId)", where=cve_id)
        issue = self._issue(cve_id)
        if issue is None:
            raise NotFoundError(f"no CVE request issue in {self._project} names it", where=cve_id)
        if publication_requested(issue.description):
            return PublishResult(cve_id, "unchanged", f"{issue.ref}: publication already requested")
        after = request_publication(issue.description, where=str(issue.ref))
        update = IssueUpdate(description=after, expected_description=issue.description)
        self._tracker.update_issue(issue.ref, update)
        if not publication_requested(self._tracker.get_issue(issue.ref).description):
            raise RemoteError(f"{issue.ref}: the box did not stay ticked", where=cve_id)
        return PublishResult(cve_id, "published", f"{issue.ref}: ticked '{PUBLISH_TASK}'")

    def published_record(self, cve_id: str) -> dict[str, Any] | None:
        return None  # the CNA bot publishes; the request issue does not hold the record

    def update_cna_container(self, cve_id: str, container: dict[str, Any]) -> PublishResult:
        raise RefusedError(
            "GitLab's CNA bot owns published records: correct the CVE request's YAML and ask "
            'the CNA team to republish it, or set [cna] kind = "cve-services"',
            where=cve_id,
        )
