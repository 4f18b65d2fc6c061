"""The CSODS rules table through the rules engine: every (stage, action, role)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from disclosure_service.cases.vocabulary import Outcome, PersonRole, Recommendation, Stage
from disclosure_service.cases.workflow import (
    Action,
    Actor,
    CaseFacts,
    UndertakingStatus,
    available,
    closing_problems,
    evaluate,
)
from disclosure_service.identity.roles import Role
from disclosure_service.schemes.csods import CSODS

RULES = CSODS.rules
OFFICER = Actor(user_id=1, role=Role.officer)
SUPERVISOR = Actor(user_id=2, role=Role.supervisor)
ADMIN = Actor(user_id=3, role=Role.admin)
OPEN: set[Stage] = {s for s in Stage if s is not Stage.closed}
AUTHORISED = {Stage.authorisation, Stage.disclosure, Stage.undertaking_review, Stage.non_disclosure}

# Written out by hand from domain.md, not derived from the rules: where each action may start
# (for a supervisor; OFFICER_ALLOWED_AT below says where an officer may).
ALLOWED_AT: dict[Action, set[Stage]] = {
    Action.start_triage: {Stage.received},
    Action.complete_triage: {Stage.received, Stage.initial_triage},
    Action.escalate: set(OPEN),  # during a review, the escalation is the review's decision
    Action.record_applicant_meeting: {Stage.applicant_meeting},
    Action.identity_not_verified: {Stage.applicant_meeting},
    Action.add_check: {Stage.risk_assessment},
    Action.record_check_result: {Stage.risk_assessment},
    Action.complete_checks: {Stage.risk_assessment},
    Action.record_risk_assessment: {Stage.risk_assessment, Stage.recommendation},
    Action.recommend: {Stage.recommendation},
    Action.authorise: {Stage.authorisation},
    Action.refuse: {Stage.authorisation},
    Action.return_for_work: {Stage.authorisation},
    Action.extend: set(OPEN),
    Action.assign: set(OPEN),
    Action.add_person: set(OPEN),
    Action.withdraw: set(OPEN) - {Stage.undertaking_review},
    Action.out_of_scope: {
        Stage.received,
        Stage.initial_triage,
        Stage.applicant_meeting,
        Stage.risk_assessment,
    },
    Action.schedule_disclosure_meeting: {Stage.disclosure},
    Action.rearrange_disclosure_meeting: {Stage.disclosure},
    Action.cancel_disclosure_meeting: {Stage.disclosure},
    Action.record_disclosure_meeting: {Stage.disclosure},
    Action.generate_undertaking: {Stage.disclosure},
    Action.undertaking_signed: {Stage.disclosure},
    Action.undertaking_refused: {Stage.disclosure},
    Action.review_refusal: {Stage.undertaking_review},
    Action.record_disclosure_made: {Stage.disclosure},
    Action.record_applicant_told: {Stage.disclosure, Stage.non_disclosure},
    Action.close: {Stage.disclosure, Stage.non_disclosure},
    Action.record_breach: {Stage.disclosure, Stage.closed},
    Action.record_post_closure_event: {Stage.closed},
    Action.record_retention_review: {Stage.closed},
    # Keeping the file right, and its running record, at every stage.
    Action.correct_person: set(Stage),
    Action.add_note: set(Stage),
    Action.record_contact: set(Stage),
    Action.add_attachment: set(Stage),
    # Before a decision is asked for: the case is the other force's to decide.
    Action.transfer: {
        Stage.received,
        Stage.initial_triage,
        Stage.applicant_meeting,
        Stage.risk_assessment,
        Stage.recommendation,
    },
    Action.request_force_check: {Stage.risk_assessment},
    # Partners: MAPPA and consultations while the case is open; the forum before the decision.
    Action.record_mappa: set(OPEN),
    Action.record_consultation: set(OPEN),
    Action.record_decision_forum: {Stage.risk_assessment, Stage.recommendation, Stage.authorisation},
    # Live risk, at any open stage.
    Action.reassess_risk: set(OPEN),
    Action.record_safeguarding_plan: set(OPEN),
}
SUPERVISORS_ONLY = {
    Action.authorise,
    Action.refuse,
    Action.return_for_work,
    Action.extend,
    Action.review_refusal,
    Action.transfer,
    Action.record_retention_review,
}
# Once a decision is authorised, only a supervisor (with a rationale) takes a case out of the scheme.
OFFICER_ALLOWED_AT: dict[Action, set[Stage]] = {
    action: set()
    if action in SUPERVISORS_ONLY
    else stages - AUTHORISED
    if action in (Action.withdraw, Action.escalate)
    else stages
    for action, stages in ALLOWED_AT.items()
}

# Facts that satisfy each action's own requirements, so that only the stage decides.
READY = CaseFacts(
    stage=Stage.received,
    assigned_to=OFFICER.user_id,
    roles_present=frozenset({PersonRole.applicant, PersonRole.subject, PersonRole.child}),
    checks_requested=2,
    checks_open=1,
    recommendation=Recommendation.disclose,
    recommended_by=OFFICER.user_id,
    disclosure_meeting_recorded=True,
    undertaking_generated=True,
    risk_assessed=True,
)
PENDING = dataclasses.replace(READY, meeting_pending=True, disclosure_meeting_recorded=False)
READY_FOR: dict[Action, CaseFacts] = {
    Action.schedule_disclosure_meeting: dataclasses.replace(READY, disclosure_meeting_recorded=False),
    Action.record_disclosure_meeting: PENDING,
    Action.rearrange_disclosure_meeting: PENDING,
    Action.cancel_disclosure_meeting: PENDING,
    Action.complete_checks: dataclasses.replace(READY, checks_open=0),
    Action.record_disclosure_made: dataclasses.replace(READY, undertaking=UndertakingStatus.signed),
    Action.record_applicant_told: dataclasses.replace(READY, disclosure_made=True, recipient_is_applicant=False),
    Action.close: dataclasses.replace(READY, disclosure_made=True, applicant_told=True),
    Action.record_breach: dataclasses.replace(READY, disclosure_made=True),
}


def test_every_action_of_the_scheme_has_an_expected_row() -> None:
    assert set(ALLOWED_AT) == set(RULES)


@pytest.mark.parametrize(
    ("stage", "action", "actor"), list(itertools.product(Stage, RULES, (OFFICER, SUPERVISOR))), ids=str
)
def test_each_action_is_allowed_exactly_at_its_stages_for_each_role(stage: Stage, action: Action, actor: Actor) -> None:
    facts = dataclasses.replace(READY_FOR.get(action, READY), stage=stage)
    verdict = evaluate(RULES, action, facts, actor)
    expected = (ALLOWED_AT if actor.role is Role.supervisor else OFFICER_ALLOWED_AT)[action]
    assert verdict.allowed is (stage in expected)
    if not verdict.allowed:
        assert verdict.reasons, "a refusal must say why"
        assert all(reason[0].isupper() for reason in verdict.reasons)


@pytest.mark.parametrize("action", [a for a in RULES if Stage.closed not in ALLOWED_AT[a]])
def test_a_closed_case_refuses_everything_but_what_follows_closure_and_says_so(action: Action) -> None:
    verdict = evaluate(RULES, action, dataclasses.replace(READY, stage=Stage.closed), SUPERVISOR)
    assert verdict.reasons == ("This case is closed",)


def test_while_a_refusal_awaits_review_an_officer_can_neither_withdraw_nor_escalate() -> None:
    waiting = dataclasses.replace(READY, stage=Stage.undertaking_review, undertaking=UndertakingStatus.refused)
    for action in (Action.withdraw, Action.escalate):
        verdict = evaluate(RULES, action, waiting, OFFICER)
        assert verdict.forbidden
        assert verdict.reasons == ("Only supervisors can do this once a decision has been authorised",)
    assert not evaluate(RULES, Action.withdraw, waiting, SUPERVISOR).allowed
    assert not evaluate(RULES, Action.withdraw, waiting, SUPERVISOR).forbidden
    assert evaluate(RULES, Action.escalate, waiting, SUPERVISOR).allowed


def test_an_authorised_disclosure_is_withdrawn_only_by_a_supervisor() -> None:
    authorised = dataclasses.replace(READY, stage=Stage.disclosure)
    assert evaluate(RULES, Action.withdraw, authorised, OFFICER).forbidden
    assert evaluate(RULES, Action.withdraw, authorised, SUPERVISOR).allowed
    assert evaluate(
        RULES, Action.withdraw, dataclasses.replace(authorised, stage=Stage.risk_assessment), OFFICER
    ).allowed


def test_the_undertaking_comes_before_the_disclosure() -> None:
    held = dataclasses.replace(READY, stage=Stage.disclosure, undertaking_generated=False)
    # No undertaking generated for this meeting: it can be neither signed nor refused.
    assert "Generate the undertaking" in evaluate(RULES, Action.undertaking_refused, held, OFFICER).reasons[0]
    assert "Generate the undertaking" in evaluate(RULES, Action.undertaking_signed, held, OFFICER).reasons[0]
    generated = dataclasses.replace(held, undertaking_generated=True)
    assert not evaluate(RULES, Action.record_disclosure_made, generated, OFFICER).allowed
    assert evaluate(RULES, Action.undertaking_refused, generated, OFFICER).to_stage is Stage.undertaking_review
    signed = dataclasses.replace(generated, undertaking=UndertakingStatus.signed)
    assert evaluate(RULES, Action.record_disclosure_made, signed, OFFICER).allowed
    arranged_only = dataclasses.replace(generated, disclosure_meeting_recorded=False, meeting_pending=True)
    assert evaluate(RULES, Action.generate_undertaking, arranged_only, OFFICER).allowed
    assert not evaluate(RULES, Action.undertaking_signed, arranged_only, OFFICER).allowed


def test_the_applicant_is_told_when_someone_else_received_the_disclosure() -> None:
    made = dataclasses.replace(READY, stage=Stage.disclosure, disclosure_made=True, recipient_is_applicant=False)
    assert not evaluate(RULES, Action.close, made, OFFICER).allowed
    assert evaluate(RULES, Action.record_applicant_told, made, OFFICER).allowed
    assert evaluate(RULES, Action.close, dataclasses.replace(made, applicant_told=True), OFFICER).allowed
    to_applicant = dataclasses.replace(made, recipient_is_applicant=True)
    assert evaluate(RULES, Action.close, to_applicant, OFFICER).allowed
    assert not evaluate(RULES, Action.record_applicant_told, to_applicant, OFFICER).allowed


@pytest.mark.parametrize(
    ("stage", "outcome", "facts", "allowed"),
    [
        (Stage.disclosure, Outcome.disclosed_child_sex_convictions, {"found_child_sexual_convictions": True}, True),
        (Stage.disclosure, Outcome.disclosed_child_sex_convictions, {"found_anything": True}, False),
        (Stage.disclosure, Outcome.disclosed_other_information, {"found_anything": True}, True),
        (Stage.disclosure, Outcome.disclosed_other_information, {}, False),
        (Stage.disclosure, Outcome.no_trace, {}, False),
        (Stage.non_disclosure, Outcome.no_trace, {"disclosure_made": False, "checks_open": 0}, True),
        (Stage.non_disclosure, Outcome.no_trace, {"disclosure_made": False, "checks_open": 1}, False),
        (Stage.non_disclosure, Outcome.no_trace, {"disclosure_made": False, "found_anything": True}, False),
        (Stage.non_disclosure, Outcome.held_not_disclosed, {"disclosure_made": False, "found_anything": True}, True),
        (Stage.non_disclosure, Outcome.held_not_disclosed, {"disclosure_made": False}, False),
        (Stage.non_disclosure, Outcome.disclosed_child_sex_convictions, {"found_anything": True}, False),
    ],
)
def test_a_closing_outcome_must_agree_with_the_record(
    stage: Stage, outcome: Outcome, facts: dict[str, object], allowed: bool
) -> None:
    case = dataclasses.replace(READY, stage=stage, disclosure_made=True, checks_open=0)
    case = dataclasses.replace(case, **facts)  # type: ignore[arg-type]
    allowed_here = CSODS.closing_outcomes.get(stage, ())
    assert (closing_problems(outcome, case, allowed=allowed_here, action_taken="", notes="") == []) is allowed


def test_other_safeguarding_action_says_what_the_action_was() -> None:
    case = dataclasses.replace(READY, stage=Stage.non_disclosure, checks_open=0)
    offered = CSODS.closing_outcomes[Stage.non_disclosure]
    outcome = Outcome.other_safeguarding_action
    assert closing_problems(outcome, case, allowed=offered, action_taken="", notes="")
    assert not closing_problems(outcome, case, allowed=offered, action_taken="Referral to CSC", notes="")


@pytest.mark.parametrize("action", list(RULES))
def test_admins_and_auditors_cannot_work_cases(action: Action) -> None:
    for role in (Role.admin, Role.auditor):
        for stage in ALLOWED_AT[action]:
            verdict = evaluate(
                RULES, action, dataclasses.replace(READY_FOR.get(action, READY), stage=stage), Actor(9, role)
            )
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
    # (The disclosure stage's own steps, the meeting, the undertaking and the disclosure made, leave the
    # stage as it is; the integration tests walk them.)
    stage = Stage.received
    for action, expected in path:
        facts = dataclasses.replace(READY_FOR.get(action, READY), stage=stage)
        verdict = evaluate(RULES, action, facts, SUPERVISOR)
        assert verdict.allowed, (action, verdict.reasons)
        assert verdict.to_stage is expected
        stage = expected


def test_authorising_a_recommendation_not_to_disclose_leads_to_telling_the_applicant() -> None:
    facts = dataclasses.replace(READY, stage=Stage.authorisation, recommendation=Recommendation.do_not_disclose)
    assert evaluate(RULES, Action.authorise, facts, SUPERVISOR).to_stage is Stage.non_disclosure
    assert evaluate(RULES, Action.refuse, facts, SUPERVISOR).to_stage is Stage.non_disclosure
    assert evaluate(RULES, Action.return_for_work, facts, SUPERVISOR).to_stage is Stage.recommendation


@pytest.mark.parametrize("action", [Action.authorise, Action.refuse, Action.return_for_work])
def test_nobody_decides_on_their_own_recommendation(action: Action) -> None:
    facts = dataclasses.replace(READY, stage=Stage.authorisation, recommended_by=SUPERVISOR.user_id)
    verdict = evaluate(RULES, action, facts, SUPERVISOR)
    assert not verdict.allowed
    assert "another supervisor" in verdict.reasons[0]


def test_officers_cannot_authorise_or_extend() -> None:
    for action, stage in ((Action.authorise, Stage.authorisation), (Action.extend, Stage.recommendation)):
        verdict = evaluate(RULES, action, dataclasses.replace(READY, stage=stage), OFFICER)
        assert verdict.reasons == ("Only supervisors can do this",)


def test_triage_says_which_people_are_missing() -> None:
    facts = CaseFacts(
        assigned_to=OFFICER.user_id, stage=Stage.received, roles_present=frozenset({PersonRole.applicant})
    )
    verdict = evaluate(RULES, Action.complete_triage, facts, OFFICER)
    assert len(verdict.reasons) == 2
    assert "subject" in verdict.reasons[0]
    assert "child" in verdict.reasons[1]


def test_checks_cannot_finish_while_a_result_is_awaited() -> None:
    facts = dataclasses.replace(READY, stage=Stage.risk_assessment, checks_open=1)
    assert evaluate(RULES, Action.complete_checks, facts, OFFICER).reasons == (
        "Record the result of every check first",
    )
    none = dataclasses.replace(READY, stage=Stage.risk_assessment, checks_requested=0, checks_open=0)
    assert "at least one check" in evaluate(RULES, Action.complete_checks, none, OFFICER).reasons[0]


def test_the_disclosure_cannot_be_recorded_or_closed_before_signature_or_review() -> None:
    refused = dataclasses.replace(READY, stage=Stage.disclosure, undertaking=UndertakingStatus.refused)
    assert not evaluate(RULES, Action.record_disclosure_made, refused, OFFICER).allowed
    assert not evaluate(RULES, Action.close, refused, OFFICER).allowed
    reviewed = dataclasses.replace(refused, undertaking=UndertakingStatus.review_proceed)
    assert evaluate(RULES, Action.record_disclosure_made, reviewed, OFFICER).allowed
    made = dataclasses.replace(reviewed, disclosure_made=True)
    assert evaluate(RULES, Action.close, made, OFFICER).allowed


def test_exits_record_their_outcome() -> None:
    facts = dataclasses.replace(READY, stage=Stage.applicant_meeting)
    assert evaluate(RULES, Action.escalate, facts, OFFICER).outcome is Outcome.escalated_child_protection
    assert evaluate(RULES, Action.identity_not_verified, facts, OFFICER).outcome is Outcome.identity_not_verified
    assert evaluate(RULES, Action.withdraw, facts, OFFICER).outcome is Outcome.withdrawn
    assert evaluate(RULES, Action.out_of_scope, facts, OFFICER).outcome is Outcome.out_of_scope


def test_available_lists_only_what_is_allowed() -> None:
    facts = dataclasses.replace(READY, stage=Stage.authorisation)
    assert Action.authorise in available(RULES, facts, SUPERVISOR)
    assert Action.authorise not in available(RULES, facts, OFFICER)
    assert all(evaluate(RULES, a, facts, OFFICER).allowed for a in available(RULES, facts, OFFICER))


def test_refusals_about_who_is_asking_are_marked_forbidden() -> None:
    own = dataclasses.replace(READY, stage=Stage.authorisation, recommended_by=SUPERVISOR.user_id)
    assert evaluate(RULES, Action.authorise, own, SUPERVISOR).forbidden
    assert evaluate(RULES, Action.authorise, dataclasses.replace(own, recommended_by=1), OFFICER).forbidden
    wrong_stage = evaluate(RULES, Action.authorise, dataclasses.replace(own, stage=Stage.recommendation), SUPERVISOR)
    assert not wrong_stage.allowed
    assert not wrong_stage.forbidden


def test_an_officer_changes_only_the_cases_they_hold() -> None:
    someone_elses = dataclasses.replace(READY, assigned_to=OFFICER.user_id + 1)
    unassigned = dataclasses.replace(READY, assigned_to=None)

    for facts in (someone_elses, unassigned):
        verdict = evaluate(RULES, Action.withdraw, facts, OFFICER)
        assert verdict.forbidden
        assert "assigned" in verdict.reasons[0]
        assert evaluate(RULES, Action.assign, facts, OFFICER).allowed  # but they may take it
    assert evaluate(RULES, Action.withdraw, someone_elses, SUPERVISOR).allowed
    # Starting the triage of a case nobody holds takes it; of someone else's, it does not.
    fresh = dataclasses.replace(unassigned, stage=Stage.received)
    assert evaluate(RULES, Action.start_triage, fresh, OFFICER).allowed
    assert not evaluate(RULES, Action.start_triage, dataclasses.replace(fresh, assigned_to=99), OFFICER).allowed


def test_the_recommendation_waits_for_the_risk_assessment() -> None:
    facts = dataclasses.replace(READY, stage=Stage.recommendation, risk_assessed=False)
    verdict = evaluate(RULES, Action.recommend, facts, OFFICER)
    assert verdict.reasons == ("Record the risk assessment first",)
    assert evaluate(RULES, Action.recommend, dataclasses.replace(facts, risk_assessed=True), OFFICER).allowed
