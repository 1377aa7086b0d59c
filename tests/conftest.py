"""What the whole suite shares: no network beyond loopback, a private cache directory, and the
demo workspace built once.

The demo takes a quarter of a second to build and milliseconds to copy, so tests that change a
workspace get a fresh copy of one session-wide build (``demo_root``) and tests that only read it
use the build itself (``demo_template``; they must not write to it).
"""

from __future__ import annotations

import hashlib
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psirt.core import parsed_cache
from psirt.knowledge import cwe

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
_refused: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _loopback_only() -> Iterator[None]:
    """Name lookups and connections beyond loopback are refused (as if offline) and recorded;
    a test that tried one fails (``_no_network``). Fake servers listen on 127.0.0.1."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in LOOPBACK:
            _refused.append(str(name))
            raise socket.gaierror(socket.EAI_NONAME, f"tests: no network beyond loopback ({name})")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            _refused.append(str(address[0]))
            raise ConnectionRefusedError(f"tests: no network beyond loopback ({address[0]})")
        real_connect(self, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        patch.setattr(socket.socket, "connect", connect)
        yield


@pytest.fixture(autouse=True)
def _no_network() -> Iterator[None]:
    start = len(_refused)
    yield
    tried = _refused[start:]
    assert not tried, f"the test tried to reach {sorted(set(tried))}: use a loopback fake"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CWE index goes to a temporary folder, never the user's cache (subprocesses inherit
    it), so no test depends on what an earlier run, or the user, left there. Workspaces keep
    no cache of parsed files either (a test that counts parses, or reads the shared demo, sees
    what a first run does); ``tests/core/test_parsed_cache.py`` turns it on where it is the
    subject."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cwe.CACHE_ENV, str(tmp_path_factory.mktemp("psirt-cache")))
        patch.setenv(parsed_cache.SWITCH_ENV, "off")
        cwe.load_catalog.cache_clear()
        yield
    cwe.load_catalog.cache_clear()


def tree_digest(root: Path) -> str:
    """One hash of every file's path and bytes under ``root``, but for the cache of parsed
    files (``core.parsed_cache``), which a read may write and no record is in."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and parsed_cache.CACHE_FOLDER not in path.relative_to(root).parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo workspace, built once per session: read it, copy it, never change it (the
    session ends with an error if a test did)."""
    from psirt.demo.build import build_demo

    root = tmp_path_factory.mktemp("demo-template") / "ws"
    build_demo(root)
    before = tree_digest(root)
    yield root.resolve()
    assert tree_digest(root) == before, "a test changed the shared demo workspace; copy it"


@pytest.fixture
def demo_root(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo workspace for one test, at ``tmp_path / "ws"``."""
    root = tmp_path / "ws"
    shutil.copytree(demo_template, root)
    return root.resolve()
