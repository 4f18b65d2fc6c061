"""Written by hand: what was disclosed moves from the meeting to the disclosure made; a meeting's
status; row-level security for post-closure events.

The raw statements run before the columns are dropped (Piccolo runs a migration's raw SQL first),
so what a made disclosure recorded is carried over; what a meeting held without a disclosure
recorded (a refused undertaking, withheld) is not kept: nothing was disclosed.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T17:17:46:000000"
VERSION = "1.38.0"
DESCRIPTION = "what was disclosed belongs to the disclosure made; meeting status; post-closure events secured"

FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"
RAW_SQL = [
    "UPDATE disclosure d SET what_was_disclosed = m.what_was_disclosed FROM disclosure_meeting m WHERE d.meeting = m.id",
    "UPDATE disclosure_meeting SET status = 'held', identity_confirmed = true WHERE held_at IS NOT NULL",
    "UPDATE applicant_notification n SET kind = 'case_complete' FROM application a "
    "WHERE a.id = n.application AND EXISTS (SELECT 1 FROM disclosure d WHERE d.application = a.id)",
    "ALTER TABLE post_closure_event ENABLE ROW LEVEL SECURITY",
    f'CREATE POLICY force_isolation ON post_closure_event USING ("force" = {FORCE_SETTING}) '
    f'WITH CHECK ("force" = {FORCE_SETTING})',
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    manager.drop_column(
        table_class_name="DisclosureMeeting",
        tablename="disclosure_meeting",
        column_name="subject_told",
        db_column_name="subject_told",
        schema=None,
    )
    manager.drop_column(
        table_class_name="DisclosureMeeting",
        tablename="disclosure_meeting",
        column_name="what_was_disclosed",
        db_column_name="what_was_disclosed",
        schema=None,
    )
    return manager
