"""The DVDS's rules table through the rules engine: what differs from the CSODS, written out by hand."""

from __future__ import annotations

import dataclasses

from disclosure_service.cases.vocabulary import Criterion, Outcome, PersonRole, Route, Stage
from disclosure_service.cases.workflow import Action, Actor, CaseFacts, closing_problems, evaluate
from disclosure_service.identity.roles import Role
from disclosure_service.schemes import SCHEMES
from disclosure_service.schemes.csods import CSODS
from disclosure_service.schemes.dvds import DVDS
from disclosure_service.schemes.dvds.clocks import CLOCKS

OFFICER = Actor(user_id=1, role=Role.officer)
AT_TRIAGE = CaseFacts(
    stage=Stage.initial_triage,
    assigned_to=OFFICER.user_id,
    roles_present=frozenset({PersonRole.applicant, PersonRole.subject, PersonRole.person_at_risk}),
)


def test_the_dvds_is_registered_beside_the_csods() -> None:
    assert set(SCHEMES) == {CSODS.scheme, DVDS.scheme}
    assert DVDS.person_roles == (
        PersonRole.applicant,
        PersonRole.person_at_risk,
        PersonRole.subject,
        PersonRole.child,
        PersonRole.third_party,
    )


def test_the_triage_needs_the_person_at_risk_and_no_child() -> None:
    verdict = evaluate(DVDS.rules, Action.complete_triage, AT_TRIAGE, OFFICER)
    assert verdict.allowed
    assert verdict.to_stage is Stage.applicant_meeting
    # The CSODS's triage refuses the same case: it has no child.
    assert not evaluate(CSODS.rules, Action.complete_triage, AT_TRIAGE, OFFICER).allowed
    without = dataclasses.replace(AT_TRIAGE, roles_present=frozenset({PersonRole.applicant, PersonRole.subject}))
    refused = evaluate(DVDS.rules, Action.complete_triage, without, OFFICER)
    assert refused.reasons == ("Add the person at risk before recording the triage",)


def test_right_to_know_skips_the_meeting_under_the_dvds_only() -> None:
    known = dataclasses.replace(AT_TRIAGE, route=Route.right_to_know, roles_present=AT_TRIAGE.roles_present)
    assert evaluate(DVDS.rules, Action.complete_triage, known, OFFICER).to_stage is Stage.risk_assessment
    with_child = dataclasses.replace(known, roles_present=known.roles_present | {PersonRole.child})
    assert evaluate(CSODS.rules, Action.complete_triage, with_child, OFFICER).to_stage is Stage.applicant_meeting


def test_the_safety_plan_is_the_dvds_s_from_the_checks_until_closure() -> None:
    assert Action.record_safety_plan not in CSODS.rules
    allowed = {
        stage
        for stage in Stage
        if evaluate(DVDS.rules, Action.record_safety_plan, dataclasses.replace(AT_TRIAGE, stage=stage), OFFICER).allowed
    }
    assert allowed == {
        Stage.risk_assessment,
        Stage.recommendation,
        Stage.authorisation,
        Stage.disclosure,
        Stage.undertaking_review,
        Stage.non_disclosure,
    }


def test_its_outcomes_and_criteria_are_its_own() -> None:
    assert DVDS.closing_outcomes[Stage.disclosure] == (Outcome.disclosed_previous_abuse,)
    assert Criterion.child_sexual_convictions not in DVDS.criteria
    assert Criterion.pressing_need in DVDS.criteria
    assert Criterion.pressing_need not in CSODS.criteria
    facts = CaseFacts(stage=Stage.disclosure, disclosure_made=True, found_anything=True, checks_requested=1)
    allowed = DVDS.closing_outcomes[Stage.disclosure]
    assert closing_problems(Outcome.disclosed_previous_abuse, facts, allowed=allowed, action_taken="", notes="") == []
    nothing = dataclasses.replace(facts, found_anything=False)
    [problem] = closing_problems(Outcome.disclosed_previous_abuse, nothing, allowed=allowed, action_taken="", notes="")
    assert "needs a check result that found something" in problem


def test_its_clocks_follow_the_2023_guidance() -> None:
    hours = {spec.clock.value: spec.default_hours for spec in CLOCKS}
    assert hours == {
        "triage": 24,
        "applicant_meeting": 14 * 24,
        "undertaking_review": 24,
        "whole_case": 28 * 24,
        "safeguarding_plan": 24,
    }
    for stage in DVDS.stages:
        if stage.is_open:
            assert DVDS.clock_at(stage) is not None, f"{stage} has no deadline"
