"""`migrate` interrupted: killed at random moments, or failing between a migration and its record.

Each test migrates a database of its own and commits for real.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import signal
import subprocess
import time

import asyncpg
import pytest

from disclosure_service.database.checks import migration_ids, run_checks
from disclosure_service.database.migrate import MigrationError, migrate
from disclosure_service.database.setup import DatabaseUrls
from disclosure_service.database.urls import with_database
from disclosure_service.settings import Settings
from tests import cli, database

pytestmark = pytest.mark.commits

KILLS = 3
# How long `migrate` works on an empty database once it has connected (about 0.9 s here, alone);
# kills are spread over this window.
MIGRATION_WINDOW_SECONDS = 1.2


async def _recorded(url: str) -> set[str]:
    conn = await asyncpg.connect(url)
    try:
        if not await conn.fetchval("SELECT to_regclass('public.migration') IS NOT NULL"):
            return set()
        return {r["name"] for r in await conn.fetch("SELECT name FROM migration")}
    finally:
        await conn.close()


async def _user_tables(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration' ORDER BY 1"
        )
        return [r["tablename"] for r in rows]
    finally:
        await conn.close()


async def _wait_until_connected(server_url: str, name: str, proc: subprocess.Popen[str]) -> None:
    """Until the process has a connection to database `name` (its imports take over a second)."""
    conn = await asyncpg.connect(with_database(server_url, "postgres"))
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", name):
                return
            if proc.poll() is not None:
                raise AssertionError(f"migrate exited with {proc.returncode} before connecting: {proc.stderr}")
            await asyncio.sleep(0.005)
        raise AssertionError("migrate never connected")
    finally:
        await conn.close()


async def _wait_or_gap(url: str, seconds: float) -> str:
    """Wait `seconds`, unless tables appear committed while no migration is recorded (the first
    migration done but not recorded, which must never be visible); say which happened."""
    conn = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            # Runners create the `migration` table before any other, so it exists once tables do.
            tables = await conn.fetchval(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'"
            )
            gap = tables > 0 and not await conn.fetchval("SELECT EXISTS (SELECT FROM migration)")
            if gap:
                return "in the gap between a migration and its record"
            await asyncio.sleep(0.001)
        return f"after {seconds:.2f} s"
    finally:
        await conn.close()


async def _assert_fully_migrated(fresh: database.TestDatabase) -> None:
    assert await _recorded(fresh.owner_url) == set(migration_ids())
    checks = await run_checks(
        Settings(secret_key="k" * 32, totp_encryption_key="t" * 32), DatabaseUrls(fresh.owner_url, fresh.app_url)
    )
    assert all(ok for ok, _ in checks), checks


async def _kill_at_random(server_url: str, fresh: database.TestDatabase, delay: float) -> str:
    """Start `migrate` on `fresh`, SIGKILL it `delay` seconds after it connects; say where it stood."""
    env = cli.environment(DATABASE_URL=fresh.owner_url, APP_DATABASE_URL=fresh.app_url)
    proc = subprocess.Popen(  # noqa: S603, ASYNC220  # our own command; Popen does not block
        [*cli.COMMAND, "migrate"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        await _wait_until_connected(server_url, fresh.name, proc)
        moment = await _wait_or_gap(fresh.owner_url, delay)
        proc.send_signal(signal.SIGKILL)
    finally:
        await asyncio.to_thread(proc.wait)
    assert proc.returncode in (-signal.SIGKILL, 0), proc.stderr.read() if proc.stderr else ""
    return f"{moment}: {len(await _recorded(fresh.owner_url))} of {len(migration_ids())} recorded"


async def test_migrate_killed_at_random_moments_always_recovers_on_the_next_run(server_url: str) -> None:
    seed = secrets.randbits(32)
    rng = random.Random(seed)
    # Stratified: each kill falls at a random moment in its own slice of the window (or earlier,
    # if a migration's tables are seen committed without their record). The runs are killed side
    # by side, on databases of their own, to keep the test short.
    delays = [rng.uniform(k, k + 1) * MIGRATION_WINDOW_SECONDS / KILLS for k in range(KILLS)]
    databases = [await database.create_database(server_url) for _ in range(KILLS)]
    seen: list[str] = []
    try:
        kills = (_kill_at_random(server_url, d, t) for d, t in zip(databases, delays, strict=True))
        seen = list(await asyncio.gather(*kills))
        for fresh in databases:
            # The next run takes the database from wherever the kill left it.
            await migrate(fresh.owner_url, fresh.app_url)
            await _assert_fully_migrated(fresh)
    except BaseException as exc:
        exc.add_note(f"seed {seed}; kills after {[round(t, 2) for t in delays]} s: {'; '.join(seen)}")
        raise
    finally:
        for fresh in databases:
            await database.drop_database(fresh)


async def test_a_migration_whose_record_cannot_be_written_leaves_nothing_behind(server_url: str) -> None:
    """The window between a migration and its record, opened wide: the record's insert fails."""
    fresh = await database.create_database(server_url)
    first = migration_ids()[0]
    conn = await asyncpg.connect(fresh.owner_url)
    try:
        await conn.execute(
            "CREATE TABLE migration (id serial PRIMARY KEY, name varchar(200) NOT NULL, "
            "app_name varchar(200) NOT NULL, ran_on timestamp NOT NULL DEFAULT now())"
        )
        await conn.execute(
            "CREATE FUNCTION refuse_record() RETURNS trigger LANGUAGE plpgsql AS "
            "$$BEGIN RAISE EXCEPTION 'the record is refused'; END$$"
        )
        await conn.execute(
            "CREATE TRIGGER refuse_record BEFORE INSERT ON migration FOR EACH ROW EXECUTE FUNCTION refuse_record()"
        )
        with pytest.raises(MigrationError, match="the record is refused"):
            await migrate(fresh.owner_url, fresh.app_url)
        # The migration's tables went with its record.
        assert await _user_tables(fresh.owner_url) == []
        assert await _recorded(fresh.owner_url) == set()

        await conn.execute("DROP TRIGGER refuse_record ON migration")
        applied = await migrate(fresh.owner_url, fresh.app_url)
        assert applied[0] == first
        await _assert_fully_migrated(fresh)
    finally:
        await conn.close()
        await database.drop_database(fresh)
