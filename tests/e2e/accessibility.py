"""Accessibility checks with axe-core: every page a browser test visits must have no WCAG A/AA violations."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_axe = Axe()


def violations(page: Page) -> list[dict[str, Any]]:
    result = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    found: list[dict[str, Any]] = result.response["violations"]
    return found


def assert_accessible(page: Page) -> None:
    found = violations(page)
    summary = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in found]
    assert not found, f"axe found WCAG violations on {page.url}: {summary}"
