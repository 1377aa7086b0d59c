"""The official schemas records are checked against: CVE JSON 5, the version each record names.

A record says which schema it follows (``dataVersion``: ``5.0``, ``5.1``, ``5.1.1``, ``5.2``);
the official bundled schema of that version (CVEProject/cve-schema, shipped in ``cve_schemas/``)
checks it. ``schema_file`` is the one place that knows which file serves which version.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from psirt.core.errors import InputError

SCHEMA_DIR = Path(__file__).with_name("cve_schemas")

#: dataVersion (without a trailing ``.0``) -> the official bundled schema that checks it. Only
#: 5.1.1 ships so far (cve_schemas/README.md): 5.0, 5.1 and 5.2 records are checked against it.
SCHEMA_FILES: dict[str, str] = {
    "5.0": "CVE_JSON_bundled_5.1.1.json",
    "5.1": "CVE_JSON_bundled_5.1.1.json",
    "5.1.1": "CVE_JSON_bundled_5.1.1.json",
    "5.2": "CVE_JSON_bundled_5.1.1.json",
}
#: The version a record is written in when it names none it could be checked against.
NEWEST = "5.1.1"


def _key(data_version: str) -> str:
    parts = data_version.strip().split(".")
    while len(parts) > 2 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts)


def schema_file(data_version: str) -> Path:
    """The official schema file for a record's ``dataVersion`` (``5.2`` and ``5.2.0`` are one);
    InputError when psirt ships none for it."""
    name = SCHEMA_FILES.get(_key(data_version))
    if name is None:
        known = ", ".join(sorted(SCHEMA_FILES))
        raise InputError(f"dataVersion {data_version!r}: no CVE JSON schema (known: {known})")
    return SCHEMA_DIR / name


@cache
def _bundled(name: str) -> dict[str, Any]:
    data = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@cache
def _validators(name: str) -> tuple[Any, Any, Any]:
    """(published CNA container, rejected CNA container, whole record) of one schema file."""
    from jsonschema import Draft7Validator  # type: ignore[import-untyped]

    bundled = _bundled(name)

    def part(definition: str) -> Any:
        schema = {"$ref": f"#/definitions/{definition}", "definitions": bundled["definitions"]}
        return Draft7Validator(schema)

    return part("cnaPublishedContainer"), part("cnaRejectedContainer"), Draft7Validator(bundled)


def schema_errors(record: Any) -> list[str]:
    """Where a record breaks the CVE JSON 5 schema its ``dataVersion`` names; empty when valid.

    The CNA container is checked first against its definition, whose messages name the field;
    the record as a whole only when the container passed.
    """
    if not isinstance(record, dict):
        return ["record: expected a JSON object"]
    containers = record.get("containers")
    cna = containers.get("cna") if isinstance(containers, dict) else None
    if not isinstance(cna, dict):
        return ["containers.cna: missing (expected the CNA container object)"]
    errors: list[str] = []
    version = record.get("dataVersion")
    try:
        path = schema_file(str(version) if version is not None else "")
    except InputError as exc:
        errors.append(f"dataVersion: {exc.message}")
        path = schema_file(NEWEST)
    published, rejected, whole = _validators(path.name)
    state = (record.get("cveMetadata") or {}).get("state")
    container = rejected if state == "REJECTED" else published
    for error in sorted(container.iter_errors(cna), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in ("containers", "cna", *error.absolute_path))
        errors.append(f"{where}: {error.message}")
    if errors:
        return errors
    for error in whole.iter_errors(record):
        where = ".".join(str(p) for p in error.absolute_path) or "record"
        errors.append(f"{where}: {error.message}")
    return errors
