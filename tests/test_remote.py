"""The retry policy both HTTP clients share: Retry-After, backoff, writes sent at most once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from psirt.core.remote import (
    RetryPolicy,
    Transient,
    UncertainWrite,
    parse_rate_limit_reset,
    parse_retry_after,
    retrying,
    write_once,
)


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=now) == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 0.0


def test_a_429_waits_for_the_server_else_backs_off() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0)
    assert policy.rate_limit_wait("7", attempt=0) == 7.0
    assert [policy.rate_limit_wait(None, attempt=n) for n in range(4)] == [0.5, 1.0, 2.0, 3.0]


class _Write:
    """A write that fails with an unknown outcome ``failures`` times, landing on ``lands_on``."""

    def __init__(self, failures: int, lands_on: int | None = None) -> None:
        self.failures, self.lands_on, self.sent = failures, lands_on, 0

    def send(self) -> str:
        self.sent += 1
        if self.sent <= self.failures:
            raise UncertainWrite(f"502 attempt {self.sent}")
        return "sent"

    def landed(self) -> str | None:
        return "found" if self.lands_on is not None and self.sent >= self.lands_on else None


def test_a_write_that_landed_is_not_sent_again() -> None:
    write, sleeps = _Write(failures=1, lands_on=1), list[float]()
    result = write_once(RetryPolicy(), sleeps.append, write.send, write.landed, RuntimeError)
    assert (result, write.sent, sleeps) == ("found", 1, [])


def test_a_write_that_did_not_land_is_sent_again_after_the_backoff() -> None:
    write, sleeps = _Write(failures=2), list[float]()
    result = write_once(RetryPolicy(), sleeps.append, write.send, write.landed, RuntimeError)
    assert (result, write.sent, sleeps) == ("sent", 3, [0.5, 1.0])


def test_after_the_last_attempt_the_caller_names_the_failure() -> None:
    write, sleeps = _Write(failures=9), list[float]()
    with pytest.raises(RuntimeError, match="502 attempt 3"):
        write_once(RetryPolicy(attempts=3), sleeps.append, write.send, write.landed, RuntimeError)
    assert write.sent == 3 and len(sleeps) == 2


def _failing(*failures: Exception) -> Callable[[], str]:
    """A call that raises ``failures`` in turn, then answers ``ok``."""
    pending = list(failures)

    def call() -> str:
        if pending:
            raise pending.pop(0)
        return "ok"

    return call


def _retry(call: Callable[[], str], sleeps: list[float], *, uncertain: bool = False) -> str:
    return retrying(
        RetryPolicy(attempts=3, max_retry_after=60),
        sleeps.append,
        call,
        uncertain=uncertain,
        too_long=lambda wait: RuntimeError(f"asks {wait:.0f}s"),
        gave_up=lambda last: RuntimeError(f"gave up: {last}"),
    )


def test_transient_failures_back_off_and_a_429_waits_as_told() -> None:
    sleeps: list[float] = []
    call = _failing(Transient("502"), Transient("429", rate_limited=True, retry_after="7"))
    assert _retry(call, sleeps) == "ok"
    assert sleeps == [0.5, 7.0]


def test_the_last_failure_is_named_and_not_slept_after() -> None:
    sleeps: list[float] = []
    with pytest.raises(RuntimeError, match="gave up: third"):
        _retry(_failing(Transient("first"), Transient("second"), Transient("third")), sleeps)
    assert sleeps == [0.5, 1.0]


def test_a_wait_beyond_the_ceiling_stops_at_once() -> None:
    sleeps: list[float] = []
    with pytest.raises(RuntimeError, match="asks 600s"):
        _retry(_failing(Transient("429", rate_limited=True, retry_after="600")), sleeps)
    assert sleeps == []


def test_an_uncertain_write_is_handed_back_but_a_429_is_retried() -> None:
    sleeps: list[float] = []
    call = _failing(Transient("429", rate_limited=True, retry_after="1"), Transient("503"))
    with pytest.raises(UncertainWrite, match="503"):
        _retry(call, sleeps, uncertain=True)
    assert sleeps == [1.0]


def test_other_errors_are_not_retried() -> None:
    sleeps: list[float] = []
    with pytest.raises(KeyError):
        _retry(_failing(KeyError("final")), sleeps)
    assert sleeps == []


def test_a_429_without_retry_after_waits_for_the_reset_else_the_window() -> None:
    """GitLab's application rate limiters name no ``Retry-After``; some answers carry
    ``RateLimit-Reset`` (Unix time); without either, the documented one-minute window."""
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, rate_limit_window=60.0)
    now = 1_770_000_000.0
    assert policy.rate_limit_wait("7", 0, reset=str(int(now) + 40), now=now) == 7.0
    assert policy.rate_limit_wait(None, 0, reset=str(int(now) + 40), now=now) == 40.0
    assert policy.rate_limit_wait(None, 0, reset=str(int(now) - 5), now=now) == 60.0  # stale
    assert policy.rate_limit_wait(None, 3, reset=None, now=now) == 60.0
    assert RetryPolicy(base_delay=0.5).rate_limit_wait(None, 1, reset=None) == 1.0  # no window


def test_rate_limit_reset_is_a_unix_time_or_seconds() -> None:
    assert parse_rate_limit_reset("1770000030", now=1_770_000_000.0) == 30.0
    assert parse_rate_limit_reset("12") == 12.0
    assert parse_rate_limit_reset("soon") is None
    assert parse_rate_limit_reset(None) is None
