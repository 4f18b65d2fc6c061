"""Statistics read on a hot standby (REPLICA_DATABASE_URL), their audit row written on the primary.

`scripts/hot_standby.sh` makes a primary and a standby of it with pg_basebackup on this machine
(through `benchmarks.replica`, which the benchmarks run too).
With the standby's replay paused, a change on the primary does not show in the figures the
service reports, so they were read on the standby; the row logging the look is on the primary
all the same; once replay resumes, the figures catch up.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest

from benchmarks import harness, seed
from benchmarks.replica import caught_up, primary_and_standby
from disclosure_service.auth.service import Keys
from disclosure_service.database.migrate import migrate
from disclosure_service.database.urls import with_database, with_user
from disclosure_service.settings import APP_ROLE_DEFAULT
from tests import cli, database

pytestmark = [
    pytest.mark.commits,
    pytest.mark.skipif(shutil.which("pg_basebackup") is None, reason="PostgreSQL's server tools are not installed"),
]


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
        await caught_up(replica, "SELECT count(*) FROM application", 300)
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
                        await caught_up(replica, viewed, 1)
                        replayed = (await http.get("/api/v1/statistics", headers=session.header)).json()
            assert paused["applications"] > 0
            assert replayed["applications"] == paused["applications"] - 1
            assert await owner.fetchval(viewed) == 2
        finally:
            await replica.close()
            await owner.close()
