"""Work out which PostgreSQL to use at start-up, and say in one line what is wrong if it fails."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import asyncpg

from disclosure_service.database import embedded
from disclosure_service.database.urls import redact, with_user
from disclosure_service.settings import APP_ROLE_DEFAULT, ConfigurationError, Settings

CONNECT_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class DatabaseUrls:
    owner: str | None  # migrations and administration; None where only the web service's role is given
    app: str  # the web service: no ownership, subject to row-level security

    def owner_or_fail(self) -> str:
        if self.owner is None:
            raise ConfigurationError(
                "this command needs DATABASE_URL, the schema owner's address (the web service alone needs only "
                "APP_DATABASE_URL)"
            )
        return self.owner


async def resolve_urls(settings: Settings) -> DatabaseUrls:
    """The URLs to use, starting the embedded server first when no database is configured at all."""
    if settings.database_url is not None:
        app = settings.app_database_url or with_user(settings.database_url, APP_ROLE_DEFAULT)
        return DatabaseUrls(owner=settings.database_url, app=app)
    if settings.app_database_url is not None:
        return DatabaseUrls(owner=None, app=settings.app_database_url)
    owner = await embedded.ensure_database(embedded.start_server(settings.embedded_pgdata))
    return DatabaseUrls(owner=owner, app=with_user(owner, APP_ROLE_DEFAULT))


async def check_reachable(url: str, setting: str) -> str:
    """Connect once; return the server version or raise ConfigurationError with one clear line."""
    where = _where(url)
    try:
        conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
    except (ConnectionRefusedError, TimeoutError):
        raise ConfigurationError(
            f"cannot reach PostgreSQL at {where} ({setting}): is the server running and the address right?"
        ) from None
    except socket.gaierror:
        raise ConfigurationError(f"cannot resolve the host in {setting} ({where}): check the URL") from None
    except asyncpg.InvalidPasswordError:
        raise ConfigurationError(f"PostgreSQL refused the password in {setting} ({where})") from None
    except asyncpg.InvalidCatalogNameError:
        raise ConfigurationError(f"the database named in {setting} does not exist ({where})") from None
    except (OSError, asyncpg.PostgresError) as exc:
        raise ConfigurationError(f"cannot connect with {setting} ({where}): {exc}") from None
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def _where(url: str) -> str:
    parts = urlsplit(redact(url))
    return f"{parts.hostname or 'local socket'}{':' + str(parts.port) if parts.port else ''}{parts.path}"
