"""GitLab's release calendar: a minor every month on the third Thursday (a major each May), and
planned patch releases on the Wednesday of the week before and the week after it.

The rule holds since 16.6 (November 2023); earlier months used other dates and are refused rather
than guessed. Version numbers are derived from one anchor (18.0 in May 2025), one minor a month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from psirt.core.errors import InputError
from psirt.core.versions import Version

_ANCHOR_YEAR, _ANCHOR_MONTH, _ANCHOR_MAJOR = 2025, 5, 18  # 18.0, May 2025
MAJOR_MONTH = 5
FIRST_RULE_MONTH = (2023, 11)  # 16.6: the first release on the third Thursday


@dataclass(frozen=True)
class MonthlyRelease:
    version: Version
    date: dt.date
    patch_before: dt.date  # Wednesday of the week before
    patch_after: dt.date  # Wednesday of the week after

    def as_json(self) -> dict[str, Any]:
        return {
            "version": str(self.version),
            "date": self.date.isoformat(),
            "patch_before": self.patch_before.isoformat(),
            "patch_after": self.patch_after.isoformat(),
        }


def third_thursday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (calendar.THURSDAY - first.weekday()) % 7
    return first + timedelta(days=offset + 14)


def minor_version(year: int, month: int) -> Version:
    """The minor released in that month: 18.10 in March 2026, 19.0 in May 2026."""
    months = (year - _ANCHOR_YEAR) * 12 + (month - _ANCHOR_MONTH)
    return Version(_ANCHOR_MAJOR + months // 12, months % 12)


def _check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise InputError(f"month {month} (expected 1 to 12)")
    if (year, month) < FIRST_RULE_MONTH:
        raise InputError(
            f"{year}-{month:02d}: the calendar rule holds from {FIRST_RULE_MONTH[0]}-"
            f"{FIRST_RULE_MONTH[1]:02d} (16.6) on"
        )


def monthly_release(year: int, month: int) -> MonthlyRelease:
    _check_month(year, month)
    day = third_thursday(year, month)
    return MonthlyRelease(
        version=minor_version(year, month),
        date=day,
        patch_before=day - timedelta(days=8),
        patch_after=day + timedelta(days=6),
    )


def releases_in(year: int) -> list[MonthlyRelease]:
    """The monthly releases of a year the rule covers (2023 starts in November)."""
    if year < FIRST_RULE_MONTH[0]:
        raise InputError(f"year {year}: the calendar rule holds from {FIRST_RULE_MONTH[0]} on")
    return [
        monthly_release(year, month) for month in range(1, 13) if (year, month) >= FIRST_RULE_MONTH
    ]


def release_of_version(version: Version) -> MonthlyRelease:
    """When a minor (or the minor of a patch version) ships."""
    months = (version.major - _ANCHOR_MAJOR) * 12 + version.minor
    if not 0 <= version.minor <= 11:
        raise InputError(f"version {version}: minors run from 0 to 11 under the monthly calendar")
    year, month0 = divmod(_ANCHOR_MONTH - 1 + months, 12)
    return monthly_release(_ANCHOR_YEAR + year, month0 + 1)


def _months_around(day: dt.date) -> list[MonthlyRelease]:
    releases = []
    for delta in (-1, 0, 1, 2):
        year, month0 = divmod(day.year * 12 + day.month - 1 + delta, 12)
        if (year, month0 + 1) >= FIRST_RULE_MONTH:
            releases.append(monthly_release(year, month0 + 1))
    return releases


def planned_patch_dates(year: int, month: int) -> list[dt.date]:
    """The planned patch dates that fall in a month, in order."""
    release = monthly_release(year, month)
    candidates = {d for r in _months_around(release.date) for d in (r.patch_before, r.patch_after)}
    return sorted(d for d in candidates if (d.year, d.month) == (year, month))


def next_planned_patch(after: dt.date, *, inclusive: bool = True) -> dt.date:
    """The next planned patch date on or after ``after`` (after it with ``inclusive=False``)."""
    dates = sorted(d for r in _months_around(after) for d in (r.patch_before, r.patch_after))
    for day in dates:
        if day > after or (inclusive and day == after):
            return day
    raise InputError(f"{after}: before the calendar rule (from 16.6, November 2023)")


def previous_planned_patch(before: dt.date) -> dt.date:
    """The last planned patch date strictly before ``before``: when the release before it
    shipped (an unplanned release in between is not in the calendar)."""
    dates = sorted(
        (
            d
            for r in _months_around(before - dt.timedelta(days=31))
            for d in (r.patch_before, r.patch_after)
        ),
        reverse=True,
    )
    for day in dates:
        if day < before:
            return day
    raise InputError(f"{before}: before the calendar rule (from 16.6, November 2023)")


def next_monthly_release(after: dt.date, *, inclusive: bool = True) -> MonthlyRelease:
    """The next monthly release on or after ``after`` (strictly after with ``inclusive=False``)."""
    for release in _months_around(after):
        if release.date > after or (inclusive and release.date == after):
            return release
    raise InputError(f"{after}: before the calendar rule (from 16.6, November 2023)")


def next_major_release(after: dt.date, *, inclusive: bool = True) -> MonthlyRelease:
    """The next X.0 (each May) on or after ``after`` (after it with ``inclusive=False``)."""
    year = max(after.year, FIRST_RULE_MONTH[0] + 1)  # the first May under the rule is 2024
    release = monthly_release(year, MAJOR_MONTH)
    if release.date < after or (not inclusive and release.date == after):
        release = monthly_release(year + 1, MAJOR_MONTH)
    return release


def planned_patches_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The planned patch dates after ``start`` up to ``end`` (included), in order."""
    dates: set[dt.date] = set()
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if (year, month) >= FIRST_RULE_MONTH:
            dates.update(planned_patch_dates(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(d for d in dates if start < d <= end)


def patch_release_versions(on: dt.date, count: int = 3) -> list[Version]:
    """The versions a patch release on ``on`` ships, newest first, as the calendar has them:
    the ``count`` newest minors released before that day, each at one patch per planned patch
    date since its release (``on`` itself counts as one when it is not a planned date).

    An estimate: an unplanned (critical) release in between adds a patch the calendar does not
    know; ``psirt init --versions`` gives the exact ones."""
    month = on
    releases: list[MonthlyRelease] = []
    while len(releases) < count:
        release = monthly_release(month.year, month.month)
        if release.date < on:
            releases.append(release)
        month = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    unplanned = 0 if on in planned_patches_between(on - timedelta(days=1), on) else 1
    return [
        Version(
            r.version.major, r.version.minor, len(planned_patches_between(r.date, on)) + unplanned
        )
        for r in releases
    ]
