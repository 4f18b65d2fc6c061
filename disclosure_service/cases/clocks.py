"""Deadlines of a case, clock by clock: plain rules, no I/O.

A scheme lists its clocks (`ClockSpec`): when each starts, whether it counts from receipt or from
its own start, the stages it runs through and the stages it is *the* deadline of. A force sets each
clock's length (`clock_setting`); a case keeps the lengths in force on the day it was received, one
row per clock (`case_clock`), so that changing a clock never moves an open case's deadlines.
The guidance words the triage, the meeting and the whole case from the application ("within 10 days
of your application", "the whole process ... 45 days"), and the force procedures give the risk
assessment and the decision as lengths of their own stages (WYP: "max 10 calendar days" each), so
those two count from the moment their stage starts (docs/clocks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol

from disclosure_service.cases.vocabulary import ClockName, Outcome, Stage
from disclosure_service.dates import clock_time, to_london

# Police records are usually kept at least six years, then reviewed (APP review, retention and disposal).
RETENTION_REVIEW_AFTER_YEARS = 6

# A clock's length is set in whole hours: from one hour to a year.
MIN_HOURS = 1
MAX_HOURS = 365 * 24


@dataclass(frozen=True, slots=True)
class ClockSpec:
    """One clock of a scheme."""

    clock: ClockName
    default_hours: int
    # It starts when the case first reaches one of these stages (the received stage: when recorded)...
    starts_at: frozenset[Stage]
    # ...runs while the case is at one of these, and stops (its point reached) once it is at none.
    runs_at: frozenset[Stage]
    # The deadline of these stages: the one queues sort on (`application.next_due_at`).
    current_at: frozenset[Stage]
    # Counts from the application's receipt; otherwise from the moment the clock starts.
    from_receipt: bool
    # Each new arrival at its stage starts it again (every refused undertaking is a new review).
    restarts: bool = False
    # Another clock that takes this one's place when it starts (the whole case, once nothing is to
    # be disclosed); an extension of this clock extends that one too.
    replaced_by: ClockName | None = None
    # Where the default comes from, in a few words (the full sources are in docs/clocks.md).
    source: str = ""

    @property
    def default(self) -> timedelta:
        return timedelta(hours=self.default_hours)


# The review of a refused undertaking, the same in every scheme: each refusal starts it again.
UNDERTAKING_REVIEW_CLOCK = ClockSpec(
    ClockName.undertaking_review,
    24,
    starts_at=frozenset({Stage.undertaking_review}),
    runs_at=frozenset({Stage.undertaking_review}),
    current_at=frozenset({Stage.undertaking_review}),
    from_receipt=False,
    restarts=True,
    source="not in the guidance: the service's own (a refusal is reviewed within the day)",
)

# The interim safeguarding plan's clock, the same in every scheme that can need a plan: started by
# the actions that find the case needs one (not by a stage), shown once started.
SAFEGUARDING_PLAN_CLOCK = ClockSpec(
    ClockName.safeguarding_plan,
    24,
    starts_at=frozenset(),
    runs_at=frozenset(stage for stage in Stage if stage.is_open),
    current_at=frozenset(),
    from_receipt=False,
    restarts=True,
    source="not in the guidance: the service's own (an interim plan within the day the need is found)",
)


class ClockRow(Protocol):
    """A case's clock as stored (`case_clock`)."""

    @property
    def clock(self) -> ClockName: ...
    @property
    def hours(self) -> int | None: ...
    @property
    def extended_hours(self) -> int: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def stopped_at(self) -> datetime | None: ...


@dataclass(frozen=True, slots=True)
class ClockState:
    """A case's clock as it should be stored: what the rules below hand back to be written."""

    clock: ClockName
    # None: the case has no such clock (recorded before the clock existed); it never starts.
    hours: int | None
    extended_hours: int = 0
    started_at: datetime | None = None
    due_at: datetime | None = None
    stopped_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.stopped_at is None


def _state(row: ClockRow) -> ClockState:
    return ClockState(row.clock, row.hours, row.extended_hours, row.started_at, row.due_at, row.stopped_at)


