"""The command line starting up: ``--version``, a fast ``--help``, usage errors in one line."""

from __future__ import annotations

import subprocess
import sys

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
