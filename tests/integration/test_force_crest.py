"""A force's crest: set and removed by an administrator on the command line, carried in the header
of the undertakings the force generates from then on."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from tests import cli, database
from tests.factories import TestUser
from tests.http import Api
from tests.integration.test_disclosures import arrange, authorised_case, generate
from tests.unit.test_undertaking_layout import crest_png, header_pictures


async def _crest(url: str, code: str) -> bytes | None:
    conn = await asyncpg.connect(url)
    try:
        found: bytes | None = await conn.fetchval("SELECT crest FROM force WHERE code = $1", code)
        return found
    finally:
        await conn.close()


async def test_an_administrator_sets_and_removes_the_crest_on_the_command_line(server_url: str, tmp_path: Path) -> None:
    fresh = await database.create_database(server_url)
    env = cli.environment(DATABASE_URL=fresh.owner_url, APP_DATABASE_URL=fresh.app_url)
    try:
        assert cli.run("migrate", env=env).returncode == 0
        made = cli.run("forces", "create", "--code", "DPP", "--name", "Dyfed-Powys Police", "--welsh", env=env)
        assert made.returncode == 0, made.stderr
        picture = tmp_path / "crest.png"
        picture.write_bytes(crest_png(40, 50))

        not_a_png = tmp_path / "crest.gif"
        not_a_png.write_bytes(b"GIF89a" + b"\x00" * 20)
        refused = cli.run("forces", "crest", "DPP", str(not_a_png), env=env)
        assert refused.returncode != 0
        assert "The crest must be a PNG picture" in refused.stdout + refused.stderr
        assert await _crest(fresh.owner_url, "DPP") is None

        both = cli.run("forces", "crest", "DPP", str(picture), "--remove", env=env)
        assert both.returncode != 0
        assert "either" in both.stdout + both.stderr

        added = cli.run("forces", "crest", "dpp", str(picture), env=env)
        assert added.returncode == 0, added.stderr
        assert "crest set" in added.stdout
        assert await _crest(fresh.owner_url, "DPP") == picture.read_bytes()

        removed = cli.run("forces", "crest", "DPP", "--remove", env=env)
        assert removed.returncode == 0, removed.stderr
        assert await _crest(fresh.owner_url, "DPP") is None

        conn = await asyncpg.connect(fresh.owner_url)
        try:
            events = [r["event"] for r in await conn.fetch("SELECT event FROM audit_event ORDER BY id")]
        finally:
            await conn.close()
        assert events[-2:] == ["force.crest_set", "force.crest_removed"]
    finally:
        await database.drop_database(fresh)


async def test_the_undertaking_carries_the_forces_crest_once_set(
    api: Api, officer: TestUser, supervisor: TestUser, test_database: database.TestDatabase
) -> None:
    case = await authorised_case(api, officer, supervisor)
    await arrange(api, case)
    [(without, _, _)] = header_pictures(await generate(api, case))
    assert without[16:24] == b"\x00\x00\x00\x01\x00\x00\x00\x01"  # the transparent pixel

    crest = crest_png(30, 40)
    # Only the schema owner may change a force (the CLI's role): committed, so put back after.
    owner = await asyncpg.connect(test_database.owner_url)
    try:
        await owner.execute("UPDATE force SET crest = $2 WHERE id = $1", officer.force_id, crest)
        [(picture, width, height)] = header_pictures(await generate(api, case))
    finally:
        await owner.execute("UPDATE force SET crest = NULL WHERE id = $1", officer.force_id)
        await owner.close()
    assert picture == crest
    assert width * 40 == height * 30
