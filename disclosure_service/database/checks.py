"""`disclosure-service check`: is this installation configured and safe to serve?"""

from __future__ import annotations

from pathlib import Path

import asyncpg

from disclosure_service.database.setup import DatabaseUrls, check_reachable
from disclosure_service.database.urls import user_of
from disclosure_service.paths import MIGRATIONS_DIR
from disclosure_service.settings import ConfigurationError, Settings

Check = tuple[bool, str]


def migration_ids(folder: Path = MIGRATIONS_DIR) -> list[str]:
    """The ids of the migrations shipped with this release (Piccolo names files after them)."""
    return sorted(_migration_id(path) for path in folder.glob("*.py") if path.name != "__init__.py")


def _migration_id(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("ID ="):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise ValueError(f"{path.name} has no ID")


async def run_checks(settings: Settings, urls: DatabaseUrls) -> list[Check]:
    results: list[Check] = [
        (True, f"configuration read (APP_ENV={settings.env})"),
        (True, "database: embedded PostgreSQL in " + str(settings.embedded_pgdata))
        if settings.embedded_database
        else (True, "database: server from DATABASE_URL"),
    ]
    for url, name in ((urls.owner, "DATABASE_URL"), (urls.app, "APP_DATABASE_URL")):
        if url is None:
            results.append((True, f"{name} not set: the checks that need the schema owner are skipped"))
            continue
        try:
            version = await check_reachable(url, name)
        except ConfigurationError as exc:
            results.append((False, str(exc)))
            return results
        results.append((True, f"{name} connects (PostgreSQL {version})"))

    if urls.owner is None:
        return results
    owner = await asyncpg.connect(urls.owner)
    try:
        results.append(await _pending_migrations(owner))
        results.extend(await _app_role_is_unprivileged(owner, user_of(urls.app)))
    finally:
        await owner.close()
    return results


async def _pending_migrations(conn: asyncpg.Connection) -> Check:
    shipped = set(migration_ids())
    has_table = await conn.fetchval("SELECT to_regclass('public.migration') IS NOT NULL")
    applied = (
        {r["name"] for r in await conn.fetch("SELECT name FROM migration WHERE app_name = 'disclosure_service'")}
        if has_table
        else set()
    )
    pending = sorted(shipped - applied)
    if pending:
        return False, f"{len(pending)} migration(s) not applied: run `disclosure-service migrate`"
    return True, f"all {len(shipped)} migration(s) applied"


async def _app_role_is_unprivileged(conn: asyncpg.Connection, role: str) -> list[Check]:
    row = await conn.fetchrow(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1", role
    )
    if row is None:
        return [(False, f"role {role} does not exist: run `disclosure-service migrate`")]
    owned = await conn.fetchval(
        "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
        "WHERE r.rolname = $1 AND c.relnamespace = 'public'::regnamespace",
        role,
    )
    flags = [name for name in ("rolsuper", "rolbypassrls", "rolcreaterole", "rolcreatedb") if row[name]]
    # Membership of another role could lend it that role's privileges.
    memberships = await conn.fetch(
        "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
        "JOIN pg_roles me ON me.oid = m.member WHERE me.rolname = $1",
        role,
    )
    flags += [f"membership of {m['rolname']}" for m in memberships]
    return [
        (not flags, f"role {role} has no superuser, bypass-RLS or create privileges")
        if not flags
        else (False, f"role {role} must not have {', '.join(flags)}"),
        (owned == 0, f"role {role} owns {owned} relation(s) in the schema (must be 0)"),
    ]


async def pool_capacity_problem(url: str, pool_max: int, workers: int) -> str | None:
    """One line if `workers` pools of `pool_max` connections cannot all be open at once, else None.

    Past the server's limit, requests fail with "too many connections" under load instead of
    waiting for a connection; better to refuse to start.
    """
    conn = await asyncpg.connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT current_setting('max_connections')::int AS max, "
            "current_setting('superuser_reserved_connections')::int "
            "+ coalesce(current_setting('reserved_connections', true), '0')::int AS reserved, "
            "(SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user) AS role_limit"
        )
    finally:
        await conn.close()
    assert row is not None  # noqa: S101  # a SELECT without FROM always returns its row
    allowed = row["max"] - row["reserved"]
    limit = f"max_connections {row['max']} less {row['reserved']} reserved"
    if 0 <= row["role_limit"] < allowed:
        allowed, limit = row["role_limit"], f"the connection limit of the web service's role, {row['role_limit']}"
    needed = pool_max * workers
    if needed <= allowed:
        return None
    return (
        f"DB_POOL_MAX ({pool_max}) × {workers} worker(s) is {needed} connections, more than the {allowed} the server "
        f"allows ({limit}): lower DB_POOL_MAX or --workers, or raise max_connections"
    )
