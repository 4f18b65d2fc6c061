"""The audit trail's months: listing them, detaching one for the archive, and checking one alone.

Each month is a partition of `audit_event` (decision 26). A chain runs through many months, so a
month is checked against its neighbours in the chain: every row's hash, every link inside the
month, and, for a row whose previous or next link is outside the month, that the neighbour is
there (in the trail, or sealed in `audit_archive` when its month was detached) and links to it. A
month that passes, checked month by month over the whole trail, proves the same as one long walk,
which is what lets `audit verify --resume` stop and carry on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from disclosure_service.audit.chain import GENESIS, HASHED_FIELDS, row_hash
from disclosure_service.audit.verify import Break
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import record
from disclosure_service.identity.principal import SYSTEM

_COLUMNS = ", ".join(f'"{name}"' for name in ("id", *HASHED_FIELDS, "hash"))
_MONTH = re.compile(r"^audit_event_y\d{4}m\d{2}$")


class PartitionError(Exception):
    """The month asked for cannot be checked or detached; the message says why."""


@dataclass(frozen=True, slots=True)
class Partition:
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    rows: int
    attached: bool


async def listing(conn: asyncpg.Connection[Any]) -> list[Partition]:
    """Attached months in date order (the default partition last), then detached ones."""
    attached = await conn.fetch(
        "SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'public.audit_event'::regclass"
    )
    found: list[Partition] = []
    for row in attached:
        rows = await conn.fetchval(f'SELECT count(*) FROM public."{row["name"]}"')  # noqa: S608  # a catalogue name
        starts, ends = await _bounds(conn, row["bound"])
        found.append(Partition(row["name"], starts, ends, rows, attached=True))
    found.sort(key=lambda p: (p.starts_at is None, p.starts_at))
    for archived in await conn.fetch("SELECT name, starts_at, ends_at, rows FROM audit_archive ORDER BY starts_at"):
        found.append(Partition(archived["name"], archived["starts_at"], archived["ends_at"], archived["rows"], False))
    return found


async def _bounds(conn: asyncpg.Connection[Any], bound: str) -> tuple[datetime | None, datetime | None]:
    found = re.match(r"FOR VALUES FROM \('([^']+)'\) TO \('([^']+)'\)", bound)
    if found is None:
        return None, None
    row = await conn.fetchrow("SELECT $1::text::timestamptz AS starts, $2::text::timestamptz AS ends", *found.groups())
    return (row["starts"], row["ends"]) if row else (None, None)


async def detach(conn: asyncpg.Connection[Any], name: str, now: datetime) -> Partition:
    """Take a past month out of the trail, sealed with the rows where it joins the rest of its
    chains. Its table stays in the database, still unchangeable, until it is archived and dropped."""
    month = next((p for p in await listing(conn) if p.name == name), None)
    if month is None or not month.attached or not _MONTH.match(name) or month.ends_at is None:
        raise PartitionError(f"{name} is not a month of the audit trail (see `audit partitions`)")
    if month.ends_at > now:
        raise PartitionError(f"{name} has not ended yet: only a past month can be detached")
    links = await _links(conn, name)
    await conn.execute(f'ALTER TABLE public.audit_event DETACH PARTITION public."{name}"')
    # Detaching drops the row triggers the month had from the trail: it gets its own (its TRUNCATE
    # trigger was always its own).
    await conn.execute(
        f'CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON public."{name}" '
        "FOR EACH ROW EXECUTE FUNCTION audit_event_immutable()"
    )
    await conn.execute(
        "INSERT INTO audit_archive (name, starts_at, ends_at, rows, links, detached_at) "
        "VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
        name,
        month.starts_at,
        month.ends_at,
        month.rows,
        json.dumps(links),
        now,
    )
    # The archiving itself is in the trail, chained like any other row.
    await record(
        conn,
        actor=SYSTEM,
        operation=Operation.administration,
        event="audit.partition_detached",
        record_type="audit_archive",
        details={"partition": name, "rows": month.rows, "links": sum(len(v) for v in links.values())},
        now=now,
    )
    return Partition(name, month.starts_at, month.ends_at, month.rows, attached=False)


async def _links(conn: asyncpg.Connection[Any], name: str) -> dict[str, list[list[Any]]]:
    """Per chain, [seq, prev_hash, hash] of each row whose previous or next link is not in the month."""
    rows = await conn.fetch(
        f"SELECT chain, seq, prev_hash, hash FROM ("  # noqa: S608  # a catalogue name, checked by the caller
        "  SELECT chain, seq, prev_hash, hash, lag(seq) OVER w AS before, lead(seq) OVER w AS after"
        f'  FROM public."{name}" WINDOW w AS (PARTITION BY chain ORDER BY seq)'
        ") r WHERE before IS DISTINCT FROM seq - 1 OR after IS DISTINCT FROM seq + 1 ORDER BY chain, seq"
    )
    links: dict[str, list[list[Any]]] = {}
    for row in rows:
        links.setdefault(str(row["chain"]), []).append([row["seq"], row["prev_hash"], row["hash"]])
    return links


@dataclass(frozen=True, slots=True)
class Link:
    seq: int
    prev_hash: str
    hash: str
    where: str


async def neighbours(conn: asyncpg.Connection[Any], chain: int, seq: int) -> list[Link]:
    """The rows at one chain position, in the trail or sealed in a detached month's links."""
    found = [
        Link(r["seq"], r["prev_hash"], r["hash"], "audit_event")
        for r in await conn.fetch(
            "SELECT seq, prev_hash, hash FROM audit_event WHERE chain = $1 AND seq = $2", chain, seq
        )
    ]
    for archived in await conn.fetch(
        "SELECT name, link FROM audit_archive, jsonb_array_elements(links -> $1::text) AS link "
        "WHERE (link ->> 0)::bigint = $2",
        str(chain),
        seq,
    ):
        seq_, prev, hash_ = json.loads(archived["link"])
        found.append(Link(seq_, prev, hash_, archived["name"]))
    return found


