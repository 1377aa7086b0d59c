"""The installed ``psirt`` command the benchmarks time: the one beside this Python, else on
``PATH``."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def psirt_executable() -> str:
    beside = Path(sys.executable).with_name("psirt")
    found = str(beside) if beside.exists() else shutil.which("psirt")
    if found is None:
        raise SystemExit("psirt not found: install the project first (pip install -e .)")
    return found
