"""Written by hand: row-level security for closure records."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T00:40:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "row-level security for closure records"

FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"
RAW_SQL = [
    "ALTER TABLE closure ENABLE ROW LEVEL SECURITY",
    f'CREATE POLICY force_isolation ON closure USING ("force" = {FORCE_SETTING}) WITH CHECK ("force" = {FORCE_SETTING})',
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
