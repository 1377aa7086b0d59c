"""One live run per workspace at a time.

Two ``close --live`` (or ``validate --comment --live``) at once on one workspace both read the
same state, both find a note missing, and both write it: duplicated notes, HackerOne comments
and resolves, with every run exiting normally. So every live run holds an exclusive lock on the
workspace's ``.psirt.lock`` while it applies its plan, and a second run is refused at once
(exit 4), naming the holder: its pid, host, command and since when.

The lock is ``flock`` on the open file, so the kernel drops it when its process dies, however it
dies: a lock file left by a dead process is taken over by the next run without asking anyone.
The file's text says who holds it and which write is in flight (``WorkspaceLock.in_flight``); a
holder that ends normally empties it. So a new holder that finds text there knows the previous
one was killed, and in the middle of which write: when its rerun finds that write done, the
journal says it landed (``psirt.actions.executor``). (On GitLab, runs from
different machines do not share a workspace: there each write re-reads the issue first, so a
concurrent run's note is found, see ``psirt.actions``.)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from psirt.core.errors import RefusedError

LOCK_FILE = ".psirt.lock"


def running_command() -> str:
    """This process's command line, as the lock and messages name it (``psirt close --live``)."""
    return " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else "psirt"


@dataclass
class WorkspaceLock:
    """The lock held: ``previous`` is what a killed holder left in the file (``{}`` when the
    last holder ended normally)."""

    fd: int
    holder: dict[str, Any]
    previous: dict[str, Any] = field(default_factory=dict)

    @property
    def interrupted(self) -> str | None:
        """The write the previous holder had in flight when it was killed, if any."""
        value = self.previous.get("in_flight")
        return value if isinstance(value, str) else None

    def in_flight(self, what: str | None) -> None:
        """Say which write is under way (None: none), so a rerun after a kill knows."""
        self.holder["in_flight"] = what
        _write(self.fd, self.holder)


def _write(fd: int, data: dict[str, Any]) -> None:
    payload = (json.dumps(data) + "\n").encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, payload, 0)


@contextmanager
def workspace_lock(root: Path, command: str | None = None) -> Iterator[WorkspaceLock]:
    """Hold the workspace's lock for the ``with`` block; ``RefusedError`` when another
    process holds it."""
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RefusedError(
                f"another live run holds the workspace ({describe(_holder(fd))}); wait for it "
                "to finish, then run this command again (it finishes what is left)",
                where=str(path),
            ) from None
        holder: dict[str, Any] = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": command or running_command(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        lock = WorkspaceLock(fd, holder, previous=_holder(fd))
        _write(fd, holder)
        try:
            yield lock
        finally:
            if not holder.get("in_flight"):  # else (Ctrl-C in a write) the rerun needs to know
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)  # nobody holds it now; the kernel drops the lock on close
    finally:
        os.close(fd)


def _holder(fd: int) -> dict[str, Any]:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe(holder: dict[str, Any]) -> str:
    """``pid 4242 on host1, psirt close --live, since 2026-03-25T14:02:11+00:00``."""
    if not holder:
        return "a process that has not yet said who it is"
    return (
        f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
        f"{holder.get('command', '?')}, since {holder.get('since', '?')}"
    )
