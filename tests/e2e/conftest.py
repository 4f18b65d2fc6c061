"""Browser tests: Debian's Chromium driven by Playwright against a real server process.

Without Chromium these tests skip with the reason; CI sets REQUIRE_BROWSER=1, and then a missing
browser fails the run instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests import cli, database

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
T = TypeVar("T")
_LAST_STEP: dict[str, int] = {}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    browser_tests = [item for item in items if here in Path(str(item.fspath)).parents]
    # Last: Playwright's sync API keeps an event loop on the main thread until the session ends,
    # and the async tests need that thread's loop to themselves.
    items[:] = [item for item in items if item not in browser_tests] + browser_tests
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
    if chromium_path() is None and not os.environ.get("REQUIRE_BROWSER"):
        reason = "no Chromium found (install Debian's chromium, `make browser`, or set CHROMIUM_PATH)"
        for item in browser_tests:
            item.add_marker(pytest.mark.skip(reason=reason))


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from a sync test: Playwright's sync API keeps an event loop busy on this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass(frozen=True)
class LiveServer:
    url: str
    env: dict[str, str]

    def code(self, username: str) -> str:
        """The demo user's current code, as their authenticator app would show it.

        A code is accepted once: a user signed in again within the same 30 seconds waits for
        the next code, as a person would."""
        step = int(time.time() // 30)
        if _LAST_STEP.get(username) == step:
            time.sleep(30 - time.time() % 30 + 0.5)
        _LAST_STEP[username] = int(time.time() // 30)
        result = cli.run("demo-code", username, env=self.env)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()


@pytest.fixture(scope="session")
def live_server(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service in its own process, on a fresh database with the demo data."""
    fresh = run_async(database.create_database(server_url))
    env = cli.environment(
        DATABASE_URL=fresh.owner_url,
        APP_DATABASE_URL=fresh.app_url,
        DATA_DIR=str(tmp_path_factory.mktemp("e2e-data")),
    )
    try:
        with cli.serving("--demo", env=env) as base_url:
            yield LiveServer(base_url, env)
    finally:
        run_async(database.drop_database(fresh))


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    path = chromium_path()
    if path is None:
        pytest.fail("REQUIRE_BROWSER is set but no Chromium is installed")
    browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
