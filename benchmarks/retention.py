"""The retention review queue and disposal, with 100,000 applications loaded.

Targets: the queue (`GET /api/v1/retention/due` and the `/retention` page) under 200 ms; disposing
of a whole case under 500 ms. The service runs as `serve --workers 2`; a supervisor asks one
request at a time, and the figures are wall-clock times over HTTP. A third of the closed cases are
made due (their review date moved seven years back), as after years of running without reviews.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime

import httpx

from benchmarks import harness, seed
from disclosure_service.auth.service import Keys
from disclosure_service.auth.sessions import CSRF_COOKIE
from tests import cli

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "100000"))
ROUNDS = 20
DISPOSALS = 10
# What the migration `retention_due` does for cases closed before it, then a third made due.
_DUE = (
    "UPDATE application a SET retention_review_on = c.retention_review_on FROM closure c WHERE c.application = a.id",
    "UPDATE application SET retention_review_on = retention_review_on - interval '7 years' "
    "WHERE stage = 'closed' AND id % 3 = 0",
    "ANALYZE application",
)


async def run() -> None:
    keys = Keys.from_settings(harness.SETTINGS)
    now = datetime.now(UTC)
    async with harness.fresh_database() as created:
        conn = await harness.owner(created)
        try:
            seeded = await seed.load(conn, keys, applications=APPLICATIONS, now=now)
            for statement in _DUE:
                await conn.execute(statement)
            due = await conn.fetchval("SELECT count(*) FROM application WHERE retention_review_on <= current_date")
        finally:
            await conn.close()
        print(f"loaded {APPLICATIONS:,} applications in {seeded.seconds:.1f} s; {due:,} closed cases due for review")
        supervisor = seeded.supervisors[0]
        with (
            tempfile.TemporaryDirectory() as data_dir,
            cli.serving("--workers", "2", "--no-migrate", env=harness.server_env(created, data_dir)) as url,
        ):
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                session = harness.Session(http, supervisor.username, supervisor.secret, seed.PASSWORD)
                await session.sign_in()
                for path, label in (
                    ("/api/v1/retention/due", "retention queue as JSON, 200 cases (target < 200 ms)"),
                    ("/retention", "retention queue page (target < 200 ms)"),
                ):
                    await session.timed(path)
                    await session.timed(path)
                    harness.report(label, [await session.timed(path) for _ in range(ROUNDS)])
                queue = (await http.get("/api/v1/retention/due", headers=session.header)).json()
                times = []
                for row in queue[:DISPOSALS]:
                    read = await http.get(
                        f"/api/v1/applications/{row['id']}",
                        params={"reason": "supervisory_review", "reason_detail": "Retention review due"},
                        headers=session.header,
                    )
                    version = read.json()["version"]
                    started = time.perf_counter()
                    response = await http.post(
                        f"/api/v1/applications/{row['id']}/record-retention-review",
                        json={"version": version, "decision": "dispose", "reason": "Benchmark disposal"},
                        headers={**session.header, "x-csrftoken": session.cookies[CSRF_COOKIE]},
                    )
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(f"disposal answered {response.status_code}: {response.text[:300]}")
                harness.report("disposing of a whole case (target < 500 ms)", times)
