"""CVSS vectors as the release handles them: scored by the ``cvss`` package, checked metric by
metric first so a bad vector is reported by the metric at fault, and mapped to GitLab's
severity labels and to the CVE JSON 5 metric objects.

The CVE request YAML stores 3.1 vectors without the ``CVSS:3.1/`` prefix; the published record
and the blog post need it, so every vector leaves this module in canonical, prefixed form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from psirt.core.errors import InputError
from psirt.core.words import noun

if TYPE_CHECKING:
    from psirt.core.config import LabelsConfig

VERSIONS: tuple[str, ...] = ("3.0", "3.1", "4.0")
_PREFIX = re.compile(r"^CVSS:(\d+(?:\.\d+)?)/", re.IGNORECASE)

#: A vector in running text (a council note, a line of the blog post): ``CVSS:x.y/`` and at least
#: two metrics, or, without the prefix, metrics from ``AV:`` on. Found, not validated:
#: ``parse_vector`` says whether it is a vector.
VECTOR_IN_TEXT = re.compile(
    r"(?:CVSS:\d+\.\d+/|(?=AV:))[A-Za-z]{1,3}:[A-Za-z]+(?:/[A-Za-z]{1,3}:[A-Za-z]+)+"
)

# GitLab's severity levels by base score (DOMAIN.md section 1): the lowest score of each level.
_LEVELS: tuple[tuple[float, int, str], ...] = (
    (9.0, 1, "CRITICAL"),
    (7.0, 2, "HIGH"),
    (4.0, 3, "MEDIUM"),
    (0.1, 4, "LOW"),
)
# The levels by name, 1 critical .. 4 low: what stakeholder messages, the blog and comms call them.
SEVERITY_NAMES: dict[int, str] = {level: name.lower() for _lowest, level, name in _LEVELS}

# CVSS 4.0 base metrics as the CVE JSON 5 schema (cvssV4_0) names them and their values.
_V4_JSON_NAMES: dict[str, str] = {
    "AV": "attackVector",
    "AC": "attackComplexity",
    "AT": "attackRequirements",
    "PR": "privilegesRequired",
    "UI": "userInteraction",
    "VC": "vulnConfidentialityImpact",
    "VI": "vulnIntegrityImpact",
    "VA": "vulnAvailabilityImpact",
    "SC": "subConfidentialityImpact",
    "SI": "subIntegrityImpact",
    "SA": "subAvailabilityImpact",
}
_V4_JSON_VALUES: dict[str, dict[str, str]] = {
    "AV": {"N": "NETWORK", "A": "ADJACENT", "L": "LOCAL", "P": "PHYSICAL"},
    "AC": {"L": "LOW", "H": "HIGH"},
    "AT": {"N": "NONE", "P": "PRESENT"},
    "PR": {"N": "NONE", "L": "LOW", "H": "HIGH"},
    "UI": {"N": "NONE", "P": "PASSIVE", "A": "ACTIVE"},
}
_IMPACT = {"H": "HIGH", "L": "LOW", "N": "NONE"}
# What a CVE JSON 5 CVSS object holds besides the metrics.
_CVE_JSON_SUMMARY = frozenset({"version", "vectorString", "baseScore", "baseSeverity"})


def severity_from_score(score: float) -> int:
    """GitLab's ``severity::N`` level (1 critical .. 4 low) for a base score of 0.1..10."""
    if not 0.0 < score <= 10.0:
        raise InputError(f"no severity for CVSS score {score} (expected 0.1 to 10.0)")
    for lowest, level, _name in _LEVELS:
        if score >= lowest:
            return level
    raise AssertionError("unreachable")


def severity_from_labels(labels: Iterable[str], config: LabelsConfig) -> int | None:
    """The level an issue's ``severity::N`` label gives (the first valid one), None without."""
    prefix = config.severity_prefix
    for label in labels:
        rest = label[len(prefix) :] if label.startswith(prefix) else ""
        if rest.isdigit() and int(rest) in SEVERITY_NAMES:
            return int(rest)
    return None


