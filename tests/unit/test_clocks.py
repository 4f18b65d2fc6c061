from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from disclosure_service.cases.clocks import deadlines
from disclosure_service.schemes.csods import CSODS


def test_every_clock_starts_at_receipt() -> None:
    received = datetime(2026, 11, 1, 2, 10, tzinfo=UTC)
    due = deadlines(received, CSODS.default_clocks)
    assert due.triage_due_at == received + timedelta(hours=24)
    assert due.meeting_due_at == received + timedelta(days=10)
    assert due.due_at == received + timedelta(days=45)


def test_clocks_are_the_ones_given() -> None:
    received = datetime(2026, 11, 1, tzinfo=UTC)
    clocks = {"triage": timedelta(hours=12), "applicant_meeting": timedelta(days=5), "overall": timedelta(days=28)}
    assert deadlines(received, clocks).due_at == received + timedelta(days=28)


def test_naive_receipt_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadlines(datetime(2026, 11, 1), CSODS.default_clocks)  # noqa: DTZ001


def test_days_left_count_whole_days_and_overdue_starts_at_once() -> None:
    from disclosure_service.cases.clocks import days_between

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert days_between(now, now + timedelta(days=10)) == 10
    assert days_between(now, now + timedelta(hours=36)) == 1
    assert days_between(now, now + timedelta(hours=5)) == 0
    assert days_between(now, now - timedelta(hours=5)) == -1
    assert days_between(now, now - timedelta(days=3, hours=1)) == -4


def test_clocks_are_done_once_their_stage_is_passed() -> None:
    from disclosure_service.cases.clocks import clocks_of

    received = datetime(2026, 11, 1, tzinfo=UTC)
    due = deadlines(received, CSODS.default_clocks)
    row = SimpleNamespace(
        stage="risk_assessment", triage_due_at=due.triage_due_at, meeting_due_at=due.meeting_due_at, due_at=due.due_at
    )
    triage, meeting, whole = clocks_of(row, received + timedelta(days=12))
    assert triage.done
    assert meeting.done
    assert not whole.done
    assert whole.words == "33 days left"
    row.stage = "applicant_meeting"
    waiting = clocks_of(row, received + timedelta(days=12))[1]
    assert waiting.overdue
    assert waiting.words == "2 days overdue"


def test_retention_review_is_six_years_on() -> None:
    from disclosure_service.cases.clocks import retention_review_date

    assert retention_review_date(datetime(2026, 11, 28, tzinfo=UTC)).isoformat() == "2032-11-28"
    assert retention_review_date(datetime(2028, 2, 29, tzinfo=UTC)).isoformat() == "2034-02-28"
