"""The maintenance policy (fixes go to the current minor and the previous two) and what follows
from it: the maintained minors and their stable branches, the affected ranges of a
vulnerability, its fixed versions, and the sentences that GitLab's CVE records print for them.

"Release versions" everywhere here are the versions one patch release ships, such as
``18.10.1, 18.9.3, 18.8.7`` (several patches of one minor count as that minor's newest).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from psirt.core.errors import InputError
from psirt.core.versions import Version

DEFAULT_MAINTAINED = 3  # ProductConfig.maintained_minors holds the configured value

_RANGE = re.compile(r"^\s*>=\s*(\S+?)\s*,?\s*<\s*(\S+?)\s*$")

#: In prose a range reads ``<start> before <fixed>`` (``version_phrase``) or, in older
#: records, ``<start> prior to <fixed>``: the words between the two versions, as a pattern.
RANGE_CONNECTIVE = r"(?:before|prior\s+to)"


def _newest_per_minor(release_versions: Iterable[Version]) -> dict[Version, Version]:
    newest: dict[Version, Version] = {}
    for version in release_versions:
        series = version.series
        if series not in newest or newest[series] < version:
            newest[series] = version
    return newest


def maintained_minors(
    release_versions: Sequence[Version], count: int = DEFAULT_MAINTAINED
) -> list[Version]:
    """The newest ``count`` minors among the release versions, newest first: 18.10, 18.9, 18.8."""
    if count < 1:
        raise InputError(f"maintained minors: {count} (expected at least 1)")
    return sorted(_newest_per_minor(release_versions), reverse=True)[:count]


def stable_branches(
    release_versions: Sequence[Version], count: int = DEFAULT_MAINTAINED
) -> list[str]:
    """The stable branches a fix is backported to, newest first (``18-10-stable-ee``, ...)."""
    return [minor.stable_branch for minor in maintained_minors(release_versions, count)]


def next_patch_versions(
    latest_versions: Sequence[Version], count: int = DEFAULT_MAINTAINED
) -> list[Version]:
    """The versions the next patch release ships, newest first, from the latest released ones
    (``18.10.0, 18.9.2, 18.8.6`` -> ``18.10.1, 18.9.3, 18.8.7``)."""
    newest = _newest_per_minor(latest_versions)
    minors = sorted(newest, reverse=True)[:count]
    return [Version(m.major, m.minor, (newest[m].patch or 0) + 1) for m in minors]


@dataclass(frozen=True)
class AffectedRange:
    """``>=start, <fixed``: one maintained line's affected versions, as a CVE record states them."""

    start: Version
    fixed: Version

    def __post_init__(self) -> None:
        if not self.start < self.fixed:
            raise InputError(
                f"affected range >={self.start}, <{self.fixed}: start is not before the fix"
            )

    @classmethod
    def parse(cls, text: str) -> AffectedRange:
        """``>=16.10, <18.8.7`` (spacing and the comma optional)."""
        match = _RANGE.match(str(text))
        if not match:
            raise InputError(
                f"not an affected range: {text!r} "
                "(expected '>=X.Y, <X.Y.Z', e.g. '>=16.10, <18.8.7')"
            )
        return cls(Version.parse(match.group(1)), Version.parse(match.group(2)))

    def __contains__(self, version: object) -> bool:
        return isinstance(version, Version) and self.start <= version < self.fixed

    def __str__(self) -> str:
        return f">={self.start}, <{self.fixed}"


def fixed_versions_of(
    release_versions: Sequence[Version], count: int = DEFAULT_MAINTAINED
) -> list[Version]:
    """The fix in each maintained line, oldest first (``18.8.7, 18.9.3, 18.10.1``)."""
    newest = _newest_per_minor(release_versions)
    return sorted(newest[m] for m in maintained_minors(release_versions, count))


