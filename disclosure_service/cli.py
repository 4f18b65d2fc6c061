"""The `disclosure-service` command line for administrators.

Every command reads the same settings as the web service. A configuration problem ends the
command with one line on stderr that says what to fix, and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
from cryptography.exceptions import InvalidTag

from disclosure_service import __version__
from disclosure_service.accounts import cli as accounts_cli
from disclosure_service.accounts.service import AccountError
from disclosure_service.audit import cli as audit_cli
from disclosure_service.auth import totp
from disclosure_service.auth.keys import totp_key_problem
from disclosure_service.auth.service import Keys
from disclosure_service.clocks import cli as clocks_cli
from disclosure_service.database import embedded
from disclosure_service.database import engine as db
from disclosure_service.database.checks import pool_capacity_problem
from disclosure_service.database.migrate import MigrationError, migrate
from disclosure_service.database.setup import DatabaseUrls, check_reachable, resolve_urls
from disclosure_service.settings import ConfigurationError, Settings, configure_logging, get_settings

log = logging.getLogger("disclosure_service")

EXIT_CONFIGURATION = 2


class CommandError(Exception):
    """The command cannot do what was asked; the message is shown as it is."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
        configure_logging(settings.log_level)
        result: int = args.handler(settings, args)
    except (ConfigurationError, MigrationError) as exc:
        print(f"disclosure-service: {exc}", file=sys.stderr)
        return EXIT_CONFIGURATION
    except CommandError as exc:
        print(f"disclosure-service: {exc}", file=sys.stderr)
        return 1
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="disclosure-service",
        description="Run and administer the disclosure scheme case service. Settings come from the "
        "environment (see docs/operations.md); without DATABASE_URL an embedded PostgreSQL is used.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    serve = commands.add_parser(
        "serve",
        help="run the web service",
        description="Run the web service. Migrates the database first unless --no-migrate is given.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="number of worker processes (default 1)")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply database migrations first")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo force, users and cases before serving (idempotent)"
    )
    serve.set_defaults(handler=cmd_serve)

    migrate_cmd = commands.add_parser(
        "migrate",
        help="apply database migrations",
        description="Create the web service's database role if needed, apply any migrations that have "
        "not run, and set the role's privileges. Safe to run again.",
    )
    migrate_cmd.set_defaults(handler=cmd_migrate)

    demo = commands.add_parser(
        "demo",
        help="load demo data",
        description="Load a demo force, demo users and realistic demo cases. Running it again changes "
        "nothing. Never use it on a live database.",
    )
    demo.set_defaults(handler=cmd_demo)

    demo_code = commands.add_parser(
        "demo-code",
        help="print a demo user's current sign-in code",
        description="Print the code a demo user's authenticator would show now (development only), or "
        "with --uri the otpauth:// address to add the account to a real authenticator app.",
    )
    demo_code.add_argument("username", help="a demo username, e.g. demo.officer")
    demo_code.add_argument("--uri", action="store_true", help="print the otpauth:// URI instead of a code")
    demo_code.set_defaults(handler=cmd_demo_code)

    check = commands.add_parser(
        "check",
        help="check configuration and database",
        description="Check the configuration, that both database roles can connect, that no migrations "
        "are waiting, and that the web service's role cannot bypass row-level security.",
    )
    check.set_defaults(handler=cmd_check)

    accounts_cli.register(commands, run_as_owner)
    audit_cli.register(commands, run_as_owner)
    clocks_cli.register(commands, run_as_owner)
    return parser


def run_as_owner(
    settings: Settings,
    body: Callable[[asyncpg.Connection[Any]], Awaitable[int]],
    *,
    transactional: bool = True,
) -> int:
    """Run `body` as the schema owner, in one transaction unless told not to (it opens its own).

    An AccountError becomes a clear message.
    """

    async def go() -> int:
        refuse_a_new_embedded_database(settings)
        owner = (await resolve_urls(settings)).owner_or_fail()
        await check_reachable(owner, "DATABASE_URL")
        conn = await asyncpg.connect(owner)
        try:
            if not transactional:
                return await body(conn)
            async with conn.transaction():
                return await body(conn)
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        except asyncpg.UndefinedTableError:
            raise ConfigurationError("the database has no tables yet: run `disclosure-service migrate` first") from None
        finally:
            await conn.close()

    return run(go)


def refuse_a_new_embedded_database(settings: Settings) -> None:
    """Administrative commands work on an existing database; they never start an empty one."""
    if settings.embedded_database and not (settings.embedded_pgdata / "PG_VERSION").exists():
        raise ConfigurationError(
            f"there is no database in {settings.embedded_pgdata}: run `disclosure-service serve --demo` (or "
            "`migrate`) in this folder first, set DATA_DIR to where it is, or set DATABASE_URL"
        )


