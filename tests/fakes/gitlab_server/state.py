"""The fake's state: users and tokens, projects and their members, issues, notes, links and
merge requests; seeded from the port's records and read back directly by tests (no HTTP).

Every method assumes the caller may hold ``self._lock`` or not: the lock is reentrant and every
method takes it, so a test can read while the server answers other threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from psirt.core.records import Issue, IssueLink, IssueRef, MergeRequest, Note

DEFAULT_TOKEN = "glpat-fake-token-0123456789"
DEFAULT_USER = "psirt-bot"
INVERSE_LINK: dict[str, str] = {
    "relates_to": "relates_to",
    "blocks": "is_blocked_by",
    "is_blocked_by": "blocks",
}
Key = tuple[int, int]  # (project id, issue iid)


class HttpError(Exception):
    """Answered as GitLab answers an error: a status and a JSON body, by default
    ``{"message": ...}`` (lib/api/helpers.rb ``render_api_error!``), with extra headers."""

    def __init__(
        self, status: int, message: Any, *, headers: dict[str, str] | None = None, raw: bool = False
    ) -> None:
        super().__init__(str(message))
        self.status = status
        self.payload: Any = message if raw else {"message": message}
        self.headers = headers or {}


@dataclass
class Token:
    """A personal access token: whose it is and its scopes (``api`` reads and writes,
    ``read_api`` only reads; doc/user/profile/personal_access_tokens.md)."""

    id: int
    username: str
    scopes: tuple[str, ...] = ("api",)
    name: str = "psirt"


@dataclass
class Project:
    id: int
    path: str
    visibility: str = "private"  # private | internal | public
    members: dict[str, int] = field(default_factory=dict)  # username -> access level
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    merge_requests: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)  # title -> label id


@dataclass
class Link:
    id: int
    source: Key
    target: Key
    link_type: str
    created_at: str


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def csv(value: Any) -> list[str]:
    """Labels arrive as a comma-separated string (query, some bodies) or a JSON list."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class State:
    """Users, tokens, projects and everything in them, behind one reentrant lock."""

    username: str
    default_role: int | None

    def _init_state(self, clock: Callable[[], float] | None) -> None:
        self._lock = threading.RLock()
        self.clock: Callable[[], float] = clock or time.time
        self._projects: dict[int, Project] = {}
        self._by_path: dict[str, int] = {}
        self._notes: dict[Key, list[dict[str, Any]]] = {}
        self._links: list[Link] = []
        self._users: dict[str, int] = {}
        self._admins: set[str] = set()
        self._tokens: dict[str, Token] = {}
        self._next_id = 1000

    def now(self) -> str:
        return iso(datetime.fromtimestamp(self.clock(), UTC)) or ""

    def new_id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id

    # -- users, tokens, members ------------------------------------------------------------

    def user_id(self, username: str) -> int:
        with self._lock:
            if username not in self._users:
                self._users[username] = len(self._users) + 1
            return self._users[username]

    def username_of(self, user_id: int) -> str | None:
        with self._lock:
            return next((name for name, uid in self._users.items() if uid == user_id), None)

    def add_token(self, token: str, username: str, *, scopes: tuple[str, ...] = ("api",)) -> None:
        """Another token, of ``username``, with its scopes (``("read_api",)``: reads only)."""
        with self._lock:
            self.user_id(username)
            self._tokens[token] = Token(self.new_id(), username, tuple(scopes))

    def token_record(self, token: str | None) -> Token | None:
        with self._lock:
            return self._tokens.get(token or "")

    def set_admin(self, username: str, admin: bool = True) -> None:
        with self._lock:
            self.user_id(username)
            (self._admins.add if admin else self._admins.discard)(username)

    def is_admin(self, username: str) -> bool:
        with self._lock:
            return username in self._admins

    def add_member(self, project: str, username: str, role: int) -> None:
        """Make ``username`` a member of ``project`` with an access level (see ``ROLES``)."""
        pid = self.add_project(project)
        with self._lock:
            self.user_id(username)
            self._projects[pid].members[username] = role

    def remove_member(self, project: str, username: str) -> None:
        with self._lock:
            self._projects[self._by_path[project]].members.pop(username, None)

    # -- projects and seeding --------------------------------------------------------------

    def add_project(self, path: str, *, visibility: str | None = None) -> int:
        """The project's id, creating it (private unless told) on first sight. The default
        token's user joins every new project with ``default_role``."""
        with self._lock:
            if path not in self._by_path:
                pid = len(self._projects) + 1
                project = Project(pid, path, visibility or "private")
                if self.default_role is not None:
                    project.members[self.username] = self.default_role
                self._projects[pid] = project
                self._by_path[path] = pid
            elif visibility is not None:
                self._projects[self._by_path[path]].visibility = visibility
            return self._by_path[path]

    def seed_label(self, project: str, title: str) -> int:
        """A project label that no issue needs to carry (GitLab creates the labels an issue
        is given by name, so those exist already)."""
        with self._lock:
            return self.label_id(self._projects[self.add_project(project)], title)

    def label_id(self, project: Project, title: str) -> int:
        with self._lock:
            if title not in project.labels:
                project.labels[title] = self.new_id()
            return project.labels[title]

    def seed_issue(self, issue: Issue) -> None:
        pid = self.add_project(issue.ref.project)
        now = self.now()
        with self._lock:
            for name in (issue.author, *issue.assignees):
                if name:
                    self.user_id(name)
            self._projects[pid].issues[issue.ref.iid] = {
                "id": self.new_id(),
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
                "created_at": iso(issue.created_at) or now,
                "updated_at": iso(issue.updated_at) or now,
            }

    def seed_note(self, ref: IssueRef, note: Note) -> int:
        key = self.issue_key(ref)
        with self._lock:
            note_id = note.id or self.new_id()
            self._next_id = max(self._next_id, note_id)
            self.user_id(note.author or self.username)
            self._notes.setdefault(key, []).append(
                {
                    "id": note_id,
                    "body": note.body,
                    "author": note.author or self.username,
                    "created_at": iso(note.created_at) or self.now(),
                    "updated_at": iso(note.created_at) or self.now(),
                    "internal": note.internal,
                    "system": note.system,
                    "award_emoji": [
                        {"id": self.new_id(), "name": e.name, "user": e.user}
                        for e in note.award_emoji
                    ],
                }
            )
            return note_id

    def seed_link(self, source: IssueRef, link: IssueLink) -> None:
        """Link two issues once; GitLab links are one record seen from both ends."""
        src, dst = self.issue_key(source), self.issue_key(link.target)
        with self._lock:
            for existing in self._links:
                if {existing.source, existing.target} == {src, dst}:
                    return
            self._links.append(Link(self.new_id(), src, dst, link.link_type, self.now()))

    def seed_merge_request(self, mr: MergeRequest) -> None:
        pid = self.add_project(mr.ref.project)
        related = [self.issue_key(ref) for ref in mr.related_issues]
        with self._lock:
            self._projects[pid].merge_requests[mr.ref.iid] = {
                "id": self.new_id(),
                "iid": mr.ref.iid,
                "title": mr.title,
                "state": mr.state,
                "source_branch": mr.source_branch,
                "target_branch": mr.target_branch,
                "description": mr.description,
                "author": mr.author or self.username,
                "reviewers": list(mr.reviewers),
                "labels": list(mr.labels),
                "merged_at": iso(mr.merged_at),
                "merge_commit_sha": mr.merge_commit_sha or None,
                "web_url": mr.web_url,
                "related": related,
                "created_at": self.now(),
            }

    # -- reading and changing state directly (for assertions, no HTTP) ---------------------

    def issue_key(self, ref: IssueRef) -> Key:
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
            record["updated_at"] = self.now()

    def notes_of(self, ref: IssueRef) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(n) for n in self._notes.get(self.issue_key(ref), [])]

    def links_of(self, ref: IssueRef) -> list[tuple[IssueRef, str]]:
        key = self.issue_key(ref)
        with self._lock:
            out: list[tuple[IssueRef, str]] = []
            for link in self._links:
                if link.source == key:
                    out.append((self.ref_of(link.target), link.link_type))
                elif link.target == key:
                    out.append((self.ref_of(link.source), INVERSE_LINK[link.link_type]))
            return out

    def ref_of(self, key: Key) -> IssueRef:
        return IssueRef(self._projects[key[0]].path, key[1])

    def project_by_ident(self, ident: str) -> Project | None:
        """A project by id or by (decoded) path, whoever asks."""
        with self._lock:
            pid = int(ident) if ident.isdigit() else self._by_path.get(ident)
            return self._projects.get(pid) if pid is not None else None
