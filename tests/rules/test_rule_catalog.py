"""``psirt rules`` reads the rule list from ``rules/catalog.json`` (without importing every rule
module); the file must be the registry, rule for rule, in order. A new or changed rule:
``PSIRT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/rules/test_rule_catalog.py`` rewrites it."""

from __future__ import annotations

import os

from psirt.rules.catalog import CATALOG, catalog_json, listed_rules
from psirt.rules.registry import load_all


def test_the_catalog_is_the_registry() -> None:
    registry = list(load_all())
    if os.environ.get("PSIRT_UPDATE_GOLDEN"):
        CATALOG.write_text(catalog_json(registry), encoding="utf-8")
    assert listed_rules() == registry, (
        "rules/catalog.json differs from the rules declared in psirt.rules: run "
        "PSIRT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/rules/test_rule_catalog.py"
    )
