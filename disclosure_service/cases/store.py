"""Writing case records: every INSERT and UPDATE of the case tables, on the caller's connection.

Runs inside the caller's transaction, scoped to their force (row-level security). Table and column
names come from the code, never from input; values always travel as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg

from disclosure_service.cases import schemas
from disclosure_service.cases.clocks import ClockState
from disclosure_service.cases.vocabulary import PersonRole, Stage

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _names(table: str, columns: Mapping[str, Any]) -> tuple[str, list[str]]:
    names = [table, *columns]
    if not all(_NAME.match(name) for name in names):  # pragma: no cover - a programming error, not input
        raise ValueError(f"not a plain identifier among {names}")
    return table, [f'"{column}"' for column in columns]


async def insert(conn: asyncpg.Connection[Any], table: str, values: Mapping[str, Any]) -> int:
    """One new row; its id."""
    name, columns = _names(table, values)
    placeholders = ", ".join(f"${n}" for n in range(1, len(values) + 1))
    row_id: int = await conn.fetchval(
        f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({placeholders}) RETURNING id",  # noqa: S608  # names checked above
        *values.values(),
    )
    return row_id


async def update(
    conn: asyncpg.Connection[Any], table: str, row_id: int, values: Mapping[str, Any], *, case_id: int
) -> None:
    """Change a row of one case (a row of another case is left alone)."""
    name, columns = _names(table, values)
    sets = ", ".join(f"{column} = ${n}" for n, column in enumerate(columns, start=3))
    await conn.execute(
        f"UPDATE {name} SET {sets} WHERE id = $1 AND application = $2",  # noqa: S608  # names checked above
        row_id,
        case_id,
        *values.values(),
    )


# ---------------------------------------------------------------------------------------------
# The case itself

PERSON_FIELDS = tuple(schemas.PersonIn.__struct_fields__)


async def next_reference(conn: asyncpg.Connection[Any], force_id: int, received_at: datetime) -> str:
    """The force's next reference for the year the application was received: `WYP-2026-00042`."""
    year = received_at.astimezone(UTC).year
    number: int = await conn.fetchval(
        'INSERT INTO reference_counter ("force", year, last) VALUES ($1, $2, 1) '
        'ON CONFLICT ("force", year) DO UPDATE SET last = reference_counter.last + 1 RETURNING last',
        force_id,
        year,
    )
    code: str = await conn.fetchval("SELECT code FROM force WHERE id = $1", force_id)
    return f"{code}-{year}-{number:05d}"


async def insert_case(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    reference: str,
    data: schemas.NewApplicationIn,
    user_id: int,
    due: Mapping[str, datetime | None],
    next_due_at: datetime | None,
    now: datetime,
) -> int:
    return await insert(
        conn,
        "application",
        {
            "force": force_id,
            "reference": reference,
            "scheme": data.scheme.value,
            "route": data.route.value,
            "channel": data.channel.value,
            "received_at": data.received_at,
            "stage": Stage.received.value,
            "risk_level": "not_assessed",
            "concern": data.concern,
            "assigned_to": user_id,
            "created_by": user_id,
            "triage_due_at": due["triage_due_at"],
            "meeting_due_at": due["meeting_due_at"],
            "due_at": due["due_at"],
            "next_due_at": next_due_at,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        },
    )


async def insert_clocks(
    conn: asyncpg.Connection[Any], *, force_id: int, case_id: int, clocks: list[ClockState]
) -> None:
    """A new case's clocks, one row each."""
    await conn.executemany(
        'INSERT INTO case_clock ("force", application, clock, hours, extended_hours, started_at, due_at, stopped_at) '
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            (force_id, case_id, c.clock.value, c.hours, c.extended_hours, c.started_at, c.due_at, c.stopped_at)
            for c in clocks
        ],
    )


async def update_clocks(conn: asyncpg.Connection[Any], case_id: int, clocks: list[ClockState]) -> None:
    """Clocks of a case that started, stopped or moved on."""
    await conn.executemany(
        "UPDATE case_clock SET extended_hours = $3, started_at = $4, due_at = $5, stopped_at = $6 "
        "WHERE application = $1 AND clock = $2",
        [(case_id, c.clock.value, c.extended_hours, c.started_at, c.due_at, c.stopped_at) for c in clocks],
    )


