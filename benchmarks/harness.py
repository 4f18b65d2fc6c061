"""What every benchmark needs: a fresh migrated database on a real PostgreSQL, and the app in-process."""

from __future__ import annotations

import statistics
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx

from disclosure_service.app import create_app
from disclosure_service.database import engine as db
from disclosure_service.database.migrate import migrate
from disclosure_service.settings import Settings
from tests import database

SETTINGS = Settings(env="test", secret_key="bench-secret-" + "s" * 32, totp_encryption_key="bench-totp-" + "t" * 32)


@asynccontextmanager
async def fresh_database(pool_size: int = 10) -> AsyncIterator[database.TestDatabase]:
    """A migrated database of its own (TEST_DATABASE_URL's server, or an embedded one), dropped after."""
    created = await database.create_database(database.server_url())
    try:
        await migrate(created.owner_url, created.app_url)
        await db.open_pool(created.app_url, min_size=2, max_size=pool_size)
        try:
            yield created
        finally:
            await db.close_pool()
    finally:
        await database.drop_database(created)


@asynccontextmanager
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SETTINGS, manage_pool=False)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://bench") as http:
        yield http


async def owner(created: database.TestDatabase) -> asyncpg.Connection:
    return await asyncpg.connect(created.owner_url)


def report(label: str, milliseconds: list[float]) -> None:
    ordered = sorted(milliseconds)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    print(
        f"{label}: n={len(ordered)} median={statistics.median(ordered):.1f} ms "
        f"p95={p95:.1f} ms max={ordered[-1]:.1f} ms"
    )
