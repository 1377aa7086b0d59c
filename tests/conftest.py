"""What the whole suite shares: a private cache directory, and the demo workspace built once.

The demo takes a quarter of a second to build and milliseconds to copy, so tests that change a
workspace get a fresh copy of one session-wide build (``demo_root``) and tests that only read it
use the build itself (``demo_template``; they must not write to it).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from psirt.knowledge import cwe


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CWE index goes to a temporary folder, never the user's cache (subprocesses inherit
    it), so no test depends on what an earlier run, or the user, left there."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cwe.CACHE_ENV, str(tmp_path_factory.mktemp("psirt-cache")))
        cwe.load_catalog.cache_clear()
        yield
    cwe.load_catalog.cache_clear()


def tree_digest(root: Path) -> str:
    """One hash of every file's path and bytes under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
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
