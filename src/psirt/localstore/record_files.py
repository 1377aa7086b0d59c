"""Reading and writing record files through a cache keyed by (path, mtime_ns, size)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from stat import S_ISREG
from typing import Any, TypeVar

from psirt.core.errors import NotFoundError, WorkspaceError
from psirt.core.files import atomic_write
from psirt.core.text import with_newlines_of

_T = TypeVar("_T")


def check_regular(path: Path, mode: int) -> None:
    """Only regular files are records: reading a FIFO would wait forever, a device for ever more."""
    if not S_ISREG(mode):
        raise WorkspaceError("not a regular file (a folder, FIFO or device?)", path=str(path))


class RecordFiles:
    """Reads record files through a cache keyed by (path, mtime_ns, size) and writes them
    atomically; counts the reads that reached the disk."""

    def __init__(self) -> None:
        self.reads = 0
        self._cache: dict[Path, tuple[tuple[int, int], str, Any]] = {}

    def load(self, path: Path, decode: Callable[[str], _T], missing: str) -> tuple[str, _T]:
        """``(text, decoded record)``; ``NotFoundError(missing)`` when there is no such file."""
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise NotFoundError(missing, where=str(path)) from None
        except OSError as exc:
            raise WorkspaceError(f"cannot read: {exc.strerror}", path=str(path)) from exc
        check_regular(path, stat.st_mode)
        key = (stat.st_mtime_ns, stat.st_size)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == key:
            return hit[1], hit[2]
        text = self.read_text(path)
        value = decode(text)
        self._cache[path] = (key, text, value)
        return text, value

    def read_text(self, path: Path) -> str:
        self.reads += 1
        try:
            check_regular(path, path.stat().st_mode)
            data = path.read_bytes()
        except OSError as exc:
            raise WorkspaceError(f"cannot read: {exc.strerror}", path=str(path)) from exc
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise WorkspaceError("expected UTF-8 text", path=str(path), line=line) from None

    def existing_text(self, path: Path) -> str | None:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        hit = self._cache.get(path)
        if hit is not None and hit[0] == (stat.st_mtime_ns, stat.st_size):
            return hit[1]
        return self.read_text(path)

    def write(self, path: Path, text: str, decode: Callable[[str], _T]) -> _T:
        """Decode ``text`` first (a file psirt cannot read back is never written), then write.

        The file keeps its line endings (CRLF when its first line ends so, as an editor on
        Windows saves it); a new file takes those of its first line: never mixed endings."""
        existing = self.existing_text(path)
        text = with_newlines_of(text if existing is None else existing, text)
        value = decode(text)
        atomic_write(path, text)
        stat = path.stat()
        self._cache[path] = ((stat.st_mtime_ns, stat.st_size), text, value)
        return value
