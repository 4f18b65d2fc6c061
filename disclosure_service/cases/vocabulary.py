"""The fixed vocabularies of a case, with the words officers see. Plain values, no I/O.

Stored values are stable identifiers (partner systems and statistics depend on them); labels are
what the screens and documents say.
"""

from __future__ import annotations

import enum


class Scheme(enum.StrEnum):
    csods = "csods"
    dvds = "dvds"

    @property
    def label(self) -> str:
        return SCHEME_LABELS[self]


SCHEME_LABELS = {
    Scheme.csods: "Child Sex Offender Disclosure Scheme",
    Scheme.dvds: "Domestic Violence Disclosure Scheme",
}


class Route(enum.StrEnum):
    right_to_ask = "right_to_ask"
    right_to_know = "right_to_know"

    @property
    def label(self) -> str:
        return {Route.right_to_ask: "Right to Ask", Route.right_to_know: "Right to Know"}[self]


class Channel(enum.StrEnum):
    phone_101 = "phone_101"
    station = "station"
    online = "online"
    referral = "referral"
    police_initiated = "police_initiated"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.phone_101: "Telephone (101)",
    Channel.station: "In person at a station",
    Channel.online: "Online form",
    Channel.referral: "Referral from another agency",
    Channel.police_initiated: "Police initiated",
}


class Stage(enum.StrEnum):
    """Where a case is. The allowed moves between stages live in the workflow rules."""

    received = "received"
    initial_triage = "initial_triage"
    applicant_meeting = "applicant_meeting"
    risk_assessment = "risk_assessment"
    recommendation = "recommendation"
    authorisation = "authorisation"
    disclosure = "disclosure"
    undertaking_review = "undertaking_review"
    non_disclosure = "non_disclosure"
    closed = "closed"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self is not Stage.closed


STAGE_LABELS = {
    Stage.received: "Received",
    Stage.initial_triage: "Initial triage",
    Stage.applicant_meeting: "Applicant meeting",
    Stage.risk_assessment: "Checks and risk assessment",
    Stage.recommendation: "Recommendation",
    Stage.authorisation: "Awaiting authorisation",
    Stage.disclosure: "Disclosure",
    Stage.undertaking_review: "Undertaking refused: review",
    Stage.non_disclosure: "Non-disclosure",
    Stage.closed: "Closed",
}


class Outcome(enum.StrEnum):
    """How a case ended: the fixed list the annual statistics count."""

    no_trace = "no_trace"
    held_not_disclosed = "held_not_disclosed"
    disclosed_child_sex_convictions = "disclosed_child_sex_convictions"
    disclosed_other_information = "disclosed_other_information"
    other_safeguarding_action = "other_safeguarding_action"
    withdrawn = "withdrawn"
    out_of_scope = "out_of_scope"
    transferred = "transferred"
    identity_not_verified = "identity_not_verified"
    escalated_child_protection = "escalated_child_protection"
    # The DVDS: the subject's previous abusive or violent behaviour told to the person at risk (or
    # the person best placed to protect them).
    disclosed_previous_abuse = "disclosed_previous_abuse"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.no_trace: "No trace",
    Outcome.held_not_disclosed: "Information held but not disclosed",
    Outcome.disclosed_child_sex_convictions: "Disclosure of child-sex-offence convictions",
    Outcome.disclosed_other_information: "Disclosure of other information",
    Outcome.other_safeguarding_action: "Other safeguarding action only",
    Outcome.withdrawn: "Withdrawn",
    Outcome.out_of_scope: "Out of scope",
    Outcome.transferred: "Transferred to another force",
    Outcome.identity_not_verified: "Identity not verified",
    Outcome.escalated_child_protection: "Immediate risk: escalated to child protection",
    Outcome.disclosed_previous_abuse: "Disclosure of previous abusive or violent behaviour",
}


class RiskLevel(enum.StrEnum):
    not_assessed = "not_assessed"
    standard = "standard"
    medium = "medium"
    high = "high"
    immediate = "immediate"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def rank(self) -> int:
        """Higher is more urgent; queues sort on it."""
        return list(RiskLevel).index(self)


class PersonRole(enum.StrEnum):
    """The part a person plays in an application (domain.md, 'Who is who')."""

    applicant = "applicant"
    subject = "subject"
    child = "child"
    parent_carer = "parent_carer"
    referrer = "referrer"
    other = "other"
    # The DVDS: the person who may be at risk of domestic abuse from the subject, and someone
    # else with a part in the case (a friend or relative who asked, say: the guidance's "person C").
    person_at_risk = "person_at_risk"
    third_party = "third_party"

    @property
    def label(self) -> str:
        return PERSON_ROLE_LABELS[self]


