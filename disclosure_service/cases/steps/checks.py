"""The register of checks: each source asked, and what it returned."""

from __future__ import annotations

from disclosure_service.cases import schemas, timing
from disclosure_service.cases.casefile import CaseFile
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems, refuse
from disclosure_service.cases.forms import choices
from disclosure_service.cases.spec import ActionForm, ActionSpec, Staff, fixed
from disclosure_service.cases.steps.common import received_on
from disclosure_service.cases.vocabulary import CheckResult, CheckSource, RiskLevel, Stage
from disclosure_service.cases.workflow import Action, Rule, needs
from disclosure_service.web.formspec import Field

CHECKING = frozenset({Stage.risk_assessment})


async def _add_check(ctx: Context, data: schemas.CheckIn) -> Result:
    sources = list(dict.fromkeys([*data.sources, *([data.source] if data.source else [])]))
    problems = Problems()
    if not sources:
        problems.check("sources", "Select at least one source to check")
    problems.check(
        "requested_on",
        timing.date_problem(
            data.requested_on,
            "The date requested",
            now=ctx.now,
            after=received_on(ctx),
            after_what="the date the application was received",
        ),
    )
    problems.raise_any()
    for source in sources:
        await ctx.add(
            "case_check",
            by="requested_by",
            at="",
            source=source.value,
            requested_on=data.requested_on,
            summary=data.notes,
            findings="",
        )
    asked = ", ".join(source.label for source in sources)
    return Result(
        f"{'Checks' if len(sources) > 1 else 'Check'} requested: {asked}", {"sources": [s.value for s in sources]}
    )


ADD_CHECK = ActionSpec(
    Action.add_check,
    "Request checks",
    Rule(CHECKING, not_at="Checks are requested after the applicant meeting"),
    schemas.CheckIn,
    _add_check,
    ActionForm(
        fixed(
            Field(
                "sources",
                "Which sources are you checking?",
                "checkboxes",
                hint="Select all that you are asking now. Each is recorded as its own check, with its own result",
                options=choices(CheckSource),
                message="Select at least one source to check",
            ),
            Field("requested_on", "Date requested", "date", message="Enter the date the checks were requested"),
            Field("notes", "What you asked for", "textarea", required=False),
        ),
        "Request checks",
    ),
)


async def _record_check_result(ctx: Context, data: schemas.CheckResultIn) -> Result:
    check = next((c for c in ctx.case.checks if c.id == data.check_id), None)
    if check is None or check.result is not None:
        raise refuse("Choose a check that is waiting for its result", "check_id")
    problems = Problems()
    problems.check(
        "returned_on",
        timing.date_problem(
            data.returned_on,
            "The date returned",
            now=ctx.now,
            after=check.requested_on,
            after_what="the date the check was requested",
        ),
    )
    problems.raise_any()
    await ctx.change(
        "case_check",
        data.check_id,
        returned_on=data.returned_on,
        result=data.result.value,
        findings=data.findings or data.summary,
        result_recorded_by=ctx.principal.user_id,
    )
    return Result("Check result recorded", {"check_id": data.check_id, "result": data.result.value})


def _open_checks(case: CaseFile) -> list[tuple[str, str]]:
    return [(str(c.id), CheckSource(c.source).label) for c in case.checks if c.result is None]


def _result_fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
    return (
        Field("check_id", "Check", "select", options=_open_checks(case), message="Choose the check"),
        Field("returned_on", "Date returned", "date"),
        Field("result", "Result", "radios", options=choices(CheckResult)),
        Field("findings", "What the source found", "textarea", required=False),
    )


RECORD_CHECK_RESULT = ActionSpec(
    Action.record_check_result,
    "Record a check's result",
    Rule(
        CHECKING,
        requires=(needs(lambda f: f.checks_open > 0, "There is no check waiting for a result"),),
        not_at="Check results are recorded during the risk assessment",
    ),
    schemas.CheckResultIn,
    _record_check_result,
    ActionForm(_result_fields),
)


async def _complete_checks(ctx: Context, data: schemas.ActionIn) -> Result:
    return Result("Checks finished: the case is ready for a recommendation", {})


COMPLETE_CHECKS = ActionSpec(
    Action.complete_checks,
    "Finish the checks",
    Rule(
        CHECKING,
        Stage.recommendation,
        requires=(
            needs(lambda f: f.checks_requested > 0, "Request and record at least one check first"),
            needs(lambda f: f.checks_open == 0, "Record the result of every check first"),
        ),
        not_at="The checks are finished during the risk assessment",
    ),
    schemas.ActionIn,
    _complete_checks,
    ActionForm(button="Finish the checks", one_click=True),
)


async def _record_risk_assessment(ctx: Context, data: schemas.RiskAssessmentIn) -> Result:
    await ctx.add(
        "risk_assessment",
        by="assessed_by",
        at="assessed_at",
        risk_factors=data.risk_factors,
        protective_factors=data.protective_factors,
        assessed_level=data.assessed_level,
        rationale=data.rationale,
    )
    await ctx.set_case(risk_level=data.assessed_level)
    return Result("Risk assessment recorded", {"assessed_level": data.assessed_level})


RECORD_RISK_ASSESSMENT = ActionSpec(
    Action.record_risk_assessment,
    "Record the risk assessment",
    Rule(
        frozenset({Stage.risk_assessment, Stage.recommendation}),
        not_at="The risk assessment is recorded after the checks, before the recommendation",
    ),
    schemas.RiskAssessmentIn,
    _record_risk_assessment,
    ActionForm(
        fixed(
            Field(
                "risk_factors",
                "Risk factors",
                "textarea",
                hint="What the checks and the meetings found that points to a risk to the child",
                message="Enter the risk factors",
            ),
            Field(
                "protective_factors",
                "Protective factors",
                "textarea",
                hint="What reduces the risk: supervision, a parent able to act, conditions in place",
                required=False,
            ),
            Field(
                "assessed_level",
                "Assessed level of risk",
                "radios",
                hint="An immediate risk is escalated to child protection at once, not assessed here",
                options=choices(RiskLevel)[1:-1],
                message="Select the assessed level of risk",
            ),
            Field("rationale", "Rationale", "textarea", message="Enter the rationale for the level you assessed"),
        ),
        "Record assessment",
        intro="The facts for and against, then your judgement. A later assessment replaces this one for the "
        "recommendation; both stay on the file.",
    ),
)
