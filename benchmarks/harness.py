"""What every benchmark needs: a fresh migrated database on a real PostgreSQL, and the app in-process."""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
import httpx

from disclosure_service.app import create_app
from disclosure_service.auth import totp
from disclosure_service.auth.sessions import CSRF_COOKIE, SESSION_COOKIE
from disclosure_service.database import engine as db
from disclosure_service.database.migrate import migrate
from disclosure_service.settings import Settings
from tests import cli, database

# One line per request would bury the figures.
logging.getLogger("httpx").setLevel(logging.WARNING)

SETTINGS = Settings(env="test", secret_key="bench-secret-" + "s" * 32, totp_encryption_key="bench-totp-" + "t" * 32)


@asynccontextmanager
async def fresh_database(pool_size: int = 10) -> AsyncIterator[database.TestDatabase]:
    """A migrated database of its own (TEST_DATABASE_URL's server, or an embedded one), dropped after."""
    created = await database.create_database(database.server_url())
    try:
        await migrate(created.owner_url, created.app_url)
        await db.open_pool(created.app_url, min_size=2, max_size=pool_size)
        try:
            yield created
        finally:
            await db.close_pool()
    finally:
        await database.drop_database(created)


@asynccontextmanager
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SETTINGS, manage_pool=False)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://bench") as http:
        yield http


async def owner(created: database.TestDatabase) -> asyncpg.Connection:
    return await asyncpg.connect(created.owner_url)


def report(label: str, milliseconds: list[float]) -> None:
    ordered = sorted(milliseconds)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    print(
        f"{label}: n={len(ordered)} median={statistics.median(ordered):.1f} ms "
        f"p95={p95:.1f} ms max={ordered[-1]:.1f} ms"
    )


def server_env(created: database.TestDatabase, data_dir: str) -> dict[str, str]:
    """The environment for `disclosure-service serve --no-migrate` on the benchmark's database, set
    up as in production, with the keys this process encrypted the users' authenticator secrets with."""
    return cli.environment(
        APP_ENV="production",
        PUBLIC_URL="https://disclosure.example.police.uk",
        APP_DATABASE_URL=created.app_url,
        DATA_DIR=data_dir,
        SECRET_KEY=SETTINGS.secret_key,
        TOTP_ENCRYPTION_KEY=SETTINGS.totp_encryption_key,
        LOG_LEVEL="WARNING",
    )


class Session:
    """One signed-in user over plain HTTP: the service's cookies are Secure, so they are sent by hand."""

    def __init__(self, http: httpx.AsyncClient, username: str, secret: str, password: str) -> None:
        self.http, self.username, self.secret, self.password = http, username, secret, password
        self.cookies: dict[str, str] = {}

    @property
    def header(self) -> dict[str, str]:
        return {"cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep(self, response: httpx.Response) -> None:
        for name in (CSRF_COOKIE, SESSION_COOKIE):
            if name in response.cookies:
                self.cookies[name] = response.cookies[name]

    async def sign_in(self) -> None:
        self._keep(await self.http.get("/api/v1/auth/csrf"))
        for path, body in (
            ("/api/v1/auth/login", {"username": self.username, "password": self.password}),
            ("/api/v1/auth/totp", {"code": totp.code_at(self.secret, datetime.now(UTC))}),
        ):
            response = await self.http.post(
                path, json=body, headers={**self.header, "x-csrftoken": self.cookies[CSRF_COOKIE]}
            )
            if response.status_code != 200:
                raise RuntimeError(f"sign-in failed for {self.username}: {response.text}")
            self._keep(response)

    async def timed(self, path: str) -> float:
        """Milliseconds for one GET that must answer 200."""
        started = time.perf_counter()
        response = await self.http.get(path, headers=self.header)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
        return elapsed
