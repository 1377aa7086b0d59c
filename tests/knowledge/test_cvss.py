from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cvelib
import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from psirt.core.config import LabelsConfig
from psirt.core.errors import InputError
from psirt.knowledge.cvss import (
    find_vectors,
    parse_vector,
    same_vector,
    severity_from_score,
    severity_name,
)

MEDIUM = "AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"  # 6.5, the seed's denial-of-service example
V4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def cvss_schema(key: str) -> dict[str, Any]:
    path = Path(cvelib.__file__).parent / "schemas" / "CVE_JSON_cnaPublishedContainer_5.1.1.json"
    schema = json.loads(path.read_text())
    # refs inside the subschema point from the document root, so keep the root's definitions
    return {
        "$schema": schema["$schema"],
        "definitions": schema["definitions"],
        "allOf": [{"$ref": f"#/definitions/metrics/items/properties/{key}"}],
    }


def test_vector_without_prefix_is_read_as_31_and_given_the_prefix() -> None:
    score = parse_vector(MEDIUM)
    assert score.vector == f"CVSS:3.1/{MEDIUM}"
    assert score.short_vector == MEDIUM
    assert (score.version, score.base_score, score.severity) == ("3.1", 6.5, "MEDIUM")
    assert score.metrics["AV"] == "N" and list(score.metrics)[:3] == ["AV", "AC", "PR"]


def test_prefixed_30_vector_and_default_version() -> None:
    assert parse_vector(f"CVSS:3.0/{MEDIUM}").version == "3.0"
    assert parse_vector(MEDIUM, default_version="3.0").vector == f"CVSS:3.0/{MEDIUM}"


def test_metric_order_is_canonicalised() -> None:
    shuffled = "CVSS:3.1/A:H/I:N/C:N/S:U/UI:N/PR:L/AC:L/AV:N"
    assert parse_vector(shuffled).vector == f"CVSS:3.1/{MEDIUM}"


def test_cvss_40() -> None:
    score = parse_vector(V4)
    assert (score.version, score.base_score, score.severity) == ("4.0", 9.3, "CRITICAL")
    assert score.gitlab_severity == 1
    assert score.cve_json_key == "cvssV4_0"


