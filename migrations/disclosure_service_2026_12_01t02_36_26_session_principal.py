"""Written by hand: a request's session and its user in one round trip.

Every signed-in request looked up its session, scoped the transaction to the session's force, then
read the user under row-level security: four round trips and a transaction before the page's own
work began. This function reads both at once, the user only from the session's own force (none
from another: the service then ends the session, as before). It
returns the seal of the token's secret, which the service still checks before trusting the row,
exactly as when it read auth_session itself (which the runtime role may still do).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T02:36:26:000000"
VERSION = "1.38.0"
DESCRIPTION = "a session and its user read in one round trip"

RAW_SQL = [
    """CREATE FUNCTION public.auth_session_principal(p_session integer)
       RETURNS TABLE (id integer, token_hash varchar, "user" integer, "force" integer, stage varchar,
                      created_at timestamptz, last_seen_at timestamptz, mfa_at timestamptz,
                      step_up_at timestamptz, username varchar, display_name varchar, role varchar,
                      status varchar, force_name varchar)
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$
         SELECT s.id, s.token_hash, s."user", s."force", s.stage, s.created_at, s.last_seen_at, s.mfa_at,
                s.step_up_at, u.username, u.display_name, u.role, u.status, f.name
         FROM public.auth_session s
         LEFT JOIN public.app_user u ON u.id = s."user" AND u."force" = s."force"
         LEFT JOIN public.force f ON f.id = s."force"
         WHERE s.id = p_session AND s.revoked_at IS NULL
       $$""",
    "REVOKE ALL ON FUNCTION auth_session_principal(integer) FROM PUBLIC",
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