PERSON_ROLE_LABELS = {
    PersonRole.applicant: "Applicant",
    PersonRole.subject: "Subject",
    PersonRole.child: "Child",
    PersonRole.parent_carer: "Parent or carer",
    PersonRole.referrer: "Referrer",
    PersonRole.other: "Other person",
    PersonRole.person_at_risk: "Person at risk",
    PersonRole.third_party: "Third party",
}


def _labels(enum_cls: type[enum.StrEnum], labels: dict[str, str]) -> dict[str, str]:
    """Every member must have a label: a missing one fails at import, not on a screen."""
    missing = {m.value for m in enum_cls} - set(labels)
    if missing:
        raise ValueError(f"{enum_cls.__name__} has no label for {sorted(missing)}")
    return labels


class CheckSource(enum.StrEnum):
    """Where a check is made (domain.md, stage 3)."""

    pnc = "pnc"
    pnd = "pnd"
    visor = "visor"
    local_records = "local_records"
    childrens_social_care = "childrens_social_care"
    probation = "probation"
    health = "health"
    education = "education"
    other_force = "other_force"
    other = "other"

    @property
    def label(self) -> str:
        return CHECK_SOURCE_LABELS[self.value]


CHECK_SOURCE_LABELS = _labels(
    CheckSource,
    {
        "pnc": "Police National Computer (PNC)",
        "pnd": "Police National Database (PND)",
        "visor": "ViSOR",
        "local_records": "Local records and intelligence",
        "childrens_social_care": "Children's social care",
        "probation": "Probation",
        "health": "Health",
        "education": "Education",
        "other_force": "Another force",
        "other": "Other",
    },
)


class CheckResult(enum.StrEnum):
    no_trace = "no_trace"
    child_sexual_offence_convictions = "child_sexual_offence_convictions"
    other_convictions = "other_convictions"
    intelligence = "intelligence"
    other_information = "other_information"
    domestic_abuse_history = "domestic_abuse_history"

    @property
    def label(self) -> str:
        return CHECK_RESULT_LABELS[self.value]


CHECK_RESULT_LABELS = _labels(
    CheckResult,
    {
        "no_trace": "No trace",
        "child_sexual_offence_convictions": "Convictions for child sexual offences (including cautions)",
        "other_convictions": "Other convictions",
        "intelligence": "Intelligence held",
        "other_information": "Other relevant information",
        "domestic_abuse_history": "Previous domestic abuse or violent offending",
    },
)


class Recommendation(enum.StrEnum):
    disclose = "disclose"
    do_not_disclose = "do_not_disclose"

    @property
    def label(self) -> str:
        return {"disclose": "Disclose", "do_not_disclose": "Do not disclose"}[self.value]


class Criterion(enum.StrEnum):
    """The tests a disclosure decision records (domain.md, 'Criteria for deciding')."""

    child_sexual_convictions = "child_sexual_convictions"
    risk_of_harm = "risk_of_harm"
    necessary = "necessary"
    proportionate = "proportionate"
    other_information_lawful = "other_information_lawful"
    # The DVDS (statutory guidance 2023): a pressing need, and lawful, necessary and proportionate.
    risk_of_domestic_abuse = "risk_of_domestic_abuse"
    pressing_need = "pressing_need"
    lawful = "lawful"
    necessary_to_protect_person_at_risk = "necessary_to_protect_person_at_risk"

    @property
    def label(self) -> str:
        return CRITERION_LABELS[self.value]


CRITERION_LABELS = _labels(
    Criterion,
    {
        "child_sexual_convictions": "The subject has convictions, cautions, reprimands or final warnings for "
        "child sexual offences (Schedule 34A, Criminal Justice Act 2003)",
        "risk_of_harm": "The subject poses a risk of harm to the child",
        "necessary": "Disclosure is necessary to protect the child",
        "proportionate": "Disclosure is proportionate",
        "other_information_lawful": "Other convictions or intelligence: disclosure is lawful, necessary and "
        "proportionate in this case",
        "risk_of_domestic_abuse": "The subject poses a risk of domestic abuse to the person at risk",
        "pressing_need": "There is a pressing need for the disclosure",
        "lawful": "Disclosure is lawful",
        "necessary_to_protect_person_at_risk": "Disclosure is necessary to protect the person at risk",
    },
)


