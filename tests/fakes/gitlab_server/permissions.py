"""Who may see and do what, as GitLab decides it for the REST API psirt uses.

Sources (GitLab's documentation and server code):

- Roles and access levels: doc/api/members.md, "Roles" (10 Guest, 15 Planner, 20 Reporter,
  30 Developer, 40 Maintainer, 50 Owner); doc/user/permissions.md.
- Projects: a private project is visible to its members only, an internal one to every signed-in
  user, a public one to everyone (doc/user/public_access.md). Anything else is 404, never 403:
  the API does not confirm that a hidden project exists (``find_project!`` -> ``not_found!``).
- Confidential issues: visible to members with at least the Planner role (Reporter before
  GitLab 17.7 brought Planner), to the issue's author and assignees, and to administrators
  (doc/user/project/issues/confidential_issues.md; app/policies/issue_policy.rb prevents
  ``read_issue`` for ``confidential & ~can_read_confidential``). Hidden issues answer 404 and
  are left out of lists and of the linked-issues list.
- Internal notes: read and written by members with at least the Planner/Reporter role only
  (gitlab-org/gitlab#363045); the notes list drops the ones a user cannot read
  (lib/api/notes.rb rejects notes ``not readable_by?`` the user).
- Writes: ``PUT /projects/:id/issues/:iid`` authorizes ``update_issue`` (lib/api/issues.rb),
  which members with at least the Planner/Reporter role have ("Reporter role can manage issue
  tracker", gitlab-foss a5b54f91), and a Guest has on issues they authored or are assigned to
  (gitlab-org/gitlab#424961). Without ``admin_issue`` the label parameters of a write are dropped
  silently (``IssuableBaseService#filter_params``). Editing a note authorizes ``admin_note``
  (lib/api/helpers/notes_helpers.rb ``update_note``): the note's author, or a Maintainer and up.
  Creating a note authorizes ``create_note`` (``create_note`` in the same helper): anyone who can
  read the issue. A refusal is ``403 Forbidden``.
- Token scopes: a ``read_api`` token reads only; any other method answers 403 with
  ``{"error": "insufficient_scope", ..., "scope": "api"}`` (lib/api/api_guard.rb,
  ``InsufficientScopeError``).
"""

from __future__ import annotations

from typing import Any

from tests.fakes.gitlab_server.state import HttpError, Project, State

ROLES: dict[str, int] = {
    "guest": 10,
    "planner": 15,
    "reporter": 20,
    "developer": 30,
    "maintainer": 40,
    "owner": 50,
}
PLANNER, MAINTAINER = ROLES["planner"], ROLES["maintainer"]
INSUFFICIENT_SCOPE = {
    "error": "insufficient_scope",
    "error_description": "The request requires higher privileges than provided by the access "
    "token.",
    "scope": "api",
}


def role_level(role: str | int | None) -> int | None:
    if role is None or isinstance(role, int):
        return role
    return ROLES[role.lower()]


class Permissions(State):
    """The abilities of a user, computed from the state (call with the lock held)."""

    def role_of(self, project: Project, user: str) -> int:
        return project.members.get(user, 0)

    def can_read_project(self, project: Project, user: str) -> bool:
        if self.is_admin(user) or project.visibility in ("public", "internal"):
            return True
        return self.role_of(project, user) >= ROLES["guest"]

    def can_read_issue(self, project: Project, issue: dict[str, Any], user: str) -> bool:
        if not self.can_read_project(project, user):
            return False
        if not issue["confidential"] or self.is_admin(user):
            return True
        if self.role_of(project, user) >= PLANNER:
            return True
        return user == issue["author"] or user in issue["assignees"]

    def can_admin_issue(self, project: Project, user: str) -> bool:
        """Labels, assignees, milestones: the Planner/Reporter role and up."""
        return self.is_admin(user) or self.role_of(project, user) >= PLANNER

    def can_update_issue(self, project: Project, issue: dict[str, Any], user: str) -> bool:
        if not self.can_read_issue(project, issue, user):
            return False
        if self.can_admin_issue(project, user):
            return True
        own = user == issue["author"] or user in issue["assignees"]
        return own and self.role_of(project, user) >= ROLES["guest"]

    def can_read_internal_notes(self, project: Project, user: str) -> bool:
        return self.is_admin(user) or self.role_of(project, user) >= PLANNER

    def can_read_note(self, project: Project, note: dict[str, Any], user: str) -> bool:
        return not note["internal"] or self.can_read_internal_notes(project, user)

    def can_admin_note(self, project: Project, note: dict[str, Any], user: str) -> bool:
        if note["system"]:
            return False
        return (
            note["author"] == user
            or self.is_admin(user)
            or self.role_of(project, user) >= MAINTAINER
        )

    # -- answers ---------------------------------------------------------------------------

    def visible_project(self, ident: str, user: str) -> Project:
        project = self.project_by_ident(ident)
        if project is None or not self.can_read_project(project, user):
            raise HttpError(404, "404 Project Not Found")
        return project

    def visible_issue(self, project: Project, iid: int, user: str) -> dict[str, Any]:
        issue = project.issues.get(iid)
        if issue is None or not self.can_read_issue(project, issue, user):
            raise HttpError(404, "404 Issue Not Found")
        return issue

    @staticmethod
    def forbid_unless(allowed: bool) -> None:
        if not allowed:
            raise HttpError(403, "403 Forbidden")

    @staticmethod
    def check_scope(method: str, scopes: tuple[str, ...]) -> None:
        """Writes need the ``api`` scope; ``read_api`` is for GET only."""
        if method != "GET" and "api" not in scopes:
            raise HttpError(403, INSUFFICIENT_SCOPE, raw=True)
