"""Reading the audit trail: a case's timeline and access history, a user's activity, searches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

_COLUMNS = (
    "e.id, e.occurred_at, e.username, e.operation, e.event, e.application_id, e.reference, e.record_type, "
    "e.record_id, e.justification, e.recipients, e.details, e.ip, e.request_id"
)


async def case_timeline(conn: asyncpg.Connection[Any], case_id: int) -> list[asyncpg.Record]:
    """What was recorded and changed on the case, oldest first (reads are in the access history)."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM audit_event e WHERE e.application_id = $1 "  # noqa: S608
        "AND e.operation IN ('collection', 'alteration', 'disclosure', 'erasure') ORDER BY e.occurred_at, e.id",
        case_id,
    )
    return list(rows)


async def case_access_history(conn: asyncpg.Connection[Any], case_id: int, limit: int = 200) -> list[asyncpg.Record]:
    """Who looked at the case, when and why, newest first."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM audit_event e WHERE e.application_id = $1 "  # noqa: S608
        "AND e.operation = 'consultation' ORDER BY e.occurred_at DESC, e.id DESC LIMIT $2",
        case_id,
        limit,
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class Search:
    """An auditor's question; every part optional."""

    username: str = ""
    reference: str = ""
    operation: str = ""
    event: str = ""
    since: datetime | None = None
    until: datetime | None = None


async def search(
    conn: asyncpg.Connection[Any], query: Search, *, limit: int = 500, before_id: int | None = None
) -> list[asyncpg.Record]:
    """Newest first, within the auditor's force (row-level security); `before_id` pages back."""
    conditions, args = ["TRUE"], []

    def where(sql: str, value: object) -> None:
        args.append(value)
        conditions.append(sql.replace("?", f"${len(args)}"))

    # By id where possible: the composite indexes are on ("user", time) and (application_id, time).
    if query.username:
        where('e."user" = (SELECT id FROM app_user WHERE username = ?)', query.username)
    if query.reference:
        # A case disposed of at its retention review is found through its tombstone (decision 25).
        where(
            "e.application_id = COALESCE((SELECT id FROM application WHERE reference = ?), "
            "(SELECT application_id FROM case_disposal WHERE reference = ?))",
            query.reference.upper(),
        )
    if query.operation:
        where("e.operation = ?", query.operation)
    if query.event:
        where("e.event = ?", query.event)
    if query.since:
        where("e.occurred_at >= ?", query.since)
    if query.until:
        where("e.occurred_at < ?", query.until)
    if before_id:
        # The list is in time order, and ids need not be (a request's clock is read before it
        # commits): page on the pair, so that no row is skipped or shown twice.
        where("(e.occurred_at, e.id) < (SELECT b.occurred_at, b.id FROM audit_event b WHERE b.id = ?)", before_id)
    args.append(limit)
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM audit_event e WHERE {' AND '.join(conditions)} "  # noqa: S608  # fixed fragments
        f"ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${len(args)}",
        *args,
    )
    return list(rows)
