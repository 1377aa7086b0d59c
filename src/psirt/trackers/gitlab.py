"""The GitLab tracker: the port implemented with ``python-gitlab`` against REST v4.

Why it looks the way it does:

- Reads are safe to call from many threads at once (the snapshot loader does). One
  ``requests`` session is shared; its connection pool holds ``max_in_flight`` connections and
  blocks beyond that, so the bound on requests in flight holds however many threads call in.
- A 429 is waited out in the transport (``gitlab_http``: ``Retry-After``, else
  ``RateLimit-Reset``, else the limiters' one-minute window, as ``core.remote.RetryPolicy``
  says). Reads and idempotent writes retry transient 5xx and connection failures through
  python-gitlab's own loop. A new note or issue is not idempotent: it is never retried before
  checking whether the first attempt landed.
- Labels are only ever sent as ``add_labels``/``remove_labels``, one per scope; a description
  write re-reads the issue first (and refuses when it changed) and every write is verified by a
  re-read, against GitLab's scoped-label result.
- A 404 is told from a permission problem: when the token's user cannot see every issue of the
  project (``gitlab_access``), the error says so and names the user and role; a 403 names the
  missing right or scope. The user and roles come from ``GET /user`` (once) and
  ``GET /projects/:id/members/all/:user_id`` (once per project, when first needed).
- The token lives only inside the client's auth; no message, log line or repr carries it.

The class is assembled from one module per purpose: ``gitlab_base`` (the client and its
plumbing), ``gitlab_identity`` (the token's user and roles, failures named for them, writes
sent once), ``gitlab_notes``, ``gitlab_links``, ``gitlab_checks`` (what ``psirt doctor``
asks of projects and labels), and this one (issues, merge requests, groups).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from psirt.core.config import Config
from psirt.core.errors import InputError, NotFoundError, NotVisibleError, PsirtError, RemoteError
from psirt.core.labels import check_label_write
from psirt.core.records import (
    Issue,
    IssueRef,
    IssueState,
    IssueUpdate,
    LabelEvent,
    MergeRequest,
)
from psirt.trackers import gitlab_access as access
from psirt.trackers import gitlab_mapping as m
from psirt.trackers.gitlab_base import BATCH
from psirt.trackers.gitlab_checks import GitLabChecks
from psirt.trackers.gitlab_http import RATE_LIMIT_WINDOW
from psirt.trackers.gitlab_links import GitLabLinks
from psirt.trackers.gitlab_notes import GitLabNotes


def url_from_env(env: Mapping[str, str], default: str) -> str:
    """``GITLAB_URL``, then ``GITLAB_HOST`` (a host name or URL, as ``glab`` takes it).

    A URL with credentials in it (``https://user:secret@host``) is refused: the URL is shown in
    messages and the journal, and the token belongs in ``GITLAB_TOKEN`` only."""
    url = env.get("GITLAB_URL") or env.get("GITLAB_HOST") or default
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = f"https://{url}"
    if "@" in urlsplit(url).netloc:
        raise PsirtError(
            "GITLAB_URL (or GITLAB_HOST, or [tracker] url) carries credentials (user@ or "
            "user:secret@): give the bare URL, and the token in GITLAB_TOKEN"
        )
    return url


class GitLabTracker(GitLabNotes, GitLabLinks, GitLabChecks):
    """A ``Tracker`` over GitLab REST v4. Thread-safe; see the module docstring for why."""

    @classmethod
    def from_config(cls, config: Config, env: Mapping[str, str]) -> GitLabTracker:
        """The tracker of ``[tracker]`` in psirt.toml, with ``GITLAB_TOKEN`` and glab's URL vars.

        A release lives in confidential issues, so a token is required."""
        token = env.get("GITLAB_TOKEN")
        if not token:
            raise PsirtError(
                "GITLAB_TOKEN is not set: the GitLab tracker needs a personal or project access "
                "token with the api scope to read and write the release's confidential issues"
            )
        remote = config.remote
        return cls(
            url_from_env(env, config.tracker.url),
            token,
            max_in_flight=config.tracker.max_in_flight,
            max_retries=remote.retries,
            timeout=remote.timeout,
            retry=remote.policy(rate_limit_window=RATE_LIMIT_WINDOW),
        )

    # -- reads -----------------------------------------------------------------------------

    def get_issue(self, ref: IssueRef) -> Issue:
        with self._remote("read issue", str(ref), project=ref.project):
            obj = self._project(ref.project).issues.get(ref.iid, **self._retry)
        return m.issue_from(m.attributes(obj), ref.project)

    def get_issues(self, refs: Sequence[IssueRef]) -> list[Issue]:
        """One list call per project and 100 iids (``iids[]``), the calls run concurrently."""
        wanted = list(dict.fromkeys(refs))
        by_project: dict[str, list[int]] = defaultdict(list)
        for ref in wanted:
            by_project[ref.project].append(ref.iid)
        batches = [
            (project, iids[i : i + BATCH])
            for project, iids in by_project.items()
            for i in range(0, len(iids), BATCH)
        ]
        calls = [partial(self._issues_by_iid, project, batch) for project, batch in batches]
        found = {issue.ref: issue for chunk in self._parallel(calls) for issue in chunk}
        missing = [ref for ref in wanted if ref not in found]
        for ref in missing:  # a list leaves out what the user may not see: say when it may be
            role = self._role_or_none(ref.project)
            if role is not None and not role.sees_confidential:
                hidden = ", ".join(str(r) for r in missing if r.project == ref.project)
                raise NotVisibleError(hidden, access.not_visible_reason(role, issue=True))
        if missing:
            names = ", ".join(str(r) for r in missing)
            raise NotFoundError(f"issues not found on {self.url}: {names}")
        return [found[ref] for ref in refs]

    def _issues_by_iid(self, project: str, iids: list[int]) -> list[Issue]:
        with self._remote(f"list issues {iids}", project, project=project):
            objs = self._project(project).issues.list(
                iids=iids, state="all", get_all=True, **self._retry
            )
        return [m.issue_from(m.attributes(o), project) for o in objs]

    def find_issues(
        self,
        project: str,
        *,
        labels: Iterable[str] = (),
        search: str | None = None,
        state: IssueState | None = None,
    ) -> list[Issue]:
        query: dict[str, Any] = {"state": state or "all"}
        wanted = list(labels)
        if wanted:
            query["labels"] = wanted
        if search:
            query["search"] = search
        with self._remote("search issues", project, project=project):
            objs = self._project(project).issues.list(get_all=True, **query, **self._retry)
        issues = [m.issue_from(m.attributes(o), project) for o in objs]
        # GitLab's search also matches descriptions; the port promises titles only.
        needle = (search or "").lower()
        return [i for i in issues if needle in i.title.lower()]

    def related_merge_requests(self, ref: IssueRef) -> list[MergeRequest]:
        with self._remote("list related merge requests", str(ref), project=ref.project):
            items = self._issue(ref).related_merge_requests(get_all=True, **self._retry)
        return [m.merge_request_from(m.attributes(i), None, (ref,)) for i in items]

    def label_events(self, ref: IssueRef) -> list[LabelEvent]:
        with self._remote("list label events", str(ref)):
            objs = self._issue(ref).resourcelabelevents.list(get_all=True, **self._retry)
        events = [m.label_event_from(m.attributes(o)) for o in objs]
        return sorted(
            (e for e in events if e is not None),
            key=lambda e: (e.created_at is None, e.created_at, e.id),
        )

    def group_members(self, group: str) -> list[str]:
        """``GET /groups/:id/members/all``: direct and inherited members, active ones."""
        with self._remote("list group members", group):
            objs = self._gl.groups.get(group, lazy=True).members_all.list(
                get_all=True, **self._retry
            )
        names = [
            str(data.get("username") or "")
            for data in map(m.attributes, objs)
            if str(data.get("state") or "active") == "active"
        ]
        return list(dict.fromkeys(name for name in names if name))

    def list_merge_requests(
        self,
        project: str,
        *,
        target_branch: str | None = None,
        merged_after: datetime | None = None,
    ) -> list[MergeRequest]:
        """GitLab filters by update time, not merge time: an MR merged after a time was updated
        after it, so the list asks for those and keeps the ones merged since."""
        filters: dict[str, Any] = {"state": "all", **self._retry}
        if target_branch is not None:
            filters["target_branch"] = target_branch
        if merged_after is not None:
            filters.update(state="merged", updated_after=merged_after.isoformat())
        with self._remote("list merge requests", project, project=project):
            objs = self._project(project).mergerequests.list(get_all=True, **filters)
        mrs = [m.merge_request_from(m.attributes(o), project) for o in objs]
        if merged_after is None:
            return mrs
        return [mr for mr in mrs if mr.merged_at is not None and mr.merged_at >= merged_after]

    # -- writes ----------------------------------------------------------------------------

    def create_issue(
        self,
        project: str,
        *,
        title: str,
        description: str,
        labels: Sequence[str] = (),
        confidential: bool = False,
        assignees: Sequence[str] = (),
    ) -> Issue:
        """Not idempotent: after a failure with no answer, look for it before trying again."""
        check_label_write(labels, (), where=project)
        m.check_length("description", description, m.DESCRIPTION_LIMIT, where=project)
        data: dict[str, Any] = {
            "title": title,
            "description": description,
            "labels": ",".join(labels),
            "confidential": confidential,
        }
        if assignees:
            data["assignee_ids"] = [self._user_id(name) for name in assignees]

        def landed() -> Issue | None:
            me = self.current_user()
            for issue in self.find_issues(project, search=title):
                if (issue.title, issue.description, issue.author) == (title, description, me):
                    return issue
            return None

        def create() -> Issue:
            obj = self._project(project).issues.create(
                data, retry_transient_errors=False, **self._retry
            )
            return m.issue_from(m.attributes(obj), project)

        what = f"create issue {title!r}"
        return self._create_once(what, project, create, landed, project, "create_issue")

    def update_issue(self, ref: IssueRef, update: IssueUpdate) -> Issue:
        data: dict[str, Any] = {}
        if update.description is not None:
            m.check_length("description", update.description, m.DESCRIPTION_LIMIT, where=str(ref))
            current = self.get_issue(ref)  # re-read right before the write
            if (
                update.expected_description is not None
                and current.description != update.expected_description
            ):
                raise InputError(
                    "the description changed since it was read; reload and try again",
                    where=str(ref),
                )
            data["description"] = update.description
        if update.title is not None:
            data["title"] = update.title
        if update.add_labels:
            data["add_labels"] = ",".join(update.add_labels)
        if update.remove_labels:
            data["remove_labels"] = ",".join(update.remove_labels)
        if update.state_event is not None:
            data["state_event"] = update.state_event
        if not data:
            return self.get_issue(ref)
        with self._remote("update issue", str(ref), project=ref.project, right="update_issue"):
            self._project(ref.project).issues.update(ref.iid, data, **self._retry)
        after = self.get_issue(ref)
        problems = m.unapplied(update, after)
        if problems:
            raise RemoteError(f"update did not take: {'; '.join(problems)}", where=str(ref))
        return after

    def set_confidential(self, ref: IssueRef, confidential: bool) -> Issue:
        """Idempotent (the same value twice is one state), so python-gitlab may retry it."""
        what = "set confidential" if confidential else "make public"
        with self._remote(what, str(ref), project=ref.project, right="update_issue"):
            data = {"confidential": confidential}
            self._project(ref.project).issues.update(ref.iid, data, **self._retry)
        after = self.get_issue(ref)
        if after.confidential != confidential:
            state = "confidential" if after.confidential else "public"
            raise RemoteError(f"update did not take: the issue is still {state}", where=str(ref))
        return after
