"""Piccolo's PostgreSQL engine, made to fail cleanly when the database does.

Three changes from Piccolo's own:
- no connect-on-construction version check;
- every wait for a pooled connection is bounded (`acquire_timeout`), so a frozen or exhausted
  database gives an error instead of a request that hangs;
- a transaction hands its connection back to the pool whatever happens: Piccolo's keeps it if
  BEGIN fails, or if the rollback or commit fails, so an outage leaked connections until the pool
  was empty and the service never recovered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

if TYPE_CHECKING:
    # A pooled connection, or one of its own when the engine has no pool (migrations). Only the
    # stubs make these generic.
    Connection: TypeAlias = PoolConnectionProxy[Any] | asyncpg.Connection[Any]

# Failures that mean the database cannot be reached or cannot answer now, as opposed to a
# mistake in a query: the answer is 503 and "try again", not 500.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, no socket file (embedded), and TimeoutError
    asyncpg.PostgresConnectionError,  # class 08: the connection broke
    asyncpg.OperatorInterventionError,  # class 57: shutting down, starting up, statement timeout
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,  # a connection closed under us
)


class DatabaseUnavailableError(Exception):
    """No connection could be had from the database within the time allowed."""


# What a request meets when the database goes away or freezes while it is being served: the
# connection breaks, the server is shutting down or cancelled the statement, or the client's own
# statement timeout ran out. Narrower than UNAVAILABLE: any OSError there comes from connecting,
# here it could be anything (a missing file is not an outage).
OUTAGE: tuple[type[BaseException], ...] = (
    DatabaseUnavailableError,
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
    asyncpg.TooManyConnectionsError,
    ConnectionError,
    TimeoutError,
)


class _OneLineOutages(logging.Filter):
    """asyncpg's pool logs each failed attempt to reopen connections with a traceback; during an
    outage that is one traceback every few seconds per worker. One line says as much."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, OUTAGE):
            record.msg, record.args = f"{record.getMessage()} ({describe(exc)})", ()
            record.exc_info, record.exc_text = None, None
        return True


logging.getLogger("asyncpg.pool").addFilter(_OneLineOutages())


def describe(exc: BaseException) -> str:
    """The error on one line, for a log."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Engine(PostgresEngine):
    """Piccolo's engine with bounded waits and transactions that never leak a connection.

    Piccolo's base engine opens a connection in its constructor to check the server version.
    That would connect at import time (piccolo_conf) and on every engine built; `disclosure-service
    check` reports the server version instead.
    """

    def __init__(self, config: dict[str, Any], *, acquire_timeout: float | None = None) -> None:
        super().__init__(config=config)
        self.acquire_timeout = acquire_timeout

    async def check_version(self) -> None:
        return None

    def transaction(self, allow_nested: bool = True) -> PostgresTransaction:
        return _Transaction(engine=self, allow_nested=allow_nested)

    async def acquire(self) -> PoolConnectionProxy[Any]:
        """A pooled connection within `acquire_timeout`, or DatabaseUnavailableError."""
        if self.pool is None:
            raise RuntimeError("no connection pool is open")
        try:
            connection: PoolConnectionProxy[Any] = await self.pool.acquire(timeout=self.acquire_timeout)
        except UNAVAILABLE as exc:
            raise DatabaseUnavailableError(describe(exc)) from exc
        return connection

    async def give_back(self, connection: Connection) -> None:
        """Return a connection to the pool; one left inside a transaction is closed, never reused."""
        if connection.is_in_transaction():
            connection.terminate()
        if isinstance(connection, PoolConnectionProxy) and self.pool is not None:
            await self.pool.release(connection, timeout=self.acquire_timeout)
        elif not connection.is_closed():
            await connection.close()

    async def _run_in_pool(self, query: str, args: Sequence[Any] | None = None) -> list[asyncpg.Record]:
        connection = await self.acquire()
        try:
            rows: list[asyncpg.Record] = await connection.fetch(query, *(args or ()))
        finally:
            await self.give_back(connection)
        return rows


class _Transaction(PostgresTransaction):
    engine: Engine

    async def get_connection(self) -> Connection:
        if self.engine.pool is not None:
            return await self.engine.acquire()
        try:
            connection: asyncpg.Connection[Any] = await self.engine.get_new_connection()
        except UNAVAILABLE as exc:
            raise DatabaseUnavailableError(describe(exc)) from exc
        return connection

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            self.transaction = self.connection.transaction()
            await self.begin()  # type: ignore[no-untyped-call]
        except BaseException:
            await self.engine.give_back(self.connection)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception is not None:
                if not self._rolled_back:
                    try:
                        await self.rollback()  # type: ignore[no-untyped-call]
                    except UNAVAILABLE:
                        # The original error says what went wrong; this connection is closed below.
                        self.connection.terminate()
            elif not self._committed and not self._rolled_back:
                await self.commit()  # type: ignore[no-untyped-call]
        finally:
            self.engine.current_transaction.reset(self.context)
            await self.engine.give_back(self.connection)
        return exception is None


def make_engine(
    url: str,
    *,
    statement_timeout: float | None = None,
    acquire_timeout: float | None = None,
    transaction_pooling: bool = False,
) -> Engine:
    """An engine for `url`. Only connection options go into config: Piccolo also passes config to
    asyncpg.connect, which rejects pool options; pool sizes go to start_connection_pool instead.

    `statement_timeout` (seconds) is set on the server for every statement, and also enforced by
    the client a little later, because a frozen server cannot cancel anything itself.
    `transaction_pooling` is for a pooler in transaction mode (DB_TRANSACTION_POOLING).
    """
    # JIT compilation pays off for long analytical queries, not for a service's short ones: on
    # searches over a large audit trail it cost more time than the query itself.
    server_settings = {"jit": "off"}
    config: dict[str, Any] = {"dsn": url, "server_settings": server_settings}
    if statement_timeout is not None:
        server_settings["statement_timeout"] = str(round(statement_timeout * 1000))
        config["command_timeout"] = statement_timeout + CLIENT_GRACE_SECONDS
    if acquire_timeout is not None:
        config["timeout"] = acquire_timeout  # connecting, the slow part of acquiring on a cold pool
    if transaction_pooling:
        # Behind PgBouncer in transaction mode each transaction may meet a different server
        # connection: a statement prepared on one is unknown on the next, and PgBouncer refuses
        # startup settings it does not track. So no statement cache, and no startup settings: the
        # server's statement timeout and jit are set on the role instead (docs/operations.md);
        # the client's own timeout above still bounds every statement.
        config["statement_cache_size"] = 0
        del config["server_settings"]
    return Engine(config=config, acquire_timeout=acquire_timeout)


# The client waits this much longer than the server's own timeout, so that a server that is
# working cancels the statement itself (a clean error) and only a frozen one meets the client's.
CLIENT_GRACE_SECONDS = 1.0
