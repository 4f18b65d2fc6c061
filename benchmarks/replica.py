"""The statistics for a year read on a hot standby (REPLICA_DATABASE_URL) and on the primary.

`scripts/hot_standby.sh` makes a new primary and a standby of it with pg_basebackup on this
machine; the force is seeded on the primary and replayed on the standby. The service is served
twice, `serve --workers 2`: once reading its statistics on the standby, once on the primary, and
a supervisor asks for last year's figures as JSON, one request at a time. Both runs share the
machine's two cores with both servers, so this shows the standby works under the service and
what it costs a request, not the load it takes off a primary on its own hardware.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from benchmarks import harness, seed
from disclosure_service.auth.service import Keys
from disclosure_service.database.migrate import migrate
from disclosure_service.database.urls import with_database, with_user
from disclosure_service.dates import LONDON
from disclosure_service.reports.periods import financial_year, financial_year_of
from disclosure_service.settings import APP_ROLE_DEFAULT
from tests import cli, database

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "hot_standby.sh"
APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "100000"))
ROUNDS = 20


@contextmanager
def primary_and_standby() -> Iterator[tuple[str, str]]:
    """Superuser URLs of a new primary and of a hot standby of it, removed afterwards."""
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


async def caught_up(replica: asyncpg.Connection, query: str, wanted: object, seconds: float = 60) -> None:
    for _ in range(round(seconds * 10)):
        if await replica.fetchval(query) == wanted:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the standby never gave {wanted!r} for {query}")


async def run() -> None:
    now = datetime.now(UTC)
    year = financial_year(financial_year_of(now.astimezone(LONDON).date()) - 1)
    path = f"/api/v1/statistics?from={year.first.isoformat()}&to={year.last.isoformat()}"
    with primary_and_standby() as (primary, standby):
        server = await asyncpg.connect(primary)
        await server.execute("CREATE DATABASE ds")
        await server.close()
        owner_url, replica_url = with_database(primary, "ds"), with_database(standby, "ds")
        app_url = with_user(owner_url, APP_ROLE_DEFAULT)
        await migrate(owner_url, app_url)
        owner = await asyncpg.connect(owner_url)
        try:
            seeded = await seed.load(owner, Keys.from_settings(harness.SETTINGS), applications=APPLICATIONS, now=now)
        finally:
            await owner.close()
        replica = await asyncpg.connect(replica_url)
        try:
            await caught_up(replica, "SELECT count(*) FROM application", APPLICATIONS)
        finally:
            await replica.close()
        print(f"{APPLICATIONS:,} applications on the primary, replayed on the standby")
        created = database.TestDatabase(primary, owner_url, app_url, "ds")
        # A supervisor each: one code cannot sign in twice (a replayed code is refused).
        for supervisor, label, replica_setting in (
            (seeded.supervisors[0], "read on the standby", with_user(replica_url, APP_ROLE_DEFAULT)),
            (seeded.supervisors[1], "read on the primary", None),
        ):
            with tempfile.TemporaryDirectory() as data_dir:
                env = harness.server_env(created, data_dir)
                if replica_setting:
                    env["REPLICA_DATABASE_URL"] = replica_setting
                with cli.serving("--workers", "2", "--no-migrate", env=env) as url:
                    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                        session = harness.Session(http, supervisor.username, supervisor.secret, seed.PASSWORD)
                        await session.sign_in()
                        for _ in range(2):
                            await session.timed(path)  # each worker's first request
                        harness.report(
                            f"statistics for {year.label}, {label}", [await session.timed(path) for _ in range(ROUNDS)]
                        )
