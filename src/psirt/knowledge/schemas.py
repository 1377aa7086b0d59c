"""The official schemas documents are checked against: CVE JSON 5, the version each record
names; CSAF 2.0 (with the CVSS schemas it references) and OSV (shipped in ``data/``).

A CVE record says which schema it follows (``dataVersion``: ``5.0``, ``5.1``, ``5.1.1``, ``5.2``);
the official bundled schema of that version (CVEProject/cve-schema, shipped in ``cve_schemas/``)
checks it. ``schema_file`` is the one place that knows which file serves which version.

A CVE record is checked once, whole, by a compiled validator (``jsonschema_rs``); only a record
it refuses is checked again, by ``jsonschema``, whose messages name the field (the CNA container
first, then the record). Both read the same schema, without format checks, and agree on which
records are valid (``tests/knowledge/test_schema_validators.py``).
"""

from __future__ import annotations

import json
import re
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


@cache
def _compiled(name: str) -> Any:
    """The whole-record validator of one schema file, compiled (Rust), as ``jsonschema``'s
    Draft 7 validator judges: formats are annotations, not checks."""
    import jsonschema_rs

    return jsonschema_rs.Draft7Validator(_bundled(name), validate_formats=False)


def schema_valid(record: Any, data_version: str = NEWEST) -> bool:
    """Whether ``record`` is valid under the schema of ``data_version``, by the compiled
    validator alone (one pass over the record)."""
    return bool(_compiled(schema_file(data_version).name).is_valid(record))


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
    if not errors and _compiled(path.name).is_valid(record):
        return errors  # the common case: one compiled pass over the record
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


# --- CSAF 2.0 and OSV: official schemas shipped as package data (data/README.md) ------------

DATA = Path(__file__).parent / "data"

CSAF_SCHEMA_ID = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"
PROVIDER_SCHEMA_ID = "https://docs.oasis-open.org/csaf/csaf/v2.0/provider_json_schema.json"
_CVSS_SCHEMAS = ("cvss-v2.0", "cvss-v3.0", "cvss-v3.1")


def csaf_file_name(tracking_id: str) -> str:
    """The file name CSAF 2.0 section 5.1 derives from ``/document/tracking/id``: lower case,
    every run of characters other than ``a-z``, ``0-9``, ``+`` and ``-`` one ``_``, ``.json``."""
    return re.sub(r"[^+\-a-z0-9]+", "_", tracking_id.lower()) + ".json"


def _data(name: str) -> dict[str, Any]:
    data = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@cache
def _registry() -> Any:
    """Every shipped schema under the URL the others reference it by (and its own ``$id``), so
    no reference is ever fetched from the network."""
    from referencing import Registry, Resource

    resources: list[tuple[str, Resource[Any]]] = []
    for name in ("csaf_json_schema", "provider_json_schema", *_CVSS_SCHEMAS):
        contents = _data(f"csaf/{name}.json")
        resource = Resource.from_contents(contents)
        own = str(contents.get("$id") or contents.get("id") or "")
        urls = {own, own.split("?", 1)[0]} - {""}
        resources += [(url, resource) for url in sorted(urls)]
    osv = _data("osv/schema.json")
    resources.append((str(osv["$id"]), Resource.from_contents(osv)))
    return Registry().with_resources(resources)


def _format_checker() -> Any:
    """``date-time`` and ``uri`` checked without jsonschema's optional format packages."""
    from datetime import datetime
    from urllib.parse import urlsplit

    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())

    def date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value, re.I
        ):
            return False
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return True

    def uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and not any(c.isspace() for c in value)

    checker.checks("date-time", raises=ValueError)(date_time)
    checker.checks("uri")(uri)
    return checker


def _errors(schema_id: str, document: Any) -> list[str]:
    """Where ``document`` breaks the schema: ``path: message``, sorted by path."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

    registry = _registry()
    schema = registry.contents(schema_id)
    validator = Draft202012Validator(schema, registry=registry, format_checker=_format_checker())
    found = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    messages: list[str] = []
    for error in found:
        if error.context:  # anyOf/oneOf: the branch that came closest says what is wrong
            error = best_match(error.context)
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        messages.append(f"{where}: {error.message}")
    return messages


def csaf_errors(document: Any) -> list[str]:
    """Where a CSAF 2.0 document breaks the official CSAF 2.0 JSON schema; empty when valid.
    The mandatory tests of section 6.1 are not schema and are not run here."""
    return _errors(CSAF_SCHEMA_ID, document)


def provider_metadata_errors(document: Any) -> list[str]:
    """Where a ``provider-metadata.json`` breaks the CSAF 2.0 provider metadata schema."""
    return _errors(PROVIDER_SCHEMA_ID, document)


def osv_errors(record: Any) -> list[str]:
    """Where an OSV record breaks the official OSV schema (``ossf/osv-schema``)."""
    return _errors(str(_data("osv/schema.json")["$id"]), record)
