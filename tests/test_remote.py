"""The retry policy both HTTP clients share: Retry-After, backoff, writes sent at most once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from psirt.remote import RetryPolicy, UncertainWrite, parse_retry_after, write_once


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
