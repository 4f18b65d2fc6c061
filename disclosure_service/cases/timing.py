"""Times that make sense: nothing in the future, nothing before what it follows. Plain rules, no I/O.

Each check answers with the GOV.UK-style message for the field, or None. Server clocks and an
officer's phone can disagree by a little, so "now" allows a few minutes of skew; dates are the
London day, as the officer typed them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from disclosure_service.dates import age_on, long_date, long_datetime, to_london

CLOCK_SKEW = timedelta(minutes=5)
# The scheme's pilots began in 2008: nothing on a case can be older.
SCHEME_BEGAN = date(2008, 1, 1)
OLDEST_PERSON_YEARS = 120
ADULT_AGE = 18


def london_today(now: datetime) -> date:
    return to_london(now).date()


def moment_problem(
    moment: datetime, label: str, *, now: datetime, after: datetime | None = None, after_what: str = ""
) -> str | None:
    """A time an officer entered: not in the future, and not before the event it follows."""
    if moment > now + CLOCK_SKEW:
        return f"{label} must be now or in the past"
    if after is not None and moment < after:
        return f"{label} must be after {after_what} ({long_datetime(after)})"
    return None


def date_problem(
    day: date, label: str, *, now: datetime, after: date | None = None, after_what: str = ""
) -> str | None:
    """A date an officer entered: today or earlier, and not before the event it follows."""
    if day > london_today(now):
        return f"{label} must be today or in the past"
    if after is not None and day < after:
        return f"{label} must be the same as or after {after_what} ({long_date(after)})"
    return None


def appointment_problem(
    moment: datetime, label: str, *, not_before: datetime, not_before_what: str, now: datetime
) -> str | None:
    """A meeting arranged for a time: it may be in the future, but not before the decision it follows,
    nor more than a year ahead (a typing slip, not a plan)."""
    if moment < not_before:
        return f"{label} must be after {not_before_what} ({long_datetime(not_before)})"
    if moment > now + timedelta(days=366):
        return f"{label} must be within the next year"
    return None


def received_problem(received_at: datetime, *, now: datetime) -> str | None:
    if received_at > now + CLOCK_SKEW:
        return "The date the application was received must be today or in the past"
    if to_london(received_at).date() < SCHEME_BEGAN:
        return f"The date the application was received must be after {long_date(SCHEME_BEGAN)}"
    return None


def birth_problem(date_of_birth: date, *, received_on: date, child: bool) -> str | None:
    """A plausible date of birth; a child on the case is under 18 on the day the application came in."""
    if date_of_birth > received_on:
        return "Date of birth must be before the date the application was received"
    earliest = date(received_on.year - OLDEST_PERSON_YEARS, 1, 1)
    if date_of_birth < earliest:
        return f"Date of birth must be the same as or after {long_date(earliest)}"
    if child and age_on(date_of_birth, received_on) >= ADULT_AGE:
        return "A child must be under 18 on the day the application was received: check the date of birth"
    return None
