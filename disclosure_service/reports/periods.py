"""Reporting periods: London calendar days and the Home Office's April-to-March year. Plain rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from disclosure_service.dates import LONDON, long_date
from disclosure_service.numbers import iso_date


@dataclass(frozen=True, slots=True)
class Period:
    """From the start of `first` to the end of `last`, both London days, inclusive."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), tzinfo=LONDON).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=LONDON).astimezone(UTC)

    @property
    def label(self) -> str:
        return f"{long_date(self.first)} to {long_date(self.last)}"


def financial_year(starting: int) -> Period:
    """The Home Office's reporting year: 1 April `starting` to 31 March the next year."""
    return Period(date(starting, 4, 1), date(starting + 1, 3, 31))


def financial_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def parse(first: str | None, last: str | None, today: date) -> tuple[Period, list[str]]:
    """A period from two YYYY-MM-DD strings; by default this financial year so far."""
    problems: list[str] = []
    default = financial_year(financial_year_of(today))
    start = iso_date(first) if first else default.first
    if start is None:
        problems.append("Enter the start date as YYYY-MM-DD, like 2026-04-01")
        start = default.first
    end = iso_date(last) if last else min(default.last, today)
    if end is None:
        problems.append("Enter the end date as YYYY-MM-DD, like 2027-03-31")
        end = default.last
    if end < start:
        problems.append("The end date must be on or after the start date")
        end = start
    if (end - start).days > 3660:
        problems.append("Choose a period of ten years or less")
        end = start + timedelta(days=3660)
    return Period(start, end), problems
