"""Who reaches what (security.md rows 1, 12, 13, 15, 16, 17, 32)."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from litestar import Litestar
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.database.urls import user_of
from disclosure_service.identity.roles import Role
from disclosure_service.web.headers import CONTENT_SECURITY_POLICY
from tests import cases, database
from tests.factories import TestUser, make_user, next_time_step
from tests.http import Api

# Reachable without signing in: sign-in, enrolment, health and static files. Nothing else.
PUBLIC_PATHS = {
    "/sign-in",
    "/enrol/{token:str}",
    "/healthz",
    "/static",
    "/api/v1/auth/csrf",
    "/api/v1/auth/login",
    "/api/v1/auth/enrol",
}
HALF_SIGNED_IN_PATHS = {"/sign-in/code", "/api/v1/auth/totp"}
ENROLMENT_PATHS = {"/enrol/authenticator", "/api/v1/auth/enrol/confirm"}


def http_routes(app: Litestar) -> list[tuple[str, str, HTTPRouteHandler]]:
    routes: list[tuple[str, str, HTTPRouteHandler]] = []
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for method in sorted(handler.http_methods):
                    if method not in {"HEAD", "OPTIONS"}:
                        routes.append((method, route.path, handler))
    return routes


def concrete(path: str) -> str:
    return re.sub(r"\{[^}:]+:(int|str)\}", lambda m: "1" if m.group(1) == "int" else "x", path)


def test_every_route_declares_who_may_call_it(app: Litestar) -> None:
    routes = http_routes(app)
    assert len(routes) > 20
    undeclared = [f"{method} {path}" for method, path, handler in routes if "access" not in handler.opt]
    assert undeclared == []


def test_only_sign_in_enrolment_health_and_static_are_public(app: Litestar) -> None:
    public = {path for _, path, handler in http_routes(app) if handler.opt.get("access") == "public"}
    assert {p for p in public if not p.startswith("/static")} <= PUBLIC_PATHS


async def sweep(api: Api, app: Litestar, allowed: set[str]) -> list[str]:
    """Every route outside `allowed`, called with the client's cookies; returns those that answered."""
    reached = []
    for method, path, _ in http_routes(app):
        if path in allowed or path.startswith("/static"):
            continue
        url = concrete(path)
        response = await (api.get(url) if method == "GET" else api.post(url, {}))
        redirected_to_sign_in = response.status_code == 303 and response.headers["location"].startswith("/sign-in")
        if not (response.status_code == 401 or redirected_to_sign_in):
            reached.append(f"{method} {path} -> {response.status_code}")
    return reached


async def test_anonymous_requests_reach_nothing_but_the_public_routes(api: Api, app: Litestar) -> None:
    assert await sweep(api, app, PUBLIC_PATHS) == []


async def test_a_password_only_session_reaches_nothing_but_the_code_step(
    api: Api, app: Litestar, officer: TestUser
) -> None:
    await api.password_only(officer)
    assert await sweep(api, app, PUBLIC_PATHS | HALF_SIGNED_IN_PATHS) == []


async def test_an_enrolling_session_reaches_nothing_but_enrolment(
    api: Api, app: Litestar, forces: dict[str, int], keys: Keys
) -> None:
    user = await make_user(force_id=forces["ALPHA"], keys=keys, status="pending")
    async with db.transaction(force_id=user.force_id) as conn:
        from disclosure_service.auth import sessions
        from disclosure_service.identity.principal import SessionStage

        token = await sessions.create(
            conn,
            key=keys.token_key,
            user_id=user.id,
            force_id=user.force_id,
            stage=SessionStage.enrolment,
            now=datetime.now(UTC),
        )
    api.set_session(token)
    assert (await api.get("/enrol/authenticator")).status_code == 200
    assert await sweep(api, app, PUBLIC_PATHS | ENROLMENT_PATHS) == []


