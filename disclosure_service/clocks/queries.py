"""Reading a force's clock settings, on the caller's connection (row-level security scopes it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec


class SettingRow(msgspec.Struct, frozen=True):
    """One change to a clock, as made."""

    id: int
    scheme: str
    clock: str
    hours: int
    effective_from: date
    reason: str
    set_at: datetime
    set_by_name: str


async def settings(conn: asyncpg.Connection[Any], force_id: int) -> list[SettingRow]:
    """Every change the force has made to its clocks, newest first."""
    rows = await conn.fetch(
        "SELECT s.id, s.scheme, s.clock, s.hours, s.effective_from, s.reason, s.set_at, u.display_name AS set_by_name "
        'FROM clock_setting s JOIN app_user u ON u.id = s.set_by WHERE s."force" = $1 ORDER BY s.id DESC',
        force_id,
    )
    return [SettingRow(**dict(row)) for row in rows]


class DueRow(msgspec.Struct, frozen=True):
    """A clock of an open case falling due: no more than the digest shows."""

    id: int
    reference: str
    stage: str
    clock: str
    due_at: datetime
    assigned_name: str | None


async def due_between(conn: asyncpg.Connection[Any], force_id: int, start: datetime, end: datetime) -> list[DueRow]:
    """Every running clock of the force's open cases falling due in [start, end), soonest first."""
    rows = await conn.fetch(
        "SELECT a.id, a.reference, a.stage, c.clock, c.due_at, u.display_name AS assigned_name "
        "FROM case_clock c JOIN application a ON a.id = c.application "
        "LEFT JOIN app_user u ON u.id = a.assigned_to "
        'WHERE c."force" = $1 AND c.started_at IS NOT NULL AND c.stopped_at IS NULL '
        "AND c.due_at >= $2 AND c.due_at < $3 AND a.stage <> 'closed' ORDER BY c.due_at, a.id",
        force_id,
        start,
        end,
    )
    return [DueRow(**dict(row)) for row in rows]


async def overdue_counts(conn: asyncpg.Connection[Any], force_id: int, before: datetime) -> dict[str, int]:
    """How many running clocks of the force's open cases are already past their deadline, by clock."""
    rows = await conn.fetch(
        "SELECT c.clock, count(*) AS n FROM case_clock c JOIN application a ON a.id = c.application "
        'WHERE c."force" = $1 AND c.started_at IS NOT NULL AND c.stopped_at IS NULL AND c.due_at < $2 '
        "AND a.stage <> 'closed' GROUP BY c.clock",
        force_id,
        before,
    )
    return {row["clock"]: row["n"] for row in rows}


async def force_by_code(conn: asyncpg.Connection[Any], code: str) -> tuple[int, str] | None:
    row = await conn.fetchrow("SELECT id, name FROM force WHERE code = $1", code.upper())
    return None if row is None else (row["id"], row["name"])
