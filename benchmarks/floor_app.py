"""The floor: what Litestar and asyncpg alone do on this machine, on the benchmark's own database.

`/read/{id}` fetches one application by its primary key; `/write/{id}` does that and inserts one
log row in the same transaction (a read that is audited). Nothing else: no session, no template,
no row-level security. `benchmarks.saturation` serves it beside the service and reports each page
as a multiple of it, so a figure is read against what the stack itself can do that day.
"""

from __future__ import annotations

import os
from typing import Any

import asyncpg
from litestar import Litestar, get

_pool: list[asyncpg.Pool] = []


async def _open() -> None:
    _pool.append(await asyncpg.create_pool(os.environ["FLOOR_DATABASE_URL"], min_size=4, max_size=8))


def _plain(row: asyncpg.Record | None) -> dict[str, str]:
    return {key: str(value) for key, value in row.items()} if row else {}


@get("/read/{case_id:int}")
async def read(case_id: int) -> dict[str, Any]:
    return _plain(await _pool[0].fetchrow("SELECT * FROM application WHERE id = $1", case_id))


@get("/write/{case_id:int}")
async def write(case_id: int) -> dict[str, Any]:
    async with _pool[0].acquire() as conn, conn.transaction():
        row = await conn.fetchrow("SELECT * FROM application WHERE id = $1", case_id)
        await conn.execute("INSERT INTO floor_log (application_id) VALUES ($1)", case_id)
    return _plain(row)


app = Litestar([read, write], on_startup=[_open])
