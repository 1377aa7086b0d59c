"""The record lint on real records: every file of ``tests/data/records`` gives exactly the
findings written beside it (``NAME.expected``), so a new false alarm, or a defect no longer
found, fails. ``PSIRT_UPDATE_GOLDEN=1`` rewrites the findings, keeping the ``#`` notes."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from psirt.knowledge.schemas import schema_errors
from psirt.rules.cve_record import lint_record

CORPUS = Path(__file__).resolve().parents[1] / "data" / "records"
RECORDS = sorted(CORPUS.glob("*.json"))
UPDATE = os.environ.get("PSIRT_UPDATE_GOLDEN") == "1"


def _findings(path: Path) -> list[str]:
    record = json.loads(path.read_text(encoding="utf-8"))
    return [f"{f.code} {f.level} {f.message}" for f in lint_record(record, path.name)]


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_each_record_gives_exactly_the_expected_findings(path: Path) -> None:
    expected_path = path.with_suffix(".expected")
    actual = _findings(path)
    if UPDATE:
        old = expected_path.read_text(encoding="utf-8") if expected_path.exists() else ""
        notes = [line for line in old.splitlines() if line.startswith("#")]
        expected_path.write_text("".join(f"{line}\n" for line in notes + actual), "utf-8")
        return
    assert expected_path.is_file(), f"{expected_path.name} missing: write the expected findings"
    lines = expected_path.read_text(encoding="utf-8").splitlines()
    expected = [line for line in lines if line.strip() and not line.startswith("#")]
    assert actual == expected


def test_the_corpus_holds_the_official_examples_and_thirty_real_records_of_several_cnas() -> None:
    official = [p for p in RECORDS if p.name.startswith("cve-schema-")]
    real = [p for p in RECORDS if p not in official]
    assert len(official) >= 2 and len(real) >= 30
    cnas = Counter(
        json.loads(p.read_text(encoding="utf-8"))["cveMetadata"].get("assignerShortName")
        for p in real
    )
    assert cnas["GitLab"] >= 15 and len(cnas) >= 8
    years = {p.stem.split("-")[2] for p in real if p.name.startswith("gitlab-")}
    assert {"2021", "2022", "2023", "2024", "2025", "2026"} <= years


def test_gitlab_records_of_2026_pass_the_schema_they_name() -> None:
    for path in RECORDS:
        record = json.loads(path.read_text(encoding="utf-8"))
        if path.name.startswith("gitlab-CVE-2026"):
            assert record["dataVersion"] == "5.2"
            assert schema_errors(record) == []
