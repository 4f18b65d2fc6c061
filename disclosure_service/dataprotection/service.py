"""Data protection's transactions, each with its audit row: the review queue, subject access."""

from __future__ import annotations

from datetime import UTC, datetime

from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.cases.timing import london_today
from disclosure_service.database import engine as db
from disclosure_service.dataprotection import queries

DUE_LIMIT = 200


async def due(caller: Caller, *, now: datetime | None = None, limit: int = DUE_LIMIT) -> list[queries.DueRow]:
    """The force's closed cases due for a retention review today, the longest overdue first; the list
    is logged as what it showed (references only)."""
    now = now or datetime.now(UTC)
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        rows = await queries.due(conn, london_today(now), limit=limit)
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="retention.due_listed",
            justification="retention review",
            details={"cases": [row.reference for row in rows]},
            now=now,
        )
    return rows
