"""The command line as an administrator meets it: help, clear one-line errors, migrate, demo."""

from __future__ import annotations

import socket
from pathlib import Path

import asyncpg
import httpx
import pytest

from disclosure_service.cli import main
from disclosure_service.settings import SETTINGS, get_settings
from tests import cli, database

UNREACHABLE = "postgresql://postgres@127.0.0.1:9/nowhere"


@pytest.mark.parametrize("command", ["serve", "migrate", "demo", "check"])
def test_every_command_explains_itself(command: str) -> None:
    result = cli.run(command, "--help", env=cli.environment())
    assert result.returncode == 0
    assert f"usage: disclosure-service {command}" in result.stdout
    assert len(result.stdout.splitlines()) > 3


@pytest.mark.parametrize("command", ["serve", "migrate", "demo"])
def test_an_unreachable_database_stops_the_command_with_one_clear_line(command: str) -> None:
    result = cli.run(command, env=cli.environment(DATABASE_URL=UNREACHABLE))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot reach PostgreSQL" in lines[0]
    assert "DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_check_reports_an_unreachable_database_as_a_problem() -> None:
    result = cli.run("check", env=cli.environment(DATABASE_URL=UNREACHABLE))
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 1
    assert "cannot reach PostgreSQL" in problems[0]


def test_owner_commands_need_the_owners_address_and_say_so() -> None:
    env = cli.environment(APP_DATABASE_URL="postgresql://disclosure_app@127.0.0.1:9/nowhere")
    result = cli.run("migrate", env=env)
    assert result.returncode == 2
    assert "needs DATABASE_URL" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


async def test_the_web_service_runs_with_only_its_own_roles_address(server_url: str) -> None:
    fresh = await database.create_database(server_url)
    try:
        migrated = cli.run("migrate", env=cli.environment(DATABASE_URL=fresh.owner_url, APP_DATABASE_URL=fresh.app_url))
        assert migrated.returncode == 0, migrated.stderr
        with cli.serving("--no-migrate", env=cli.environment(APP_DATABASE_URL=fresh.app_url)) as base_url:
            health = httpx.get(f"{base_url}/healthz")  # noqa: ASYNC210  # the server is another process
            assert health.json()["database"] == "up"
    finally:
        await database.drop_database(fresh)


def test_production_without_its_secrets_stops_with_one_clear_line() -> None:
    env = cli.environment(APP_ENV="production", DATABASE_URL=UNREACHABLE)
    result = cli.run("serve", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY" in lines[0]
    assert "TOTP_ENCRYPTION_KEY" in lines[0]


async def test_migrate_and_demo_are_idempotent(server_url: str) -> None:
    fresh = await database.create_database(server_url)
    env = cli.environment(DATABASE_URL=fresh.owner_url, APP_DATABASE_URL=fresh.app_url)
    try:
        first = cli.run("migrate", env=env)
        assert first.returncode == 0, first.stderr
        assert "applied migration" in first.stdout
        again = cli.run("migrate", env=env)
        assert again.returncode == 0, again.stderr
        assert "applied migration" not in again.stdout

        loaded = cli.run("demo", env=env)
        assert loaded.returncode == 0, loaded.stderr
        assert "demo cases loaded" in loaded.stdout
        assert "Demo Valley Police (VALLEY): 2 users, 5 demo cases loaded" in loaded.stdout
        counts = await _counts(fresh.owner_url)
        reloaded = cli.run("demo", env=env)
        assert reloaded.returncode == 0, reloaded.stderr
        assert "already present" in reloaded.stdout
        assert await _counts(fresh.owner_url) == counts
        assert counts["application"] >= 12
        assert counts["case_person"] > counts["application"]

        check = cli.run("check", env=env)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "PROBLEM" not in check.stdout
    finally:
        await database.drop_database(fresh)


async def _counts(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return {
            table: int(await conn.fetchval(f"SELECT count(*) FROM {table}"))  # noqa: S608  # fixed names
            for table in ("force", "app_user", "application", "case_person")
        }
    finally:
        await conn.close()


def test_a_port_that_is_not_a_number_stops_the_command_with_one_clear_line() -> None:
    result = cli.run("migrate", env=cli.environment(DATABASE_URL="postgresql://postgres@127.0.0.1:54x2/postgres"))
    assert result.returncode == 2
    assert result.stderr.strip() == ("disclosure-service: DATABASE_URL has a port that is not a number from 1 to 65535")


def _main(args: list[str], monkeypatch: pytest.MonkeyPatch, **environ: str) -> int:
    """The command in this process (quicker than a child): settings come from `environ` alone."""
    for name in [s.name for s in SETTINGS]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        return main(args)
    finally:
        get_settings.cache_clear()


def test_a_port_in_use_is_refused_before_anything_is_migrated(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # The database is unreachable: were it tried first, that would be the complaint.
        code = _main(["serve", "--port", str(port)], monkeypatch, DATABASE_URL=UNREACHABLE)
    assert code == 2
    assert capsys.readouterr().err == (
        f"disclosure-service: port {port} on 127.0.0.1 is already in use: stop what uses it or choose another "
        "with --port\n"
    )


def test_demo_code_in_an_empty_folder_says_there_is_no_database_and_creates_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code = _main(["demo-code", "demo.officer"], monkeypatch)
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "there is no database in var/pgdata" in err
    assert not (tmp_path / "var" / "pgdata").exists()


async def test_pools_larger_than_the_server_allows_are_refused_at_start(test_database: database.TestDatabase) -> None:
    conn = await asyncpg.connect(test_database.app_url)
    try:
        allowed = await conn.fetchval(
            "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int "
            "- coalesce(current_setting('reserved_connections', true), '0')::int"
        )
    finally:
        await conn.close()
    # One worker's pool may take every connection there is; two such workers cannot both.
    env = cli.environment(APP_DATABASE_URL=test_database.app_url, DB_POOL_MAX=str(allowed))
    result = cli.run("serve", "--no-migrate", "--workers", "2", "--port", str(cli.free_port()), env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"disclosure-service: DB_POOL_MAX ({allowed}) × 2 worker(s) is {2 * allowed} connections, more than the "
        f"{allowed} the server allows (max_connections "
    )
