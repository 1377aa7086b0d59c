"""GitLab's application rate limiters, the three that psirt's requests meet: off by default,
switched on per test with ``FakeGitLab.limit``.

Sources:

- Which requests: searching issues (``GET /projects/:id/issues?search=``) counts against the
  search rate limit (gitlab-org/gitlab!104208, "Add issuable searches to search rate limit";
  its authenticated default is 30 a minute, gitlab-org/gitlab!80631); creating an issue counts
  against the issue creation limit, per project and per user, and creating a note against the
  note creation limit, per user (doc/administration/settings/rate_limit_on_issues_creation.md,
  doc/administration/settings/rate_limit_on_notes_creation.md). "Access to the endpoint is
  available after one minute": each limit counts requests in a one-minute window that starts
  with the first request (``Gitlab::ApplicationRateLimiter``: a counter that expires after the
  interval), and a request over the threshold is refused (and still counted).
- The answer: ``429`` and ``{"message": {"error": "This endpoint has been requested too many
  times. Try again later."}}`` (lib/api/helpers/rate_limiter.rb ``check_rate_limit!``). No
  ``Retry-After``; gitlab.com adds ``RateLimit-Limit``, ``-Observed``, ``-Remaining``, ``-Reset``
  (Unix time) and ``-ResetTime`` (gitlab-org/gitlab#199738 shows such an answer), a
  self-managed instance without those headers sends none (``headers=False``).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate

from tests.fakes.gitlab_server.state import HttpError, State

LIMITERS = ("search", "notes_create", "issues_create")
THROTTLED = "This endpoint has been requested too many times. Try again later."


class ManualClock:
    """A clock for both ends of a test: the fake's limiters read ``time()``, the client's waits
    call ``sleep()``, which moves the time on instead of sleeping. It starts at the real time
    (records the fake creates must sort after the ones seeded from the demo)."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def time(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)


@dataclass
class RateLimit:
    threshold: int
    interval: float = 60.0
    headers: bool = True  # RateLimit-* as gitlab.com sends them; never Retry-After
    windows: dict[tuple[object, ...], tuple[float, int]] = field(default_factory=dict)


class Limiters(State):
    """The switched-on limiters and the requests they refused (``throttled``)."""

    def _init_limiters(self) -> None:
        self._limits: dict[str, RateLimit] = {}
        self.throttled: list[tuple[str, str]] = []  # (limiter, path)

    def limit(
        self, name: str, threshold: int, *, interval: float = 60.0, headers: bool = True
    ) -> None:
        """Switch a limiter on: at most ``threshold`` requests a window of ``interval`` s."""
        if name not in LIMITERS:
            raise ValueError(f"unknown limiter {name!r}; one of {', '.join(LIMITERS)}")
        with self._lock:
            self._limits[name] = RateLimit(threshold, interval, headers)

    def unlimit(self, name: str) -> None:
        with self._lock:
            self._limits.pop(name, None)

    def check_limit(self, name: str, scope: tuple[object, ...], path: str) -> None:
        """Count one request against ``name``; 429 when it is over the threshold."""
        with self._lock:
            limit = self._limits.get(name)
            if limit is None:
                return
            now = self.clock()
            start, count = limit.windows.get(scope, (now, 0))
            if now >= start + limit.interval:
                start, count = now, 0
            count += 1
            limit.windows[scope] = (start, count)
            if count <= limit.threshold:
                return
            self.throttled.append((name, path))
            headers: dict[str, str] = {}
            if limit.headers:
                reset = math.ceil(start + limit.interval)
                headers = {
                    "RateLimit-Limit": str(limit.threshold),
                    "RateLimit-Observed": str(count),
                    "RateLimit-Remaining": "0",
                    "RateLimit-Reset": str(reset),
                    "RateLimit-ResetTime": formatdate(reset, usegmt=True),
                }
            raise HttpError(429, {"error": THROTTLED}, headers=headers)
