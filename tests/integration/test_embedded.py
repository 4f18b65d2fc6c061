"""The embedded PostgreSQL under faults: it dies, the service is killed, two processes start at once."""

from __future__ import annotations

import asyncio
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import psutil
import pytest

from disclosure_service.database import embedded
from disclosure_service.database.urls import with_database
from tests import cli


async def test_processes_starting_at_once_all_find_the_database_however_they_race(server_url: str) -> None:
    name = f"ds_race_{secrets.token_hex(4)}"
    try:
        # All look before any creates: without care, all but one fail on CREATE DATABASE.
        urls = await asyncio.gather(*(embedded.ensure_database(server_url, name) for _ in range(4)))
        assert set(urls) == {with_database(server_url, name)}
    finally:
        conn = await asyncpg.connect(with_database(server_url, "postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await conn.close()


def _postmaster(pgdata: Path) -> psutil.Process | None:
    try:
        pid = int((pgdata / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        return psutil.Process(pid)
    except (FileNotFoundError, psutil.NoSuchProcess):
        return None


def _wait(condition: str, check: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.1)
    raise AssertionError(f"not {condition} within {seconds} s")


def _healthy(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.commits
def test_the_embedded_server_is_started_again_if_it_dies_and_stopped_after_a_killed_service(
    server_folder: Path,
) -> None:
    pgdata = server_folder / "var" / "pgdata"
    env = cli.environment(DATA_DIR=str(server_folder / "var"))
    port = cli.free_port()
    base_url = f"http://127.0.0.1:{port}"
    with (server_folder / "serve.log").open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(  # noqa: S603  # our own command
            [sys.executable, "-m", "disclosure_service", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        cli.wait_for_health(base_url, proc)
        first = _postmaster(pgdata)
        assert first is not None

        # The server dies under the running service: it is started again, and the service recovers.
        first.send_signal(signal.SIGKILL)
        _wait("restarted", lambda: (p := _postmaster(pgdata)) is not None and p.pid != first.pid and _healthy(base_url))
        assert proc.poll() is None

        # The service is killed (-9): the server outlives it, as any daemon would...
        running = _postmaster(pgdata)
        assert running is not None
        proc.kill()
        proc.wait()
        assert running.is_running()
        # ...and the next process that uses it stops it when it is done, as any command does on its
        # way out: the dead service is not counted as still using it. (This process stands in for
        # the command: one fewer child to start.)
        again = embedded.start_server(pgdata)
        assert again.startswith("postgresql://")
        embedded._package().get_server(pgdata).cleanup()
        _wait("stopped", lambda: not running.is_running() and not (pgdata / "postmaster.pid").exists(), 10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        leftover = _postmaster(pgdata)
        if leftover is not None:
            leftover.kill()
