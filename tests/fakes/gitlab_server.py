"""A fake GitLab: the REST v4 subset psirt uses, stateful, on 127.0.0.1, over real HTTP.

The real ``python-gitlab`` client talks to it, so the adapter is tested through the same
encoding, pagination and retry code it runs in production. Faults (latency, 429 with
``Retry-After``, 5xx, dropped connections, optionally after the write was applied) are
switches, so the tests can show that no note is duplicated and no write is lost.

Usage::

    with FakeGitLab() as fake:
        fake.seed_issue(Issue(IssueRef("group/project", 1), "title"))
        tracker = GitLabTracker(fake.url, fake.token)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import SplitResult, parse_qs, quote, unquote, urlsplit

from psirt.core.records import (
    DESCRIPTION_CHANGED,
    TITLE_CHANGED,
    Issue,
    IssueLink,
    IssueRef,
    LabelEvent,
    MergeRequest,
    MergeRequestRef,
    Note,
)
from psirt.trackers.interface import Tracker

DEFAULT_TOKEN = "glpat-fake-token-0123456789"
DEFAULT_USER = "psirt-bot"
_INVERSE_LINK: dict[str, str] = {
    "relates_to": "relates_to",
    "blocks": "is_blocked_by",
    "is_blocked_by": "blocks",
}


class HttpError(Exception):
    """Answered as GitLab answers: a status and ``{"message": ...}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Fault:
    """One injected fault, consumed by the next ``times`` matching requests."""

    kind: Literal["status", "drop"]
    times: int
    status: int = 503
    retry_after: int | None = None
    method: str | None = None
    path: str | None = None  # a substring of the request path
    after_apply: bool = False

    def matches(self, method: str, path: str) -> bool:
        if self.times <= 0:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or self.path in path


@dataclass
class _Project:
    id: int
    path: str
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    merge_requests: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class _Link:
    id: int
    source: tuple[int, int]  # (project id, iid)
    target: tuple[int, int]
    link_type: str
    created_at: str


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _now() -> str:
    return _iso(datetime.now(UTC)) or ""


