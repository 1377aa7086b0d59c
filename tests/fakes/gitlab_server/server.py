"""The fake's HTTP side: a threaded server on 127.0.0.1, token authentication, the request and
write logs, and the fault switches (latency, an error status, a dropped connection, optionally
after the write was applied)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import SplitResult, parse_qs, urlsplit

from tests.fakes.gitlab_server.permissions import role_level
from tests.fakes.gitlab_server.routes import Request, Routes
from tests.fakes.gitlab_server.state import DEFAULT_TOKEN, DEFAULT_USER, HttpError


@dataclass
class Fault:
    """One injected fault, consumed by the next ``times`` matching requests."""

    kind: Literal["status", "drop", "answer"]
    times: int
    status: int = 503
    retry_after: int | str | None = None
    method: str | None = None
    path: str | None = None  # a substring of the request path
    after_apply: bool = False
    headers: dict[str, str] | None = None  # more answer headers (``RateLimit-Reset`` ...)
    payload: Any = None  # what an "answer" fault sends, with ``status``

    def matches(self, method: str, path: str) -> bool:
        if self.times <= 0:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or self.path in path


class FakeGitLab(Routes):
    """The server and its state. Thread-safe: one lock guards every read and write of state.

    ``token`` belongs to ``username``, whose role in every project (``role``, a name of
    ``ROLES``; None: no membership) and token ``scopes`` say what it may see and do. ``token``
    None turns authentication off (every request is ``username``'s). ``clock`` is what the rate
    limiters count time with (a ``ManualClock`` lets a test skip the waits)."""

    def __init__(
        self,
        *,
        token: str | None = DEFAULT_TOKEN,
        username: str = DEFAULT_USER,
        role: str | int | None = "maintainer",
        scopes: tuple[str, ...] = ("api",),
        latency: float = 0.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.token = token
        self.reflect_credentials = False  # error answers echo the request's token
        self.username = username
        self.default_role = role_level(role)
        self.scopes = tuple(scopes)
        self.latency = latency
        self._init_state(clock)
        self._init_history()
        self._init_limiters()
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []  # (method, path?query) as received
        self.writes: list[tuple[str, str, dict[str, Any]]] = []  # (method, path, JSON body)
        self.in_flight = 0
        self.max_in_flight_seen = 0  # the most requests being answered at one time
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.user_id(username)
        if token is not None:
            self.add_token(token, username, scopes=self.scopes)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeGitLab:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGitLab:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeGitLab is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return self.url if self._server is not None else "http://fake.invalid"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    # -- members, in the names the tests use -----------------------------------------------

    def set_role(self, project: str, role: str | int | None, username: str | None = None) -> None:
        """The role of ``username`` (the token's user by default) in ``project``; None: none."""
        level = role_level(role)
        name = username or self.username
        if level is None:
            self.add_project(project)
            self.remove_member(project, name)
        else:
            self.add_member(project, name, level)

    # -- fault switches --------------------------------------------------------------------

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: int | str | None = None,
        method: str | None = None,
        path: str | None = None,
        after_apply: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (after applying, if told)."""
        fault = Fault("status", times, status, retry_after, method, path, after_apply, headers)
        with self._lock:
            self.faults.append(fault)
        return fault

    def drop(
        self,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        after_apply: bool = False,
    ) -> Fault:
        """Close the socket without an answer; ``after_apply`` applies the write first."""
        fault = Fault("drop", times, method=method, path=path, after_apply=after_apply)
        with self._lock:
            self.faults.append(fault)
        return fault

    def answer(
        self, payload: Any, *, status: int = 200, times: int = 1, method: str = "GET", path: str
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``payload`` instead of the route's
        (a proxy or a broken instance that answers 200 with the wrong shape)."""
        fault = Fault("answer", times, status, None, method, path, payload=payload)
        with self._lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.times -= 1
                    return fault
        return None

    # -- one request -----------------------------------------------------------------------

    def handle(
        self,
        method: str,
        raw_path: str,
        query: dict[str, list[str]],
        body: dict[str, Any],
        token: str | None,
    ) -> tuple[int, Any, dict[str, str]]:
        """Authenticate, then route one request; returns (status, JSON payload, headers)."""
        if self.token is None:
            user, scopes = self.username, self.scopes
        else:
            record = self.token_record(token)
            if record is None:
                raise HttpError(401, "401 Unauthorized")
            user, scopes = record.username, record.scopes
        if not raw_path.startswith("/api/v4/"):
            raise HttpError(404, "404 Not found")
        parts = raw_path[len("/api/v4/") :].strip("/").split("/")
        with self._lock:
            return self.route(Request(method, raw_path, parts, query, body, user, scopes))


def _make_handler(fake: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            with fake._lock:
                fake.requests.append((method, self.path))
                fake.in_flight += 1
                fake.max_in_flight_seen = max(fake.max_in_flight_seen, fake.in_flight)
            try:
                self._answer(method, split, raw)
            finally:
                with fake._lock:
                    fake.in_flight -= 1

        def _answer(self, method: str, split: SplitResult, raw: bytes) -> None:
            if fake.latency:
                time.sleep(fake.latency)
            fault = fake._take_fault(method, split.path)
            if fault is not None and not fault.after_apply:
                self._fault(fault)
                return
            try:
                body = json.loads(raw) if raw else {}
                if not isinstance(body, dict):
                    raise HttpError(400, "body must be a JSON object")
            except json.JSONDecodeError:
                self._send(400, {"message": "400 Bad request - malformed JSON"}, {})
                return
            except HttpError as err:
                self._send(err.status, err.payload, err.headers)
                return
            query = parse_qs(split.query, keep_blank_values=True)
            try:
                with fake._lock:
                    if method != "GET":
                        fake.writes.append((method, split.path, body))
                    token = self.headers.get("PRIVATE-TOKEN")
                    status, payload, headers = fake.handle(method, split.path, query, body, token)
            except HttpError as err:
                status, payload, headers = err.status, err.payload, err.headers
            if fault is not None:
                self._fault(fault)
                return
            self._send(status, payload, headers)

        def _fault(self, fault: Fault) -> None:
            if fault.kind == "drop":
                self.close_connection = True
                return
            if fault.kind == "answer":
                self._send(fault.status, fault.payload, {})
                return
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            headers.update(fault.headers or {})
            message = "Retry later" if fault.status == 429 else f"{fault.status} Server error"
            self._send(fault.status, {"message": message}, headers)

        def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
            reason = None
            if fake.reflect_credentials and status >= 400:
                # a broken proxy that echoes the request's credentials back
                echoed = f"you sent PRIVATE-TOKEN {self.headers.get('PRIVATE-TOKEN')}"
                payload = {"message": echoed, "error": echoed}
                reason = echoed
            data = json.dumps(payload).encode()
            self.send_response(status, reason)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
