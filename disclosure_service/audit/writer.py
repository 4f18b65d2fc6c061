"""The one call the rest of the service uses to log: `record(conn, ...)`.

It runs on the caller's connection, inside the caller's transaction, so a change is never
committed without its audit row; and if the row cannot be written the caller's transaction
fails with it (fail closed).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg

from disclosure_service.audit.chain import CHAIN_COUNT, row_hash
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.identity.principal import Actor, Principal, RequestMeta


async def record(
    conn: asyncpg.Connection[Any],
    *,
    actor: Actor,
    operation: Operation,
    event: str,
    meta: RequestMeta | None = None,
    force_id: int | None = None,
    application_id: int | None = None,
    reference: str = "",
    record_type: str = "",
    record_id: int | None = None,
    justification: str = "",
    recipients: str = "",
    details: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Append one audit row. `force_id` defaults to the actor's force."""
    row = await _row(
        conn,
        actor=actor,
        operation=operation,
        event=event,
        meta=meta,
        force_id=force_id,
        application_id=application_id,
        reference=reference,
        record_type=record_type,
        record_id=record_id,
        justification=justification,
        recipients=recipients,
        details=details,
        now=now,
    )
    columns = ", ".join(f'"{name}"' for name in row)
    placeholders = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    # No RETURNING: row-level security would then also demand the caller may read the row back,
    # and a failed sign-in by an unknown username belongs to no force.
    await conn.execute(
        f"INSERT INTO audit_event ({columns}) VALUES ({placeholders})",  # noqa: S608  # fixed column names
        *row.values(),
    )
    # The runtime role cannot update the heads: the function moves this chain's head to the row just
    # written, and refuses unless that row is the next link after the head.
    await conn.execute("SELECT audit_chain_advance($1)", row["chain"])


async def record_across_forces(
    conn: asyncpg.Connection[Any],
    *,
    actor: Actor,
    force_id: int,
    operation: Operation,
    event: str,
    meta: RequestMeta | None = None,
    application_id: int | None = None,
    reference: str = "",
    record_type: str,
    record_id: int,
    justification: str = "",
    recipients: str = "",
    details: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Append the *other* force's row of an exchange between two forces that this transaction wrote
    (a case transferred, a check asked or answered). Row-level security lets a force write only its
    own rows, so `audit_append_across_forces` inserts it, after checking that it is one of those
    events about such an exchange; the row is built and chained here exactly as any other."""
    row = await _row(
        conn,
        actor=actor,
        operation=operation,
        event=event,
        meta=meta,
        force_id=force_id,
        application_id=application_id,
        reference=reference,
        record_type=record_type,
        record_id=record_id,
        justification=justification,
        recipients=recipients,
        details=details,
        now=now,
    )
    as_json = {
        **row,
        "occurred_at": row["occurred_at"].isoformat(),
        "details": json.loads(row["details"]),
    }
    await conn.execute("SELECT audit_append_across_forces($1::jsonb)", json.dumps(as_json))
    await conn.execute("SELECT audit_chain_advance($1)", row["chain"])


async def _row(
    conn: asyncpg.Connection[Any],
    *,
    actor: Actor,
    operation: Operation,
    event: str,
    meta: RequestMeta | None,
    force_id: int | None,
    application_id: int | None,
    reference: str,
    record_type: str,
    record_id: int | None,
    justification: str,
    recipients: str,
    details: Mapping[str, Any] | None,
    now: datetime | None,
) -> dict[str, Any]:
    """The next row of the chain this transaction holds, hashed."""
    meta = meta or RequestMeta()
    head = await _lock_a_chain(conn)
    row: dict[str, Any] = {
        "chain": head["id"],
        "seq": head["seq"] + 1,
        "prev_hash": head["head_hash"],
        "occurred_at": now or datetime.now(UTC),
        "force": force_id if force_id is not None else actor.force_id,
        "user": actor.user_id,
        "username": actor.username[:64],
        "operation": operation.value,
        "event": event,
        "application_id": application_id,
        "reference": reference,
        "record_type": record_type,
        "record_id": record_id,
        "justification": justification,
        "recipients": recipients,
        "details": json.dumps(details or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
        "ip": meta.ip[:64],
        "user_agent": meta.user_agent[:256],
        "request_id": meta.request_id[:32],
    }
    row["hash"] = row_hash(row)
    return row


async def _lock_a_chain(conn: asyncpg.Connection[Any]) -> asyncpg.Record:
    """Lock the head of a chain no other transaction is writing to, waiting only if all are busy.

    The lock lasts until the caller's transaction ends, which keeps each chain's order the order of
    commit. A transaction keeps to the chain it first took, so writing several rows never makes it
    wait for a second chain while holding the first. A function does this (see its migration),
    because locking a row FOR UPDATE needs the UPDATE privilege the runtime role no longer has.
    """
    start = random.randrange(CHAIN_COUNT)  # noqa: S311  # load spreading, not security
    head: asyncpg.Record | None = await conn.fetchrow(
        "SELECT chain AS id, seq, head_hash FROM audit_chain_take($1)", start
    )
    if head is None:
        raise RuntimeError("the audit chains are missing: run `disclosure-service migrate`")
    return head


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is making a request, and from where: bound once per request, so that every audit row of
    the request says who, where and (given with each row) why."""

    principal: Principal
    meta: RequestMeta

    async def record(self, conn: asyncpg.Connection[Any], **fields: Any) -> None:
        """`record` for this caller: `operation`, `event` and what the row is about."""
        await record(conn, actor=self.principal.actor, meta=self.meta, **fields)
