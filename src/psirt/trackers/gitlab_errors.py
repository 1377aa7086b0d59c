"""A python-gitlab failure as the ``PsirtError`` a user can act on: what failed, on which
object, the HTTP status, and for a 404 or a 403 whether it is a permission problem.

- 404: GitLab says nothing more (absent, confidential and hidden look alike). When the token's
  user cannot see every issue of the project (``gitlab_access.Role.sees_confidential``), the
  error is ``NotVisibleError`` and names the user and role; otherwise ``NotFoundError``.
- 403: ``{"error": "insufficient_scope", "scope": "api"}`` is the token's scope
  (lib/api/api_guard.rb); any other 403 is the role, and the message names the right the write
  needs (``gitlab_access.RIGHTS``).
- 429 that the transport could not wait out: said as such.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gitlab
import requests

from psirt.core.errors import (
    InputError,
    NotFoundError,
    NotVisibleError,
    PermissionDeniedError,
    RemoteError,
)
from psirt.core.remote import rate_limited
from psirt.trackers import gitlab_access as access
from psirt.trackers.gitlab_http import RateLimitExceeded, status_of


@dataclass(frozen=True)
class Failure:
    """Where a request failed: the operation, its object (an issue ref or a project), the
    instance, the project and the right the operation needs, and the user's role there."""

    what: str
    where: str
    url: str
    project: str | None = None
    right: str | None = None
    role: access.Role | None = None
    timeout: float | None = None


#: What python-gitlab raises when a 200 answer has the wrong shape (an object where a list
#: belongs: its list iterator indexes the object with 0).
SHAPE_ERRORS: tuple[type[Exception], ...] = (KeyError, IndexError, TypeError)
#: Every failure of a client call that ``convert`` turns into one line.
CLIENT_FAILURES: tuple[type[Exception], ...] = (
    gitlab.GitlabError,
    requests.RequestException,
    *SHAPE_ERRORS,
)


def convert(
    exc: Exception, failure: Failure, clean: Callable[[str], str]
) -> InputError | RemoteError:
    """``clean`` takes the token out of any text quoted from the server."""
    what, where = failure.what, failure.where
    if isinstance(exc, RateLimitExceeded):
        return rate_limited("GitLab", what, exc.wait, exc.cap, where=where)
    status = status_of(exc)
    if status == 404:
        role = failure.role
        if role is not None and not role.sees_confidential:
            issue = where != failure.project
            return NotVisibleError(where, access.not_visible_reason(role, issue=issue))
        return NotFoundError(f"{what}: not found on {failure.url} (HTTP 404)", where=where)
    if status == 403 and isinstance(exc, gitlab.GitlabError):
        body = _json_object(getattr(exc, "response_body", None))
        if body.get("error") == "insufficient_scope":
            scope = str(body.get("scope") or "api")
            return PermissionDeniedError(access.scope_message(what, scope), where=where)
        message = access.forbidden_message(what, failure.right or "this right", failure.role)
        return PermissionDeniedError(message, where=where)
    if isinstance(exc, SHAPE_ERRORS):
        return RemoteError(
            f"{what} failed: the answer from {failure.url} is not of GitLab's REST v4 shape",
            where=where,
        )
    if isinstance(exc, gitlab.GitlabError):
        detail = clean(message_text(exc.error_message)).strip()[:200]
        hint = " (check GITLAB_TOKEN)" if status == 401 else ""
        if status == 429:
            hint = " (rate limited: GitLab still refused after the waits; run again later)"
        sep = ": " if detail else ""
        return RemoteError(f"{what} failed: HTTP {status}{sep}{detail}{hint}", where=where)
    within = f" within {failure.timeout:g}s" if failure.timeout is not None else ""
    if isinstance(exc, requests.Timeout):
        return RemoteError(
            f"{what} failed: no answer from {failure.url}{within} ([remote] timeout; "
            f"{type(exc).__name__})",
            where=where,
        )
    return RemoteError(
        f"{what} failed: no answer from {failure.url} ({type(exc).__name__})", where=where
    )


def message_text(message: object) -> str:
    """GitLab's ``message`` is a text, or an object of texts (``{"error": "..."}``, or a
    validation error per field)."""
    if isinstance(message, bytes):
        message = message.decode(errors="replace")
    if isinstance(message, dict):
        return "; ".join(
            message_text(v) if k == "error" else f"{k}: {message_text(v)}"
            for k, v in message.items()
        )
    if isinstance(message, list):
        return ", ".join(message_text(v) for v in message)
    return str(message or "")


def _json_object(body: object) -> dict[str, Any]:
    try:
        data = json.loads(body) if isinstance(body, bytes | str) else None
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
