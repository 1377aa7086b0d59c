"""The golden-file comparison the rule tests share: a failure shows the unified diff."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest


def fail_unless_golden(text: str, golden: str, path: Path, what: str) -> None:
    """Fail with the diff from ``golden`` (the contents of ``path``) to ``text``, saying
    ``what`` differs, unless they are the same."""
    if text == golden:
        return
    diff = "".join(
        difflib.unified_diff(
            golden.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"golden/{path.name}",
            tofile="now",
        )
    )
    pytest.fail(f"{what} from the golden file (PSIRT_UPDATE_GOLDEN=1):\n{diff}")
