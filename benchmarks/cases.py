"""Case page, work queues and search with 100,000 applications, at 20 concurrent users.

Targets (2 cores): p95 under 50 ms for the case page, under 100 ms for queues and search. The
service runs as in production, `serve --workers 2` in its own processes, on the same two cores
as PostgreSQL and this load generator, which all compete for them; figures are wall-clock
times seen by the client over HTTP. Each user signs in, then loops: open one of their own
cases, look at a queue, search by part of a name.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from datetime import UTC, datetime

import asyncpg
import httpx

from benchmarks import harness, seed
from disclosure_service.auth.service import Keys
from tests import cli

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "100000"))
USERS = 20
ROUNDS = 15  # per user: one case page, one queue and one search each round
THINK_SECONDS = 1.0


async def run() -> None:
    keys = Keys.from_settings(harness.SETTINGS)
    async with harness.fresh_database() as created:
        conn = await harness.owner(created)
        try:
            seeded = await seed.load(conn, keys, applications=APPLICATIONS, now=datetime.now(UTC))
            print(f"loaded {APPLICATIONS:,} applications in {seeded.seconds:.1f} s: {await seed.sizes(conn)}")
            own_cases = await _cases_by_user(conn)
        finally:
            await conn.close()
        with (
            tempfile.TemporaryDirectory() as data_dir,
            cli.serving("--workers", "2", "--no-migrate", env=harness.server_env(created, data_dir)) as url,
        ):
            await _load_test(url, seeded, own_cases)


async def _cases_by_user(conn: asyncpg.Connection) -> dict[int, list[int]]:
    """Cases each user may open without giving a reason: their own, or those they supervise."""
    rows = await conn.fetch(
        "SELECT COALESCE(assigned_to, 0) AS officer, supervisor, id FROM application WHERE random() < 0.05"
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row["officer"], []).append(row["id"])
        found.setdefault(row["supervisor"], []).append(row["id"])
    return found


async def _user(
    url: str, staff: seed.Staff, cases: list[int], timings: dict[str, list[float]], *, rounds: int, think: float
) -> None:
    """One user's session: sign in, then `rounds` of case page, queue and search, pausing about
    `think` seconds (at random, on average) before each click, as a person reading the page does."""
    pick = random.Random(staff.id)  # choosing pages, not secrets
    queues = ["mine", "due_soon", "overdue"] if staff.role == "officer" else ["authorisation", "overdue", "review"]
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        session = harness.Session(http, staff.username, staff.secret, seed.PASSWORD)
        await session.sign_in()
        await session.timed("/cases")  # warm the worker's templates before measuring
        for _ in range(rounds):
            for label in ("case page", "queue", "search"):
                if think:
                    await asyncio.sleep(pick.expovariate(1 / think))
                if label == "case page":
                    path = f"/cases/{pick.choice(cases)}"
                elif label == "queue":
                    path = f"/cases?queue={pick.choice(queues)}"
                else:
                    path = f"/cases?q={pick.choice(seed.SURNAMES)[: pick.choice((4, 5, 6))]}"
                timings[label].append(await session.timed(path))


async def _scenario(
    url: str, users: list[seed.Staff], own_cases: dict[int, list[int]], *, rounds: int, think: float, title: str
) -> None:
    timings: dict[str, list[float]] = {"case page": [], "queue": [], "search": []}
    started = time.perf_counter()
    await asyncio.gather(
        *(_user(url, staff, own_cases[staff.id], timings, rounds=rounds, think=think) for staff in users)
    )
    elapsed = time.perf_counter() - started
    requests = sum(len(t) for t in timings.values())
    print(f"-- {title}: {requests} requests in {elapsed:.1f} s ({requests / elapsed:.0f} requests/s)")
    for label, target in (("case page", 50), ("queue", 100), ("search", 100)):
        harness.report(f"   {label} (target p95 < {target} ms)", timings[label])


async def _load_test(url: str, seeded: seed.Seeded, own_cases: dict[int, list[int]]) -> None:
    users = (seeded.officers[:16] + seeded.supervisors[:4])[:USERS]
    # Each scenario signs its users in afresh; a code is good once, so each needs its own users.
    spare = seeded.officers[16:] + seeded.supervisors[4:]
    await _scenario(url, spare[:1], own_cases, rounds=30, think=0, title="one user alone, clicking without pause")
    await _scenario(
        url,
        users,
        own_cases,
        rounds=ROUNDS,
        think=THINK_SECONDS,
        title=f"{USERS} users at once, each pausing {THINK_SECONDS:g} s on average between clicks",
    )
    await _scenario(
        url,
        spare[1 : 1 + USERS],
        own_cases,
        rounds=ROUNDS,
        think=0,
        title=f"{USERS} users at once, none pausing: the service saturated",
    )
