"""The GitLab tracker: the port implemented with ``python-gitlab`` against REST v4.

Why it looks the way it does:

- Reads are safe to call from many threads at once (the snapshot loader does). One
  ``requests`` session is shared; its connection pool holds ``max_in_flight`` connections and
  blocks beyond that, so the bound on requests in flight holds however many threads call in.
- Reads and idempotent writes retry 429 (obeying ``Retry-After``) and transient 5xx and
  connection failures through python-gitlab's own retry loop. A new note or issue is not
  idempotent: it is never retried before checking whether the first attempt landed.
- Labels are only ever sent as ``add_labels``/``remove_labels``; a description write re-reads the
  issue first (and refuses when it changed) and every write is verified by a re-read.
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
from urllib.parse import urlsplit

import gitlab
import requests
from gitlab.v4.objects import Project, ProjectIssue
from requests.adapters import HTTPAdapter

from psirt.core.config import Config
from psirt.core.errors import InputError, NotFoundError, PsirtError, RemoteError
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
from psirt.parsing.council import is_council_note
from psirt.trackers import gitlab_mapping as m

T = TypeVar("T")
_BATCH = 100  # GitLab's page size cap, and so the most iids one list call can answer
_TRANSIENT = frozenset({500, 502, 503, 504, *range(520, 531)})
_CONNECTION_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class _Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def increment(self) -> None:
        with self._lock:
            self.value += 1


class _CountingAdapter(HTTPAdapter):
    """Counts every HTTP request handed to the wire, retries included."""

    def __init__(self, counter: _Counter, pool_size: int) -> None:
        self._counter = counter
        super().__init__(pool_connections=4, pool_maxsize=pool_size, pool_block=True)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self._counter.increment()
        return super().send(request, *args, **kwargs)


def _status(exc: Exception) -> int | None:
    code = getattr(exc, "response_code", None)
    return code if isinstance(code, int) else None


def _is_transient(exc: Exception) -> bool:
    return isinstance(exc, _CONNECTION_ERRORS) or _status(exc) in _TRANSIENT


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
    ) -> None:
        """``note_emoji`` picks the notes whose award emoji are fetched, one request per note:
        by default the bug bounty council's vote notes, the only ones whose emoji a rule reads.
        Pass ``lambda note: not note.system`` for all of them."""
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.url = url.rstrip("/")
        self.max_in_flight = max_in_flight
        self._max_retries = max_retries
        self._note_emoji = note_emoji or is_council_note
        self._secret = token or ""
        self._counter = _Counter()
        session = requests.Session()
        adapter = _CountingAdapter(self._counter, max_in_flight)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._gl = gitlab.Gitlab(
            self.url,
            private_token=token,
            session=session,
            timeout=timeout,
            per_page=_BATCH,
            retry_transient_errors=True,
        )
        self._user_lock = threading.Lock()
        self._username: str | None = None

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
        return self._counter.value

    # -- plumbing --------------------------------------------------------------------------

    @property
    def _retry(self) -> dict[str, Any]:
        return {"max_retries": self._max_retries}

    def _project(self, path: str) -> Project:
        return self._gl.projects.get(path, lazy=True)

    def _issue(self, ref: IssueRef) -> ProjectIssue:
        return self._project(ref.project).issues.get(ref.iid, lazy=True)

    def _clean(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    def _convert(self, exc: Exception, what: str, where: str) -> InputError | RemoteError:
        """A client failure as a PsirtError naming what, which object and the HTTP status."""
        status = _status(exc)
        if status == 404:
            return NotFoundError(f"{what}: not found on {self.url} (HTTP 404)", where=where)
        if isinstance(exc, gitlab.GitlabError):
            detail = self._clean(str(exc.error_message or "")).strip()[:200]
            hint = " (check GITLAB_TOKEN)" if status == 401 else ""
            sep = ": " if detail else ""
            return RemoteError(f"{what} failed: HTTP {status}{sep}{detail}{hint}", where=where)
        return RemoteError(
            f"{what} failed: no answer from {self.url} ({type(exc).__name__})", where=where
        )

    @contextmanager
    def _remote(self, what: str, where: str) -> Iterator[None]:
        try:
            yield
        except (gitlab.GitlabError, requests.RequestException) as exc:
            raise self._convert(exc, what, where) from None

    def _parallel(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """Run a few independent calls at once; the connection pool bounds what is in flight."""
        if len(calls) <= 1:
            return [call() for call in calls]
        with ThreadPoolExecutor(min(len(calls), self.max_in_flight)) as pool:
            return list(pool.map(lambda call: call(), calls))

    def current_user(self) -> str:
        """The token's username (one request, then cached): who our own notes are by."""
        with self._user_lock:
            if self._username is None:
                with self._remote("read the current user", self.url):
                    data = self._gl.http_get("/user", **self._retry)
                self._username = str(m.attributes(data).get("username") or "")
            return self._username

    # -- reads -----------------------------------------------------------------------------

    def get_issue(self, ref: IssueRef) -> Issue:
        with self._remote("read issue", str(ref)):
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
        missing = [str(ref) for ref in wanted if ref not in found]
        if missing:
            raise NotFoundError(f"issues not found on {self.url}: {', '.join(missing)}")
        return [found[ref] for ref in refs]

    def _issues_by_iid(self, project: str, iids: list[int]) -> list[Issue]:
        with self._remote(f"list issues {iids}", project):
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
        with self._remote("search issues", project):
            objs = self._project(project).issues.list(get_all=True, **query, **self._retry)
        issues = [m.issue_from(m.attributes(o), project) for o in objs]
        # GitLab's search also matches descriptions; the port promises titles only.
        needle = (search or "").lower()
        return [i for i in issues if needle in i.title.lower()]

    def issue_links(self, ref: IssueRef) -> list[IssueLink]:
        with self._remote("list linked issues", str(ref)):
            objs = self._issue(ref).links.list(get_all=True, **self._retry)
        return [m.link_from(m.attributes(o)) for o in objs]

    def notes(self, ref: IssueRef) -> list[Note]:
        with self._remote("list notes", str(ref)):
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
        with self._remote(f"list award emoji of note {note.id}", str(ref)):
            objs = note.awardemojis.list(get_all=True, **self._retry)
        return tuple(m.emoji_from(m.attributes(o)) for o in objs)

    def related_merge_requests(self, ref: IssueRef) -> list[MergeRequest]:
        with self._remote("list related merge requests", str(ref)):
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
        with self._remote("list merge requests", project):
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

        return self._create_once(f"create issue {title!r}", project, create, landed)

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
    ) -> T:
        """Send a non-idempotent create; on a transient failure, retry only if it did not land."""
        if self._username is None:
            self.current_user()  # before the write, so the landed check needs no extra wait
        attempts = self._max_retries + 1
        for attempt in range(attempts):
            try:
                return create()
            except (gitlab.GitlabError, requests.RequestException) as exc:
                if not _is_transient(exc) or attempt == attempts - 1:
                    raise self._convert(exc, what, where) from None
            time.sleep(min(0.1 * 2**attempt, 5.0))
            existing = landed()
            if existing is not None:
                return existing
        raise AssertionError("unreachable: the last attempt returns or raises")

    def update_issue(self, ref: IssueRef, update: IssueUpdate) -> Issue:
        data: dict[str, Any] = {}
        if update.description is not None:
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
        with self._remote("update issue", str(ref)):
            self._project(ref.project).issues.update(ref.iid, data, **self._retry)
        after = self.get_issue(ref)
        problems = _unapplied(update, after)
        if problems:
            raise RemoteError(f"update did not take: {'; '.join(problems)}", where=str(ref))
        return after

    def create_note(self, ref: IssueRef, body: str, *, internal: bool = False) -> Note:
        """Not idempotent: a retry token in the body tells, after a lost answer, whether it
        landed."""
        token = uuid.uuid4().hex
        sent = m.with_retry_token(body, token)
        tag = m.retry_token_comment(token)

        def create() -> Note:
            issue = self._issue(ref)
            obj = issue.notes.create(
                {"body": sent, "internal": internal}, retry_transient_errors=False, **self._retry
            )
            return m.note_from(m.attributes(obj))

        def landed() -> Note | None:
            me = self.current_user()
            with self._remote("list notes", str(ref)):
                objs = self._issue(ref).notes.list(get_all=True, **self._retry)
            for obj in objs:
                data = m.attributes(obj)
                if tag in str(data.get("body")) and m.note_from(data).author == me:
                    return m.note_from(data)
            return None

        return self._create_once("create note", str(ref), create, landed)

    def update_note(self, ref: IssueRef, note_id: int, body: str) -> Note:
        with self._remote(f"update note {note_id}", str(ref)):
            self._issue(ref).notes.update(note_id, {"body": body}, **self._retry)
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
            with self._remote(f"link {target}", str(source)):
                self._issue(source).links.create(data, **self._retry)
        except RemoteError:
            if target not in {link.target for link in self.issue_links(source)}:
                raise

    def unlink_issues(self, source: IssueRef, target: IssueRef) -> None:
        """Idempotent: unlinking issues that are not linked is not an error."""
        with self._remote("list linked issues", str(source)):
            objs = self._issue(source).links.list(get_all=True, **self._retry)
        for obj in objs:
            data = m.attributes(obj)
            if m.issue_ref_of(data) != target:
                continue
            try:
                with self._remote(f"unlink {target}", str(source)):
                    self._issue(source).links.delete(data["issue_link_id"], **self._retry)
            except NotFoundError:
                pass  # a retried delete whose first attempt landed


def _unapplied(update: IssueUpdate, issue: Issue) -> list[str]:
    """What the re-read shows was not applied."""
    problems = []
    if update.description is not None and issue.description != update.description:
        problems.append("description differs")
    if update.title is not None and issue.title != update.title:
        problems.append("title differs")
    missing = [name for name in update.add_labels if name not in issue.labels]
    if missing:
        problems.append(f"labels not added: {', '.join(missing)}")
    kept = [name for name in update.remove_labels if name in issue.labels]
    if kept:
        problems.append(f"labels not removed: {', '.join(kept)}")
    wanted = {"close": "closed", "reopen": "opened"}.get(update.state_event or "")
    if wanted and issue.state != wanted:
        problems.append(f"state is {issue.state}, not {wanted}")
    return problems
