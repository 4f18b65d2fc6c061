"""Receiving a case: triage (or escalating an immediate risk), and meeting the applicant."""

from __future__ import annotations

from collections.abc import Mapping

from disclosure_service.cases import schemas, timing
from disclosure_service.cases.clocks import first_review_years, retention_review_date
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, invalid, refuse
from disclosure_service.cases.forms import REASON, choices
from disclosure_service.cases.spec import ActionForm, ActionSpec, Divert, fixed
from disclosure_service.cases.steps import risk
from disclosure_service.cases.steps.common import close_with, insert_review, received_on
from disclosure_service.cases.vocabulary import (
    MeetingMethod,
    Outcome,
    PersonRole,
    ReviewDecision,
    RiskLevel,
    Route,
    Stage,
)
from disclosure_service.cases.workflow import (
    FROM_AUTHORISATION,
    OPEN_STAGES,
    Action,
    CaseFacts,
    Requirement,
    Rule,
    needs,
    plan_if_needed,
)
from disclosure_service.web.formspec import Field

TRIAGE_STAGES = frozenset({Stage.received, Stage.initial_triage})


async def _start_triage(ctx: Context, data: schemas.ActionIn) -> Result:
    if ctx.case.record.assigned_to is None:
        await ctx.set_case(assigned_to=ctx.principal.user_id)
    return Result("Triage started", {})


START_TRIAGE = ActionSpec(
    Action.start_triage,
    "Start triage",
    Rule(frozenset({Stage.received}), Stage.initial_triage, not_at="Triage has already started", takes_case=True),
    schemas.ActionIn,
    _start_triage,
    ActionForm(button="Start triage", one_click=True),
)


async def _complete_triage(ctx: Context, data: schemas.TriageIn) -> Result:
    if data.immediate_risk:
        raise refuse(
            "An immediate risk leaves the scheme at once: use ‘Escalate an immediate risk to child protection’",
            "immediate_risk",
        )
    if not data.in_scope:
        raise refuse("A case that is not in scope is closed: use ‘Close: out of scope’", "in_scope")
    await ctx.add(
        "triage",
        immediate_risk=data.immediate_risk,
        in_scope=data.in_scope,
        risk_level=data.risk_level.value,
        notes=data.notes,
    )
    await ctx.set_case(risk_level=data.risk_level.value)
    await risk.plan_needed_now(ctx, level=data.risk_level, child_at_risk=ctx.case.child_at_risk)
    return Result("Triage recorded", {"risk_level": data.risk_level.value})


def _present(role: PersonRole, message: str) -> Requirement:
    return needs(lambda facts: role in facts.roles_present, message)


def complete_triage(
    needed: Mapping[PersonRole, str],
    *,
    intro: str,
    at_risk: str = "the child",
    escalate_to: str = "child protection",
    no_meeting_for: frozenset[Route] = frozenset(),
) -> ActionSpec:
    """The triage, once the people `needed` (each with the words saying so) are on the case.
    Cases that came by a route in `no_meeting_for` go straight to the checks: nobody asked, so
    there is no applicant to meet (the DVDS's Right to Know)."""

    def next_stage(facts: CaseFacts) -> Stage:
        return Stage.risk_assessment if facts.route in no_meeting_for else Stage.applicant_meeting

    return ActionSpec(
        Action.complete_triage,
        "Record the triage",
        Rule(
            TRIAGE_STAGES,
            next_stage,
            requires=tuple(_present(role, message) for role, message in needed.items()),
            not_at="The triage has already been recorded",
        ),
        schemas.TriageIn,
        _complete_triage,
        ActionForm(
            fixed(
                Field(
                    "immediate_risk",
                    f"Is {at_risk} at immediate risk?",
                    "yesno",
                    message=f"Select yes if {at_risk} is at immediate risk",
                ),
                Field(
                    "in_scope",
                    "Is the application in scope of the scheme?",
                    "yesno",
                    message="Select yes if the application is in scope of the scheme",
                ),
                Field(
                    "risk_level",
                    "Risk level",
                    "radios",
                    # Not "immediate": an immediate risk is escalated, never triaged (see `diverts`).
                    options=choices(RiskLevel)[1:-1],
                    hint=f"If {at_risk} is at immediate risk, answer yes above: the case is escalated instead",
                    message="Select the risk level",
                ),
                Field("notes", "Notes", "textarea", required=False),
            ),
            intro=intro,
            diverts=(
                Divert(
                    "immediate_risk",
                    "true",
                    Action.escalate,
                    f"You said {at_risk} is at immediate risk. The case leaves the scheme now: refer it to "
                    f"{escalate_to} and record the referral here.",
                ),
                Divert(
                    "in_scope",
                    "false",
                    Action.out_of_scope,
                    "You said the application is not in scope of the scheme. Close the case as out of scope, "
                    "giving the reason.",
                ),
            ),
        ),
    )


