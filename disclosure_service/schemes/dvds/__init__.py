"""The Domestic Violence Disclosure Scheme ("Clare's Law"), as a definition.

Statutory guidance under s.77 of the Domestic Abuse Act 2021 (April 2023): a Right to Ask case (the
person at risk, or someone on their behalf, asks) has initial contact, a face-to-face meeting and a
full risk assessment; a Right to Know case (the police act on information of their own) goes from
the triage straight to the checks, as nobody asked and there is no applicant to meet. The decision
is the local multi-agency forum's (a pressing need; lawful, necessary and proportionate), the
disclosure goes to the person at risk or whoever is best placed to protect them, with a safety plan
(referrals to an IDVA or MARAC). The whole case has 28 days (`clocks.py`, docs/clocks.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.spec import ActionSpec, SchemeDefinition, Staff
from disclosure_service.cases.steps import checks, decision, intake, management, partners, people, records, risk
from disclosure_service.cases.vocabulary import Criterion, Outcome, PersonRole, Route, Scheme, Stage
from disclosure_service.dataprotection import review as retention
from disclosure_service.disclosures.steps import attachments, ending, meeting, safety_plan, undertaking
from disclosure_service.schemes.dvds.clocks import CLOCKS
from disclosure_service.transfers import steps as across_forces
from disclosure_service.web.formspec import Field

PERSON_ROLES = (
    PersonRole.applicant,
    PersonRole.person_at_risk,
    PersonRole.subject,
    PersonRole.child,
    PersonRole.third_party,
)

CRITERIA = (
    Criterion.risk_of_domestic_abuse,
    Criterion.pressing_need,
    Criterion.lawful,
    Criterion.necessary_to_protect_person_at_risk,
    Criterion.proportionate,
)

CLOSING_OUTCOMES = {
    Stage.disclosure: (Outcome.disclosed_previous_abuse,),
    Stage.non_disclosure: (
        Outcome.no_trace,
        Outcome.held_not_disclosed,
        Outcome.other_safeguarding_action,
    ),
}


def _relabelled(spec: ActionSpec, changes: dict[str, dict[str, Any]], intro: str | None = None) -> ActionSpec:
    """`spec` with some of its questions worded for the DVDS (`changes` by field name), every other
    part of each question (its message, its conditions) kept."""
    asked = spec.form.fields

    def fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
        return tuple(replace(f, **changes[f.name]) if f.name in changes else f for f in asked(case, staff))

    return replace(spec, form=replace(spec.form, fields=fields, intro=spec.form.intro if intro is None else intro))


def _face_to_face() -> ActionSpec:
    """The CSODS's applicant meeting, asking about the person at risk instead of a child."""
    spec = _relabelled(
        intake.RECORD_APPLICANT_MEETING,
        {
            "documents_seen": {"hint": "For example: passport, driving licence, a utility bill"},
            "relationship_verified": {
                "label": "Was their relationship to the person at risk (or their own relationship with the subject) "
                "verified?",
                "message": "Select yes if their relationship to the person at risk was verified",
            },
        },
        intro="Within 10 working days of the application: confirm who is asking and why, and give safety "
        "advice. Nothing about the subject is disclosed at this meeting.",
    )
    return replace(spec, label="Record the face-to-face meeting")


def _escalate() -> ActionSpec:
    """An immediate risk leaves the DVDS for an emergency response (the same record and outcome)."""
    spec = _relabelled(
        intake.ESCALATE,
        {
            "agency": {"hint": "For example, the response team, or a MARAC coordinator"},
            "referral_reference": {"label": "Reference"},
        },
    )
    return replace(spec, label="Escalate an immediate risk")


def _disclosure_meeting() -> ActionSpec:
    """The CSODS's meeting record, its purpose warning about the person at risk, not children."""
    return _relabelled(
        meeting.HOLD,
        {
            "purpose_explained": {
                "label": "Was the recipient told the information may only be used to keep the person at risk safe?",
                "message": "Select yes if the recipient was told the information may only be used to keep the "
                "person at risk safe",
            }
        },
    )


DVDS = SchemeDefinition(
    scheme=Scheme.dvds,
    title="Domestic Violence Disclosure Scheme",
    stages=(
        Stage.received,
        Stage.initial_triage,
        Stage.applicant_meeting,
        Stage.risk_assessment,
        Stage.recommendation,
        Stage.authorisation,
        Stage.disclosure,
        Stage.undertaking_review,
        Stage.non_disclosure,
        Stage.closed,
    ),
    actions=(
        intake.START_TRIAGE,
        intake.complete_triage(
            {
                PersonRole.subject: "Add the subject (the person of concern) before recording the triage",
                PersonRole.person_at_risk: "Add the person at risk before recording the triage",
            },
            intro="Within 24 hours of receipt. An immediate risk leaves the scheme at once for an emergency "
            "response: escalate it instead.",
            at_risk="the person at risk",
            escalate_to="an emergency response",
            no_meeting_for=frozenset({Route.right_to_know}),
        ),
        _escalate(),
        _face_to_face(),
        intake.IDENTITY_NOT_VERIFIED,
        checks.ADD_CHECK,
        checks.RECORD_CHECK_RESULT,
        checks.COMPLETE_CHECKS,
        across_forces.REQUEST_FORCE_CHECK,
        checks.RECORD_RISK_ASSESSMENT,
        partners.RECORD_MAPPA,
        partners.RECORD_CONSULTATION,
        partners.decision_forum(
            label="Record the multi-agency forum",
            intro="The local multi-agency forum that considered the disclosure (the guidance's decision-making "
            "forum, often held with the MARAC): who attended for which agency, what it decided and why. The "
            "supervisor sees it when deciding on the recommendation.",
            stages=frozenset({Stage.risk_assessment, Stage.recommendation, Stage.authorisation}),
        ),
        risk.REASSESS_RISK,
        risk.RECORD_SAFEGUARDING_PLAN,
        decision.recommend(protects="the person at risk", criteria=CRITERIA),
        decision.AUTHORISE,
        decision.REFUSE,
        decision.RETURN_FOR_WORK,
        management.EXTEND,
        management.ASSIGN,
        management.add_person(PERSON_ROLES),
        people.CORRECT_PERSON,
        records.ADD_NOTE,
        records.RECORD_CONTACT,
        attachments.ADD_ATTACHMENT,
        management.WITHDRAW,
        management.OUT_OF_SCOPE,
        across_forces.TRANSFER,
        meeting.SCHEDULE,
        meeting.REARRANGE,
        meeting.CANCEL,
        _disclosure_meeting(),
        undertaking.GENERATE,
        undertaking.SIGNED,
        undertaking.REFUSED,
        undertaking.REVIEW,
        ending.MADE,
        safety_plan.RECORD_SAFETY_PLAN,
        ending.TOLD,
        ending.close(CLOSING_OUTCOMES),
        ending.BREACH,
        ending.AFTER_CLOSURE,
        retention.RECORD_RETENTION_REVIEW,
    ),
    person_roles=PERSON_ROLES,
    closing_outcomes=CLOSING_OUTCOMES,
    clocks=CLOCKS,
    criteria=CRITERIA,
    documents=("dvds_undertaking", "dvds_non_disclosure_letter"),
)