async def test_roles_see_only_their_own_pages(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    assert (await api.get("/api/v1/users")).status_code == 403
    assert (await api.get("/admin/users")).status_code == 403


async def test_the_api_description_is_for_signed_in_users(api: Api, officer: TestUser) -> None:
    assert (await api.get("/schema/openapi.json")).status_code == 401
    await api.sign_in(officer)
    schema = await api.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/auth/login" in schema.json()["paths"]


# ---------------------------------------------------------------------------------------------
# Numbers and dates out of range (row 20): a 400 or a 404, never a 5xx

HUGE = ("99999999999999999999", "0")  # past int8, and below every id (int4 + 1 is checked alike)
ODD_QUERY = (
    "page=%C2%B2&before=99999999999999999999&since=9999-12-31&until=9999-12-31&from=0001-01-01&to=9999-12-31"
    "&year=99999999999999999999&reason=x&reason_detail=y&queue=z&q=%C2%B2"
)
# A form or JSON body whose every likely number is out of range or not an ASCII number.
ODD_FORM = {
    "version": "²",
    "case_ids": "99999999999999999999",
    "target": "²",
    "recipient": "99999999999999999999",
    "days": "99999999999999999999",
    "received_at-day": "31",
    "received_at-month": "12",
    "received_at-year": "9999",
}
ODD_JSON = ({"version": 10**20}, {"version": 2**31, "submission_key": "odd-numbers-0001"}, {"version": -(2**40)})
NEVER_CALLED = {"/sign-out", "/api/v1/auth/logout"}  # they would end the session being tested


@pytest.mark.parametrize("role", [Role.supervisor, Role.admin, Role.auditor])  # officers reach less than supervisors
async def test_huge_and_odd_numbers_and_dates_never_cause_a_server_error(
    api: Api, app: Litestar, *, forces: dict[str, int], keys: Keys, transaction: None, role: Role
) -> None:
    user = await make_user(force_id=forces["ALPHA"], keys=keys, role=role)
    await api.sign_in(user)
    # A real case, so that its actions get as far as reading the numbers in their bodies.
    real = str((await cases.create(api))["id"]) if role is Role.supervisor else "1"
    failures = []
    for method, path, _ in http_routes(app):
        if path.startswith("/static") or path in NEVER_CALLED:
            continue
        for number in (*HUGE, real) if ":int}" in path else ("1",):
            url = re.sub(r"\{[^}:]+:int\}", number, re.sub(r"\{[^}:]+:str\}", "x", path))
            if method == "GET":
                responses = [await api.get(f"{url}?{ODD_QUERY}")]
            elif path.startswith("/api/"):
                responses = [await api.post(url, body) for body in ODD_JSON]
            else:
                responses = [await api.form(url, ODD_FORM), await api.form(f"{url}?{ODD_QUERY}", {})]
            failures += [f"{method} {url} -> {r.status_code}" for r in responses if r.status_code >= 500]
            if method == "GET" and number in HUGE:
                response = responses[0]
                assert response.status_code in (303, 400, 403, 404), f"{method} {url} -> {response.status_code}"
    assert failures == []


# ---------------------------------------------------------------------------------------------
# Tokens the database alone cannot make (the runtime role writes auth_session and enrolment_token)


async def test_a_session_written_straight_into_the_database_opens_nothing(
    api: Api, forces: dict[str, int], keys: Keys, transaction: None
) -> None:
    victim = await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.supervisor)
    secret = "A" * 43
    cookies = []
    async with db.transaction() as conn:  # the runtime role, as a stolen APP_DATABASE_URL would give
        for hashed in ("plain", "whole cookie"):
            session_id = await conn.fetchval(
                'INSERT INTO auth_session (token_hash, "user", "force", stage, created_at, last_seen_at, mfa_at, '
                "step_up_at) VALUES ($1, $2, $3, 'mfa', now(), now(), now(), now()) RETURNING id",
                f"{hashed}-{secrets.token_hex(8)}",
                victim.id,
                victim.force_id,
            )
            cookie = secret if hashed == "plain" else f"{session_id}.{secret}"
            await conn.execute(
                "UPDATE auth_session SET token_hash = $2 WHERE id = $1",
                session_id,
                hashlib.sha256(cookie.encode()).hexdigest(),
            )
            cookies.append(cookie)
    for cookie in cookies:
        api.set_session(cookie)
        assert (await api.get("/api/v1/auth/me")).status_code == 401, cookie


async def test_a_session_moved_to_another_user_force_or_stage_in_the_database_stops_working(
    api: Api, forces: dict[str, int], keys: Keys, officer: TestUser
) -> None:
    victim = await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.supervisor)
    await api.sign_in(officer)
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    async with db.transaction() as conn:
        await conn.execute(
            'UPDATE auth_session SET "user" = $2, "force" = $3 WHERE "user" = $1',
            officer.id,
            victim.id,
            victim.force_id,
        )
    assert (await api.get("/api/v1/auth/me")).status_code == 401

    other = Api(api.http)
    other.http.cookies.clear()
    await other.password_only(officer)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE auth_session SET stage = 'mfa', mfa_at = now() WHERE \"user\" = $1 AND revoked_at IS NULL",
            officer.id,
        )
    assert (await other.get("/api/v1/auth/me")).status_code == 401


