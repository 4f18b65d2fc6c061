"""Reading what passes between forces. Row-level security shows a force the rows it is a party to;
each query also says which side it wants, so that one force's ids never match another's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec


class IncomingRequest(msgspec.Struct, frozen=True):
    """A check another force asked of ours: who about, what they ask, and our answer once given."""

    id: int
    force: int
    force_name: str
    reference: str
    application: int
    full_name: str
    other_names: str
    date_of_birth: date | None
    address: str
    question: str
    requested_at: datetime
    result: str | None
    returned_on: date | None
    summary: str
    answered_at: datetime | None


_INCOMING = (
    'SELECT r.id, r."force", f.name AS force_name, r.reference, r.application, r.full_name, r.other_names, '
    "r.date_of_birth, r.address, r.question, r.requested_at, r.result, r.returned_on, r.summary, r.answered_at "
    'FROM force_check_request r JOIN force f ON f.id = r."force" WHERE r.to_force = $1'
)


async def incoming(conn: asyncpg.Connection[Any], force_id: int) -> list[IncomingRequest]:
    """Checks other forces asked of ours: waiting first, then the latest answered."""
    rows = await conn.fetch(f"{_INCOMING} ORDER BY r.answered_at IS NOT NULL, r.id DESC LIMIT 200", force_id)
    return [IncomingRequest(**dict(row)) for row in rows]


async def incoming_one(conn: asyncpg.Connection[Any], force_id: int, request_id: int) -> IncomingRequest | None:
    row = await conn.fetchrow(f"{_INCOMING} AND r.id = $2", force_id, request_id)
    return None if row is None else IncomingRequest(**dict(row))


async def force_name(conn: asyncpg.Connection[Any], force_id: int) -> str:
    name: str = await conn.fetchval("SELECT name FROM force WHERE id = $1", force_id)
    return name
