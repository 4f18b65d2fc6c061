"""A backup restores: the procedure in docs/operations.md, from pg_dump to a verified audit trail."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import asyncpg
import pytest

from disclosure_service.audit import verify
from disclosure_service.database import embedded
from disclosure_service.database.migrate import migrate
from tests import cli, database

pytestmark = pytest.mark.commits

HIGHEST_REFERENCES = """
SELECT a."force", m[1]::integer AS year, max(m[2]::integer) AS highest, c.last AS counter
FROM application a
CROSS JOIN LATERAL regexp_match(a.reference, '-([0-9]{4})-([0-9]+)$') AS m
LEFT JOIN reference_counter c ON c."force" = a."force" AND c.year = m[1]::integer
GROUP BY 1, 2, c.last ORDER BY 1, 2
"""


async def _pg_tool(name: str, server_url: str) -> str:
    """The server's own major version of `name`: the system's (CI) or the embedded package's."""
    conn = await asyncpg.connect(server_url)
    try:
        major = int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()
    candidates = [shutil.which(name), str(embedded._package()._commands.POSTGRES_BIN_PATH / name)]
    for candidate in candidates:
        if candidate is None or not Path(candidate).exists():  # noqa: ASYNC240  # one stat
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: ASYNC221, S603
        if int(version.split()[-1].split(".")[0]) == major:
            return candidate
    if os.environ.get("REQUIRE_TOOLS"):
        pytest.fail(f"no {name} for PostgreSQL {major}")
    pytest.skip(f"no {name} for PostgreSQL {major}")


async def _references(url: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(HIGHEST_REFERENCES))
    finally:
        await conn.close()


async def test_a_dump_restores_into_a_new_database_verifies_and_reissues_no_reference(
    server_url: str, tmp_path: Path
) -> None:
    pg_dump, pg_restore = await _pg_tool("pg_dump", server_url), await _pg_tool("pg_restore", server_url)
    live = await database.create_database(server_url)
    restored = await database.create_database(server_url)
    try:
        loaded = cli.run("demo", env=cli.environment(DATABASE_URL=live.owner_url, APP_DATABASE_URL=live.app_url))
        assert loaded.returncode == 0, loaded.stderr

        # Heads exported immediately before the dump, then the dump, as the procedure says.
        conn = await asyncpg.connect(live.owner_url)
        try:
            exported = await verify.heads(conn)
        finally:
            await conn.close()
        dump = tmp_path / "disclosure.dump"
        subprocess.run([pg_dump, "--format=custom", f"--file={dump}", live.owner_url], check=True)  # noqa: ASYNC221, S603

        # Into an empty database, as the owner; then migrate and verify against the heads.
        subprocess.run([pg_restore, f"--dbname={restored.owner_url}", str(dump)], check=True)  # noqa: ASYNC221, S603
        assert await migrate(restored.owner_url, restored.app_url) == []
        conn = await asyncpg.connect(restored.owner_url)
        try:
            report = await verify.verify(conn, exported)
        finally:
            await conn.close()
        assert report.ok, [str(b) for b in report.breaks]
        assert report.rows > 0

        references = await _references(restored.owner_url)
        assert references, "the demo data has cases"
        assert all(r["counter"] >= r["highest"] for r in references)
        assert references == await _references(live.owner_url)

        # Counters behind the cases (restored from another moment than the cases, or reset by
        # hand): `migrate` moves each past the highest reference used.
        conn = await asyncpg.connect(restored.owner_url)
        try:
            await conn.execute("UPDATE reference_counter SET last = 1")
        finally:
            await conn.close()
        await migrate(restored.owner_url, restored.app_url)
        assert all(r["counter"] == r["highest"] for r in await _references(restored.owner_url))
    finally:
        await database.drop_database(live)
        await database.drop_database(restored)