def lengths(specs: Sequence[ClockSpec], settings: Mapping[str, int]) -> dict[ClockName, int]:
    """Each clock's length in hours: the force's setting where it has one, else the scheme's default."""
    return {spec.clock: settings.get(spec.clock.value, spec.default_hours) for spec in specs}


def _start(spec: ClockSpec, state: ClockState, *, received_at: datetime, now: datetime) -> ClockState:
    if state.hours is None:
        return state
    origin = received_at if spec.from_receipt else now
    extended = state.extended_hours if not spec.restarts else 0
    return replace(
        state,
        started_at=now,
        extended_hours=extended,
        due_at=origin + timedelta(hours=state.hours + extended),
        stopped_at=None,
    )


def new_case(
    specs: Sequence[ClockSpec], hours: Mapping[ClockName, int | None], received_at: datetime
) -> list[ClockState]:
    """A new case's clocks: every clock of its scheme with its length, those that start on receipt started."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    states = []
    for spec in specs:
        state = ClockState(spec.clock, hours.get(spec.clock, spec.default_hours))
        if Stage.received in spec.starts_at:
            state = _start(spec, state, received_at=received_at, now=received_at)
        states.append(state)
    return states


def move(
    specs: Sequence[ClockSpec],
    rows: Iterable[ClockRow],
    *,
    from_stage: Stage,
    to_stage: Stage,
    received_at: datetime,
    now: datetime,
) -> list[ClockState]:
    """The clocks a move between stages changes: those that start, start again, or stop."""
    by_clock = {row.clock: _state(row) for row in rows}
    changed: list[ClockState] = []
    for spec in specs:
        state = by_clock.get(spec.clock)
        if state is None:
            continue
        arriving = to_stage in spec.starts_at and from_stage not in spec.starts_at
        if arriving and (state.started_at is None or spec.restarts) and state.hours is not None:
            changed.append(_start(spec, state, received_at=received_at, now=now))
        elif state.running and to_stage not in spec.runs_at:
            changed.append(replace(state, stopped_at=now))
    return changed


def start_now(
    specs: Sequence[ClockSpec], rows: Iterable[ClockRow], clock: ClockName, *, received_at: datetime, now: datetime
) -> list[ClockState]:
    """Start a clock that runs from an event rather than a stage (a safeguarding plan needed), unless
    it is running already or the case has no such clock."""
    spec = next((s for s in specs if s.clock is clock), None)
    state = next((_state(row) for row in rows if row.clock is clock), None)
    if spec is None or state is None or state.hours is None or state.running:
        return []
    return [_start(spec, state, received_at=received_at, now=now)]


def stop_now(rows: Iterable[ClockRow], clock: ClockName, *, now: datetime) -> list[ClockState]:
    """Stop a running clock: its point reached."""
    state = next((_state(row) for row in rows if row.clock is clock), None)
    return [replace(state, stopped_at=now)] if state is not None and state.running else []


@dataclass(frozen=True, slots=True)
class Deadline:
    """The next deadline of a case: which clock, and when."""

    clock: ClockName
    due_at: datetime


def next_deadline(specs: Sequence[ClockSpec], rows: Iterable[ClockRow], stage: Stage) -> Deadline | None:
    """The one deadline a case is working to at `stage`: its stage's own clock, or (for a case
    recorded before that clock existed) the whole case's. None once closed.

    The only place that decides it: the case's row keeps it (`next_due_at`, which the queues show and
    sort on), and the case page and the case JSON show it, so the three never disagree."""
    if stage is Stage.closed:
        return None
    by_clock = {row.clock: row for row in rows}
    for spec in specs:
        row = by_clock.get(spec.clock)
        if stage in spec.current_at and row is not None and row.due_at is not None and row.started_at is not None:
            return Deadline(spec.clock, row.due_at)
    return _whole_case(specs, by_clock.values())


def stage_deadline(specs: Sequence[ClockSpec], rows: Iterable[ClockRow], stage: Stage) -> datetime | None:
    """When `next_deadline` falls due."""
    found = next_deadline(specs, rows, stage)
    return found.due_at if found else None


def whole_case_deadline(specs: Sequence[ClockSpec], rows: Iterable[ClockRow]) -> datetime | None:
    """The whole case's deadline that applies now: the replacement's once it has started."""
    found = _whole_case(specs, rows)
    return found.due_at if found else None


def _whole_case(specs: Sequence[ClockSpec], rows: Iterable[ClockRow]) -> Deadline | None:
    by_clock = {row.clock: row for row in rows}
    whole = by_clock.get(ClockName.whole_case)
    spec = next((s for s in specs if s.clock is ClockName.whole_case), None)
    if spec is not None and spec.replaced_by is not None:
        replacement = by_clock.get(spec.replaced_by)
        if replacement is not None and replacement.started_at is not None:
            return Deadline(spec.replaced_by, replacement.due_at) if replacement.due_at else None
    return Deadline(ClockName.whole_case, whole.due_at) if whole is not None and whole.due_at else None


def merged(rows: Iterable[ClockRow], changes: Iterable[ClockState]) -> list[ClockState]:
    """The case's clocks with `changes` made."""
    by_clock = {row.clock: _state(row) for row in rows}
    by_clock.update({change.clock: change for change in changes})
    return list(by_clock.values())


