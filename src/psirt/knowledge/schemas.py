"""The official schemas records are checked against: CVE JSON 5 (as cvelib ships it)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _schema(name: str) -> dict[str, Any]:
    from cvelib.cve_api import CveRecord

    path = Path(str(getattr(CveRecord.Schemas, name)))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def schema_errors(record: Any) -> list[str]:
    """Where a record breaks the CVE JSON 5 schema (5.1.1, as cvelib ships it); empty when valid.

    The CNA container is checked against the published-container schema, whose messages name
    the field; the record as a whole against the bundled schema only when the container passed.
    """
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]

    if not isinstance(record, dict):
        return ["record: expected a JSON object"]
    containers = record.get("containers")
    cna = containers.get("cna") if isinstance(containers, dict) else None
    if not isinstance(cna, dict):
        return ["containers.cna: missing (expected the CNA container object)"]
    errors: list[str] = []
    validator = Draft7Validator(_schema("CNA_PUBLISHED"))
    for error in sorted(validator.iter_errors(cna), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in ("containers", "cna", *error.absolute_path))
        errors.append(f"{where}: {error.message}")
    if errors:
        return errors
    whole = Draft7Validator(_schema("V5_SCHEMA"))
    for error in whole.iter_errors(record):
        where = ".".join(str(p) for p in error.absolute_path) or "record"
        errors.append(f"{where}: {error.message}")
    return errors
