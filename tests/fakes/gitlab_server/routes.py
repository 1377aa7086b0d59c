"""The REST v4 endpoints psirt uses, answered from the state as the token's user may see them.

Pagination follows doc/api/rest/_index.md ("Offset-based pagination"): ``page`` from 1,
``per_page`` 20 by default and at most 100, the ``X-*`` headers and a ``Link`` header; past
10,000 records ``X-Total``, ``X-Total-Pages`` and the ``last`` link are left out; an offset past
50,000 records answers 405 (lib/api/helpers/pagination_strategies.rb, the plan limit
``offset_pagination_limit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from tests.fakes.gitlab_server import content
from tests.fakes.gitlab_server.history import History
from tests.fakes.gitlab_server.limiters import Limiters
from tests.fakes.gitlab_server.permissions import Permissions
from tests.fakes.gitlab_server.state import INVERSE_LINK, HttpError, Key, Link, Project, csv

Answer = tuple[int, Any, dict[str, str]]
MAX_PER_PAGE = 100
OFFSET_LIMIT = 50_000
COUNTED_LIMIT = 10_000


@dataclass
class Request:
    method: str
    path: str
    parts: list[str]
    query: dict[str, list[str]]
    body: dict[str, Any]
    user: str
    scopes: tuple[str, ...] = field(default=("api",))

    def one(self, key: str) -> str | None:
        values = self.query.get(key)
        return values[-1] if values else None


def to_int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise HttpError(400, f"{name} is invalid") from None


class Routes(Permissions, Limiters, History):
    def route(self, req: Request) -> Answer:
        self.check_scope(req.method, req.scopes)
        parts = req.parts
        if parts == ["user"] and req.method == "GET":
            return 200, self.user_json(req.user, me=True), {}
        if parts == ["personal_access_tokens", "self"] and req.method == "GET":
            token = next((t for t in self._tokens.values() if t.username == req.user), None)
            if token is None:
                raise HttpError(404, "404 Not Found")
            return 200, self.token_json(token), {}
        if parts == ["users"] and req.method == "GET":
            name = req.one("username")
            users = [self.user_json(n) for n in self._users if name is None or n == name]
            return self.paginate(users, req)
        if len(parts) < 2 or parts[0] != "projects":
            raise HttpError(404, "404 Not found")
        project = self.visible_project(unquote(parts[1]), req.user)
        rest = parts[2:]
        if not rest and req.method == "GET":
            return 200, self.project_json(project), {}
        if rest[:2] == ["members", "all"] and len(rest) == 3 and req.method == "GET":
            name = self.username_of(to_int(rest[2], "user_id"))
            if name is None or name not in project.members:
                raise HttpError(404, "404 Member Not Found")
            return 200, self.member_json(name, project.members[name]), {}
        if rest == ["labels"] and req.method == "GET":
            return self.paginate(self.labels_json(project, req.one("with_counts") == "true"), req)
        if rest[:1] == ["issues"]:
            return self.route_issues(req, project, rest[1:])
        if rest[:1] == ["merge_requests"]:
            return self.route_mrs(req, project, rest[1:])
        raise HttpError(404, "404 Not found")

    # -- issues ----------------------------------------------------------------------------

    def route_issues(self, req: Request, project: Project, rest: list[str]) -> Answer:
        if not rest:
            if req.method == "GET":
                if req.one("search"):
                    self.check_limit("search", (req.user,), req.path)
                return self.paginate(self.list_issues(project, req), req)
            if req.method == "POST":
                self.check_limit("issues_create", (req.user, project.id), req.path)
                created = self.create_issue(project, req)
                key = (project.id, created["iid"])
                self.record_edit(key, {"labels": []}, project.issues[created["iid"]], req.user)
                return 201, created, {}
            raise HttpError(405, "405 Method Not Allowed")
        issue = self.visible_issue(project, to_int(rest[0], "issue_iid"), req.user)
        key = (project.id, issue["iid"])
        sub = rest[1:]
        if not sub:
            if req.method == "GET":
                return 200, self.issue_json(project, issue), {}
            if req.method == "PUT":
                self.forbid_unless(self.can_update_issue(project, issue, req.user))
                before = dict(issue, labels=list(issue["labels"]))
                updated = self.update_issue(project, issue, req)
                self.record_edit(key, before, issue, req.user)
                return 200, updated, {}
            raise HttpError(405, "405 Method Not Allowed")
        if sub == ["resource_label_events"] and req.method == "GET":
            return self.paginate(self.label_events_json(key), req)
        if sub == ["links"]:
            if req.method == "GET":
                return 200, self.list_links(key, req.user), {}
            if req.method == "POST":
                self.forbid_unless(self.can_update_issue(project, issue, req.user))
                return 201, self.create_link(key, req), {}
        if sub[0] == "links" and len(sub) == 2 and req.method == "DELETE":
            self.forbid_unless(self.can_update_issue(project, issue, req.user))
            return 200, self.delete_link(key, to_int(sub[1], "issue_link_id")), {}
        if sub == ["notes"]:
            if req.method == "GET":
                return self.paginate(self.list_notes(project, key, req), req)
            if req.method == "POST":
                self.check_limit("notes_create", (req.user,), req.path)
                return self.create_note(project, issue, req)
        if sub[0] == "notes" and len(sub) >= 2:
            note = self.find_note(project, key, to_int(sub[1], "note_id"), req.user)
            if len(sub) == 2 and req.method == "GET":
                return 200, self.note_json(key, note), {}
            if len(sub) == 2 and req.method == "PUT":
                self.forbid_unless(self.can_admin_note(project, note, req.user))
                return self.update_note(project, issue, note, req)
            if sub[2:] == ["award_emoji"] and req.method == "GET":
                return self.paginate([self.emoji_json(note, e) for e in note["award_emoji"]], req)
        if sub == ["related_merge_requests"] and req.method == "GET":
            mrs = [
                self.mr_json(p, mr)
                for p in self._projects.values()
                if self.can_read_project(p, req.user)
                for mr in p.merge_requests.values()
                if key in mr["related"]
            ]
            return self.paginate(mrs, req)
        raise HttpError(404, "404 Not found")

    def list_issues(self, project: Project, req: Request) -> list[Any]:
        state = req.one("state") or "all"
        if state not in ("opened", "closed", "all"):
            raise HttpError(400, "state does not have a valid value")
        labels = csv(req.one("labels"))
        search = (req.one("search") or "").lower()
        scopes = csv(req.one("in") or "title,description")
        iids = {to_int(v, "iids") for v in req.query.get("iids[]", [])}
        out = []
        for issue in sorted(project.issues.values(), key=lambda i: -int(i["iid"])):
            if not self.can_read_issue(project, issue, req.user):
                continue  # a hidden issue is not in the list, and nothing says so
            if state != "all" and issue["state"] != state:
                continue
            if iids and issue["iid"] not in iids:
                continue
            if not set(labels) <= set(issue["labels"]):
                continue
            if search and not any(search in str(issue[s] or "").lower() for s in scopes):
                continue
            out.append(self.issue_json(project, issue))
        return out

    def create_issue(self, project: Project, req: Request) -> dict[str, Any]:
        body = req.body
        title = str(body.get("title") or "").strip()
        if not title:
            raise HttpError(400, "title is missing")
        description = str(body.get("description") or "")
        content.check_length("title", title, content.TITLE_LIMIT)
        content.check_length("description", description, content.DESCRIPTION_LIMIT)
        ids = body.get("assignee_ids") or []
        ids = ids if isinstance(ids, list) else [ids]
        names = {uid: name for name, uid in self._users.items()}
        iid = max([*project.issues, 0]) + 1
        now = self.now()
        issue = {
            "id": self.new_id(),
            "iid": iid,
            "title": title,
            "description": description,
            "labels": content.write_labels((), csv(body.get("labels")), ()),
            "state": "opened",
            "confidential": bool(body.get("confidential", False)),
            "author": req.user,
            "assignees": [names[int(i)] for i in ids if int(i) in names],
            "due_date": body.get("due_date"),
            "web_url": "",
            "created_at": now,
            "updated_at": now,
        }
        project.issues[iid] = issue
        return self.issue_json(project, issue)

    def update_issue(self, project: Project, issue: dict[str, Any], req: Request) -> Any:
        body = dict(req.body)
        state_event = body.get("state_event")
        if state_event is not None and state_event not in ("close", "reopen"):
            raise HttpError(400, "state_event does not have a valid value")
        if not self.can_admin_issue(project, req.user):
            for key in ("labels", "add_labels", "remove_labels", "assignee_ids", "due_date"):
                body.pop(key, None)  # dropped silently, as filter_params does
        for key, limit in (("title", content.TITLE_LIMIT), ("description", None)):
            if key in body:
                text = str(body[key] or "")
                if key == "title" and not text.strip():
                    raise HttpError(400, "title is empty")
                content.check_length(key, text, limit or content.DESCRIPTION_LIMIT)
                issue[key] = text
        if "labels" in body:
            issue["labels"] = content.write_labels((), csv(body["labels"]), ())
        if "add_labels" in body or "remove_labels" in body:
            issue["labels"] = content.write_labels(
                issue["labels"], csv(body.get("add_labels")), csv(body.get("remove_labels"))
            )
        if "confidential" in body:
            issue["confidential"] = bool(body["confidential"])
        if "due_date" in body:
            issue["due_date"] = body["due_date"]
        if state_event == "close":
            issue["state"] = "closed"
        elif state_event == "reopen":
            issue["state"] = "opened"
        issue["updated_at"] = self.now()
        return self.issue_json(project, issue)

    # -- links -----------------------------------------------------------------------------

    def list_links(self, key: Key, user: str) -> list[dict[str, Any]]:
        out = []
        for other, link_id, link_type, created in self.link_items(key):
            project = self._projects[other[0]]
            if self.can_read_issue(project, project.issues[other[1]], user):
                out.append(self.link_json(other, link_id, link_type, created))
        return out

    def create_link(self, key: Key, req: Request) -> dict[str, Any]:
        target_project = req.body.get("target_project_id")
        target_iid = req.body.get("target_issue_iid")
        if target_project is None or target_iid is None:
            raise HttpError(400, "target_project_id is missing, target_issue_iid is missing")
        project = self.visible_project(unquote(str(target_project)), req.user)
        self.visible_issue(project, to_int(str(target_iid), "target_issue_iid"), req.user)
        target = (project.id, int(target_iid))
        link_type = str(req.body.get("link_type") or "relates_to")
        if link_type not in INVERSE_LINK:
            raise HttpError(400, "link_type does not have a valid value")
        for link in self._links:
            if {link.source, link.target} == {key, target}:
                raise HttpError(409, "Issue(s) already assigned")
        self._links.append(Link(self.new_id(), key, target, link_type, self.now()))
        return {
            "source_issue": self.issue_json_by_key(key),
            "target_issue": self.issue_json_by_key(target),
            "link_type": link_type,
        }

    def delete_link(self, key: Key, link_id: int) -> dict[str, Any]:
        for link in self._links:
            if link.id == link_id and key in (link.source, link.target):
                self._links.remove(link)
                return {
                    "source_issue": self.issue_json_by_key(link.source),
                    "target_issue": self.issue_json_by_key(link.target),
                    "link_type": link.link_type,
                }
        raise HttpError(404, "404 Not found")

    # -- notes -----------------------------------------------------------------------------

    def list_notes(self, project: Project, key: Key, req: Request) -> list[Any]:
        sort = req.one("sort") or "desc"
        order_by = req.one("order_by") or "created_at"
        if sort not in ("asc", "desc") or order_by not in ("created_at", "updated_at"):
            raise HttpError(400, "sort or order_by does not have a valid value")
        notes = sorted(
            self._notes.get(key, []), key=lambda n: (n[order_by], n["id"]), reverse=sort == "desc"
        )
        return [self.note_json(key, n) for n in notes if self.can_read_note(project, n, req.user)]

    def find_note(self, project: Project, key: Key, note_id: int, user: str) -> dict[str, Any]:
        for note in self._notes.get(key, []):
            if note["id"] == note_id and self.can_read_note(project, note, user):
                return note
        raise HttpError(404, "404 Note Not Found")

    def _body_and_commands(
        self, project: Project, issue: dict[str, Any], req: Request
    ) -> tuple[content.Commands, list[str]]:
        text = str(req.body.get("body") or "")
        if not text.strip():
            raise HttpError(400, "body is missing")
        content.check_length("note", text, content.NOTE_LIMIT, note=True)
        found = content.extract_commands(text)
        summary: list[str] = []
        if found.commands and self.can_update_issue(project, issue, req.user):
            summary = content.run_commands(issue, found.commands)
            issue["updated_at"] = self.now()
        return found, summary

    def create_note(self, project: Project, issue: dict[str, Any], req: Request) -> Answer:
        internal = bool(req.body.get("internal") or req.body.get("confidential") or False)
        if internal:
            self.forbid_unless(self.can_read_internal_notes(project, req.user))
        found, summary = self._body_and_commands(project, issue, req)
        key = (project.id, issue["iid"])
        if found.only_commands:
            return 202, self.commands_json(self._changes(project, found), summary), {}
        now = self.now()
        note = {
            "id": self.new_id(),
            "body": found.text,
            "author": req.user,
            "created_at": now,
            "updated_at": now,
            "internal": internal,
            "system": False,
            "award_emoji": [],
        }
        self._notes.setdefault(key, []).append(note)
        return 201, self.note_json(key, note), {}

    def update_note(
        self, project: Project, issue: dict[str, Any], note: dict[str, Any], req: Request
    ) -> Answer:
        found, summary = self._body_and_commands(project, issue, req)
        key = (project.id, issue["iid"])
        if found.only_commands:  # the edit leaves nothing but commands: the note goes
            self._notes[key].remove(note)
            return 202, self.commands_json(self._changes(project, found), summary), {}
        note["body"] = found.text
        note["updated_at"] = self.now()
        return 200, self.note_json(key, note), {}

    def _changes(self, project: Project, found: content.Commands) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for cmd, arg in found.commands:
            if cmd in ("label", "labels"):
                ids = [self.label_id(project, n) for n in content.label_names(arg)]
                changes.setdefault("add_label_ids", []).extend(ids)
            elif cmd in ("unlabel", "remove_label"):
                ids = [self.label_id(project, n) for n in content.label_names(arg)]
                changes.setdefault("remove_label_ids", []).extend(ids)
            elif cmd in ("close", "reopen"):
                changes["state_event"] = cmd
        return changes

    # -- merge requests --------------------------------------------------------------------

    def route_mrs(self, req: Request, project: Project, rest: list[str]) -> Answer:
        if req.method != "GET":
            raise HttpError(405, "405 Method Not Allowed")
        if not rest:
            state = req.one("state") or "all"
            if state not in ("opened", "closed", "merged", "locked", "all"):
                raise HttpError(400, "state does not have a valid value")
            branch = req.one("target_branch")
            mrs = sorted(project.merge_requests.values(), key=lambda m: -int(m["iid"]))
            items = [
                self.mr_json(project, m)
                for m in mrs
                if state in ("all", m["state"]) and branch in (None, m["target_branch"])
            ]
            return self.paginate(items, req)
        if len(rest) == 1:
            mr = project.merge_requests.get(to_int(rest[0], "merge_request_iid"))
            if mr is None:
                raise HttpError(404, "404 Not found")
            return 200, self.mr_json(project, mr), {}
        raise HttpError(404, "404 Not found")

    # -- pagination ------------------------------------------------------------------------

    def paginate(self, items: list[Any], req: Request) -> Answer:
        page = to_int(req.one("page") or "1", "page")
        per_page = min(to_int(req.one("per_page") or "20", "per_page"), MAX_PER_PAGE)
        if page < 1 or per_page < 1:
            raise HttpError(400, "page is invalid")
        if page * per_page > OFFSET_LIMIT:
            raise HttpError(
                405,
                f"Offset pagination has a maximum allowed offset of {OFFSET_LIMIT} for requests "
                "that return objects of this type. Remaining records can be retrieved using "
                "keyset pagination.",
            )
        total = len(items)
        pages = max(1, -(-total // per_page))
        counted = total <= COUNTED_LIMIT
        headers = {
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Next-Page": str(page + 1) if page < pages else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
        }
        if counted:
            headers.update({"X-Total": str(total), "X-Total-Pages": str(pages)})
        base_query = {k: v for k, v in req.query.items() if k not in ("page", "per_page")}

        def link(target: int, rel: str) -> str:
            pairs = [(k, v) for k, values in base_query.items() for v in values]
            pairs += [("page", str(target)), ("per_page", str(per_page))]
            qs = "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in pairs)
            return f'<{self.base_url}{req.path}?{qs}>; rel="{rel}"'

        links = []
        if page < pages:
            links.append(link(page + 1, "next"))
        if page > 1:
            links.append(link(page - 1, "prev"))
        links.append(link(1, "first"))
        if counted:
            links.append(link(pages, "last"))
        headers["Link"] = ", ".join(links)
        return 200, items[(page - 1) * per_page : page * per_page], headers
