"""Writing a file so that readers and crashes see either the old file or the new one.

Every file psirt writes (workspace records, the local CNA's records, the blog post, the CVE
export, the CWE index cache) goes through ``atomic_write``: a temporary file with a unique name
in the same folder (two writers never share one, and ``os.replace`` stays on one file system),
flushed and fsynced, then renamed over the target, and the folder fsynced so the rename lasts.

A process killed between the two leaves its temporary file behind, and it holds whatever was
being written: confidential issue text, an unpublished CVE record. The temporary's name says
which process wrote it (``.<name>.psirt-<host>-<pid>-<random>.tmp``), so a process's first
write to a folder and every command's start (``remove_stale_temporaries`` over the workspace)
delete the ones whose process on this host is gone, and never a live writer's.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import tempfile
from collections.abc import Iterable
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
    _sweep_once(path.parent)
    fd, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.psirt-{_HOST}-{os.getpid()}-", suffix=".tmp", dir=path.parent
    )
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


def write_if_changed(path: Path, text: str) -> bool:
    """``atomic_write`` unless ``path`` is a regular file (not a link) that already holds
    ``text`` byte for byte; whether it wrote. An export of a thousand unchanged records then
    rewrites (and syncs to disk) none of them, and their times stay as they were."""
    try:
        if stat.S_ISREG(os.lstat(path).st_mode) and path.read_bytes() == text.encode("utf-8"):
            return False
    except (OSError, UnicodeEncodeError):
        pass  # missing, unreadable or unencodable: the write says what is wrong
    atomic_write(path, text)
    return True


_HOST = re.sub(r"[^A-Za-z0-9.]+", "_", socket.gethostname()) or "host"
_TEMPORARY = re.compile(r"^\..+\.psirt-(?P<host>[A-Za-z0-9._]+)-(?P<pid>[0-9]+)-[^/]*\.tmp$")
#: Folders no workspace file lives in (and that can be large).
_SKIPPED_FOLDERS = frozenset({".git", ".venv", "node_modules", "__pycache__"})


def remove_stale_temporaries(root: Path) -> list[Path]:
    """Delete the temporary files under ``root`` that an interrupted ``atomic_write`` of a
    process on this host that no longer runs left behind; returns them."""
    found: list[Path] = []
    for folder, folders, files in os.walk(root):
        folders[:] = [f for f in folders if f not in _SKIPPED_FOLDERS]
        found += [Path(folder, name) for name in files if name.endswith(".tmp")]
    return _remove_stale(found)


_swept: set[Path] = set()


def _sweep_once(folder: Path) -> None:
    """Delete the stale temporaries of ``folder`` the first time this process writes there: a
    temporary left behind later is a live writer's, and a look per write would read the whole
    folder for every file written into it (an export of a thousand records)."""
    if folder in _swept:
        return
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        _remove_stale([Path(entry.path) for entry in entries if entry.name.endswith(".tmp")])
    _swept.add(folder)


def _remove_stale(candidates: Iterable[Path]) -> list[Path]:
    removed: list[Path] = []
    for path in candidates:
        match = _TEMPORARY.match(path.name)
        if match is None or match["host"] != _HOST or _alive(int(match["pid"])):
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


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
