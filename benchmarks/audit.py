"""Audit trail: hash-chained inserts per second with 8 writers, and auditors' queries with 10 million rows.

Part 1 writes through the real `audit.writer.record()`, each row (or ten) in its own transaction on
the runtime role's pool, as requests do, then checks the result with the real `audit.verify`.
Part 2 bulk-loads AUDIT_ROWS rows (BENCH_AUDIT_ROWS overrides it) as the owner, spread like three
years of three forces' work, then times the queries the case page and the audit pages run
(`audit.queries`), through the runtime role with the force set as the service sets it.

The bulk rows are generated in SQL and carry placeholder hashes in chains 1000-1015, which no
`audit_chain` head names: they are there for their size and spread, and the hash chain is not what
part 2 measures. They respect every constraint (foreign keys, unique chain positions, the
append-only trigger, which only refuses UPDATE, DELETE and TRUNCATE).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg

from benchmarks import harness
from disclosure_service.audit import queries, verify
from disclosure_service.audit.chain import row_hash
from disclosure_service.audit.pages import EXPORT_LIMIT, PAGE_SIZE
from disclosure_service.audit.vocabulary import Operation
from disclosure_service.audit.writer import record
from disclosure_service.database import engine as db
from disclosure_service.identity.principal import Actor, RequestMeta

AUDIT_ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "10_000_000"))
WRITERS = 8
TRANSACTIONS_PER_WRITER = 1_500
ROWS_PER_BIG_TRANSACTION = 10
BATCH_ROWS = 1_000_000
USERS = 2_000
CASES_PER_FORCE = 100_000  # 300,000 application ids over three forces
CASE_ACTIVE_DAYS = 90  # a case's rows fall within about this many days of its first
YEARS = 3
QUERY_RUNS = 50
RARE_EVENT_RUNS = 10  # each reads the whole table
SLOW_MS = 50.0
EXPLAIN_ALL = os.environ.get("BENCH_EXPLAIN") == "1"  # print every query's plan, not only slow ones
FORCES = (
    ("WYP", "West Yorkshire Police"),
    ("NYP", "North Yorkshire Police"),
    ("SYP", "South Yorkshire Police"),
)
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of audit row in the bulk load, and how often it occurs (per thousand rows)."""

    per_mille: int
    operation: Operation
    event: str
    on_case: bool
    justification: str = ""
    recipients: str = ""
    details: str = "{}"


_SHOWN = json.dumps(
    {"list": "queue:mine", "search": "", "references": [f"WYP-2025-{n:05d}" for n in range(31200, 31214)]},
    separators=(",", ":"),
)
KINDS = (
    Kind(400, Operation.consultation, "case.viewed", True, "assigned officer"),
    Kind(50, Operation.consultation, "case.viewed", True, "supervisor of the case"),
    Kind(180, Operation.consultation, "case.list_viewed", False, "queue:mine", details=_SHOWN),
    Kind(50, Operation.alteration, "case.add_check", True, details='{"check":"police_national_computer"}'),
    Kind(40, Operation.alteration, "case.complete_triage", True, details='{"from":"triage","to":"applicant_meeting"}'),
    Kind(30, Operation.alteration, "case.assign", True, details='{"assigned_to":1234}'),
    Kind(
        20, Operation.collection, "case.created", True, details='{"channel":"online","people":3,"route":"right_to_ask"}'
    ),
    Kind(
        15,
        Operation.disclosure,
        "case.generate_undertaking",
        True,
        recipients="Hannah Whitfield",
        details='{"document_id":5521,"language":"en","template_version":1}',
    ),
    Kind(5, Operation.disclosure, "document.downloaded", True, recipients="Hannah Whitfield"),
    Kind(80, Operation.authentication, "sign_in.password_ok", False),
    Kind(80, Operation.authentication, "sign_in.succeeded", False),
    Kind(20, Operation.authentication, "sign_out", False),
    Kind(10, Operation.authentication, "step_up.ok", False),
    Kind(10, Operation.consultation, "audit.searched", False, "audit", details='{"rows":200,"username":"jo.clarke"}'),
    Kind(10, Operation.administration, "user.role_changed", False, details='{"from":"officer","to":"supervisor"}'),
)

