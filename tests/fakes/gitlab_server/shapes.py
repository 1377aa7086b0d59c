"""The JSON the fake answers, field for field as GitLab's API documentation shows it: users
(doc/api/users.md), members (doc/api/members.md, ``access_level``), the token itself
(doc/api/personal_access_tokens.md, ``GET /personal_access_tokens/self``), projects, issues
(doc/api/issues.md), linked issues (doc/api/issue_links.md), notes (doc/api/notes.md), award
emoji (doc/api/emoji_reactions.md), merge requests (doc/api/merge_requests.md) and a project's
labels (doc/api/labels.md, "List labels"). Labels are sorted by title
(``Issuable#label_names``)."""

from __future__ import annotations

from typing import Any

from tests.fakes.gitlab_server.content import sorted_labels
from tests.fakes.gitlab_server.state import INVERSE_LINK, Key, Project, State, Token


class Shapes(State):
    base_url: str

    def user_json(self, username: str, *, me: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.user_id(username),
            "username": username,
            "name": username,
            "state": "active",
            "web_url": f"{self.base_url}/{username}",
        }
        if me and self.is_admin(username):
            data["is_admin"] = True  # only an administrator's own record says so
        return data

    def labels_json(self, project: Project, with_counts: bool) -> list[dict[str, Any]]:
        """``GET /projects/:id/labels``: the project's labels, those it was given and those
        its issues and merge requests carry (GitLab creates a label an issue is given by name),
        by name; the counts only ``with_counts``."""
        with self._lock:
            items = [*project.issues.values(), *project.merge_requests.values()]
            for item in items:
                for name in item["labels"]:
                    self.label_id(project, name)
            out = []
            for name in sorted(project.labels, key=str.lower):
                data: dict[str, Any] = {
                    "id": project.labels[name],
                    "name": name,
                    "color": "#6699cc",
                    "text_color": "#FFFFFF",
                    "description": None,
                    "description_html": "",
                    "subscribed": False,
                    "priority": None,
                    "is_project_label": True,
                }
                if with_counts:
                    issues = [i for i in project.issues.values() if name in i["labels"]]
                    mrs = [m for m in project.merge_requests.values() if name in m["labels"]]
                    data["open_issues_count"] = sum(i["state"] == "opened" for i in issues)
                    data["closed_issues_count"] = sum(i["state"] == "closed" for i in issues)
                    data["open_merge_requests_count"] = sum(m["state"] == "opened" for m in mrs)
                out.append(data)
            return out

    def member_json(self, username: str, level: int) -> dict[str, Any]:
        return {**self.user_json(username), "access_level": level, "expires_at": None}

    def token_json(self, token: Token) -> dict[str, Any]:
        return {
            "id": token.id,
            "name": token.name,
            "revoked": False,
            "created_at": "2026-01-05T10:00:00.000Z",
            "scopes": list(token.scopes),
            "user_id": self.user_id(token.username),
            "active": True,
            "expires_at": None,
        }

    def project_json(self, project: Project) -> dict[str, Any]:
        return {
            "id": project.id,
            "path_with_namespace": project.path,
            "path": project.path.rsplit("/", 1)[-1],
            "visibility": project.visibility,
            "web_url": f"{self.base_url}/{project.path}",
        }

    def issue_json(self, project: Project, issue: dict[str, Any]) -> dict[str, Any]:
        iid = issue["iid"]
        assignees = [self.user_json(n) for n in issue["assignees"]]
        return {
            "id": issue["id"],
            "iid": iid,
            "project_id": project.id,
            "title": issue["title"],
            "description": issue["description"],
            "state": issue["state"],
            "labels": sorted_labels(issue["labels"]),
            "confidential": issue["confidential"],
            "author": self.user_json(issue["author"]),
            "assignees": assignees,
            "assignee": assignees[0] if assignees else None,
            "due_date": issue["due_date"],
            "web_url": issue["web_url"] or f"{self.base_url}/{project.path}/-/issues/{iid}",
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

    def issue_json_by_key(self, key: Key) -> dict[str, Any]:
        project = self._projects[key[0]]
        return self.issue_json(project, project.issues[key[1]])

    def link_items(self, key: Key) -> list[tuple[Key, int, str, str]]:
        """(other end, link id, link type seen from ``key``, created at), oldest link first."""
        out = []
        for link in sorted(self._links, key=lambda link: link.id):
            if link.source == key:
                out.append((link.target, link.id, link.link_type, link.created_at))
            elif link.target == key:
                out.append((link.source, link.id, INVERSE_LINK[link.link_type], link.created_at))
        return out

    def link_json(self, other: Key, link_id: int, link_type: str, created: str) -> dict[str, Any]:
        item = self.issue_json_by_key(other)
        item.update(issue_link_id=link_id, link_type=link_type, link_created_at=created)
        return item

    def note_json(self, key: Key, note: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": note["id"],
            "type": None,
            "body": note["body"],
            "author": self.user_json(note["author"]),
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

    def emoji_json(self, note: dict[str, Any], emoji: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": emoji["id"],
            "name": emoji["name"],
            "user": self.user_json(emoji["user"]),
            "awardable_id": note["id"],
            "awardable_type": "Note",
        }

    def mr_json(self, project: Project, mr: dict[str, Any]) -> dict[str, Any]:
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
            "author": self.user_json(mr["author"]),
            "reviewers": [self.user_json(n) for n in mr["reviewers"]],
            "labels": sorted_labels(mr["labels"]),
            "merged_at": mr["merged_at"],
            "merge_commit_sha": mr.get("merge_commit_sha"),
            "created_at": mr["created_at"],
            "web_url": mr["web_url"] or f"{self.base_url}/{project.path}/-/merge_requests/{iid}",
            "references": {"short": f"!{iid}", "full": f"{project.path}!{iid}"},
        }

    def commands_json(self, changes: dict[str, Any], summary: list[str]) -> dict[str, Any]:
        """``Entities::NoteCommands``: what a commands-only note did, and no note."""
        return {"commands_changes": changes, "summary": summary}