def severity_name(score: float) -> str:
    """The CVSS qualitative rating: CRITICAL, HIGH, MEDIUM, LOW or NONE."""
    for lowest, _level, name in _LEVELS:
        if score >= lowest:
            return name
    return "NONE"


@dataclass(frozen=True)
class CvssScore:
    vector: str  # canonical, with prefix, metrics in specification order
    version: str  # "3.0", "3.1", "4.0"
    base_score: float
    severity: str  # "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "NONE"
    metrics: dict[str, str] = field(hash=False)  # as written in the vector: {"AV": "N", ...}

    @property
    def gitlab_severity(self) -> int:
        return severity_from_score(self.base_score)

    def severity_label(self, labels: LabelsConfig) -> str:
        """``severity::2``; the label name comes from the workspace configuration."""
        return labels.severity(self.gitlab_severity)

    @property
    def title_severity(self) -> str:
        """``High``, as the blog post's table of fixes writes it."""
        return self.severity.capitalize()

    @property
    def short_vector(self) -> str:
        """The vector without its ``CVSS:x.y/`` prefix, as the CVE request YAML stores it."""
        return self.vector.split("/", 1)[1]

    def cve_json(self) -> dict[str, Any]:
        """The CVE JSON 5 ``cvssV3_1``/``cvssV3_0``/``cvssV4_0`` object, metrics spelled out."""
        if self.version == "4.0":
            data: dict[str, Any] = {"version": "4.0", "vectorString": self.vector}
            for metric, name in _V4_JSON_NAMES.items():
                data[name] = _V4_JSON_VALUES.get(metric, _IMPACT)[self.metrics[metric]]
            data["baseScore"] = self.base_score
            data["baseSeverity"] = self.severity
            return data
        data = dict(_cvss3_json(self.vector))
        data["version"] = self.version
        data["vectorString"] = self.vector
        data["baseScore"] = self.base_score
        data["baseSeverity"] = self.severity
        return data

    def cve_json_metrics(self) -> dict[str, Any]:
        """The metrics of ``cve_json()`` alone (``attackVector``: ``NETWORK``, ...), without its
        version, vector string, score and severity."""
        return {k: v for k, v in self.cve_json().items() if k not in _CVE_JSON_SUMMARY}

    @property
    def cve_json_key(self) -> str:
        """``cvssV3_1``, the key of this object in a CVE record's ``metrics`` entry."""
        return "cvssV" + self.version.replace(".", "_")

    def as_json(self) -> dict[str, Any]:
        return {
            "vector": self.vector,
            "version": self.version,
            "base_score": self.base_score,
            "severity": self.severity,
            "gitlab_severity": self.gitlab_severity if self.base_score > 0 else None,
            "metrics": dict(self.metrics),
            self.cve_json_key: self.cve_json(),
        }


def _split(text: str, default_version: str) -> tuple[str, list[str]]:
    stripped = text.strip()
    if not stripped:
        raise InputError("empty CVSS vector (expected e.g. CVSS:3.1/AV:N/AC:L/...)")
    match = _PREFIX.match(stripped)
    if match:
        version = match.group(1)
        body = stripped[match.end() :]
    elif stripped.upper().startswith("CVSS:"):
        raise InputError(
            f"malformed CVSS prefix in {stripped!r} (expected CVSS:3.0/, 3.1/ or 4.0/)"
        )
    else:
        version, body = default_version, stripped
    if version not in VERSIONS:
        raise InputError(f"unsupported CVSS version {version!r} (expected {', '.join(VERSIONS)})")
    return version, body.split("/")


def _constants(version: str) -> tuple[list[str], dict[str, Any], list[str]]:
    """The metric order, allowed values and mandatory metrics of one CVSS version."""
    if version == "4.0":
        from cvss import constants4 as c4

        return list(c4.METRICS), dict(c4.METRICS_VALUE_NAMES), list(c4.METRICS_MANDATORY)
    from cvss import constants3 as c3

    return list(c3.METRICS_ABBREVIATIONS), dict(c3.METRICS_VALUES), list(c3.METRICS_MANDATORY)


