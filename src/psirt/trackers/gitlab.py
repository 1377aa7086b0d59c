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
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import gitlab
import requests
from gitlab.v4.objects import Project, ProjectIssue

from psirt.core.config import Config
from psirt.core.errors import InputError, NotFoundError, NotVisibleError, PsirtError, RemoteError
from psirt.core.labels import check_label_write
from psirt.core.records import (
    AwardEmoji,
    Issue,
    IssueLink,
    IssueRef,
    IssueState,
    IssueUpdate,
    LabelEvent,
    LinkType,
    MergeRequest,
    Note,
)
from psirt.core.remote import RetryPolicy
from psirt.parsing.council import is_council_note
from psirt.trackers import gitlab_access as access
from psirt.trackers import gitlab_mapping as m
from psirt.trackers.gitlab_errors import CLIENT_FAILURES, Failure, convert
from psirt.trackers.gitlab_http import RATE_LIMIT_WINDOW, Transport, is_transient, status_of

T = TypeVar("T")
_BATCH = 100  # GitLab's page size cap, and so the most iids one list call can answer


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up when called, so a test can stub this module's ``time``


def _now() -> float:
    return time.time()


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


class GitLabTracker:
    """A ``Tracker`` over GitLab REST v4. Thread-safe; see the module docstring for why."""

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        max_in_flight: int = 16,
        max_retries: int = 5,
        timeout: float = 30.0,
        note_emoji: Callable[[Note], bool] | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = _sleep,
        clock: Callable[[], float] = _now,
    ) -> None:
        """``note_emoji`` picks the notes whose award emoji are fetched, one request per note:
        by default the bug bounty council's vote notes, the only ones whose emoji a rule reads.
        Pass ``lambda note: not note.system`` for all of them.

        ``retry`` is how 429s are waited out (by default ``max_retries`` waits, each of the
        server's ``Retry-After``, else until ``RateLimit-Reset``, else one minute, and none
        longer than two minutes); ``sleep`` and ``clock`` are what it waits and reads time with.
        """
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.url = url.rstrip("/")
        self.max_in_flight = max_in_flight
        self._max_retries = max_retries
        self._note_emoji = note_emoji or is_council_note
        self._secret = token or ""
        policy = retry or RetryPolicy(attempts=max_retries + 1, rate_limit_window=RATE_LIMIT_WINDOW)
        self._transport = Transport(max_in_flight, policy, sleep, clock)
        session = requests.Session()
        session.mount("http://", self._transport)
        session.mount("https://", self._transport)
        self._gl = gitlab.Gitlab(
            self.url,
            private_token=token,
            session=session,
            timeout=timeout,
            per_page=_BATCH,
            retry_transient_errors=True,
        )
        self._user_lock = threading.Lock()
        self._me: dict[str, Any] | None = None
        self._roles: dict[str, access.Role] = {}

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
        return cls(
            url_from_env(env, config.tracker.url),
            token,
            max_in_flight=config.tracker.max_in_flight,
        )

    def __repr__(self) -> str:
        return f"GitLabTracker(url={self.url!r}, max_in_flight={self.max_in_flight})"

    def close(self) -> None:
        self._gl.session.close()

    def __enter__(self) -> GitLabTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def request_count(self) -> int:
        return self._transport.count

    @property
    def rate_limit_waits(self) -> list[float]:
        """Every wait after a 429 so far, in seconds."""
        return list(self._transport.waits)

    # -- plumbing --------------------------------------------------------------------------

    @property
    def _retry(self) -> dict[str, Any]:
        # 429s are the transport's (``gitlab_http``); python-gitlab keeps the 5xx retries
        return {"max_retries": self._max_retries, "obey_rate_limit": False}

    def _project(self, path: str) -> Project:
        return self._gl.projects.get(path, lazy=True)

    def _issue(self, ref: IssueRef) -> ProjectIssue:
        return self._project(ref.project).issues.get(ref.iid, lazy=True)

    def _clean(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    def _convert(
        self,
        exc: Exception,
        what: str,
        where: str,
        *,
        project: str | None = None,
        right: str | None = None,
    ) -> InputError | RemoteError:
        """A client failure as a PsirtError naming what, which object and the HTTP status; a
        404 or 403 in ``project`` says whether the token's user is allowed (``right``)."""
        role, status = None, status_of(exc)
        if project and status in (403, 404):  # a refusal asks afresh: roles change
            role = self._role_or_none(project, fresh=status == 403)
        failure = Failure(what, where, self.url, project, right, role)
        return convert(exc, failure, self._clean)

    @contextmanager
    def _remote(
        self,
        what: str,
        where: str,
        *,
        project: str | None = None,
        right: str | None = None,
    ) -> Iterator[None]:
        try:
            yield
        except CLIENT_FAILURES as exc:
            raise self._convert(exc, what, where, project=project, right=right) from None

    def _parallel(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """Run a few independent calls at once; the connection pool bounds what is in flight."""
        if len(calls) <= 1:
            return [call() for call in calls]
        with ThreadPoolExecutor(min(len(calls), self.max_in_flight)) as pool:
            return list(pool.map(lambda call: call(), calls))

    def _whoami(self) -> dict[str, Any]:
        with self._user_lock:
            if self._me is None:
                with self._remote("read the current user", self.url):
                    data = self._gl.http_get("/user", **self._retry)
                self._me = m.attributes(data)
            return self._me

    def current_user(self) -> str:
        """The token's username (one request, then cached): who our own notes are by."""
        return str(self._whoami().get("username") or "")

    def role_in(self, project: str, *, fresh: bool = False) -> access.Role:
        """The token's user in ``project`` (one request per project, then cached)."""
        me = self._whoami()
        with self._user_lock:
            if project in self._roles and not fresh:
                return self._roles[project]
        level: int | None = None
        try:
            path = f"/projects/{quote(project, safe='')}/members/all/{int(me['id'])}"
            member = m.attributes(self._gl.http_get(path, **self._retry))
            level = int(member.get("access_level") or 0)
        except gitlab.GitlabError as exc:
            if status_of(exc) != 404:  # 404: not a member, or the project is hidden
                raise
        role = access.Role(self.current_user(), project, level, bool(me.get("is_admin")))
        with self._user_lock:
            self._roles[project] = role
        return role

    def _role_or_none(self, project: str, *, fresh: bool = False) -> access.Role | None:
        """The role when it can be read (an error message must not fail for want of it)."""
        try:
            return self.role_in(project, fresh=fresh)
        except (PsirtError, gitlab.GitlabError, requests.RequestException, KeyError, ValueError):
            return None

    def token_access(self, projects: Sequence[str]) -> access.TokenAccess:
        """The token's user, its scopes and its role in each of ``projects`` (for ``psirt
        doctor``): ``GET /user``, ``GET /personal_access_tokens/self`` and one members request
        per project, run concurrently."""
        me = self._whoami()
        scopes: tuple[str, ...] | None = None
        try:
            token = m.attributes(self._gl.http_get("/personal_access_tokens/self", **self._retry))
            scopes = tuple(str(s) for s in token.get("scopes") or ())
        except (gitlab.GitlabError, requests.RequestException):
            scopes = None  # not a personal, project or group access token's own record
        wanted = list(dict.fromkeys(projects))
        with self._remote("read the token's roles", self.url):
            roles = self._parallel([partial(self.role_in, p) for p in wanted])
        return access.TokenAccess(
            user=self.current_user(),
            admin=bool(me.get("is_admin")),
            scopes=scopes,
            roles=dict(zip(wanted, roles, strict=True)),
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
            (project, iids[i : i + _BATCH])
            for project, iids in by_project.items()
            for i in range(0, len(iids), _BATCH)
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

    def issue_links(self, ref: IssueRef) -> list[IssueLink]:
        with self._remote("list linked issues", str(ref), project=ref.project):
            objs = self._issue(ref).links.list(get_all=True, **self._retry)
        return [m.link_from(m.attributes(o)) for o in objs]

    def notes(self, ref: IssueRef) -> list[Note]:
        with self._remote("list notes", str(ref), project=ref.project):
            objs = self._issue(ref).notes.list(
                get_all=True, sort="asc", order_by="created_at", **self._retry
            )
        plain = [(o, m.note_from(m.attributes(o))) for o in objs]
        picked = [(o, note) for o, note in plain if self._note_emoji(note)]
        emoji = dict(
            zip(
                [note.id for _, note in picked],
                self._parallel([partial(self._emoji, ref, o) for o, _ in picked]),
                strict=True,
            )
        )
        return [m.note_from(m.attributes(o), emoji.get(note.id, ())) for o, note in plain]

    def _emoji(self, ref: IssueRef, note: Any) -> tuple[AwardEmoji, ...]:
        with self._remote(f"list award emoji of note {note.id}", str(ref), project=ref.project):
            objs = note.awardemojis.list(get_all=True, **self._retry)
        return tuple(m.emoji_from(m.attributes(o)) for o in objs)

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

    def _user_id(self, username: str) -> int:
        with self._remote(f"look up user {username!r}", self.url):
            users = self._gl.users.list(username=username, get_all=True, **self._retry)
        if not users:
            raise NotFoundError(f"no user {username!r} on {self.url}", where="assignees")
        return int(m.attributes(users[0])["id"])

    def _create_once(
        self,
        what: str,
        where: str,
        create: Callable[[], T],
        landed: Callable[[], T | None],
        project: str,
        right: str,
    ) -> T:
        """Send a non-idempotent create; on a transient failure, retry only if it did not land."""
        self.current_user()  # before the write, so the landed check needs no extra wait
        attempts = self._max_retries + 1
        for attempt in range(attempts):
            try:
                return create()
            except (gitlab.GitlabError, requests.RequestException) as exc:
                if not is_transient(exc) or attempt == attempts - 1:
                    raise self._convert(exc, what, where, project=project, right=right) from None
            time.sleep(min(0.1 * 2**attempt, 5.0))
            existing = landed()
            if existing is not None:
                return existing
        raise AssertionError("unreachable: the last attempt returns or raises")

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

    def create_note(self, ref: IssueRef, body: str, *, internal: bool = False) -> Note:
        """Not idempotent: a retry token in the body tells, after a lost answer, whether it
        landed."""
        token = uuid.uuid4().hex
        sent = m.with_retry_token(body, token)
        tag = m.retry_token_comment(token)
        m.check_length("note", sent, m.NOTE_LIMIT, where=str(ref))

        def create() -> Note:
            issue = self._issue(ref)
            obj = issue.notes.create(
                {"body": sent, "internal": internal}, retry_transient_errors=False, **self._retry
            )
            return self._stored_note(m.attributes(obj), ref)

        def landed() -> Note | None:
            me = self.current_user()
            with self._remote("list notes", str(ref), project=ref.project):
                objs = self._issue(ref).notes.list(get_all=True, **self._retry)
            for obj in objs:
                data = m.attributes(obj)
                if tag in str(data.get("body")) and m.note_from(data).author == me:
                    return m.note_from(data)
            return None

        return self._create_once(
            "create note", str(ref), create, landed, ref.project, "create_note"
        )

    def _stored_note(self, data: dict[str, Any], ref: IssueRef) -> Note:
        """The note GitLab answered with; none when it ran the body as quick actions only
        (``202`` with ``commands_changes`` and no id; psirt escapes them, so only a body of
        nothing but quick actions can get here)."""
        if "id" not in data:
            raise RemoteError(
                "GitLab ran the note as quick actions and stored no note "
                f"({'; '.join(str(s) for s in data.get('summary') or ()) or 'no summary'})",
                where=str(ref),
            )
        return m.note_from(data)

    def update_note(self, ref: IssueRef, note_id: int, body: str) -> Note:
        m.check_length("note", body, m.NOTE_LIMIT, where=str(ref))
        what = f"update note {note_id}"
        with self._remote(what, str(ref), project=ref.project, right="admin_note"):
            self._stored_note(
                m.attributes(self._issue(ref).notes.update(note_id, {"body": body}, **self._retry)),
                ref,
            )
        with self._remote(f"read note {note_id}", str(ref), project=ref.project):
            obj = self._issue(ref).notes.get(note_id, **self._retry)
        note = m.note_from(m.attributes(obj))
        if note.body != m.strip_retry_token(body):
            raise RemoteError(f"update of note {note_id} did not take", where=str(ref))
        return note

    def link_issues(self, source: IssueRef, target: IssueRef, link_type: LinkType) -> None:
        """Idempotent: linking issues that are already linked is not an error."""
        data = {
            "target_project_id": target.project,
            "target_issue_iid": target.iid,
            "link_type": link_type,
        }
        try:
            with self._remote(
                f"link {target}", str(source), project=source.project, right="admin_issue_link"
            ):
                self._issue(source).links.create(data, **self._retry)
        except RemoteError:
            if target not in {link.target for link in self.issue_links(source)}:
                raise

    def unlink_issues(self, source: IssueRef, target: IssueRef) -> None:
        """Idempotent: unlinking issues that are not linked is not an error."""
        with self._remote("list linked issues", str(source), project=source.project):
            objs = self._issue(source).links.list(get_all=True, **self._retry)
        for obj in objs:
            data = m.attributes(obj)
            if m.issue_ref_of(data) != target:
                continue
            try:
                with self._remote(
                    f"unlink {target}",
                    str(source),
                    project=source.project,
                    right="admin_issue_link",
                ):
                    self._issue(source).links.delete(data["issue_link_id"], **self._retry)
            except NotFoundError:
                pass  # a retried delete whose first attempt landed
