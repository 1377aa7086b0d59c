"""A throwaway web server on loopback, for tests that need a page to answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run ``handler`` on 127.0.0.1 and a free port; yields ``http://host:port``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.daemon = True
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()


class _Stalled(BaseHTTPRequestHandler):
    """Reads the request, then answers nothing until the test is long over."""

    connections = 0
    lock = threading.Lock()

    def handle_one_request(self) -> None:
        with _Stalled.lock:
            type(self).connections += 1
        self.rfile.readline()
        threading.Event().wait(STALL_SECONDS)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


#: How long a stalled server holds a connection before closing it without an answer: long
#: enough that a client without a working timeout reports a dropped connection, not a timeout.
STALL_SECONDS = 15.0


@contextmanager
def stalled() -> Iterator[tuple[str, type[_Stalled]]]:
    """A server that accepts connections and never answers: yields its URL and the handler
    class, whose ``connections`` counts the attempts that reached it."""
    handler = type("Stalled", (_Stalled,), {"connections": 0})
    with serve(handler) as url:
        yield url, handler
