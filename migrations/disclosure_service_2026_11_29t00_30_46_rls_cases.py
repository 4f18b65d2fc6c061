"""Written by hand: row-level security for the case workflow's tables, and the indexes queues and
search need (trigram search on names and references, open cases by deadline)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:30:46:000000"
VERSION = "1.38.0"
DESCRIPTION = "row-level security for case records; queue and search indexes"

FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"
FORCE_TABLES = [
    "reference_counter",
    "submission",
    "case_access_reason",
    "triage",
    "escalation",
    "applicant_meeting",
    "case_check",
    "recommendation",
    "authorisation_decision",
    "extension",
]

RAW_SQL = [
    statement
    for table in FORCE_TABLES
    for statement in (
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f'CREATE POLICY force_isolation ON {table} USING ("force" = {FORCE_SETTING}) '
        f'WITH CHECK ("force" = {FORCE_SETTING})',
    )
] + [
    # pg_trgm is a trusted extension: the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX application_open_due ON application (\"force\", next_due_at) WHERE stage <> 'closed'",
    "CREATE INDEX application_assigned_open ON application (assigned_to, next_due_at) "
    "WHERE stage <> 'closed'",
    "CREATE INDEX case_person_name_trgm ON case_person USING gin (lower(full_name) gin_trgm_ops)",
    "CREATE INDEX application_reference_trgm ON application USING gin (lower(reference) gin_trgm_ops)",
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
