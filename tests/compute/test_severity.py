"""One fix's severity under each named policy, and the one order fixes are listed in.

The publication policy rates a fix as its CVE record does (the CVE's vector, the label only
without a valid vector); the notification policy takes the worst of the CVE's vector, the
council's vote and the label, so it is never milder than what the post publishes.
"""

from __future__ import annotations

import pytest

from psirt.compute.severity import (
    SEVERITY_TITLES,
    SeverityPolicy,
    fix_severity,
    level_named,
    order_key,
    release_severity,
    severity_title,
)
from psirt.model.release import SecurityIssue
from psirt.rules.issue import check_council, check_severity_label
from tests import factories as f

LABELS = f.CONFIG.labels
LOW = "AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N"  # 3.7
MEDIUM = f.VECTOR  # 6.5
HIGH = "AV:N/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:N"  # 8.5
CRITICAL = f.CRITICAL_VECTOR  # 9.9
NONE = "AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"  # 0.0
PUBLICATION, NOTIFICATION = SeverityPolicy.PUBLICATION, SeverityPolicy.NOTIFICATION


def fix(*, impact: str | None, council: str | None, label: int | None) -> SecurityIssue:
    """A fix whose CVE YAML ``impact``, council vote and ``severity::N`` label are given (None:
    absent)."""
    labels = (LABELS.security,) + ((LABELS.severity(label),) if label else ())
    request = f.cve_request(yaml=f.yaml_text(impact=impact))
    return f.security_issue(
        labels=labels, vote=f.council(council) if council else None, cve=request
    )


@pytest.mark.parametrize(
    ("impact", "council", "label", "published", "notified"),
    [
        (MEDIUM, MEDIUM, 3, 3, 3),  # the sources agree
        (MEDIUM, MEDIUM, 2, 3, 2),  # a worse label: told as high, published as the record says
        (MEDIUM, HIGH, 3, 3, 2),  # a worse council vote than the YAML's vector
        (CRITICAL, LOW, 4, 1, 1),  # the CVE's vector alone is critical: still told as critical
        (None, HIGH, 4, 2, 2),  # no impact in the YAML: the council's vote is the CVE's vector
        (None, None, 3, 3, 3),  # no vector at all: the label stands in
        ("AV:X/AC:L", MEDIUM, 4, 4, 3),  # an invalid impact is not replaced by the vote
        (NONE, None, 4, 4, 4),  # a vector scoring 0.0 has no level: the label stands in
        (None, None, None, None, None),  # unrated
    ],
)
def test_each_policy_rates_the_fix(
    impact: str | None,
    council: str | None,
    label: int | None,
    published: int | None,
    notified: int | None,
) -> None:
    item = fix(impact=impact, council=council, label=label)
    assert fix_severity(item, LABELS, PUBLICATION) == published
    assert fix_severity(item, LABELS, NOTIFICATION) == notified


def test_the_release_is_as_severe_as_its_worst_fix_for_notification() -> None:
    medium = fix(impact=MEDIUM, council=MEDIUM, label=3)
    critical_label = fix(impact=LOW, council=LOW, label=1)
    assert release_severity(f.snapshot(medium)) == 3
    assert release_severity(f.snapshot(medium, critical_label)) == 1
    assert release_severity(f.snapshot(fix(impact=None, council=None, label=None))) is None


def test_names_and_order() -> None:
    assert SEVERITY_TITLES == ("Critical", "High", "Medium", "Low")
    assert [severity_title(level) for level in (1, 4, None, 9)] == ["Critical", "Low", "", ""]
    assert [level_named(name) for name in ("Critical", " high ", "LOW", "Unrated", "")] == [
        1,
        2,
        4,
        None,
        None,
    ]
    keys = [
        order_key(3, 6.5, "CVE-2026-4105"),
        order_key(None, None, "CVE-2026-4100"),
        order_key(1, 9.0, "CVE-2026-4109"),
        order_key(3, 6.5, "CVE-2026-4104"),
        order_key(1, 9.9, "CVE-2026-4110"),
    ]
    assert [key[2] for key in sorted(keys)] == [
        "CVE-2026-4110",
        "CVE-2026-4109",
        "CVE-2026-4104",
        "CVE-2026-4105",
        "CVE-2026-4100",
    ]


def test_a_council_vote_scoring_zero_does_not_stop_validate() -> None:
    item = fix(impact=MEDIUM, council=NONE, label=3)
    snapshot = f.snapshot(item)
    assert list(check_severity_label(item, snapshot)) == []
    assert list(check_council(item, snapshot)) == []
