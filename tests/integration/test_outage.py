"""The database goes away, or freezes, under a running service: 503s, then recovery without a restart.

The test owns its PostgreSQL (an embedded server in a temporary folder), never the shared one:
it stops it, freezes it with SIGSTOP and brings it back.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil
import pytest

from disclosure_service.auth.sessions import SESSION_COOKIE
from disclosure_service.database import embedded
from disclosure_service.database.migrate import migrate
from disclosure_service.database.urls import with_user
from disclosure_service.settings import APP_ROLE_DEFAULT
from tests import cli
from tests.live import Browser

pytestmark = pytest.mark.commits

# A session cookie nobody issued: looking it up is a query, so every request needs the database.
# A well-formed token nobody was given: the service must ask the database about it (a malformed
# one is refused without a database, as it should be, and would prove nothing here).
WITH_SESSION = {"cookie": f"{SESSION_COOKIE}=1.{'0' * 43}"}
TIMEOUTS = {"DB_ACQUIRE_TIMEOUT": "1", "DB_STATEMENT_TIMEOUT": "1"}
# Acquiring (1 s), the client's statement timeout (1 s + 1 s grace) and handing back (1 s) at worst.
WORST_CASE_SECONDS = 4.5


@dataclass
class Server:
    pgdata: Path
    handle: Any = field(repr=False)

    @property
    def postmaster(self) -> psutil.Process:
        return psutil.Process(int((self.pgdata / "postmaster.pid").read_text(encoding="utf-8").split()[0]))

    def stop(self) -> None:
        embedded._package().pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=self.pgdata, user=self.handle.system_user)

    def start(self) -> None:
        self.handle.ensure_postgres_running()

    @contextmanager
    def frozen(self) -> Iterator[None]:
        processes = [self.postmaster, *self.postmaster.children(recursive=True)]
        for process in processes:
            process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            for process in processes:
                with suppress(psutil.NoSuchProcess):
                    process.send_signal(signal.SIGCONT)


@asynccontextmanager
async def own_server(folder: Path) -> AsyncIterator[tuple[Server, str]]:
    pgdata = folder / "pgdata"
    url = await embedded.ensure_database(embedded.start_server(pgdata, delete_on_exit=True))
    server = Server(pgdata, embedded._package().get_server(pgdata))
    try:
        yield server, url
    finally:
        server.handle.cleanup()


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = cli.free_port()
    with log.open("w", encoding="utf-8") as output:
        proc = subprocess.Popen(  # noqa: S603  # our own command
            [sys.executable, "-m", "disclosure_service", "serve", "--no-migrate", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            cli.wait_for_health(base_url, proc)
            yield base_url, proc
        finally:
            proc.terminate()
            proc.wait(timeout=20)


async def _audit_rows(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM audit_event"))
    finally:
        await conn.close()


async def statuses_until(
    http: httpx.AsyncClient, base_url: str, wanted: int, *, seconds: float
) -> list[httpx.Response]:
    """Requests that need the database, one after another, until one answers `wanted`."""
    seen: list[httpx.Response] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.append(await http.get(f"{base_url}/api/v1/auth/me", headers=WITH_SESSION))
        if seen[-1].status_code == wanted:
            return seen
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {wanted} within {seconds} s: {[r.status_code for r in seen]}")


async def test_a_stopped_or_frozen_database_is_503_with_retry_after_and_the_service_recovers_by_itself(
    tmp_path: Path, server_folder: Path
) -> None:
    async with own_server(server_folder) as (server, owner_url):
        app_url = with_user(owner_url, APP_ROLE_DEFAULT)
        await migrate(owner_url, app_url)
        env = cli.environment(APP_DATABASE_URL=app_url, **TIMEOUTS)
        log = tmp_path / "serve.log"
        with serving(env, log) as (base_url, proc):
            async with httpx.AsyncClient(timeout=30) as http:
                assert (await http.get(f"{base_url}/api/v1/auth/me", headers=WITH_SESSION)).status_code == 401
                # An acknowledged write (a failed sign-in is audited) survives the crash below.
                browser = Browser()
                try:
                    refused = await browser.request(
                        "POST", f"{base_url}/api/v1/auth/login", {"username": "no.such.user", "password": "x" * 16}
                    )
                finally:
                    await browser.close()
                assert refused.status_code == 401
                written = await _audit_rows(owner_url)
                assert written > 0

                # Stopped, as by a crash (no shutdown checkpoint): refused connections.
                server.stop()
                down = await http.get(f"{base_url}/api/v1/auth/me", headers=WITH_SESSION)
                page = await http.get(f"{base_url}/", headers=WITH_SESSION)
                health = await http.get(f"{base_url}/healthz")
                for response in (down, page, health):
                    assert response.status_code == 503, response.text
                    assert response.headers["retry-after"] == "5"
                assert down.json() == {"status_code": 503, "detail": "Sorry, the service is unavailable"}
                assert "Sorry, the service is unavailable" in page.text
                assert health.json() == {"status": "unavailable", "database": "down"}

                server.start()
                await statuses_until(http, base_url, 401, seconds=15)
                assert await _audit_rows(owner_url) == written

                # Frozen: connections open but nothing answers. Each request ends, bounded by the timeouts.
                with server.frozen():
                    started = time.monotonic()
                    frozen = [
                        await http.get(f"{base_url}/api/v1/auth/me", headers=WITH_SESSION),
                        await http.get(f"{base_url}/api/v1/auth/me", headers=WITH_SESSION),
                    ]
                    took = (time.monotonic() - started) / len(frozen)
                assert [r.status_code for r in frozen] == [503, 503]
                assert took < WORST_CASE_SECONDS, took
                after = await statuses_until(http, base_url, 401, seconds=15)
                assert all(r.status_code in (401, 503) for r in after)

            assert proc.poll() is None, "the service restarted or died"
        output = log.read_text(encoding="utf-8")
        assert "Traceback" not in output, output
        assert "answered 500" not in output
        # One line for each request that needed the database and got a 503 (the health check logs none).
        outage_lines = [line for line in output.splitlines() if "database unavailable" in line]
        assert len(outage_lines) == 2 + len(frozen) + sum(r.status_code == 503 for r in after), outage_lines
        assert all("answered 503" in line for line in outage_lines)
