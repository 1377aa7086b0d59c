"""Facts that several modules used to write each for itself: the CVE id, the severity level a
``severity::N`` label gives, and the level names."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.cna.local import LocalCna
from psirt.core.errors import InputError
from psirt.core.identifiers import is_cve_id
from psirt.core.records import MergeRequestRef
from psirt.knowledge.cvss import SEVERITY_NAMES, severity_from_labels, severity_from_score
from psirt.render.cve_record import reference
from tests import factories as f

LABELS = f.CONFIG.labels


def test_is_cve_id_takes_the_whole_text_only() -> None:
    assert is_cve_id("CVE-2026-4101") and is_cve_id("CVE-2026-123456")
    for text in ("CVE-2026-410", "see CVE-2026-4101", "CVE-2026-4101\n", "../CVE-2026-4101"):
        assert not is_cve_id(text)


def test_local_cna_refuses_what_is_not_a_cve_id(tmp_path: Path) -> None:
    cna = LocalCna(tmp_path)
    with pytest.raises(InputError, match="not a CVE id"):
        cna.record("CVE-2026-4101\n")


def test_severity_from_labels_takes_the_first_valid_level() -> None:
    assert severity_from_labels(("bug", LABELS.severity(2)), LABELS) == 2
    assert severity_from_labels((f"{LABELS.severity_prefix}9", LABELS.severity(3)), LABELS) == 3
    assert severity_from_labels(("bug",), LABELS) is None


def test_level_names_follow_the_score_levels() -> None:
    assert SEVERITY_NAMES == {1: "critical", 2: "high", 3: "medium", 4: "low"}
    assert SEVERITY_NAMES[severity_from_score(9.0)] == "critical"
    assert SEVERITY_NAMES[severity_from_score(6.9)] == "medium"


def test_merge_request_ref_parses_the_reference_and_the_url_only() -> None:
    ref = MergeRequestRef("gitlab-org/security/gitlab", 12)
    assert MergeRequestRef.parse("gitlab-org/security/gitlab!12") == ref
    url = "https://gitlab.com/gitlab-org/security/gitlab/-/merge_requests/12"
    assert MergeRequestRef.parse(url) == ref
    assert MergeRequestRef.parse("gitlab-org/security/gitlab#12") is None
    assert MergeRequestRef.parse("https://gitlab.com/gitlab-org/gitlab/-/issues/12") is None


def test_cve_reference_names_a_hackerone_report_as_the_links_table_reads_it() -> None:
    for url in (
        "https://hackerone.com/reports/3100001",
        "https://hackerone.com/bugs?report_id=3100001",
    ):
        assert reference(url)["name"] == "HackerOne Bug Bounty Report #3100001"
