"""A force's clock settings: what is in force, what is scheduled, and setting a clock from a day on.

Administrators only, in one transaction of their force each, audited. A new setting never touches
an open case: a case keeps the lengths in force on the day it was received (`cases.clocks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.cases import queries as case_queries
from disclosure_service.cases.clocks import MAX_HOURS, MIN_HOURS, ClockSpec, length_words
from disclosure_service.cases.spec import SchemeDefinition
from disclosure_service.cases.timing import london_today
from disclosure_service.cases.vocabulary import ClockName, Scheme
from disclosure_service.clocks import queries, store
from disclosure_service.clocks.queries import SettingRow
from disclosure_service.database import engine as db
from disclosure_service.identity.principal import Principal

# How far ahead a change may be scheduled.
FURTHEST_AHEAD = timedelta(days=2 * 366)


class ClockSettingError(Exception):
    """A setting that cannot be made; the message says why, `field` names what to correct."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class ClockView:
    """One clock of one scheme, as the force has it."""

    scheme: Scheme
    spec: ClockSpec
    # In force today: the force's setting, or the scheme's default (setting None).
    hours: int
    setting: SettingRow | None
    # Changes set for a later day, soonest first.
    scheduled: list[SettingRow] = field(default_factory=list)

    @property
    def clock(self) -> ClockName:
        return self.spec.clock

    @property
    def words(self) -> str:
        return length_words(self.hours)


@dataclass(frozen=True, slots=True)
class Overview:
    clocks: list[ClockView]
    # Every change ever made, newest first.
    history: list[SettingRow]
    today: date


async def overview(
    principal: Principal, schemes: Mapping[Scheme, SchemeDefinition], now: datetime | None = None
) -> Overview:
    """The force's clocks for each scheme it runs: in force today, scheduled, and every change made."""
    today = london_today(now or datetime.now(UTC))
    async with db.transaction(force_id=principal.force_id) as conn:
        runs = await case_queries.force_schemes(conn, principal.force_id)
        history = await queries.settings(conn, principal.force_id)
    views = []
    for scheme, definition in schemes.items():
        if scheme.value not in runs:
            continue
        for spec in definition.clocks:
            mine = [row for row in history if row.scheme == scheme.value and row.clock == spec.clock.value]
            in_force = _in_force(mine, today)
            views.append(
                ClockView(
                    scheme, spec, in_force.hours if in_force else spec.default_hours, in_force, _scheduled(mine, today)
                )
            )
    return Overview(views, history, today)


def _scheduled(rows: list[SettingRow], today: date) -> list[SettingRow]:
    """Changes for later days, soonest first: for each day, the latest change made for it."""
    latest: dict[date, SettingRow] = {}
    for row in sorted(rows, key=lambda r: r.id):
        latest[row.effective_from] = row
    return [latest[day] for day in sorted(latest) if day > today]


def _in_force(rows: list[SettingRow], day: date) -> SettingRow | None:
    """The setting in force on `day`: the latest day on or before it, the latest change for that day."""
    candidates = [row for row in rows if row.effective_from <= day]
    return max(candidates, key=lambda r: (r.effective_from, r.id), default=None)


async def set_clock(
    caller: Caller,
    schemes: Mapping[Scheme, SchemeDefinition],
    *,
    scheme: str,
    clock: str,
    hours: int,
    effective_from: date,
    reason: str,
    now: datetime | None = None,
) -> ClockView:
    """Set a clock's length for the force's cases of a scheme received from `effective_from` on."""
    now = now or datetime.now(UTC)
    principal = caller.principal
    today = london_today(now)
    definition = schemes.get(Scheme(scheme)) if scheme in Scheme.__members__ else None
    spec = definition.clock(ClockName(clock)) if definition and clock in ClockName.__members__ else None
    if definition is None:
        raise ClockSettingError("Choose a scheme this service runs", "scheme")
    if spec is None:
        raise ClockSettingError(f"Choose a clock of the {definition.title}", "clock")
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise ClockSettingError("A clock must be from 1 hour to 365 days long", "hours")
    if effective_from < today:
        raise ClockSettingError(
            "The date it applies from must be today or later: cases already received keep their clocks",
            "effective_from",
        )
    if effective_from > today + FURTHEST_AHEAD:
        raise ClockSettingError("The date it applies from must be within two years", "effective_from")
    if not reason.strip():
        raise ClockSettingError("Say why the clock is changing (the guidance or decision it follows)", "reason")
    async with db.transaction(force_id=principal.force_id) as conn:
        if definition.scheme.value not in await case_queries.force_schemes(conn, principal.force_id):
            raise ClockSettingError(f"Your force does not run the {definition.title}", "scheme")
        before = [
            row
            for row in await queries.settings(conn, principal.force_id)
            if row.scheme == definition.scheme.value and row.clock == spec.clock.value
        ]
        previous = _in_force(before, effective_from)
        setting_id = await store.insert_setting(
            conn,
            force_id=principal.force_id,
            scheme=definition.scheme.value,
            clock=spec.clock.value,
            hours=hours,
            effective_from=effective_from,
            reason=reason.strip(),
            user_id=principal.user_id,
            now=now,
        )
        await caller.record(
            conn,
            operation=Operation.administration,
            event="clocks.changed",
            record_type="clock_setting",
            record_id=setting_id,
            justification=reason.strip()[:500],
            details={
                "scheme": definition.scheme.value,
                "clock": spec.clock.value,
                "hours": hours,
                "effective_from": effective_from.isoformat(),
                "previous_hours": previous.hours if previous else spec.default_hours,
            },
            now=now,
        )
        rows = [*before, *[r for r in await queries.settings(conn, principal.force_id) if r.id == setting_id]]
    in_force = _in_force(rows, today)
    hours_now = in_force.hours if in_force else spec.default_hours
    return ClockView(definition.scheme, spec, hours_now, in_force, _scheduled(rows, today))