class AuthorisationOutcome(enum.StrEnum):
    authorised = "authorised"
    refused = "refused"
    returned = "returned"

    @property
    def label(self) -> str:
        return {"authorised": "Authorised", "refused": "Refused", "returned": "Returned for more work"}[self.value]


class MeetingMethod(enum.StrEnum):
    in_person = "in_person"
    phone = "phone"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "phone": "By telephone"}[self.value]


class AccessReason(enum.StrEnum):
    """Why someone not on a case opens it: asked before it is shown, logged with the read."""

    covering = "covering"
    supervisory_review = "supervisory_review"
    linked_case = "linked_case"
    partner_request = "partner_request"
    quality_assurance = "quality_assurance"
    other = "other"

    @property
    def label(self) -> str:
        return ACCESS_REASON_LABELS[self.value]


ACCESS_REASON_LABELS = _labels(
    AccessReason,
    {
        "covering": "Covering for the assigned officer",
        "supervisory_review": "Supervisory review",
        "linked_case": "Checking a linked or duplicate case",
        "partner_request": "Request from a safeguarding partner",
        "quality_assurance": "Quality assurance or audit",
        "other": "Another reason",
    },
)


class MeetingStatus(enum.StrEnum):
    """A disclosure meeting's state. A rearranged meeting is kept as it was and a new one replaces it."""

    arranged = "arranged"
    held = "held"
    cancelled = "cancelled"
    rearranged = "rearranged"


class ReviewDecision(enum.StrEnum):
    """What a supervisor decided about a refused undertaking (domain.md: 'the police must consider')."""

    proceed = "proceed"
    other_recipient = "other_recipient"
    withhold = "withhold"
    retry = "retry"
    # Not offered on the review's form: a supervisor escalating an immediate risk during the review
    # records this, so the review's outcome stays on the case.
    escalated = "escalated"

    @property
    def label(self) -> str:
        return REVIEW_DECISION_LABELS[self.value]


REVIEW_DECISION_LABELS = _labels(
    ReviewDecision,
    {
        "proceed": "Proceed with the disclosure anyway",
        "other_recipient": "Disclose to another best-placed person instead",
        "withhold": "Withhold the disclosure and take other safeguarding action",
        "retry": "Try the undertaking again at a new meeting",
        "escalated": "Immediate risk: escalated to child protection",
    },
)


class PostClosureKind(enum.StrEnum):
    """What can be recorded on a closed case without reopening it."""

    breach = "breach"
    further_concern = "further_concern"
    complaint = "complaint"
    information_received = "information_received"
    other = "other"

    @property
    def label(self) -> str:
        return POST_CLOSURE_LABELS[self.value]


POST_CLOSURE_LABELS = _labels(
    PostClosureKind,
    {
        "breach": "Breach of the confidentiality undertaking",
        "further_concern": "A further concern about the subject or the child",
        "complaint": "A complaint about the handling of the case",
        "information_received": "New information received",
        "other": "Something else",
    },
)


class ContactMethod(enum.StrEnum):
    """How someone is (or may safely be) contacted."""

    phone = "phone"
    text_message = "text_message"
    email = "email"
    letter = "letter"
    in_person = "in_person"
    other = "other"

    @property
    def label(self) -> str:
        return CONTACT_METHOD_LABELS[self.value]


CONTACT_METHOD_LABELS = _labels(
    ContactMethod,
    {
        "phone": "Telephone call",
        "text_message": "Text message",
        "email": "Email",
        "letter": "Letter",
        "in_person": "In person",
        "other": "Another way",
    },
)


class Knows(enum.StrEnum):
    """Whether a parent knows of the application (App B asks, for the mother and the father)."""

    yes = "yes"
    no = "no"
    not_known = "not_known"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "not_known": "Not known"}[self.value]


class ClockName(enum.StrEnum):
    """A deadline a case runs against. A force sets each one's length per scheme (`/admin/clocks`);
    a case keeps the lengths in force when it was received."""

    triage = "triage"
    applicant_meeting = "applicant_meeting"
    risk_assessment = "risk_assessment"
    decision = "decision"
    undertaking_review = "undertaking_review"
    whole_case = "whole_case"
    # The whole case once the decision is not to disclose: a shorter clock in some forces (WYP: 35 days).
    whole_case_no_disclosure = "whole_case_no_disclosure"
    # Started when a case needs an interim safeguarding plan (high risk, a child at risk), stopped when
    # one is recorded: not a stage's deadline.
    safeguarding_plan = "safeguarding_plan"

    @property
    def label(self) -> str:
        return CLOCK_LABELS[self.value]


