"""The process's database engine and the one way to open a transaction.

Piccolo tables are bound to the engine explicitly at start-up instead of being found through
PICCOLO_CONF, because an embedded server's address is only known once it has started.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from disclosure_service.database import piccolo_conf
from disclosure_service.database.piccolo_app import APP_CONFIG
from disclosure_service.database.piccolo_engine import UNAVAILABLE, Engine, make_engine

_engine: PostgresEngine | None = None
# A hot standby's pool, when REPLICA_DATABASE_URL is set (replica_read).
_replica: list[asyncpg.Pool[Any]] = []
# A wait for a standby's connection is bounded like the primary's (a TimeoutError answers 503).
_replica_acquire_timeout: list[float | None] = [None]


def table_classes() -> list[type[Table]]:
    return list(APP_CONFIG.table_classes)


def bind(engine: PostgresEngine) -> None:
    """Make `engine` the one every table and every transaction of this process uses."""
    global _engine  # noqa: PLW0603  # one engine per process, set once at start-up
    _engine = engine
    piccolo_conf.DB = engine
    for table in table_classes():
        table._meta.db = engine


def engine() -> PostgresEngine:
    if _engine is None:
        raise RuntimeError("no database engine is bound: call database.engine.bind() at start-up")
    return _engine


async def open_pool(
    url: str,
    *,
    min_size: int,
    max_size: int,
    statement_timeout: float | None = None,
    acquire_timeout: float | None = None,
    transaction_pooling: bool = False,
) -> PostgresEngine:
    """Bind an engine for `url` and open its pool; a bad URL fails here, loudly."""
    new = make_engine(
        url,
        statement_timeout=statement_timeout,
        acquire_timeout=acquire_timeout,
        transaction_pooling=transaction_pooling,
    )
    await new.start_connection_pool(min_size=min_size, max_size=max_size, reset=_nothing_to_reset)
    bind(new)
    return new


async def _nothing_to_reset(conn: asyncpg.Connection[Any]) -> None:
    """In place of asyncpg's reset query (unlock, close, unlisten, RESET ALL) on every checkout: a
    round trip per request for state this service never leaves on a connection. Its only setting
    is set_config(..., true), which ends with the transaction; it takes no session advisory locks,
    holds no cursors outside a transaction and listens to nothing; and a connection given back
    inside a transaction is closed, not reused (Engine.give_back)."""


async def close_pool() -> None:
    if _engine is not None and _engine.pool is not None:
        await _engine.close_connection_pool()
    while _replica:
        await _replica.pop().close()


async def open_replica_pool(
    url: str,
    *,
    min_size: int,
    max_size: int,
    statement_timeout: float | None = None,
    acquire_timeout: float | None = None,
    transaction_pooling: bool = False,
) -> None:
    """The standby's pool, connected as the primary's is (the same role, timeouts and settings)."""
    config = make_engine(url, statement_timeout=statement_timeout, transaction_pooling=transaction_pooling).config
    _replica.append(await asyncpg.create_pool(**config, min_size=min_size, max_size=max_size, reset=_nothing_to_reset))
    _replica_acquire_timeout[:] = [acquire_timeout]


@asynccontextmanager
async def replica_read(*, force_id: int) -> AsyncIterator[asyncpg.Connection[Any]]:
    """A read-only transaction scoped to a force, on the standby if there is one, else the primary.

    Only for reads whose audit row the caller writes afterwards on the primary, in a transaction of
    its own: the result is handed back only once that row is committed, so nothing read here
    reaches anyone unlogged. A standby is a little behind the primary (what it shows is as of its
    last replayed change), which statistics, exports and audit searches can bear.
    """
    if not _replica or engine().current_transaction.get() is not None:
        async with transaction(force_id=force_id) as conn:
            yield conn
        return
    async with _replica[0].acquire(timeout=_replica_acquire_timeout[0]) as standby, standby.transaction(readonly=True):
        await standby.execute("SELECT set_config('app.force_id', $1, true)", str(force_id))
        yield standby  # type: ignore[misc]  # the pool hands out proxies that act as connections


@asynccontextmanager
async def transaction(*, force_id: int | None = None) -> AsyncIterator[asyncpg.Connection[Any]]:
    """One transaction; Piccolo queries inside it join it. Yields the raw connection.

    `force_id` scopes row-level security to one force for this transaction only
    (`set_config(..., true)` is transaction-local, so a pooled connection never carries it on).
    """
    outer = engine().current_transaction.get()
    if outer is not None:
        # Inside another transaction (a test's, or a caller's): a savepoint, so that a failure here
        # undoes exactly what this block did, and the force scope is this block's alone, as it
        # would be in a transaction of its own.
        conn: asyncpg.Connection[Any] = outer.connection
        previous = await conn.fetchval("SELECT current_setting('app.force_id', true)")
        savepoint = await outer.savepoint()
        try:
            await conn.execute("SELECT set_config('app.force_id', $1, true)", "" if force_id is None else str(force_id))
            yield conn
        except BaseException:
            await savepoint.rollback_to()  # type: ignore[no-untyped-call]
            raise
        await savepoint.release()  # type: ignore[no-untyped-call]
        await conn.execute("SELECT set_config('app.force_id', $1, true)", previous or "")
        return
    async with engine().transaction() as txn:
        yield await _scoped(txn.connection, force_id)


@asynccontextmanager
async def connection() -> AsyncIterator[asyncpg.Connection[Any]]:
    """A connection for statements that each stand alone (no BEGIN, no COMMIT: a round trip each
    saved); the caller's own transaction's connection if one is open, so tests see their data."""
    outer = engine().current_transaction.get()
    if outer is not None:
        yield outer.connection
        return
    bound = engine()
    if not isinstance(bound, Engine):
        raise RuntimeError("the bound engine is not the service's own (make_engine)")
    pooled = await bound.acquire()
    try:
        yield pooled  # type: ignore[misc]  # the pool hands out proxies that act as connections
    finally:
        await bound.give_back(pooled)


async def _scoped(conn: asyncpg.Connection[Any], force_id: int | None) -> asyncpg.Connection[Any]:
    if force_id is not None:
        await conn.execute("SELECT set_config('app.force_id', $1, true)", str(force_id))
    return conn


async def ping(seconds: float = 2.0) -> bool:
    """True if the database answers a trivial query within `seconds` (about twice that at worst)."""
    pool = engine().pool
    if pool is None:
        return False
    try:
        conn = await pool.acquire(timeout=seconds)
    except UNAVAILABLE:
        return False
    try:
        return bool(await conn.fetchval("SELECT 1", timeout=seconds))
    except UNAVAILABLE:
        # Not handed on: resetting it for the next user would wait on the same dead server.
        conn.terminate()
        return False
    finally:
        await pool.release(conn, timeout=seconds)
