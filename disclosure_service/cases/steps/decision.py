"""The recommendation and a supervisor's decision on it (never the recommender's own)."""

from __future__ import annotations

import json

from disclosure_service.cases import schemas, timing
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, refuse
from disclosure_service.cases.forms import RATIONALE, choices, recipients
from disclosure_service.cases.recipients import recipient_problem
from disclosure_service.cases.spec import ActionForm, ActionSpec, Handler, Staff, fixed
from disclosure_service.cases.vocabulary import AuthorisationOutcome, Criterion, Recommendation, Stage
from disclosure_service.cases.workflow import SUPERVISORS, Action, Rule, after_authorisation, needs, not_the_recommender
from disclosure_service.web.formspec import Field

AWAITING = frozenset({Stage.authorisation})
NOT_AWAITING = "There is no recommendation waiting for authorisation"
# The answers a recommendation to disclose needs (and one not to disclose does not).
DISCLOSING = ("decision", Recommendation.disclose.value)


def _recommend_handler(protects: str) -> Handler:
    async def handler(ctx: Context, data: schemas.RecommendIn) -> Result:
        disclose = data.decision is Recommendation.disclose
        if disclose:
            problems = Problems()
            recipient = ctx.case.person(data.recipient_id)
            problems.check("recipient_id", recipient_problem(recipient, today=timing.london_today(ctx.now)))
            if not data.criteria:
                problems.check("criteria", "Select the criteria that are met")
            if not data.recipient_reason.strip():
                problems.check("recipient_reason", f"Say why this person is best placed to protect {protects}")
            if not data.disclosure_wording.strip():
                problems.check(
                    "disclosure_wording", "Record exactly what will be disclosed (kept internally, never given out)"
                )
            problems.raise_any()
        await ctx.add(
            "recommendation",
            by="recommended_by",
            at="recommended_at",
            decision=data.decision.value,
            criteria=json.dumps([c.value for c in data.criteria]),
            rationale=data.rationale,
            recipient=data.recipient_id if disclose else None,
            recipient_reason=data.recipient_reason,
            subject_told=data.subject_told,
            subject_told_reason=data.subject_told_reason,
            disclosure_wording=data.disclosure_wording,
        )
        return Result(
            "Recommendation made: it now needs a supervisor’s authorisation", {"decision": data.decision.value}
        )

    return handler


def recommend(*, protects: str) -> ActionSpec:
    """The officer's recommendation; `protects` names whom the recipient protects ("the child")."""

    def fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
        return (
            Field("decision", "Recommendation", "radios", options=choices(Recommendation)),
            Field(
                "criteria",
                "Criteria met",
                "checkboxes",
                options=choices(Criterion),
                required=False,
                when=DISCLOSING,
                needed_if="Needed for a recommendation to disclose",
                message="Select the criteria that are met",
            ),
            Field("rationale", "Rationale", "textarea", message="Record the rationale"),
            Field(
                "recipient_id",
                "Who should receive the disclosure?",
                "select",
                options=recipients(case),
                required=False,
                when=DISCLOSING,
                needed_if="Needed for a recommendation to disclose",
                message="Select who should receive the disclosure",
                hint=f"The person best placed to protect {protects}: not necessarily the applicant. Never the "
                "subject or a child; add another adult to the case first if they are not listed",
            ),
            Field(
                "recipient_reason",
                "Why they are best placed",
                "textarea",
                required=False,
                when=DISCLOSING,
                needed_if="Needed for a recommendation to disclose",
                message=f"Say why this person is best placed to protect {protects}",
            ),
            Field(
                "subject_told",
                "Will the subject be told of the disclosure?",
                "yesno",
                message="Select yes if the subject will be told of the disclosure",
            ),
            Field("subject_told_reason", "Reason, and the risk assessment for that", "textarea", required=False),
            Field(
                "disclosure_wording",
                "What exactly will be disclosed",
                "textarea",
                required=False,
                when=DISCLOSING,
                needed_if="Needed for a recommendation to disclose",
                message="Record exactly what will be disclosed (kept internally, never given out)",
                hint="An internal record: it is never produced as a document for the recipient",
            ),
        )

    return ActionSpec(
        Action.recommend,
        "Make a recommendation",
        Rule(
            frozenset({Stage.recommendation}),
            Stage.authorisation,
            requires=(needs(lambda f: f.risk_assessed, "Record the risk assessment first"),),
            not_at="A recommendation is made once the checks are finished",
        ),
        schemas.RecommendIn,
        _recommend_handler(protects),
        ActionForm(fields, "Send for authorisation", shows=("assessment", "checks")),
    )


def _decide(result: AuthorisationOutcome, message: str) -> Handler:
    async def handler(ctx: Context, data: schemas.DecisionIn) -> Result:
        recommendation = ctx.case.recommendation
        if recommendation is None:  # the stage is only reached with one
            raise refuse("There is no recommendation to decide on", "rationale")
        await ctx.add(
            "authorisation_decision",
            by="decided_by",
            at="decided_at",
            recommendation=recommendation.id,
            outcome=result.value,
            rationale=data.rationale,
        )
        return Result(message, {"outcome": result.value, "recommendation": recommendation.decision.value})

    return handler


def _decision(
    action: Action, *, label: str, to: Stage | None, result: AuthorisationOutcome, message: str, button: str
) -> ActionSpec:
    return ActionSpec(
        action,
        label,
        Rule(
            AWAITING,
            to if to is not None else after_authorisation,
            roles=SUPERVISORS,
            who=(not_the_recommender,),
            not_at=NOT_AWAITING,
        ),
        schemas.DecisionIn,
        _decide(result, message),
        ActionForm(fixed(RATIONALE), button, shows=("recommendation", "assessment", "checks")),
        step_up=action is Action.authorise,
        supervisor_decision=True,
    )


AUTHORISE = _decision(
    Action.authorise,
    label="Authorise the recommendation",
    to=None,
    result=AuthorisationOutcome.authorised,
    message="Recommendation authorised",
    button="Authorise",
)
REFUSE = _decision(
    Action.refuse,
    label="Refuse the disclosure",
    to=Stage.non_disclosure,
    result=AuthorisationOutcome.refused,
    message="Disclosure refused: the applicant must now be told",
    button="Refuse",
)
RETURN_FOR_WORK = _decision(
    Action.return_for_work,
    label="Return for more work",
    to=Stage.recommendation,
    result=AuthorisationOutcome.returned,
    message="Returned to the officer for more work",
    button="Return to the officer",
)
