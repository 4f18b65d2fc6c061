"""The test database: a fresh database per test session on a real PostgreSQL.

TEST_DATABASE_URL names a server to use (CI uses the machine's PostgreSQL); without it an
embedded server is started in a temporary folder and deleted afterwards.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from disclosure_service.database import embedded
from disclosure_service.database.urls import with_database, with_user
from disclosure_service.settings import APP_ROLE_DEFAULT


@dataclass(frozen=True, slots=True)
class TestDatabase:
    server_url: str  # superuser on the server, any database
    owner_url: str  # the session's database, as the schema owner
    app_url: str  # the session's database, as the unprivileged runtime role
    name: str


def server_url() -> str:
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return configured
    pgdata = Path(tempfile.mkdtemp(prefix="ds-test-pg-")) / "pgdata"
    return embedded.start_server(pgdata, delete_on_exit=True)


async def create_database(server: str) -> TestDatabase:
    name = f"ds_test_{os.getpid()}_{secrets.token_hex(3)}"
    conn = await asyncpg.connect(with_database(server, "postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    owner = with_database(server, name)
    return TestDatabase(server, owner, with_user(owner, APP_ROLE_DEFAULT), name)


async def drop_database(database: TestDatabase) -> None:
    conn = await asyncpg.connect(with_database(database.server_url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
    finally:
        await conn.close()
