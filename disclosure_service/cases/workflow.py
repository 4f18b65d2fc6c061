"""The rules engine: which action may happen when, by whom, and why not. Plain rules, no I/O.

A scheme's table of rules (one `Rule` per action, in its `SchemeDefinition`) is a parameter: the
service asks `evaluate(rules, action, facts, actor)` before every change and refuses with the
reasons it returns; the case page asks `available(rules, facts, actor)` to offer only what can be
done. Nothing here knows which scheme it is judging.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from disclosure_service.cases.vocabulary import Outcome, PersonRole, Recommendation, RiskLevel, Route, Stage
from disclosure_service.identity.roles import Role

OPEN_STAGES = frozenset(stage for stage in Stage if stage.is_open)
# Once a supervisor has authorised a decision, nobody else's say can undo it (issue: no way round
# the review): leaving the scheme from here needs a supervisor and a rationale.
FROM_AUTHORISATION = frozenset({Stage.authorisation, Stage.disclosure, Stage.undertaking_review, Stage.non_disclosure})
TRIAGE_STAGES = frozenset({Stage.received, Stage.initial_triage})
BEFORE_DECISION = frozenset(
    {
        Stage.received,
        Stage.initial_triage,
        Stage.applicant_meeting,
        Stage.risk_assessment,
        Stage.recommendation,
    }
)


class Action(enum.StrEnum):
    start_triage = "start_triage"
    complete_triage = "complete_triage"
    escalate = "escalate"
    record_applicant_meeting = "record_applicant_meeting"
    identity_not_verified = "identity_not_verified"
    add_check = "add_check"
    record_check_result = "record_check_result"
    complete_checks = "complete_checks"
    record_risk_assessment = "record_risk_assessment"
    recommend = "recommend"
    authorise = "authorise"
    refuse = "refuse"
    return_for_work = "return_for_work"
    extend = "extend"
    assign = "assign"
    add_person = "add_person"
    withdraw = "withdraw"
    out_of_scope = "out_of_scope"
    # After the decision: the disclosure meeting and the undertaking, or telling the applicant.
    schedule_disclosure_meeting = "schedule_disclosure_meeting"
    rearrange_disclosure_meeting = "rearrange_disclosure_meeting"
    cancel_disclosure_meeting = "cancel_disclosure_meeting"
    record_disclosure_meeting = "record_disclosure_meeting"
    generate_undertaking = "generate_undertaking"
    undertaking_signed = "undertaking_signed"
    undertaking_refused = "undertaking_refused"
    review_refusal = "review_refusal"
    record_disclosure_made = "record_disclosure_made"
    record_applicant_told = "record_applicant_told"
    close = "close"
    # On a closed case, without reopening it.
    record_breach = "record_breach"
    record_post_closure_event = "record_post_closure_event"
    # Keeping a closed record or disposing of it (DPA 2018 s.39; the APP on review and retention).
    record_retention_review = "record_retention_review"
    # Keeping the file itself: at any stage, closed included.
    correct_person = "correct_person"
    add_note = "add_note"
    record_contact = "record_contact"
    add_attachment = "add_attachment"
    # Partners and live risk.
    record_mappa = "record_mappa"
    record_consultation = "record_consultation"
    record_decision_forum = "record_decision_forum"
    reassess_risk = "reassess_risk"
    record_safeguarding_plan = "record_safeguarding_plan"
    # Across forces on the same service.
    transfer = "transfer"
    request_force_check = "request_force_check"
    # The DVDS: the safety plan made with the person at risk, and where they were referred.
    record_safety_plan = "record_safety_plan"


class UndertakingStatus(enum.StrEnum):
    none = "none"
    signed = "signed"
    refused = "refused"
    review_proceed = "review_proceed"  # refused, and a supervisor decided to disclose anyway

    @property
    def allows_disclosure(self) -> bool:
        return self in (UndertakingStatus.signed, UndertakingStatus.review_proceed)


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the rules need to know about a case, read from the database by the service."""

    stage: Stage
    # How the case came in: under the DVDS a Right to Know case has no applicant to meet.
    route: Route = Route.right_to_ask
    # Who is on the case, by their part in it (a scheme's triage needs certain parts filled).
    roles_present: frozenset[PersonRole] = frozenset()
    checks_requested: int = 0
    checks_open: int = 0
    risk_assessed: bool = False
    recommendation: Recommendation | None = None
    recommended_by: int | None = None
    assigned_to: int | None = None
    # The latest disclosure meeting: arranged but not yet held, and whether one was held since the
    # undertaking last had to be tried again.
    meeting_pending: bool = False
    disclosure_meeting_recorded: bool = False
    # An undertaking was generated for the latest meeting (its recipient, date and place).
    undertaking_generated: bool = False
    undertaking: UndertakingStatus = UndertakingStatus.none
    disclosure_made: bool = False
    # The disclosure was made to someone other than the applicant, who must then be told the case is complete.
    recipient_is_applicant: bool = True
    applicant_told: bool = False
    # What the checks found: closing outcomes must agree with them.
    found_child_sexual_convictions: bool = False
    found_anything: bool = False
    # Live risk: the level now, whether the latest reassessment found a child at risk, and whether an
    # interim safeguarding plan is on the file.
    risk_level: RiskLevel = RiskLevel.not_assessed
    child_at_risk: bool = False
    has_safeguarding_plan: bool = False


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    role: Role


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    to_stage: Stage | None = None
    outcome: Outcome | None = None
    reasons: tuple[str, ...] = ()
    # Refused because of who is asking (role, or their own recommendation), not the case's state.
    forbidden: bool = False


