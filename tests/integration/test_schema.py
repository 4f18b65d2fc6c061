"""The database the migrations build is the database the table definitions describe."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import asyncpg
from piccolo.columns import Timestamp, Timestamptz
from piccolo.table import sort_table_classes

from disclosure_service.audit.tables import PARTITIONED_DDL, AuditEvent
from disclosure_service.database import engine as db
from disclosure_service.database.piccolo_app import TABLE_MODULES
from tests import database

Schema = dict[str, set[tuple[Any, ...]]]


async def introspect(url: str) -> Schema:
    conn = await asyncpg.connect(url)
    # The audit trail's monthly partitions carry copies of its parent's columns, keys and indexes.
    try:
        columns = await conn.fetch(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, "
            "character_maximum_length FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name <> 'migration' AND table_name"
            " NOT IN (SELECT relname FROM pg_class WHERE relispartition)"
        )
        constraints = await conn.fetch(
            "SELECT conrelid::regclass::text AS table_name, contype, pg_get_constraintdef(oid) AS definition "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
            "AND conrelid::regclass::text <> 'migration' AND conrelid::regclass::text"
            " NOT IN (SELECT relname FROM pg_class WHERE relispartition)"
        )
        indexes = await conn.fetch(
            "SELECT tablename, regexp_replace(indexdef, 'INDEX \\S+ ON', 'INDEX ON') AS definition "
            "FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migration' AND tablename"
            " NOT IN (SELECT relname FROM pg_class WHERE relispartition)"
        )
    finally:
        await conn.close()
    return {
        "columns": {tuple(row) for row in columns},
        "constraints": {tuple(row) for row in constraints},
        "indexes": {tuple(row) for row in indexes},
    }


async def test_migrated_schema_equals_the_table_definitions(
    test_database: database.TestDatabase, server_url: str
) -> None:
    reference = await database.create_database(server_url)
    try:
        conn = await asyncpg.connect(reference.owner_url)
        try:
            for table in sort_table_classes(db.table_classes()):
                if table is AuditEvent:
                    # Piccolo cannot declare a partitioned table: its statements are written out.
                    await conn.execute("CREATE SEQUENCE audit_event_id_seq")
                    for statement in PARTITIONED_DDL:
                        await conn.execute(statement)
                    continue
                for statement in table.create_table().ddl:
                    await conn.execute(statement)
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for module in TABLE_MODULES:
                for statement in getattr(importlib.import_module(module), "EXTRA_INDEXES", ()):
                    await conn.execute(statement)
        finally:
            await conn.close()
        migrated = await introspect(test_database.owner_url)
        defined = await introspect(reference.owner_url)
    finally:
        await database.drop_database(reference)
    for part in ("columns", "constraints", "indexes"):
        assert migrated[part] - defined[part] == set(), f"{part} only in the migrations"
        assert defined[part] - migrated[part] == set(), f"{part} only in the table definitions"
    assert migrated["columns"], "introspection found no columns: the comparison would be vacuous"


def _table_module_files() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    return [root / (module.replace(".", "/") + ".py") for module in TABLE_MODULES]


def test_every_foreign_key_says_what_happens_on_delete() -> None:
    # Piccolo's default is CASCADE: deleting an officer would delete their cases.
    calls = 0
    for path in _table_module_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ForeignKey":
                calls += 1
                keywords = {kw.arg for kw in node.keywords}
                assert "on_delete" in keywords, f"{path.name}:{node.lineno} ForeignKey without on_delete"
    assert calls > 0


def test_every_timestamp_column_is_timezone_aware() -> None:
    for table in db.table_classes():
        for column in table._meta.columns:
            assert not isinstance(column, Timestamp), f"{table._meta.tablename}.{column._meta.name} is naive"
    assert any(isinstance(c, Timestamptz) for t in db.table_classes() for c in t._meta.columns)