# One batch of generated rows, in time order (ids rise with occurred_at, as in a real trail).
# The inner query draws the random numbers once per row (a subquery with volatile functions is not
# flattened); everything else is arithmetic on them, so the plan is a plain scan with no joins.
BULK_CHAIN = 1000  # the bulk rows' chains start here, outside the service's sixteen
BULK_SQL = """
INSERT INTO audit_event (occurred_at, "force", "user", username, operation, event, application_id, reference,
    record_type, record_id, justification, recipients, details, ip, user_agent, request_id,
    chain, seq, prev_hash, hash)
SELECT s.at, ($6::int[])[s.un % 3 + 1], $8::int + s.un - 1, 'bench.user' || lpad(s.un::text, 4, '0'),
    ($10::text[])[s.k], ($11::text[])[s.k],
    CASE WHEN ($12::bool[])[s.k] THEN s.case_n * 3 + s.un % 3 + 1 END,
    CASE WHEN ($12::bool[])[s.k] THEN ($7::text[])[s.un % 3 + 1] || '-' || (2024 + s.case_n / 33334) || '-'
        || lpad((s.case_n % 33334 + 1)::text, 5, '0') ELSE '' END,
    CASE WHEN ($12::bool[])[s.k] THEN 'application' ELSE '' END,
    CASE WHEN ($12::bool[])[s.k] THEN s.case_n * 3 + s.un % 3 + 1 END,
    ($13::text[])[s.k], ($14::text[])[s.k], ($15::text[])[s.k]::jsonb,
    '10.' || (s.un % 250) || '.' || (s.un / 250) || '.' || (20 + s.un % 7), $16::text,
    substr(md5(s.g::text), 1, 16),
    1000 + s.g % 16, s.g / 16 + 1,
    md5(s.g::text || 'p') || md5(s.g::text || 'q'),
    md5(s.g::text || 'h') || md5(s.g::text || 'i')
FROM (
    SELECT g,
        $4::timestamptz + make_interval(secs => (g - 1) * $5::float8) AS at,
        1 + floor(random() * $17::int)::int AS un,
        width_bucket(random(), $9::float8[]) AS k,
        floor(g::float8 / $3::float8 * ($18::int - $19::int) + random() * $19::int)::int AS case_n
    FROM generate_series($1::bigint, $2::bigint) AS g
) s
"""


@dataclass(frozen=True, slots=True)
class World:
    """The forces and users every part shares."""

    force_ids: tuple[int, ...]
    first_user_id: int

    def user(self, number: int) -> Actor:
        """Bench user `number` (1 to USERS); its force is fixed by the number, as in the bulk load."""
        return Actor(self.first_user_id + number - 1, self.force_ids[number % 3], f"bench.user{number:04d}")

    def case_force(self, case_id: int) -> int:
        return self.force_ids[(case_id - 1) % 3]


async def run() -> None:
    async with harness.fresh_database(pool_size=WRITERS + 2) as created:
        owner = await harness.owner(created)
        try:
            world = await _create_world(owner)
            print(f"machine: {os.cpu_count()} cores; {_load()} at the start")
            await _write(world, writers=WRITERS, rows_per_transaction=1, transactions=20, quiet=True)  # warm-up
            print(f"-- part 1: record() on the runtime role's pool (up to {WRITERS + 2} connections), empty table")
            await _write(world, writers=1, rows_per_transaction=1, transactions=TRANSACTIONS_PER_WRITER)
            await _write(world, writers=WRITERS, rows_per_transaction=1, transactions=TRANSACTIONS_PER_WRITER)
            await _write(
                world,
                writers=WRITERS,
                rows_per_transaction=ROWS_PER_BIG_TRANSACTION,
                transactions=TRANSACTIONS_PER_WRITER // ROWS_PER_BIG_TRANSACTION,
            )
            await _verify(owner)
            print(
                f"-- part 2: {AUDIT_ROWS:,} rows over {YEARS} years, {len(FORCES)} forces, {USERS:,} users ({_load()})"
            )
            await _bulk_load(owner, world)
            await _sizes(owner)
            print(f"-- record() again, with {AUDIT_ROWS:,} rows present ({_load()})")
            await _write(world, writers=WRITERS, rows_per_transaction=1, transactions=TRANSACTIONS_PER_WRITER)
            await _verify(owner)
            await _walk_like_verify(owner)
            await _queries(world)
        finally:
            await owner.close()


def _load() -> str:
    """The machine's one-minute load average: anything else running shows up in the figures."""
    return f"load average {os.getloadavg()[0]:.2f}"


# ---------------------------------------------------------------------------------------------
# Forces and users


