"""The Child Sex Offender Disclosure Scheme ("Sarah's Law"), as a definition.

Stages, clocks and criteria from docs (`../shared/docs/domain.md`, the Home Office guidance of 2010
and 2011, force procedures): a case is received, triaged within 24 hours, the applicant met within
10 days, checks made, a recommendation authorised by a supervisor, and the disclosure made in person
once the confidentiality undertaking is signed (or a refusal reviewed); 45 days in all, 35 where
nothing is disclosed (the clocks are in `clocks.py`, and a force sets its own).
"""

from __future__ import annotations

from disclosure_service.cases.spec import SchemeDefinition
from disclosure_service.cases.steps import checks, decision, intake, management, partners, people, records, risk
from disclosure_service.cases.vocabulary import Outcome, PersonRole, Scheme, Stage
from disclosure_service.dataprotection import review as retention
from disclosure_service.disclosures.steps import attachments, ending, meeting, undertaking
from disclosure_service.schemes.csods.clocks import CLOCKS
from disclosure_service.transfers import steps as across_forces

PERSON_ROLES = (
    PersonRole.applicant,
    PersonRole.subject,
    PersonRole.child,
    PersonRole.parent_carer,
    PersonRole.referrer,
    PersonRole.other,
)

CLOSING_OUTCOMES = {
    Stage.disclosure: (Outcome.disclosed_child_sex_convictions, Outcome.disclosed_other_information),
    Stage.non_disclosure: (
        Outcome.no_trace,
        Outcome.held_not_disclosed,
        Outcome.other_safeguarding_action,
    ),
}

CSODS = SchemeDefinition(
    scheme=Scheme.csods,
    title="Child Sex Offender Disclosure Scheme",
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
    # In the order the work goes: the case page offers them in this order.
    actions=(
        intake.START_TRIAGE,
        intake.complete_triage(
            {
                PersonRole.applicant: "Add the applicant before recording the triage",
                PersonRole.subject: "Add the subject (the person of concern) before recording the triage",
                PersonRole.child: "Add at least one child before recording the triage",
            },
            intro="Within 24 hours of receipt. An immediate risk leaves the scheme at once for child-protection "
            "procedures: escalate it instead.",
        ),
        intake.ESCALATE,
        intake.RECORD_APPLICANT_MEETING,
        intake.IDENTITY_NOT_VERIFIED,
        checks.ADD_CHECK,
        checks.RECORD_CHECK_RESULT,
        checks.COMPLETE_CHECKS,
        across_forces.REQUEST_FORCE_CHECK,
        checks.RECORD_RISK_ASSESSMENT,
        partners.RECORD_MAPPA,
        partners.RECORD_CONSULTATION,
        partners.decision_forum(
            label="Record the decision forum",
            intro="The multi-agency meeting (a MAPPA meeting, or the force's disclosure panel) that considered "
            "the case: who attended for which agency, what it decided and why. The supervisor sees it when "
            "deciding on the recommendation.",
            stages=frozenset({Stage.risk_assessment, Stage.recommendation, Stage.authorisation}),
        ),
        risk.REASSESS_RISK,
        risk.RECORD_SAFEGUARDING_PLAN,
        decision.recommend(protects="the child"),
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
        meeting.HOLD,
        undertaking.GENERATE,
        undertaking.SIGNED,
        undertaking.REFUSED,
        undertaking.REVIEW,
        ending.MADE,
        ending.TOLD,
        ending.close(CLOSING_OUTCOMES),
        ending.BREACH,
        ending.AFTER_CLOSURE,
        retention.RECORD_RETENTION_REVIEW,
    ),
    person_roles=PERSON_ROLES,
    closing_outcomes=CLOSING_OUTCOMES,
    clocks=CLOCKS,
    documents=("undertaking", "non_disclosure_letter"),
    criteria=decision.CSODS_CRITERIA,
)
