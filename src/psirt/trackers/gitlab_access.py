"""Who the token is on GitLab and what its role lets it see and do, and the messages that tell
a permission problem from absence.

GitLab answers 404 alike for an issue that does not exist, a confidential one the user may not
see and one in a project the user cannot see; it answers 403 to a write the user's role or the
token's scope does not allow. What the user can see follows the role (doc/api/members.md,
"Roles"; doc/user/project/issues/confidential_issues.md): confidential issues need the Planner
role or higher (Reporter before 17.7), or being the issue's author or an assignee, and
administrators see everything. A ``read_api`` token reads and never writes
(doc/user/profile/personal_access_tokens.md, "Personal access token scopes").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from psirt.core.config import Config

ROLE_NAMES: dict[int, str] = {
    0: "No access",
    5: "Minimal Access",
    10: "Guest",
    15: "Planner",
    20: "Reporter",
    30: "Developer",
    40: "Maintainer",
    50: "Owner",
}
PLANNER = 15
MAINTAINER = 40

#: What each write the tracker makes needs, in GitLab's names, and who has it.
RIGHTS: dict[str, str] = {
    "update_issue": "the Planner, Reporter or a higher role, or being the issue's author or "
    "an assignee",
    "admin_note": "being the note's author, or the Maintainer role or higher",
    "create_note": "seeing the issue (and the Planner role or higher for an internal note)",
    "create_issue": "the Guest role or higher (any signed-in user in a public project)",
    "admin_issue_link": "the Planner, Reporter or a higher role in both projects",
}


def configured_projects(config: Config) -> list[str]:
    """The tracker projects a release reads and writes, each once (for ``token_access``)."""
    return list(config.projects.release_projects)


def role_name(level: int | None) -> str:
    if level is None:
        return "not a member"
    named = max((lvl for lvl in ROLE_NAMES if lvl <= level), default=0)
    return ROLE_NAMES[named]


@dataclass(frozen=True)
class Role:
    """The token's user in one project: the access level, None when not a member (or when the
    project is hidden from the user)."""

    user: str
    project: str
    level: int | None
    admin: bool = False

    @property
    def name(self) -> str:
        return "Administrator" if self.admin else role_name(self.level)

    @property
    def sees_confidential(self) -> bool:
        return self.admin or (self.level is not None and self.level >= PLANNER)

    def describe(self) -> str:
        if self.admin:
            return f"{self.user} is an administrator"
        if self.level is None:
            return f"{self.user} is not a member of {self.project}"
        return f"{self.user} is a {self.name} in {self.project}"


@dataclass(frozen=True)
class TokenAccess:
    """The token's user, its scopes (None when the token's own record cannot be read) and its
    role in each project asked about: what ``psirt doctor`` reports."""

    user: str
    admin: bool
    scopes: tuple[str, ...] | None
    roles: Mapping[str, Role] = field(default_factory=dict)

    @property
    def can_write(self) -> bool | None:
        """Whether the token's scopes allow writes (None: unknown)."""
        return None if self.scopes is None else "api" in self.scopes

    def problems(self) -> list[str]:
        """What will stop or thin a run: no write scope, a project whose confidential issues
        the user cannot see (they are left out of lists and links without a word)."""
        out = []
        if self.can_write is False:
            scopes = ", ".join(self.scopes or ())
            out.append(f"the token has the scopes {scopes}: it can read, not write (needs api)")
        for role in self.roles.values():
            if not role.sees_confidential:
                out.append(
                    f"{role.describe()}: confidential issues there are invisible to the token "
                    "(they need the Planner or Reporter role or higher)"
                )
        return out

    def lines(self) -> list[str]:
        scopes = "unknown" if self.scopes is None else ", ".join(self.scopes) or "none"
        head = f"token user: {self.user}{' (administrator)' if self.admin else ''}"
        return [head, f"token scopes: {scopes}"] + [
            f"{project}: {role.name}" for project, role in self.roles.items()
        ]


def not_visible_reason(role: Role, *, issue: bool) -> str:
    """Why a 404 may be a permission problem; the first words are the ones a user searches."""
    what = "confidential or no access" if issue else "private or no access"
    return f"is not visible to the token's user {role.user} (404: {what}; {role.describe()})"


def forbidden_message(what: str, right: str, role: Role | None) -> str:
    needs = RIGHTS.get(right, "a higher role")
    who = f"the token's user {role.user}" if role else "the token's user"
    detail = f" ({role.describe()})" if role else ""
    return f"{what} refused: HTTP 403 Forbidden: {who} lacks {right}{detail}; it needs {needs}"


def scope_message(what: str, scope: str) -> str:
    return (
        f"{what} refused: HTTP 403 insufficient_scope: the token lacks the {scope} scope "
        f"(a read_api token reads only); writing needs a token with the {scope} scope"
    )
