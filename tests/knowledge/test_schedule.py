from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psirt.core.errors import InputError
from psirt.core.versions import Version
from psirt.knowledge.schedule import (
    MonthlyRelease,
    minor_version,
    monthly_release,
    next_monthly_release,
    next_planned_patch,
    planned_patch_dates,
    release_of_version,
    releases_in,
    third_thursday,
)


def test_18_10_on_2026_03_19_with_its_patch_dates() -> None:
    assert monthly_release(2026, 3) == MonthlyRelease(
        version=Version(18, 10),
        date=date(2026, 3, 19),
        patch_before=date(2026, 3, 11),
        patch_after=date(2026, 3, 25),
    )


def test_18_3_on_2025_08_21_with_a_patch_on_08_27() -> None:
    release = monthly_release(2025, 8)
    assert (release.version, release.date, release.patch_after) == (
        Version(18, 3),
        date(2025, 8, 21),
        date(2025, 8, 27),
    )


def test_major_in_may() -> None:
    assert monthly_release(2026, 5).version == Version(19, 0)
    assert monthly_release(2026, 5).date == date(2026, 5, 21)
    assert monthly_release(2026, 4).version == Version(18, 11)
    assert monthly_release(2025, 5).version == Version(18, 0)
    assert minor_version(2023, 11) == Version(16, 6)


def test_releases_in_2026() -> None:
    releases = releases_in(2026)
    assert [str(r.version) for r in releases][:5] == ["18.8", "18.9", "18.10", "18.11", "19.0"]
    assert [str(r.version) for r in releases][-1] == "19.7"
    assert len(releases) == 12


def test_the_rule_starts_with_16_6() -> None:
    releases = releases_in(2023)
    assert [(str(r.version), r.date) for r in releases] == [
        ("16.6", date(2023, 11, 16)),
        ("16.7", date(2023, 12, 21)),
    ]
    with pytest.raises(InputError, match="from 2023-11"):
        monthly_release(2023, 10)
    with pytest.raises(InputError, match="from 2023"):
        releases_in(2022)
    with pytest.raises(InputError, match="expected 1 to 12"):
        monthly_release(2026, 13)


def test_release_of_version() -> None:
    assert release_of_version(Version(18, 10, 1)).date == date(2026, 3, 19)
    assert release_of_version(Version(19, 0)).date == date(2026, 5, 21)
    with pytest.raises(InputError, match="minors run from 0 to 11"):
        release_of_version(Version(18, 12))


def test_next_planned_patch() -> None:
    assert next_planned_patch(date(2026, 3, 12)) == date(2026, 3, 25)
    assert next_planned_patch(date(2026, 3, 25)) == date(2026, 3, 25)
    assert next_planned_patch(date(2026, 3, 25), inclusive=False) == date(2026, 4, 8)
    assert next_planned_patch(date(2025, 12, 31)) == date(2026, 1, 7)
    assert next_planned_patch(date(2023, 10, 1)) == date(2023, 11, 8)
    with pytest.raises(InputError, match="before the calendar rule"):
        next_planned_patch(date(2020, 1, 1))


def test_next_monthly_release() -> None:
    assert next_monthly_release(date(2026, 3, 20)).version == Version(18, 11)
    assert next_monthly_release(date(2026, 3, 19)).version == Version(18, 10)
    assert next_monthly_release(date(2026, 3, 19), inclusive=False).version == Version(18, 11)
    with pytest.raises(InputError):
        next_monthly_release(date(2020, 1, 1))


def test_planned_patch_dates_in_a_month() -> None:
    assert planned_patch_dates(2026, 3) == [date(2026, 3, 11), date(2026, 3, 25)]


months = st.tuples(st.integers(2024, 2040), st.integers(1, 12))


@given(months)
def test_calendar_shape(year_month: tuple[int, int]) -> None:
    release = monthly_release(*year_month)
    assert release.date.weekday() == 3 and 15 <= release.date.day <= 21
    assert release.patch_before.weekday() == 2 and release.patch_after.weekday() == 2
    assert 1 <= (release.date - release.patch_before).days <= 13
    assert release.patch_before.isocalendar().week != release.date.isocalendar().week
    assert release_of_version(release.version) == release
    assert (release.version.minor == 0) == (year_month[1] == 5)
    assert third_thursday(*year_month) == release.date


@given(st.dates(date(2023, 11, 1), date(2040, 1, 1)))
def test_next_planned_patch_is_the_first_patch_date_not_before(day: date) -> None:
    found = next_planned_patch(day)
    assert found >= day and found.weekday() == 2
    assert (found - day).days <= 21
    assert found in planned_patch_dates(found.year, found.month)
    skipped = [d for d in planned_patch_dates(day.year, day.month) if day <= d < found]
    assert skipped == []
    assert next_planned_patch(day, inclusive=False) > day


@given(months)
def test_versions_advance_by_one_minor_a_month(year_month: tuple[int, int]) -> None:
    year, month = year_month
    this = minor_version(year, month)
    nxt = minor_version(year + month // 12, month % 12 + 1)
    assert this < nxt
    assert nxt == (
        Version(this.major + 1, 0) if this.minor == 11 else Version(this.major, this.minor + 1)
    )


def test_next_major_release() -> None:
    from psirt.knowledge.schedule import next_major_release

    assert next_major_release(date(2026, 3, 25)).version == Version(19, 0)
    assert next_major_release(date(2026, 5, 21)).date == date(2026, 5, 21)
    assert next_major_release(date(2026, 5, 21), inclusive=False).version == Version(20, 0)
    assert next_major_release(date(2020, 1, 1)).version == Version(17, 0)
