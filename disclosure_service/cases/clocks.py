"""Deadlines of a case: plain rules, no I/O."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Deadlines:
    triage_due_at: datetime
    meeting_due_at: datetime
    due_at: datetime


def deadlines(received_at: datetime, clock: Mapping[str, timedelta]) -> Deadlines:
    """Every clock starts when the application is received; `clock` is the scheme's (triage,
    applicant_meeting, overall)."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    return Deadlines(
        triage_due_at=received_at + clock["triage"],
        meeting_due_at=received_at + clock["applicant_meeting"],
        due_at=received_at + clock["overall"],
    )


# A supervisor decides on a refused undertaking within this (scenario 5: "within the day").
REVIEW_CLOCK = timedelta(hours=24)

# Police records are usually kept at least six years, then reviewed (APP review, retention and disposal).
RETENTION_REVIEW_AFTER_YEARS = 6


def retention_review_date(closed_at: datetime, years: int = RETENTION_REVIEW_AFTER_YEARS) -> date:
    """When to review whether to keep a closed case: the same day, `years` later (28 February for 29 February)."""
    day = closed_at.date()
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Clock:
    """One deadline as a person reads it: how many days are left, or how many it is over."""

    name: str
    due_at: datetime
    done: bool
    days_left: int

    @property
    def overdue(self) -> bool:
        return not self.done and self.days_left < 0

    @property
    def words(self) -> str:
        if self.done:
            return "Done"
        if self.days_left < 0:
            return f"{-self.days_left} day{'s' if self.days_left != -1 else ''} overdue"
        if self.days_left == 0:
            return "Due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def days_between(now: datetime, due_at: datetime) -> int:
    """Whole days left before the deadline: 0 in its last day, -1 in the first day after it."""
    return math.floor((due_at - now).total_seconds() / 86_400)


TRIAGE_DONE_AFTER = ("received", "initial_triage")
MEETING_DONE_AFTER = ("received", "initial_triage", "applicant_meeting")


class Deadlined(Protocol):
    """What the clocks read from a case."""

    @property
    def stage(self) -> str: ...
    @property
    def triage_due_at(self) -> datetime: ...
    @property
    def meeting_due_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime: ...


def clocks_of(case: Deadlined, now: datetime) -> list[Clock]:
    """The case's three clocks: triage, applicant meeting, whole case."""
    closed = case.stage == "closed"
    return [
        Clock(
            "Initial triage",
            case.triage_due_at,
            closed or case.stage not in TRIAGE_DONE_AFTER,
            days_between(now, case.triage_due_at),
        ),
        Clock(
            "Meeting the applicant",
            case.meeting_due_at,
            closed or case.stage not in MEETING_DONE_AFTER,
            days_between(now, case.meeting_due_at),
        ),
        Clock("Whole case", case.due_at, closed, days_between(now, case.due_at)),
    ]