CLOCK_LABELS = _labels(
    ClockName,
    {
        "triage": "Initial triage",
        "applicant_meeting": "Meeting the applicant",
        "risk_assessment": "Checks and risk assessment",
        "decision": "Recommendation and decision",
        "undertaking_review": "Review of a refused undertaking",
        "whole_case": "Whole case",
        "whole_case_no_disclosure": "Whole case, nothing disclosed",
        "safeguarding_plan": "Interim safeguarding plan",
    },
)


# ---------------------------------------------------------------------------------------------
# Partners: MAPPA, the agencies consulted, and who authorises


class MappaCategory(enum.StrEnum):
    """The subject's place in MAPPA (Multi-Agency Public Protection Arrangements), as far as is known."""

    none = "none"
    unknown = "unknown"
    category_1 = "category_1"
    category_2 = "category_2"
    category_3 = "category_3"

    @property
    def label(self) -> str:
        return MAPPA_CATEGORY_LABELS[self.value]

    @property
    def managed(self) -> bool:
        """Managed under MAPPA (a category), so a level, a lead agency and an offender manager apply."""
        return self not in (MappaCategory.none, MappaCategory.unknown)


MAPPA_CATEGORY_LABELS = _labels(
    MappaCategory,
    {
        "none": "Not managed under MAPPA",
        "unknown": "Not known yet",
        "category_1": "Category 1: registered sexual offender",
        "category_2": "Category 2: violent offender",
        "category_3": "Category 3: other dangerous offender",
    },
)


class MappaLevel(enum.StrEnum):
    level_1 = "level_1"
    level_2 = "level_2"
    level_3 = "level_3"

    @property
    def label(self) -> str:
        return MAPPA_LEVEL_LABELS[self.value]


MAPPA_LEVEL_LABELS = _labels(
    MappaLevel,
    {
        "level_1": "Level 1: ordinary agency management",
        "level_2": "Level 2: multi-agency management",
        "level_3": "Level 3: senior multi-agency management",
    },
)


class Agency(enum.StrEnum):
    """A partner agency: who leads, who is consulted, who sits at a forum, who owns a plan's action."""

    police = "police"
    probation = "probation"
    childrens_social_care = "childrens_social_care"
    health = "health"
    education = "education"
    youth_justice = "youth_justice"
    prison_service = "prison_service"
    housing = "housing"
    other = "other"

    @property
    def label(self) -> str:
        return AGENCY_LABELS[self.value]


AGENCY_LABELS = _labels(
    Agency,
    {
        "police": "Police",
        "probation": "Probation Service",
        "childrens_social_care": "Children's social care",
        "health": "Health",
        "education": "Education",
        "youth_justice": "Youth justice",
        "prison_service": "Prison service",
        "housing": "Housing",
        "other": "Another agency",
    },
)


class Rank(enum.StrEnum):
    """The rank of the officer who authorises a decision (or its police staff equivalent)."""

    sergeant = "sergeant"
    inspector = "inspector"
    chief_inspector = "chief_inspector"
    superintendent = "superintendent"
    chief_superintendent = "chief_superintendent"
    police_staff = "police_staff"

    @property
    def label(self) -> str:
        return RANK_LABELS[self.value]


RANK_LABELS = _labels(
    Rank,
    {
        "sergeant": "Sergeant",
        "inspector": "Inspector",
        "chief_inspector": "Chief Inspector",
        "superintendent": "Superintendent",
        "chief_superintendent": "Chief Superintendent",
        "police_staff": "Police staff of equivalent grade",
    },
)


class Referral(enum.StrEnum):
    """Where a DVDS safety plan refers the person at risk (statutory guidance 2023: a safety plan
    goes with every disclosure; MARAC where the risk is high)."""

    idva = "idva"
    marac = "marac"
    specialist_service = "specialist_service"

    @property
    def label(self) -> str:
        return REFERRAL_LABELS[self.value]


REFERRAL_LABELS = _labels(
    Referral,
    {
        "idva": "Independent domestic violence adviser (IDVA)",
        "marac": "Multi-agency risk assessment conference (MARAC)",
        "specialist_service": "Another specialist domestic abuse service",
    },
)