def _check_metrics(version: str, fields: list[str]) -> dict[str, str]:
    order, values, mandatory = _constants(version)
    metrics: dict[str, str] = {}
    for item in fields:
        if not item:
            raise InputError(f"empty metric in CVSS {version} vector (stray '/')")
        name, sep, value = item.partition(":")
        if not sep or ":" in value:
            raise InputError(f"malformed metric {item!r} (expected NAME:VALUE, e.g. AV:N)")
        if name not in values:
            raise InputError(
                f"{name}: unknown metric in CVSS {version} (expected one of {', '.join(order)})"
            )
        allowed = list(values[name])
        if value not in allowed:
            raise InputError(f"{name}: unknown value {value!r} (expected {', '.join(allowed)})")
        if name in metrics:
            raise InputError(f"{name}: metric given twice")
        metrics[name] = value
    missing = [m for m in mandatory if m not in metrics]
    if missing:
        raise InputError(
            f"{', '.join(missing)}: missing mandatory {noun('metric', len(missing))} "
            f"in CVSS {version} vector"
        )
    return {m: metrics[m] for m in order if m in metrics}


def parse_vector(text: str, *, default_version: str = "3.1") -> CvssScore:
    """Score a vector given with or without its ``CVSS:x.y/`` prefix (then ``default_version``)."""
    if default_version not in VERSIONS:
        raise InputError(
            f"unsupported CVSS version {default_version!r} (expected {', '.join(VERSIONS)})"
        )
    version, fields = _split(text, default_version)
    metrics = _check_metrics(version, fields)
    vector, score = _scored(version, "/".join(f"{k}:{v}" for k, v in metrics.items()))
    return CvssScore(
        vector=vector,
        version=version,
        base_score=score,
        severity=severity_name(score),
        metrics=metrics,
    )


@lru_cache(maxsize=4096)
def _cvss3_json(vector: str) -> tuple[tuple[str, Any], ...]:
    """The ``cvss`` library's JSON of a 3.x vector, computed once per vector (a corpus of
    records has a few hundred distinct vectors)."""
    from cvss import CVSS3

    return tuple(CVSS3(vector).as_json(minimal=True).items())


@lru_cache(maxsize=4096)
def _scored(version: str, body: str) -> tuple[str, float]:
    """The canonical vector and base score of checked metrics: computed once per vector (a
    corpus of records repeats a few hundred vectors)."""
    from cvss import CVSS3, CVSS4, CVSSError

    try:
        if version == "4.0":
            v4 = CVSS4(f"CVSS:4.0/{body}")
            return v4.clean_vector(), float(v4.base_score)
        v3 = CVSS3(f"CVSS:{version}/{body}")
        return v3.clean_vector(), float(v3.base_score)
    except CVSSError as exc:  # already checked; kept so a library change is still one line
        raise InputError(f"invalid CVSS {version} vector: {exc}") from exc


def find_vectors(text: str) -> list[str]:
    """The vectors written in ``text``, in order (see ``VECTOR_IN_TEXT``)."""
    return [match.group(0) for match in VECTOR_IN_TEXT.finditer(text)]


def same_vector(a: str, b: str) -> bool:
    """Whether two vectors say the same thing, ignoring metric order, ``X`` values and the prefix
    (the versions are compared only when both vectors name theirs)."""
    try:
        first, second = parse_vector(a), parse_vector(b)
    except InputError:
        return _normalized_text(a) == _normalized_text(b)
    both_prefixed = bool(_PREFIX.match(a.strip()) and _PREFIX.match(b.strip()))
    if both_prefixed:
        return first.vector == second.vector
    return first.short_vector == second.short_vector


def _normalized_text(text: str) -> str:
    body = _PREFIX.sub("", text.strip())
    return "/".join(sorted(body.split("/")))
