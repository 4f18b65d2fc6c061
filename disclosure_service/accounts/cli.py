"""`disclosure-service forces ...` and `disclosure-service users ...`: account administration.

These run as the schema owner (DATABASE_URL), outside any force's row-level security, for the
administrator who sets a force up. Each change is audited with the operating-system user's name.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from disclosure_service.accounts import service
from disclosure_service.auth.service import Keys
from disclosure_service.identity.principal import Actor
from disclosure_service.identity.roles import Role
from disclosure_service.schemes import SCHEMES
from disclosure_service.settings import Settings

Handler = Callable[[Settings, argparse.Namespace], int]
Body = Callable[["asyncpg.Connection[Any]", argparse.Namespace, Settings], Awaitable[int]]
# Every scheme the service runs (`schemes/`); a force runs those it is given.
SCHEME_NAMES = frozenset(scheme.value for scheme in SCHEMES)
Runner = Callable[[Settings, Callable[["asyncpg.Connection[Any]"], Awaitable[int]]], int]


def register(commands: Any, run_as_owner: Runner) -> None:
    """Add the `forces` and `users` commands to the main parser's sub-commands."""

    def handler(body: Body) -> Handler:
        def run(settings: Settings, args: argparse.Namespace) -> int:
            return run_as_owner(settings, lambda conn: body(conn, args, settings))

        return run

    forces = commands.add_parser("forces", help="create and list forces", description="Manage forces (tenants).")
    force_commands = forces.add_subparsers(title="commands", metavar="COMMAND", required=True)
    create = force_commands.add_parser(
        "create",
        help="create a force",
        description="Create a force. Its users and cases are invisible to every other force.",
    )
    create.add_argument("--code", required=True, help="short code in capitals, e.g. WYP")
    create.add_argument("--name", required=True, help="the force's name as users see it")
    create.add_argument("--welsh", action="store_true", help="the force offers documents in Welsh")
    create.add_argument(
        "--schemes",
        default="csods",
        help=f"the schemes it runs, comma-separated ({', '.join(SCHEME_NAMES)}; default csods)",
    )
    create.set_defaults(handler=handler(_create_force))
    schemes = force_commands.add_parser(
        "schemes",
        help="change the schemes a force runs",
        description="Set the disclosure schemes a force runs. Cases under a scheme it stops running stay as they are.",
    )
    schemes.add_argument("code", help="the force's code")
    schemes.add_argument("schemes", help=f"comma-separated: {', '.join(SCHEME_NAMES)}")
    schemes.set_defaults(handler=handler(_set_schemes))
    crest = force_commands.add_parser(
        "crest",
        help="set or remove the crest on a force's documents",
        description="Set the force's crest (a PNG of 512 KB or less) shown in the header of the documents "
        "it generates from now on, or remove it with --remove.",
    )
    crest.add_argument("code", help="the force's code")
    crest.add_argument("file", nargs="?", help="the picture: a PNG file")
    crest.add_argument("--remove", action="store_true", help="remove the crest: documents carry the name only")
    crest.set_defaults(handler=handler(_set_crest))
    listing = force_commands.add_parser("list", help="list forces", description="List every force.")
    listing.set_defaults(handler=handler(_list_forces))

    users = commands.add_parser("users", help="manage staff accounts", description="Manage staff accounts.")
    user_commands = users.add_subparsers(title="commands", metavar="COMMAND", required=True)
    create_user = user_commands.add_parser(
        "create",
        help="create a user and print their enrolment link",
        description="Create a user. The last line printed is their one-time enrolment link "
        f"(valid {service.ENROLMENT_LINK_LIFETIME.total_seconds() / 3600:.0f} hours): send it to them "
        "by a trusted route.",
    )
    create_user.add_argument("--force", required=True, help="the force's code")
    create_user.add_argument("--username", required=True, help="lower-case letters, digits, dots, dashes")
    create_user.add_argument("--role", required=True, choices=[r.value for r in Role], help="what they may do")
    create_user.add_argument("--name", default="", help="name shown on screens (defaults to the username)")
    create_user.add_argument("--team", default="", help="the team or unit they work in, for the oversight figures")
    create_user.set_defaults(handler=handler(_create_user))

    list_users = user_commands.add_parser("list", help="list a force's users", description="List a force's users.")
    list_users.add_argument("--force", required=True, help="the force's code")
    list_users.set_defaults(handler=handler(_list_users))

    for name, help_text, body in (
        ("unlock", "clear a lockout after failed sign-ins", _unlock),
        ("reset-2fa", "clear password and authenticator; print a new enrolment link", _reset),
        ("disable", "switch an account off and end its sessions", _disable),
        ("enable", "switch a disabled account back on", _enable),
    ):
        command = user_commands.add_parser(name, help=help_text, description=help_text.capitalize() + ".")
        command.add_argument("username")
        command.set_defaults(handler=handler(body))

    role = user_commands.add_parser("set-role", help="change a user's role", description="Change a user's role.")
    role.add_argument("username")
    role.add_argument("role", choices=[r.value for r in Role])
    role.set_defaults(handler=handler(_set_role))


