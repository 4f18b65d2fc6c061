"""Piccolo's PostgreSQL engine without its connect-on-construction version check."""

from __future__ import annotations

from piccolo.engine.postgres import PostgresEngine


class Engine(PostgresEngine):
    """Piccolo's base engine opens a connection in its constructor to check the server version.

    That would connect at import time (piccolo_conf) and on every engine built; `disclosure-service
    check` reports the server version instead.
    """

    async def check_version(self) -> None:
        return None


def make_engine(url: str) -> Engine:
    # Only the DSN goes into config: Piccolo also passes config to asyncpg.connect, which rejects
    # pool options. Pool sizes are given to start_connection_pool instead.
    # JIT compilation pays off for long analytical queries, not for a service's short ones: on
    # searches over a large audit trail it cost more time than the query itself.
    return Engine(config={"dsn": url, "server_settings": {"jit": "off"}})
