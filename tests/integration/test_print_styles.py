"""The print stylesheet: served, linked from every page, and overriding every rule that would print
a link's address; the case page offers a Print button and keeps its controls off the paper."""

from __future__ import annotations

import re

from tests import cases
from tests.factories import TestUser
from tests.http import Api

PRINT_LINK = '<link rel="stylesheet" href="/static/print.css" media="print">'


def _page_rules(css: str) -> dict[str, str]:
    """The declarations of each @page margin box, by its name."""
    page = css.split("@page {", 1)[1]
    return dict(re.findall(r"@([a-z-]+)\s*\{([^}]*)\}", page))


async def test_the_print_stylesheet_marks_and_numbers_every_sheet(api: Api) -> None:
    response = await api.get("/static/print.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    boxes = _page_rules(response.text)
    assert '"OFFICIAL-SENSITIVE"' in boxes["top-center"]
    assert '"OFFICIAL-SENSITIVE"' in boxes["bottom-left"]
    assert 'counter(page) " of " counter(pages)' in boxes["bottom-right"]


async def test_every_selector_that_prints_a_link_address_is_undone(api: Api) -> None:
    app_css = (await api.get("/static/app.css")).text
    print_css = (await api.get("/static/print.css")).text
    printing = re.findall(r'([^{}]+)\{content:" \(" attr\(href\)', app_css)
    assert printing, "GOV.UK Frontend no longer prints link addresses: this test can go"
    undone = print_css.split("content: none !important", 1)[0].rsplit("}", 1)[1]
    for group in printing:
        for selector in group.split(","):
            assert selector.strip() in undone.replace("\n", " ").replace(", ", ","), selector


async def test_every_page_links_the_print_stylesheet_and_the_case_page_offers_print(
    api: Api, officer: TestUser
) -> None:
    sign_in_page = await api.get("/sign-in")
    assert PRINT_LINK in sign_in_page.text
    await api.sign_in(officer)
    case = await cases.create(api)
    for path in ("/cases", f"/cases/{case['id']}", "/cases/new"):
        assert PRINT_LINK in (await api.get(path)).text, path
    page = (await api.get(f"/cases/{case['id']}")).text
    button = re.search(r"<button[^>]*data-app-print[^>]*>([^<]*)</button>", page)
    assert button is not None
    assert button.group(1) == "Print this case"
    assert " hidden" in button.group(0)  # shown by the script that makes it work
    assert 'class="govuk-grid-column-one-third app-print-hide"' in page  # the actions stay off the paper
