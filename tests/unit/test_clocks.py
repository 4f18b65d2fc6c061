from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from disclosure_service.cases.clocks import deadlines
from disclosure_service.cases.vocabulary import Scheme


def test_every_clock_starts_at_receipt() -> None:
    received = datetime(2026, 11, 1, 2, 10, tzinfo=UTC)
    due = deadlines(Scheme.csods, received)
    assert due.triage_due_at == received + timedelta(hours=24)
    assert due.meeting_due_at == received + timedelta(days=10)
    assert due.due_at == received + timedelta(days=45)


def test_clocks_are_configurable_per_scheme() -> None:
    received = datetime(2026, 11, 1, tzinfo=UTC)
    clocks = {
        Scheme.csods: {
            "triage": timedelta(hours=12),
            "applicant_meeting": timedelta(days=5),
            "overall": timedelta(days=28),
        }
    }
    assert deadlines(Scheme.csods, received, clocks).due_at == received + timedelta(days=28)


def test_naive_receipt_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadlines(Scheme.csods, datetime(2026, 11, 1))  # noqa: DTZ001
