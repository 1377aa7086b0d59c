"""``psirt cve lint`` over folders, ``-`` and many files: the same findings in the same order
whether one process or several lint them, printed record by record as the lint goes."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.render.findings import TextFormat
from psirt.workflows import record_lint
from psirt.workflows.record_lint import RecordLint, record_paths

CORPUS = Path(__file__).parent.parent / "data" / "records"


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """The corpus laid out as the CVE list mirror does (year/NNxxx/CVE-ID.json), with a file
    that is not a record beside it (not ``*.json``: not read)."""
    root = tmp_path / "cves"
    for index, path in enumerate(sorted(CORPUS.glob("*.json"))):
        folder = root / str(2020 + index % 3) / f"{index % 4}xxx"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)
    (root / "README.md").write_text("not a record", encoding="utf-8")
    return root


def _one_shot(paths: list[Path]) -> str:
    """The text the lint printed before it streamed: the whole report at once."""
    return TextFormat().format(RecordLint(paths, jobs=1).report()) + "\n"


def test_a_folder_is_every_json_file_below_it_in_order(mirror: Path) -> None:
    paths = record_paths([mirror])
    assert len(paths) == len(list(CORPUS.glob("*.json")))
    assert paths == sorted(paths) and all(p.suffix == ".json" for p in paths)


def test_dash_reads_the_paths_from_standard_input(mirror: Path) -> None:
    listed = sorted(mirror.rglob("*.json"))[:5]
    stdin = io.StringIO("\n".join(str(p) for p in listed) + "\n\n")
    assert record_paths([Path("-")], stdin) == listed


def test_several_processes_report_what_one_does_in_the_same_order(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_lint, "PARALLEL_FROM", 2)
    monkeypatch.setattr(record_lint, "CHUNK", 3)
    paths = record_paths([mirror])
    parallel = RecordLint(paths, jobs=2)
    assert parallel.parallel
    one = RecordLint(paths, jobs=1)
    assert not one.parallel
    assert parallel.report() == one.report()
    assert parallel.checked == len(paths) and parallel.findings  # the corpus has findings


def test_the_command_streams_the_same_text_for_a_folder_and_for_dash(
    mirror: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = record_paths([mirror])
    expected = _one_shot(paths)
    assert run_app(app, ["cve", "lint", str(mirror)]) == 1  # the corpus has errors
    assert capsys.readouterr().out == expected
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(map(str, paths))))
    assert run_app(app, ["cve", "lint", "-", "--jobs", "2"]) == 1
    assert capsys.readouterr().out == expected


def test_json_output_of_a_folder_lists_every_finding(
    mirror: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_app(app, ["cve", "lint", "--format", "json", str(mirror)])
    listed = json.loads(capsys.readouterr().out)["findings"]
    assert [f["code"] for f in listed] == [
        f.code for f in RecordLint(record_paths([mirror]), jobs=1).report().findings
    ]


def test_a_bad_file_in_a_folder_stops_with_its_name_after_the_records_before_it(
    mirror: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(record_lint, "PARALLEL_FROM", 2)
    bad = mirror / "zzzz" / "CVE-2099-0001.json"
    bad.parent.mkdir()
    bad.write_text("{not json", encoding="utf-8")
    assert run_app(app, ["cve", "lint", "--jobs", "2", str(mirror)]) == 2
    captured = capsys.readouterr()
    assert f"{bad}:1" in captured.err and "not JSON" in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "apache-CVE-2024-38475.json" in captured.out  # what came before was reported