async def _escalate(ctx: Context, data: schemas.EscalateIn) -> Result:
    if ctx.case.stage in FROM_AUTHORISATION and not data.notes.strip():
        raise invalid("notes", "Record why the case is escalated after the decision, and what was done")
    refusal = ctx.case.latest_refusal
    if ctx.case.stage is Stage.undertaking_review and refusal is not None:
        # The escalation is the review's decision: the refusal does not stay undecided on the record.
        await insert_review(ctx, refusal.id, ReviewDecision.escalated, data.notes)
    await ctx.add("escalation", agency=data.agency, referral_reference=data.referral_reference, notes=data.notes)
    # It leaves the scheme closed, without a closure record: its retention review date is set here.
    review_years = first_review_years(Outcome.escalated_child_protection, ctx.retention_years)
    await ctx.set_case(
        risk_level=RiskLevel.immediate.value, retention_review_on=retention_review_date(ctx.now, review_years)
    )
    plan = risk.escalation_plan(data.agency, data.referral_reference, timing.london_today(ctx.now))
    await risk.add_plan(ctx, plan, notes="Started by the escalation")
    return Result(
        "Escalated for an immediate response; the scheme's clock has stopped",
        {"agency": data.agency, "referral_reference": data.referral_reference},
    )


ESCALATE = ActionSpec(
    Action.escalate,
    "Escalate an immediate risk to child protection",
    Rule(OPEN_STAGES, Stage.closed, outcome=Outcome.escalated_child_protection, supervisors_only_at=FROM_AUTHORISATION),
    schemas.EscalateIn,
    _escalate,
    ActionForm(
        fixed(
            Field(
                "agency",
                "Referred to",
                hint="For example, the MASH or children's social care out-of-hours team",
                message="Enter who the case was referred to",
            ),
            Field(
                "referral_reference",
                "Referral reference",
                width="govuk-input--width-20",
                message="Enter the referral reference",
            ),
            Field("notes", "What was done", "textarea", required=False),
        ),
        "Escalate and close",
        warning="This stops the scheme's clock and closes the case as escalated. It stays on the case for good.",
    ),
)


async def _record_applicant_meeting(ctx: Context, data: schemas.ApplicantMeetingIn) -> Result:
    problems = Problems()
    if not data.identity_verified:
        problems.check(
            "identity_verified",
            "Nothing can be disclosed without a verified identity: use ‘Close: identity not verified’",
        )
    elif not data.documents_seen.strip():
        problems.check("documents_seen", "Say which documents you saw to verify the applicant’s identity")
    problems.check(
        "held_on",
        timing.date_problem(
            data.held_on,
            "The date of the meeting",
            now=ctx.now,
            after=received_on(ctx),
            after_what="the date the application was received",
        ),
    )
    problems.raise_any()
    await ctx.add(
        "applicant_meeting",
        held_on=data.held_on,
        method=data.method.value,
        identity_verified=data.identity_verified,
        documents_seen=data.documents_seen,
        relationship_verified=data.relationship_verified,
        notes=data.notes,
    )
    return Result("Applicant meeting recorded", {"method": data.method.value})


RECORD_APPLICANT_MEETING = ActionSpec(
    Action.record_applicant_meeting,
    "Record the meeting with the applicant",
    Rule(
        frozenset({Stage.applicant_meeting}),
        Stage.risk_assessment,
        requires=(plan_if_needed,),
        not_at="The applicant meeting comes after triage and before the checks",
    ),
    schemas.ApplicantMeetingIn,
    _record_applicant_meeting,
    ActionForm(
        fixed(
            Field("held_on", "Date of the meeting", "date", message="Enter the date of the meeting"),
            Field(
                "method",
                "How was it held?",
                "radios",
                options=choices(MeetingMethod),
                message="Select how the meeting was held",
            ),
            Field(
                "identity_verified",
                "Was the applicant's identity verified?",
                "yesno",
                message="Select yes if the applicant's identity was verified",
            ),
            Field(
                "documents_seen",
                "Documents seen",
                "textarea",
                hint="For example: passport, child benefit letter",
                required=False,
                when=("identity_verified", "true"),
                needed_if="Needed if the identity was verified",
                message="Say which documents you saw to verify the applicant’s identity",
            ),
            Field(
                "relationship_verified",
                "Was their relationship to the child verified?",
                "yesno",
                message="Select yes if their relationship to the child was verified",
            ),
            Field("notes", "Further detail given", "textarea", required=False),
        ),
        intro="Within 10 days of the application. Nothing is disclosed at this meeting.",
    ),
)

IDENTITY_NOT_VERIFIED = ActionSpec(
    Action.identity_not_verified,
    "Close: identity not verified",
    Rule(
        frozenset({Stage.applicant_meeting}),
        Stage.closed,
        outcome=Outcome.identity_not_verified,
        not_at="Identity is checked at the applicant meeting",
    ),
    schemas.ReasonIn,
    close_with(Outcome.identity_not_verified),
    ActionForm(
        fixed(REASON),
        "Close the case",
        warning="Nothing can be disclosed under the scheme without a verified identity. Tell the applicant, and "
        "pass the concern on as intelligence if appropriate.",
    ),
)
