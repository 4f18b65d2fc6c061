from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.engine import engine_finder

ID = "2026-11-29T01:07:36:619966"
VERSION = "1.38.0"
DESCRIPTION = "users belong to a team; indexes for the statistics and for audit searches by event"


async def add_indexes():
    # The statistics' cohort is a force's applications received in a period.
    await engine_finder().run_ddl('CREATE INDEX application_force_received ON application ("force", received_at)')
    # An auditor looking for one kind of event (account.locked, say) across the whole trail.
    await engine_finder().run_ddl(
        'CREATE INDEX audit_event_force_event_time ON audit_event ("force", event, occurred_at DESC)'
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)

    manager.add_column(
        table_class_name="User",
        tablename="app_user",
        column_name="team",
        db_column_name="team",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    manager.add_raw(add_indexes)
    return manager
