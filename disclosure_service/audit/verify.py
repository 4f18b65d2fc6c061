"""Check the hash chains: every row's content, every link, every chain's head.

Runs as the schema owner (it must see every force's rows). Rows are streamed, so memory stays flat
however long the trail is.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from disclosure_service.audit.chain import CHAIN_COUNT, GENESIS, HASHED_FIELDS, row_hash

_COLUMNS = ", ".join(f'"{name}"' for name in ("id", *HASHED_FIELDS, "hash"))


@dataclass(frozen=True, slots=True)
class Break:
    """The first place a chain does not hold, in words an auditor can act on."""

    chain: int
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"audit_event id {self.event_id}" if self.event_id is not None else "the chain's end"
        return f"chain {self.chain}, position {self.seq} ({where}): {self.problem}"


@dataclass(slots=True)
class Report:
    rows: int = 0
    chains: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True, slots=True)
class Head:
    chain: int
    seq: int
    hash: str


async def heads(conn: asyncpg.Connection[Any]) -> list[Head]:
    rows = await conn.fetch("SELECT id, seq, head_hash FROM audit_chain ORDER BY id")
    return [Head(r["id"], r["seq"], r["head_hash"]) for r in rows]


def heads_to_json(found: list[Head]) -> str:
    return json.dumps({"chains": [{"chain": h.chain, "seq": h.seq, "hash": h.hash} for h in found]}, indent=2)


def heads_from_json(text: str) -> list[Head]:
    return [Head(int(h["chain"]), int(h["seq"]), str(h["hash"])) for h in json.loads(text)["chains"]]


async def verify(conn: asyncpg.Connection[Any], exported: list[Head] | None = None) -> Report:
    """Walk every chain; stop each chain at its first break. `exported` heads catch a cut-off tail.

    One snapshot for everything: a writer updates a row and its chain's head in one transaction,
    so rows and heads always agree within a snapshot, even while the service is writing.
    """
    async with conn.transaction(readonly=True, isolation="repeatable_read"):
        return await verify_in_snapshot(conn, exported)


async def verify_in_snapshot(conn: asyncpg.Connection[Any], exported: list[Head] | None = None) -> Report:
    """`verify` in the caller's own transaction (which must see one snapshot of rows and heads)."""
    report = Report()
    current_heads = await heads(conn)
    report.breaks += await _check_the_chains_themselves(conn, current_heads)
    for head in current_heads:
        report.chains += 1
        problem = await _verify_chain(conn, head, report)
        if problem:
            report.breaks.append(problem)
    for saved in exported or []:
        problem = await _check_exported(conn, saved)
        if problem:
            report.breaks.append(problem)
    return report


async def _check_the_chains_themselves(conn: asyncpg.Connection[Any], current: list[Head]) -> list[Break]:
    """Every chain has its head, and every row is in a chain: a deleted head would otherwise take
    its whole chain out of the check, and a row outside the chains would never be checked."""
    found: list[Break] = []
    present = {head.chain for head in current}
    found += [
        Break(chain, 0, None, "the chain's head is missing from audit_chain")
        for chain in range(CHAIN_COUNT)
        if chain not in present
    ]
    found += [
        Break(head.chain, head.seq, None, "audit_chain holds a head for a chain that should not exist")
        for head in current
        if not 0 <= head.chain < CHAIN_COUNT
    ]
    outside = await conn.fetch(
        "SELECT chain, count(*) AS n, min(id) AS first_id FROM audit_event "
        "WHERE chain < 0 OR chain >= $1 GROUP BY chain ORDER BY chain",
        CHAIN_COUNT,
    )
    found += [
        Break(row["chain"], 0, row["first_id"], f"{row['n']} rows are outside the {CHAIN_COUNT} chains")
        for row in outside
    ]
    return found


