"""The service behind PgBouncer in transaction mode (DB_TRANSACTION_POOLING, decision 26).

Two worker processes with pools of up to five connections each talk to PgBouncer, which gives them
two server connections between them: the pages work, every read is audited and the chains verify,
and the server never sees more than PgBouncer's two connections from the runtime role.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from benchmarks import harness, seed
from disclosure_service.audit import verify
from disclosure_service.auth.service import Keys
from disclosure_service.database.migrate import migrate
from disclosure_service.database.urls import user_of
from tests import cli, database

PGBOUNCER = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
SERVER_CONNECTIONS = 2

pytestmark = [
    pytest.mark.commits,
    pytest.mark.skipif(PGBOUNCER is None and not os.environ.get("REQUIRE_TOOLS"), reason="PgBouncer is not installed"),
]


@contextmanager
def pgbouncer(created: database.TestDatabase, folder: Path) -> Iterator[str]:
    """PgBouncer in transaction mode in front of the test database; yields the runtime role's URL
    through it. Trust authentication, as the test server itself uses."""
    server = urlsplit(created.owner_url)
    port = cli.free_port()
    users = (user_of(created.app_url), user_of(created.owner_url))
    (folder / "users.txt").write_text("".join(f'"{user}" ""\n' for user in users), encoding="utf-8")
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{created.name} = host={server.hostname} port={server.port or 5432} dbname={created.name}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        f"pool_mode = transaction\ndefault_pool_size = {SERVER_CONNECTIONS}\nmax_client_conn = 100\n"
        f"logfile = {folder / 'pgbouncer.log'}\n",
        encoding="utf-8",
    )
    assert PGBOUNCER is not None
    # PgBouncer refuses to run as root: as root (a CI container), it runs as an ordinary user.
    user = _unprivileged_user() if os.geteuid() == 0 else None
    if user is not None:
        for path in (folder, *folder.iterdir()):
            shutil.chown(path, user)
    proc = subprocess.Popen([PGBOUNCER, str(folder / "pgbouncer.ini")], user=user)  # noqa: S603
    try:
        _wait_for(port)
        yield f"postgresql://{user_of(created.app_url)}@127.0.0.1:{port}/{created.name}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("no unprivileged user to run PgBouncer as")


async def test_the_service_behind_pgbouncer_in_transaction_mode(server_url: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ds-pgbouncer-"))  # not tmp_path: another user must reach it
    created = await database.create_database(server_url)
    try:
        await migrate(created.owner_url, created.app_url)
        owner = await asyncpg.connect(created.owner_url)
        try:
            seeded = await seed.load(
                owner, Keys.from_settings(harness.SETTINGS), applications=200, now=datetime.now(UTC)
            )
            officer = seeded.officers[0]
            cases = [
                r["id"]
                for r in await owner.fetch("SELECT id FROM application WHERE assigned_to = $1 LIMIT 5", officer.id)
            ]
            audit_rows_before = await owner.fetchval("SELECT count(*) FROM audit_event")
        finally:
            await owner.close()
        with (
            pgbouncer(created, folder) as bounced_url,
            tempfile.TemporaryDirectory() as data_dir,
        ):
            env = harness.server_env(created, data_dir)
            env.update(APP_DATABASE_URL=bounced_url, DB_TRANSACTION_POOLING="true", DB_POOL_MAX="5")
            with cli.serving("--workers", "2", "--no-migrate", env=env) as url:
                async with httpx.AsyncClient(base_url=url, timeout=30) as http:
                    session = harness.Session(http, officer.username, officer.secret, seed.PASSWORD)
                    await session.sign_in()
                    paths = [p for case in cases for p in (f"/cases/{case}", f"/api/v1/applications/{case}")]
                    paths += ["/cases?queue=mine"] * 5
                    answers = await asyncio.gather(*(http.get(path, headers=session.header) for path in paths * 4))
                    assert [a.status_code for a in answers] == [200] * len(answers)
                    server_side = await _runtime_connections(created)
        assert 0 < server_side <= SERVER_CONNECTIONS
        owner = await asyncpg.connect(created.owner_url)
        try:
            # Every read was audited (plus sign-in's rows), and the chains hold.
            assert await owner.fetchval("SELECT count(*) FROM audit_event") >= audit_rows_before + len(paths) * 4
            report = await verify.verify(owner)
            # The seed writes its case histories outside the chains (chain -1), in bulk; the
            # service's own rows are all in them.
            assert [b for b in report.breaks if b.chain != -1] == []
            assert report.rows > 0
        finally:
            await owner.close()
    finally:
        await database.drop_database(created)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            time.sleep(0.1)
        else:
            return
    raise RuntimeError(f"PgBouncer did not listen on port {port}")


async def _runtime_connections(created: database.TestDatabase) -> int:
    conn = await asyncpg.connect(created.owner_url)
    try:
        found: int = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND usename = $2",
            created.name,
            user_of(created.app_url),
        )
        return found
    finally:
        await conn.close()
