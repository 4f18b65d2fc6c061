"""Written by hand: a returned check's summary held what the source found (over what was asked);
it becomes the check's findings."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T18:57:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "a returned check's summary becomes its findings"


async def run_raw_sql():
    await engine_finder().run_ddl("UPDATE case_check SET findings = summary, summary = '' WHERE result IS NOT NULL")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
