"""The demo ends with what comes after the release (``cve status`` against the workspace's
local CNA, the ``disclose`` dry run), reading only; the checklist names the disclosure date from
``[disclosure]`` in psirt.toml."""

from __future__ import annotations

from pathlib import Path

from psirt.core.workspace import Workspace
from psirt.render.checklist import build_checklist, render_checklist
from psirt.session import open_session
from psirt.workflows.demo import STEPS, cve_status_step, disclose_step
from tests.conftest import tree_digest


def test_the_demo_ends_with_cve_status_and_the_disclose_dry_run(demo_root: Path) -> None:
    assert STEPS[-2:] == (cve_status_step, disclose_step)
    session = open_session(Workspace(demo_root))
    before = tree_digest(demo_root)
    status = cve_status_step(session)
    assert any("RESERVED" in line for line in status.lines)
    assert any("PUB001" in line for line in status.lines)  # the demo release is long past
    disclosure = disclose_step(session)
    assert disclosure.lines[0].startswith("released 2026-03-25; issues public from 2026-04-24")
    assert any("held back" in line for line in disclosure.lines)
    assert tree_digest(demo_root) == before


def test_checklist_names_the_disclosure_date_from_the_config(demo_root: Path) -> None:
    config = demo_root / "psirt.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[disclosure]\nissues_public_after_days = 90\n",
        encoding="utf-8",
    )
    snapshot = open_session(Workspace(demo_root)).snapshot()
    text = render_checklist(build_checklist(snapshot), snapshot.config)
    assert "- [ ] On 2026-06-23, make the release's issues public: `psirt disclose`" in text