Requirement = Callable[[CaseFacts, Actor], str | None]
NOT_YOUR_CASE = "Only the officer the case is assigned to can change it: take the case first, or ask a supervisor"


def holds_the_case(facts: CaseFacts, actor: Actor) -> str | None:
    """Reading a case someone else holds needs a reason; changing it needs the case (or a supervisor)."""
    if actor.role is Role.officer and facts.assigned_to != actor.user_id:
        return NOT_YOUR_CASE
    return None


def holds_or_takes_the_case(facts: CaseFacts, actor: Actor) -> str | None:
    return None if facts.assigned_to is None else holds_the_case(facts, actor)


@dataclass(frozen=True, slots=True)
class Rule:
    """An action: the stages it starts from, where it leads, who may take it, what must be true."""

    stages: frozenset[Stage]
    to_stage: Stage | Callable[[CaseFacts], Stage] | None = None  # None: the stage does not change
    roles: frozenset[Role] = frozenset({Role.officer, Role.supervisor})
    # Stages at which only a supervisor may take it (after authorisation, leaving the scheme).
    supervisors_only_at: frozenset[Stage] = frozenset()
    requires: tuple[Requirement, ...] = ()
    # Requirements about the person acting rather than the case (four eyes).
    who: tuple[Requirement, ...] = ()
    # Officers act only on cases they hold (supervisors on any); taking a case is how they get one.
    holder_only: bool = True
    # An action that takes an unassigned case for whoever does it.
    takes_case: bool = False
    outcome: Outcome | None = None
    not_at: str = ""  # why, in words, when the case is at another stage


def needs(condition: Callable[[CaseFacts], bool], message: str) -> Requirement:
    return lambda facts, actor: None if condition(facts) else message


def not_the_recommender(facts: CaseFacts, actor: Actor) -> str | None:
    if facts.recommended_by is not None and facts.recommended_by == actor.user_id:
        return "You made this recommendation, so another supervisor must decide on it"
    return None


def after_authorisation(facts: CaseFacts) -> Stage:
    return Stage.disclosure if facts.recommendation is Recommendation.disclose else Stage.non_disclosure


SUPERVISORS = frozenset({Role.supervisor})

PLAN_NEEDED = "Record an interim safeguarding plan first: the risk is high or a child is at risk"


def needs_safeguarding_plan(facts: CaseFacts) -> bool:
    """High (or immediate) risk, or a child at risk: the case needs an interim safeguarding plan."""
    return facts.risk_level in (RiskLevel.high, RiskLevel.immediate) or facts.child_at_risk