def row_deadlines(specs: Sequence[ClockSpec], rows: Iterable[ClockRow]) -> dict[str, datetime | None]:
    """The deadlines the case's own row keeps for the statistics and the API's first three clocks:
    the triage's, the meeting's and the whole case's that applies."""
    rows = list(rows)
    by_clock = {row.clock: row for row in rows}
    triage, meeting = by_clock.get(ClockName.triage), by_clock.get(ClockName.applicant_meeting)
    return {
        "triage_due_at": triage.due_at if triage else None,
        "meeting_due_at": meeting.due_at if meeting else None,
        "due_at": whole_case_deadline(specs, rows),
    }


class ClockRefusedError(ValueError):
    """An extension that cannot be made; the message says why, in words for the user."""


def _replaced(specs: Sequence[ClockSpec], clock: ClockName) -> ClockName | None:
    """The clock that `clock` takes the place of, if it is a replacement."""
    return next((s.clock for s in specs if s.replaced_by is clock), None)


def extend(specs: Sequence[ClockSpec], rows: Iterable[ClockRow], clock: ClockName, hours: int) -> list[ClockState]:
    """A running clock's deadline moved on by `hours`. The whole case is extended under its own name
    whichever of its two lengths applies, and before the decision both move."""
    by_clock = {row.clock: _state(row) for row in rows}
    clock = _replaced(specs, clock) or clock
    spec = next((s for s in specs if s.clock is clock), None)
    state = by_clock.get(clock)
    if spec is None or state is None or state.hours is None:
        raise ClockRefusedError("This case has no such clock")
    follower = by_clock.get(spec.replaced_by) if spec.replaced_by is not None else None
    if follower is not None and follower.started_at is not None:
        state, follower = follower, None
    if not state.running:
        raise ClockRefusedError(
            f"‘{clock.label}’ is not running: "
            + ("its stage has not started yet" if state.started_at is None else "its point has been reached")
        )
    changed = [replace(state, extended_hours=state.extended_hours + hours, due_at=_later(state.due_at, hours))]
    if follower is not None:
        # Not started yet: it will start with the extension already granted.
        changed.append(replace(follower, extended_hours=follower.extended_hours + hours))
    return changed


def _later(moment: datetime | None, hours: int) -> datetime | None:
    return None if moment is None else moment + timedelta(hours=hours)


def extendable(specs: Sequence[ClockSpec], rows: Iterable[ClockRow]) -> list[ClockName]:
    """The clocks an extension could move now: the running ones, a replacement under the name of the
    clock it replaces."""
    by_clock = {row.clock: row for row in rows}
    found: list[ClockName] = []
    for spec in specs:
        row = by_clock.get(spec.clock)
        if row is None or row.hours is None or row.started_at is None or row.stopped_at is not None:
            continue
        name = _replaced(specs, spec.clock) or spec.clock
        if name not in found:
            found.append(name)
    return sorted(found, key=[s.clock for s in specs].index)