async def _create_world(owner: asyncpg.Connection[Any]) -> World:
    force_ids: list[int] = []
    for code, name in FORCES:
        force_ids.append(
            await owner.fetchval(
                "INSERT INTO force (code, name, created_at) VALUES ($1, $2, now()) RETURNING id", code, name
            )
        )
    await owner.execute(
        'INSERT INTO app_user ("force", username, display_name, role, status, failed_attempts, team, '
        "created_at, updated_at) "
        "SELECT ($1::int[])[g % 3 + 1], 'bench.user' || lpad(g::text, 4, '0'), 'Bench User ' || g, "
        "CASE WHEN g % 10 = 0 THEN 'supervisor' WHEN g % 50 = 1 THEN 'auditor' ELSE 'officer' END, "
        "'active', 0, '', now(), now() FROM generate_series(1, $2::int) AS g ORDER BY g",
        force_ids,
        USERS,
    )
    span = await owner.fetchrow(
        "SELECT min(id) AS first, max(id) AS last FROM app_user WHERE username LIKE 'bench.user%'"
    )
    # The bulk load works out each row's user id from its number, so the ids must have no gaps.
    if span is None or span["first"] is None or span["last"] - span["first"] + 1 != USERS:
        raise RuntimeError("the bench users' ids are not contiguous")
    return World(tuple(force_ids), span["first"])


# ---------------------------------------------------------------------------------------------
# Part 1: writing through record()


async def _write(
    world: World, *, writers: int, rows_per_transaction: int, transactions: int, quiet: bool = False
) -> None:
    rng = random.Random(writers * 1000 + rows_per_transaction)

    async def writer(number: int) -> tuple[list[float], list[float]]:
        actor = world.user(number)
        transaction_ms: list[float] = []
        record_ms: list[float] = []
        for _ in range(transactions):
            started = time.perf_counter()
            async with db.transaction(force_id=actor.force_id) as conn:
                for _ in range(rows_per_transaction):
                    case_id = rng.randrange(CASES_PER_FORCE) * 3 + (number % 3) + 1
                    before = time.perf_counter()
                    await record(
                        conn,
                        actor=actor,
                        operation=Operation.consultation,
                        event="case.viewed",
                        meta=RequestMeta(ip=f"10.0.0.{number}", user_agent=USER_AGENT, request_id=secrets.token_hex(8)),
                        application_id=case_id,
                        reference=f"{FORCES[number % 3][0]}-2026-{case_id // 3:05d}",
                        record_type="application",
                        record_id=case_id,
                        justification="assigned officer",
                    )
                    record_ms.append((time.perf_counter() - before) * 1000)
            transaction_ms.append((time.perf_counter() - started) * 1000)
        return transaction_ms, record_ms

    started, cpu_started = time.perf_counter(), time.process_time()
    results = await asyncio.gather(*(writer(n) for n in range(1, writers + 1)))
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_started
    if quiet:
        return
    rows = writers * transactions * rows_per_transaction
    label = f"{writers} writer(s), {rows_per_transaction} row(s) per transaction"
    print(
        f"{label}: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s "
        f"({writers * transactions / elapsed:,.0f} transactions/s); this Python process used "
        f"{client_cpu / elapsed * 100:.0f}% of a core"
    )
    harness.report("  whole transaction (begin, record, commit)", [ms for t, _ in results for ms in t])
    harness.report("  one record() call", [ms for _, r in results for ms in r])


async def _verify(owner: asyncpg.Connection[Any]) -> None:
    started = time.perf_counter()
    report = await verify.verify(owner)
    elapsed = time.perf_counter() - started
    # verify rightly reports the bulk rows (chains 1000 and up) as outside the sixteen chains.
    breaks = [b for b in report.breaks if not (b.chain >= BULK_CHAIN and "outside" in b.problem)]
    if breaks:
        raise RuntimeError("the audit trail did not verify: " + "; ".join(str(b) for b in breaks))
    spread = await owner.fetch(
        "SELECT c.id, count(e.id) AS n FROM audit_chain c LEFT JOIN audit_event e ON e.chain = c.id GROUP BY c.id"
    )
    counts = [r["n"] for r in spread]
    print(
        f"verify: intact, {report.rows:,} rows in {report.chains} chains, {elapsed * 1000:,.0f} ms "
        f"({report.rows / elapsed:,.0f} rows/s); rows per chain {min(counts):,} to {max(counts):,}"
    )


# ---------------------------------------------------------------------------------------------
# Part 2: ten million rows, and the auditors' questions


