"""The Piccolo app: which modules hold tables and where the migrations live."""

from __future__ import annotations

from piccolo.conf.apps import AppConfig, table_finder

from disclosure_service.paths import MIGRATIONS_DIR

TABLE_MODULES = [
    "disclosure_service.identity.tables",
    "disclosure_service.auth.tables",
    "disclosure_service.cases.tables",
    "disclosure_service.disclosures.tables",
    "disclosure_service.audit.tables",
    "disclosure_service.clocks.tables",
    "disclosure_service.transfers.tables",
    "disclosure_service.dataprotection.tables",
    "disclosure_service.quality.tables",
]

APP_CONFIG = AppConfig(
    app_name="disclosure_service",
    migrations_folder_path=str(MIGRATIONS_DIR),
    table_classes=table_finder(modules=TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
