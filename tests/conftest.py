"""Shared fixtures: one real PostgreSQL database per session, one rolled-back transaction per test."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from litestar import Litestar

from disclosure_service.app import create_app
from disclosure_service.auth.service import Keys
from disclosure_service.database import engine as db
from disclosure_service.database.migrate import migrate
from disclosure_service.identity.roles import Role
from disclosure_service.settings import Settings
from tests import database
from tests.factories import TestUser, make_user
from tests.http import Api


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        env="test",
        secret_key="test-secret-key-" + "s" * 32,
        totp_encryption_key="test-totp-key-" + "t" * 32,
        data_dir=tmp_path_factory.mktemp("data"),
    )


@pytest.fixture(scope="session")
def server_url() -> str:
    return database.server_url()


@pytest.fixture(scope="session")
async def test_database(server_url: str) -> AsyncIterator[database.TestDatabase]:
    created = await database.create_database(server_url)
    await migrate(created.owner_url, created.app_url)
    await db.open_pool(created.app_url, min_size=1, max_size=4)
    yield created
    await db.close_pool()
    await database.drop_database(created)


@pytest.fixture
async def transaction(test_database: database.TestDatabase) -> AsyncIterator[None]:
    """Everything the test and the app do runs in one transaction, rolled back afterwards."""
    async with db.engine().transaction() as txn:
        yield
        await txn.rollback()  # type: ignore[no-untyped-call]


@pytest.fixture(scope="session")
async def forces(test_database: database.TestDatabase) -> dict[str, int]:
    """Two forces, committed once: the runtime role may not create forces, by design."""
    conn = await asyncpg.connect(test_database.owner_url)
    try:
        return {
            code: await conn.fetchval(
                "INSERT INTO force (code, name, offers_welsh, created_at) VALUES ($1, $2, false, now()) RETURNING id",
                code,
                name,
            )
            for code, name in (("ALPHA", "Alpha Constabulary"), ("BRAVO", "Bravo Police"))
        }
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def keys(settings: Settings) -> Keys:
    return Keys.from_settings(settings)


@pytest.fixture
async def officer(forces: dict[str, int], keys: Keys, transaction: None) -> TestUser:
    return await make_user(force_id=forces["ALPHA"], keys=keys, role=Role.officer)


@pytest.fixture
async def supervisor(forces: dict[str, int], keys: Keys, transaction: None) -> TestUser:
    return await make_user(force_id=forces["ALPHA"], keys=keys, role=Role.supervisor)


@pytest.fixture
async def admin(forces: dict[str, int], keys: Keys, transaction: None) -> TestUser:
    return await make_user(force_id=forces["ALPHA"], keys=keys, role=Role.admin)


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings, manage_pool=False)


@pytest.fixture
async def client(app: Litestar, transaction: None) -> AsyncIterator[httpx.AsyncClient]:
    # ASGITransport runs the app in the test's own task, so it joins the test's transaction.
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        yield http


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def server_folder() -> Iterator[Path]:
    """A folder for an embedded PostgreSQL's data, outside pytest's temporary folders.

    As root, the embedded server runs as a user of its own, which must be able to reach its data
    folder; any pytest session on the machine may make pytest's shared folder private again
    (mode 700) while it runs.
    """
    folder = Path(tempfile.mkdtemp(prefix="ds-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
