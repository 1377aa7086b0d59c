"""One broken advisory per ``ADV`` rule, made from the demo's golden CSAF document and OSV record
(valid against their schemas), each with one defect the rule names."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from psirt.core.finding import Finding
from psirt.rules.advisory import lint_advisory

GOLDEN = Path(__file__).parent.parent / "golden"
CSAF = json.loads((GOLDEN / "csaf" / "gitlab-sa-20260325-18-10-1.json").read_text("utf-8"))
OSV = json.loads((GOLDEN / "osv" / "x_GITLAB-CVE-2026-4101.json").read_text("utf-8"))
CSAF_NAME = "gitlab-sa-20260325-18-10-1.json"
PROVIDER: dict[str, Any] = {
    "canonical_url": "https://example.com/.well-known/csaf/provider-metadata.json",
    "last_updated": "2026-03-25T00:00:00.000Z",
    "list_on_CSAF_aggregators": True,
    "metadata_version": "2.0",
    "mirror_on_CSAF_aggregators": True,
    "publisher": {"category": "vendor", "name": "Example", "namespace": "https://example.com"},
    "role": "csaf_provider",
}


def _csaf_without_title() -> tuple[Any, str]:
    document = copy.deepcopy(CSAF)
    del document["document"]["title"]
    return document, CSAF_NAME


def _csaf_misnamed() -> tuple[Any, str]:
    return copy.deepcopy(CSAF), "GitLab SA.json"


def _provider_without_role() -> tuple[Any, str]:
    document = copy.deepcopy(PROVIDER)
    del document["role"]
    return document, "provider-metadata.json"


def _osv_with_bad_severity() -> tuple[Any, str]:
    document = copy.deepcopy(OSV)
    document["severity"] = [{"type": "CVSS_V9", "score": "x"}]
    return document, "osv.json"


def _not_an_advisory() -> tuple[Any, str]:
    return {"title": "a list of things"}, "other.json"


BROKEN: dict[str, Callable[[], tuple[Any, str]]] = {
    "ADV001": _csaf_without_title,
    "ADV002": _csaf_misnamed,
    "ADV003": _provider_without_role,
    "ADV004": _osv_with_bad_severity,
    "ADV005": _not_an_advisory,
}


def findings(code: str) -> list[Finding]:
    document, name = BROKEN[code]()
    return lint_advisory(document, name, name)
