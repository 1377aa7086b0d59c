"""Who is told about a release, with the handles a workspace configures for them.

The checklist lists these pings and notify writes one message per ping, so both read the same
list for the release's severity.
"""

from __future__ import annotations

from dataclasses import dataclass

from psirt.core.config import Config
from psirt.core.errors import InputError
from psirt.knowledge.cvss import SEVERITY_NAMES
from psirt.knowledge.stakeholders import stakeholders_for


@dataclass(frozen=True)
class Ping:
    """One stakeholder to tell: a key of ``people.stakeholders``, its handle, and why."""

    key: str
    handle: str
    why: str

    @property
    def is_channel(self) -> bool:
        return self.handle.startswith("#")


def pings_for(level: int, config: Config) -> tuple[Ping, ...]:
    """Who is told for a release whose worst fix is ``level``, with the configured handles."""
    handles = config.people.stakeholders
    missing = [s.key for s in stakeholders_for(level) if not handles.get(s.key)]
    if missing:
        raise InputError(
            f"people.stakeholders has no handle for {', '.join(missing)} "
            f"(needed for a {SEVERITY_NAMES[level]} release)",
            where="psirt.toml",
        )
    return tuple(Ping(s.key, handles[s.key], s.why) for s in stakeholders_for(level))