async def test_an_enrolment_link_written_straight_into_the_database_opens_nothing(
    api: Api, forces: dict[str, int], keys: Keys, transaction: None
) -> None:
    victim = await make_user(force_id=forces["BRAVO"], keys=keys, role=Role.supervisor)
    secret = "B" * 43
    async with db.transaction() as conn:
        link_id = await conn.fetchval(
            'INSERT INTO enrolment_token (token_hash, "user", "force", created_at, expires_at) '
            "VALUES ($1, $2, $3, now(), now() + interval '1 day') RETURNING id",
            hashlib.sha256(secret.encode()).hexdigest(),
            victim.id,
            victim.force_id,
        )
    for token in (secret, f"{link_id}.{secret}"):
        response = await api.post("/api/v1/auth/enrol", {"token": token, "password": "a brand new long passphrase"})
        assert response.status_code == 400, response.text
    async with db.transaction(force_id=victim.force_id) as conn:
        assert await conn.fetchval("SELECT status FROM app_user WHERE id = $1", victim.id) == "active"


# ---------------------------------------------------------------------------------------------
# Session lifetime (row 12)


async def age_session(user: TestUser, *, created: timedelta, last_seen: timedelta) -> None:
    async with db.transaction(force_id=user.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET created_at = now() - $2::interval, last_seen_at = now() - $3::interval "
            'WHERE "user" = $1',
            user.id,
            created,
            last_seen,
        )


