"""Live risk and partners as plain rules: when a safeguarding plan is needed and what it holds back,
its clock, and what a MAPPA status, a forum and a plan must hold."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from disclosure_service.cases import clocks, schemas
from disclosure_service.cases.steps.partners import forum_problems, mappa_problems
from disclosure_service.cases.steps.risk import escalation_plan, plan_problems
from disclosure_service.cases.vocabulary import Agency, ClockName, MappaCategory, Recommendation, RiskLevel, Stage
from disclosure_service.cases.workflow import (
    PLAN_NEEDED,
    Action,
    Actor,
    CaseFacts,
    evaluate,
    needs_safeguarding_plan,
    plan_if_needed,
)
from disclosure_service.identity.roles import Role
from disclosure_service.schemes.csods import CSODS

OFFICER = Actor(user_id=1, role=Role.officer)
SUPERVISOR = Actor(user_id=2, role=Role.supervisor)
RECEIVED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("level", "child_at_risk", "needed"),
    [
        (RiskLevel.not_assessed, False, False),
        (RiskLevel.standard, False, False),
        (RiskLevel.medium, False, False),
        (RiskLevel.high, False, True),
        (RiskLevel.immediate, False, True),
        (RiskLevel.standard, True, True),
        (RiskLevel.medium, True, True),
    ],
)
def test_a_plan_is_needed_when_the_risk_is_high_or_a_child_is_at_risk(
    level: RiskLevel, child_at_risk: bool, needed: bool
) -> None:
    facts = CaseFacts(stage=Stage.risk_assessment, risk_level=level, child_at_risk=child_at_risk)
    assert needs_safeguarding_plan(facts) is needed
    assert plan_if_needed(facts, OFFICER) == (PLAN_NEEDED if needed else None)
    with_plan = CaseFacts(
        stage=Stage.risk_assessment, risk_level=level, child_at_risk=child_at_risk, has_safeguarding_plan=True
    )
    assert plan_if_needed(with_plan, OFFICER) is None


# Facts that meet every other requirement of each gated action, so only the plan decides.
GATED = {
    Action.record_applicant_meeting: (CaseFacts(stage=Stage.applicant_meeting, assigned_to=1), OFFICER),
    Action.complete_checks: (
        CaseFacts(stage=Stage.risk_assessment, assigned_to=1, checks_requested=1, checks_open=0),
        OFFICER,
    ),
    Action.recommend: (CaseFacts(stage=Stage.recommendation, assigned_to=1, risk_assessed=True), OFFICER),
    Action.authorise: (
        CaseFacts(stage=Stage.authorisation, recommendation=Recommendation.disclose, recommended_by=1),
        SUPERVISOR,
    ),
    Action.refuse: (
        CaseFacts(stage=Stage.authorisation, recommendation=Recommendation.disclose, recommended_by=1),
        SUPERVISOR,
    ),
}


@pytest.mark.parametrize("action", list(GATED))
def test_each_step_onward_waits_for_the_plan(action: Action) -> None:
    facts, actor = GATED[action]
    assert evaluate(CSODS.rules, action, facts, actor).allowed
    high = _with(facts, RiskLevel.high)
    refused = evaluate(CSODS.rules, action, high, actor)
    assert not refused.allowed
    assert refused.reasons == (PLAN_NEEDED,)
    planned = _with(facts, RiskLevel.high, plan=True)
    assert evaluate(CSODS.rules, action, planned, actor).allowed


def _with(facts: CaseFacts, level: RiskLevel, *, plan: bool = False) -> CaseFacts:
    return dataclasses.replace(facts, risk_level=level, has_safeguarding_plan=plan)


@pytest.mark.parametrize(
    "action", [Action.reassess_risk, Action.record_safeguarding_plan, Action.record_mappa, Action.add_note]
)
def test_recording_the_risk_and_the_plan_is_never_held_back_by_the_plan(action: Action) -> None:
    facts = CaseFacts(stage=Stage.recommendation, assigned_to=1, risk_level=RiskLevel.high, child_at_risk=True)
    assert evaluate(CSODS.rules, action, facts, OFFICER).allowed


def test_returning_for_more_work_is_not_held_back_by_a_missing_plan() -> None:
    facts = CaseFacts(
        stage=Stage.authorisation, recommendation=Recommendation.disclose, recommended_by=1, risk_level=RiskLevel.high
    )
    assert evaluate(CSODS.rules, Action.return_for_work, facts, SUPERVISOR).allowed


def _rows() -> list[clocks.ClockState]:
    return clocks.new_case(CSODS.clocks, clocks.lengths(CSODS.clocks, {}), RECEIVED)


def test_the_plan_clock_waits_for_the_need_then_runs_a_day_and_stops_with_the_plan() -> None:
    rows = _rows()
    plan = next(r for r in rows if r.clock is ClockName.safeguarding_plan)
    assert plan.started_at is None
    # No stage starts it.
    for stage in (Stage.initial_triage, Stage.applicant_meeting, Stage.risk_assessment, Stage.recommendation):
        moved = clocks.move(
            CSODS.clocks, rows, from_stage=Stage.received, to_stage=stage, received_at=RECEIVED, now=RECEIVED
        )
        assert ClockName.safeguarding_plan not in {c.clock for c in moved}
    found = RECEIVED + timedelta(days=3)
    [started] = clocks.start_now(CSODS.clocks, rows, ClockName.safeguarding_plan, received_at=RECEIVED, now=found)
    assert started.due_at == found + timedelta(hours=24)
    rows = clocks.merged(rows, [started])
    # Started once: finding the need again does not move it.
    assert clocks.start_now(CSODS.clocks, rows, ClockName.safeguarding_plan, received_at=RECEIVED, now=found) == []
    # It is shown once started, as any other clock.
    shown = clocks.shown(CSODS.clocks, rows, stage=Stage.risk_assessment, received_at=RECEIVED, now=found)
    assert "Interim safeguarding plan" in [c.name for c in shown]
    [stopped] = clocks.stop_now(rows, ClockName.safeguarding_plan, now=found + timedelta(hours=2))
    assert stopped.stopped_at == found + timedelta(hours=2)
    assert clocks.stop_now(clocks.merged(rows, [stopped]), ClockName.safeguarding_plan, now=found) == []


def test_a_plan_clock_not_started_is_not_shown() -> None:
    shown = clocks.shown(CSODS.clocks, _rows(), stage=Stage.received, received_at=RECEIVED, now=RECEIVED)
    assert "Interim safeguarding plan" not in [c.name for c in shown]


def test_mappa_details_only_with_a_category() -> None:
    managed = schemas.MappaIn(version=1, category=MappaCategory.category_1)
    assert {name for name, _ in mappa_problems(managed)} == {"level", "lead_agency", "offender_manager"}
    whole = schemas.MappaIn(
        version=1, category=MappaCategory.category_1, level=None, lead_agency=Agency.probation, offender_manager="A"
    )
    assert [name for name, _ in mappa_problems(whole)] == ["level"]
    assert mappa_problems(schemas.MappaIn(version=1, category=MappaCategory.unknown)) == []
    stray = schemas.MappaIn(version=1, category=MappaCategory.none, offender_manager="Someone")
    assert [name for name, _ in mappa_problems(stray)] == ["category"]


def test_a_forum_needs_someone_there() -> None:
    base: dict[str, Any] = {"version": 1, "held_on": date(2026, 11, 20), "chair": "DI A", "minutes_reference": "M-1"}
    empty = schemas.DecisionForumIn(**base, decision="Disclose", rationale="Risk")
    assert forum_problems(empty)
    full = schemas.DecisionForumIn(
        **base,
        attendees=[schemas.AttendeeIn(agency=Agency.probation, name="Sam")],
        decision="Disclose",
        rationale="Risk",
    )
    assert forum_problems(full) == []


def test_a_plan_has_an_action_and_none_due_before_the_application() -> None:
    received = date(2026, 11, 1)
    assert plan_problems(schemas.SafeguardingPlanIn(version=1), received=received)
    early = schemas.SafeguardingPlanIn(
        version=1,
        actions=[
            schemas.PlanActionIn(action="Visit", agency=Agency.health, due_on=date(2026, 11, 2)),
            schemas.PlanActionIn(action="Call", agency=Agency.police, due_on=date(2026, 10, 31)),
        ],
    )
    assert [name for name, _ in plan_problems(early, received=received)] == ["actions.1.due_on"]


def test_an_escalation_plan_starts_with_the_referral_done() -> None:
    [first] = escalation_plan("Leeds MASH", "MASH-991", date(2026, 11, 3))
    assert first.done
    assert first.due_on == date(2026, 11, 3)
    assert "Leeds MASH" in first.action
    assert "MASH-991" in first.action


def test_each_attendee_and_each_action_is_whole_and_said_by_its_row() -> None:
    forum = schemas.DecisionForumIn(
        version=1,
        held_on=date(2026, 11, 20),
        chair="DI A",
        minutes_reference="M-1",
        decision="Disclose",
        rationale="Risk",
        attendees=[schemas.AttendeeIn(agency=Agency.health, name="Dr Ames"), schemas.AttendeeIn(name="Sam")],
    )
    assert forum_problems(forum) == [("attendees.1.agency", "Select the agency of attendee 2")]
    plan = schemas.SafeguardingPlanIn(
        version=1,
        actions=[
            schemas.PlanActionIn(action="Visit", agency=Agency.health, due_on=date(2026, 11, 2)),
            schemas.PlanActionIn(action="  ", due_on=date(2026, 11, 2)),
        ],
    )
    assert [name for name, _ in plan_problems(plan, received=date(2026, 11, 1))] == [
        "actions.1.action",
        "actions.1.agency",
    ]