async def insert_person(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    case_id: int,
    role: PersonRole,
    person: schemas.PersonIn,
    now: datetime,
) -> int:
    values = {name: getattr(person, name) for name in PERSON_FIELDS}
    return await insert(
        conn,
        "case_person",
        {"force": force_id, "application": case_id, "role": role.value, "created_at": now, "updated_at": now, **values},
    )


async def bump_version(conn: asyncpg.Connection[Any], case_id: int, version: int, now: datetime) -> int | None:
    """The case's next version, or None if it is no longer at `version`. Locks the case's row until the
    transaction ends: a second change at the same moment waits, then finds the version moved on."""
    bumped: int | None = await conn.fetchval(
        "UPDATE application SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2 "
        "RETURNING version",
        case_id,
        version,
        now,
    )
    return bumped


async def set_case(conn: asyncpg.Connection[Any], case_id: int, **values: Any) -> None:
    """Change the case's own row: who holds it, its risk level, its deadlines."""
    _, columns = _names("application", values)
    sets = ", ".join(f"{column} = ${n}" for n, column in enumerate(columns, start=2))
    await conn.execute(f"UPDATE application SET {sets} WHERE id = $1", case_id, *values.values())  # noqa: S608


async def move(
    conn: asyncpg.Connection[Any],
    case_id: int,
    *,
    stage: Stage,
    outcome: str | None,
    next_due_at: datetime | None,
    now: datetime,
) -> None:
    await conn.execute(
        "UPDATE application SET stage = $2::varchar, outcome = COALESCE($3::varchar, outcome), next_due_at = $4, "
        "closed_at = CASE WHEN $2::varchar = 'closed' THEN $5 ELSE closed_at END WHERE id = $1",
        case_id,
        stage.value,
        outcome,
        next_due_at,
        now,
    )


async def become_supervisor(conn: asyncpg.Connection[Any], case_id: int, user_id: int) -> None:
    await conn.execute("UPDATE application SET supervisor = COALESCE(supervisor, $2) WHERE id = $1", case_id, user_id)


async def reassign(
    conn: asyncpg.Connection[Any], case_ids: list[int], user_id: int, now: datetime
) -> list[tuple[int, str]]:
    """Give open cases to someone; the (id, reference) of each moved."""
    rows = await conn.fetch(
        "UPDATE application SET assigned_to = $2, version = version + 1, updated_at = $3 "
        "WHERE id = ANY($1::int[]) AND stage <> 'closed' RETURNING id, reference",
        case_ids,
        user_id,
        now,
    )
    return [(row["id"], row["reference"]) for row in rows]


# ---------------------------------------------------------------------------------------------
# Resubmission keys: a form submitted twice does its work once


async def submitted(conn: asyncpg.Connection[Any], user_id: int, key: str) -> tuple[int, str, int, str] | None:
    """What a key was first used for: (case id, action, the case's version now, its stage now)."""
    row = await conn.fetchrow(
        "SELECT s.application, s.action, a.version, a.stage FROM submission s "
        'JOIN application a ON a.id = s.application WHERE s."user" = $1 AND s.key = $2',
        user_id,
        key,
    )
    return None if row is None else (row["application"], row["action"], row["version"], row["stage"])


async def remember_submission(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    user_id: int,
    key: str,
    case_id: int | None,
    action: str,
    now: datetime,
) -> bool:
    """False if the key was taken meanwhile: a second request with the same key, running at the same
    moment, waits here for the first to commit, then finds it taken."""
    saved = await conn.fetchval(
        'INSERT INTO submission ("force", "user", key, application, action, created_at) '
        'VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ("user", key) DO NOTHING RETURNING id',
        force_id,
        user_id,
        key,
        case_id,
        action,
        now,
    )
    return saved is not None


async def keep_access_reason(
    conn: asyncpg.Connection[Any],
    *,
    force_id: int,
    session_id: int,
    case_id: int,
    reason: str,
    detail: str,
    now: datetime,
) -> None:
    """Why someone not on the case opened it: kept for the rest of their session."""
    await conn.execute(
        'INSERT INTO case_access_reason ("force", session, application, reason, detail, given_at) '
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session, application) "
        "DO UPDATE SET reason = EXCLUDED.reason, detail = EXCLUDED.detail, given_at = EXCLUDED.given_at",
        force_id,
        session_id,
        case_id,
        reason,
        detail,
        now,
    )
