"""`disclosure-service audit ...`: check the audit trail and export its chain heads."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg

from disclosure_service.audit import verify
from disclosure_service.settings import Settings

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

    def run_verify(settings: Settings, args: argparse.Namespace) -> int:
        exported = verify.heads_from_json(args.heads.read_text(encoding="utf-8")) if args.heads else None

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
