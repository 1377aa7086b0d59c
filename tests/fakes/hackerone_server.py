"""A stateful fake of HackerOne API v1 on 127.0.0.1, for the real ``HackerOneClient``.

It speaks HTTP with basic auth and JSON:API bodies shaped like the real API (reports with
``relationships.reporter/severity/weakness/activities/bounties``), keeps the state that the
client changes, logs every request, and injects the failures the client must survive: N times
429 with ``Retry-After``, N times 5xx, a dropped connection before or after the write is
applied, and latency.

The small HTTP machinery (``FaultPlan``, ``RequestLog``, ``LoopbackServer``) is reused by the
fake CVE Services server.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from psirt.core.records import REPORT_STATES

FaultKind = Literal["429", "5xx", "drop", "drop_after_apply", "5xx_after_apply"]


@dataclass
class Fault:
    kind: FaultKind
    times: int
    method: str | None = None
    path_contains: str | None = None
    retry_after: str | None = "1"
    status: int = 503
    title: str = "Service Unavailable"
    headers: dict[str, str] | None = None  # more answer headers (``RateLimit-Reset`` ...)

    def matches(self, method: str, path: str) -> bool:
        return (
            self.times > 0
            and (self.method is None or self.method == method)
            and (self.path_contains is None or self.path_contains in path)
        )


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FaultPlan:
    """Failures queued by tests; each matching request consumes one."""

    faults: list[Fault] = field(default_factory=list)
    latency: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def take(self, method: str, path: str, *, after_apply: bool) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.kind.endswith("_after_apply") != after_apply:
                    continue
                if fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None


class LoopbackServer:
    """A ``ThreadingHTTPServer`` on 127.0.0.1, port 0, run in a daemon thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def root(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class JsonHandler(BaseHTTPRequestHandler):
    """Reads a JSON body, logs it, applies latency and faults, then dispatches to ``app``."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on keep-alive connections
    app: FakeApp  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _handle(self) -> None:
        app = self.app
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        path = self.path
        app.log.append(LoggedRequest(self.command, path, dict(self.headers.items()), body))
        if app.faults.latency:
            with app.state_lock:
                app.in_flight += 1
                app.peak_in_flight = max(app.peak_in_flight, app.in_flight)
            time.sleep(app.faults.latency)
            with app.state_lock:
                app.in_flight -= 1
        if not app.authorized(self.headers):
            self._send(*app.unauthorized())
            return
        fault = app.faults.take(self.command, path, after_apply=False)
        if fault is not None:
            if fault.kind == "drop":
                self._drop()
                return
            if fault.kind == "429":
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                headers.update(fault.headers or {})
                self._send(429, app.error_body(429, "Too Many Requests"), headers)
                return
            self._send(fault.status, app.error_body(fault.status, fault.title))
            return
        with app.state_lock:
            status, payload = app.dispatch(self.command, path, body)
        after = app.faults.take(self.command, path, after_apply=True)
        if after is not None and 200 <= status < 300:
            if after.kind == "drop_after_apply":
                self._drop()
                return
            self._send(after.status, app.error_body(after.status, after.title))
            return
        self._send(status, payload)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        reason = None
        if self.app.reflect_credentials and status >= 400:
            # a broken gateway that echoes the request's credential headers back
            sent = ", ".join(
                f"{name}: {self.headers.get(name)}"
                for name in ("Authorization", "CVE-API-KEY")
                if self.headers.get(name)
            )
            decoded = _basic_password(self.headers.get("Authorization") or "")
            reason = f"you sent {sent} {decoded}"
            payload = self.app.error_body(status, reason)
        data = json.dumps(payload).encode()
        self.send_response(status, reason)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        """Close the socket without a byte of answer, as a crashed proxy would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class FakeApp:
    """What a concrete fake provides: auth, errors, dispatch; plus shared log and faults."""

    def __init__(self) -> None:
        self.log: list[LoggedRequest] = []
        self.faults = FaultPlan()
        self.state_lock = threading.RLock()
        self.in_flight = 0
        self.peak_in_flight = 0  # measured while latency is set: how many requests overlapped
        self.reflect_credentials = False  # error answers echo the request's credentials
        self._server: LoopbackServer | None = None

    def authorized(self, headers: Any) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def unauthorized(self) -> tuple[int, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def error_body(self, status: int, title: str) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def dispatch(self, method: str, path: str, body: Any) -> tuple[int, Any]:  # pragma: no cover
        raise NotImplementedError

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        handler = type("Handler", (JsonHandler,), {"app": self})
        self._server = LoopbackServer(handler)
        self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Any:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        assert self._server is not None, "server not started"
        return self._server.root

    # -- test switches -----------------------------------------------------------------------

    def fail(
        self,
        kind: FaultKind,
        times: int = 1,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        retry_after: str | None = "1",
        status: int = 503,
        title: str = "Service Unavailable",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue ``times`` failures of ``kind`` for requests matching ``method``/``path``.

        ``"5xx"`` answers ``status`` (any status, so a 4xx refusal can be injected too).
        """
        fault = Fault(kind, times, method, path_contains, retry_after, status, title, headers)
        self.faults.add(fault)

    def set_latency(self, seconds: float) -> None:
        self.faults.latency = seconds

    def requests(self, method: str | None = None, contains: str = "") -> list[LoggedRequest]:
        return [
            r
            for r in list(self.log)
            if (method is None or r.method == method) and contains in r.path
        ]


# -- HackerOne -------------------------------------------------------------------------------

_REPORT = re.compile(r"^/v1/reports/(?P<id>[^/?]+)(?P<rest>/[a-z_]+)?/?(?:\?.*)?$")


def _basic_password(authorization: str) -> str:
    """The user:password of a basic ``Authorization`` header, decoded ('' for any other)."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(value).decode()
    except ValueError:
        return ""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _user(username: str) -> dict[str, Any]:
    return {
        "id": str(abs(hash(username)) % 100000),
        "type": "user",
        "attributes": {
            "username": username,
            "name": username.title(),
            "disabled": False,
            "created_at": "2016-02-02T04:05:06.000Z",
            "profile_picture": {},
        },
    }


@dataclass
class FakeReport:
    id: str
    title: str
    reporter: str
    state: str = "triaged"
    severity_rating: str | None = "medium"
    severity_score: float | None = 5.4
    weakness_name: str | None = "Cross-site Scripting (XSS) - Stored"
    weakness_external_id: str | None = "cwe-79"
    activities: list[dict[str, Any]] = field(default_factory=list)
    bounties: list[dict[str, Any]] = field(default_factory=list)

    def comments(self) -> list[dict[str, Any]]:
        return [a for a in self.activities if a["type"] == "activity-comment"]

    def to_json(self) -> dict[str, Any]:
        relationships: dict[str, Any] = {
            "reporter": {"data": _user(self.reporter)},
            "program": {"data": {"id": "1", "type": "program", "attributes": {"handle": "gitlab"}}},
            "activities": {"data": self.activities},
            "bounties": {"data": self.bounties},
        }
        if self.severity_rating is not None:
            relationships["severity"] = {
                "data": {
                    "id": "57",
                    "type": "severity",
                    "attributes": {
                        "rating": self.severity_rating,
                        "score": self.severity_score,
                        "author_type": "Team",
                        "user_id": 1,
                        "created_at": "2024-01-01T00:00:00.000Z",
                    },
                }
            }
        if self.weakness_name is not None:
            relationships["weakness"] = {
                "data": {
                    "id": "60",
                    "type": "weakness",
                    "attributes": {
                        "name": self.weakness_name,
                        "description": "",
                        "external_id": self.weakness_external_id,
                        "created_at": "2017-01-01T00:00:00.000Z",
                    },
                }
            }
        return {
            "id": self.id,
            "type": "report",
            "attributes": {
                "title": self.title,
                "state": self.state,
                "created_at": "2024-01-01T00:00:00.000Z",
                "vulnerability_information": "...",
                "triaged_at": "2024-01-02T00:00:00.000Z",
                "closed_at": None,
                "disclosed_at": None,
            },
            "relationships": relationships,
        }


class FakeHackerOne(FakeApp):
    """``with FakeHackerOne() as h1: h1.add_report(...); client = HackerOneClient(h1.url, ...)``."""

    def __init__(self, username: str = "psirt-api", token: str = "h1-secret-token") -> None:
        super().__init__()
        self.username = username
        self.token = token
        self.reports: dict[str, FakeReport] = {}
        self._next_id = 9000

    @property
    def url(self) -> str:
        return f"{self.root}/v1"

    def add_report(self, report_id: str, title: str, reporter: str, **fields: Any) -> FakeReport:
        report = FakeReport(report_id, title, reporter, **fields)
        self.reports[report_id] = report
        return report

    def add_bounty(self, report_id: str, amount: str, bonus: str = "0.00") -> None:
        self.reports[report_id].bounties.append(
            {
                "id": str(self._new_id()),
                "type": "bounty",
                "attributes": {
                    "amount": amount,
                    "bonus_amount": bonus,
                    "awarded_amount": amount,
                    "awarded_bonus_amount": bonus,
                    "awarded_currency": "USD",
                    "created_at": _now(),
                },
            }
        )

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- FakeApp -----------------------------------------------------------------------------

    def authorized(self, headers: Any) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.token}".encode()).decode()
        return bool(headers.get("Authorization") == f"Basic {expected}")

    def unauthorized(self) -> tuple[int, Any]:
        return 401, self.error_body(401, "Unauthorized")

    def error_body(self, status: int, title: str) -> Any:
        return {"errors": [{"status": status, "title": title, "detail": title}]}

    def dispatch(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if method == "GET" and path.split("?")[0] == "/v1/me/programs":
            # the customer API's "Get programs": the programs the API user is a member of
            program = {"id": "1", "type": "program", "attributes": {"handle": "gitlab"}}
            return 200, {"data": [program], "links": {}}
        match = _REPORT.match(path)
        if not match:
            return 404, self.error_body(404, "Not Found")
        report = self.reports.get(match["id"])
        if report is None:
            return 404, self.error_body(404, "Not Found")
        rest = match["rest"] or ""
        if method == "GET" and rest == "":
            return 200, {"data": report.to_json()}
        if method == "POST" and rest == "/activities":
            return self._comment(report, body)
        if method == "POST" and rest == "/state_changes":
            return self._state_change(report, body)
        return 404, self.error_body(404, "Not Found")

    def _comment(self, report: FakeReport, body: Any) -> tuple[int, Any]:
        data = body.get("data") if isinstance(body, dict) else None
        attributes = data.get("attributes") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("type") != "activity-comment"
            or not isinstance(attributes, dict)
            or not isinstance(attributes.get("message"), str)
            or not attributes["message"]
            or not isinstance(attributes.get("internal", False), bool)
        ):
            return 400, {"errors": [{"status": 400, "title": "Invalid Parameter"}]}
        activity = {
            "id": str(self._new_id()),
            "type": "activity-comment",
            "attributes": {
                "message": attributes["message"],
                "internal": attributes.get("internal", False),
                "created_at": _now(),
                "updated_at": _now(),
            },
            "relationships": {"actor": {"data": _user(self.username)}},
        }
        report.activities.append(activity)
        return 201, {"data": activity}

    def _state_change(self, report: FakeReport, body: Any) -> tuple[int, Any]:
        data = body.get("data") if isinstance(body, dict) else None
        attributes = data.get("attributes") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("type") != "state-change"
            or not isinstance(attributes, dict)
            or attributes.get("state") not in REPORT_STATES
        ):
            return 400, {"errors": [{"status": 400, "title": "Invalid Parameter"}]}
        if attributes["state"] == report.state:
            # Refused, so a client that does not check the state first is caught by the tests.
            return 400, {
                "errors": [{"status": 400, "title": "Invalid state change", "detail": "same state"}]
            }
        report.state = attributes["state"]
        kind = "activity-bug-resolved" if report.state == "resolved" else "activity-bug-triaged"
        report.activities.append(
            {
                "id": str(self._new_id()),
                "type": kind,
                "attributes": {
                    "message": attributes.get("message") or "",
                    "internal": False,
                    "created_at": _now(),
                },
                "relationships": {"actor": {"data": _user(self.username)}},
            }
        )
        return 200, {"data": report.to_json()}
