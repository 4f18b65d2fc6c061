"""Written by hand: row-level security for the tables of meetings, documents and undertakings."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:51:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "row-level security for disclosure records"

FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"
FORCE_TABLES = [
    "disclosure_meeting",
    "document_template",
    "generated_document",
    "undertaking_outcome",
    "refusal_review",
    "disclosure",
    "applicant_notification",
]
RAW_SQL = [
    statement
    for table in FORCE_TABLES
    for statement in (
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f'CREATE POLICY force_isolation ON {table} USING ("force" = {FORCE_SETTING}) '
        f'WITH CHECK ("force" = {FORCE_SETTING})',
    )
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
