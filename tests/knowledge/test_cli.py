"""The commands through the real Typer app shell (``run_app``), and once as an installed command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from psirt.cli import knowledge
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode

from .test_cwe import write_catalog


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        pass

    knowledge.register(app)
    code = run_app(app, args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cwe_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cwe", "CWE-400"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "CWE-400: Uncontrolled Resource Consumption"
    assert "usage:       Discouraged" in out
    assert "suggestions: CWE-770, CWE-771" in out
    assert "catalog:     CWE 4.14" in out


def test_cwe_json_has_the_issue_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cwe", "cwe-400", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert {"id", "name", "abstraction", "usage", "suggestions"} <= set(data)
    assert (data["id"], data["usage"], data["suggestions"][0]) == (
        "CWE-400",
        "Discouraged",
        "CWE-770",
    )


def test_cwe_show_is_the_explicit_spelling(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cwe", "show", "1009"], capsys)
    assert code == 0 and "kind:        category" in out and "abstraction" not in out


@pytest.mark.parametrize(
    ("cwe_id", "message"),
    [("CWE-999999", "unknown CWE id: CWE-999999"), ("XSS", 'not a CWE id: "XSS"')],
)
def test_cwe_errors_are_one_line(
    cwe_id: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["cwe", cwe_id], capsys)
    assert code == ExitCode.USAGE
    assert out == ""
    assert err.strip().startswith("psirt: error:") and message in err
    assert len(err.strip().splitlines()) == 1


def test_cwe_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from psirt.knowledge import cwe

    monkeypatch.setenv(cwe.CACHE_ENV, str(tmp_path / "cache"))
    cwe.load_catalog.cache_clear()
    xml = write_catalog(tmp_path / "cwec_v9.1.xml", "9.1")
    code, out, _ = run(["cwe", "update", "--from", str(xml), "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert (data["version"], data["entries"], data["in_use"]) == ("9.1", 5, "9.1")
    code, out, _ = run(["cwe", "400"], capsys)
    assert "Renamed Resource Consumption" in out and "CWE 9.1" in out


def test_cwe_update_text_notes_when_a_newer_catalog_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from psirt.knowledge import cwe

    cwe.load_catalog.cache_clear()
    xml = write_catalog(tmp_path / "cwec_v1.0.xml", "1.0")
    monkeypatch.setattr(cwe, "cache_dir", lambda: tmp_path / "cache" / "cwe")
    code, out, _ = run(["cwe", "update", "--from", str(xml)], capsys)
    assert code == 0
    assert "indexed CWE 1.0" in out and "note: CWE 4.14 is newer and stays in use" in out


def test_cwe_update_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["cwe", "update", "--from", str(tmp_path / "nope.xml")], capsys)
    assert code == ExitCode.USAGE and "nope.xml: no such file" in err


def test_cvss_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cvss", "AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"
    assert "base score: 6.5 (MEDIUM)" in out and "label:      severity::3" in out
    assert "attackVector: NETWORK" in out


def test_cvss_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["cvss", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "--format", "json"], capsys
    )
    data = json.loads(out)
    assert (code, data["base_score"], data["label"], data["gitlab_severity"]) == (
        0,
        9.8,
        "severity::1",
        1,
    )
    assert data["cvssV3_1"]["baseSeverity"] == "CRITICAL"


def test_cvss_uses_the_workspace_label_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "psirt.toml").write_text('[labels]\nseverity_prefix = "sev::"\n')
    app = typer.Typer(add_completion=False)
    from psirt.cli.app import _root

    app.callback()(_root)
    knowledge.register(app)
    code = run_app(app, ["-w", str(tmp_path), "cvss", "AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"])
    out = capsys.readouterr().out
    assert code == 0 and "label:      sev::3" in out


def test_cvss_bad_vector(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["cvss", "AV:Q/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"], capsys)
    assert code == ExitCode.USAGE and out == ""
    assert err.strip() == (
        "psirt: error: vector 'AV:Q/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H': "
        "AV: unknown value 'Q' (expected N, A, L, P)"
    )


def test_schedule_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schedule", "--year", "2026"], capsys)
    assert code == 0
    assert "18.10    2026-03-19  2026-03-11    2026-03-25" in out
    assert "19.0     2026-05-21" in out


def test_schedule_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schedule", "-y", "2025", "--format", "json"], capsys)
    rows = {r["version"]: r for r in json.loads(out)}
    assert code == 0
    assert rows["18.3"] == {
        "version": "18.3",
        "date": "2025-08-21",
        "patch_before": "2025-08-13",
        "patch_after": "2025-08-27",
    }


def test_schedule_before_the_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["schedule", "--year", "2019"], capsys)
    assert code == ExitCode.USAGE and "the calendar rule holds from 2023" in err


def test_installed_command_json(session_cache: Path) -> None:
    env = {**os.environ, "PSIRT_CACHE_DIR": str(session_cache)}
    done = subprocess.run(
        [sys.executable, "-m", "psirt", "cwe", "CWE-400", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["usage"] == "Discouraged"


def test_cwe_options_may_come_before_the_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cwe", "--format", "json", "79"], capsys)
    assert code == 0 and json.loads(out)["id"] == "CWE-79"
