"""Written by hand: what Piccolo's table definitions cannot say.

Row-level security keyed on the force; the login look-up that must work before the force is
known; the audit trail's immutability, its chains and its composite indexes. Raw steps run before
a migration's table steps, so this is its own migration after the tables exist.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:09:14:000000"
VERSION = "1.38.0"
DESCRIPTION = "row-level security, login look-up, audit immutability and chains"
FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"

RAW_SQL = [
    'ALTER TABLE app_user ENABLE ROW LEVEL SECURITY',
    f'CREATE POLICY force_isolation ON app_user USING ("force" = {FORCE_SETTING}) '
    f'WITH CHECK ("force" = {FORCE_SETTING})',
    'ALTER TABLE application ENABLE ROW LEVEL SECURITY',
    f'CREATE POLICY force_isolation ON application USING ("force" = {FORCE_SETTING}) '
    f'WITH CHECK ("force" = {FORCE_SETTING})',
    'ALTER TABLE case_person ENABLE ROW LEVEL SECURITY',
    f'CREATE POLICY force_isolation ON case_person USING ("force" = {FORCE_SETTING}) '
    f'WITH CHECK ("force" = {FORCE_SETTING})',
    'ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY',
    f'CREATE POLICY audit_read ON audit_event FOR SELECT USING ("force" = {FORCE_SETTING})',
    f'CREATE POLICY audit_append ON audit_event FOR INSERT WITH CHECK ("force" IS NULL OR "force" = {FORCE_SETTING})',
    # SECURITY DEFINER: a fixed search_path with pg_temp last and schema-qualified names, so that
    # nothing the caller creates can stand in for what the function uses.
    """CREATE FUNCTION public.auth_login_lookup(p_username text)
       RETURNS TABLE (user_id integer, force_id integer)
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$ SELECT u.id, u."force" FROM public.app_user u WHERE u.username = p_username $$""",
    "REVOKE ALL ON FUNCTION auth_login_lookup(text) FROM PUBLIC",
    """CREATE FUNCTION audit_event_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit_event rows cannot be changed or deleted'
           USING ERRCODE = 'insufficient_privilege';
       END $$""",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_immutable()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable()",
    "INSERT INTO audit_chain (id, seq, head_hash, updated_at) "
    "SELECT g, 0, repeat('0', 64), now() FROM generate_series(0, 15) AS g",
    "CREATE INDEX audit_event_application_time ON audit_event (application_id, occurred_at DESC) "
    "WHERE application_id IS NOT NULL",
    'CREATE INDEX audit_event_user_time ON audit_event ("user", occurred_at DESC)',
    'CREATE INDEX audit_event_force_time ON audit_event ("force", occurred_at DESC)',
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