def plan_if_needed(facts: CaseFacts, actor: Actor) -> str | None:
    """A case that needs an interim safeguarding plan moves on only once it has one."""
    if needs_safeguarding_plan(facts) and not facts.has_safeguarding_plan:
        return PLAN_NEEDED
    return None


Rules = Mapping[Action, Rule]


def evaluate(rules: Rules, action: Action, facts: CaseFacts, actor: Actor) -> Verdict:
    """Whether `actor` may take `action` now, where it leads, and if not, every reason why."""
    rule = rules[action]  # the caller has found the action in the scheme
    if facts.stage is Stage.closed and Stage.closed not in rule.stages:
        return Verdict(False, reasons=("This case is closed",))
    roles = SUPERVISORS if facts.stage in rule.supervisors_only_at else rule.roles
    if actor.role not in roles:
        who = " or ".join(sorted(role.value + "s" for role in roles))
        when = " once a decision has been authorised" if roles is not rule.roles else ""
        return Verdict(False, reasons=(f"Only {who} can do this{when}",), forbidden=True)
    if facts.stage not in rule.stages:
        where = f"this case is at: {facts.stage.label}"
        return Verdict(False, reasons=(f"{rule.not_at or 'Not possible at this stage'} ({where})",))
    holder = holds_or_takes_the_case if rule.takes_case else holds_the_case
    checks = (holder, *rule.who) if rule.holder_only else rule.who
    not_you = tuple(reason for check in checks if (reason := check(facts, actor)) is not None)
    if not_you:
        return Verdict(False, reasons=not_you, forbidden=True)
    reasons = tuple(reason for check in rule.requires if (reason := check(facts, actor)) is not None)
    if reasons:
        return Verdict(False, reasons=reasons)
    to_stage = rule.to_stage(facts) if callable(rule.to_stage) else rule.to_stage
    return Verdict(True, to_stage=to_stage or facts.stage, outcome=rule.outcome)


def available(rules: Rules, facts: CaseFacts, actor: Actor) -> list[Action]:
    """What the actor can do to the case now, in the order the scheme lists its steps."""
    return [action for action in rules if evaluate(rules, action, facts, actor).allowed]


# ---------------------------------------------------------------------------------------------
# Closing: the outcome must agree with the record (it is what the Home Office return counts).

DISCLOSED = frozenset(
    {Outcome.disclosed_child_sex_convictions, Outcome.disclosed_other_information, Outcome.disclosed_previous_abuse}
)
FOUND_SOMETHING = frozenset(
    {Outcome.disclosed_other_information, Outcome.held_not_disclosed, Outcome.disclosed_previous_abuse}
)


def closing_problems(
    outcome: Outcome, facts: CaseFacts, *, allowed: tuple[Outcome, ...], action_taken: str, notes: str
) -> list[str]:
    """Why the case cannot close with `outcome`, given what is on record (empty if it can).
    `allowed` is what the scheme offers at the case's stage."""
    if outcome not in allowed:
        return ["Choose an outcome that fits how the case ended: " + ", ".join(o.label for o in allowed)]
    problems: list[str] = []
    disclosed = outcome in DISCLOSED
    if disclosed and not facts.disclosure_made:
        problems.append(f"‘{outcome.label}’ needs a disclosure recorded as made")
    if not disclosed and facts.disclosure_made:
        problems.append("A disclosure was made on this case: choose a disclosure outcome")
    if outcome is Outcome.disclosed_child_sex_convictions and not facts.found_child_sexual_convictions:
        problems.append(
            "No check records convictions for child sexual offences: choose ‘Disclosure of other information’, "
            "or record the check result that found them"
        )
    if outcome in FOUND_SOMETHING and not facts.found_anything:
        problems.append(f"‘{outcome.label}’ needs a check result that found something; every check found nothing")
    if outcome is Outcome.no_trace and (facts.found_anything or facts.checks_open or not facts.checks_requested):
        problems.append("‘No trace’ needs every check returned with nothing found")
    if outcome is Outcome.other_safeguarding_action and not action_taken.strip():
        problems.append("Say what other safeguarding action was taken, under onward referrals")
    if outcome is Outcome.transferred:
        problems.append("A case is closed as transferred by transferring it to the other force")
    return problems
