"""The list of rules as ``psirt rules`` prints it, read from ``catalog.json`` beside this file.

Listing the rules by importing every rule module loads the whole toolkit (the model, the
config, the CVE YAML round trip); the list alone needs none of it. ``catalog.json`` is written
from the registry (``tests/rules/test_rule_catalog.py`` checks it is the registry, rule for
rule, and rewrites it with ``PSIRT_UPDATE_GOLDEN=1``), so each rule is still declared once, in
its module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from psirt.core.finding import Rule

CATALOG = Path(__file__).with_name("catalog.json")


def catalog_json(rules: Iterable[Rule]) -> str:
    """The catalog file's text for ``rules``, in their order."""
    return json.dumps([rule.to_json() for rule in rules], indent=1, ensure_ascii=False) + "\n"


def listed_rules() -> list[Rule]:
    """Every rule, in the registry's order, from the catalog file."""
    entries: list[dict[str, Any]] = json.loads(CATALOG.read_text(encoding="utf-8"))
    return [
        Rule(
            code=entry["code"],
            level=entry["level"],
            subject_kind=entry["subject_kind"],
            summary=entry["summary"],
            hint=entry["hint"],
        )
        for entry in entries
    ]
