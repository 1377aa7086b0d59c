"""The GitLab tracker's HTTP transport: every request counted, and a 429 waited out.

python-gitlab retries a 429 by itself, but without ``Retry-After`` it backs off 0.1 s, 0.2 s,
0.4 s ... (about 3 s in all with five retries), and GitLab's application rate limiters (issue
search, note creation, issue creation) answer exactly so: a 429 with no ``Retry-After`` and a
one-minute window (doc/administration/settings/rate_limit_on_issues_creation.md: "Access to the
endpoint is available after one minute"). So the tracker turns python-gitlab's handling off
(``obey_rate_limit=False``) and waits here, as ``psirt.core.remote.RetryPolicy`` says: the
server's ``Retry-After``, else until ``RateLimit-Reset``, else the window; at most the policy's
attempts, and never longer than ``max_retry_after`` (then ``RateLimitExceeded`` goes up, and
the command ends saying when to try again). A 429 is
a refusal, so the request did nothing and sending it again is safe, a note included. Transient
5xx and lost connections stay with python-gitlab's loop (and the adapter's landed checks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from psirt.core.remote import RetryPolicy

TRANSIENT = frozenset({500, 502, 503, 504, *range(520, 531)})
CONNECTION_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
# GitLab's rate limiters count in one-minute windows (see the module docstring).
RATE_LIMIT_WINDOW = 60.0


class RateLimitExceeded(requests.RequestException):
    """A 429 whose wait is beyond the policy's ceiling: not waited, not retried."""

    def __init__(self, wait: float, cap: float) -> None:
        super().__init__(f"rate limited: the server asks to wait {wait:.0f}s (cap {cap:.0f}s)")
        self.wait = wait
        self.cap = cap


def status_of(exc: Exception) -> int | None:
    code = getattr(exc, "response_code", None)
    return code if isinstance(code, int) else None


def is_transient(exc: Exception) -> bool:
    return isinstance(exc, CONNECTION_ERRORS) or status_of(exc) in TRANSIENT


class Transport(HTTPAdapter):
    """Counts every request handed to the wire (retries included) and waits out 429s."""

    def __init__(
        self,
        pool_size: int,
        policy: RetryPolicy,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self.waits: list[float] = []  # every 429 wait, for reports and tests
        super().__init__(pool_connections=4, pool_maxsize=pool_size, pool_block=True)

    @property
    def count(self) -> int:
        return self._count

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        attempt = 0
        while True:
            with self._lock:
                self._count += 1
            response = super().send(request, *args, **kwargs)
            if response.status_code != 429 or attempt + 1 >= self.policy.attempts:
                return response
            wait = self.policy.rate_limit_wait(
                response.headers.get("Retry-After"),
                attempt,
                reset=response.headers.get("RateLimit-Reset"),
                now=self._clock(),
            )
            if wait > self.policy.max_retry_after:
                response.close()
                raise RateLimitExceeded(wait, self.policy.max_retry_after)
            response.content  # noqa: B018  (read it whole, so the connection goes back)
            response.close()
            with self._lock:
                self.waits.append(wait)
            self._sleep(wait)
            attempt += 1
