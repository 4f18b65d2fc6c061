"""Saturated throughput side by side with the floor (Litestar + asyncpg alone), as ratios.

Every target is driven by the same wrk (2 threads, 20 connections, the same seconds) against the
same seeded database on the same machine, in one run: the floor, then the service's pages, then
the floor again. A page's ratio is the floor's requests per second (the mean of its two runs,
read plus insert) over the page's: 3.0x means the page serves a third of what the bare stack
does. Absolute figures move with whatever else the machine is doing; the ratios move much less.
Needs `wrk` on the PATH (Debian package wrk).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from benchmarks import harness, seed
from disclosure_service.auth.service import Keys
from tests import cli, database

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "20"))
# Goals from issue 16: a page's floor ratio at or under these.
GOALS = {"case page": 3.0, "queue (mine)": 3.0, "API case": 2.0}

_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "%s"})
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
  io.write(string.format("FIGURES %%d %%d %%d %%.2f %%.2f %%.2f\\n", summary.requests, errors, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass(frozen=True, slots=True)
class Figures:
    per_second: float
    # Answers other than 2xx/3xx, and broken connections; apart from them, requests wrk gave up
    # on after its 2 s timeout.
    errors: int
    timeouts: int
    p50: float
    p95: float
    p99: float
    # Milliseconds of CPU per request, the service's processes and its database backends together.
    cpu_ms: float = 0.0


class Meter:
    """CPU seconds used by a server's processes and by its database's backends, read from /proc.

    Requests per second move with whatever else the machine runs; the CPU a request costs moves much
    less, so it is the steadier measure of what the service spends per request.
    """

    def __init__(self, conn: asyncpg.Connection, database: str) -> None:
        self.conn, self.database = conn, database

    async def read(self, port: int) -> dict[int, float]:
        backends = await self.conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", self.database
        )
        return _cpu_seconds([*_serving(port), *(row["pid"] for row in backends)])


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime and stime
    return found


def _serving(port: int) -> list[int]:
    """The process started with `--port PORT` and all its descendants."""
    parents: dict[int, int] = {}
    roots: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        if any(a == b"--port" and b == str(port).encode() for a, b in itertools.pairwise(command)):
            roots.append(int(entry.name))
    found = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return sorted(found)


async def measure(meter: Meter, base_url: str, paths: list[str], cookie: str = "") -> Figures:
    """`drive`, and the CPU each request cost the server and the database together."""
    port = int(base_url.rsplit(":", 1)[1])
    before = await meter.read(port)
    figures = await asyncio.to_thread(drive, base_url, paths, cookie)
    after = await meter.read(port)
    used = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    requests = figures.per_second * SECONDS
    return dataclasses.replace(figures, cpu_ms=used * 1000 / requests if requests else 0.0)


def drive(base_url: str, paths: list[str], cookie: str = "") -> Figures:
    """wrk on `paths` in turn for SECONDS; the lua script prints the figures on one line."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % (",".join(f'"{path}"' for path in paths), cookie))
    try:
        out = subprocess.run(  # noqa: S603
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script.name, base_url],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(script.name).unlink()
    found = re.search(r"FIGURES (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"wrk printed no figures for {base_url}: {out[-300:]}")
    requests, errors, timeouts, p50, p95, p99 = found.groups()
    return Figures(int(requests) / SECONDS, int(errors), int(timeouts), float(p50), float(p95), float(p99))


@contextmanager
def floor_serving(database_url: str) -> Iterator[str]:
    """benchmarks/floor_app.py under uvicorn with two workers, as the service is served."""
    port = cli.free_port()
    proc = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(Path(__file__).parent),
            "floor_app:app",
            "--workers",
            "2",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env={**os.environ, "FLOOR_DATABASE_URL": database_url},
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{base_url}/read/1").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.25)
        yield base_url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


async def run() -> None:
    if shutil.which("wrk") is None:
        print("skipped: wrk is not installed (apt-get install wrk)")
        return
    keys = Keys.from_settings(harness.SETTINGS)
    async with harness.fresh_database() as created:
        conn = await harness.owner(created)
        try:
            seeded = await seed.load(conn, keys, applications=APPLICATIONS, now=datetime.now(UTC))
            officer = seeded.officers[0]
            case_ids = [
                row["id"]
                for row in await conn.fetch(
                    "SELECT id FROM application WHERE assigned_to = $1 ORDER BY id LIMIT 200", officer.id
                )
            ]
            await conn.execute(
                "CREATE TABLE floor_log (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), "
                "application_id integer)"
            )
            results = await _side_by_side(Meter(conn, created.name), created, officer, case_ids)
        finally:
            await conn.close()
    _report(results)


async def _side_by_side(
    meter: Meter, created: database.TestDatabase, officer: seed.Staff, case_ids: list[int]
) -> dict[str, Figures]:
    print(f"{APPLICATIONS:,} applications; wrk -t2 -c{CONNECTIONS} for {SECONDS} s per target")
    results: dict[str, Figures] = {}
    writes = [f"/write/{i}" for i in case_ids]
    with floor_serving(created.owner_url) as floor:
        results["floor read"] = await measure(meter, floor, [f"/read/{i}" for i in case_ids])
        results["floor read+insert"] = await measure(meter, floor, writes)
    with (
        tempfile.TemporaryDirectory() as data_dir,
        cli.serving("--workers", "2", "--no-migrate", env=harness.server_env(created, data_dir)) as url,
    ):
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            session = harness.Session(http, officer.username, officer.secret, seed.PASSWORD)
            await session.sign_in()
            cookie = session.header["cookie"]
            for path in (f"/cases/{case_ids[0]}", "/cases?queue=mine", f"/api/v1/applications/{case_ids[0]}"):
                answer = await http.get(path, headers=session.header)
                if answer.status_code != 200:
                    raise RuntimeError(f"{path} answered {answer.status_code}")
        results["/healthz"] = await measure(meter, url, ["/healthz"])
        results["case page"] = await measure(meter, url, [f"/cases/{i}" for i in case_ids], cookie)
        results["queue (mine)"] = await measure(meter, url, ["/cases?queue=mine"], cookie)
        results["API case"] = await measure(meter, url, [f"/api/v1/applications/{i}" for i in case_ids], cookie)
    with floor_serving(created.owner_url) as floor:
        results["floor read+insert, again"] = await measure(meter, floor, writes)
    return results


def _report(results: dict[str, Figures]) -> None:
    first, again = results["floor read+insert"], results.pop("floor read+insert, again")
    floor_rate = (first.per_second + again.per_second) / 2
    floor_cpu = (first.cpu_ms + again.cpu_ms) / 2
    print(f"floor read+insert, before and after: {first.per_second:,.0f} and {again.per_second:,.0f} req/s")
    print(
        "| target | req/s | p50 ms | p95 ms | p99 ms | errors | over 2 s | floor ratio (req/s) "
        "| CPU ms per request | floor ratio (CPU) | goal |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, figures in results.items():
        ratio = floor_rate / figures.per_second if figures.per_second else float("inf")
        cpu_ratio = figures.cpu_ms / floor_cpu if floor_cpu else float("inf")
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"{goal:.0f}x {'met' if ratio <= goal else 'NOT met'}"
        print(
            f"| {name} | {figures.per_second:,.0f} | {figures.p50:.1f} | {figures.p95:.1f} | {figures.p99:.1f} "
            f"| {figures.errors} | {figures.timeouts} | {ratio:.1f}x | {figures.cpu_ms:.2f} | {cpu_ratio:.1f}x "
            f"| {verdict} |"
        )
