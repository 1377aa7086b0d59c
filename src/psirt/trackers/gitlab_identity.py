"""Who the GitLab token is, and failures said for that user.

The user and roles come from ``GET /user`` (once) and ``GET /projects/:id/members/all/:user_id``
(once per project, when first needed). A 404 is told from a permission problem with them: when
the token's user cannot see every issue of the project, the error says so and names the user and
role; a 403 names the missing right or scope (``gitlab_errors``). The current user is also whose
notes and issues are psirt's own, and whose a lost write is looked for (``_create_once``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import gitlab
import requests

from psirt.core.errors import InputError, NotFoundError, PsirtError, RemoteError
from psirt.core.words import quoted
from psirt.trackers import gitlab_access as access
from psirt.trackers import gitlab_mapping as m
from psirt.trackers.gitlab_base import GitLabBase
from psirt.trackers.gitlab_errors import CLIENT_FAILURES, Failure, convert
from psirt.trackers.gitlab_http import is_transient, status_of

T = TypeVar("T")


class GitLabIdentity(GitLabBase):
    """The token's user and roles; error conversion that names them; writes sent once."""

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
        failure = Failure(what, where, self.url, project, right, role, self._timeout)
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

    def _user_id(self, username: str) -> int:
        with self._remote(f"look up user {quoted(username)}", self.url):
            users = self._gl.users.list(username=username, get_all=True, **self._retry)
        if not users:
            raise NotFoundError(f"no user {quoted(username)} on {self.url}", where="assignees")
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
