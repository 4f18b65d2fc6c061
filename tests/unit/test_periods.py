"""Reporting periods: London days, the April-to-March year, and what a person may type."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from disclosure_service.reports.periods import Period, financial_year, financial_year_of, parse


def test_the_reporting_year_runs_from_london_midnight_on_1_april_in_summer_time() -> None:
    year = financial_year(2025)

    assert year.start == datetime(2025, 3, 31, 23, tzinfo=UTC)
    assert year.end == datetime(2026, 3, 31, 23, tzinfo=UTC)
    assert year.label == "1 April 2025 to 31 March 2026"


def test_a_winter_period_starts_at_utc_midnight() -> None:
    january = Period(date(2026, 1, 1), date(2026, 1, 31))

    assert (january.start, january.end) == (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("day", "year"), [(date(2026, 3, 31), 2025), (date(2026, 4, 1), 2026), (date(2026, 12, 31), 2026)]
)
def test_which_reporting_year_a_day_is_in(day: date, year: int) -> None:
    assert financial_year_of(day) == year


def test_by_default_this_reporting_year_so_far() -> None:
    assert parse(None, None, date(2026, 11, 28)) == (Period(date(2026, 4, 1), date(2026, 11, 28)), [])


def test_a_date_that_is_not_a_date_says_how_to_write_one() -> None:
    period, problems = parse("28/11/2026", "2026-12-01", date(2026, 11, 28))

    assert problems == ["Enter the start date as YYYY-MM-DD, like 2026-04-01"]
    assert period == Period(date(2026, 4, 1), date(2026, 12, 1))


def test_a_backwards_period_is_refused() -> None:
    period, problems = parse("2026-05-01", "2026-04-01", date(2026, 11, 28))

    assert problems == ["The end date must be on or after the start date"]
    assert period.first == period.last == date(2026, 5, 1)


def test_a_period_is_at_most_ten_years() -> None:
    period, problems = parse("2000-01-01", "2026-01-01", date(2026, 11, 28))

    assert problems == ["Choose a period of ten years or less"]
    assert (period.last - period.first).days == 3660
