from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from disclosure_service.dates import clock_time, long_date, long_datetime
from disclosure_service.web.navigation import pagination


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


def test_pagination_shows_the_ends_and_the_neighbours_with_gaps_marked() -> None:
    shown = pagination("/cases?queue=mine&page=", 5, 9)
    labels = [item.get("number", "…") for item in shown["items"]]
    assert labels == ["1", "…", "4", "5", "6", "…", "9"]
    assert [item["number"] for item in shown["items"] if item.get("current")] == ["5"]
    assert shown["previous"] == {"href": "/cases?queue=mine&page=4"}
    assert shown["next"] == {"href": "/cases?queue=mine&page=6"}
    assert pagination("/x?page=", 1, 1) == {
        "previous": None,
        "next": None,
        "items": [{"number": "1", "href": "/x?page=1", "current": True}],
    }


def test_welsh_documents_get_welsh_months_and_the_24_hour_clock() -> None:
    summer_afternoon = datetime(2026, 7, 1, 14, 5, tzinfo=UTC)  # 3:05pm in London

    assert long_date(summer_afternoon, "cy") == "1 Gorffennaf 2026"
    assert clock_time(summer_afternoon, "cy") == "15:05"
    assert long_date(summer_afternoon) == "1 July 2026"
    assert clock_time(summer_afternoon) == "3:05pm"
