"""Times that make sense: nothing in the future, nothing before what it follows, plausible births."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from disclosure_service import dates
from disclosure_service.cases import timing
from disclosure_service.cases.recipients import recipient_problem
from disclosure_service.cases.vocabulary import PersonRole

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_a_moment_a_few_minutes_ahead_is_clock_skew_but_an_hour_is_the_future() -> None:
    assert timing.moment_problem(NOW + timedelta(minutes=4), "The time", now=NOW) is None
    assert timing.moment_problem(NOW + timedelta(hours=1), "The time", now=NOW) == "The time must be now or in the past"


def test_a_moment_before_the_event_it_follows_is_refused_and_names_that_event() -> None:
    problem = timing.moment_problem(
        NOW - timedelta(days=2), "The time", now=NOW, after=NOW - timedelta(days=1), after_what="the meeting was held"
    )
    assert problem == "The time must be after the meeting was held (27 November 2026 at midday)"


def test_dates_are_the_london_day() -> None:
    late_evening = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in London
    assert timing.date_problem(date(2026, 7, 1), "The date", now=late_evening) is None
    future = timing.date_problem(date(2026, 7, 2), "The date", now=late_evening)
    assert future == "The date must be today or in the past"
    earlier = timing.date_problem(
        date(2020, 1, 1), "The date", now=NOW, after=date(2026, 11, 1), after_what="the date it was received"
    )
    assert earlier == "The date must be the same as or after the date it was received (1 November 2026)"


def test_an_application_cannot_be_received_in_the_future_or_before_the_scheme() -> None:
    assert timing.received_problem(datetime(2031, 1, 1, tzinfo=UTC), now=NOW) is not None
    assert timing.received_problem(datetime(2001, 1, 1, tzinfo=UTC), now=NOW) is not None
    assert timing.received_problem(NOW - timedelta(hours=2), now=NOW) is None


def test_a_child_is_under_eighteen_on_the_day_the_application_came_in() -> None:
    received = date(2026, 11, 28)
    assert timing.birth_problem(date(2035, 1, 1), received_on=received, child=True) is not None
    assert timing.birth_problem(date(2008, 11, 29), received_on=received, child=True) is None  # 17 for one more day
    assert timing.birth_problem(date(2008, 11, 28), received_on=received, child=True) is not None  # 18 today
    assert timing.birth_problem(date(1980, 1, 1), received_on=received, child=False) is None
    assert timing.birth_problem(date(1880, 1, 1), received_on=received, child=False) is not None


def test_a_leap_day_birthday_counts_from_the_first_of_march() -> None:
    assert dates.age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert dates.age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_a_meeting_may_be_arranged_ahead_but_not_before_the_decision() -> None:
    decided = NOW - timedelta(days=1)
    ahead = timing.appointment_problem(
        NOW + timedelta(days=3), "The meeting", not_before=decided, not_before_what="the decision", now=NOW
    )
    assert ahead is None
    assert timing.appointment_problem(
        datetime(2020, 5, 1, tzinfo=UTC), "The meeting", not_before=decided, not_before_what="the decision", now=NOW
    )
    assert timing.appointment_problem(
        NOW + timedelta(days=400), "The meeting", not_before=decided, not_before_what="the decision", now=NOW
    )


def test_the_subject_a_child_or_anyone_under_eighteen_never_receives_a_disclosure() -> None:
    today = date(2026, 11, 28)

    @dataclass(frozen=True)
    class Someone:
        role: PersonRole
        date_of_birth: date | None
        full_name: str = "Sam Example"

    def person(role: str, born: date | None = None) -> Someone:
        return Someone(PersonRole(role), born)

    assert "subject" in (recipient_problem(person("subject"), today=today) or "")
    assert "child" in (recipient_problem(person("child"), today=today) or "")
    assert "under 18" in (recipient_problem(person("other", date(2019, 5, 5)), today=today) or "")
    assert recipient_problem(person("parent_carer", date(1990, 5, 5)), today=today) is None
    assert recipient_problem(person("applicant"), today=today) is None
    assert recipient_problem(None, today=today) is not None
