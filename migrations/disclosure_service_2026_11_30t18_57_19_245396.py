from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T18:57:19:245396"
VERSION = "1.38.0"
DESCRIPTION = "what a check found, apart from what was asked"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="disclosure_service", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="CaseCheck",
        tablename="case_check",
        column_name="findings",
        db_column_name="findings",
        column_class_name="Text",
        column_class=Text,
        params={
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

    return manager