def check_port_free(host: str, port: int) -> None:
    """Fail before migrating, not after, if the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise ConfigurationError(f"cannot listen on {host}: not an address of this machine") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a previous run is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigurationError(
                    f"port {port} on {host} is already in use: stop what uses it or choose another with --port"
                ) from None
            raise ConfigurationError(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None


def run(coro_fn: Callable[[], Coroutine[Any, Any, int]]) -> int:
    return asyncio.run(coro_fn())


async def prepare_database(settings: Settings, *, apply_migrations: bool = True) -> DatabaseUrls:
    """Resolve the URLs (starting the embedded server if needed), check them, migrate."""
    urls = await resolve_urls(settings)
    if apply_migrations:
        owner = urls.owner_or_fail()
        await check_reachable(owner, "DATABASE_URL")
        for migration_id in await migrate(owner, urls.app):
            print(f"applied migration {migration_id}")
    await check_reachable(urls.app, "APP_DATABASE_URL")
    return urls


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        await prepare_database(settings)
        print("database is up to date")
        return 0

    return run(go)


def refuse_demo_in_production(settings: Settings) -> None:
    if settings.is_production:
        raise CommandError("demo data (with its published password) is never loaded in production")


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    refuse_demo_in_production(settings)

    async def go() -> int:
        urls = await prepare_database(settings)
        await load_demo(settings, urls)
        print(sign_in_help(settings, settings.public_url))
        return 0

    return run(go)


async def load_demo(settings: Settings, urls: DatabaseUrls) -> None:
    from disclosure_service.demo.loader import load  # noqa: PLC0415  # only this command needs it

    await db.open_pool(urls.owner_or_fail(), min_size=1, max_size=2)
    try:
        summary = await load(Keys.from_settings(settings))
    finally:
        await db.close_pool()
    for line in summary:
        print(line)


def sign_in_help(settings: Settings, base_url: str) -> str:
    from disclosure_service.demo.loader import DEMO_PASSWORD  # noqa: PLC0415

    return "\n".join(
        (
            f"Sign in at {base_url} as demo.officer, demo.supervisor, demo.admin or demo.auditor",
            f"  password: {DEMO_PASSWORD}",
            "  code:     .venv/bin/disclosure-service demo-code demo.officer  (the current 6-digit code)",
            "  Clare's Law (DVDS) too: valley.officer or valley.supervisor (Demo Valley Police)",
        )
    )


def cmd_demo_code(settings: Settings, args: argparse.Namespace) -> int:
    refuse_demo_in_production(settings)
    keys = Keys.from_settings(settings)

    async def body(conn: asyncpg.Connection[Any]) -> int:
        row = await conn.fetchrow("SELECT id, totp_secret_encrypted FROM app_user WHERE username = $1", args.username)
        if row is None or row["totp_secret_encrypted"] is None:
            raise CommandError(f"{args.username} has no authenticator set up")
        try:
            secret = keys.box.decrypt(row["totp_secret_encrypted"], row["id"])
        except InvalidTag:
            raise ConfigurationError(
                "TOTP_ENCRYPTION_KEY does not decrypt this user's authenticator secret: it is not the key it was "
                "encrypted with"
            ) from None
        print(totp.provisioning_uri(secret, args.username) if args.uri else totp.code_at(secret, datetime.now(UTC)))
        return 0

    return run_as_owner(settings, body)


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from disclosure_service.database.checks import run_checks  # noqa: PLC0415

    async def go() -> int:
        urls = await resolve_urls(settings)
        problems = 0
        checks = await run_checks(settings, urls)
        if all(ok for ok, _ in checks):  # the key is checked against a database that answers
            key_problem = await totp_key_problem(urls.app, Keys.from_settings(settings).box)
            checks.append(
                (key_problem is None, key_problem or "TOTP_ENCRYPTION_KEY decrypts the stored authenticator secrets")
            )
        for ok, line in checks:
            print(("ok      " if ok else "PROBLEM ") + line)
            problems += not ok
        return 1 if problems else 0

    return run(go)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415

    if args.workers < 1:
        raise CommandError("--workers must be at least 1")
    check_port_free(args.host, args.port)
    if args.demo:
        refuse_demo_in_production(settings)

    async def go() -> DatabaseUrls:
        urls = await prepare_database(settings, apply_migrations=not args.no_migrate)
        if args.demo:
            await load_demo(settings, urls)
        for problem in (
            await pool_capacity_problem(urls.app, settings.db_pool_max, args.workers),
            await totp_key_problem(urls.app, Keys.from_settings(settings).box),
        ):
            if problem is not None:
                raise ConfigurationError(problem)
        return urls

    urls = asyncio.run(go())
    # Worker processes read the resolved address: an embedded server is started once, here. They get
    # the web service's role only: the owner's address stays out of their environment.
    os.environ.pop("DATABASE_URL", None)
    os.environ["APP_DATABASE_URL"] = urls.app
    base_url = f"http://{args.host}:{args.port}"
    if args.demo:
        print(sign_in_help(settings, base_url))
    print(f"serving on {base_url} with {args.workers} worker(s); Ctrl+C stops")
    if settings.embedded_database:
        embedded.Watchdog(settings.embedded_pgdata).start()
    # uvicorn stops cleanly on SIGTERM, then raises the signal again; with the default action the
    # process would die there, before the embedded PostgreSQL is stopped at exit. Exit instead.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    uvicorn.run(
        "disclosure_service.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level.lower(),
        server_header=False,
        # Behind a proxy, trust X-Forwarded-* only from the proxies named in FORWARDED_ALLOW_IPS.
        proxy_headers=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
