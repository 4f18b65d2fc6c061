"""The case state machine, every (stage, action) pair."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from disclosure_service.accounts.roles import Role
from disclosure_service.cases.vocabulary import Outcome, Recommendation, Stage
from disclosure_service.cases.workflow import Action, Actor, CaseFacts, UndertakingStatus, available, evaluate

OFFICER = Actor(user_id=1, role=Role.officer)
SUPERVISOR = Actor(user_id=2, role=Role.supervisor)
ADMIN = Actor(user_id=3, role=Role.admin)
OPEN = [s for s in Stage if s is not Stage.closed]

# Written out by hand from domain.md, not derived from the rules: where each action may start.
ALLOWED_AT: dict[Action, set[Stage]] = {
    Action.start_triage: {Stage.received},
    Action.complete_triage: {Stage.received, Stage.initial_triage},
    Action.escalate: set(OPEN),
    Action.record_applicant_meeting: {Stage.applicant_meeting},
    Action.identity_not_verified: {Stage.applicant_meeting},
    Action.add_check: {Stage.risk_assessment},
    Action.record_check_result: {Stage.risk_assessment},
    Action.complete_checks: {Stage.risk_assessment},
    Action.recommend: {Stage.recommendation},
    Action.authorise: {Stage.authorisation},
    Action.refuse: {Stage.authorisation},
    Action.return_for_work: {Stage.authorisation},
    Action.extend: set(OPEN),
    Action.assign: set(OPEN),
    Action.add_person: set(OPEN),
    Action.withdraw: set(OPEN),
    Action.out_of_scope: {
        Stage.received,
        Stage.initial_triage,
        Stage.applicant_meeting,
        Stage.risk_assessment,
    },
    Action.schedule_disclosure_meeting: {Stage.disclosure},
    Action.record_disclosure_meeting: {Stage.disclosure},
    Action.generate_undertaking: {Stage.disclosure},
    Action.undertaking_signed: {Stage.disclosure},
    Action.undertaking_refused: {Stage.disclosure},
    Action.review_refusal: {Stage.undertaking_review},
    Action.record_disclosure_made: {Stage.disclosure},
    Action.record_applicant_told: {Stage.non_disclosure},
    Action.close: {Stage.disclosure, Stage.non_disclosure},
}

# Facts that satisfy each action's own requirements, so that only the stage decides.
READY = CaseFacts(
    stage=Stage.received,
    assigned_to=OFFICER.user_id,
    has_applicant=True,
    has_subject=True,
    has_child=True,
    checks_requested=2,
    checks_open=1,
    recommendation=Recommendation.disclose,
    recommended_by=OFFICER.user_id,
    disclosure_meeting_recorded=True,
)
READY_FOR: dict[Action, CaseFacts] = {
    Action.record_disclosure_meeting: dataclasses.replace(READY, meeting_pending=True),
    Action.complete_checks: dataclasses.replace(READY, checks_open=0),
    Action.record_disclosure_made: dataclasses.replace(READY, undertaking=UndertakingStatus.signed),
    Action.close: dataclasses.replace(READY, disclosure_made=True, applicant_told=True),
}


def test_every_action_has_an_expected_row() -> None:
    assert set(ALLOWED_AT) == set(Action)


@pytest.mark.parametrize(("stage", "action"), list(itertools.product(Stage, Action)))
def test_each_action_is_allowed_exactly_at_its_stages(stage: Stage, action: Action) -> None:
    facts = dataclasses.replace(READY_FOR.get(action, READY), stage=stage)
    verdict = evaluate(action, facts, SUPERVISOR)
    assert verdict.allowed is (stage in ALLOWED_AT[action])
    if not verdict.allowed:
        assert verdict.reasons, "a refusal must say why"
        assert all(reason[0].isupper() for reason in verdict.reasons)


@pytest.mark.parametrize("action", list(Action))
def test_a_closed_case_refuses_everything_and_says_so(action: Action) -> None:
    verdict = evaluate(action, dataclasses.replace(READY, stage=Stage.closed), SUPERVISOR)
    assert verdict.reasons == ("This case is closed",)


@pytest.mark.parametrize("action", list(Action))
def test_admins_and_auditors_cannot_work_cases(action: Action) -> None:
    for role in (Role.admin, Role.auditor):
        stage = next(iter(ALLOWED_AT[action]))
        verdict = evaluate(action, dataclasses.replace(READY, stage=stage), Actor(9, role))
        assert not verdict.allowed


def test_the_main_path_moves_through_every_stage() -> None:
    path = [
        (Action.start_triage, Stage.initial_triage),
        (Action.complete_triage, Stage.applicant_meeting),
        (Action.record_applicant_meeting, Stage.risk_assessment),
        (Action.complete_checks, Stage.recommendation),
        (Action.recommend, Stage.authorisation),
        (Action.authorise, Stage.disclosure),
        (Action.close, Stage.closed),
    ]
    stage = Stage.received
    for action, expected in path:
        facts = dataclasses.replace(READY_FOR.get(action, READY), stage=stage)
        verdict = evaluate(action, facts, SUPERVISOR)
        assert verdict.allowed, (action, verdict.reasons)
        assert verdict.to_stage is expected
        stage = expected


def test_authorising_a_recommendation_not_to_disclose_leads_to_telling_the_applicant() -> None:
    facts = dataclasses.replace(READY, stage=Stage.authorisation, recommendation=Recommendation.do_not_disclose)
    assert evaluate(Action.authorise, facts, SUPERVISOR).to_stage is Stage.non_disclosure
    assert evaluate(Action.refuse, facts, SUPERVISOR).to_stage is Stage.non_disclosure
    assert evaluate(Action.return_for_work, facts, SUPERVISOR).to_stage is Stage.recommendation


@pytest.mark.parametrize("action", [Action.authorise, Action.refuse, Action.return_for_work])
def test_nobody_decides_on_their_own_recommendation(action: Action) -> None:
    facts = dataclasses.replace(READY, stage=Stage.authorisation, recommended_by=SUPERVISOR.user_id)
    verdict = evaluate(action, facts, SUPERVISOR)
    assert not verdict.allowed
    assert "another supervisor" in verdict.reasons[0]


def test_officers_cannot_authorise_or_extend() -> None:
    for action, stage in ((Action.authorise, Stage.authorisation), (Action.extend, Stage.recommendation)):
        verdict = evaluate(action, dataclasses.replace(READY, stage=stage), OFFICER)
        assert verdict.reasons == ("Only supervisors can do this",)


def test_triage_says_which_people_are_missing() -> None:
    facts = CaseFacts(assigned_to=OFFICER.user_id, stage=Stage.received, has_applicant=True)
    verdict = evaluate(Action.complete_triage, facts, OFFICER)
    assert len(verdict.reasons) == 2
    assert "subject" in verdict.reasons[0]
    assert "child" in verdict.reasons[1]


def test_checks_cannot_finish_while_a_result_is_awaited() -> None:
    facts = dataclasses.replace(READY, stage=Stage.risk_assessment, checks_open=1)
    assert evaluate(Action.complete_checks, facts, OFFICER).reasons == ("Record the result of every check first",)
    none = dataclasses.replace(READY, stage=Stage.risk_assessment, checks_requested=0, checks_open=0)
    assert "at least one check" in evaluate(Action.complete_checks, none, OFFICER).reasons[0]


def test_the_disclosure_cannot_be_recorded_or_closed_before_signature_or_review() -> None:
    refused = dataclasses.replace(READY, stage=Stage.disclosure, undertaking=UndertakingStatus.refused)
    assert not evaluate(Action.record_disclosure_made, refused, OFFICER).allowed
    assert not evaluate(Action.close, refused, OFFICER).allowed
    reviewed = dataclasses.replace(refused, undertaking=UndertakingStatus.review_proceed)
    assert evaluate(Action.record_disclosure_made, reviewed, OFFICER).allowed
    made = dataclasses.replace(reviewed, disclosure_made=True)
    assert evaluate(Action.close, made, OFFICER).allowed


def test_exits_record_their_outcome() -> None:
    facts = dataclasses.replace(READY, stage=Stage.applicant_meeting)
    assert evaluate(Action.escalate, facts, OFFICER).outcome is Outcome.escalated_child_protection
    assert evaluate(Action.identity_not_verified, facts, OFFICER).outcome is Outcome.identity_not_verified
    assert evaluate(Action.withdraw, facts, OFFICER).outcome is Outcome.withdrawn
    assert evaluate(Action.out_of_scope, facts, OFFICER).outcome is Outcome.out_of_scope


def test_available_lists_only_what_is_allowed() -> None:
    facts = dataclasses.replace(READY, stage=Stage.authorisation)
    assert Action.authorise in available(facts, SUPERVISOR)
    assert Action.authorise not in available(facts, OFFICER)
    assert all(evaluate(a, facts, OFFICER).allowed for a in available(facts, OFFICER))


def test_refusals_about_who_is_asking_are_marked_forbidden() -> None:
    own = dataclasses.replace(READY, stage=Stage.authorisation, recommended_by=SUPERVISOR.user_id)
    assert evaluate(Action.authorise, own, SUPERVISOR).forbidden
    assert evaluate(Action.authorise, dataclasses.replace(own, recommended_by=1), OFFICER).forbidden
    wrong_stage = evaluate(Action.authorise, dataclasses.replace(own, stage=Stage.recommendation), SUPERVISOR)
    assert not wrong_stage.allowed
    assert not wrong_stage.forbidden


def test_an_officer_changes_only_the_cases_they_hold() -> None:
    someone_elses = dataclasses.replace(READY, assigned_to=OFFICER.user_id + 1)
    unassigned = dataclasses.replace(READY, assigned_to=None)

    for facts in (someone_elses, unassigned):
        verdict = evaluate(Action.withdraw, facts, OFFICER)
        assert verdict.forbidden
        assert "assigned" in verdict.reasons[0]
        assert evaluate(Action.assign, facts, OFFICER).allowed  # but they may take it
    assert evaluate(Action.withdraw, someone_elses, SUPERVISOR).allowed
    # Starting the triage of a case nobody holds takes it; of someone else's, it does not.
    fresh = dataclasses.replace(unassigned, stage=Stage.received)
    assert evaluate(Action.start_triage, fresh, OFFICER).allowed
    assert not evaluate(Action.start_triage, dataclasses.replace(fresh, assigned_to=99), OFFICER).allowed
