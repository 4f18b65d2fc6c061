"""The stages of a case as an explicit state machine: which action may happen when, by whom, and why not.

Plain rules with no I/O. The service asks `evaluate(action, facts, actor)` before every change and
refuses with the reasons it returns; the case page asks `available(facts, actor)` to offer only
what can be done.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from disclosure_service.accounts.roles import Role
from disclosure_service.cases.vocabulary import Outcome, Recommendation, Stage

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

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.start_triage: "Start triage",
    Action.complete_triage: "Record the triage",
    Action.escalate: "Escalate an immediate risk to child protection",
    Action.record_applicant_meeting: "Record the meeting with the applicant",
    Action.identity_not_verified: "Close: identity not verified",
    Action.add_check: "Request a check",
    Action.record_check_result: "Record a check's result",
    Action.complete_checks: "Finish the checks",
    Action.recommend: "Make a recommendation",
    Action.authorise: "Authorise the recommendation",
    Action.refuse: "Refuse the disclosure",
    Action.return_for_work: "Return for more work",
    Action.extend: "Extend the deadline",
    Action.assign: "Assign",
    Action.add_person: "Add a person",
    Action.withdraw: "Close: withdrawn",
    Action.out_of_scope: "Close: out of scope",
    Action.schedule_disclosure_meeting: "Arrange the disclosure meeting",
    Action.rearrange_disclosure_meeting: "Rearrange the disclosure meeting",
    Action.cancel_disclosure_meeting: "Cancel the disclosure meeting",
    Action.record_disclosure_meeting: "Record the disclosure meeting",
    Action.generate_undertaking: "Generate the undertaking",
    Action.undertaking_signed: "Record the undertaking as signed",
    Action.undertaking_refused: "Record that the undertaking was refused",
    Action.review_refusal: "Decide on the refused undertaking",
    Action.record_disclosure_made: "Record the disclosure as made",
    Action.record_applicant_told: "Record that the applicant was told",
    Action.close: "Close the case",
    Action.record_breach: "Record a breach of the undertaking",
    Action.record_post_closure_event: "Record something after closure",
}


# Actions that need a fresh code from the authenticator (docs/security.md: step-up).
# Decisions that let a disclosure go ahead, and producing a document with a person's details on it.
STEP_UP_ACTIONS = frozenset({Action.authorise, Action.review_refusal, Action.generate_undertaking})


class UndertakingStatus(enum.StrEnum):
    none = "none"
    signed = "signed"
    refused = "refused"
    review_proceed = "review_proceed"  # refused, and a supervisor decided to disclose anyway


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the rules need to know about a case, read from the database by the service."""

    stage: Stage
    has_applicant: bool = False
    has_subject: bool = False
    has_child: bool = False
    checks_requested: int = 0
    checks_open: int = 0
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


def _holds_the_case(facts: CaseFacts, actor: Actor) -> str | None:
    """Reading a case someone else holds needs a reason; changing it needs the case (or a supervisor)."""
    if actor.role is Role.officer and facts.assigned_to != actor.user_id:
        return NOT_YOUR_CASE
    return None


def _holds_or_takes_the_case(facts: CaseFacts, actor: Actor) -> str | None:
    return None if facts.assigned_to is None else _holds_the_case(facts, actor)


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


def _needs(condition: Callable[[CaseFacts], bool], message: str) -> Requirement:
    return lambda facts, actor: None if condition(facts) else message


def _not_the_recommender(facts: CaseFacts, actor: Actor) -> str | None:
    if facts.recommended_by is not None and facts.recommended_by == actor.user_id:
        return "You made this recommendation, so another supervisor must decide on it"
    return None


def _after_authorisation(facts: CaseFacts) -> Stage:
    return Stage.disclosure if facts.recommendation is Recommendation.disclose else Stage.non_disclosure


SUPERVISORS = frozenset({Role.supervisor})

