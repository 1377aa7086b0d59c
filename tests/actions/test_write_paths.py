"""Every write to a tracker, HackerOne or a CNA goes through an action, and every action is
applied by the executor, which applies only with ``live`` (``test_executor`` checks the dry run
writes nothing). Read from the source (AST), so a new direct write anywhere in ``src/psirt``
fails here before it can run without ``--live``."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import psirt

SRC = Path(psirt.__file__).parent

#: The port methods that change something outside the workspace.
WRITES = frozenset(
    {
        # Tracker
        "create_issue",
        "update_issue",
        "create_note",
        "update_note",
        "link_issues",
        "unlink_issues",
        "set_confidential",
        # BountyPlatform
        "add_comment",
        "change_state",
        # Cna
        "publish",
        "update_cna_container",
    }
)
#: Whole-record seeding of the local back ends: only the generators of a new workspace may
#: call them (``psirt demo``, ``psirt init``), and both write into an empty folder only.
SEEDING = frozenset({"save_issue", "save_merge_request", "save_report"})
SEEDERS = {"demo/build.py", "workflows/init.py"}

ALLOWED_WRITERS = {
    "actions/tracker_actions.py",
    "actions/bounty_actions.py",
    "actions/cna_actions.py",
}
#: Who may call ``Action.apply``: the executor alone.
ALLOWED_APPLIERS = {"actions/executor.py"}


def _calls(names: frozenset[str]) -> dict[str, set[str]]:
    """Method calls by name (``x.name(...)``), per source file, outside the method's own
    definition."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in names
            ):
                found[node.func.attr].add(path.relative_to(SRC).as_posix())
    return found


def _own(path: str) -> bool:
    """The back ends themselves call their own helpers (``self.save_report`` in the local
    bounty, ``self._tracker`` in the gitlab-cves port, whose ``publish`` is itself called only
    from ``PublishCve.apply``); those files implement the port."""
    return path.startswith(("trackers/", "bounty/", "cna/"))


def test_only_actions_call_a_write_method() -> None:
    calls = _calls(WRITES)
    assert calls, "the scan found nothing: it would be blind"
    strays = {
        name: sorted(p for p in paths if p not in ALLOWED_WRITERS and not _own(p))
        for name, paths in calls.items()
    }
    assert {name: paths for name, paths in strays.items() if paths} == {}


def test_only_the_workspace_generators_seed_records() -> None:
    calls = _calls(SEEDING)
    strays = {p for paths in calls.values() for p in paths if p not in SEEDERS and not _own(p)}
    assert strays == set()


def test_only_the_executor_applies_actions() -> None:
    calls = _calls(frozenset({"apply"}))
    assert set(calls["apply"]) <= ALLOWED_APPLIERS


def test_only_run_plan_builds_an_executor() -> None:
    """Commands run their plans through ``actions.run.run_plan`` (journal and ``live`` in one
    place); nobody else calls ``execute`` or builds an ``ExecutionContext``."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in {"execute", "ExecutionContext", "Journal"}:
                    found[name].add(path.relative_to(SRC).as_posix())
    assert found["execute"] and found["ExecutionContext"], "the scan would be blind"
    assert {p for paths in found.values() for p in paths} == {"actions/run.py"}
