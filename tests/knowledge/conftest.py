"""A private CWE cache for the whole session: the bundled catalog is parsed once, into tmp."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from psirt.knowledge import cwe


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("psirt-cache")


@pytest.fixture(autouse=True)
def _cache_dir(session_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(cwe.CACHE_ENV, str(session_cache))
    cwe.load_catalog.cache_clear()
    yield
    cwe.load_catalog.cache_clear()
