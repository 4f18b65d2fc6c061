"""The DVDS's safety plan: agreed with the person at risk, with referrals to an IDVA or a MARAC.

The statutory guidance (2023) expects a safety plan with every disclosure, and support offered
where nothing is disclosed too; it can be recorded (and recorded again as it changes) from the
checks until the case closes.
"""

from __future__ import annotations

from disclosure_service.cases import schemas
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.forms import choices
from disclosure_service.cases.spec import ActionForm, ActionSpec, fixed
from disclosure_service.cases.vocabulary import Referral, Stage
from disclosure_service.cases.workflow import Action, Rule
from disclosure_service.web.formspec import Field

PLAN_STAGES = frozenset(
    {
        Stage.risk_assessment,
        Stage.recommendation,
        Stage.authorisation,
        Stage.disclosure,
        Stage.undertaking_review,
        Stage.non_disclosure,
    }
)


async def _record(ctx: Context, data: schemas.SafetyPlanIn) -> Result:
    referrals = sorted({r.value for r in data.referrals})
    await ctx.add("safety_plan", plan=data.plan, referrals=referrals, referral_notes=data.referral_notes)
    return Result("Safety plan recorded", {"referrals": referrals})


RECORD_SAFETY_PLAN = ActionSpec(
    Action.record_safety_plan,
    "Record the safety plan",
    Rule(PLAN_STAGES, not_at="A safety plan is recorded from the checks until the case closes"),
    schemas.SafetyPlanIn,
    _record,
    ActionForm(
        fixed(
            Field(
                "plan",
                "The safety plan agreed with the person at risk",
                "textarea",
                message="Record the safety plan agreed with the person at risk",
            ),
            Field(
                "referrals",
                "Referrals made",
                "checkboxes",
                options=choices(Referral),
                required=False,
                hint="Select all that apply. A MARAC referral is for a person assessed at high risk",
            ),
            Field("referral_notes", "Details of the referrals", "textarea", required=False),
        ),
        "Save the safety plan",
    ),
)
