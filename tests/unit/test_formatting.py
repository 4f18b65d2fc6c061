from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from disclosure_service.web.formatting import long_date, long_datetime


def test_dates_are_written_the_british_way() -> None:
    assert long_date(date(2026, 11, 28)) == "28 November 2026"
    assert long_date(date(2026, 3, 1)) == "1 March 2026"
    assert long_date(None) == ""


def test_times_are_shown_in_london_time_in_summer_and_winter() -> None:
    assert long_datetime(datetime(2026, 11, 28, 15, 4, tzinfo=UTC)) == "28 November 2026 at 3:04pm"
    # British Summer Time: 09:30 UTC is 10:30 in London.
    assert long_datetime(datetime(2026, 7, 1, 9, 30, tzinfo=UTC)) == "1 July 2026 at 10:30am"
    assert long_datetime(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "1 July 2026 at midday"


def test_a_utc_time_late_in_the_evening_can_be_the_next_day_in_london() -> None:
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        long_datetime(datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001
