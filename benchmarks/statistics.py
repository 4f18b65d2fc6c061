"""The statistics page for a whole reporting year, with 100,000 applications loaded.

Target: under 500 ms. The service runs as `serve --workers 2` in its own processes; a supervisor
opens the page for the last complete year (about a third of the cases), one request at a time,
and the figures are wall-clock times over HTTP, rendering included. The same figures as JSON
and the oversight page are timed too.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime

import httpx

from benchmarks import harness, seed
from disclosure_service.auth.service import Keys
from disclosure_service.dates import LONDON
from disclosure_service.reports.periods import financial_year, financial_year_of
from tests import cli

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "100000"))
ROUNDS = 20


async def run() -> None:
    keys = Keys.from_settings(harness.SETTINGS)
    now = datetime.now(UTC)
    year = financial_year(financial_year_of(now.astimezone(LONDON).date()) - 1)
    span = f"from={year.first.isoformat()}&to={year.last.isoformat()}"
    async with harness.fresh_database() as created:
        conn = await harness.owner(created)
        try:
            seeded = await seed.load(conn, keys, applications=APPLICATIONS, now=now)
            in_year = await conn.fetchval(
                "SELECT count(*) FROM application WHERE received_at >= $1 AND received_at < $2", year.start, year.end
            )
        finally:
            await conn.close()
        print(f"loaded {APPLICATIONS:,} applications in {seeded.seconds:.1f} s; {in_year:,} received in {year.label}")
        supervisor = seeded.supervisors[0]
        with (
            tempfile.TemporaryDirectory() as data_dir,
            cli.serving("--workers", "2", "--no-migrate", env=harness.server_env(created, data_dir)) as url,
        ):
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                session = harness.Session(http, supervisor.username, supervisor.secret, seed.PASSWORD)
                await session.sign_in()
                for path, label in (
                    (f"/statistics?{span}", "statistics page for the year (target < 500 ms)"),
                    (f"/api/v1/statistics?{span}", "the same figures as JSON"),
                    (f"/statistics/oversight?{span}", "oversight page"),
                    (f"/statistics?{span}&scheme=csods", "statistics page for one scheme (csods)"),
                    (
                        f"/statistics/home-office-return.csv?year={year.first.year}&scheme=dvds",
                        "the DVDS return for the year",
                    ),
                ):
                    await session.timed(path)  # each worker's first request loads templates
                    await session.timed(path)
                    harness.report(label, [await session.timed(path) for _ in range(ROUNDS)])
