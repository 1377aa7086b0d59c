"""Version ranges in the ``vers`` notation (``vers:semver/>=16.10.0|<18.8.7``), which CSAF 2.0
asks for in ``product_version_range``, and the check a scanner makes with one.

psirt's affected ranges are ``>=start, <fixed`` with GitLab versions (``16.10``, ``18.8.7``);
vers and OSV's ``SEMVER`` ranges want SemVer 2.0 versions, so a bare minor becomes ``X.Y.0``.
The matcher follows the vers specification's algorithm for the comparators it defines, so a
test can show that what psirt writes means what the CVE record says.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from psirt.core.errors import InputError
from psirt.core.versions import Version
from psirt.knowledge.policy import AffectedRange

_COMPARATORS = ("<=", ">=", "!=", "<", ">", "=")
_SEMVER = re.compile(r"^(\d{1,9})\.(\d{1,9})\.(\d{1,9})$")


def semver(version: Version) -> str:
    """``16.10`` -> ``16.10.0``: the SemVer form of a GitLab version."""
    return f"{version.major}.{version.minor}.{version.patch or 0}"


def _parse_semver(text: str) -> Version:
    match = _SEMVER.match(text.strip())
    if not match:
        raise InputError(f"not a SemVer version: {text!r} (expected X.Y.Z)")
    return Version(*(int(part) for part in match.groups()))


def vers_semver(ranges: Sequence[AffectedRange]) -> str:
    """One vers for ``ranges``: ``vers:semver/>=16.10.0|<18.8.7|>=18.9.0|<18.9.3``, in the
    canonical order (by version)."""
    if not ranges:
        raise InputError("no affected ranges to write as vers")
    parts: list[str] = []
    for item in sorted(ranges, key=lambda r: r.start):
        parts += [f">={semver(item.start)}", f"<{semver(item.fixed)}"]
    return "vers:semver/" + "|".join(parts)


@dataclass(frozen=True)
class VersRange:
    """A parsed ``vers:semver/...``: its constraints in version order."""

    constraints: tuple[tuple[str, Version], ...]

    @classmethod
    def parse(cls, text: str) -> VersRange:
        prefix = "vers:semver/"
        if not text.startswith(prefix):
            raise InputError(f"not a semver vers: {text!r} (expected 'vers:semver/...')")
        constraints: list[tuple[str, Version]] = []
        for part in text[len(prefix) :].split("|"):
            part = part.strip()
            comparator = next((c for c in _COMPARATORS if part.startswith(c)), "=")
            value = part[len(comparator) :] if part.startswith(comparator) else part
            constraints.append((comparator, _parse_semver(value)))
        versions = [v for _, v in constraints]
        if versions != sorted(versions) or len(set(versions)) != len(versions):
            raise InputError(f"vers constraints not in strictly ascending order: {text!r}")
        return cls(tuple(constraints))

    def __contains__(self, version: object) -> bool:
        """The vers specification's containment check (section "Checking if a version is
        contained within a range")."""
        if not isinstance(version, Version):
            return False
        tested = Version(version.major, version.minor, version.patch or 0)
        for comparator, value in self.constraints:
            if value == tested and comparator in ("=", "<=", ">="):
                return True
            if value == tested and comparator == "!=":
                return False
        ranges = [(c, v) for c, v in self.constraints if c not in ("=", "!=")]
        if not ranges:
            return False
        first_comparator, first_value = ranges[0]
        if first_comparator in ("<", "<=") and tested < first_value:
            return True
        last_comparator, last_value = ranges[-1]
        if last_comparator in (">", ">=") and tested > last_value:
            return True
        for (low_c, low), (high_c, high) in itertools.pairwise(ranges):
            if low_c in (">", ">=") and high_c in ("<", "<=") and low < tested < high:
                return True
        return False
