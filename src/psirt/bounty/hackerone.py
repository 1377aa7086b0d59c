"""HackerOne API v1 as a ``BountyPlatform``: read reports, comment to the reporter, resolve.

The close step is the one that writes to the outside world, so this client is careful about
what a failure means. A GET and a state change can simply be retried (a state change is
idempotent once we check the state first). A comment cannot: a 5xx or a dropped connection
after the server applied it would post it twice, so the client re-reads the report and looks
for the comment before it tries again. A 429 means the server refused before acting, so any
request is retried after the ``Retry-After`` it names.

Credentials come from the environment and travel only in the ``Authorization`` header; every
text the server sends back (error bodies, reason phrases) goes through ``core.remote.Secrets``
before a message quotes it, so a server that reflects the credentials cannot put them on stderr
or in the journal.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from psirt import __version__
from psirt.core.config import BountyConfig
from psirt.core.errors import NotFoundError, PsirtError, RemoteError
from psirt.core.records import Activity, Bounty, Report
from psirt.core.remote import (
    RetryPolicy,
    Secrets,
    Transient,
    keep_out_of_logs,
    rate_limited,
    retrying,
    write_once,
)

ENV_USERNAME = "HACKERONE_API_USERNAME"
ENV_TOKEN = "HACKERONE_API_TOKEN"

JsonObject = dict[str, Any]


class HackerOneClient:
    """The HackerOne API v1 client; one ``httpx.Client`` shared by every call (thread safe)."""

    def __init__(
        self,
        base_url: str,
        username: str,
        token: str,
        *,
        report_url: str = BountyConfig().report_url,
        timeout: float = 30.0,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        max_in_flight: int = 8,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._report_url = report_url
        self._retry = retry
        self._sleep = sleep
        self._max_in_flight = max(1, max_in_flight)
        self._timeout = timeout
        self._clean = Secrets.of(token, basic=(username, token))
        keep_out_of_logs(self._clean)
        self._http = httpx.Client(
            auth=httpx.BasicAuth(username, token),
            timeout=timeout,
            headers={
                "Accept": "application/json",
                "User-Agent": f"psirt/{__version__}",
            },
        )

    @classmethod
    def from_env(
        cls,
        config: BountyConfig,
        env: Mapping[str, str] | None = None,
        **options: Any,
    ) -> HackerOneClient:
        """Build the client from ``[bounty]`` in psirt.toml and the API identifier + token."""
        source = os.environ if env is None else env
        missing = [name for name in (ENV_USERNAME, ENV_TOKEN) if not source.get(name)]
        if missing:
            raise PsirtError(
                f"HackerOne credentials missing: set {' and '.join(missing)} "
                "(the API identifier and token from the program's API settings)"
            )
        return cls(
            config.url,
            source[ENV_USERNAME],
            source[ENV_TOKEN],
            report_url=config.report_url,
            **options,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HackerOneClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads -------------------------------------------------------------------------------

    def whoami(self) -> str:
        """The programs the API user reaches (``GET /me/programs``): a check of the
        credentials that reads no report (``psirt doctor``)."""
        response = self._send("GET", "/me/programs", report_id="(credentials check)")
        data = _json(response, "(credentials check)").get("data")
        handles = [
            str(item.get("attributes", {}).get("handle") or item.get("id"))
            for item in data or []
            if isinstance(item, dict)
        ]
        return f"programs: {', '.join(handles) or 'none'}"

    def get_report(self, report_id: str) -> Report:
        response = self._send("GET", f"/reports/{report_id}", report_id=report_id)
        return report_from_json(_json(response, report_id), self._report_url)

    def get_reports(self, report_ids: Iterable[str]) -> list[Report]:
        """Several reports at once, in the order asked; reads run concurrently."""
        ids = list(dict.fromkeys(str(i) for i in report_ids))
        if len(ids) <= 1:
            return [self.get_report(i) for i in ids]
        with ThreadPoolExecutor(max_workers=min(self._max_in_flight, len(ids))) as pool:
            return list(pool.map(self.get_report, ids))

    def list_reports_without_bounty(self, report_ids: Iterable[str]) -> list[Report]:
        """The reports of the release that nobody has paid yet (the close note reminds of them)."""
        return [r for r in self.get_reports(report_ids) if not r.has_bounty]

    # -- writes ------------------------------------------------------------------------------

    def add_comment(self, report_id: str, message: str, *, internal: bool = False) -> Activity:
        """Post a comment once, even when the answer is lost.

        After a 5xx or a dropped connection the report is read again: a comment with the same
        message and visibility means the first attempt landed, and it is returned instead of
        posting a second one.
        """
        body = {
            "data": {
                "type": "activity-comment",
                "attributes": {"message": message, "internal": internal},
            }
        }
        path = f"/reports/{report_id}/activities"

        def send() -> Activity:
            response = self._send("POST", path, report_id=report_id, json=body, uncertain=True)
            data = _json(response, report_id).get("data")
            if not isinstance(data, dict):
                raise _shape_error(report_id, "data")
            return activity_from_json(data)

        return write_once(
            self._retry,
            self._sleep,
            send,
            lambda: self._find_comment(report_id, message, internal),
            lambda last: self._gave_up("POST", path, report_id, last),
        )

    def change_state(self, report_id: str, state: str, message: str) -> Report:
        """Move the report to ``state`` unless it is there already; returns the report after."""
        current = self.get_report(report_id)
        if current.state == state:
            return current
        body = {
            "data": {"type": "state-change", "attributes": {"state": state, "message": message}}
        }
        path = f"/reports/{report_id}/state_changes"

        def send() -> Report:
            response = self._send("POST", path, report_id=report_id, json=body, uncertain=True)
            data = _json(response, report_id).get("data")
            if isinstance(data, dict) and data.get("type") == "report":
                return report_from_json({"data": data}, self._report_url)
            return self.get_report(report_id)

        def landed() -> Report | None:
            current = self.get_report(report_id)
            return current if current.state == state else None

        return write_once(
            self._retry,
            self._sleep,
            send,
            landed,
            lambda last: self._gave_up("POST", path, report_id, last),
        )

    # -- plumbing ----------------------------------------------------------------------------

    def _find_comment(self, report_id: str, message: str, internal: bool) -> Activity | None:
        report = self.get_report(report_id)
        for activity in reversed(report.activities):
            if (
                activity.type == "activity-comment"
                and activity.message == message
                and activity.internal == internal
            ):
                return activity
        return None

    def _send(
        self,
        method: str,
        path: str,
        *,
        report_id: str,
        json: JsonObject | None = None,
        uncertain: bool = False,
    ) -> httpx.Response:
        """One logical request with retries.

        ``uncertain=True`` (non-idempotent writes) turns a 5xx or a lost connection into
        ``UncertainWrite`` for the caller to resolve, instead of retrying here.
        """
        where = f"HackerOne report {report_id}"

        def once() -> httpx.Response:
            try:
                response = self._http.request(method, self._base + path, json=json)
            except httpx.TimeoutException as exc:
                raise Transient(
                    f"{type(exc).__name__}: no answer within {self._timeout:g}s ([remote] timeout)"
                ) from None
            except httpx.TransportError as exc:
                raise Transient(f"{type(exc).__name__}: connection failed or dropped") from None
            status = response.status_code
            if status == 429:
                raise Transient(
                    "429 Too Many Requests",
                    rate_limited=True,
                    retry_after=response.headers.get("Retry-After"),
                    reset=response.headers.get("RateLimit-Reset"),
                )
            if status >= 500:
                raise Transient(f"{status} {self._clean(response.reason_phrase)}")
            if status == 404:
                raise NotFoundError(
                    f"HackerOne has no report {report_id} (or the API user cannot see it)",
                    where=where,
                )
            if status in (401, 403):
                raise RemoteError(
                    f"HackerOne refused the credentials ({status}) for {method} {path}: check "
                    f"{ENV_USERNAME} and {ENV_TOKEN} and the API user's program access",
                    where=where,
                )
            if status >= 400:
                raise RemoteError(
                    f"HackerOne answered {status} to {method} {path}: "
                    + self._clean(_error_detail(response)),
                    where=where,
                )
            return response

        def too_long(wait: float) -> RemoteError:
            cap = self._retry.max_retry_after
            return rate_limited("HackerOne", f"{method} {path}", wait, cap, where=where)

        return retrying(
            self._retry,
            self._sleep,
            once,
            uncertain=uncertain,
            too_long=too_long,
            gave_up=lambda last: self._gave_up(method, path, report_id, last),
        )

    def _gave_up(self, method: str, path: str, report_id: str, last: str) -> RemoteError:
        return RemoteError(
            f"HackerOne: {method} {path} failed {self._retry.attempts} times (last: {last})",
            where=f"HackerOne report {report_id}",
        )


# -- JSON:API mapping (pure) -----------------------------------------------------------------


def report_from_json(document: JsonObject, report_url: str = "") -> Report:
    """Map a ``GET /reports/{id}`` document to a ``Report``."""
    data = document.get("data")
    if not isinstance(data, dict):
        raise _shape_error("?", "data")
    report_id = str(data.get("id", "?"))
    attributes = data.get("attributes")
    if not isinstance(attributes, dict) or not isinstance(attributes.get("title"), str):
        raise _shape_error(report_id, "data.attributes.title")
    relationships = data.get("relationships") or {}
    reporter = _related(relationships, "reporter") or {}
    severity = _related(relationships, "severity") or {}
    weakness = _related(relationships, "weakness") or {}
    activities = _related_list(relationships, "activities")
    bounties = _related_list(relationships, "bounties")
    collaborators = [
        str((user.get("attributes") or {}).get("username") or "")
        for user in _related_list(relationships, "collaborators")
    ]
    reporter_attrs = reporter.get("attributes") or {}
    severity_attrs = severity.get("attributes") or {}
    weakness_attrs = weakness.get("attributes") or {}
    score = severity_attrs.get("score")
    return Report(
        id=report_id,
        title=attributes["title"],
        reporter=str(reporter_attrs.get("username") or ""),
        state=str(attributes.get("state") or ""),
        severity_rating=severity_attrs.get("rating"),
        severity_score=float(score) if isinstance(score, int | float) else None,
        weakness=weakness_attrs.get("name"),
        cwe=_cwe(weakness_attrs.get("external_id")),
        activities=tuple(activity_from_json(a) for a in activities),
        bounties=tuple(_bounty(b, report_id) for b in bounties),
        url=report_url.format(id=report_id) if report_url else "",
        collaborators=tuple(name for name in collaborators if name),
    )


def activity_from_json(data: JsonObject) -> Activity:
    attributes = data.get("attributes") or {}
    actor = ((data.get("relationships") or {}).get("actor") or {}).get("data") or {}
    actor_attrs = actor.get("attributes") or {}
    return Activity(
        type=str(data.get("type", "")),
        message=str(attributes.get("message") or ""),
        internal=bool(attributes.get("internal", False)),
        author=str(actor_attrs.get("username") or actor_attrs.get("name") or ""),
        created_at=_timestamp(attributes.get("created_at")),
    )


def _bounty(data: JsonObject, report_id: str) -> Bounty:
    attributes = data.get("attributes") or {}
    return Bounty(
        amount=_decimal(attributes.get("amount", attributes.get("awarded_amount")), report_id),
        bonus_amount=_decimal(
            attributes.get("bonus_amount", attributes.get("awarded_bonus_amount")), report_id
        ),
        awarded_at=_timestamp(attributes.get("created_at")),
    )


def _related(relationships: JsonObject, name: str) -> JsonObject | None:
    entry = relationships.get(name)
    if not isinstance(entry, dict):
        return None
    data = entry.get("data")
    return data if isinstance(data, dict) else None


def _related_list(relationships: JsonObject, name: str) -> list[JsonObject]:
    entry = relationships.get(name)
    if not isinstance(entry, dict) or not isinstance(entry.get("data"), list):
        return []
    return [item for item in entry["data"] if isinstance(item, dict)]


def _cwe(external_id: object) -> str | None:
    """HackerOne spells CWE ids ``cwe-79``; the rest of psirt writes ``CWE-79``."""
    if not isinstance(external_id, str):
        return None
    prefix, _, number = external_id.strip().partition("-")
    if prefix.lower() != "cwe" or not number.isdigit():
        return None
    return f"CWE-{int(number)}"


def _decimal(value: object, report_id: str) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise _shape_error(report_id, f"bounty amount {value!r}") from None


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json(response: httpx.Response, report_id: str) -> JsonObject:
    try:
        document = response.json()
    except ValueError:
        raise _shape_error(report_id, "a JSON body") from None
    if not isinstance(document, dict):
        raise _shape_error(report_id, "a JSON object")
    return document


def _error_detail(response: httpx.Response) -> str:
    """The JSON:API ``errors`` titles and details, or the reason phrase."""
    try:
        document = response.json()
    except ValueError:
        return response.reason_phrase or "no detail"
    errors = document.get("errors") if isinstance(document, dict) else None
    if isinstance(errors, list) and errors:
        parts = []
        for error in errors[:3]:
            if isinstance(error, dict):
                text = " - ".join(str(error[k]) for k in ("title", "detail") if error.get(k))
                parts.append(text or str(error.get("status", "")))
        return "; ".join(p for p in parts if p) or response.reason_phrase
    return response.reason_phrase or "no detail"


def _shape_error(report_id: str, missing: str) -> RemoteError:
    return RemoteError(
        f"HackerOne answered in an unexpected shape: expected {missing}",
        where=f"HackerOne report {report_id}",
    )
