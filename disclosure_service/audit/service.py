"""Auditors' searches of the trail: each search, and each export, is itself logged.

Searches read the standby when there is one (db.replica_read); their own rows go to the primary."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import asyncpg

from disclosure_service.audit import queries
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import Caller
from disclosure_service.database import engine as db


def described(search: queries.Search) -> dict[str, Any]:
    """The question as logged: only what was asked, dates as text."""
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dataclasses.asdict(search).items() if v}


async def search(
    caller: Caller, question: queries.Search, *, limit: int, before_id: int | None = None
) -> list[asyncpg.Record]:
    async with db.replica_read(force_id=caller.principal.force_id) as conn:
        rows = await queries.search(conn, question, limit=limit, before_id=before_id)
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        await caller.record(
            conn,
            operation=Operation.consultation,
            event="audit.searched",
            justification="audit",
            details=described(question) | {"rows": len(rows)},
        )
    return rows


async def export(caller: Caller, question: queries.Search, *, limit: int) -> list[asyncpg.Record]:
    """The matching rows for a download: a disclosure, logged with who received it."""
    async with db.replica_read(force_id=caller.principal.force_id) as conn:
        rows = await queries.search(conn, question, limit=limit)
    async with db.transaction(force_id=caller.principal.force_id) as conn:
        await caller.record(
            conn,
            operation=Operation.disclosure,
            event="audit.exported",
            justification="audit export",
            recipients=caller.principal.username,
            details=described(question) | {"rows": len(rows)},
        )
    return rows
