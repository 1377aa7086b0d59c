"""Who must be told about a patch release, by its worst fix (the seed's "Additional
Stakeholders" and "Release Day"). Keys are those of ``PeopleConfig.stakeholders``, which holds
the handles; this module only knows who and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from psirt.core.errors import InputError
from psirt.knowledge.cvss import SEVERITY_NAMES


@dataclass(frozen=True)
class Stakeholder:
    key: str  # a key of PeopleConfig.stakeholders
    why: str


_ALWAYS = (
    Stakeholder("marketing", "told through the Security communications issue before every post"),
    Stakeholder("legal", "reviews the security disclosures"),
)
_CRITICAL_OR_HIGH = (
    Stakeholder("field_security", "notified when the worst fix is critical or high"),
    Stakeholder("support", "coordinated when the worst fix is critical or high"),
)
_CRITICAL = (
    Stakeholder("dedicated", "the GitLab Dedicated team is notified of critical fixes"),
    Stakeholder(
        "corporate_communications",
        "reviews and approves the customer communication of a critical release",
    ),
    Stakeholder("comms_channel", "a critical release is announced to communications there"),
)


def stakeholders_for(highest_severity: int) -> list[Stakeholder]:
    """Everyone to tell for a release whose worst fix has ``severity::highest_severity``
    (1 critical .. 4 low), in the order they are told."""
    if highest_severity not in SEVERITY_NAMES:
        raise InputError(f"severity {highest_severity!r} (expected 1 critical to 4 low)")
    people = list(_ALWAYS)
    if highest_severity <= 2:
        people.extend(_CRITICAL_OR_HIGH)
    if highest_severity == 1:
        people.extend(_CRITICAL)
    return people


_EXPLOITED = (
    Stakeholder(
        "field_security", "customers ask about a vulnerability that is exploited in the wild"
    ),
    Stakeholder("support", "self-managed customers who have not upgraded need help now"),
    Stakeholder("dedicated", "GitLab Dedicated instances must be confirmed patched"),
    Stakeholder(
        "corporate_communications",
        "approves any further customer communication about active exploitation",
    ),
    Stakeholder("comms_channel", "communications must hear of active exploitation at once"),
)


def stakeholders_for_exploitation() -> list[Stakeholder]:
    """Everyone to tell when a released vulnerability is exploited in the wild (an ADP says
    SSVC ``Exploitation: active``, or CISA lists it in KEV): as for a critical release, less
    the pre-release reviewers, each with the reason that applies after publication."""
    return list(_EXPLOITED)
