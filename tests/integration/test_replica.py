"""Statistics read on a hot standby (REPLICA_DATABASE_URL), their audit row written on the primary.

`scripts/hot_standby.sh` makes a primary and a standby of it with pg_basebackup on this machine.
With the standby's replay paused, a change on the primary does not show in the figures the
service reports, so they were read on the standby; the row logging the look is on the primary
all the same; once replay resumes, the figures catch up.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import pytest

from benchmarks import harness, seed
from disclosure_service.auth.service import Keys
from disclosure_service.database.migrate import migrate
from disclosure_service.database.urls import with_database, with_user
from disclosure_service.settings import APP_ROLE_DEFAULT
from tests import cli, database

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "hot_standby.sh"

pytestmark = [
    pytest.mark.commits,
    pytest.mark.skipif(shutil.which("pg_basebackup") is None, reason="PostgreSQL's server tools are not installed"),
]


@contextmanager
def primary_and_standby() -> Iterator[tuple[str, str]]:
    folder = Path(tempfile.gettempdir()) / f"ds-standby-{secrets.token_hex(4)}"
    ports = [str(cli.free_port()), str(cli.free_port())]
    try:
        out = subprocess.run(  # noqa: S603
            [str(SCRIPT), "start", str(folder), *ports], capture_output=True, text=True, check=True
        ).stdout
        urls = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("primary ", "standby ")))
        yield urls["primary"], urls["standby"]
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], check=False)  # noqa: S603


async def _until(check: asyncpg.Connection, query: str, wanted: object) -> None:
    for _ in range(100):
        if await check.fetchval(query) == wanted:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{query} never gave {wanted!r}")


async def test_statistics_are_read_on_the_standby_and_logged_on_the_primary() -> None:
    with primary_and_standby() as (primary, standby):
        server = await asyncpg.connect(primary)
        await server.execute("CREATE DATABASE ds")
        await server.close()
        owner_url, replica_owner = with_database(primary, "ds"), with_database(standby, "ds")
        app_url = with_user(owner_url, APP_ROLE_DEFAULT)
        await migrate(owner_url, app_url)
        owner = await asyncpg.connect(owner_url)
        seeded = await seed.load(owner, Keys.from_settings(harness.SETTINGS), applications=300, now=datetime.now(UTC))
        # A case received this financial year, so in the statistics' default period.
        moved = await owner.fetchval("SELECT max(id) FROM application WHERE received_at >= '2026-04-01'")
        assert moved is not None
        replica = await asyncpg.connect(replica_owner)
        await _until(replica, "SELECT count(*) FROM application", 300)
        await replica.execute("SELECT pg_wal_replay_pause()")
        await owner.execute(
            "UPDATE application SET received_at = received_at - interval '20 years' WHERE id = $1", moved
        )
        viewed = "SELECT count(*) FROM audit_event WHERE event = 'statistics.viewed'"
        try:
            with tempfile.TemporaryDirectory() as data_dir:
                created = database.TestDatabase(primary, owner_url, app_url, "ds")
                env = harness.server_env(created, data_dir)
                env["REPLICA_DATABASE_URL"] = with_user(replica_owner, APP_ROLE_DEFAULT)
                with cli.serving("--no-migrate", env=env) as url:
                    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                        supervisor = seeded.supervisors[0]
                        session = harness.Session(http, supervisor.username, supervisor.secret, seed.PASSWORD)
                        await session.sign_in()
                        paused = (await http.get("/api/v1/statistics", headers=session.header)).json()
                        assert await owner.fetchval(viewed) == 1, "the look is logged on the primary"
                        await replica.execute("SELECT pg_wal_replay_resume()")
                        await _until(replica, viewed, 1)
                        caught_up = (await http.get("/api/v1/statistics", headers=session.header)).json()
            assert paused["applications"] > 0
            assert caught_up["applications"] == paused["applications"] - 1
            assert await owner.fetchval(viewed) == 2
        finally:
            await replica.close()
            await owner.close()