def _csv(value: Any) -> list[str]:
    """Labels arrive as a comma-separated string (query, some bodies) or a JSON list."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class FakeGitLab:
    """The server and its state. Thread-safe: one lock guards every read and write of state."""

    def __init__(
        self,
        *,
        token: str | None = DEFAULT_TOKEN,
        username: str = DEFAULT_USER,
        latency: float = 0.0,
    ) -> None:
        self.token = token
        self.username = username
        self.latency = latency
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []  # (method, path?query) as received
        self.writes: list[tuple[str, str, dict[str, Any]]] = []  # (method, path, JSON body)
        self._lock = threading.RLock()
        self._projects: dict[int, _Project] = {}
        self._by_path: dict[str, int] = {}
        self._notes: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self._links: list[_Link] = []
        self._users: dict[str, int] = {}
        self._label_events: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self._next_id = 1000
        self.in_flight = 0
        self.max_in_flight_seen = 0  # the most requests being answered at one time
        self._current_path = ""  # set under the lock for the request being answered
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._user_id(username)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeGitLab:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGitLab:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeGitLab is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    # -- fault switches --------------------------------------------------------------------

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        method: str | None = None,
        path: str | None = None,
        after_apply: bool = False,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (after applying, if told)."""
        fault = Fault("status", times, status, retry_after, method, path, after_apply)
        with self._lock:
            self.faults.append(fault)
        return fault

    def drop(
        self,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        after_apply: bool = False,
    ) -> Fault:
        """Close the socket without an answer; ``after_apply`` applies the write first."""
        fault = Fault("drop", times, method=method, path=path, after_apply=after_apply)
        with self._lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    # -- seeding from the port's records ---------------------------------------------------

    def _new_id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id

    def _user_id(self, username: str) -> int:
        with self._lock:
            if username not in self._users:
                self._users[username] = len(self._users) + 1
            return self._users[username]

    def add_project(self, path: str) -> int:
        with self._lock:
            if path not in self._by_path:
                pid = len(self._projects) + 1
                self._projects[pid] = _Project(pid, path)
                self._by_path[path] = pid
            return self._by_path[path]

    def seed_issue(self, issue: Issue) -> None:
        pid = self.add_project(issue.ref.project)
        now = _now()
        with self._lock:
            for name in (issue.author, *issue.assignees):
                if name:
                    self._user_id(name)
            self._projects[pid].issues[issue.ref.iid] = {
                "id": self._new_id(),
                "iid": issue.ref.iid,
                "title": issue.title,
                "description": issue.description,
                "labels": list(issue.labels),
                "state": issue.state,
                "confidential": issue.confidential,
                "author": issue.author or self.username,
                "assignees": list(issue.assignees),
                "due_date": issue.due_date.isoformat() if issue.due_date else None,
                "web_url": issue.web_url,
                "created_at": _iso(issue.created_at) or now,
                "updated_at": _iso(issue.updated_at) or now,
            }

    def seed_note(self, ref: IssueRef, note: Note) -> int:
        key = self._issue_key(ref)
        with self._lock:
            note_id = note.id or self._new_id()
            self._next_id = max(self._next_id, note_id)
            self._notes.setdefault(key, []).append(
                {
                    "id": note_id,
                    "body": note.body,
                    "author": note.author or self.username,
                    "created_at": _iso(note.created_at) or _now(),
                    "updated_at": _iso(note.created_at) or _now(),
                    "internal": note.internal,
                    "system": note.system,
                    "award_emoji": [
                        {"id": self._new_id(), "name": e.name, "user": e.user}
                        for e in note.award_emoji
                    ],
                }
            )
            return note_id

    def seed_link(self, source: IssueRef, link: IssueLink) -> None:
        """Link two issues once; GitLab links are one record seen from both ends."""
        src, dst = self._issue_key(source), self._issue_key(link.target)
        with self._lock:
            for existing in self._links:
                if {existing.source, existing.target} == {src, dst}:
                    return
            self._links.append(_Link(self._new_id(), src, dst, link.link_type, _now()))

    def seed_merge_request(self, mr: MergeRequest) -> None:
        pid = self.add_project(mr.ref.project)
        related = [self._issue_key(ref) for ref in mr.related_issues]
        with self._lock:
            self._projects[pid].merge_requests[mr.ref.iid] = {
                "id": self._new_id(),
                "iid": mr.ref.iid,
                "title": mr.title,
                "state": mr.state,
                "source_branch": mr.source_branch,
                "target_branch": mr.target_branch,
                "description": mr.description,
                "author": mr.author or self.username,
                "reviewers": list(mr.reviewers),
                "labels": list(mr.labels),
                "merged_at": _iso(mr.merged_at),
                "web_url": mr.web_url,
                "related": related,
                "created_at": _now(),
            }

    # -- resource label events, and the system notes of an edit -----------------------------
    # GitLab records who added or removed which label (GET .../resource_label_events, shaped as
    # doc/api/resource_label_events.md) and adds a system note when the title or description
    # is edited through the API; ``edit_issue`` (a change behind the client's back) records
    # neither, so a test that wants them seeds them.

    def seed_label_event(self, ref: IssueRef, event: LabelEvent) -> None:
        key = self._issue_key(ref)
        with self._lock:
            self._label_events.setdefault(key, []).append(
                {
                    "id": event.id or self._new_id(),
                    "action": event.action,
                    "label": event.label,
                    "user": event.user or self.username,
                    "created_at": _iso(event.created_at) or _now(),
                }
            )

    def _record_edit(
        self, key: tuple[int, int], before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        now = _now()
        old, new = list(before.get("labels") or []), list(after.get("labels") or [])
        changes = [("remove", name) for name in old if name not in new]
        changes += [("add", name) for name in new if name not in old]
        for action, name in changes:
            self._label_events.setdefault(key, []).append(
                {
                    "id": self._new_id(),
                    "action": action,
                    "label": name,
                    "user": self.username,
                    "created_at": now,
                }
            )
        edits = []
        if "title" in before and before["title"] != after["title"]:
            edits.append(TITLE_CHANGED.format(old=before["title"], new=after["title"]))
        if "description" in before and before["description"] != after["description"]:
            edits.append(DESCRIPTION_CHANGED)
        for body in edits:
            self.seed_note(
                self._ref_of(key), Note(0, body, self.username, datetime.now(UTC), system=True)
            )

    def _label_events_json(self, key: tuple[int, int]) -> list[dict[str, Any]]:
        return [
            {
                "id": event["id"],
                "user": self._user_json(event["user"]),
                "created_at": event["created_at"],
                "resource_type": "Issue",
                "resource_id": self._projects[key[0]].issues[key[1]]["id"],
                "label": {
                    "id": abs(hash(event["label"])) % 10_000,
                    "name": event["label"],
                    "color": "#6699cc",
                    "description": "",
                },
                "action": event["action"],
            }
            for event in sorted(self._label_events.get(key, []), key=lambda e: e["id"])
        ]

    # -- reading state directly (for assertions, no HTTP) ----------------------------------

    def _issue_key(self, ref: IssueRef) -> tuple[int, int]:
        return (self.add_project(ref.project), ref.iid)

    def issue(self, ref: IssueRef) -> dict[str, Any]:
        with self._lock:
            pid = self._by_path[ref.project]
            return dict(self._projects[pid].issues[ref.iid])

    def edit_issue(self, ref: IssueRef, **changes: Any) -> None:
        """Change an issue behind the client's back, as a human in the web UI would."""
        with self._lock:
            record = self._projects[self._by_path[ref.project]].issues[ref.iid]
            record.update({k: list(v) if k == "labels" else v for k, v in changes.items()})
            record["updated_at"] = _now()

    def notes_of(self, ref: IssueRef) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(n) for n in self._notes.get(self._issue_key(ref), [])]

    def links_of(self, ref: IssueRef) -> list[tuple[IssueRef, str]]:
        key = self._issue_key(ref)
        with self._lock:
            out: list[tuple[IssueRef, str]] = []
            for link in self._links:
                if link.source == key:
                    out.append((self._ref_of(link.target), link.link_type))
                elif link.target == key:
                    out.append((self._ref_of(link.source), _INVERSE_LINK[link.link_type]))
            return out

    def _ref_of(self, key: tuple[int, int]) -> IssueRef:
        return IssueRef(self._projects[key[0]].path, key[1])

    # -- request handling ------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        """Route one request; returns (status, JSON payload, extra headers)."""
        if not raw_path.startswith("/api/v4/"):
            raise HttpError(404, "404 Not found")
        parts = raw_path[len("/api/v4/") :].strip("/").split("/")
        with self._lock:
            return self._route(method, parts, query, body)

    def _route(
        self, method: str, parts: list[str], query: dict[str, list[str]], body: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        if parts == ["user"] and method == "GET":
            return 200, self._user_json(self.username), {}
        if parts == ["users"] and method == "GET":
            name = _one(query, "username")
            users = [self._user_json(n) for n in self._users if name is None or n == name]
            return self._paginate(users, query)
        if len(parts) < 2 or parts[0] != "projects":
            raise HttpError(404, "404 Not found")
        project = self._project(unquote(parts[1]))
        rest = parts[2:]
        if not rest and method == "GET":
            return 200, self._project_json(project), {}
        if rest[:1] == ["issues"]:
            return self._route_issues(method, project, rest[1:], query, body)
        if rest[:1] == ["merge_requests"]:
            return self._route_mrs(method, project, rest[1:], query)
        raise HttpError(404, "404 Not found")

    def _route_issues(
        self,
        method: str,
        project: _Project,
        rest: list[str],
        query: dict[str, list[str]],
        body: dict[str, Any],
    ) -> tuple[int, Any, dict[str, str]]:
        if not rest:
            if method == "GET":
                return self._paginate(self._list_issues(project, query), query)
            if method == "POST":
                created = self._create_issue(project, body)
                self._record_edit((project.id, created["iid"]), {"labels": []}, created)
                return 201, created, {}
            raise HttpError(405, "405 Method Not Allowed")
        iid = _int(rest[0], "issue_iid")
        issue = project.issues.get(iid)
        if issue is None:
            raise HttpError(404, "404 Issue Not Found")
        key = (project.id, iid)
        sub = rest[1:]
        if not sub:
            if method == "GET":
                return 200, self._issue_json(project, issue), {}
            if method == "PUT":
                before = dict(issue, labels=list(issue["labels"]))
                updated = self._update_issue(project, issue, body)
                self._record_edit(key, before, issue)
                return 200, updated, {}
            raise HttpError(405, "405 Method Not Allowed")
        if sub == ["resource_label_events"] and method == "GET":
            return self._paginate(self._label_events_json(key), query)
        if sub == ["links"]:
            if method == "GET":
                return 200, self._links_json(key), {}
            if method == "POST":
                return 201, self._create_link(key, body), {}
        if sub[0] == "links" and len(sub) == 2 and method == "DELETE":
            return 200, self._delete_link(key, _int(sub[1], "issue_link_id")), {}
        if sub == ["notes"]:
            if method == "GET":
                return self._paginate(self._list_notes(key, query), query)
            if method == "POST":
                return 201, self._create_note(key, body), {}
        if sub[0] == "notes" and len(sub) >= 2:
            note = self._note(key, _int(sub[1], "note_id"))
            if len(sub) == 2 and method == "GET":
                return 200, self._note_json(key, note), {}
            if len(sub) == 2 and method == "PUT":
                if not str(body.get("body") or "").strip():
                    raise HttpError(400, "body is missing")
                note["body"] = str(body["body"])
                note["updated_at"] = _now()
                return 200, self._note_json(key, note), {}
            if sub[2:] == ["award_emoji"] and method == "GET":
                emoji = [self._emoji_json(note, e) for e in note["award_emoji"]]
                return self._paginate(emoji, query)
        if sub == ["related_merge_requests"] and method == "GET":
            mrs = [
                self._mr_json(p, mr)
                for p in self._projects.values()
                for mr in p.merge_requests.values()
                if key in mr["related"]
            ]
            return self._paginate(mrs, query)
        raise HttpError(404, "404 Not found")

    def _route_mrs(
        self, method: str, project: _Project, rest: list[str], query: dict[str, list[str]]
    ) -> tuple[int, Any, dict[str, str]]:
        if method != "GET":
            raise HttpError(405, "405 Method Not Allowed")
        if not rest:
            state = _one(query, "state") or "all"
            if state not in ("opened", "closed", "merged", "locked", "all"):
                raise HttpError(400, "state does not have a valid value")
            branch = _one(query, "target_branch")
            mrs = sorted(project.merge_requests.values(), key=lambda m: -int(m["iid"]))
            items = [
                self._mr_json(project, m)
                for m in mrs
                if state in ("all", m["state"]) and branch in (None, m["target_branch"])
            ]
            return self._paginate(items, query)
        if len(rest) == 1:
            mr = project.merge_requests.get(_int(rest[0], "merge_request_iid"))
            if mr is None:
                raise HttpError(404, "404 Not found")
            return 200, self._mr_json(project, mr), {}
        raise HttpError(404, "404 Not found")

    # -- state changes ---------------------------------------------------------------------

    def _project(self, ident: str) -> _Project:
        pid = int(ident) if ident.isdigit() else self._by_path.get(ident)
        project = self._projects.get(pid) if pid is not None else None
        if project is None:
            raise HttpError(404, "404 Project Not Found")
        return project

    def _list_issues(self, project: _Project, query: dict[str, list[str]]) -> list[Any]:
        state = _one(query, "state") or "all"
        if state not in ("opened", "closed", "all"):
            raise HttpError(400, "state does not have a valid value")
        labels = _csv(_one(query, "labels"))
        search = (_one(query, "search") or "").lower()
        scopes = _csv(_one(query, "in") or "title,description")
        iids = {_int(v, "iids") for v in query.get("iids[]", [])}
        out = []
        for issue in sorted(project.issues.values(), key=lambda i: -int(i["iid"])):
            if state != "all" and issue["state"] != state:
                continue
            if iids and issue["iid"] not in iids:
                continue
            if not set(labels) <= set(issue["labels"]):
                continue
            if search and not any(search in str(issue[s] or "").lower() for s in scopes):
                continue
            out.append(self._issue_json(project, issue))
        return out

    def _create_issue(self, project: _Project, body: dict[str, Any]) -> dict[str, Any]:
        title = str(body.get("title") or "").strip()
        if not title:
            raise HttpError(400, "title is missing")
        ids = body.get("assignee_ids") or []
        if not isinstance(ids, list):
            ids = [ids]
        names = {uid: name for name, uid in self._users.items()}
        iid = max([*project.issues, 0]) + 1
        now = _now()
        issue = {
            "id": self._new_id(),
            "iid": iid,
            "title": title,
            "description": str(body.get("description") or ""),
            "labels": _csv(body.get("labels")),
            "state": "opened",
            "confidential": bool(body.get("confidential", False)),
            "author": self.username,
            "assignees": [names[int(i)] for i in ids if int(i) in names],
            "due_date": body.get("due_date"),
            "web_url": "",
            "created_at": now,
            "updated_at": now,
        }
        project.issues[iid] = issue
        return self._issue_json(project, issue)

    def _update_issue(
        self, project: _Project, issue: dict[str, Any], body: dict[str, Any]
    ) -> dict[str, Any]:
        state_event = body.get("state_event")
        if state_event is not None and state_event not in ("close", "reopen"):
            raise HttpError(400, "state_event does not have a valid value")
        for key in ("title", "description"):
            if key in body:
                if key == "title" and not str(body[key]).strip():
                    raise HttpError(400, "title is empty")
                issue[key] = str(body[key] or "")
        if "labels" in body:
            issue["labels"] = _csv(body["labels"])
        for name in _csv(body.get("add_labels")):
            if name not in issue["labels"]:
                issue["labels"].append(name)
        removed = set(_csv(body.get("remove_labels")))
        issue["labels"] = [name for name in issue["labels"] if name not in removed]
        if "confidential" in body:
            issue["confidential"] = bool(body["confidential"])
        if "due_date" in body:
            issue["due_date"] = body["due_date"]
        if state_event == "close":
            issue["state"] = "closed"
        elif state_event == "reopen":
            issue["state"] = "opened"
        issue["updated_at"] = _now()
        return self._issue_json(project, issue)

    def _create_link(self, key: tuple[int, int], body: dict[str, Any]) -> dict[str, Any]:
        target_project = body.get("target_project_id")
        target_iid = body.get("target_issue_iid")
        if target_project is None or target_iid is None:
            raise HttpError(400, "target_project_id is missing, target_issue_iid is missing")
        project = self._project(unquote(str(target_project)))
        target = (project.id, _int(str(target_iid), "target_issue_iid"))
        if target[1] not in project.issues:
            raise HttpError(404, "404 Not found")
        link_type = str(body.get("link_type") or "relates_to")
        if link_type not in _INVERSE_LINK:
            raise HttpError(400, "link_type does not have a valid value")
        for link in self._links:
            if {link.source, link.target} == {key, target}:
                raise HttpError(409, "Issue(s) already assigned")
        self._links.append(_Link(self._new_id(), key, target, link_type, _now()))
        return {
            "source_issue": self._issue_json_by_key(key),
            "target_issue": self._issue_json_by_key(target),
            "link_type": link_type,
        }

    def _delete_link(self, key: tuple[int, int], link_id: int) -> dict[str, Any]:
        for link in self._links:
            if link.id == link_id and key in (link.source, link.target):
                self._links.remove(link)
                return {
                    "source_issue": self._issue_json_by_key(link.source),
                    "target_issue": self._issue_json_by_key(link.target),
                    "link_type": link.link_type,
                }
        raise HttpError(404, "404 Not found")

    def _list_notes(self, key: tuple[int, int], query: dict[str, list[str]]) -> list[Any]:
        sort = _one(query, "sort") or "desc"
        order_by = _one(query, "order_by") or "created_at"
        if sort not in ("asc", "desc") or order_by not in ("created_at", "updated_at"):
            raise HttpError(400, "sort or order_by does not have a valid value")
        notes = sorted(
            self._notes.get(key, []), key=lambda n: (n[order_by], n["id"]), reverse=sort == "desc"
        )
        return [self._note_json(key, n) for n in notes]

    def _create_note(self, key: tuple[int, int], body: dict[str, Any]) -> dict[str, Any]:
        text = str(body.get("body") or "")
        if not text.strip():
            raise HttpError(400, "body is missing")
        now = _now()
        note = {
            "id": self._new_id(),
            "body": text,
            "author": self.username,
            "created_at": now,
            "updated_at": now,
            "internal": bool(body.get("internal") or body.get("confidential") or False),
            "system": False,
            "award_emoji": [],
        }
        self._notes.setdefault(key, []).append(note)
        return self._note_json(key, note)

    def _note(self, key: tuple[int, int], note_id: int) -> dict[str, Any]:
        for note in self._notes.get(key, []):
            if note["id"] == note_id:
                return note
        raise HttpError(404, "404 Note Not Found")

    # -- JSON shapes, as GitLab renders them -----------------------------------------------

    def _user_json(self, username: str) -> dict[str, Any]:
        uid = self._user_id(username)
        return {"id": uid, "username": username, "name": username, "state": "active"}

    def _project_json(self, project: _Project) -> dict[str, Any]:
        return {
            "id": project.id,
            "path_with_namespace": project.path,
            "path": project.path.rsplit("/", 1)[-1],
            "web_url": f"{self._base}/{project.path}",
        }

    @property
    def _base(self) -> str:
        return self.url if self._server is not None else "http://fake.invalid"

    def _issue_json_by_key(self, key: tuple[int, int]) -> dict[str, Any]:
        project = self._projects[key[0]]
        return self._issue_json(project, project.issues[key[1]])

    def _issue_json(self, project: _Project, issue: dict[str, Any]) -> dict[str, Any]:
        iid = issue["iid"]
        assignees = [self._user_json(n) for n in issue["assignees"]]
        return {
            "id": issue["id"],
            "iid": iid,
            "project_id": project.id,
            "title": issue["title"],
            "description": issue["description"],
            "state": issue["state"],
            "labels": list(issue["labels"]),
            "confidential": issue["confidential"],
            "author": self._user_json(issue["author"]),
            "assignees": assignees,
            "assignee": assignees[0] if assignees else None,
            "due_date": issue["due_date"],
            "web_url": issue["web_url"] or f"{self._base}/{project.path}/-/issues/{iid}",
            "created_at": issue["created_at"],
            "updated_at": issue["updated_at"],
            "user_notes_count": len(self._notes.get((project.id, iid), [])),
            "upvotes": 0,
            "downvotes": 0,
            "references": {
                "short": f"#{iid}",
                "relative": f"#{iid}",
                "full": f"{project.path}#{iid}",
            },
        }

    def _links_json(self, key: tuple[int, int]) -> list[dict[str, Any]]:
        out = []
        for link in sorted(self._links, key=lambda link: link.id):
            if link.source == key:
                other, link_type = link.target, link.link_type
            elif link.target == key:
                other, link_type = link.source, _INVERSE_LINK[link.link_type]
            else:
                continue
            item = self._issue_json_by_key(other)
            item.update(issue_link_id=link.id, link_type=link_type, link_created_at=link.created_at)
            out.append(item)
        return out

    def _note_json(self, key: tuple[int, int], note: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": note["id"],
            "type": None,
            "body": note["body"],
            "author": self._user_json(note["author"]),
            "created_at": note["created_at"],
            "updated_at": note["updated_at"],
            "system": note["system"],
            "internal": note["internal"],
            "confidential": note["internal"],
            "noteable_type": "Issue",
            "noteable_iid": key[1],
            "project_id": key[0],
            "resolvable": False,
        }

    def _emoji_json(self, note: dict[str, Any], emoji: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": emoji["id"],
            "name": emoji["name"],
            "user": self._user_json(emoji["user"]),
            "awardable_id": note["id"],
            "awardable_type": "Note",
        }

    def _mr_json(self, project: _Project, mr: dict[str, Any]) -> dict[str, Any]:
        iid = mr["iid"]
        return {
            "id": mr["id"],
            "iid": iid,
            "project_id": project.id,
            "title": mr["title"],
            "description": mr["description"],
            "state": mr["state"],
            "source_branch": mr["source_branch"],
            "target_branch": mr["target_branch"],
            "author": self._user_json(mr["author"]),
            "reviewers": [self._user_json(n) for n in mr["reviewers"]],
            "labels": list(mr["labels"]),
            "merged_at": mr["merged_at"],
            "created_at": mr["created_at"],
            "web_url": mr["web_url"] or f"{self._base}/{project.path}/-/merge_requests/{iid}",
            "references": {"short": f"!{iid}", "full": f"{project.path}!{iid}"},
        }

    def _paginate(
        self, items: list[Any], query: dict[str, list[str]]
    ) -> tuple[int, Any, dict[str, str]]:
        """GitLab's offset pagination: per_page defaults to 20 and is capped at 100."""
        page = _int(_one(query, "page") or "1", "page")
        per_page = min(_int(_one(query, "per_page") or "20", "per_page"), 100)
        if page < 1 or per_page < 1:
            raise HttpError(400, "page is invalid")
        total = len(items)
        pages = max(1, -(-total // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Total": str(total),
            "X-Total-Pages": str(pages),
            "X-Next-Page": str(page + 1) if page < pages else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
        }
        base_query = {k: v for k, v in query.items() if k not in ("page", "per_page")}

        def link(target: int, rel: str) -> str:
            pairs = [(k, v) for k, values in base_query.items() for v in values]
            pairs += [("page", str(target)), ("per_page", str(per_page))]
            qs = "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in pairs)
            return f'<{self._base}{self._current_path}?{qs}>; rel="{rel}"'

        links = []
        if page < pages:
            links.append(link(page + 1, "next"))
        if page > 1:
            links.append(link(page - 1, "prev"))
        links += [link(1, "first"), link(pages, "last")]
        headers["Link"] = ", ".join(links)
        return 200, chunk, headers


def _one(query: dict[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[-1] if values else None


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise HttpError(400, f"{name} is invalid") from None


def _make_handler(fake: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            with fake._lock:
                fake.requests.append((method, self.path))
                fake.in_flight += 1
                fake.max_in_flight_seen = max(fake.max_in_flight_seen, fake.in_flight)
            try:
                self._answer(method, split, raw)
            finally:
                with fake._lock:
                    fake.in_flight -= 1

        def _answer(self, method: str, split: SplitResult, raw: bytes) -> None:
            if fake.latency:
                time.sleep(fake.latency)
            fault = fake._take_fault(method, split.path)
            if fault is not None and not fault.after_apply:
                self._fault(fault)
                return
            if fake.token is not None and self.headers.get("PRIVATE-TOKEN") != fake.token:
                self._send(401, {"message": "401 Unauthorized"}, {})
                return
            try:
                body = json.loads(raw) if raw else {}
                if not isinstance(body, dict):
                    raise HttpError(400, "body must be a JSON object")
            except json.JSONDecodeError:
                self._send(400, {"message": "400 Bad request - malformed JSON"}, {})
                return
            query = parse_qs(split.query, keep_blank_values=True)
            try:
                with fake._lock:
                    fake._current_path = split.path
                    if method != "GET":
                        fake.writes.append((method, split.path, body))
                    status, payload, headers = fake.handle(method, split.path, query, body)
            except HttpError as err:
                status, payload, headers = err.status, {"message": err.message}, {}
            if fault is not None:
                self._fault(fault)
                return
            self._send(status, payload, headers)

        def _fault(self, fault: Fault) -> None:
            if fault.kind == "drop":
                self.close_connection = True
                return
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            message = "Retry later" if fault.status == 429 else f"{fault.status} Server error"
            self._send(fault.status, {"message": message}, headers)

        def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def seed_from_tracker(fake: FakeGitLab, tracker: Tracker, projects: Iterable[str]) -> None:
    """Copy every issue, note, link and merge request of ``projects`` from another tracker.

    Uses only the port's reads, so any tracker (the local workspace first) can seed the fake,
    and a contract test can run one scenario on both and compare end states.
    """
    paths = list(projects)
    for path in paths:
        fake.add_project(path)
    for path in paths:
        for issue in tracker.find_issues(path):
            fake.seed_issue(issue)
    for path in paths:
        for issue in tracker.find_issues(path):
            for note in tracker.notes(issue.ref):
                fake.seed_note(issue.ref, note)
            for event in tracker.label_events(issue.ref):
                fake.seed_label_event(issue.ref, replace(event, id=0))
            for link in tracker.issue_links(issue.ref):
                if link.target.project in paths:
                    fake.seed_link(issue.ref, link)
        related: dict[MergeRequestRef, list[IssueRef]] = {}
        for issue in tracker.find_issues(path):
            for mr in tracker.related_merge_requests(issue.ref):
                related.setdefault(mr.ref, []).append(issue.ref)
        for mr in tracker.list_merge_requests(path):
            fake.seed_merge_request(
                replace(mr, related_issues=tuple(related.get(mr.ref, mr.related_issues)))
            )