# ---------------------------------------------------------------------------------------------
# As people read them


def days_between(now: datetime, due_at: datetime) -> int:
    """Calendar days in London from today to the deadline's day: 0 when it falls due today, 1
    tomorrow (however few hours away), -1 if it fell due yesterday. An officer reads "due today" as
    the day on the wall calendar, not the next 24 hours."""
    return (to_london(due_at).date() - to_london(now).date()).days


def length_words(hours: int) -> str:
    """A clock's length as a person says it: whole days as days, anything else as hours."""
    if hours % 24 == 0:
        days = hours // 24
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{hours} hour{'s' if hours != 1 else ''}"


@dataclass(frozen=True, slots=True)
class Clock:
    """One deadline as a person reads it: how many days are left, or how many it is over."""

    name: str
    due_at: datetime | None
    done: bool
    days_left: int
    clock: str = ""
    # The deadline of the stage the case is at.
    current: bool = False
    # Not started yet: it starts with its stage (`starts` says when, `hours` how long it will be).
    waiting: bool = False
    starts: str = ""
    hours: int | None = None
    extended_hours: int = 0
    # Reached after its deadline.
    late: bool = False
    # The whole case before the decision: its deadline if nothing is disclosed.
    if_not_disclosed_at: datetime | None = None
    # The deadline's moment has gone (it may still be the same London day).
    past: bool = False

    @property
    def overdue(self) -> bool:
        return not self.done and not self.waiting and (self.past or self.days_left < 0)

    @property
    def words(self) -> str:
        if self.waiting:
            return "Not started"
        if self.done:
            return "Done late" if self.late else "Done"
        return _running_words(self.days_left, self.due_at if self.past else None)


def _running_words(days_left: int, gone_at: datetime | None) -> str:
    """ "3 days left", "Due tomorrow", "Due today", "Overdue since 3pm today", "2 days overdue"."""
    if days_left < 0:
        return f"{-days_left} day{'s' if days_left != -1 else ''} overdue"
    if gone_at is not None:
        return f"Overdue since {clock_time(gone_at)} today"
    return {0: "Due today", 1: "Due tomorrow"}.get(days_left, f"{days_left} days left")


def running(name: str, due_at: datetime, now: datetime, *, clock: str = "", current: bool = False) -> Clock:
    """A deadline not yet met, as people read it (the queue, the case page and the case JSON)."""
    return Clock(name, due_at, False, days_between(now, due_at), clock=clock, current=current, past=due_at <= now)


def deadline_shown(found: Deadline | None, now: datetime) -> Clock | None:
    """`next_deadline` as people read it."""
    if found is None:
        return None
    return running(shown_name(found.clock), found.due_at, now, clock=found.clock.value, current=True)


def shown_name(clock: ClockName) -> str:
    """The whole case is one deadline to people, whichever length of it applies."""
    return ClockName.whole_case.label if clock is ClockName.whole_case_no_disclosure else clock.label


STARTS_WORDS = {
    ClockName.risk_assessment: "when the applicant meeting is recorded",
    ClockName.decision: "when the checks are finished",
    ClockName.undertaking_review: "when an undertaking is refused",
    ClockName.safeguarding_plan: "when the risk is high or a child is at risk",
}


