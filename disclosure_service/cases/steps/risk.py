"""Live risk: the risk looked at again at any open stage, and the interim safeguarding plan a case
needs while the risk is high or a child is at risk (with its own clock, started when the need is found)."""

from __future__ import annotations

import json
from datetime import date

from disclosure_service.cases import clocks, schemas, store
from disclosure_service.cases.casefile import CaseFile, PlanAction
from disclosure_service.cases.context import Context, Result
from disclosure_service.cases.errors import Problems
from disclosure_service.cases.forms import choices
from disclosure_service.cases.spec import ActionForm, ActionSpec, Answers, Staff
from disclosure_service.cases.steps.common import received_on
from disclosure_service.cases.vocabulary import Agency, ClockName, RiskLevel
from disclosure_service.cases.workflow import OPEN_STAGES, Action, CaseFacts, Rule, needs_safeguarding_plan
from disclosure_service.web.formspec import Field

# Rows offered for the plan's actions on its page (the API takes up to 30).
PLAN_ROWS = 5


async def plan_needed_now(ctx: Context, *, level: RiskLevel, child_at_risk: bool) -> bool:
    """After the risk changed: if the case now needs a plan and has none, its clock starts. Whether it does."""
    facts = CaseFacts(stage=ctx.case.stage, risk_level=level, child_at_risk=child_at_risk)
    if not needs_safeguarding_plan(facts) or ctx.case.safeguarding_plans:
        return False
    started = clocks.start_now(
        ctx.clocks,
        ctx.case.clocks,
        ClockName.safeguarding_plan,
        received_at=ctx.case.record.received_at,
        now=ctx.now,
    )
    await store.update_clocks(ctx.conn, ctx.case.id, started)
    return True


async def _reassess_risk(ctx: Context, data: schemas.ReassessRiskIn) -> Result:
    level = RiskLevel(data.level)
    await ctx.add(
        "risk_reassessment",
        by="assessed_by",
        at="assessed_at",
        stage=ctx.case.stage.value,
        previous_level=ctx.case.record.risk_level,
        level=level.value,
        child_at_risk=data.child_at_risk,
        reasons=data.reasons,
    )
    await ctx.set_case(risk_level=level.value)
    needed = await plan_needed_now(ctx, level=level, child_at_risk=data.child_at_risk)
    then = ": record an interim safeguarding plan within its clock" if needed else ""
    return Result(
        f"Risk reassessed as {level.label.lower()}{then}",
        {"previous_level": ctx.case.record.risk_level, "level": level.value, "child_at_risk": data.child_at_risk},
    )


REASSESS_RISK = ActionSpec(
    Action.reassess_risk,
    "Reassess the risk",
    Rule(OPEN_STAGES, not_at="The risk is reassessed while the case is open"),
    schemas.ReassessRiskIn,
    _reassess_risk,
    ActionForm(
        lambda case, staff: (
            Field(
                "level",
                "Level of risk now",
                "radios",
                options=choices(RiskLevel)[1:],
                message="Select the level of risk now",
            ),
            Field(
                "child_at_risk",
                "Is a child at risk now?",
                "yesno",
                hint="A child at risk, whatever the level, needs an interim safeguarding plan",
                message="Select yes if a child is at risk now, or no if not",
            ),
            Field(
                "reasons",
                "What has changed",
                "textarea",
                hint="New information, from whom, and why it changes the risk",
                message="Enter what has changed",
            ),
        ),
        "Save reassessment",
        intro="A high risk, or a child at risk, needs an interim safeguarding plan before the case moves on. "
        "An immediate risk is escalated at once (child protection, or an emergency response).",
    ),
)


def plan_problems(data: schemas.SafeguardingPlanIn, *, received: date) -> list[tuple[str, str]]:
    """A plan has at least one action, each with its words, owning agency and due date, none due
    before the application came in."""
    if not data.actions:
        return [("actions.0.action", "Enter at least one action, the agency that owns it and when it is due")]
    found = []
    for n, item in enumerate(data.actions):
        if not item.action.strip():
            found.append((f"actions.{n}.action", f"Enter what action {n + 1} is"))
        if item.agency is None:
            found.append((f"actions.{n}.agency", f"Select the agency that owns action {n + 1}"))
        if item.due_on is None:
            found.append((f"actions.{n}.due_on", f"Enter when action {n + 1} is due"))
        elif item.due_on < received:
            found.append((f"actions.{n}.due_on", f"Action {n + 1} cannot be due before the application was received"))
    return found


