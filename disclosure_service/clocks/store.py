"""Writing a force's clock settings: rows are added, never changed, so the history stays."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg


async def insert_setting(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    scheme: str,
    clock: str,
    hours: int,
    effective_from: date,
    reason: str,
    user_id: int,
    now: datetime,
) -> int:
    setting_id: int = await conn.fetchval(
        'INSERT INTO clock_setting ("force", scheme, clock, hours, effective_from, reason, set_by, set_at) '
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        force_id,
        scheme,
        clock,
        hours,
        effective_from,
        reason,
        user_id,
        now,
    )
    return setting_id