async def _check_exported(conn: asyncpg.Connection[Any], saved: Head) -> Break | None:
    """The row at each exported head must still be there with the same hash.

    The chain itself was verified link by link, so an unchanged row at the exported position proves
    everything up to it is as it was when the head was exported, even if the chain has grown since.
    """
    if saved.seq == 0:
        return None
    found = await conn.fetchrow(
        "SELECT id, hash FROM audit_event WHERE chain = $1 AND seq = $2", saved.chain, saved.seq
    )
    if found is None:
        return Break(saved.chain, saved.seq, None, "rows exported as present earlier are missing")
    if found["hash"] != saved.hash:
        return Break(saved.chain, saved.seq, found["id"], "the chain was rewritten since its head was exported")
    return None


async def _verify_chain(  # noqa: PLR0911  # one early answer per way a chain can fail
    conn: asyncpg.Connection[Any], head: Head, report: Report
) -> Break | None:
    expected_seq, previous = 1, GENESIS
    archived: list[tuple[int, str, str, str]] | None = None
    async for row in _rows(conn, head.chain):
        report.rows += 1
        if row["seq"] != expected_seq:
            archived = archived if archived is not None else await _archived_links(conn, head.chain)
            if row["seq"] < expected_seq or not _bridged(
                archived, expected_seq, previous, row["seq"], row["prev_hash"]
            ):
                return Break(
                    head.chain, expected_seq, row["id"], f"position {expected_seq} is missing (a row was deleted)"
                )
            expected_seq, previous = row["seq"], row["prev_hash"]
        if row["prev_hash"] != previous:
            return Break(head.chain, row["seq"], row["id"], "its link to the previous row is broken")
        if row_hash(row) != row["hash"]:
            return Break(head.chain, row["seq"], row["id"], "its content does not match its hash (the row was changed)")
        expected_seq, previous = expected_seq + 1, row["hash"]
    if expected_seq - 1 < head.seq:
        archived = archived if archived is not None else await _archived_links(conn, head.chain)
        if _bridged(archived, expected_seq, previous, head.seq + 1, head.hash):
            return None
        span = f"{expected_seq}" if expected_seq == head.seq else f"{expected_seq} to {head.seq}"
        return Break(head.chain, expected_seq, None, f"position {span} is missing (rows were deleted from the end)")
    if expected_seq - 1 != head.seq or previous != head.hash:
        return Break(head.chain, expected_seq, None, "the chain's recorded head does not match its last row")
    return None


async def _archived_links(conn: asyncpg.Connection[Any], chain: int) -> list[tuple[int, str, str, str]]:
    """(seq, prev_hash, hash, month) of each row of the chain sealed where a detached month joins it."""
    found = []
    for row in await conn.fetch(
        "SELECT name, link FROM audit_archive, jsonb_array_elements(links -> $1::text) AS link", str(chain)
    ):
        seq, prev_hash, hash_ = json.loads(row["link"])
        found.append((int(seq), str(prev_hash), str(hash_), str(row["name"])))
    return sorted(found)


def _bridged(
    archived: list[tuple[int, str, str, str]], start: int, previous: str, resume: int, resume_prev_hash: str
) -> bool:
    """Whether detached months carry the chain from `start` (linking to `previous`) to just before
    `resume` (whose row links to `resume_prev_hash`). Each month was checked inside by `audit verify
    --partition`; here its sealed ends must meet each other and the rows still in the trail."""
    gap = [link for link in archived if start <= link[0] < resume]
    if not gap or gap[0][0] != start or gap[0][1] != previous:
        return False
    if gap[-1][0] != resume - 1 or gap[-1][2] != resume_prev_hash:
        return False
    for before, after in itertools.pairwise(gap):
        if before[3] != after[3] and (after[0] != before[0] + 1 or after[1] != before[2]):
            return False
    return True


async def _rows(conn: asyncpg.Connection[Any], chain: int) -> AsyncIterator[asyncpg.Record]:
    query = f"SELECT {_COLUMNS} FROM audit_event WHERE chain = $1 ORDER BY seq"  # noqa: S608  # fixed names
    async for row in conn.cursor(query, chain, prefetch=5000):
        yield row