def _plan_actions(data: schemas.SafeguardingPlanIn) -> list[PlanAction]:
    """The plan's actions, once `plan_problems` has found every one whole."""
    return [
        PlanAction(a.action, a.agency.value, a.due_on, a.done)
        for a in data.actions
        if a.agency is not None and a.due_on is not None
    ]


async def _record_plan(ctx: Context, data: schemas.SafeguardingPlanIn) -> Result:
    problems = Problems()
    for name, message in plan_problems(data, received=received_on(ctx)):
        problems.check(name, message)
    problems.raise_any()
    await add_plan(ctx, _plan_actions(data), data.notes)
    done = sum(a.done for a in data.actions)
    return Result(
        f"Safeguarding plan recorded: {len(data.actions)} action{'s' if len(data.actions) != 1 else ''}, {done} done",
        {"actions": len(data.actions), "done": done},
    )


async def add_plan(ctx: Context, actions: list[PlanAction], notes: str) -> None:
    """A version of the plan, replacing the one that stood; the plan's clock stops (its point reached)."""
    await ctx.add(
        "safeguarding_plan",
        actions=json.dumps(
            [{"action": a.action, "agency": a.agency, "due_on": a.due_on.isoformat(), "done": a.done} for a in actions]
        ),
        notes=notes,
    )
    await store.update_clocks(
        ctx.conn, ctx.case.id, clocks.stop_now(ctx.case.clocks, ClockName.safeguarding_plan, now=ctx.now)
    )


def _plan_fields(case: CaseFile, staff: Staff) -> tuple[Field, ...]:
    rows = tuple(
        field
        for n in range(PLAN_ROWS)
        for field in (
            Field(f"actions.{n}.action", f"Action {n + 1}", "textarea", required=False),
            Field(
                f"actions.{n}.agency",
                f"Action {n + 1}: owning agency",
                "select",
                options=choices(Agency),
                required=False,
            ),
            Field(f"actions.{n}.due_on", f"Action {n + 1}: due", "date", required=False),
            Field(
                f"actions.{n}.done",
                f"Action {n + 1}: done?",
                "yesno",
                required=False,
                message=f"Select yes if action {n + 1} is done, or no if not",
            ),
        )
    )
    return (*rows, Field("notes", "Notes", "textarea", required=False))


def _plan_now(case: CaseFile, answers: Answers) -> dict[str, list[str]]:
    """Start from the plan that stands: marking an action done is recording the plan again."""
    plan = case.safeguarding_plan
    if plan is None or answers:
        return {}
    start: dict[str, list[str]] = {"notes": [plan.notes]}
    for n, item in enumerate(plan.actions[:PLAN_ROWS]):
        start |= {
            f"actions.{n}.action": [item.action],
            f"actions.{n}.agency": [item.agency],
            f"actions.{n}.due_on-day": [str(item.due_on.day)],
            f"actions.{n}.due_on-month": [str(item.due_on.month)],
            f"actions.{n}.due_on-year": [str(item.due_on.year)],
            f"actions.{n}.done": ["true" if item.done else "false"],
        }
    return start


RECORD_SAFEGUARDING_PLAN = ActionSpec(
    Action.record_safeguarding_plan,
    "Record the interim safeguarding plan",
    Rule(OPEN_STAGES, not_at="The safeguarding plan is recorded while the case is open"),
    schemas.SafeguardingPlanIn,
    _record_plan,
    ActionForm(
        _plan_fields,
        "Save plan",
        intro="What each agency will do to keep those at risk safe while the case goes on, and by when. Save the "
        "plan again to mark an action done or add one; every version stays on the file.",
        prefill=_plan_now,
    ),
)


def escalation_plan(agency: str, reference: str, today: date) -> list[PlanAction]:
    """The plan an immediate-risk escalation starts: its first action is the referral itself."""
    return [
        PlanAction(
            f"Immediate risk referred to {agency} for an immediate response (referral {reference})",
            Agency.police.value,
            today,
            True,
        )
    ]
