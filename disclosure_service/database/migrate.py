"""Bring a database up to date: the runtime role, Piccolo migrations, then the role's grants.

Runs as the schema owner (DATABASE_URL). The web service connects as a different role that owns
nothing, so PostgreSQL's row-level security applies to it and it cannot alter the schema.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from typing import Any

import asyncpg

from disclosure_service.database import engine as db
from disclosure_service.database.piccolo_engine import make_engine
from disclosure_service.database.urls import password_of, user_of

log = logging.getLogger(__name__)

APP_NAME = "disclosure_service"
# Any constant: serialises concurrent `migrate` runs (several containers starting at once).
_MIGRATION_LOCK = 7_240_001
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# What the runtime role may do per table; tables not listed get ordinary read and write.
# Reference data is read-only for it; the audit trail is append-only.
TABLE_PRIVILEGES: dict[str, str] = {
    "force": "SELECT",
    "audit_event": "SELECT, INSERT",
    # Heads move only through audit_chain_take / audit_chain_advance, which check the link.
    "audit_chain": "SELECT",
    # Written by `audit detach`, run as the owner.
    "audit_archive": "SELECT",
    # Written only through case_transfer_create; the answer to a request only through force_check_answer.
    "case_transfer": "SELECT",
    "force_check_request": "SELECT, INSERT",
}
# SECURITY DEFINER functions the runtime role may call (see the migrations).
FUNCTIONS = (
    "auth_login_lookup(text)",
    "auth_session_principal(integer)",
    "case_search(text, integer)",
    "case_same_person(text, text, date, integer)",
    "audit_chain_take(integer)",
    "audit_chain_advance(integer)",
    # Across forces (docs/security.md, decision 21).
    "force_clock_hours(integer, text, date)",
    "case_transfer_create(integer, integer, integer, timestamp with time zone, text, boolean, jsonb)",
    "force_check_answer(integer, integer, timestamp with time zone, text, date, text)",
    "audit_append_across_forces(jsonb)",
)
DEFAULT_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"


class MigrationError(Exception):
    """Migrations could not be applied; the message says why in one line."""


async def migrate(owner_url: str, app_url: str) -> list[str]:
    """Apply what is missing; return the ids of the migrations that ran. Safe to repeat."""
    app_role = user_of(app_url)
    if app_role == user_of(owner_url):
        raise MigrationError(
            "APP_DATABASE_URL must connect as a different role from DATABASE_URL: the web service must "
            "not own the schema"
        )
    if not _ROLE_NAME.match(app_role):
        raise MigrationError(f"the role name {app_role!r} in APP_DATABASE_URL is not a plain identifier")

    lock_conn = await asyncpg.connect(owner_url)
    try:
        await lock_conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        await _ensure_role(lock_conn, app_role, password_of(app_url))
        applied = await _run_piccolo_migrations(owner_url)
        await move_reference_counters(lock_conn)
        await ensure_audit_partitions(lock_conn)
        await _grant(lock_conn, app_role)
    finally:
        await lock_conn.close()  # also releases the advisory lock
    return applied


async def ensure_audit_partitions(conn: asyncpg.Connection[Any]) -> None:
    """A year of monthly audit partitions ready ahead, made on every run so a service that is
    deployed at least yearly never writes a month's rows into the default partition."""
    if await conn.fetchval("SELECT to_regprocedure('audit_partitions_ensure(timestamptz, timestamptz)') IS NOT NULL"):
        await conn.execute("SELECT audit_partitions_ensure(now(), now() + interval '12 months')")


async def _ensure_role(conn: asyncpg.Connection[Any], role: str, password: str | None) -> None:
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    if not exists:
        log.info("creating role %s", role)
        try:
            await conn.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT')
        except asyncpg.InsufficientPrivilegeError:
            raise MigrationError(
                f"the role {role!r} does not exist and the owner may not create it: create it "
                "(LOGIN NOSUPERUSER NOBYPASSRLS) or give the owner CREATEROLE"
            ) from None
    if password:
        statement = await conn.fetchval(
            "SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)", role, password
        )
        await conn.execute(statement)


