"""Writing across forces: only through the SECURITY DEFINER functions that check each write
(see their migration), on the caller's connection and in its transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import asyncpg


async def transfer(
    conn: asyncpg.Connection[Any],
    *,
    from_case: int,
    to_force: int,
    by: int,
    at: datetime,
    reason: str,
    share_checks: bool,
    case: dict[str, Any],
) -> tuple[int, int, str]:
    """The receiving force's new case made from ours: (the link's id, the new case's id, its reference)."""
    row = await conn.fetchrow(
        "SELECT out_transfer, out_application, out_reference "
        "FROM case_transfer_create($1, $2, $3, $4, $5, $6, $7::jsonb)",
        from_case,
        to_force,
        by,
        at,
        reason,
        share_checks,
        json.dumps(case),
    )
    assert row is not None  # noqa: S101  # the function returns a row or raises
    return row["out_transfer"], row["out_application"], row["out_reference"]


async def answer(
    conn: asyncpg.Connection[Any],
    request_id: int,
    *,
    by: int,
    at: datetime,
    result: str,
    returned_on: date,
    summary: str,
) -> tuple[int, int, str]:
    """The answer to a check asked of our force, recorded on both sides: (asking force, its case, reference)."""
    row = await conn.fetchrow(
        "SELECT out_force, out_application, out_reference FROM force_check_answer($1, $2, $3, $4, $5, $6)",
        request_id,
        by,
        at,
        result,
        returned_on,
        summary,
    )
    assert row is not None  # noqa: S101  # the function returns a row or raises
    return row["out_force"], row["out_application"], row["out_reference"]