async def _bulk_load(owner: asyncpg.Connection[Any], world: World) -> None:
    total = sum(k.per_mille for k in KINDS)
    if total != 1000:
        raise RuntimeError(f"the kinds add up to {total} per mille, not 1000")
    thresholds, so_far = [], 0
    for kind in KINDS:
        thresholds.append(so_far / 1000)
        so_far += kind.per_mille
    end = datetime.now(UTC) - timedelta(days=1)
    begin = end - timedelta(days=365 * YEARS)
    step = (end - begin).total_seconds() / AUDIT_ROWS
    window = CASES_PER_FORCE * CASE_ACTIVE_DAYS // (365 * YEARS)
    started = time.perf_counter()
    for first in range(1, AUDIT_ROWS + 1, BATCH_ROWS):
        await owner.execute(
            BULK_SQL,
            first,
            min(first + BATCH_ROWS - 1, AUDIT_ROWS),
            AUDIT_ROWS,
            begin,
            step,
            list(world.force_ids),
            [code for code, _ in FORCES],
            world.first_user_id,
            thresholds,
            [k.operation.value for k in KINDS],
            [k.event for k in KINDS],
            [k.on_case for k in KINDS],
            [k.justification for k in KINDS],
            [k.recipients for k in KINDS],
            [k.details for k in KINDS],
            USER_AGENT,
            USERS,
            CASES_PER_FORCE,
            window,
        )
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    await owner.execute("VACUUM (ANALYZE) audit_event")
    # Write the load out now, so that its checkpoint does not land in the middle of the next figures.
    await owner.execute("CHECKPOINT")
    vacuumed = time.perf_counter() - started
    print(
        f"bulk load (owner, INSERT ... SELECT generate_series, {BATCH_ROWS:,} rows per statement, all indexes "
        f"and foreign keys in place): {loaded:,.0f} s = {AUDIT_ROWS / loaded:,.0f} rows/s; "
        f"VACUUM ANALYZE and CHECKPOINT {vacuumed:,.0f} s"
    )
    print("  (bulk rows sit in chains 1000-1015 with placeholder hashes: the chain is not what part 2 measures)")


async def _walk_like_verify(owner: asyncpg.Connection[Any]) -> None:
    """Verify's work per row at this size: one bulk chain read in order and every row hashed.

    The bulk rows' placeholder hashes would stop `verify` at the first row, so this walks a chain
    with verify's own row stream and hash function and compares nothing.
    """
    started, count = time.perf_counter(), 0
    async with owner.transaction(readonly=True, isolation="repeatable_read"):
        async for row in verify._rows(owner, 1000):  # the verifier's own reading, on purpose
            row_hash(row)
            count += 1
    elapsed = time.perf_counter() - started
    rate = count / elapsed
    total = await owner.fetchval("SELECT count(*) FROM audit_event")
    print(
        f"verify's reading and hashing at this size: bulk chain 1000, {count:,} rows in {elapsed:.1f} s = "
        f"{rate:,.0f} rows/s; at that rate all {total:,} rows would take about {total / rate / 60:.1f} min"
    )


async def _sizes(owner: asyncpg.Connection[Any]) -> None:
    rows = await owner.fetchval("SELECT count(*) FROM audit_event")
    # The table is partitioned by month: its size is its partitions'.
    tree = "FROM pg_partition_tree('audit_event')"
    heap = await owner.fetchval(f"SELECT sum(pg_relation_size(relid)) {tree}")
    indexes = await owner.fetchval(f"SELECT sum(pg_indexes_size(relid)) {tree}")
    total = await owner.fetchval(f"SELECT sum(pg_total_relation_size(relid)) {tree}")
    per_million = 1_000_000 / rows
    print(
        f"audit_event: {rows:,} rows; table {_mib(heap)}, indexes {_mib(indexes)}, total with TOAST "
        f"{_mib(total)} (per million rows: table {_mib(heap * per_million)}, indexes {_mib(indexes * per_million)}, "
        f"total {_mib(total * per_million)}; {heap / rows:.0f} bytes of table per row)"
    )
    for name, size in await owner.fetch(
        "SELECT c.relname, (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree(c.oid)) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = 'audit_event'::regclass ORDER BY c.relname"
    ):
        print(f"  index {name}: {_mib(size)}")


def _mib(size: float) -> str:
    return f"{size / 2**20:,.0f} MiB"


Query = Callable[["asyncpg.Connection[Any]", Any], Awaitable[list[asyncpg.Record]]]


