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