RULES: dict[Action, Rule] = {
    Action.start_triage: Rule(
        frozenset({Stage.received}), Stage.initial_triage, not_at="Triage has already started", takes_case=True
    ),
    Action.complete_triage: Rule(
        TRIAGE_STAGES,
        Stage.applicant_meeting,
        requires=(
            _needs(lambda f: f.has_applicant, "Add the applicant before recording the triage"),
            _needs(lambda f: f.has_subject, "Add the subject (the person of concern) before recording the triage"),
            _needs(lambda f: f.has_child, "Add at least one child before recording the triage"),
        ),
        not_at="The triage has already been recorded",
    ),
    Action.escalate: Rule(
        OPEN_STAGES,
        Stage.closed,
        outcome=Outcome.escalated_child_protection,
        supervisors_only_at=FROM_AUTHORISATION,
    ),
    Action.record_applicant_meeting: Rule(
        frozenset({Stage.applicant_meeting}),
        Stage.risk_assessment,
        not_at="The applicant meeting comes after triage and before the checks",
    ),
    Action.identity_not_verified: Rule(
        frozenset({Stage.applicant_meeting}),
        Stage.closed,
        outcome=Outcome.identity_not_verified,
        not_at="Identity is checked at the applicant meeting",
    ),
    Action.add_check: Rule(
        frozenset({Stage.risk_assessment}), not_at="Checks are requested after the applicant meeting"
    ),
    Action.record_check_result: Rule(
        frozenset({Stage.risk_assessment}),
        requires=(_needs(lambda f: f.checks_open > 0, "There is no check waiting for a result"),),
        not_at="Check results are recorded during the risk assessment",
    ),
    Action.complete_checks: Rule(
        frozenset({Stage.risk_assessment}),
        Stage.recommendation,
        requires=(
            _needs(lambda f: f.checks_requested > 0, "Request and record at least one check first"),
            _needs(lambda f: f.checks_open == 0, "Record the result of every check first"),
        ),
        not_at="The checks are finished during the risk assessment",
    ),
    Action.recommend: Rule(
        frozenset({Stage.recommendation}),
        Stage.authorisation,
        not_at="A recommendation is made once the checks are finished",
    ),
    Action.authorise: Rule(
        frozenset({Stage.authorisation}),
        _after_authorisation,
        roles=SUPERVISORS,
        who=(_not_the_recommender,),
        not_at="There is no recommendation waiting for authorisation",
    ),
    Action.refuse: Rule(
        frozenset({Stage.authorisation}),
        Stage.non_disclosure,
        roles=SUPERVISORS,
        who=(_not_the_recommender,),
        not_at="There is no recommendation waiting for authorisation",
    ),
    Action.return_for_work: Rule(
        frozenset({Stage.authorisation}),
        Stage.recommendation,
        roles=SUPERVISORS,
        who=(_not_the_recommender,),
        not_at="There is no recommendation waiting for authorisation",
    ),
    Action.extend: Rule(OPEN_STAGES, roles=SUPERVISORS),
    Action.assign: Rule(OPEN_STAGES, holder_only=False),
    Action.add_person: Rule(OPEN_STAGES),
    Action.withdraw: Rule(
        OPEN_STAGES - {Stage.undertaking_review},
        Stage.closed,
        outcome=Outcome.withdrawn,
        supervisors_only_at=FROM_AUTHORISATION,
        not_at="While a refused undertaking awaits review, only the review decides what happens",
    ),
    Action.out_of_scope: Rule(
        BEFORE_DECISION - {Stage.recommendation},
        Stage.closed,
        outcome=Outcome.out_of_scope,
        not_at="A case can be closed as out of scope only before the recommendation",
    ),
    Action.schedule_disclosure_meeting: Rule(
        frozenset({Stage.disclosure}),
        requires=(
            _needs(
                lambda f: not f.meeting_pending,
                "A disclosure meeting is already arranged: record, rearrange or cancel it first",
            ),
            _needs(lambda f: not f.disclosure_made, "The disclosure has already been made"),
            _needs(
                lambda f: f.undertaking is not UndertakingStatus.signed,
                "The undertaking is signed: record the disclosure as made",
            ),
            _needs(
                lambda f: not f.disclosure_meeting_recorded or f.undertaking is not UndertakingStatus.none,
                "Record whether the undertaking was signed or refused at the meeting held first",
            ),
        ),
        not_at="The disclosure meeting follows an authorised disclosure",
    ),
    Action.rearrange_disclosure_meeting: Rule(
        frozenset({Stage.disclosure}),
        requires=(_needs(lambda f: f.meeting_pending, "There is no arranged meeting to rearrange"),),
        not_at="Only an arranged disclosure meeting can be rearranged",
    ),
    Action.cancel_disclosure_meeting: Rule(
        frozenset({Stage.disclosure}),
        requires=(_needs(lambda f: f.meeting_pending, "There is no arranged meeting to cancel"),),
        not_at="Only an arranged disclosure meeting can be cancelled",
    ),
    Action.record_disclosure_meeting: Rule(
        frozenset({Stage.disclosure}),
        requires=(_needs(lambda f: f.meeting_pending, "Arrange the disclosure meeting first"),),
        not_at="The disclosure meeting follows an authorised disclosure",
    ),
    # Generated before the meeting (officers take it with them) or at it; never after it is signed.
    Action.generate_undertaking: Rule(
        frozenset({Stage.disclosure}),
        requires=(
            _needs(
                lambda f: f.meeting_pending or f.disclosure_meeting_recorded,
                "Arrange the disclosure meeting first: the undertaking names its date, place and officers",
            ),
            _needs(lambda f: f.undertaking is not UndertakingStatus.signed, "The undertaking is already signed"),
            _needs(lambda f: not f.disclosure_made, "The disclosure has already been made"),
        ),
        not_at="The undertaking is generated for an authorised disclosure",
    ),
    Action.undertaking_signed: Rule(
        frozenset({Stage.disclosure}),
        requires=(
            _needs(lambda f: f.disclosure_meeting_recorded, "Record the disclosure meeting first"),
            _needs(
                lambda f: f.undertaking_generated,
                "Generate the undertaking for this meeting first: the signed copy must name this meeting",
            ),
            _needs(lambda f: f.undertaking is not UndertakingStatus.signed, "The undertaking is already signed"),
            _needs(lambda f: not f.disclosure_made, "The disclosure has already been made"),
        ),
        not_at="The undertaking is signed at the disclosure meeting",
    ),
    Action.undertaking_refused: Rule(
        frozenset({Stage.disclosure}),
        Stage.undertaking_review,
        requires=(
            _needs(lambda f: f.disclosure_meeting_recorded, "Record the disclosure meeting first"),
            _needs(
                lambda f: f.undertaking_generated,
                "Generate the undertaking for this meeting first: a refusal is a refusal to sign it",
            ),
            _needs(
                lambda f: f.undertaking is UndertakingStatus.none,
                "The undertaking has already been signed, or its refusal reviewed, for this meeting",
            ),
            _needs(lambda f: not f.disclosure_made, "The disclosure has already been made"),
        ),
        not_at="A refusal is recorded at the disclosure meeting",
    ),
    Action.review_refusal: Rule(
        frozenset({Stage.undertaking_review}),
        roles=SUPERVISORS,
        not_at="Only a refused undertaking is reviewed",
    ),
    Action.record_disclosure_made: Rule(
        frozenset({Stage.disclosure}),
        requires=(
            _needs(lambda f: f.disclosure_meeting_recorded, "Record the disclosure meeting first"),
            _needs(
                lambda f: f.undertaking in (UndertakingStatus.signed, UndertakingStatus.review_proceed),
                "The undertaking must be signed, or its refusal reviewed by a supervisor, before the "
                "disclosure is recorded as made",
            ),
            _needs(lambda f: not f.disclosure_made, "The disclosure has already been recorded as made"),
        ),
        not_at="A disclosure is recorded as made after it is authorised",
    ),
    Action.record_applicant_told: Rule(
        frozenset({Stage.disclosure, Stage.non_disclosure}),
        requires=(
            _needs(
                lambda f: f.stage is Stage.non_disclosure or f.disclosure_made,
                "The applicant is told the case is complete once the disclosure has been made",
            ),
            _needs(
                lambda f: f.stage is Stage.non_disclosure or not f.recipient_is_applicant,
                "The applicant received the disclosure themselves",
            ),
            _needs(lambda f: not f.applicant_told, "The applicant has already been told"),
        ),
        not_at="The applicant is told once the decision is carried out",
    ),
    Action.close: Rule(
        frozenset({Stage.disclosure, Stage.non_disclosure}),
        Stage.closed,
        requires=(
            _needs(
                lambda f: f.stage is not Stage.disclosure or f.disclosure_made,
                "The case cannot be closed until the undertaking is signed (or its refusal reviewed) "
                "and the disclosure recorded as made",
            ),
            _needs(
                lambda f: f.applicant_told or (f.stage is Stage.disclosure and f.recipient_is_applicant),
                "Record that the applicant was told before closing the case",
            ),
        ),
        not_at="A case is closed after the disclosure is made or the applicant is told",
    ),
    # After closure: recorded by anyone who may read the case, without reopening its stages.
    Action.record_breach: Rule(
        frozenset({Stage.disclosure, Stage.closed}),
        holder_only=False,
        requires=(
            _needs(
                lambda f: f.disclosure_made,
                "Only a disclosure that was made can be passed on: nothing was disclosed on this case",
            ),
        ),
        not_at="A breach can be recorded once the disclosure has been made",
    ),
    Action.record_post_closure_event: Rule(
        frozenset({Stage.closed}), holder_only=False, not_at="Use this once the case is closed"
    ),
}


