"""A published CVE JSON 5 record read as values: its state and dates, what its CNA container says,
and what the ADP containers others added say (CISA's SSVC decision points, KEV entries, CVSS and
CWE; the CVE Program container's references).

The shapes are those of real records (CISA's vulnrichment repository, CVEProject/cvelistV5):
SSVC is ``metrics[].other`` with ``type: ssvc`` and ``content.options`` a list of one-key objects
(``{"Exploitation": "active"}``); a KEV entry is ``metrics[].other`` with ``type: kev`` and
``content.dateAdded``/``reference``.

The comparison here is what ``cve sync`` and the CNA back ends agree on: two CNA containers are
the same when they differ only in what the CVE Program or CVE Services sets on them
(``providerMetadata`` beyond ``orgId``, ``x_`` keys such as ``x_generator``, ``x_`` reference
tags such as ``x_transferred``) or in the order of their references.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

#: The CVSS keys of a CVE JSON 5 ``metrics`` entry, newest first.
CVSS_KEYS = ("cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0")

#: SSVC ``Exploitation`` values, in rising order of urgency.
EXPLOITATION_VALUES = ("none", "poc", "active")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# -- comparison of CNA containers -------------------------------------------------------------


def _without_program_fields(value: Any) -> Any:
    """``value`` less every ``x_`` key and every ``x_`` string in a ``tags`` list, at any depth."""
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key.startswith("x_"):
                continue
            if key == "tags" and isinstance(item, list):
                item = sorted(t for t in item if not (isinstance(t, str) and t.startswith("x_")))
                if not item:
                    continue
            result[key] = _without_program_fields(item)
        return result
    if isinstance(value, list):
        return [_without_program_fields(item) for item in value]
    return value


def comparable_container(container: dict[str, Any]) -> dict[str, Any]:
    """The CNA container as psirt compares it: without what the CVE Program and CVE Services
    set (``providerMetadata`` dates and short name, ``x_`` keys and tags), references in URL
    order (their order carries no meaning, and an update for it alone would start a review)."""
    result = _without_program_fields(container)
    assert isinstance(result, dict)
    result.pop("providerMetadata", None)
    org_id = _dict(container.get("providerMetadata")).get("orgId")
    if org_id:
        result["providerMetadata"] = {"orgId": org_id}
    references = result.get("references")
    if isinstance(references, list):
        result["references"] = sorted(
            references, key=lambda r: str(_dict(r).get("url", "")) + json.dumps(r, sort_keys=True)
        )
    return result


def same_container(first: dict[str, Any], second: dict[str, Any]) -> bool:
    return comparable_container(first) == comparable_container(second)


def container_text(container: dict[str, Any]) -> str:
    """Stable text of a comparable container, for diffs: sorted keys, two-space indent."""
    return json.dumps(comparable_container(container), indent=2, sort_keys=True, ensure_ascii=False)


def keep_program_fields(ours: dict[str, Any], published: dict[str, Any]) -> dict[str, Any]:
    """``ours`` with the ``x_`` keys and ``x_`` reference tags of the ``published`` container
    that ``ours`` lacks, so an update replaces only what psirt owns. ``x_generator`` is left
    out: the client that sends the update stamps its own."""
    result = copy.deepcopy(ours)
    for key, value in published.items():
        if key.startswith("x_") and key != "x_generator" and key not in result:
            result[key] = copy.deepcopy(value)
    tags_by_url: dict[str, list[str]] = {}
    for reference in _list(published.get("references")):
        url = _text(_dict(reference).get("url"))
        extra = [t for t in _list(_dict(reference).get("tags")) if str(t).startswith("x_")]
        if url and extra:
            tags_by_url.setdefault(url, []).extend(extra)
    for reference in _list(result.get("references")):
        if not isinstance(reference, dict):
            continue
        extra = tags_by_url.get(str(reference.get("url", "")), [])
        tags = list(_list(reference.get("tags")))
        missing = [t for t in extra if t not in tags]
        if missing:
            reference["tags"] = tags + missing
    return result


# -- what a record says -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cvss:
    """One CVSS entry: its JSON key (``cvssV3_1``), vector, score and severity."""

    key: str
    vector: str
    score: float | None
    severity: str | None

    @property
    def label(self) -> str:
        score = f"{self.score:g} " if self.score is not None else ""
        return f"{score}({self.vector})"


@dataclass(frozen=True, slots=True)
class Kev:
    """A CISA KEV entry: the vulnerability is known to be exploited."""

    date_added: str | None
    reference: str | None


@dataclass(frozen=True, slots=True)
class AdpContainer:
    """What one ADP container adds; ``provider`` is its ``providerMetadata.shortName``."""

    provider: str
    title: str
    date_updated: str | None
    ssvc: dict[str, str] = field(default_factory=dict)  # decision point -> value
    ssvc_role: str | None = None
    kev: tuple[Kev, ...] = ()
    cvss: tuple[Cvss, ...] = ()
    cwes: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    @property
    def exploitation(self) -> str | None:
        return self.ssvc.get("Exploitation")


@dataclass(frozen=True, slots=True)
class PublishedRecord:
    cve_id: str
    state: str | None
    assigner_org_id: str | None
    assigner: str | None
    date_reserved: str | None
    date_published: str | None
    date_updated: str | None
    date_rejected: str | None
    cna: dict[str, Any]
    adp: tuple[dict[str, Any], ...]
    enrichments: tuple[AdpContainer, ...]

    @property
    def cna_cvss(self) -> tuple[Cvss, ...]:
        return tuple(metric_cvss(self.cna.get("metrics")))

    @property
    def cna_cwes(self) -> tuple[str, ...]:
        return tuple(problem_cwes(self.cna.get("problemTypes")))

    @property
    def exploitation(self) -> str | None:
        """The most urgent SSVC ``Exploitation`` any ADP container states."""
        values = [a.exploitation for a in self.enrichments if a.exploitation in EXPLOITATION_VALUES]
        return max(values, key=EXPLOITATION_VALUES.index) if values else None

    @property
    def kev(self) -> tuple[Kev, ...]:
        return tuple(entry for a in self.enrichments for entry in a.kev)


def metric_cvss(metrics: Any) -> Iterator[Cvss]:
    for metric in _list(metrics):
        for key in CVSS_KEYS:
            data = _dict(_dict(metric).get(key))
            vector = _text(data.get("vectorString"))
            if vector:
                score = data.get("baseScore")
                yield Cvss(
                    key,
                    vector,
                    float(score) if isinstance(score, int | float) else None,
                    _text(data.get("baseSeverity")),
                )


def problem_cwes(problem_types: Any) -> Iterator[str]:
    for problem in _list(problem_types):
        for description in _list(_dict(problem).get("descriptions")):
            cwe = _text(_dict(description).get("cweId"))
            if cwe:
                yield cwe


def _ssvc(content: dict[str, Any]) -> dict[str, str]:
    options: dict[str, str] = {}
    for option in _list(content.get("options")):
        for name, value in _dict(option).items():
            if isinstance(value, str):
                options[str(name)] = value
    return options


def read_adp(container: dict[str, Any]) -> AdpContainer:
    provider = _dict(container.get("providerMetadata"))
    ssvc: dict[str, str] = {}
    role: str | None = None
    kev: list[Kev] = []
    for metric in _list(container.get("metrics")):
        other = _dict(_dict(metric).get("other"))
        content = _dict(other.get("content"))
        if other.get("type") == "ssvc":
            ssvc.update(_ssvc(content))
            role = _text(content.get("role")) or role
        elif other.get("type") == "kev":
            kev.append(Kev(_text(content.get("dateAdded")), _text(content.get("reference"))))
    return AdpContainer(
        provider=_text(provider.get("shortName")) or _text(provider.get("orgId")) or "ADP",
        title=_text(container.get("title")) or "",
        date_updated=_text(provider.get("dateUpdated")),
        ssvc=ssvc,
        ssvc_role=role,
        kev=tuple(kev),
        cvss=tuple(metric_cvss(container.get("metrics"))),
        cwes=tuple(problem_cwes(container.get("problemTypes"))),
        references=tuple(
            url for r in _list(container.get("references")) if (url := _text(_dict(r).get("url")))
        ),
    )


def read_record(record: dict[str, Any], cve_id: str) -> PublishedRecord:
    """A full record (``dataType: CVE_RECORD``) as values; missing parts read as empty."""
    metadata = _dict(record.get("cveMetadata"))
    containers = _dict(record.get("containers"))
    adp = tuple(copy.deepcopy(c) for c in _list(containers.get("adp")) if isinstance(c, dict))
    return PublishedRecord(
        cve_id=_text(metadata.get("cveId")) or cve_id,
        state=_text(metadata.get("state")),
        assigner_org_id=_text(metadata.get("assignerOrgId")),
        assigner=_text(metadata.get("assignerShortName")),
        date_reserved=_text(metadata.get("dateReserved")),
        date_published=_text(metadata.get("datePublished")),
        date_updated=_text(metadata.get("dateUpdated")),
        date_rejected=_text(metadata.get("dateRejected")),
        cna=copy.deepcopy(_dict(containers.get("cna"))),
        adp=adp,
        enrichments=tuple(read_adp(c) for c in adp),
    )
