"""The audit trail by month (decision 26): the chains carried across a month's boundary, a month
checked on its own, and a month detached for the archive still proving the chains whole."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from disclosure_service.audit import cli as audit_cli
from disclosure_service.audit import partitions, verify
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import record
from disclosure_service.database.migrate import migrate
from disclosure_service.identity.principal import Actor
from tests import database

pytestmark = pytest.mark.commits

OCTOBER = "audit_event_y2026m10"
NOVEMBER = "audit_event_y2026m11"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def trail(server_url: str) -> AsyncIterator[database.TestDatabase]:
    """24 rows at the end of October, 24 at the start of November and 8 in December, 16 chains."""
    fresh = await database.create_database(server_url)
    await migrate(fresh.owner_url, fresh.app_url)
    owner = await asyncpg.connect(fresh.owner_url)
    await owner.execute("SELECT audit_partitions_ensure('2026-09-01', '2026-11-30')")
    await owner.close()
    conn = await asyncpg.connect(fresh.app_url)
    starts = (
        datetime(2026, 10, 31, 23, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
    )
    try:
        for start, count in zip(starts, (24, 24, 8), strict=True):
            for n in range(count):
                async with conn.transaction():
                    await record(
                        conn,
                        actor=Actor(None, None, "tester"),
                        operation=Operation.consultation,
                        event="case.viewed",
                        reference=f"{start:%b}-{n}",
                        details={"n": n},
                        now=start + timedelta(minutes=n),
                    )
    finally:
        await conn.close()
    yield fresh
    await database.drop_database(fresh)


@pytest.fixture
async def owner(trail: database.TestDatabase) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(trail.owner_url)
    yield conn
    await conn.close()


async def test_the_rows_are_in_their_months_and_chains_cross_the_boundary(owner: asyncpg.Connection) -> None:
    months = {p.name: p for p in await partitions.listing(owner)}
    assert months[OCTOBER].rows == 24
    assert months[NOVEMBER].rows == 24
    assert months["audit_event_default"].rows == 0
    crossing = await owner.fetchval(
        f"SELECT count(*) FROM (SELECT chain FROM {OCTOBER} INTERSECT SELECT chain FROM {NOVEMBER}) c"  # noqa: S608
    )
    assert crossing > 0, "no chain crosses the boundary: the test would prove nothing"
    report = await verify.verify(owner)
    assert report.ok, report.breaks
    assert report.rows == 56


async def test_each_month_verifies_alone_against_its_neighbours(owner: asyncpg.Connection) -> None:
    for name in (OCTOBER, NOVEMBER):
        checked = await partitions.verify_month(owner, name)
        assert checked.ok, checked.breaks
        assert checked.rows == 24


async def test_a_changed_row_is_found_in_its_month(owner: asyncpg.Connection) -> None:
    await owner.execute(f"ALTER TABLE {NOVEMBER} DISABLE TRIGGER audit_event_no_update")
    await owner.execute(f"UPDATE {NOVEMBER} SET justification = 'rewritten' WHERE reference = 'Nov-0'")  # noqa: S608
    checked = await partitions.verify_month(owner, NOVEMBER)
    assert not checked.ok
    assert "does not match its hash" in str(checked.breaks[0])
    assert (await partitions.verify_month(owner, OCTOBER)).ok


async def test_deleting_the_first_row_of_a_month_breaks_the_link_from_the_month_before(
    owner: asyncpg.Connection,
) -> None:
    # The first November row of a chain with rows on both sides: only the boundary links it.
    boundary = await owner.fetchrow(
        f"SELECT chain, min(seq) FROM {NOVEMBER} WHERE chain IN (SELECT chain FROM {OCTOBER}) "  # noqa: S608
        "GROUP BY chain HAVING count(*) > 1 ORDER BY chain LIMIT 1"
    )
    assert boundary is not None, "no chain has rows on both sides: the test would prove nothing"
    chain, seq = boundary
    await owner.execute(f"ALTER TABLE {NOVEMBER} DISABLE TRIGGER audit_event_no_update")
    await owner.execute(f"DELETE FROM {NOVEMBER} WHERE chain = $1 AND seq = $2", chain, seq)  # noqa: S608
    assert not (await partitions.verify_month(owner, OCTOBER)).ok
    assert not (await partitions.verify_month(owner, NOVEMBER)).ok
    assert not (await verify.verify(owner)).ok


async def test_after_detaching_october_the_chains_still_verify_and_so_does_october(
    owner: asyncpg.Connection,
) -> None:
    detached = await partitions.detach(owner, OCTOBER, NOW)
    assert detached.rows == 24
    months = {p.name: p for p in await partitions.listing(owner)}
    assert not months[OCTOBER].attached
    # The 32 rows of November and December, and the row recording the detachment.
    assert await owner.fetchval("SELECT count(*) FROM audit_event") == 33
    assert await owner.fetchval("SELECT count(*) FROM audit_event WHERE event = 'audit.partition_detached'") == 1

    report = await verify.verify(owner)
    assert report.ok, report.breaks
    assert report.rows == 33
    for name in (OCTOBER, NOVEMBER):
        checked = await partitions.verify_month(owner, name)
        assert checked.ok, checked.breaks
    assert await partitions.check_heads(owner) == []

    # The detached month keeps its own guard, and a row removed behind it is still found.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await owner.execute(f"DELETE FROM {OCTOBER} WHERE reference = 'Oct-23'")  # noqa: S608
    await owner.execute(f"ALTER TABLE {OCTOBER} DISABLE TRIGGER audit_event_no_update")
    await owner.execute(f"DELETE FROM {OCTOBER} WHERE reference = 'Oct-23'")  # noqa: S608
    checked = await partitions.verify_month(owner, OCTOBER)
    assert not checked.ok


async def test_the_chains_break_if_a_sealed_link_no_longer_meets_the_trail(owner: asyncpg.Connection) -> None:
    await partitions.detach(owner, OCTOBER, NOW)
    await owner.execute("UPDATE audit_archive SET links = '{}'::jsonb")
    report = await verify.verify(owner)
    assert not report.ok
    assert "is missing" in str(report.breaks[0])


async def test_no_month_can_be_truncated(owner: asyncpg.Connection) -> None:
    for month in (OCTOBER, NOVEMBER, "audit_event_default", "audit_event"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await owner.execute(f"TRUNCATE {month}")
    assert await owner.fetchval("SELECT count(*) FROM audit_event") == 56


async def test_only_a_past_month_can_be_detached(owner: asyncpg.Connection) -> None:
    with pytest.raises(partitions.PartitionError, match="not ended"):
        await partitions.detach(owner, "audit_event_y2026m12", NOW)
    with pytest.raises(partitions.PartitionError, match="not a month"):
        await partitions.detach(owner, "audit_event_default", NOW)


async def test_a_stopped_verification_carries_on_from_its_file(
    owner: asyncpg.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "verify-state"
    state.write_text(f"{OCTOBER}\n", encoding="utf-8")  # a previous run got this far
    assert await audit_cli._verify_resumably(owner, state) == 0
    printed = capsys.readouterr().out
    assert "carrying on: 1 months" in printed
    assert f"{OCTOBER} intact" not in printed
    assert f"{NOVEMBER} intact: 24 rows" in printed
    assert "audit trail intact: 32 rows" in printed
    assert not state.exists()
