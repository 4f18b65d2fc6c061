"""`disclosure-service audit ...`: check the audit trail and export its chain heads."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from disclosure_service.audit import partitions, verify
from disclosure_service.settings import ConfigurationError, Settings

Runner = Callable[..., int]


def register(commands: Any, run_as_owner: Runner) -> None:
    audit = commands.add_parser("audit", help="check and export the audit trail", description=__doc__)
    audit_commands = audit.add_subparsers(title="commands", metavar="COMMAND", required=True)

    check = audit_commands.add_parser(
        "verify",
        help="check the hash chains and report the first broken link",
        description="Recompute every audit row's hash and check each link and each chain's end. Exits 1 and "
        "names the first broken row of each chain if anything was changed or removed. With --heads, also "
        "compares with heads exported earlier by `audit head`, which catches rows cut off the end.",
    )
    check.add_argument("--heads", type=Path, help="a file written earlier by `audit head --output`")
    check.add_argument(
        "--partition",
        metavar="NAME",
        help="check one month only (attached or detached, see `audit partitions`) against its neighbours",
    )
    check.add_argument(
        "--resume",
        type=Path,
        metavar="FILE",
        help="check month by month, noting each month done in FILE; run again with the same FILE to carry on "
        "where a stopped run left off (the file is removed when the whole trail has passed)",
    )

    def run_verify(settings: Settings, args: argparse.Namespace) -> int:
        exported = verify.heads_from_json(args.heads.read_text(encoding="utf-8")) if args.heads else None
        if args.partition:
            return run_as_owner(settings, lambda conn: _verify_month(conn, args.partition), transactional=False)
        if args.resume:
            return run_as_owner(settings, lambda conn: _verify_resumably(conn, args.resume), transactional=False)

        async def body(conn: asyncpg.Connection[Any]) -> int:
            report = await verify.verify(conn, exported)
            if report.ok:
                print(f"audit trail intact: {report.rows} rows in {report.chains} chains")
                return 0
            for broken in report.breaks:
                print(f"BROKEN {broken}")
            return 1

        return run_as_owner(settings, body, transactional=False)

    check.set_defaults(handler=run_verify)

    head = audit_commands.add_parser(
        "head",
        help="print (or save) the current end of every chain",
        description="Print each chain's last position and hash as JSON. Keep a copy somewhere the database's "
        "administrators cannot change (a ticket, an e-mail to the information security officer): later, "
        "`audit verify --heads FILE` proves nothing was removed from the end since.",
    )
    head.add_argument("--output", type=Path, help="write to this file instead of printing")

    def run_head(settings: Settings, args: argparse.Namespace) -> int:
        async def body(conn: asyncpg.Connection[Any]) -> int:
            text = verify.heads_to_json(await verify.heads(conn))
            if args.output:
                args.output.write_text(text + "\n", encoding="utf-8")
                print(f"wrote the chain heads to {args.output}")
            else:
                print(text)
            return 0

        return run_as_owner(settings, body)

    head.set_defaults(handler=run_head)

    months = audit_commands.add_parser(
        "partitions",
        help="list the audit trail's months, attached and detached",
        description="One line per month of the audit trail: its name, dates, rows, and whether it is attached "
        "(part of the trail the service reads) or detached for the archive.",
    )

    def run_partitions(settings: Settings, args: argparse.Namespace) -> int:
        async def body(conn: asyncpg.Connection[Any]) -> int:
            for month in await partitions.listing(conn):
                span = (
                    f"{month.starts_at:%Y-%m-%d} to {month.ends_at:%Y-%m-%d}"
                    if month.starts_at and month.ends_at
                    else "rows outside the months"
                )
                state = "attached" if month.attached else "detached"
                print(f"{month.name}  {span}  {month.rows} rows  {state}")
            return 0

        return run_as_owner(settings, body)

    months.set_defaults(handler=run_partitions)

    detach = audit_commands.add_parser(
        "detach",
        help="detach a past month from the audit trail for the archive",
        description="Take a month that has ended out of the audit trail. Its table stays, unchangeable, for "
        "archiving (pg_dump -t NAME) before it is dropped; the rows where it joins the rest of each chain are "
        "sealed in audit_archive, so `audit verify` still proves the chains whole and `audit verify --partition "
        "NAME` checks the month itself.",
    )
    detach.add_argument("name", metavar="NAME", help="a month as `audit partitions` lists it")

    def run_detach(settings: Settings, args: argparse.Namespace) -> int:
        async def body(conn: asyncpg.Connection[Any]) -> int:
            try:
                month = await partitions.detach(conn, args.name, datetime.now(UTC))
            except partitions.PartitionError as exc:
                raise ConfigurationError(str(exc)) from None
            print(f"detached {month.name} ({month.rows} rows); check it with `audit verify --partition {month.name}`")
            return 0

        return run_as_owner(settings, body)

    detach.set_defaults(handler=run_detach)


async def _verify_month(conn: asyncpg.Connection[Any], name: str) -> int:
    try:
        report = await partitions.verify_month(conn, name)
    except partitions.PartitionError as exc:
        raise ConfigurationError(str(exc)) from None
    if report.ok:
        print(f"{name} intact: {report.rows} rows, each linked to its neighbours")
        return 0
    for broken in report.breaks or []:
        print(f"BROKEN {name}: {broken}")
    return 1


async def _verify_resumably(conn: asyncpg.Connection[Any], state: Path) -> int:
    done = set(state.read_text(encoding="utf-8").split()) if state.exists() else set()  # noqa: ASYNC240  # a CLI run
    if done:
        print(f"carrying on: {len(done)} months already checked (from {state})")
    rows = 0
    for month in await partitions.listing(conn):
        if not month.attached or month.name in done:
            continue
        report = await partitions.verify_month(conn, month.name)
        if not report.ok:
            for broken in report.breaks or []:
                print(f"BROKEN {month.name}: {broken}")
            return 1
        rows += report.rows
        with state.open("a", encoding="utf-8") as noted:  # a CLI run
            noted.write(month.name + "\n")
        print(f"{month.name} intact: {report.rows} rows")
    problems = await partitions.check_heads(conn)
    for broken in problems:
        print(f"BROKEN {broken}")
    if problems:
        return 1
    state.unlink(missing_ok=True)  # noqa: ASYNC240  # a CLI run, nothing else on the loop
    print(f"audit trail intact: {rows} rows checked in this run, every chain's head in place")
    return 0
