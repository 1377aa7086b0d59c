"""The compiled schema validator (jsonschema-rs) and the reference (jsonschema) agree on which
records are valid: every record of the corpus and records broken on purpose, in ways a schema
sees (types, required fields, patterns, enums, lengths, the REJECTED shape) and ways it does not.
``schema_errors`` reports nothing exactly when both accept the record."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator  # type: ignore[import-untyped]

from psirt.knowledge.schemas import NEWEST, _bundled, schema_errors, schema_file, schema_valid
from tests.rules.broken_records import BROKEN, CLEAN

CORPUS = sorted((Path(__file__).parent.parent / "data" / "records").glob("*.json"))
REFERENCE = Draft7Validator(_bundled(schema_file(NEWEST).name))


def _cna(record: dict[str, Any]) -> dict[str, Any]:
    cna = record["containers"]["cna"]
    assert isinstance(cna, dict)
    return cna


# What a schema checks, broken one at a time (each applied to every corpus record).
SCHEMA_BREAKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "no descriptions": lambda r: _cna(r).pop("descriptions", None) and None,
    "empty descriptions": lambda r: _cna(r).__setitem__("descriptions", []),
    "description not a string": lambda r: _cna(r).__setitem__(
        "descriptions", [{"lang": "en", "value": 42}]
    ),
    "bad language tag": lambda r: _cna(r).__setitem__(
        "descriptions", [{"lang": "english!", "value": "x"}]
    ),
    "bad cve id": lambda r: r["cveMetadata"].__setitem__("cveId", "CVE-26-1"),
    "unknown state": lambda r: r["cveMetadata"].__setitem__("state", "DRAFT"),
    "rejected but published shape": lambda r: r["cveMetadata"].__setitem__("state", "REJECTED"),
    "no provider": lambda r: _cna(r).pop("providerMetadata") and None,
    "bad org id": lambda r: _cna(r)["providerMetadata"].__setitem__("orgId", "not-a-uuid"),
    "extra container key": lambda r: _cna(r).__setitem__("surprise", True),
    "affected not a list": lambda r: _cna(r).__setitem__("affected", {"vendor": "x"}),
    "reference without url": lambda r: _cna(r).__setitem__("references", [{"name": "x"}]),
    "wrong data type": lambda r: r.__setitem__("dataType", "CVE"),
    "no containers": lambda r: r.pop("containers") and None,
    "record is a list": lambda r: r.clear(),
}


def _verdicts(record: Any) -> tuple[bool, bool]:
    return bool(schema_valid(record)), bool(REFERENCE.is_valid(record))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_both_validators_agree_on_the_corpus(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    compiled, reference = _verdicts(record)
    assert compiled == reference
    assert (schema_errors(record) == []) == reference


@pytest.mark.parametrize("name", sorted(SCHEMA_BREAKS))
def test_both_validators_agree_on_records_broken_for_the_schema(name: str) -> None:
    refused = 0
    for path in CORPUS:
        record = json.loads(path.read_text(encoding="utf-8"))
        SCHEMA_BREAKS[name](record)
        compiled, reference = _verdicts(record)
        assert compiled == reference, path.name
        assert (schema_errors(record) == []) == reference, path.name
        refused += not reference
    assert refused > 0  # the break is one the schema sees


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_both_validators_agree_on_the_rule_test_records(code: str) -> None:
    record = copy.deepcopy(CLEAN)
    BROKEN[code](record)
    compiled, reference = _verdicts(record)
    assert compiled == reference
    assert (schema_errors(record) == []) == reference
