"""Controls that must hold when two app processes share one database (security.md rows 2, 5, 6, 12).

Two real `disclosure-service serve` processes run against a database of their own; everything here
commits for real.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from typing import Any

import asyncpg
import httpx
import pytest

from disclosure_service.auth import passwords, totp
from disclosure_service.auth.service import Keys
from disclosure_service.database.migrate import migrate
from disclosure_service.settings import Settings
from tests import cli, database

pytestmark = pytest.mark.commits

SECRET_KEY = "two-process-secret-key-" + "s" * 32
TOTP_KEY = "two-process-totp-key-" + "t" * 32
PASSWORD = "two processes share one database"


@dataclass(frozen=True)
class LiveUser:
    id: int
    username: str
    secret: str

    def code(self, when: datetime | None = None) -> str:
        return totp.code_at(self.secret, when or datetime.now(UTC))


@dataclass
class Cluster:
    a: str
    b: str
    owner_url: str
    keys: Keys
    force_id: int

    async def user(self, username: str, *, secret: str | None = None) -> LiveUser:
        secret = secret or totp.new_secret()
        conn = await asyncpg.connect(self.owner_url)
        try:
            user_id: int = await conn.fetchval(
                'INSERT INTO app_user ("force", username, display_name, role, status, password_hash, '
                "failed_attempts, created_at, updated_at) "
                "VALUES ($1, $2, $2, 'officer', 'active', $3, 0, now(), now()) RETURNING id",
                self.force_id,
                username,
                passwords.hash_password_sync(PASSWORD),
            )
            await conn.execute(
                "UPDATE app_user SET totp_secret_encrypted = $2 WHERE id = $1",
                user_id,
                self.keys.box.encrypt(secret, user_id),
            )
        finally:
            await conn.close()
        return LiveUser(user_id, username, secret)

    async def sql(self, query: str, *args: Any) -> Any:
        conn = await asyncpg.connect(self.owner_url)
        try:
            return await conn.fetchval(query, *args)
        finally:
            await conn.close()


class Browser:
    """A client whose cookies are kept by hand: the servers speak plain HTTP on loopback, and
    httpx (rightly) never sends Secure cookies over it."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.http = httpx.AsyncClient(timeout=30)

    async def request(self, method: str, url: str, json: Any = None) -> httpx.Response:
        if method == "POST" and "__Host-csrftoken" not in self.cookies:
            await self.request("GET", url.split("/api/", 1)[0] + "/api/v1/auth/csrf")
        headers = {"cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["x-csrftoken"] = self.cookies["__Host-csrftoken"]
        response = await self.http.request(method, url, json=json, headers=headers)
        for header in response.headers.get_list("set-cookie"):
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return response

    async def password(self, base: str, user: LiveUser) -> httpx.Response:
        return await self.request(
            "POST", f"{base}/api/v1/auth/login", {"username": user.username, "password": PASSWORD}
        )

    async def code(self, base: str, code: str) -> httpx.Response:
        return await self.request("POST", f"{base}/api/v1/auth/totp", {"code": code})

    async def close(self) -> None:
        await self.http.aclose()


@pytest.fixture(scope="module")
async def cluster(server_url: str) -> AsyncIterator[Cluster]:
    fresh = await database.create_database(server_url)
    await migrate(fresh.owner_url, fresh.app_url)
    conn = await asyncpg.connect(fresh.owner_url)
    try:
        force_id = await conn.fetchval(
            "INSERT INTO force (code, name, offers_welsh, created_at) "
            "VALUES ('TWOPROC', 'Two Process Police', false, now()) RETURNING id"
        )
    finally:
        await conn.close()
    env = cli.environment(
        DATABASE_URL=fresh.owner_url,
        APP_DATABASE_URL=fresh.app_url,
        SECRET_KEY=SECRET_KEY,
        TOTP_ENCRYPTION_KEY=TOTP_KEY,
    )
    settings = Settings(secret_key=SECRET_KEY, totp_encryption_key=TOTP_KEY)
    with ExitStack() as stack:
        a = stack.enter_context(cli.serving("--no-migrate", env=env))
        b = stack.enter_context(cli.serving("--no-migrate", env=env))
        yield Cluster(a, b, fresh.owner_url, Keys.from_settings(settings), force_id)
    await database.drop_database(fresh)


@pytest.fixture
async def browsers() -> AsyncIterator[tuple[Browser, Browser]]:
    one, two = Browser(), Browser()
    yield one, two
    await one.close()
    await two.close()


async def test_one_code_sent_to_both_processes_at_once_signs_in_once(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("race.code")
    one, two = browsers
    assert (await one.password(cluster.a, user)).status_code == 200
    assert (await two.password(cluster.b, user)).status_code == 200
    code = user.code()
    results = await asyncio.gather(one.code(cluster.a, code), two.code(cluster.b, code))
    assert sorted(r.status_code for r in results) == [200, 401]
    replays = await cluster.sql(
        "SELECT count(*) FROM audit_event WHERE \"user\" = $1 AND event = 'code.replayed'", user.id
    )
    assert replays == 1


async def test_five_failures_spread_over_both_processes_lock_the_account_everywhere(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("spread.failures")
    one, two = browsers
    for attempt in range(5):
        base = cluster.a if attempt % 2 else cluster.b
        wrong = await one.request(
            "POST", f"{base}/api/v1/auth/login", {"username": user.username, "password": f"wrong {attempt}"}
        )
        assert wrong.status_code == 401
    assert (await two.password(cluster.b, user)).status_code == 401
    assert (await two.password(cluster.a, user)).status_code == 401


async def test_twenty_concurrent_wrong_codes_are_all_counted(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("twenty.wrong")
    one, two = browsers
    await one.password(cluster.a, user)
    await two.password(cluster.b, user)
    wrong = "000000" if user.code() != "000000" else "111111"
    attempts = [one.code(cluster.a, wrong) if i % 2 else two.code(cluster.b, wrong) for i in range(20)]
    results = await asyncio.gather(*attempts)
    assert all(r.status_code == 401 for r in results)
    assert await cluster.sql("SELECT failed_attempts FROM app_user WHERE id = $1", user.id) == 20


async def test_a_session_ended_at_one_process_is_dead_at_the_other(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("sign.out.everywhere")
    one, _ = browsers
    await one.password(cluster.a, user)
    assert (await one.code(cluster.a, user.code())).status_code == 200
    assert (await one.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 200
    old_cookie = dict(one.cookies)
    assert (await one.request("POST", f"{cluster.a}/api/v1/auth/logout")).status_code == 204
    one.cookies = old_cookie
    assert (await one.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 401


async def test_idle_and_disabled_sessions_are_refused_by_the_other_process(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    idle, disabled = await cluster.user("idle.user"), await cluster.user("disabled.user")
    one, two = browsers
    await one.password(cluster.a, idle)
    await one.code(cluster.a, idle.code())
    await two.password(cluster.a, disabled)
    await two.code(cluster.a, disabled.code())
    await cluster.sql(
        "UPDATE auth_session SET last_seen_at = now() - interval '31 minutes' WHERE \"user\" = $1", idle.id
    )
    assert (await one.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 401
    assert (await two.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 200
    await cluster.sql("UPDATE app_user SET status = 'disabled' WHERE id = $1", disabled.id)
    assert (await two.request("GET", f"{cluster.b}/api/v1/auth/me")).status_code == 401


@pytest.mark.skipif(
    shutil.which("oathtool") is None and not os.environ.get("REQUIRE_TOOLS"),
    reason="oathtool (Debian package oathtool) is not installed",
)
async def test_a_code_from_an_independent_totp_implementation_signs_in(
    cluster: Cluster, browsers: tuple[Browser, Browser]
) -> None:
    user = await cluster.user("oathtool.user")
    one, _ = browsers
    oathtool = await asyncio.create_subprocess_exec(
        "oathtool", "--totp", "-b", user.secret, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await oathtool.communicate()
    code = stdout.decode().strip()
    assert len(code) == 6
    await one.password(cluster.a, user)
    # Even if the 30-second step turned over since oathtool ran, its code is the previous step's: accepted.
    signed_in = await one.code(cluster.a, code)
    assert signed_in.status_code == 200
    assert signed_in.json()["username"] == user.username
