from __future__ import annotations

import pytest

from psirt.core.config import PeopleConfig
from psirt.core.errors import InputError
from psirt.knowledge.stakeholders import stakeholders_for


def keys(level: int) -> list[str]:
    return [s.key for s in stakeholders_for(level)]


def test_low_and_medium_tell_marketing_and_legal() -> None:
    assert keys(4) == keys(3) == ["marketing", "legal"]


def test_high_adds_field_security_and_support() -> None:
    assert keys(2) == ["marketing", "legal", "field_security", "support"]


def test_critical_adds_dedicated_and_corporate_communications() -> None:
    assert keys(1) == [
        "marketing",
        "legal",
        "field_security",
        "support",
        "dedicated",
        "corporate_communications",
        "comms_channel",
    ]


def test_every_key_has_a_handle_in_the_default_config_and_a_reason() -> None:
    handles = PeopleConfig().stakeholders
    for stakeholder in stakeholders_for(1):
        assert stakeholder.key in handles
        assert stakeholder.why


@pytest.mark.parametrize("level", [0, 5, -1])
def test_unknown_severity(level: int) -> None:
    with pytest.raises(InputError, match="expected 1 critical to 4 low"):
        stakeholders_for(level)
