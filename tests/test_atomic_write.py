"""``core.files.atomic_write``: the one way psirt replaces a file, used by every writer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from psirt.cna.local import LocalCna
from psirt.core.files import NEW_FILE_MODE, atomic_write
from psirt.workflows.blog import write_text


def test_writes_creates_the_folder_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "out" / "blog.md"
    atomic_write(path, "one\r\ntwo\n")
    assert path.read_bytes() == b"one\r\ntwo\n"  # newlines untranslated
    assert path.stat().st_mode & 0o777 == NEW_FILE_MODE
    assert [p.name for p in path.parent.iterdir()] == ["blog.md"]


def test_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o600)
    atomic_write(path, "[]")
    assert path.read_text(encoding="utf-8") == "[]"
    assert path.stat().st_mode & 0o777 == 0o600


def test_temporary_names_are_unique_in_the_target_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writers of the same file never share a temporary (the old ``blog.md.tmp`` did)."""
    seen: list[str] = []
    real = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append(src)
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    path = tmp_path / "blog.md"
    atomic_write(path, "a")
    write_text(path, "b")
    assert len(set(seen)) == 2
    assert all(Path(s).parent == tmp_path and Path(s).name.startswith(".blog.md.") for s in seen)


def test_a_failed_replace_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cna = LocalCna(tmp_path)
    record = {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2026-0001"}}
    cna.publish("CVE-2026-0001", record)
    path = cna.path("CVE-2026-0001")
    before = path.read_text(encoding="utf-8")

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        cna.publish("CVE-2026-0001", {**record, "containers": {}})
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert path.stat().st_mode & 0o777 == NEW_FILE_MODE  # not mkstemp's 0600


def test_write_if_changed_leaves_an_equal_file_alone(tmp_path: Path) -> None:
    from psirt.core.files import write_if_changed

    path = tmp_path / "CVE-2026-1.json"
    assert write_if_changed(path, "{}\n")
    before = path.stat()
    assert not write_if_changed(path, "{}\n")
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert write_if_changed(path, "{ }\n") and path.read_text() == "{ }\n"


def test_write_if_changed_replaces_a_link_even_to_equal_text(tmp_path: Path) -> None:
    from psirt.core.files import write_if_changed

    target = tmp_path / "elsewhere.json"
    target.write_text("{}\n")
    link = tmp_path / "CVE-2026-1.json"
    link.symlink_to(target)
    assert write_if_changed(link, "{}\n")
    assert not link.is_symlink() and link.read_text() == "{}\n"
