"""The reads and writes of data protection, on the caller's connection (row-level security scopes
them to the caller's force)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec


class DueRow(msgspec.Struct, frozen=True):
    id: int
    reference: str
    scheme: str
    outcome: str | None
    closed_at: datetime | None
    review_on: date
    last_decision: str | None
    last_reviewed_at: datetime | None


# The date a case is due: the last "retain" decision's, else the closure's. Closed cases only.
_DUE = """
SELECT a.id, a.reference, a.scheme, a.outcome, a.closed_at,
       COALESCE(a.retention_review_on, c.retention_review_on) AS review_on,
       r.decision AS last_decision, r.reviewed_at AS last_reviewed_at
FROM application a
JOIN closure c ON c.application = a.id
LEFT JOIN LATERAL (
    SELECT decision, reviewed_at FROM retention_review WHERE application = a.id ORDER BY reviewed_at DESC LIMIT 1
) r ON true
WHERE a.stage = 'closed' AND COALESCE(a.retention_review_on, c.retention_review_on) <= $1
ORDER BY review_on, a.reference
LIMIT $2
"""


async def due(conn: asyncpg.Connection[Any], until: date, *, limit: int) -> list[DueRow]:
    """Closed cases due for a retention review on or before `until`, the longest overdue first."""
    return [DueRow(**dict(row)) for row in await conn.fetch(_DUE, until, limit)]