def shown(
    specs: Sequence[ClockSpec], rows: Iterable[ClockRow], *, stage: Stage, received_at: datetime, now: datetime
) -> list[Clock]:
    """The case's clocks for its page and the API, in the scheme's order: every clock it has, a
    review only once one was needed, and the whole case once (the replacement's length once it applies)."""
    by_clock = {row.clock: row for row in rows}
    replacements = {s.replaced_by for s in specs if s.replaced_by is not None}
    found = []
    for spec in specs:
        row = by_clock.get(spec.clock)
        if spec.clock in replacements or row is None or row.hours is None:
            continue
        current = stage in spec.current_at
        if_not = None
        other = by_clock.get(spec.replaced_by) if spec.replaced_by is not None else None
        if other is not None and other.hours is not None:
            if other.started_at is not None:
                row, current = other, stage in _current(specs, other.clock)
            elif stage is not Stage.closed:
                if_not = received_at + timedelta(hours=other.hours + other.extended_hours)
        started = row.started_at is not None
        if not started and spec.restarts:
            continue
        due = row.due_at
        found.append(
            Clock(
                spec.clock.label,
                due,
                started and (row.stopped_at is not None or stage is Stage.closed),
                days_between(now, due) if due is not None else 0,
                past=due is not None and due <= now,
                clock=spec.clock.value,
                current=current,
                waiting=not started,
                starts=STARTS_WORDS.get(spec.clock, ""),
                hours=row.hours,
                extended_hours=row.extended_hours,
                late=due is not None and row.stopped_at is not None and row.stopped_at > due,
                if_not_disclosed_at=if_not,
            )
        )
    return found


def _current(specs: Sequence[ClockSpec], clock: ClockName) -> frozenset[Stage]:
    return next((s.current_at for s in specs if s.clock is clock), frozenset())


# Public protection: a disclosure of child sexual offences, or information held that was weighed
# and not disclosed, is reviewed after ten years (the APP's public-protection review period); every
# other ending after six, the usual minimum.
DEFAULT_REVIEW_YEARS: Mapping[Outcome, int] = {
    Outcome.disclosed_child_sex_convictions: 10,
    Outcome.disclosed_other_information: 10,
    Outcome.held_not_disclosed: 10,
    Outcome.disclosed_previous_abuse: 10,
}
USUAL_REVIEW_YEARS = 6


# A review date further off than this is a typing mistake, not a decision.
LONGEST_RETENTION_YEARS = 100


def first_review_years(outcome: Outcome, overrides: Mapping[str, int] | None = None) -> int:
    """Years from closing a case with `outcome` to its first retention review: the service's setting
    (`RETENTION_REVIEW_YEARS`) for that outcome, else its `default`, else the defaults above."""
    overrides = overrides or {}
    if outcome.value in overrides:
        return overrides[outcome.value]
    return overrides.get("default", DEFAULT_REVIEW_YEARS.get(outcome, USUAL_REVIEW_YEARS))


def unknown_outcomes(overrides: Mapping[str, int]) -> list[str]:
    """Names in `RETENTION_REVIEW_YEARS` that are neither an outcome nor `default`."""
    known = {outcome.value for outcome in Outcome} | {"default"}
    return sorted(name for name in overrides if name not in known)


def retention_review_date(closed_at: datetime, years: int = RETENTION_REVIEW_AFTER_YEARS) -> date:
    """When to review whether to keep a closed case: the same day, `years` later (28 February for 29 February)."""
    day = closed_at.date()
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# ---------------------------------------------------------------------------------------------
# The three clocks of version 1 of the API (`clocks` on the case), read from the case's own row.

TRIAGE_DONE_AFTER = ("received", "initial_triage")
MEETING_DONE_AFTER = ("received", "initial_triage", "applicant_meeting")


class Deadlined(Protocol):
    """What the three first clocks read from a case."""

    @property
    def stage(self) -> str: ...
    @property
    def triage_due_at(self) -> datetime: ...
    @property
    def meeting_due_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime: ...


def clocks_of(case: Deadlined, now: datetime) -> list[Clock]:
    """The case's three first clocks: triage, applicant meeting, whole case (the API's `clocks`)."""
    closed = case.stage == "closed"
    return [
        Clock(
            "Initial triage",
            case.triage_due_at,
            closed or case.stage not in TRIAGE_DONE_AFTER,
            days_between(now, case.triage_due_at),
            past=case.triage_due_at <= now,
        ),
        Clock(
            "Meeting the applicant",
            case.meeting_due_at,
            closed or case.stage not in MEETING_DONE_AFTER,
            days_between(now, case.meeting_due_at),
            past=case.meeting_due_at <= now,
        ),
        Clock("Whole case", case.due_at, closed, days_between(now, case.due_at), past=case.due_at <= now),
    ]
