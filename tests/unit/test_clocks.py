"""The clocks of a case, stage by stage (cases.clocks with the CSODS's clocks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from disclosure_service.cases import clocks
from disclosure_service.cases.clocks import ClockState, days_between, retention_review_date
from disclosure_service.cases.vocabulary import ClockName, Stage
from disclosure_service.schemes.csods import CSODS

SPECS = CSODS.clocks
RECEIVED = datetime(2026, 11, 1, 2, 10, tzinfo=UTC)
DEFAULTS = clocks.lengths(SPECS, {})


def at(rows: list[ClockState], name: ClockName) -> ClockState:
    return next(row for row in rows if row.clock is name)


def walk(rows: list[ClockState], *stages: tuple[Stage, datetime], start: Stage = Stage.received) -> list[ClockState]:
    """Move the case through `stages` (each reached at its moment)."""
    here = start
    for stage, moment in stages:
        changes = clocks.move(SPECS, rows, from_stage=here, to_stage=stage, received_at=RECEIVED, now=moment)
        rows = clocks.merged(rows, changes)
        here = stage
    return rows


def test_the_defaults_are_the_guidance_and_the_force_procedures() -> None:
    assert {
        ClockName.triage: 24,
        ClockName.applicant_meeting: 240,
        ClockName.risk_assessment: 240,
        ClockName.decision: 240,
        ClockName.undertaking_review: 24,
        ClockName.whole_case: 45 * 24,
        ClockName.whole_case_no_disclosure: 35 * 24,
    } == DEFAULTS
    assert all(spec.source for spec in SPECS)


def test_a_force_setting_replaces_the_default_of_that_clock_only() -> None:
    hours = clocks.lengths(SPECS, {"risk_assessment": 28 * 24})
    assert hours[ClockName.risk_assessment] == 28 * 24
    assert hours[ClockName.triage] == 24


def test_on_receipt_the_triage_meeting_and_whole_case_clocks_start_and_the_others_wait() -> None:
    rows = clocks.new_case(SPECS, DEFAULTS, RECEIVED)
    assert at(rows, ClockName.triage).due_at == RECEIVED + timedelta(hours=24)
    assert at(rows, ClockName.applicant_meeting).due_at == RECEIVED + timedelta(days=10)
    assert at(rows, ClockName.whole_case).due_at == RECEIVED + timedelta(days=45)
    for waiting in (ClockName.risk_assessment, ClockName.decision, ClockName.whole_case_no_disclosure):
        assert at(rows, waiting).started_at is None
    assert clocks.stage_deadline(SPECS, rows, Stage.received) == RECEIVED + timedelta(hours=24)


def test_naive_receipt_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clocks.new_case(SPECS, DEFAULTS, datetime(2026, 11, 1))  # noqa: DTZ001


def test_the_risk_assessment_and_decision_count_from_the_start_of_their_stage() -> None:
    met = RECEIVED + timedelta(days=6)
    checked = met + timedelta(days=8)
    rows = walk(
        clocks.new_case(SPECS, DEFAULTS, RECEIVED),
        (Stage.applicant_meeting, RECEIVED + timedelta(hours=3)),
        (Stage.risk_assessment, met),
        (Stage.recommendation, checked),
    )
    assert at(rows, ClockName.triage).stopped_at == RECEIVED + timedelta(hours=3)
    assert at(rows, ClockName.applicant_meeting).stopped_at == met
    assert at(rows, ClockName.risk_assessment).due_at == met + timedelta(days=10)
    assert at(rows, ClockName.risk_assessment).stopped_at == checked
    assert at(rows, ClockName.decision).due_at == checked + timedelta(days=10)
    assert clocks.stage_deadline(SPECS, rows, Stage.recommendation) == checked + timedelta(days=10)


def test_a_recommendation_returned_for_more_work_keeps_its_decision_clock() -> None:
    checked = RECEIVED + timedelta(days=14)
    rows = walk(
        clocks.new_case(SPECS, DEFAULTS, RECEIVED),
        (Stage.risk_assessment, RECEIVED + timedelta(days=4)),
        (Stage.recommendation, checked),
        (Stage.authorisation, checked + timedelta(days=2)),
        (Stage.recommendation, checked + timedelta(days=3)),
        start=Stage.applicant_meeting,
    )
    assert at(rows, ClockName.decision).due_at == checked + timedelta(days=10)
    assert at(rows, ClockName.decision).stopped_at is None


def test_nothing_to_disclose_puts_the_case_on_the_shorter_whole_case_clock() -> None:
    decided = RECEIVED + timedelta(days=20)
    rows = walk(
        clocks.new_case(SPECS, DEFAULTS, RECEIVED),
        (Stage.authorisation, decided - timedelta(days=1)),
        (Stage.non_disclosure, decided),
        start=Stage.recommendation,
    )
    assert clocks.whole_case_deadline(SPECS, rows) == RECEIVED + timedelta(days=35)
    assert clocks.stage_deadline(SPECS, rows, Stage.non_disclosure) == RECEIVED + timedelta(days=35)
    assert at(rows, ClockName.whole_case).stopped_at == decided
    shown = clocks.shown(SPECS, rows, stage=Stage.non_disclosure, received_at=RECEIVED, now=decided)
    whole = [c for c in shown if c.clock == "whole_case"]
    assert len(whole) == 1
    assert whole[0].hours == 35 * 24
    assert whole[0].current


def test_a_disclosure_keeps_the_longer_one() -> None:
    rows = walk(clocks.new_case(SPECS, DEFAULTS, RECEIVED), (Stage.disclosure, RECEIVED + timedelta(days=20)))
    assert clocks.stage_deadline(SPECS, rows, Stage.disclosure) == RECEIVED + timedelta(days=45)


def test_every_refused_undertaking_starts_its_review_clock_again() -> None:
    first = RECEIVED + timedelta(days=30)
    second = first + timedelta(days=5)
    rows = walk(
        clocks.new_case(SPECS, DEFAULTS, RECEIVED),
        (Stage.undertaking_review, first),
        (Stage.disclosure, first + timedelta(hours=5)),
        (Stage.undertaking_review, second),
        start=Stage.disclosure,
    )
    review = at(rows, ClockName.undertaking_review)
    assert review.due_at == second + timedelta(hours=24)
    assert review.running


def test_an_extension_moves_one_running_clock_and_is_refused_for_one_not_running() -> None:
    rows = walk(clocks.new_case(SPECS, DEFAULTS, RECEIVED), (Stage.risk_assessment, RECEIVED + timedelta(days=5)))
    changes = clocks.extend(SPECS, rows, ClockName.risk_assessment, 7 * 24)
    assert [c.clock for c in changes] == [ClockName.risk_assessment]
    assert changes[0].due_at == RECEIVED + timedelta(days=5 + 10 + 7)
    with pytest.raises(clocks.ClockRefusedError, match="not running"):
        clocks.extend(SPECS, rows, ClockName.decision, 24)
    with pytest.raises(clocks.ClockRefusedError, match="not running"):
        clocks.extend(SPECS, rows, ClockName.triage, 24)
    assert clocks.extendable(SPECS, rows) == [ClockName.risk_assessment, ClockName.whole_case]


def test_a_whole_case_extension_before_the_decision_carries_over_to_the_shorter_clock() -> None:
    rows = clocks.new_case(SPECS, DEFAULTS, RECEIVED)
    rows = clocks.merged(rows, clocks.extend(SPECS, rows, ClockName.whole_case, 14 * 24))
    assert clocks.whole_case_deadline(SPECS, rows) == RECEIVED + timedelta(days=59)
    rows = walk(rows, (Stage.non_disclosure, RECEIVED + timedelta(days=20)), start=Stage.authorisation)
    assert clocks.whole_case_deadline(SPECS, rows) == RECEIVED + timedelta(days=35 + 14)
    # After the decision the whole case is still extended under its own name.
    rows = clocks.merged(rows, clocks.extend(SPECS, rows, ClockName.whole_case, 24))
    assert clocks.whole_case_deadline(SPECS, rows) == RECEIVED + timedelta(days=35 + 14 + 1)


def test_closing_stops_every_running_clock() -> None:
    closed = RECEIVED + timedelta(hours=5)
    rows = walk(clocks.new_case(SPECS, DEFAULTS, RECEIVED), (Stage.closed, closed))
    assert all(row.stopped_at == closed for row in rows if row.started_at is not None)
    assert clocks.stage_deadline(SPECS, rows, Stage.closed) is None


def test_a_case_recorded_before_a_clock_existed_never_runs_it() -> None:
    hours = {**DEFAULTS, ClockName.risk_assessment: None}
    rows = walk(clocks.new_case(SPECS, hours, RECEIVED), (Stage.risk_assessment, RECEIVED + timedelta(days=3)))
    assert at(rows, ClockName.risk_assessment).started_at is None
    # Its stage falls back on the whole case, as before clocks per stage.
    assert clocks.stage_deadline(SPECS, rows, Stage.risk_assessment) == RECEIVED + timedelta(days=45)


def test_the_page_shows_each_clock_once_and_a_review_only_once_needed() -> None:
    rows = walk(clocks.new_case(SPECS, DEFAULTS, RECEIVED), (Stage.applicant_meeting, RECEIVED + timedelta(hours=2)))
    now = RECEIVED + timedelta(days=12)
    shown = clocks.shown(SPECS, rows, stage=Stage.applicant_meeting, received_at=RECEIVED, now=now)
    assert [c.name for c in shown] == [
        "Initial triage",
        "Meeting the applicant",
        "Checks and risk assessment",
        "Recommendation and decision",
        "Whole case",
    ]
    triage, meeting, risk, _, whole = shown
    assert triage.done
    assert not triage.late
    assert meeting.overdue
    assert meeting.current
    assert meeting.words == "2 days overdue"
    assert risk.waiting
    assert risk.words == "Not started"
    assert whole.words == "33 days left"
    assert whole.if_not_disclosed_at == RECEIVED + timedelta(days=35)


def test_days_left_are_london_calendar_days_and_overdue_starts_at_once() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert days_between(now, now + timedelta(days=10)) == 10
    assert days_between(now, now + timedelta(hours=36)) == 2  # 30 November, just after midnight
    assert days_between(now, now + timedelta(hours=5)) == 0
    assert days_between(now, now - timedelta(hours=5)) == 0  # earlier today: overdue, but today
    assert days_between(now, now - timedelta(days=3, hours=1)) == -3


def test_due_tomorrow_morning_is_not_due_today() -> None:
    evening = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    tomorrow = clocks.running("Initial triage", datetime(2026, 11, 29, 10, 0, tzinfo=UTC), evening)
    assert tomorrow.days_left == 1
    assert tomorrow.words == "Due tomorrow"
    assert not tomorrow.overdue


def test_the_london_day_is_used_in_summer_time_too() -> None:
    # 00:30 on 2 July in London is still 1 July in UTC; 23:00 that night is the same London day.
    after_midnight = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    tonight = clocks.running("Whole case", datetime(2026, 7, 2, 22, 0, tzinfo=UTC), after_midnight)
    assert tonight.days_left == 0
    assert tonight.words == "Due today"


def test_a_deadline_gone_earlier_today_is_overdue_not_due_today() -> None:
    now = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
    gone = clocks.running("Initial triage", datetime(2026, 11, 28, 15, 4, tzinfo=UTC), now)
    assert gone.overdue
    assert gone.words == "Overdue since 3:04pm today"
    yesterday = clocks.running("Initial triage", datetime(2026, 11, 27, 23, 0, tzinfo=UTC), now)
    assert yesterday.words == "1 day overdue"


def test_the_next_deadline_names_its_clock() -> None:
    rows = clocks.new_case(SPECS, DEFAULTS, RECEIVED)
    found = clocks.next_deadline(SPECS, rows, Stage.received)
    assert found is not None
    assert found.clock is ClockName.triage
    assert clocks.stage_deadline(SPECS, rows, Stage.received) == found.due_at
    assert clocks.next_deadline(SPECS, rows, Stage.closed) is None


def test_lengths_read_as_days_or_hours() -> None:
    assert clocks.length_words(24) == "1 day"
    assert clocks.length_words(240) == "10 days"
    assert clocks.length_words(36) == "36 hours"


def test_retention_review_is_six_years_on() -> None:
    assert retention_review_date(datetime(2026, 11, 28, tzinfo=UTC)).isoformat() == "2032-11-28"
    assert retention_review_date(datetime(2028, 2, 29, tzinfo=UTC)).isoformat() == "2034-02-28"
