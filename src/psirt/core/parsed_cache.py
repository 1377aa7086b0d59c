"""What each workspace YAML text parsed to, kept between runs, so a text is parsed once.

A release of a thousand fixes is several thousand record files, and building Python values
from YAML is most of the time a command spends reading them. Every command reads the same
files, so the values read-only loaders built are kept in the workspace's ``.psirt-cache/``
(``parsed.json``), keyed by a digest of the text and the loader that read it: an edited file
has another digest and is parsed again; nothing is keyed by path or time, so a copy, a
``git checkout`` or an edit in the same second cannot make a stale entry current.

Only what a loader returned without a problem is kept, and only values JSON holds exactly
(mappings with string keys, lists, strings, numbers, booleans, null): a text whose value is
anything else is parsed every time. Round-trip documents (comments and quoting, for a write)
are never cached.

The cache holds what the workspace files hold, confidential text included, so it lives inside
the workspace (and only for a local workspace: nothing read from GitLab is written to disk),
readable by its owner only, with a ``.gitignore`` so a workspace kept in git never commits it
and a ``CACHEDIR.TAG`` so backup tools may skip it. A file that cannot be read, is not the
shape this module writes, or was written by another version of psirt or of the YAML library is
ignored and replaced. Deleting the folder only costs the next run its speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from psirt.core.files import atomic_write

CACHE_FOLDER: Final = ".psirt-cache"
CACHE_FILE: Final = "parsed.json"
#: A cache file larger than this is not read (a damaged or hostile file, not a cache).
MAX_CACHE_BYTES: Final = 512 * 1024 * 1024
#: Entries a run did not use are kept while there are at most this many per entry it used
#: (plus ``SPARE_ENTRIES``): a release's edits leave old texts behind, and a cache of them
#: all would grow with every release and be read, whole, by every command.
KEEP_PER_USED: Final = 2
SPARE_ENTRIES: Final = 1_000
_GITIGNORE: Final = "# psirt's cache of parsed workspace files: never committed\n*\n"
_CACHEDIR_TAG: Final = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is a cache of parsed workspace files created by psirt; it may be deleted.\n"
)
_FORMAT: Final = 1


def _stamp() -> str:
    """What the values depend on besides the text: this module's format, psirt's and ruamel's
    versions (a new resolver may read a text otherwise). A loader names itself with a version
    of its own (``"mapping-safe/1"``), to be raised when it comes to read a text otherwise."""
    from importlib.metadata import PackageNotFoundError, version

    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "?"

    return f"{_FORMAT}/psirt {of('psirt')}/ruamel.yaml {of('ruamel.yaml')}"


def json_exact(value: Any) -> bool:
    """Whether JSON gives ``value`` back as it is: dicts with string keys, lists, strings,
    numbers, booleans and None, and nothing else (a set, bytes, a date or a tuple is not).
    A list or mapping met twice is not either: YAML anchors share one (JSON would copy it) or
    make a cycle (JSON cannot write one, and a walk would never end)."""
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict or kind is list:
            if id(item) in seen:
                return False
            seen.add(id(item))
        if kind is dict:
            if any(type(key) is not str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind not in (str, int, float, bool) and item is not None:
            return False
    return True


class ParsedCache:
    """Digest of (loader, text) → the value as JSON text; decoded afresh on every hit, so no
    two readers share (and could change) one value."""

    def __init__(self, entries: dict[str, str] | None = None) -> None:
        self._entries: dict[str, str] = dict(entries or {})
        self._used: set[str] = set()
        self.hits = 0
        self.misses = 0
        self._added = False

    @staticmethod
    def _key(loader: str, text: str) -> str:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20)
        digest.update(b"\0" + loader.encode())
        return digest.hexdigest()

    def get(self, loader: str, text: str) -> tuple[bool, Any]:
        """``(True, value)`` when ``loader`` parsed ``text`` before; else ``(False, None)``."""
        key = self._key(loader, text)
        stored = self._entries.get(key)
        if stored is not None:
            try:
                value = json.loads(stored)
            except ValueError:
                self._entries.pop(key, None)
            else:
                self._used.add(key)
                self.hits += 1
                return True, value
        self.misses += 1
        return False, None

    def put(self, loader: str, text: str, value: Any) -> None:
        """Keep ``value`` when JSON holds it exactly; otherwise nothing is kept."""
        if not json_exact(value):
            return
        try:
            stored = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (ValueError, RecursionError):  # nesting deeper than json writes
            return
        key = self._key(loader, text)
        self._entries[key] = stored
        self._used.add(key)
        self._added = True

    @property
    def changed(self) -> bool:
        return self._added

    def entries_to_keep(self) -> dict[str, str]:
        """Every entry while the unused ones are few; else only those this run used."""
        if len(self._entries) <= KEEP_PER_USED * len(self._used) + SPARE_ENTRIES:
            return self._entries
        return {key: value for key, value in self._entries.items() if key in self._used}


def cache_path(root: Path) -> Path:
    return root / CACHE_FOLDER / CACHE_FILE


def read_cache(root: Path) -> ParsedCache:
    """The workspace's cache; an empty one when there is none or it cannot be used (also when
    the folder or the file is a symbolic link, or the file is no regular file: a FIFO there
    would make a read wait forever)."""
    path = cache_path(root)
    try:
        if path.parent.is_symlink():
            return ParsedCache()
        data = json.loads(_read_regular(path))
    except (OSError, ValueError, RecursionError):
        return ParsedCache()
    if not isinstance(data, dict) or data.get("stamp") != _stamp():
        return ParsedCache()
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return ParsedCache()
    return ParsedCache({k: v for k, v in entries.items() if isinstance(v, str)})


def _read_regular(path: Path) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``MAX_CACHE_BYTES``, opened
    without following a link or waiting on a FIFO; ``OSError`` otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_CACHE_BYTES:
            raise OSError(f"{path}: not a cache file")
        return handle.read(MAX_CACHE_BYTES + 1)


def write_cache(root: Path, cache: ParsedCache) -> None:
    """Save ``cache`` when this run added to it; a folder that cannot be written only costs
    the next run its speed."""
    if not cache.changed:
        return
    folder = root / CACHE_FOLDER
    with contextlib.suppress(OSError):
        if folder.is_symlink():
            return
        folder.mkdir(mode=0o700, exist_ok=True)
        _write_once(folder / ".gitignore", _GITIGNORE)
        _write_once(folder / "CACHEDIR.TAG", _CACHEDIR_TAG)
        path = folder / CACHE_FILE
        if not path.exists():  # a new file is its owner's only: it holds confidential text
            path.touch(mode=0o600)
        text = json.dumps({"stamp": _stamp(), "entries": cache.entries_to_keep()})
        atomic_write(path, text)


def _write_once(path: Path, text: str) -> None:
    if not path.exists():
        atomic_write(path, text)


_active: ParsedCache | None = None


def active() -> ParsedCache | None:
    """The cache loaders consult in this process, if a local workspace's session opened one."""
    return _active


@contextlib.contextmanager
def cached_parsing(root: Path) -> Iterator[ParsedCache]:
    """Loaders use ``root``'s cache inside the block; what they added is saved when it ends
    (also after an error: what was parsed stays parsed)."""
    global _active
    cache, previous = read_cache(root), _active
    _active = cache
    try:
        yield cache
    finally:
        _active = previous
        write_cache(root, cache)


#: ``PSIRT_PARSE_CACHE=off`` turns the cache off (to time a cold run, or to rule the cache out).
SWITCH_ENV: Final = "PSIRT_PARSE_CACHE"


def disabled_by(env: Mapping[str, str]) -> bool:
    return env.get(SWITCH_ENV, "").strip().lower() in ("off", "0", "no", "false")
