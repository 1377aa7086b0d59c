"""The CWE index psirt ships is the bundled catalog's, entry for entry, and a lookup in an
empty cache reads it instead of parsing the 14 MB XML."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from psirt.knowledge import cwe


def _shipped_path() -> Path:
    return cwe.SHIPPED_DIR / f"cwe-{cwe.catalog_version(cwe.bundled_xml())}.json"


def test_the_shipped_index_is_the_bundled_catalog_parsed() -> None:
    parsed = cwe.parse_catalog_xml(cwe.bundled_xml())
    expected = parsed.to_json()
    expected["source"] = f"cwe2 {cwe.bundled_xml().name}"  # not this machine's path
    path = _shipped_path()
    if os.environ.get("PSIRT_UPDATE_GOLDEN"):
        path.write_text(json.dumps(expected, separators=(",", ":")), encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == expected


def test_an_empty_cache_reads_the_shipped_index_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cwe.CACHE_ENV, str(tmp_path / "empty"))
    cwe.load_catalog.cache_clear()

    def no_parsing(path: Path) -> cwe.CweCatalog:
        raise AssertionError("the shipped index should have been used")

    monkeypatch.setattr(cwe, "parse_catalog_xml", no_parsing)
    entry = cwe.load_catalog().get("CWE-79")
    assert entry is not None and entry.usage == "Allowed"
    # and it is kept in the cache, as a parsed index would be
    assert (tmp_path / "empty" / "cwe" / _shipped_path().name).is_file()


def test_a_broken_shipped_index_falls_back_to_the_xml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / _shipped_path().name).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(cwe, "SHIPPED_DIR", shipped)
    monkeypatch.setenv(cwe.CACHE_ENV, str(tmp_path / "empty"))
    cwe.load_catalog.cache_clear()
    assert cwe.load_catalog().get("CWE-400") is not None