async def _run_piccolo_migrations(owner_url: str) -> list[str]:
    # Imported here: Piccolo's migration machinery is only needed by this command.
    from piccolo.apps.migrations.tables import Migration  # noqa: PLC0415

    owner = make_engine(owner_url)
    previous = db._engine  # restored below; migrations must run as the owner
    db.bind(owner)
    Migration._meta.db = owner
    try:
        before = set(await _applied(Migration))
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output):  # Piccolo prints progress with emoji; we log instead
                await _apply_each_with_its_record(owner, Migration, before)
        except asyncpg.PostgresError as exc:
            raise MigrationError(f"a migration failed and was rolled back: {exc}") from exc
        after = await _applied(Migration)
    finally:
        if previous is not None:
            db.bind(previous)
    return sorted(set(after) - before)


async def _apply_each_with_its_record(owner: Any, migration_table: Any, already_applied: set[str]) -> None:
    """Apply each missing migration and insert its `migration` row in one transaction.

    Piccolo's own runner commits a migration, then records it in a separate statement: a process
    killed between the two leaves tables that no later run will accept ("already exists"). Here the
    record commits with the work or not at all, so a killed run is simply repeated.
    """
    from piccolo.apps.migrations.auto.migration_manager import MigrationManager  # noqa: PLC0415
    from piccolo.apps.migrations.commands.base import BaseMigrationManager  # noqa: PLC0415

    finder = BaseMigrationManager()
    await finder.create_migration_table()
    app_config = finder.get_app_config(app_name=APP_NAME)
    modules = finder.get_migration_modules(app_config.resolved_migrations_folder_path)
    for migration_id in sorted(set(modules) - already_applied):
        # Piccolo's manager opens engine.transaction() itself; inside ours it joins this one.
        async with owner.transaction():
            manager = await modules[migration_id].forwards()
            if not isinstance(manager, MigrationManager):
                raise MigrationError(f"migration {migration_id} did not return a MigrationManager")
            await manager.run()
            await migration_table.insert(migration_table(name=migration_id, app_name=APP_NAME)).run()


async def _applied(migration_table: Any) -> list[str]:
    if not await migration_table.table_exists().run():
        return []
    rows = await migration_table.select(migration_table.name).where(migration_table.app_name == APP_NAME)
    return [row["name"] for row in rows]


# Case references read FORCE-YEAR-NUMBER; the counter for a force and year must be past every
# NUMBER already used, or a new case would be given a reference that exists (or existed).
_MOVE_COUNTERS = """
INSERT INTO reference_counter ("force", year, last)
SELECT a."force", m[1]::integer, max(m[2]::integer)
FROM application a CROSS JOIN LATERAL regexp_match(a.reference, '-([0-9]{4})-([0-9]{1,9})$') AS m
WHERE m IS NOT NULL
GROUP BY 1, 2
ON CONFLICT ("force", year) DO UPDATE SET last = EXCLUDED.last
WHERE reference_counter.last < EXCLUDED.last
"""


async def move_reference_counters(conn: asyncpg.Connection[Any]) -> int:
    """Move each force's reference counter past the highest reference in `application`.

    After a restore, or a copy of the tables made at different moments, a counter can be behind
    the cases; then the next case would be refused a reference already in use. Returns how many
    counters moved.
    """
    if not await conn.fetchval("SELECT to_regclass('public.reference_counter') IS NOT NULL"):
        return 0
    status = await conn.execute(_MOVE_COUNTERS)
    moved = int(status.rsplit(" ", 1)[-1])
    if moved:
        log.warning("moved %d reference counter(s) past the highest reference already used", moved)
    return moved


async def _grant(conn: asyncpg.Connection[Any], role: str) -> None:
    """Make the role's privileges exactly what TABLE_PRIVILEGES says, whatever they were.

    In one transaction: a running web service never sees the moment between the revocation and
    the grants, and a `migrate` killed half-way leaves the privileges as they were.
    """
    async with conn.transaction():
        await _grant_in_transaction(conn, role)


async def _grant_in_transaction(conn: asyncpg.Connection[Any], role: str) -> None:
    await conn.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"')
    await conn.execute(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{role}"')
    await conn.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
    for table in db.table_classes():
        name = table._meta.tablename
        if not await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", f'public."{name}"'):
            continue  # defined in code but not migrated yet (while a new migration is being written)
        privileges = TABLE_PRIVILEGES.get(name, DEFAULT_PRIVILEGES)
        await conn.execute(f'GRANT {privileges} ON TABLE "{name}" TO "{role}"')
    await conn.execute(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
    for function in FUNCTIONS:
        # Again each time: a restore with --no-privileges would leave it executable by everyone.
        await conn.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        await conn.execute(f'GRANT EXECUTE ON FUNCTION {function} TO "{role}"')
