"""The demo's ``next:`` line runs as printed from a fresh shell, wherever it stands, and the
paths the demo prints work from where the user stands."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from psirt.core.errors import ExitCode
from psirt.knowledge import cwe

SCRIPT = Path(sys.executable).parent / "psirt"


@pytest.mark.skipif(not SCRIPT.is_file(), reason="psirt is not installed as a script here")
def test_the_next_line_works_from_a_fresh_shell(tmp_path: Path) -> None:
    # a fresh shell: the virtual environment not active, the suite's private CWE cache
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), cwe.CACHE_ENV: os.environ[cwe.CACHE_ENV]}
    (tmp_path / "here").mkdir()
    demo = subprocess.run(
        [str(SCRIPT), "demo", "release"],
        cwd=tmp_path / "here",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = demo.stdout.splitlines()
    assert lines[0] == "demo workspace written to release"
    written = next(line for line in lines if "blog post written to" in line)
    assert (tmp_path / "here" / written.split(" written to ")[1].split(":")[0]).is_file()
    next_line = next(line for line in lines if line.startswith("next: "))
    command = next_line.removeprefix("next: ")
    assert shlex.split(command)[0] == str(SCRIPT)  # not on PATH: its full path
    assert any("source " in line and "activate" in line for line in lines)
    (tmp_path / "elsewhere").mkdir()
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=tmp_path / "elsewhere",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == ExitCode.FINDINGS, result.stderr
    assert "security issues checked" in result.stdout
