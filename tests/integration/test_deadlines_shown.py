"""The queue, the case page and the case JSON show the same next deadline, counted in London days."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

from disclosure_service.database import engine as db
from disclosure_service.dates import LONDON, long_date
from tests import cases
from tests.factories import TestUser
from tests.http import Api


def _deadline_text(html: str) -> list[str]:
    """Every deadline the page shows (the shared `deadline` macro), as plain words."""
    found = re.findall(r'<div class="app-deadline">(.*?)</div>', html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", part)).split()) for part in found]


async def _queue_entry(api: Api, case: dict[str, Any]) -> dict[str, Any]:
    listed = (await api.get("/api/v1/applications/?queue=mine")).json()
    entry: dict[str, Any] = next(item for item in listed if item["id"] == case["id"])
    return entry


async def _shown_everywhere(api: Api, case: dict[str, Any]) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    queue_page = (await api.get("/cases?queue=mine")).text
    row = queue_page.split(f'href="/cases/{case["id"]}"', 1)[1].split("</tr>", 1)[0]
    case_page = (await api.get(f"/cases/{case['id']}")).text
    summary = case_page.split("Next deadline", 1)[1].split("</dd>", 1)[0]
    as_json = (await api.get(f"/api/v1/applications/{case['id']}")).json()
    return _deadline_text(row)[0], _deadline_text(summary)[0], as_json, await _queue_entry(api, case)


async def test_the_queue_the_case_page_and_the_json_agree_at_every_stage(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    await cases.do(api, case, "start_triage")
    seen = []
    for step in ("received", "triage", "meeting", "checks"):
        if step == "triage":
            await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="medium")
        elif step == "meeting":
            await cases.do(api, case, "record_applicant_meeting", **cases.applicant_meeting())
        elif step == "checks":
            await cases.do(api, case, "add_check", source="pnc", requested_on=cases.today())
        on_queue, on_page, as_json, entry = await _shown_everywhere(api, case)
        assert on_queue == on_page, step
        deadline = as_json["next_deadline"]
        assert deadline is not None
        assert datetime.fromisoformat(deadline["due_at"]) == datetime.fromisoformat(entry["next_due_at"])
        assert deadline["name"] == entry["clock"]
        assert deadline["name"] in on_page
        assert long_date(datetime.fromisoformat(deadline["due_at"])) in on_page
        assert deadline["status"] in on_page
        seen.append(deadline["name"])
    assert seen[0] == "Initial triage"
    assert seen[1] == "Meeting the applicant"
    assert len(set(seen)) >= 3  # the deadline moved on with the stages


async def _set_next_deadline(officer: TestUser, case: dict[str, Any], due_at: datetime) -> None:
    """Move the stage's clock (and the row the queue reads), as if the case had been received earlier."""
    async with db.transaction(force_id=officer.force_id) as conn:
        await conn.execute(
            "UPDATE case_clock SET due_at = $2 WHERE application = $1 AND clock = 'triage'", case["id"], due_at
        )
        await conn.execute(
            "UPDATE application SET next_due_at = $2, triage_due_at = $2 WHERE id = $1", case["id"], due_at
        )


async def test_a_deadline_tomorrow_morning_is_not_due_today(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    now = datetime.now(LONDON)
    tomorrow_morning = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), LONDON) + timedelta(
        minutes=30
    )
    await _set_next_deadline(officer, case, tomorrow_morning.astimezone(UTC))
    on_queue, on_page, as_json, entry = await _shown_everywhere(api, case)
    assert "Due tomorrow" in on_queue
    assert "Due today" not in on_queue
    assert on_queue == on_page
    assert as_json["next_deadline"]["days_left"] == 1
    assert as_json["next_deadline"]["status"] == "Due tomorrow"
    assert not entry["overdue"]


async def test_a_deadline_gone_earlier_today_is_overdue_everywhere(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    case = await cases.create(api)
    gone = datetime.now(UTC) - timedelta(minutes=1)
    if gone.astimezone(LONDON).date() != datetime.now(LONDON).date():  # just after midnight: yesterday
        gone = datetime.now(UTC)
    await _set_next_deadline(officer, case, gone)
    on_queue, on_page, as_json, entry = await _shown_everywhere(api, case)
    assert "Overdue since" in on_queue
    assert on_queue == on_page
    assert as_json["next_deadline"]["overdue"]
    assert entry["overdue"]
    overdue_queue = (await api.get("/api/v1/applications/?queue=overdue")).json()
    assert case["id"] in [item["id"] for item in overdue_queue]


async def test_due_soon_means_today_or_tomorrow_in_london(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    tomorrow_night, day_after = await cases.create(api), await cases.create(api)
    today = datetime.now(LONDON).date()
    late_tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time(), LONDON) + timedelta(hours=23)
    early_day_after = datetime.combine(today + timedelta(days=2), datetime.min.time(), LONDON) + timedelta(minutes=5)
    await _set_next_deadline(officer, tomorrow_night, late_tomorrow.astimezone(UTC))
    await _set_next_deadline(officer, day_after, early_day_after.astimezone(UTC))
    due_soon = [item["id"] for item in (await api.get("/api/v1/applications/?queue=due_soon")).json()]
    assert tomorrow_night["id"] in due_soon
    assert day_after["id"] not in due_soon  # it may be under 48 hours away, but it is not tomorrow
    assert "Due tomorrow" in (await _shown_everywhere(api, tomorrow_night))[0]