async def _queries(world: World) -> None:
    rng = random.Random(62)
    cases = [rng.randrange(1, CASES_PER_FORCE * 3 + 1) for _ in range(QUERY_RUNS)]
    users = [world.user(rng.randrange(1, USERS + 1)) for _ in range(QUERY_RUNS)]
    month_ago = datetime.now(UTC) - timedelta(days=30)

    by_case = [(world.case_force(c), c) for c in cases]
    by_user = [(u.force_id or 0, u.username) for u in users]

    print(
        f"-- queries as the runtime role, force set per transaction, {QUERY_RUNS} random cases or users each "
        f"({_load()})"
    )
    await _time(
        "case access history (who looked at this case): queries.case_access_history",
        by_case,
        queries.case_access_history,
    )
    await _time(
        "case timeline (the case page's record of changes): queries.case_timeline",
        by_case,
        queries.case_timeline,
    )
    await _time(
        f"user activity (what did this user do), audit page of {PAGE_SIZE}: queries.search(username=...)",
        by_user,
        lambda conn, username: queries.search(conn, queries.Search(username=username), limit=PAGE_SIZE),
    )
    await _time(
        "user activity, last 30 days: queries.search(username=..., since=...)",
        by_user,
        lambda conn, username: queries.search(
            conn, queries.Search(username=username, since=month_ago), limit=PAGE_SIZE
        ),
    )
    await _time(
        f"user activity as CSV (export limit {EXPORT_LIMIT:,}): queries.search(username=...)",
        by_user,
        lambda conn, username: queries.search(conn, queries.Search(username=username), limit=EXPORT_LIMIT),
    )
    await _time(
        f"the force's latest {PAGE_SIZE} events (audit page, no filter): queries.search()",
        by_user,
        lambda conn, _: queries.search(conn, queries.Search(), limit=PAGE_SIZE),
    )
    # The events docs/security.md (4.3) says to watch are rare: none of the bulk rows is one.
    rare = "account.locked"
    await _time(
        f"audit search by a rare event, no dates ({RARE_EVENT_RUNS} runs): queries.search(event={rare!r})",
        by_user[:RARE_EVENT_RUNS],
        lambda conn, _: queries.search(conn, queries.Search(event=rare), limit=PAGE_SIZE),
    )
    await _time(
        f"audit search by a rare event, last 30 days: queries.search(event={rare!r}, since=...)",
        by_user,
        lambda conn, _: queries.search(conn, queries.Search(event=rare, since=month_ago), limit=PAGE_SIZE),
    )


async def _time(label: str, picks: Sequence[tuple[int, Any]], query: Query) -> None:
    """Each pick in its own transaction scoped to its force, after a warm-up on the first one."""
    for force_id, key in picks[:1]:
        async with db.transaction(force_id=force_id) as conn:
            await query(conn, key)
    timings: list[float] = []
    counts: list[int] = []
    for force_id, key in picks:
        async with db.transaction(force_id=force_id) as conn:
            started = time.perf_counter()
            rows = await query(conn, key)
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(rows))
    print(f"{label}\n  rows returned: median {statistics.median(counts):,.0f}, max {max(counts):,}")
    harness.report("  time", timings)
    ordered = sorted(timings)
    slow = ordered[max(0, round(len(ordered) * 0.95) - 1)] > SLOW_MS
    if slow or EXPLAIN_ALL:
        slowest = picks[timings.index(ordered[-1])]
        print(f"  {f'p95 over {SLOW_MS:.0f} ms; t' if slow else 'T'}he plans for the slowest pick ({slowest[1]}):")
        # A prepared statement may switch to a generic plan after five runs, so show that one too.
        for mode in ("auto", "force_generic_plan"):
            async with db.transaction(force_id=slowest[0]) as conn:
                await conn.execute(f"SET LOCAL plan_cache_mode = {mode}")
                explaining = _Explain(conn)
                await query(cast("asyncpg.Connection[Any]", explaining), slowest[1])
            print(f"   plan_cache_mode = {mode}:")
            for line in explaining.plan:
                print(f"    {line}")


class _Explain:
    """Stands in for the connection: runs the statement a query function builds under EXPLAIN ANALYZE.

    Through PREPARE and EXECUTE, as asyncpg runs it, so that `plan_cache_mode` decides between the
    plan for these values and the generic plan a prepared statement may settle on.
    """

    def __init__(self, conn: asyncpg.Connection[Any]) -> None:
        self._conn = conn
        self.plan: list[str] = []

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        literals = [
            await self._conn.fetchval("SELECT quote_nullable($1::text)", None if arg is None else str(arg))
            for arg in args
        ]
        await self._conn.execute(f"PREPARE bench_explained AS {query}")
        try:
            values = f"({', '.join(literals)})" if literals else ""
            rows = await self._conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_explained{values}")
        finally:
            await self._conn.execute("DEALLOCATE bench_explained")
        self.plan = [row[0] for row in rows]
        return []