async def test_a_session_idle_for_thirty_minutes_has_ended(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    await age_session(officer, created=timedelta(minutes=29), last_seen=timedelta(minutes=29))
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    await age_session(officer, created=timedelta(minutes=31), last_seen=timedelta(minutes=31))
    assert (await api.get("/api/v1/auth/me")).status_code == 401


async def test_a_session_ends_after_twelve_hours_however_busy(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    await age_session(officer, created=timedelta(hours=12, minutes=1), last_seen=timedelta(seconds=5))
    assert (await api.get("/api/v1/auth/me")).status_code == 401


# ---------------------------------------------------------------------------------------------
# Step-up (row 13)


async def test_admin_changes_need_a_fresh_code(api: Api, admin: TestUser, officer: TestUser) -> None:
    await api.sign_in(admin)
    async with db.transaction(force_id=admin.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", admin.id
        )
    refused = await api.post(f"/api/v1/users/{officer.id}/unlock")
    assert refused.status_code == 403
    assert "new code" in refused.json()["detail"]
    async with db.transaction(force_id=admin.force_id) as conn:
        failed = await conn.fetchval("SELECT failed_attempts FROM app_user WHERE id = $1", officer.id)
    assert failed == 0  # nothing was done


async def test_a_fresh_code_is_remembered_for_a_few_minutes_only(api: Api, admin: TestUser, officer: TestUser) -> None:
    await api.sign_in(admin, previous_step=True)
    # Signing in a moment ago counts as a fresh code.
    assert (await api.post(f"/api/v1/users/{officer.id}/unlock")).status_code == 200
    async with db.transaction(force_id=admin.force_id) as conn:
        await conn.execute(
            "UPDATE auth_session SET mfa_at = now() - interval '6 minutes' WHERE \"user\" = $1", admin.id
        )
    assert (await api.post(f"/api/v1/users/{officer.id}/unlock")).status_code == 403
    await next_time_step(admin)
    assert (await api.post("/api/v1/auth/step-up", {"code": admin.code()})).status_code == 204
    assert (await api.post(f"/api/v1/users/{officer.id}/unlock")).status_code == 200


# ---------------------------------------------------------------------------------------------
# Force isolation (rows 16, 17)


async def test_another_forces_user_is_indistinguishable_from_a_missing_one(
    api: Api, admin: TestUser, forces: dict[str, int], keys: Keys
) -> None:
    theirs = await make_user(force_id=forces["BRAVO"], keys=keys)
    await api.sign_in(admin)
    other_force = await api.get(f"/api/v1/users/{theirs.id}")
    missing = await api.get("/api/v1/users/999999999")
    assert other_force.status_code == missing.status_code == 404
    assert other_force.content == missing.content
    other_page = await api.get(f"/admin/users/{theirs.id}")
    missing_page = await api.get("/admin/users/999999999")
    assert other_page.status_code == missing_page.status_code == 404
    assert other_page.text == missing_page.text
    listed = {user["username"] for user in (await api.get("/api/v1/users")).json()}
    assert admin.username in listed
    assert theirs.username not in listed
    changed = await api.post(f"/api/v1/users/{theirs.id}/disable")
    assert changed.status_code == 404


async def test_the_runtime_role_is_not_privileged_and_owns_nothing(
    test_database: database.TestDatabase,
) -> None:
    conn = await asyncpg.connect(test_database.owner_url)
    try:
        role = await conn.fetchrow(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'disclosure_app'"
        )
        owned = await conn.fetchval(
            "SELECT count(*) FROM pg_class WHERE relowner = 'disclosure_app'::regrole "
            "AND relnamespace = 'public'::regnamespace"
        )
        policies = {
            row["tablename"]
            for row in await conn.fetch("SELECT tablename FROM pg_policies WHERE schemaname = 'public'")
        }
        forced = await conn.fetch(
            "SELECT relname FROM pg_class WHERE relrowsecurity AND relnamespace = 'public'::regnamespace"
        )
    finally:
        await conn.close()
    assert role is not None
    assert dict(role) == {
        "rolsuper": False,
        "rolbypassrls": False,
        "rolcreaterole": False,
        "rolcreatedb": False,
    }
    assert owned == 0
    assert {"app_user", "application", "case_person", "audit_event"} <= policies
    assert {"app_user", "application", "case_person", "audit_event"} <= {row["relname"] for row in forced}


# Reached only by an unguessable token's hash or by their own user id; they hold no case content.
NO_RLS_BY_DESIGN = {"auth_session", "enrolment_token"}


async def test_every_table_with_a_force_column_has_row_level_security(
    test_database: database.TestDatabase,
) -> None:
    conn = await asyncpg.connect(test_database.owner_url)
    try:
        rows = await conn.fetch(
            "SELECT c.relname, c.relrowsecurity, "
            "(SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname) AS policies "
            "FROM pg_class c JOIN information_schema.columns col ON col.table_name = c.relname "
            "WHERE col.column_name = 'force' AND col.table_schema = 'public' "
            "AND c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
        )
        # The audit trail's months are reached through it, under its policies: the runtime role may
        # not read or write a month directly.
        months = await conn.fetch(
            "SELECT c.relname, has_table_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, DELETE') AS reachable "
            "FROM pg_class c WHERE c.relispartition AND c.relnamespace = 'public'::regnamespace",
            user_of(test_database.app_url),
        )
    finally:
        await conn.close()
    assert months, "no partitions: the check of the months would prove nothing"
    assert [m["relname"] for m in months if m["reachable"]] == []
    assert "audit_event" in {r["relname"] for r in rows}
    assert len(rows) > 10
    unprotected = {r["relname"] for r in rows if not (r["relrowsecurity"] and r["policies"])}
    assert unprotected == NO_RLS_BY_DESIGN


async def test_row_level_security_hides_other_forces_even_without_a_where_clause(
    forces: dict[str, int], keys: Keys, transaction: None
) -> None:
    ours = await make_user(force_id=forces["ALPHA"], keys=keys)
    theirs = await make_user(force_id=forces["BRAVO"], keys=keys)
    async with db.transaction(force_id=forces["ALPHA"]) as conn:
        visible = {row["id"] for row in await conn.fetch("SELECT id FROM app_user")}
    assert ours.id in visible
    assert theirs.id not in visible


async def test_the_force_setting_does_not_outlive_its_transaction(
    test_database: database.TestDatabase,
) -> None:
    pool = await asyncpg.create_pool(test_database.app_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT set_config('app.force_id', '1', true)")
        async with pool.acquire() as conn:  # the same pooled connection, next request
            leftover = await conn.fetchval("SELECT current_setting('app.force_id', true)")
            users = await conn.fetchval("SELECT count(*) FROM app_user")
    finally:
        await pool.close()
    assert leftover in (None, "")
    assert users == 0


# ---------------------------------------------------------------------------------------------
# Headers (row 32)


@pytest.mark.parametrize("path", ["/sign-in", "/healthz", "/static/app.css", "/api/v1/auth/me", "/missing"])
async def test_security_headers_have_exact_values(client: httpx.AsyncClient, path: str) -> None:
    headers = (await client.get(path)).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


async def test_pages_are_never_cached(client: httpx.AsyncClient) -> None:
    assert (await client.get("/sign-in")).headers["cache-control"] == "no-store"


async def test_the_service_connections_do_not_jit_compile(transaction: None) -> None:
    async with db.transaction() as conn:
        assert await conn.fetchval("SHOW jit") == "off"
