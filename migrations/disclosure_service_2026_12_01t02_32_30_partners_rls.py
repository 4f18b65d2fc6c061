"""Written by hand: row-level security for the partners and live-risk tables (as for every table carrying `force`)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T02:32:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "MAPPA status, consultations, decision forums, risk reassessments and safeguarding plans secured by force"

FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"
TABLES = ("mappa_status", "partner_consultation", "decision_forum", "risk_reassessment", "safeguarding_plan")
RAW_SQL = [
    *(
        statement
        for table in TABLES
        for statement in (
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f'CREATE POLICY force_isolation ON {table} USING ("force" = {FORCE_SETTING}) '
            f'WITH CHECK ("force" = {FORCE_SETTING})',
        )
    ),
    # The cases already recorded get the new clock (the default length; no force has set it yet),
    # not started: it starts the next time their risk is found high or a child at risk.
    """INSERT INTO case_clock ("force", application, clock, hours, extended_hours, started_at, due_at, stopped_at)
       SELECT a."force", a.id, 'safeguarding_plan', 24, 0, NULL, NULL, NULL FROM application a
       WHERE NOT EXISTS (SELECT 1 FROM case_clock c WHERE c.application = a.id AND c.clock = 'safeguarding_plan')""",
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
