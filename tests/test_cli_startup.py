"""The command line starting up: ``--version``, a fast ``--help``, usage errors in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from psirt import __version__
from psirt.core.errors import ExitCode


def test_version_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "psirt", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"psirt {__version__}"


def test_help_does_not_import_heavy_modules() -> None:
    probe = (
        "import sys; from psirt.cli.common import run_app; from psirt.cli.app import app;"
        "run_app(app, ['--help']);"
        "heavy = [m for m in ('gitlab', 'cvss', 'pydantic', 'ruamel.yaml', 'httpx', 'jinja2',"
        " 'cvelib', 'cwe2') if m in sys.modules]; print('HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stdout


def test_usage_errors_are_reported_not_raised() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "psirt", "cvss"], capture_output=True, text=True, check=False
    )
    assert result.returncode == ExitCode.USAGE
    assert result.stderr.startswith("psirt: error: Missing argument")
    assert len(result.stderr.splitlines()) == 1


LIGHT_COMMANDS = [
    ["cwe", "CWE-79"],
    ["cwe", "--format", "json", "400"],
    ["cvss", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"],
    ["cvss", "--format", "json", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"],
    ["schedule"],
    ["schedule", "--year", "2026", "--format", "json"],
    ["rules"],
    ["rules", "--format", "json"],
]
HEAVY = (
    "pydantic",
    "ruamel.yaml",
    "jinja2",
    "gitlab",
    "httpx",
    "cvelib",
    "cwe2",
    "jsonschema",
    "jsonschema_rs",
    "psirt.core.config",
    "psirt.model.release",
    "psirt.workflows.validate",
)


@pytest.mark.parametrize("args", LIGHT_COMMANDS, ids=" ".join)
def test_commands_that_do_little_import_little(args: list[str], tmp_path: Path) -> None:
    """Outside a workspace, a lookup parses its arguments and answers without the config
    (pydantic), Typer's pydantic conversion, the YAML or template engines, or any rule module:
    which modules are imported is asserted, not how long it takes."""
    probe = (
        "import sys; from psirt.cli.common import run_app; from psirt.cli.app import app;"
        f"code = run_app(app, {args!r});"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules];"
        "print('EXIT', code, 'HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert "EXIT 0 HEAVY []" in result.stdout, result.stdout + result.stderr


def test_a_wrong_value_still_gets_typers_message(tmp_path: Path) -> None:
    """Values the light conversion does not take go to Typer's own, with its message."""
    result = subprocess.run(
        [sys.executable, "-m", "psirt", "schedule", "--year", "next"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == ExitCode.USAGE
    assert "Invalid value for '--year'" in result.stderr and "valid integer" in result.stderr
    assert len(result.stderr.splitlines()) == 1
