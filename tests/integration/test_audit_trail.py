"""The audit trail cannot be quietly changed (security.md rows 24, 25), even by many writers at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from disclosure_service.audit import verify
from disclosure_service.audit.chain import row_hash
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import record
from disclosure_service.database.migrate import migrate
from disclosure_service.identity.principal import Actor
from tests import cli, database

pytestmark = pytest.mark.commits


@pytest.fixture
async def trail(server_url: str) -> AsyncIterator[database.TestDatabase]:
    """A database of its own holding 30 committed audit rows."""
    fresh = await database.create_database(server_url)
    await migrate(fresh.owner_url, fresh.app_url)
    conn = await asyncpg.connect(fresh.app_url)
    try:
        for n in range(30):
            async with conn.transaction():
                await record(
                    conn,
                    actor=Actor(None, None, "tester"),
                    operation=Operation.consultation,
                    event="case.viewed",
                    reference=f"REF-{n}",
                    justification=f"reason {n}",
                    details={"n": n, "note": "ünïcødé"},
                )
    finally:
        await conn.close()
    yield fresh
    await database.drop_database(fresh)


async def owner_sql(db: database.TestDatabase, *statements: str) -> None:
    conn = await asyncpg.connect(db.owner_url)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def check(db: database.TestDatabase, exported: list[verify.Head] | None = None) -> verify.Report:
    conn = await asyncpg.connect(db.owner_url)
    try:
        return await verify.verify(conn, exported)
    finally:
        await conn.close()


async def test_an_untouched_trail_verifies(trail: database.TestDatabase) -> None:
    report = await check(trail)
    assert report.ok, report.breaks
    assert report.rows == 30
    assert report.chains == 16


async def test_editing_a_row_is_found_and_named(trail: database.TestDatabase) -> None:
    await owner_sql(
        trail,
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
        "UPDATE audit_event SET justification = 'nothing to see' WHERE reference = 'REF-7'",
        "ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update",
    )
    conn = await asyncpg.connect(trail.owner_url)
    edited = await conn.fetchval("SELECT id FROM audit_event WHERE reference = 'REF-7'")
    await conn.close()
    report = await check(trail)
    assert not report.ok
    assert [b.event_id for b in report.breaks] == [edited]
    assert "content does not match" in report.breaks[0].problem


async def test_deleting_a_row_is_found(trail: database.TestDatabase) -> None:
    conn = await asyncpg.connect(trail.owner_url)
    row = await conn.fetchrow("SELECT chain, seq FROM audit_event WHERE reference = 'REF-3'")
    await conn.close()
    assert row is not None
    chain, seq = row["chain"], row["seq"]
    await owner_sql(
        trail,
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
        "DELETE FROM audit_event WHERE reference = 'REF-3'",
        "ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update",
    )
    report = await check(trail)
    assert not report.ok
    broken = report.breaks[0]
    assert (broken.chain, broken.seq) == (chain, seq)
    assert "missing" in broken.problem


async def test_a_deleted_chain_head_does_not_take_its_chain_out_of_the_check(trail: database.TestDatabase) -> None:
    await owner_sql(trail, "DELETE FROM audit_chain WHERE id = 5")
    report = await check(trail)

    assert not report.ok
    assert [(b.chain, b.problem) for b in report.breaks] == [(5, "the chain's head is missing from audit_chain")]


async def test_a_row_moved_out_of_the_chains_is_found(trail: database.TestDatabase) -> None:
    await owner_sql(
        trail,
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
        "UPDATE audit_event SET chain = 99 WHERE reference = 'REF-4'",
        "ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update",
    )
    report = await check(trail)

    assert not report.ok
    assert any(b.chain == 99 and "outside the 16 chains" in b.problem for b in report.breaks)


async def test_cutting_rows_off_the_end_is_found_against_exported_heads(trail: database.TestDatabase) -> None:
    conn = await asyncpg.connect(trail.owner_url)
    exported = await verify.heads(conn)
    last = await conn.fetchrow("SELECT id, chain, seq, prev_hash FROM audit_event ORDER BY id DESC LIMIT 1")
    await conn.close()
    assert last is not None
    # A careful tamperer removes the last row and rewinds its chain's head to match.
    await owner_sql(
        trail,
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
        f"DELETE FROM audit_event WHERE id = {last['id']}",  # noqa: S608
        "ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update",
        f"UPDATE audit_chain SET seq = {last['seq'] - 1}, head_hash = '{last['prev_hash']}' "  # noqa: S608
        f"WHERE id = {last['chain']}",
    )
    assert (await check(trail)).ok  # invisible from inside the database alone...
    report = await check(trail, exported)
    assert not report.ok  # ...but not against the heads kept elsewhere
    assert report.breaks[0].chain == last["chain"]


async def test_a_rewritten_chain_that_has_grown_since_is_found_against_exported_heads(
    trail: database.TestDatabase,
) -> None:
    conn = await asyncpg.connect(trail.owner_url)
    try:
        exported = await verify.heads(conn)
        chain = await conn.fetchval("SELECT chain FROM audit_event WHERE reference = 'REF-3'")
        # A careful tamperer edits a row and recomputes every later hash of its chain and the head...
        await conn.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update")
        rows = await conn.fetch(
            'SELECT id, chain, seq, prev_hash, occurred_at, "force", "user", username, operation, event, '
            "application_id, reference, record_type, record_id, justification, recipients, details, ip, "
            "user_agent, request_id FROM audit_event WHERE chain = $1 ORDER BY seq",
            chain,
        )
        previous = "0" * 64
        for row in rows:
            values = dict(row)
            values["prev_hash"] = previous
            if values["reference"] == "REF-3":
                values["justification"] = "nothing to see"
            previous = row_hash(values)
            await conn.execute(
                "UPDATE audit_event SET prev_hash = $2, justification = $3, hash = $4 WHERE id = $1",
                row["id"],
                values["prev_hash"],
                values["justification"],
                previous,
            )
        await conn.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update")
        await conn.execute("UPDATE audit_chain SET head_hash = $2 WHERE id = $1", chain, previous)
    finally:
        await conn.close()
    # ...and more rows are written afterwards, so the chain is longer than when it was exported.
    app = await asyncpg.connect(trail.app_url)
    try:
        for _ in range(20):
            async with app.transaction():
                await record(app, actor=Actor(None, None, "later"), operation=Operation.consultation, event="later")
    finally:
        await app.close()
    assert (await check(trail)).ok  # consistent from inside...
    report = await check(trail, exported)
    assert not report.ok  # ...but not with what was exported
    assert any(b.chain == chain and "rewritten" in b.problem for b in report.breaks)


async def test_the_command_reports_the_broken_row_and_fails(trail: database.TestDatabase, tmp_path: Path) -> None:
    env = cli.environment(DATABASE_URL=trail.owner_url, APP_DATABASE_URL=trail.app_url)
    heads_file = tmp_path / "heads.json"
    saved = cli.run("audit", "head", "--output", str(heads_file), env=env)
    assert saved.returncode == 0, saved.stderr
    intact = cli.run("audit", "verify", "--heads", str(heads_file), env=env)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "audit trail intact: 30 rows in 16 chains" in intact.stdout
    await owner_sql(
        trail,
        "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update",
        "UPDATE audit_event SET username = 'someone else' WHERE reference = 'REF-12'",
        "ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update",
    )
    broken = cli.run("audit", "verify", env=env)
    assert broken.returncode == 1
    assert broken.stdout.startswith("BROKEN chain ")
    assert "audit_event id" in broken.stdout


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET justification = 'x'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
        "UPDATE audit_chain SET seq = seq - 1",
        "SELECT id FROM audit_chain FOR UPDATE",
    ],
    ids=["update", "delete", "truncate", "move a head", "lock the heads"],
)
async def test_the_runtime_role_cannot_change_the_trail(trail: database.TestDatabase, statement: str) -> None:
    conn = await asyncpg.connect(trail.app_url)
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(statement)
    finally:
        await conn.close()


async def test_a_head_moves_only_to_the_row_appended_after_it(trail: database.TestDatabase) -> None:
    conn = await asyncpg.connect(trail.app_url)
    try:
        head = await conn.fetchrow("SELECT id, seq, head_hash FROM audit_chain WHERE seq > 0 ORDER BY id LIMIT 1")
        assert head is not None
        # Nothing appended: the head stays where it is.
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="only move to the row appended after"):
            await conn.execute("SELECT audit_chain_advance($1)", head["id"])
        # A row that claims the next position but does not link to the head: refused too.
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO audit_event (occurred_at, username, operation, event, reference, record_type, "
                "justification, recipients, details, ip, user_agent, request_id, chain, seq, prev_hash, hash) "
                "VALUES (now(), 'intruder', 'consultation', 'x', '', '', '', '', '{}', '', '', '', $1, $2, $3, $3)",
                head["id"],
                head["seq"] + 1,
                "f" * 64,
            )
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("SELECT audit_chain_advance($1)", head["id"])
        after = await conn.fetchrow("SELECT seq, head_hash FROM audit_chain WHERE id = $1", head["id"])
    finally:
        await conn.close()
    assert after is not None
    assert (after["seq"], after["head_hash"]) == (head["seq"], head["head_hash"])
    assert (await check(trail)).ok


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET justification = 'x'", "DELETE FROM audit_event", "TRUNCATE audit_event"],
    ids=["update", "delete", "truncate"],
)
async def test_even_the_owner_is_stopped_by_the_trigger(trail: database.TestDatabase, statement: str) -> None:
    conn = await asyncpg.connect(trail.owner_url)
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="cannot be changed or deleted"):
            await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) FROM audit_event") == 30
    finally:
        await conn.close()


async def test_eight_concurrent_writers_keep_every_chain_whole(trail: database.TestDatabase) -> None:
    async def writer(n: int) -> None:
        conn = await asyncpg.connect(trail.app_url)
        try:
            for i in range(40):
                async with conn.transaction():
                    await record(
                        conn,
                        actor=Actor(None, None, f"writer-{n}"),
                        operation=Operation.authentication,
                        event="load.test",
                        details={"i": i},
                    )
        finally:
            await conn.close()

    await asyncio.gather(*(writer(n) for n in range(8)))
    report = await check(trail)
    assert report.ok, report.breaks
    assert report.rows == 30 + 8 * 40
    conn = await asyncpg.connect(trail.owner_url)
    chains_used = await conn.fetchval("SELECT count(DISTINCT chain) FROM audit_event WHERE event = 'load.test'")
    await conn.close()
    assert chains_used > 1  # writers spread over chains instead of queueing on one