@pytest.mark.parametrize(
    ("vector", "score", "level", "title"),
    [
        ("AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, 1, "Critical"),
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 1, "Critical"),
        ("AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N", 8.1, 2, "High"),
        ("AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, 2, "High"),
        (MEDIUM, 6.5, 3, "Medium"),
        ("AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N", 2.6, 4, "Low"),
    ],
)
def test_gitlab_severity_and_title(vector: str, score: float, level: int, title: str) -> None:
    parsed = parse_vector(vector)
    assert parsed.base_score == score
    assert parsed.gitlab_severity == level
    assert parsed.title_severity == title
    assert parsed.severity_label(LabelsConfig()) == f"severity::{level}"


def test_severity_label_follows_the_configured_prefix() -> None:
    labels = LabelsConfig(severity_prefix="sev/")
    assert parse_vector(MEDIUM).severity_label(labels) == "sev/3"


def test_zero_score_has_severity_none_and_no_gitlab_level() -> None:
    score = parse_vector("AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N")
    assert (score.base_score, score.severity) == (0.0, "NONE")
    with pytest.raises(InputError, match="no severity"):
        _ = score.gitlab_severity
    assert score.as_json()["gitlab_severity"] is None


@pytest.mark.parametrize(
    ("score", "level"),
    [(10.0, 1), (9.0, 1), (8.9, 2), (7.0, 2), (6.9, 3), (4.0, 3), (3.9, 4), (0.1, 4)],
)
def test_severity_boundaries_from_domain_md(score: float, level: int) -> None:
    assert severity_from_score(score) == level


@pytest.mark.parametrize("score", [0.0, -1.0, 10.1])
def test_scores_outside_the_scale_have_no_severity(score: float) -> None:
    with pytest.raises(InputError):
        severity_from_score(score)


@given(st.floats(min_value=0.1, max_value=10.0), st.floats(min_value=0.1, max_value=10.0))
def test_severity_is_monotonic(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert severity_from_score(low) >= severity_from_score(high)
    order = ["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
    assert order.index(severity_name(low)) <= order.index(severity_name(high))


def test_cve_json_31_spells_out_every_metric_and_validates() -> None:
    data = parse_vector(MEDIUM).cve_json()
    assert data == {
        "version": "3.1",
        "vectorString": f"CVSS:3.1/{MEDIUM}",
        "attackVector": "NETWORK",
        "attackComplexity": "LOW",
        "privilegesRequired": "LOW",
        "userInteraction": "NONE",
        "scope": "UNCHANGED",
        "confidentialityImpact": "NONE",
        "integrityImpact": "NONE",
        "availabilityImpact": "HIGH",
        "baseScore": 6.5,
        "baseSeverity": "MEDIUM",
    }
    jsonschema.validate(data, cvss_schema("cvssV3_1"))


def test_cve_json_30_and_40_validate_against_the_cve_schema() -> None:
    v30 = parse_vector(f"CVSS:3.0/AV:A/{MEDIUM[5:]}")
    assert v30.cve_json()["attackVector"] == "ADJACENT_NETWORK"
    jsonschema.validate(v30.cve_json(), cvss_schema("cvssV3_0"))
    v40 = parse_vector("CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:L/VI:N/VA:N/SC:H/SI:L/SA:N")
    data = v40.cve_json()
    assert (data["attackVector"], data["attackRequirements"], data["userInteraction"]) == (
        "ADJACENT",
        "PRESENT",
        "PASSIVE",
    )
    assert data["subConfidentialityImpact"] == "HIGH" and data["version"] == "4.0"
    jsonschema.validate(data, cvss_schema("cvssV4_0"))


def test_cve_json_with_temporal_metrics_still_validates() -> None:
    score = parse_vector(f"{MEDIUM}/E:P/RL:O")
    assert score.vector == f"CVSS:3.1/{MEDIUM}/E:P/RL:O"
    jsonschema.validate(score.cve_json(), cvss_schema("cvssV3_1"))


@pytest.mark.parametrize(
    ("vector", "message"),
    [
        ("AV:Q/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", r"^AV: unknown value 'Q' \(expected N, A, L, P\)$"),
        ("AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:N", r"^A: missing mandatory metric in CVSS 3\.1 vector$"),
        ("AV:N/AC:L/PR:L/UI:N/S:U", r"^C, I, A: missing mandatory metrics"),
        (f"{MEDIUM}/XX:N", r"^XX: unknown metric in CVSS 3\.1"),
        (f"{MEDIUM}/AV:N", r"^AV: metric given twice$"),
        (f"{MEDIUM}/", r"empty metric .*stray '/'"),
        ("AV:N/AC", r"malformed metric 'AC' \(expected NAME:VALUE"),
        ("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", r"unsupported CVSS version '2\.0'"),
        ("CVSS:x/AV:N", r"malformed CVSS prefix"),
        ("   ", r"empty CVSS vector"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", r"^SA: missing mandatory"),
        ("CVSS:4.0/AV:N/AC:L/AT:Q/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", r"^AT: unknown value"),
    ],
)
def test_invalid_vectors_name_the_bad_metric(vector: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_vector(vector)


def test_unsupported_default_version() -> None:
    with pytest.raises(InputError, match=r"unsupported CVSS version '2\.0'"):
        parse_vector(MEDIUM, default_version="2.0")


def test_same_vector() -> None:
    assert same_vector(f"CVSS:3.1/{MEDIUM}", MEDIUM)
    assert same_vector("CVSS:3.1/A:H/I:N/C:N/S:U/UI:N/PR:L/AC:L/AV:N", MEDIUM)
    assert same_vector(f"{MEDIUM}/E:X", MEDIUM)  # X is "not defined"
    assert not same_vector(MEDIUM, MEDIUM.replace("A:H", "A:L"))
    assert not same_vector(f"CVSS:3.0/{MEDIUM}", f"CVSS:3.1/{MEDIUM}")
    assert same_vector("AV:N/AC:Q", "AC:Q/AV:N")  # invalid ones compare as text
    assert not same_vector("AV:N/AC:Q", MEDIUM)


@given(st.permutations(MEDIUM.split("/")), st.booleans())
def test_same_vector_ignores_order_and_prefix(fields: list[str], prefixed: bool) -> None:
    text = ("CVSS:3.1/" if prefixed else "") + "/".join(fields)
    assert same_vector(text, MEDIUM)
    assert parse_vector(text).vector == f"CVSS:3.1/{MEDIUM}"


def test_the_schema_check_above_does_reject_a_wrong_object() -> None:
    data = parse_vector(MEDIUM).cve_json() | {"baseSeverity": "Medium"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, cvss_schema("cvssV3_1"))


def test_vectors_are_found_in_running_text() -> None:
    note = f"Bug bounty council: CVSS {MEDIUM}, and in the post (CVSS:3.1/{MEDIUM}). {V4}."
    assert find_vectors(note) == [MEDIUM, f"CVSS:3.1/{MEDIUM}", V4]
    # the prefix reaches any first metric; without it, a vector starts at AV:
    assert find_vectors("CVSS:3.1/AC:L/AV:N/PR:N") == ["CVSS:3.1/AC:L/AV:N/PR:N"]
    assert find_vectors("AC:L/PR:N and CVSS:3.1/ alone, AV:N by itself") == []


def test_cve_json_metrics_are_the_object_without_its_summary() -> None:
    for vector in (MEDIUM, V4):
        score = parse_vector(vector)
        metrics = score.cve_json_metrics()
        assert metrics["attackVector"] == "NETWORK"
        assert not {"version", "vectorString", "baseScore", "baseSeverity"} & set(metrics)
        assert {**metrics, "baseScore": score.base_score}.items() <= score.cve_json().items()