@dataclass(slots=True)
class MonthReport:
    name: str
    rows: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


async def verify_month(conn: asyncpg.Connection[Any], name: str) -> MonthReport:
    """Check one month, attached or detached, against its neighbours in each chain."""
    months = {p.name: p for p in await listing(conn)}
    if name not in months:
        raise PartitionError(f"{name} is not a month of the audit trail (see `audit partitions`)")
    report = MonthReport(name, breaks=[])
    heads = {
        r["id"]: (r["seq"], r["head_hash"]) for r in await conn.fetch("SELECT id, seq, head_hash FROM audit_chain")
    }
    query = f'SELECT {_COLUMNS} FROM public."{name}" ORDER BY chain, seq'  # noqa: S608  # a catalogue name
    previous: asyncpg.Record | None = None
    broken_chains: set[int] = set()
    async with conn.transaction(readonly=True, isolation="repeatable_read"):
        async for row in conn.cursor(query, prefetch=5000):
            report.rows += 1
            same_chain = previous is not None and previous["chain"] == row["chain"]
            if previous is not None and not same_chain and previous["chain"] not in broken_chains:
                await _check_after(conn, previous, heads, report)
            if row["chain"] in broken_chains:
                previous = row
                continue
            problem = await _check_row(conn, row, previous if same_chain else None)
            if problem is None and same_chain and previous is not None and previous["seq"] != row["seq"] - 1:
                problem = await _check_after(conn, previous, heads, report, record=False)
            if problem is not None:
                report.breaks.append(problem)
                broken_chains.add(row["chain"])
            previous = row
        if previous is not None and previous["chain"] not in broken_chains:
            await _check_after(conn, previous, heads, report)
    archived = months[name]
    if not archived.attached and archived.rows != report.rows:
        report.breaks.append(
            Break(-1, 0, None, f"{name} held {archived.rows} rows when it was detached and holds {report.rows} now")
        )
    return report


async def _check_row(  # noqa: PLR0911  # one early answer per way a link can fail
    conn: asyncpg.Connection[Any], row: asyncpg.Record, before: asyncpg.Record | None
) -> Break | None:
    chain, seq = row["chain"], row["seq"]
    if row_hash(row) != row["hash"]:
        return Break(chain, seq, row["id"], "its content does not match its hash (the row was changed)")
    if before is not None and before["seq"] == seq:
        return Break(chain, seq, row["id"], "two rows hold this position")
    if before is not None and before["seq"] == seq - 1:
        linked = before["hash"] == row["prev_hash"]
        return None if linked else Break(chain, seq, row["id"], "its link to the previous row is broken")
    if seq == 1:
        return None if row["prev_hash"] == GENESIS else Break(chain, seq, row["id"], "the chain's first row is broken")
    found = await neighbours(conn, chain, seq - 1)
    if not found:
        return Break(chain, seq, row["id"], f"position {seq - 1} before it is missing (a row was deleted)")
    if len(found) > 1 or found[0].hash != row["prev_hash"]:
        return Break(chain, seq, row["id"], f"its link to position {seq - 1} ({found[0].where}) is broken")
    return None


async def _check_after(
    conn: asyncpg.Connection[Any],
    row: asyncpg.Record,
    heads: dict[int, tuple[int, str]],
    report: MonthReport,
    *,
    record: bool = True,
) -> Break | None:
    """The row after the last of a run of rows in the month: elsewhere and linked, or this is the head."""
    chain, seq = row["chain"], row["seq"]
    found = await neighbours(conn, chain, seq + 1)
    problem: Break | None = None
    if not found:
        head_seq, head_hash = heads.get(chain, (0, GENESIS))
        if head_seq > seq:
            problem = Break(chain, seq + 1, None, f"position {seq + 1} after {row['id']} is missing")
        elif head_seq < seq:
            problem = Break(chain, seq, row["id"], "the row is beyond the chain's recorded head")
        elif head_seq == seq and head_hash != row["hash"]:
            problem = Break(chain, seq, row["id"], "the chain's recorded head does not match this row")
    elif len(found) > 1 or found[0].prev_hash != row["hash"]:
        problem = Break(chain, seq + 1, None, f"position {seq + 1} ({found[0].where}) does not link to this row")
    if problem is not None and record:
        report.breaks.append(problem)
    return problem


async def check_heads(conn: asyncpg.Connection[Any]) -> list[Break]:
    """After every month has passed on its own: each chain's head is a row that is there, and no row
    lies beyond it. With every row linked both ways, that proves each chain whole from its start."""
    found: list[Break] = []
    async with conn.transaction(readonly=True, isolation="repeatable_read"):
        for head in await conn.fetch("SELECT id, seq, head_hash FROM audit_chain ORDER BY id"):
            beyond = await conn.fetchval(
                "SELECT min(id) FROM audit_event WHERE chain = $1 AND seq > $2", head["id"], head["seq"]
            )
            if beyond is not None:
                found.append(Break(head["id"], head["seq"] + 1, beyond, "a row lies beyond the chain's recorded head"))
            if head["seq"] == 0:
                continue
            at_head = await neighbours(conn, head["id"], head["seq"])
            if len(at_head) != 1 or at_head[0].hash != head["head_hash"]:
                found.append(Break(head["id"], head["seq"], None, "the chain's recorded head does not match its row"))
    return found
