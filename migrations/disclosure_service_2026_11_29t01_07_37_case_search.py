"""Written by hand: searching a force's cases by name or reference, and finding the same person
on other cases, in ways that can use their indexes under row-level security.

PostgreSQL will not use an index for a condition built from functions it does not know to be
leakproof (lower(), LIKE) until the row-level security policy has filtered the rows, so under
the runtime role these lookups scanned every row. These SECURITY DEFINER functions run as the
owner, which row-level security does not apply to, and filter on the caller's force themselves,
from the same setting the policies read. They return only ids and references; the caller then
reads the rows under its own policies.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T01:07:37:000000"
VERSION = "1.38.0"
DESCRIPTION = "case search and same-person lookups that use their indexes"

CALLER_FORCE = "NULLIF(pg_catalog.current_setting('app.force_id', true), '')::integer"
RAW_SQL = [
    "CREATE INDEX case_person_name_lower ON case_person (lower(full_name), role)",
    # The most recently recorded matches: ordering by id needs no join to the applications.
    f"""CREATE FUNCTION public.case_search(p_pattern text, p_limit integer)
       RETURNS SETOF integer LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$ SELECT hits.id FROM (
                 SELECT a.id FROM public.application a
                 WHERE a."force" = {CALLER_FORCE} AND lower(a.reference) LIKE p_pattern
                 UNION
                 SELECT p.application FROM public.case_person p
                 WHERE p."force" = {CALLER_FORCE} AND lower(p.full_name) LIKE p_pattern
             ) AS hits ORDER BY hits.id DESC LIMIT p_limit $$""",
    "REVOKE ALL ON FUNCTION case_search(text, integer) FROM PUBLIC",
    f"""CREATE FUNCTION public.case_same_person(p_name text, p_role text, p_birth date, p_exclude integer)
       RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$ SELECT DISTINCT a.reference FROM public.case_person p JOIN public.application a ON a.id = p.application
             WHERE p."force" = {CALLER_FORCE} AND lower(p.full_name) = lower(p_name) AND p.role = p_role
               AND p.application <> p_exclude
               AND (p_birth IS NULL OR p.date_of_birth IS NULL OR p.date_of_birth = p_birth)
             ORDER BY a.reference $$""",
    "REVOKE ALL ON FUNCTION case_same_person(text, text, date, integer) FROM PUBLIC",
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
