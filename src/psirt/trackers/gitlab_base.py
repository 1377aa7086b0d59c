"""The GitLab tracker's ground floor: the python-gitlab client, its transport and the plumbing
every other part of the tracker uses (see ``psirt.trackers.gitlab`` for why it looks this way).

The tracker is one class built from a few modules, one purpose each: this one (the client),
``gitlab_identity`` (who the token is, and failures named for that user), ``gitlab_notes``
(notes and their emoji), ``gitlab_links`` (linked issues) and ``gitlab`` (issues, merge
requests, groups, and the class itself).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Self, TypeVar

import gitlab
import requests
from gitlab.v4.objects import Project, ProjectIssue

from psirt.core.records import IssueRef, Note
from psirt.core.remote import RetryPolicy, Secrets, keep_out_of_logs
from psirt.parsing.council import is_council_note
from psirt.trackers import gitlab_access as access
from psirt.trackers.gitlab_http import RATE_LIMIT_WINDOW, Transport

T = TypeVar("T")
BATCH = 100  # GitLab's page size cap, and so the most iids one list call can answer


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up when called, so a test can stub this module's ``time``


def _now() -> float:
    return time.time()


class GitLabBase:
    """The client and its plumbing; ``GitLabTracker`` is what callers use."""

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
        self._secrets = Secrets.of(token)
        keep_out_of_logs(self._secrets)
        self._timeout = timeout
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
            per_page=BATCH,
            retry_transient_errors=True,
        )
        self._user_lock = threading.Lock()
        self._me: dict[str, Any] | None = None
        self._roles: dict[str, access.Role] = {}

    def __repr__(self) -> str:
        return f"GitLabTracker(url={self.url!r}, max_in_flight={self.max_in_flight})"

    def close(self) -> None:
        self._gl.session.close()

    def __enter__(self) -> Self:
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
        return self._secrets(text)

    def _parallel(self, calls: Sequence[Callable[[], T]]) -> list[T]:
        """Run a few independent calls at once; the connection pool bounds what is in flight."""
        if len(calls) <= 1:
            return [call() for call in calls]
        with ThreadPoolExecutor(min(len(calls), self.max_in_flight)) as pool:
            return list(pool.map(lambda call: call(), calls))
