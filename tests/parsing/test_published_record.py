"""Published records read as values, on real records (tests/data/published, from CISA's
vulnrichment), and the comparison that ignores what the CVE Program sets."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from psirt.parsing.published_record import (
    comparable_container,
    keep_program_fields,
    read_record,
    same_container,
)

DATA = Path(__file__).parent.parent / "data" / "published"


def real(cve_id: str) -> dict[str, Any]:
    data = json.loads((DATA / f"{cve_id}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_real_record_with_ssvc_active_and_kev() -> None:
    record = read_record(real("CVE-2023-7028"), "CVE-2023-7028")
    assert record.state == "PUBLISHED"
    assert record.assigner == "GitLab"
    assert record.date_reserved == "2023-12-20T20:30:37.127Z"
    assert record.date_published == "2024-01-12T13:56:41.726Z"
    assert [a.provider for a in record.enrichments] == ["CVE", "CISA-ADP"]
    program, cisa = record.enrichments
    assert program.title == "CVE Program Container" and len(program.references) == 3
    assert cisa.ssvc == {
        "Exploitation": "active",
        "Automatable": "yes",
        "Technical Impact": "total",
    }
    assert cisa.ssvc_role == "CISA Coordinator"
    assert [k.date_added for k in cisa.kev] == ["2024-05-01"]
    assert record.exploitation == "active"
    assert [c.vector for c in record.cna_cvss] == ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:N"]
    assert record.cna_cwes == ("CWE-640",)


def test_a_real_record_without_exploitation() -> None:
    record = read_record(real("CVE-2024-1347"), "CVE-2024-1347")
    assert record.exploitation == "none"
    assert record.kev == ()


def test_program_fields_and_reference_order_do_not_make_a_difference() -> None:
    cna = real("CVE-2023-7028")["containers"]["cna"]
    stamped = copy.deepcopy(cna)
    stamped["providerMetadata"]["dateUpdated"] = "2030-01-01T00:00:00.000Z"
    stamped["providerMetadata"].pop("shortName")
    stamped["x_generator"] = {"engine": "cvelib 1.8.0"}
    stamped["references"] = list(reversed(stamped["references"]))
    stamped["references"][0]["tags"].append("x_transferred")
    assert same_container(cna, stamped)
    changed = copy.deepcopy(stamped)
    changed["references"].append({"url": "https://about.gitlab.com/releases/post/"})
    assert not same_container(cna, changed)
    other_org = copy.deepcopy(cna)
    other_org["providerMetadata"]["orgId"] = "another"
    assert not same_container(cna, other_org)
    assert "x_generator" not in comparable_container(stamped)


def test_keep_program_fields_carries_x_fields_the_export_lacks() -> None:
    published = {
        "x_legacyV4Record": {"a": 1},
        "x_generator": {"engine": "Vulnogram"},
        "references": [{"url": "https://x.test/1", "tags": ["patch", "x_refsource_MISC"]}],
    }
    ours = {"references": [{"url": "https://x.test/1", "tags": ["patch"]}, {"url": "https://b/"}]}
    kept = keep_program_fields(ours, published)
    assert kept["x_legacyV4Record"] == {"a": 1}
    assert "x_generator" not in kept  # the client stamps its own
    assert kept["references"][0]["tags"] == ["patch", "x_refsource_MISC"]
    assert ours["references"][0]["tags"] == ["patch"]  # not mutated
    assert same_container(kept, ours)
