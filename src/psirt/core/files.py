"""Writing a file so that readers and crashes see either the old file or the new one.

Every file psirt writes (workspace records, the local CNA's records, the blog post, the CVE
export, the CWE index cache) goes through ``atomic_write``: a temporary file with a unique name
in the same folder (two writers never share one, and ``os.replace`` stays on one file system),
flushed and fsynced, then renamed over the target, and the folder fsynced so the rename lasts.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

#: The mode of a new file; a file that exists keeps its own.
NEW_FILE_MODE = 0o644


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 (newlines untranslated) to ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
