"""Written by hand: the retention review date on each closed case's own row, and its index."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T02:32:58:000000"
VERSION = "1.38.0"
DESCRIPTION = "closed cases carry their retention review date; the review queue's index"

RAW_SQL = [
    # Cases closed before now kept the date only in their closure.
    "UPDATE application a SET retention_review_on = c.retention_review_on FROM closure c "
    "WHERE c.application = a.id AND a.retention_review_on IS NULL",
    # Escalated cases closed without a closure record: the usual six years.
    "UPDATE application SET retention_review_on = (closed_at + interval '6 years')::date "
    "WHERE stage = 'closed' AND retention_review_on IS NULL AND closed_at IS NOT NULL",
    'CREATE INDEX application_retention_due ON application ("force", retention_review_on) WHERE stage = \'closed\'',
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