def _actor(force_id: int | None) -> Actor:
    return Actor(user_id=None, force_id=force_id, username=f"cli:{getpass.getuser()}"[:64])


def _now() -> datetime:
    return datetime.now(UTC)


async def _create_force(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    schemes = service.check_schemes(args.schemes.split(","), SCHEME_NAMES)
    force_id = await service.create_force(
        conn, code=args.code.upper(), name=args.name, offers_welsh=args.welsh, schemes=schemes
    )
    print(f"created force {args.code.upper()} (id {force_id}), running {', '.join(schemes)}")
    return 0


async def _set_schemes(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    schemes = service.check_schemes(args.schemes.split(","), SCHEME_NAMES)
    await service.set_schemes(conn, code=args.code.upper(), schemes=schemes)
    print(f"force {args.code.upper()} runs {', '.join(schemes)}")
    return 0


async def _set_crest(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    code = args.code.upper()
    if args.remove == bool(args.file):
        raise service.AccountError("Give either the crest's file or --remove", "crest")
    if args.remove:
        await service.set_crest(conn, code=code, picture=None)
        print(f"force {code}: crest removed; its documents carry its name only")
        return 0
    try:
        picture = await asyncio.to_thread(Path(args.file).read_bytes)
    except OSError as exc:
        raise service.AccountError(f"Cannot read {args.file}: {exc.strerror}", "crest") from exc
    await service.set_crest(conn, code=code, picture=picture)
    print(f"force {code}: crest set ({len(picture) // 1024 or 1} KB); documents generated from now on carry it")
    return 0


async def _list_forces(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    for row in await conn.fetch("SELECT code, name, offers_welsh, schemes FROM force ORDER BY code"):
        welsh = " (Welsh offered)" if row["offers_welsh"] else ""
        print(f"{row['code']:<8} {row['name']}{welsh}; runs {', '.join(row['schemes'])}")
    return 0


async def _create_user(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    force_id = await service.force_id_for(conn, args.force)
    _, link = await service.create_user(
        conn,
        force_id=force_id,
        username=args.username,
        display_name=args.name,
        role=Role(args.role),
        team=args.team,
        actor=_actor(force_id),
        token_key=Keys.from_settings(settings).token_key,
        now=_now(),
    )
    until = f"{link.expires_at:%Y-%m-%d %H:%M} UTC"
    print(f"created {args.role} {args.username.lower()}; enrolment link valid until {until}:")
    print(link.url(settings.public_url))
    return 0


async def _list_users(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    force_id = await service.force_id_for(conn, args.force)
    for user in await service.list_users(conn, force_id, _now()):
        flags = " locked" if user.locked else ""
        print(f"{user.username:<24} {user.role.value:<11} {user.status.value:<9}{flags}  {user.display_name}")
    return 0


async def _unlock(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    user = await service.find_user(conn, args.username, _now())
    await service.unlock(conn, user=user, actor=_actor(user.force_id), now=_now())
    print(f"unlocked {user.username}")
    return 0


async def _reset(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    user = await service.find_user(conn, args.username, _now())
    link = await service.reset_two_factor(
        conn, user=user, actor=_actor(user.force_id), token_key=Keys.from_settings(settings).token_key, now=_now()
    )
    print(f"reset {user.username}: sessions ended; new enrolment link:")
    print(link.url(settings.public_url))
    return 0


async def _disable(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    user = await service.find_user(conn, args.username, _now())
    await service.disable(conn, user=user, actor=_actor(user.force_id), now=_now())
    print(f"disabled {user.username}; their sessions have ended")
    return 0


async def _enable(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    user = await service.find_user(conn, args.username, _now())
    await service.enable(conn, user=user, actor=_actor(user.force_id), now=_now())
    print(f"enabled {user.username}")
    return 0


async def _set_role(conn: asyncpg.Connection[Any], args: argparse.Namespace, settings: Settings) -> int:
    user = await service.find_user(conn, args.username, _now())
    await service.set_role(conn, user=user, role=Role(args.role), actor=_actor(user.force_id), now=_now())
    print(f"{user.username} is now {args.role}")
    return 0
