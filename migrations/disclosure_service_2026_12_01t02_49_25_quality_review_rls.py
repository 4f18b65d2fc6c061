"""Written by hand: row-level security for the quality-review sample (as for every table carrying `force`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T02:49:25:000000"
VERSION = "1.38.0"
DESCRIPTION = "quality reviews secured by force"

FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"
TABLES = ("quality_review",)
RAW_SQL = [
    statement
    for table in TABLES
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