def affected_ranges(
    first_affected: Version,
    release_versions: Sequence[Version],
    count: int = DEFAULT_MAINTAINED,
    *,
    fixed_lines: Collection[Version] | None = None,
) -> list[AffectedRange]:
    """One range per maintained line that carries the bug, oldest first.

    The first range starts at the first affected version itself (``16.10`` or ``18.9.1``); later
    ranges start at their minor (``18.9``). Lines older than the first affected version's minor
    never had the bug and are left out.

    ``fixed_lines`` (minors such as ``18.10``; None: every maintained line) are the lines whose
    release version carries the fix. A fix with reduced backports reaches fewer lines: a line
    without it stays affected until the next line's fix, so ``16.10`` fixed in 18.10 only gives
    ``>=16.10, <18.10.1``, never a claim that 18.8.7 or 18.9.3 fixes it. The newest line that
    carries the bug must have the fix, else no range could say where the bug ends.
    """
    lines = None if fixed_lines is None else frozenset(fixed_lines)
    return list(_affected_ranges(first_affected, tuple(release_versions), count, lines))


@lru_cache(maxsize=4096)
def _affected_ranges(
    first_affected: Version,
    release_versions: tuple[Version, ...],
    count: int,
    fixed_lines: frozenset[Version] | None,
) -> tuple[AffectedRange, ...]:
    """``affected_ranges``, computed once per (first affected version, release, lines): the
    checks, the update and the close of every fix of a release ask for the same few."""
    fixes = fixed_versions_of(release_versions, count)
    if not fixes:
        raise InputError("no release versions to compute affected ranges from")
    for fix in fixes:
        if fix.is_minor:
            raise InputError(f"release version {fix} has no patch number (expected X.Y.Z)")
    carrying = [fix for fix in fixes if fix.series >= first_affected.series]
    if not carrying:
        raise InputError(
            f"first affected version {first_affected} is newer than every release version "
            f"({', '.join(str(f) for f in fixes)})"
        )
    shipped = carrying
    if fixed_lines is not None:
        lines = {line.series for line in fixed_lines}
        shipped = [fix for fix in carrying if fix.series in lines]
        if not shipped or shipped[-1] != carrying[-1]:
            raise InputError(
                f"the fix does not reach {carrying[-1]}, the newest release version "
                f"(it reaches {', '.join(str(f) for f in shipped) or 'none of them'})"
            )
    ranges: list[AffectedRange] = []
    previous: Version | None = None
    for fix in shipped:
        if previous is None:
            start = first_affected
        else:  # the oldest line after the previous fix: its own, or an unfixed one before it
            start = min(f.series for f in carrying if f.series > previous.series)
        if not start < fix:
            raise InputError(f"first affected version {first_affected} is not before its fix {fix}")
        ranges.append(AffectedRange(start, fix))
        previous = fix
    return tuple(ranges)


def fixed_versions(ranges: Sequence[AffectedRange]) -> list[Version]:
    """The fixed versions of the ranges, oldest first."""
    return sorted(r.fixed for r in ranges)


def version_phrase(ranges: Sequence[AffectedRange], connective: str = "before") -> str:
    """``from 16.10 before 18.8.7, 18.9 before 18.9.3, and 18.10 before 18.10.1``: the house
    phrase, with ``connective`` (``[cve] connective`` in psirt.toml) between the versions."""
    parts = [f"{r.start} {connective} {r.fixed}" for r in sorted(ranges, key=lambda r: r.fixed)]
    if not parts:
        raise InputError("no affected ranges to describe")
    if len(parts) == 1:
        body = parts[0]
    elif len(parts) == 2:
        body = f"{parts[0]} and {parts[1]}"
    else:
        body = ", ".join(parts[:-1]) + f", and {parts[-1]}"
    return f"from {body}"


#: GitLab's solution wording; "versions" even for one (``Upgrade to versions 18.11.3 or above.``).
SOLUTION_TEMPLATE = "Upgrade to versions {versions} or above."


def solution_text(fixed: Sequence[Version], template: str = SOLUTION_TEMPLATE) -> str:
    """``Upgrade to versions 18.8.7, 18.9.3, 18.10.1 or above.`` (oldest first); ``template``
    is ``[cve] solution`` of psirt.toml, ``{versions}`` the fixed versions joined by ", "."""
    if not fixed:
        raise InputError("no fixed versions to recommend")
    ordered = sorted(set(fixed))
    return template.format(versions=", ".join(str(v) for v in ordered))
