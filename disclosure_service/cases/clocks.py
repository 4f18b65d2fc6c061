"""Deadlines of a case: plain rules, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from disclosure_service.cases.vocabulary import DEFAULT_CLOCKS, Scheme


@dataclass(frozen=True, slots=True)
class Deadlines:
    triage_due_at: datetime
    meeting_due_at: datetime
    due_at: datetime


def deadlines(
    scheme: Scheme,
    received_at: datetime,
    clocks: dict[Scheme, dict[str, timedelta]] = DEFAULT_CLOCKS,
) -> Deadlines:
    """Every clock starts when the application is received."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    clock = clocks[scheme]
    return Deadlines(
        triage_due_at=received_at + clock["triage"],
        meeting_due_at=received_at + clock["applicant_meeting"],
        due_at=received_at + clock["overall"],
    )
