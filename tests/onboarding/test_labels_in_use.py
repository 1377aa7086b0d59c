"""``labels_in_use`` (what ``psirt doctor`` looks for) names every label the code reads or
writes: a new use of a ``[labels]`` setting anywhere in psirt must be added there."""

from __future__ import annotations

import re
from pathlib import Path

import psirt
from psirt.core.config import Config, LabelsConfig
from psirt.core.labels import labels_in_use

SRC = Path(psirt.__file__).parent
#: Settings whose labels are families, not one label to look for: a weakness label per CWE.
FAMILIES = {"weakness_prefix"}
#: Files that only define the labels, or seed the demo's records with them.
NOT_USES = {"core/config.py", "core/labels.py", "demo/build.py", "demo/data.py"}


def test_every_label_setting_the_code_uses_is_checked() -> None:
    fields = set(LabelsConfig.model_fields)
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.relative_to(SRC).as_posix() in NOT_USES:
            continue
        for name in re.findall(r"labels\.(\w+)", path.read_text(encoding="utf-8")):
            if name == "severity":
                name = "severity_prefix"  # labels.severity(level) builds severity::N
            if name in fields:
                used.add(name)
    assert used, "the scan found nothing: it would be blind"
    checked = {use.key for use in labels_in_use(Config())}
    assert used - FAMILIES == checked


def test_each_use_names_a_configured_project() -> None:
    config = Config()
    projects = set(config.projects.model_dump().values())
    for use in labels_in_use(config):
        assert use.projects and set(use.projects) <= projects, use
        assert use.purpose
