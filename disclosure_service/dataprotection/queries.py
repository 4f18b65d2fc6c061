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


# The date a closed case is due is on its own row (set at closing, moved by each review), so the
# queue reads one index (`application_retention_due`).
_DUE = """
SELECT a.id, a.reference, a.scheme, a.outcome, a.closed_at, a.retention_review_on AS review_on,
       r.decision AS last_decision, r.reviewed_at AS last_reviewed_at
FROM application a
LEFT JOIN LATERAL (
    SELECT decision, reviewed_at FROM retention_review WHERE application = a.id ORDER BY reviewed_at DESC LIMIT 1
) r ON true
WHERE a.stage = 'closed' AND a.retention_review_on <= $1
ORDER BY a.retention_review_on, a.reference
LIMIT $2
"""


async def due(conn: asyncpg.Connection[Any], until: date, *, limit: int) -> list[DueRow]:
    """Closed cases due for a retention review on or before `until`, the longest overdue first."""
    return [DueRow(**dict(row)) for row in await conn.fetch(_DUE, until, limit)]


class PersonMatch(msgspec.Struct, frozen=True):
    person_id: int
    case_id: int
    reference: str
    scheme: str
    stage: str
    outcome: str | None
    received_at: datetime
    role: str
    full_name: str
    other_names: str
    date_of_birth: date | None
    recipient: bool


# A name as typed: the same letters, whatever the case and spacing; other names are searched too.
_PEOPLE_NAMED = """
SELECT p.id AS person_id, a.id AS case_id, a.reference, a.scheme, a.stage, a.outcome, a.received_at, p.role,
       p.full_name, p.other_names, p.date_of_birth,
       EXISTS (SELECT 1 FROM recommendation r WHERE r.recipient = p.id)
       OR EXISTS (SELECT 1 FROM disclosure_meeting m WHERE m.recipient = p.id)
       OR EXISTS (SELECT 1 FROM disclosure d WHERE d.recipient = p.id) AS recipient
FROM case_person p JOIN application a ON a.id = p.application
WHERE lower(regexp_replace(btrim(p.full_name), '\\s+', ' ', 'g')) = $1
   OR lower(p.other_names) LIKE '%' || $2 || '%'
ORDER BY a.received_at, a.id, p.id
LIMIT 500
"""


def normalised_name(name: str) -> str:
    return " ".join(name.split()).lower()


async def people_named(conn: asyncpg.Connection[Any], name: str) -> list[PersonMatch]:
    """Everyone on a case of the caller's force recorded under `name` (or with it among their other names)."""
    wanted = normalised_name(name)
    if not wanted:
        return []
    escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = await conn.fetch(_PEOPLE_NAMED, wanted, escaped)
    return [PersonMatch(**dict(row)) for row in rows]
