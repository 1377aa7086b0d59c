"""cve export writes a record file only when its text changes: a second export of the same
release rewrites none (their times stay), and an edited record is written again."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app


def test_a_second_export_rewrites_no_unchanged_record(
    demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cves"
    first_code = run_app(app, ["-w", str(demo_root), "cve", "export", "-o", str(out)])
    first_out = capsys.readouterr().out
    files = sorted(out.glob("*.json"))
    assert len(files) >= 5
    stamps = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in files}
    edited = files[0]
    edited.write_text(edited.read_text(encoding="utf-8") + " ", encoding="utf-8")
    edited_stamp = (edited.stat().st_ino, edited.stat().st_mtime_ns)

    assert run_app(app, ["-w", str(demo_root), "cve", "export", "-o", str(out)]) == first_code
    assert capsys.readouterr().out == first_out

    for path in files[1:]:
        assert (path.stat().st_ino, path.stat().st_mtime_ns) == stamps[path.name], path.name
    assert (edited.stat().st_ino, edited.stat().st_mtime_ns) != edited_stamp
    assert not edited.read_text(encoding="utf-8").endswith(" ")  # the edit was overwritten