def evaluate(action: Action, facts: CaseFacts, actor: Actor) -> Verdict:
    """Whether `actor` may take `action` now, where it leads, and if not, every reason why."""
    rule = RULES[action]
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
    holder = _holds_or_takes_the_case if rule.takes_case else _holds_the_case
    checks = (holder, *rule.who) if rule.holder_only else rule.who
    not_you = tuple(reason for check in checks if (reason := check(facts, actor)) is not None)
    if not_you:
        return Verdict(False, reasons=not_you, forbidden=True)
    reasons = tuple(reason for check in rule.requires if (reason := check(facts, actor)) is not None)
    if reasons:
        return Verdict(False, reasons=reasons)
    to_stage = rule.to_stage(facts) if callable(rule.to_stage) else rule.to_stage
    return Verdict(True, to_stage=to_stage or facts.stage, outcome=rule.outcome)


def available(facts: CaseFacts, actor: Actor) -> list[Action]:
    """What the actor can do to the case now, in the order the work goes."""
    return [action for action in Action if evaluate(action, facts, actor).allowed]


# ---------------------------------------------------------------------------------------------
# Closing: the outcome must agree with the record (it is what the Home Office return counts).

CLOSING_OUTCOMES: dict[Stage, tuple[Outcome, ...]] = {
    Stage.disclosure: (Outcome.disclosed_child_sex_convictions, Outcome.disclosed_other_information),
    Stage.non_disclosure: (
        Outcome.no_trace,
        Outcome.held_not_disclosed,
        Outcome.other_safeguarding_action,
        Outcome.transferred,
    ),
}


