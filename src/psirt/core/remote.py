"""How psirt's HTTP clients retry, in one place.

Every client follows one policy (``RetryPolicy``): bounded attempts with exponential backoff, and
a 429 waits as long as the server says (up to a ceiling). A 429 that names no wait is common: the
application rate limiters of GitLab (issue search, note and issue creation) answer without
``Retry-After``, sometimes with ``RateLimit-Reset``, and their documented window is one minute;
the policy then waits until that reset, else for the window (``rate_limit_wait``). A write whose
outcome is unknown (a 5xx or a connection lost before the answer) is never repeated blindly: the
caller checks whether it landed first (``write_once``). HackerOne and CVE Services run
``retrying``; the GitLab tracker applies the same policy to 429s in its transport and leaves
transient failures to python-gitlab's loop.

The same module scrubs what a server says before psirt repeats it (``scrub``): a server, a
proxy or a misconfigured gateway may reflect the request's credentials in an error body or a
reason phrase, and that text would otherwise reach stderr and ``journal.jsonl``. Each client
names its credentials once (``Secrets``) and passes every server text through them.

A wait the policy will not sit through (``[remote] max_wait`` in psirt.toml) ends the command
at once with ``rate_limited``: exit 3, saying when to try again.

Standard library only, so importing a client's module costs nothing more.
"""

from __future__ import annotations

import base64
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TypeVar
from urllib.parse import quote

from psirt.core.errors import RemoteError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to keep trying: bounded attempts, exponential backoff, a ceiling on waits.

    ``rate_limit_window`` is the documented window of the server's rate limiters, waited after a
    429 that says nothing of when to come back (None: back off as for any failure)."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 120.0
    rate_limit_window: float | None = None

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after the failed ``attempt`` (0-based) before the next one."""
        return float(min(self.max_delay, self.base_delay * (2**attempt)))

    def rate_limit_wait(
        self,
        retry_after: str | None,
        attempt: int,
        *,
        reset: str | None = None,
        now: float | None = None,
    ) -> float:
        """Seconds to wait after a 429: the server's ``Retry-After``; else until its
        ``RateLimit-Reset`` when that is still ahead; else the documented window; else the
        backoff.

        The caller gives up when this is more than ``max_retry_after``.
        """
        wait = parse_retry_after(retry_after)
        if wait is not None:
            return wait
        until = parse_rate_limit_reset(reset, now)
        if until is not None and until > 0:
            return until
        if self.rate_limit_window is not None:
            return self.rate_limit_window
        return self.backoff(attempt)


class Transient(Exception):
    """A failure another attempt may cure: no answer, a 5xx, or a 429 (``rate_limited``, with
    the ``Retry-After`` and ``RateLimit-Reset`` headers it came with)."""

    def __init__(
        self,
        reason: str,
        *,
        rate_limited: bool = False,
        retry_after: str | None = None,
        reset: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rate_limited = rate_limited
        self.retry_after = retry_after
        self.reset = reset


class UncertainWrite(Exception):
    """A write whose outcome is unknown: 5xx or the connection died before the answer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def retrying(
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    once: Callable[[], T],
    *,
    uncertain: bool,
    too_long: Callable[[float], Exception],
    gave_up: Callable[[str], Exception],
) -> T:
    """Call ``once`` until it returns, retrying each ``Transient`` failure as the policy says.

    A 429 waits for its ``Retry-After`` (``too_long(seconds)`` is raised when that is beyond
    ``policy.max_retry_after``), anything else for the backoff. With ``uncertain`` (a write that
    may have landed) a failure other than a 429 becomes ``UncertainWrite`` at once, for
    ``write_once`` to resolve. After the last attempt, ``gave_up(last reason)`` is raised.
    """
    last = ""
    for attempt in range(policy.attempts):
        try:
            return once()
        except Transient as failure:
            last = failure.reason
            if failure.rate_limited:
                wait = policy.rate_limit_wait(failure.retry_after, attempt, reset=failure.reset)
                if wait > policy.max_retry_after:
                    raise too_long(wait) from None
            elif uncertain:
                raise UncertainWrite(failure.reason) from None
            else:
                wait = policy.backoff(attempt)
            if attempt + 1 < policy.attempts:
                sleep(wait)
    raise gave_up(last)


