"""Printing a case in a real browser: the protective marking and "Page N of M" on every sheet, no
link addresses, nothing to press; the Print button works and the page passes axe."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import LiveServer
from tests.e2e.test_sign_in_and_enrolment import sign_in


def _sheets(pdf: bytes, folder: Path) -> list[str]:
    """The text of each printed sheet (pdftotext ends each page with a form feed)."""
    path = folder / "case.pdf"
    path.write_bytes(pdf)
    reader = shutil.which("pdftotext")
    assert reader is not None
    text = subprocess.run(  # noqa: S603 - a fixed program on a file this test wrote
        [reader, "-layout", str(path), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return [sheet for sheet in text.split("\f") if sheet.strip()]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext to read the PDF back")
def test_a_printed_case_carries_the_marking_on_every_sheet_and_no_link_addresses(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    sign_in(page, live_server, "wales.officer")
    page.goto("/cases?queue=mine")
    page.locator("a.app-case-ref").first.click()
    reference = page.locator("h1").inner_text().strip()
    print_button = page.get_by_role("button", name="Print this case")
    expect(print_button).to_be_visible()
    assert_accessible(page)

    # The button asks the browser to print, once a press (the dialog itself is the browser's own).
    page.evaluate("window.__printed = 0; window.print = () => { window.__printed += 1; }")
    pressed = "(() => { window.__printed = 0; document.querySelector('[data-app-print]').click(); "
    pressed += "return window.__printed; })()"
    assert page.evaluate(pressed) == 1

    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    link_after = page.evaluate("getComputedStyle(document.querySelector('main a.govuk-link'), '::after').content")
    assert link_after in ("none", "normal", "")
    # page.pdf() prints with the media emulated: still print.

    sheets = _sheets(page.pdf(prefer_css_page_size=True, print_background=False), tmp_path)
    assert len(sheets) >= 2, "a case file runs to more than one sheet"
    for number, sheet in enumerate(sheets, start=1):
        assert "OFFICIAL-SENSITIVE" in sheet, f"sheet {number} has no marking"
        assert f"Page {number} of {len(sheets)}" in sheet, f"sheet {number} is not numbered"
        assert not re.search(r"https?://|\(/cases/|\(/static/", sheet), f"sheet {number} prints a link address"
    assert reference in sheets[0]
    everything = "".join(sheets)
    assert "Print this case" not in everything
    assert "Sign out" not in everything