def closing_problems(outcome: Outcome, facts: CaseFacts, *, action_taken: str, notes: str) -> list[str]:
    """Why the case cannot close with `outcome`, given what is on record (empty if it can)."""
    allowed = CLOSING_OUTCOMES.get(facts.stage, ())
    if outcome not in allowed:
        return ["Choose an outcome that fits how the case ended: " + ", ".join(o.label for o in allowed)]
    problems: list[str] = []
    disclosed = outcome in CLOSING_OUTCOMES[Stage.disclosure]
    if disclosed and not facts.disclosure_made:
        problems.append(f"‘{outcome.label}’ needs a disclosure recorded as made")
    if not disclosed and facts.disclosure_made:
        problems.append("A disclosure was made on this case: choose a disclosure outcome")
    if outcome is Outcome.disclosed_child_sex_convictions and not facts.found_child_sexual_convictions:
        problems.append(
            "No check records convictions for child sexual offences: choose ‘Disclosure of other information’, "
            "or record the check result that found them"
        )
    if outcome in (Outcome.disclosed_other_information, Outcome.held_not_disclosed) and not facts.found_anything:
        problems.append(f"‘{outcome.label}’ needs a check result that found something; every check found nothing")
    if outcome is Outcome.no_trace and (facts.found_anything or facts.checks_open or not facts.checks_requested):
        problems.append("‘No trace’ needs every check returned with nothing found")
    if outcome is Outcome.other_safeguarding_action and not action_taken.strip():
        problems.append("Say what other safeguarding action was taken, under onward referrals")
    if outcome is Outcome.transferred and not notes.strip():
        problems.append("Say which force the case was transferred to, and their reference, in the notes")
    return problems