def write_once(
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    send: Callable[[], T],
    landed: Callable[[], T | None],
    gave_up: Callable[[str], Exception],
) -> T:
    """Send a non-idempotent write at most until it lands.

    ``send`` raises ``UncertainWrite`` when the outcome is unknown; ``landed`` then looks for the
    write's effect (its result, or ``None`` when it did not land) before it is sent again.
    After ``policy.attempts`` sends, ``gave_up(last reason)`` is raised.
    """
    for attempt in range(policy.attempts):
        try:
            return send()
        except UncertainWrite as exc:
            found = landed()
            if found is not None:
                return found
            if attempt + 1 == policy.attempts:
                raise gave_up(exc.reason) from None
            sleep(policy.backoff(attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait: ``Retry-After`` is a number of seconds or an HTTP date (RFC 9110)."""
    if value is None:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, number) if math.isfinite(number) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def parse_rate_limit_reset(value: str | None, now: float | None = None) -> float | None:
    """Seconds until ``RateLimit-Reset``: GitLab sends the Unix time of the reset
    (doc/administration/settings/user_and_ip_rate_limits.md, "Response headers"); the IETF
    draft's header is a number of seconds, so a small number is read as seconds."""
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if number < 1_000_000_000:  # before 2001 as a Unix time: a delta in seconds
        return max(0.0, number)
    return max(0.0, number - (time.time() if now is None else now))


def rate_limited(service: str, what: str, wait: float, cap: float, *, where: str) -> RemoteError:
    """The error of a 429 whose wait is beyond ``cap``: exit 3, saying when to try again
    (the server's own time, as a UTC clock time and a duration)."""
    at = datetime.now(UTC) + timedelta(seconds=wait)
    return RemoteError(
        f"{service} rate limit: {what} was refused, and the server asks to wait "
        f"{_duration(wait)}: more than [remote] max_wait ({_duration(cap)}); "
        f"try again after {at:%Y-%m-%d %H:%M:%S} UTC",
        where=where,
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s"
    return f"{seconds:.0f}s, {seconds / 60:.0f} min"


@dataclass(frozen=True, slots=True)
class Secrets:
    """A client's credentials in every form a server could echo them: as sent, URL-encoded,
    and (for HTTP basic auth) the ``user:secret`` pair base64-encoded."""

    forms: tuple[str, ...] = ()

    @classmethod
    def of(cls, *secrets: str | None, basic: tuple[str, str] | None = None) -> Secrets:
        values = [s for s in secrets if s]
        forms: list[str] = []
        for secret in values:
            forms += [secret, quote(secret, safe=""), quote(secret)]
        if basic is not None and basic[1]:
            pair = f"{basic[0]}:{basic[1]}".encode()
            forms += [base64.b64encode(pair).decode(), base64.urlsafe_b64encode(pair).decode()]
        # longest first, so a form that contains another is replaced whole
        unique = sorted({f for f in forms if len(f) >= 4}, key=len, reverse=True)
        return cls(tuple(unique))

    def __call__(self, text: str) -> str:
        return scrub(text, self.forms)


_registered_lock = threading.Lock()
_registered: tuple[str, ...] = ()  # replaced whole, so a reader never sees it change
_factory_installed = False


def keep_out_of_logs(secrets: Secrets) -> None:
    """Scrub ``secrets`` from every log record from now on, whichever library logs it.

    httpx logs each answer's reason phrase at INFO, httpcore and urllib3 the status line at
    DEBUG: a reason phrase that reflects a credential would reach any log handler a user
    configures. A logger's filter misses its children's records, so the record factory does
    it, for every logger at once."""
    global _registered, _factory_installed
    with _registered_lock:
        _registered = tuple(sorted({*_registered, *secrets.forms}, key=len, reverse=True))
        if _factory_installed:
            return
        _factory_installed = True
        make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        forms = _registered
        if forms:
            message = record.getMessage()
            cleaned = scrub(message, forms)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        return record

    logging.setLogRecordFactory(scrubbed_record)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``***``: the one way psirt repeats what a server
    said."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
