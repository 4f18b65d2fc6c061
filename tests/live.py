"""Helpers for tests against real server processes: committed users, and a client that keeps
cookies by hand (the servers speak plain HTTP on loopback, and httpx rightly never sends Secure
cookies over it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from typing import IO, Any

import asyncpg
import httpx

from disclosure_service.auth import passwords, totp
from disclosure_service.auth.service import Keys
from disclosure_service.auth.sessions import CSRF_COOKIE
from disclosure_service.database.migrate import migrate
from disclosure_service.settings import Settings
from tests import cli, database

SECRET_KEY = "live-server-secret-key-" + "s" * 32
TOTP_KEY = "live-server-totp-key-" + "t" * 32
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
    """Server processes sharing one database of their own; `a` and `b` are the first two."""

    servers: list[str]
    owner_url: str
    keys: Keys
    force_id: int

    @property
    def a(self) -> str:
        return self.servers[0]

    @property
    def b(self) -> str:
        return self.servers[-1]

    async def user(self, username: str, *, secret: str | None = None, role: str = "officer") -> LiveUser:
        secret = secret or totp.new_secret()
        conn = await asyncpg.connect(self.owner_url)
        try:
            user_id: int = await conn.fetchval(
                'INSERT INTO app_user ("force", username, display_name, role, status, password_hash, '
                "failed_attempts, created_at, updated_at) "
                "VALUES ($1, $2, $2, $4, 'active', $3, 0, now(), now()) RETURNING id",
                self.force_id,
                username,
                passwords.hash_password_sync(PASSWORD),
                role,
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

    async def request(
        self, method: str, url: str, json: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        if method == "POST" and CSRF_COOKIE not in self.cookies:
            await self.request("GET", url.split("/api/", 1)[0] + "/api/v1/auth/csrf")
        headers = {**(headers or {}), "cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["x-csrftoken"] = self.cookies[CSRF_COOKIE]
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


@asynccontextmanager
async def live_cluster(
    server_url: str, *, processes: int, log: IO[str] | None = None, **environment: str
) -> AsyncIterator[Cluster]:
    """`processes` real `disclosure-service serve` processes on a fresh, migrated database with one force.

    `environment` holds further variables for the servers; `log` takes their output.
    """
    fresh = await database.create_database(server_url)
    await migrate(fresh.owner_url, fresh.app_url)
    conn = await asyncpg.connect(fresh.owner_url)
    try:
        force_id = await conn.fetchval(
            "INSERT INTO force (code, name, offers_welsh, created_at) "
            "VALUES ('LIVE', 'Live Test Police', false, now()) RETURNING id"
        )
    finally:
        await conn.close()
    env = cli.environment(
        APP_DATABASE_URL=fresh.app_url, SECRET_KEY=SECRET_KEY, TOTP_ENCRYPTION_KEY=TOTP_KEY, **environment
    )
    settings = Settings(secret_key=SECRET_KEY, totp_encryption_key=TOTP_KEY)
    try:
        with ExitStack() as stack:
            servers = [stack.enter_context(cli.serving("--no-migrate", env=env, log=log)) for _ in range(processes)]
            yield Cluster(servers, fresh.owner_url, Keys.from_settings(settings), force_id)
    finally:
        await database.drop_database(fresh)
