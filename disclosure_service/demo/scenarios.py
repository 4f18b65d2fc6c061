"""The demo cases: the twelve scenarios a unit actually sees (all people and places invented).

Times are relative to when the demo is loaded, so some cases are always due soon or overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from disclosure_service.cases.vocabulary import (
    Channel,
    CheckResult,
    CheckSource,
    PersonRole,
    Recommendation,
    RiskLevel,
    Route,
    Scheme,
)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    role: PersonRole
    full_name: str
    date_of_birth: date | None = None
    address: str = ""
    relationship_to_child: str = ""
    contact_with_child: str = ""
    safe_contact: str = ""
    preferred_language: str = "English"
    occupation: str = ""
    letters_ok: bool = False


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    team: str = ""


@dataclass(frozen=True, slots=True)
class DemoCase:
    """A case and how far along its path the demo takes it (see `demo.loader.PATHS`)."""

    title: str
    route: Route
    channel: Channel
    received_days_ago: float
    path: str
    concern: str
    people: tuple[DemoPerson, ...]
    risk: RiskLevel = RiskLevel.standard
    assigned_to: str | None = "demo.officer"
    checks: tuple[tuple[CheckSource, CheckResult, str], ...] = (
        (CheckSource.pnc, CheckResult.child_sexual_offence_convictions, "2012: sexual activity with a child"),
        (CheckSource.visor, CheckResult.child_sexual_offence_convictions, "Registered sex offender until 2019"),
    )
    decision: Recommendation = Recommendation.disclose
    recipient: PersonRole = PersonRole.applicant
    language: str = "en"
    scheme: Scheme = Scheme.csods


@dataclass(frozen=True, slots=True)
class DemoForce:
    code: str
    name: str
    offers_welsh: bool
    users: tuple[DemoUser, ...]
    cases: tuple[DemoCase, ...]
    schemes: tuple[Scheme, ...] = (Scheme.csods,)


def mother_and_partner(mother: str, partner: str, children: tuple[tuple[str, date], ...]) -> tuple[DemoPerson, ...]:
    return (
        DemoPerson(
            PersonRole.applicant,
            mother,
            date(1991, 3, 14),
            "14 Larch Close, Eastbridge, EB4 2QT",
            "Mother",
            "Lives with the children",
            "Mobile after 7pm; do not leave voicemails",
        ),
        DemoPerson(
            PersonRole.subject,
            partner,
            date(1986, 8, 2),
            "14 Larch Close, Eastbridge, EB4 2QT",
            "Mother's partner",
            "Babysits two evenings a week",
            occupation="Delivery driver",
        ),
        *(DemoPerson(PersonRole.child, name, dob, "14 Larch Close, Eastbridge, EB4 2QT") for name, dob in children),
    )


DEMO_CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "Mother asks about her new partner",
        Route.right_to_ask,
        Channel.phone_101,
        19,
        "authorisation",
        "My partner of three months now babysits my two children. A friend said he was in trouble with "
        "the police years ago for something to do with a child.",
        mother_and_partner(
            "Hannah Whitfield",
            "Craig Dunmore",
            (("Maisie Whitfield", date(2022, 5, 9)), ("Leo Whitfield", date(2019, 1, 23))),
        ),
        risk=RiskLevel.medium,
    ),
    DemoCase(
        "Grandmother applies; the mother is best placed",
        Route.right_to_ask,
        Channel.station,
        12,
        "recommendation",
        "My daughter's new boyfriend is alone with my grandson a lot. I have heard he was cautioned for "
        "something involving a child.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Margaret Okafor",
                date(1962, 11, 30),
                "3 Mill Lane, Westford, WF2 8LL",
                "Grandmother",
            ),
            DemoPerson(
                PersonRole.parent_carer,
                "Grace Okafor",
                date(1994, 6, 17),
                "22 Brook Street, Westford, WF1 3AB",
                "Mother",
            ),
            DemoPerson(
                PersonRole.subject,
                "Dean Harrower",
                date(1990, 2, 5),
                "22 Brook Street, Westford, WF1 3AB",
                "Mother's boyfriend",
                "Lives in the household",
            ),
            DemoPerson(PersonRole.child, "Tobias Okafor", date(2020, 9, 12), "22 Brook Street, Westford, WF1 3AB"),
        ),
        risk=RiskLevel.medium,
        checks=(
            (CheckSource.pnc, CheckResult.child_sexual_offence_convictions, "2016: caution, offence against a child"),
        ),
        recipient=PersonRole.parent_carer,
    ),
    DemoCase(
        "No trace",
        Route.right_to_ask,
        Channel.online,
        17,
        "closed_no_trace",
        "A neighbour keeps offering my daughter lifts to school. I would like to know if there is any reason to worry.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Peter Lindqvist",
                date(1980, 4, 1),
                "9 Orchard Row, Northam, NM3 5DE",
                "Father",
                safe_contact="Email or phone any time",
                letters_ok=True,
            ),
            DemoPerson(
                PersonRole.subject,
                "Gordon Blythe",
                date(1958, 7, 19),
                "11 Orchard Row, Northam, NM3 5DE",
                "Neighbour",
                "Offers lifts to school",
            ),
            DemoPerson(PersonRole.child, "Freya Lindqvist", date(2014, 2, 28), "9 Orchard Row, Northam, NM3 5DE"),
        ),
        risk=RiskLevel.standard,
        checks=(
            (CheckSource.pnc, CheckResult.no_trace, "No record"),
            (CheckSource.local_records, CheckResult.no_trace, "Nothing held"),
        ),
        decision=Recommendation.do_not_disclose,
    ),
    DemoCase(
        "Immediate risk at night",
        Route.right_to_ask,
        Channel.phone_101,
        0.1,
        "escalated",
        "Call at 02:10. My partner was released from prison last week and is alone with my baby tonight. "
        "I believe he has offended before.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Kayleigh Marsh",
                date(1999, 12, 3),
                "Flat 4, 60 Station Road, Eastbridge, EB1 1RS",
                "Mother",
                safe_contact="Only this number; he checks her phone",
            ),
            DemoPerson(
                PersonRole.subject,
                "Ryan Tolley",
                date(1993, 10, 21),
                "Flat 4, 60 Station Road, Eastbridge, EB1 1RS",
                "Mother's partner",
                "Alone with the baby tonight",
            ),
            DemoPerson(
                PersonRole.child,
                "Baby Marsh",
                date(2026, 6, 1),
                "Flat 4, 60 Station Road, Eastbridge, EB1 1RS",
            ),
        ),
        risk=RiskLevel.immediate,
    ),
    DemoCase(
        "Refuses to sign the undertaking",
        Route.right_to_ask,
        Channel.phone_101,
        24,
        "undertaking_review",
        "My new partner looks after my son after school. I want to be sure he is safe.",
        mother_and_partner("Leanne Carver", "Stuart Pell", (("Jayden Carver", date(2018, 3, 3)),)),
        risk=RiskLevel.high,
        assigned_to="demo.officer2",
    ),
    DemoCase(
        "Refuses, and the police withhold",
        Route.right_to_ask,
        Channel.online,
        30,
        "closed_withheld",
        "The man who moved in next door talks to my kids over the fence. People online say he is a paedophile.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Wayne Dobson",
                date(1984, 1, 9),
                "5 Heath View, Southby, SB6 7PQ",
                "Father",
            ),
            DemoPerson(
                PersonRole.subject,
                "Alan Frere",
                date(1961, 5, 25),
                "7 Heath View, Southby, SB6 7PQ",
                "Neighbour",
                "Talks to the children over the fence",
            ),
            DemoPerson(PersonRole.child, "Kai Dobson", date(2016, 8, 8), "5 Heath View, Southby, SB6 7PQ"),
            DemoPerson(PersonRole.child, "Ella Dobson", date(2019, 4, 19), "5 Heath View, Southby, SB6 7PQ"),
        ),
        risk=RiskLevel.high,
        assigned_to="demo.officer2",
    ),
    DemoCase(
        "Identity not verified",
        Route.right_to_ask,
        Channel.phone_101,
        9,
        "identity_not_verified",
        "I want to know about a man at my child's football club. I will not give my address.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Unverified caller",
                None,
                "",
                "Says she is a parent",
                safe_contact="Withheld number",
            ),
            DemoPerson(
                PersonRole.subject,
                "Neil Ashworth",
                date(1975, 3, 30),
                "Unknown",
                "Volunteer football coach",
                "Coaches the under-10s",
                occupation="Football coach (volunteer)",
            ),
            DemoPerson(PersonRole.child, "Child not named by the caller (under-10s team)"),
        ),
        risk=RiskLevel.standard,
    ),
    DemoCase(
        "Overdue: assigned officer on long-term leave",
        Route.right_to_ask,
        Channel.station,
        14,
        "applicant_meeting",
        "My ex-partner's new boyfriend has the children every other weekend.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Daniel Reyes",
                date(1987, 9, 14),
                "48 Victoria Terrace, Northam, NM1 2BB",
                "Father",
                safe_contact="Phone after 5pm",
            ),
            DemoPerson(
                PersonRole.subject,
                "Mark Tennant",
                date(1983, 12, 12),
                "2 Kiln Court, Westford, WF4 9ZZ",
                "Mother's boyfriend",
                "Every other weekend",
            ),
            DemoPerson(PersonRole.child, "Sofia Reyes", date(2017, 7, 7), "2 Kiln Court, Westford, WF4 9ZZ"),
        ),
        risk=RiskLevel.medium,
        assigned_to="demo.officer3",
    ),
    DemoCase(
        "Overdue triage, unassigned",
        Route.right_to_ask,
        Channel.online,
        2,
        "received",
        "My sister's new husband has a past. I am worried about my niece.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Rachel Green-Hollis",
                date(1989, 10, 10),
                "77 Quarry Hill, Southby, SB2 4HT",
                "Aunt",
            ),
            DemoPerson(
                PersonRole.subject,
                "Simon Hollis",
                date(1979, 6, 6),
                "31 Fen Road, Southby, SB3 1QA",
                "Sister's husband",
                "Lives with the child",
            ),
            DemoPerson(PersonRole.child, "Isla Hollis", date(2015, 11, 2), "31 Fen Road, Southby, SB3 1QA"),
        ),
        risk=RiskLevel.not_assessed,
        assigned_to=None,
    ),
    DemoCase(
        "Two supervisors at once",
        Route.right_to_know,
        Channel.police_initiated,
        21,
        "authorisation",
        "Intelligence shows a registered sex offender has formed a relationship with a mother of two.",
        mother_and_partner(
            "Natalie Birch",
            "Gary Wolstenholme",
            (("Alfie Birch", date(2021, 2, 14)), ("Poppy Birch", date(2017, 12, 25))),
        ),
        risk=RiskLevel.high,
    ),
    DemoCase(
        "Checks under way",
        Route.right_to_ask,
        Channel.referral,
        6,
        "risk_assessment",
        "Referral from the health visitor: the mother's new partner has mentioned a conviction.",
        (
            DemoPerson(
                PersonRole.referrer,
                "Health visitor, Eastbridge Children's Centre",
                None,
                "Eastbridge Children's Centre",
                "Professional",
            ),
            DemoPerson(
                PersonRole.applicant,
                "Chloe Adeyemi",
                date(1997, 1, 31),
                "6 Poplar Walk, Eastbridge, EB2 6TT",
                "Mother",
            ),
            DemoPerson(
                PersonRole.subject,
                "Jordan Pike",
                date(1995, 4, 4),
                "Unknown",
                "Mother's partner",
                "Visits daily",
            ),
            DemoPerson(PersonRole.child, "Zara Adeyemi", date(2025, 3, 3), "6 Poplar Walk, Eastbridge, EB2 6TT"),
        ),
        risk=RiskLevel.medium,
        assigned_to="demo.officer2",
    ),
    DemoCase(
        "Triage due within the day",
        Route.right_to_ask,
        Channel.phone_101,
        0.6,
        "initial_triage",
        "The man my ex lets stay over with our son was on the news years ago.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Tom Hargreaves",
                date(1990, 5, 5),
                "12 Canal Side, Westford, WF3 2CC",
                "Father",
            ),
            DemoPerson(
                PersonRole.subject,
                "Lee Brannigan",
                date(1981, 8, 18),
                "40 Elm Grove, Westford, WF3 7EG",
                "Mother's partner",
                "Stays over most weekends",
            ),
            DemoPerson(PersonRole.child, "Oscar Hargreaves", date(2019, 10, 1), "40 Elm Grove, Westford, WF3 7EG"),
        ),
        risk=RiskLevel.not_assessed,
    ),
    DemoCase(
        "Disclosure made and the undertaking signed; later, a breach reported",
        Route.right_to_ask,
        Channel.phone_101,
        40,
        "closed_disclosed_breached",
        "My partner wants to take my daughter on holiday on his own. Someone told me to ask you first.",
        (
            DemoPerson(
                PersonRole.applicant, "Joanne Castell", date(1988, 2, 2), "3 Beacon Way, Northam, NM2 4RR", "Mother"
            ),
            DemoPerson(
                PersonRole.subject,
                "Paul Remnant",
                date(1979, 11, 11),
                "3 Beacon Way, Northam, NM2 4RR",
                "Mother's partner",
                "Lives in the household",
            ),
            DemoPerson(PersonRole.child, "Amber Castell", date(2017, 6, 6), "3 Beacon Way, Northam, NM2 4RR"),
        ),
        risk=RiskLevel.high,
    ),
    DemoCase(
        "Disclosure meeting arranged",
        Route.right_to_know,
        Channel.police_initiated,
        26,
        "disclosure_arranged",
        "Probation told us a man managed under MAPPA has moved in with a mother of a young child.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Rebecca Sowerby",
                date(1996, 10, 3),
                "5 Millrace Court, Eastbridge, EB3 7PP",
                "Mother",
                safe_contact="Mobile, weekdays before 3pm",
            ),
            DemoPerson(
                PersonRole.subject,
                "Darren Keel",
                date(1977, 4, 14),
                "5 Millrace Court, Eastbridge, EB3 7PP",
                "Mother's partner",
                "Lives in the household",
            ),
            DemoPerson(PersonRole.child, "Lily Sowerby", date(2021, 1, 19), "5 Millrace Court, Eastbridge, EB3 7PP"),
        ),
        risk=RiskLevel.high,
        assigned_to="demo.officer2",
    ),
    DemoCase(
        "Overdue meeting: officer on leave (2)",
        Route.right_to_ask,
        Channel.online,
        13,
        "applicant_meeting",
        "My childminder's husband is always at the house now. I want to know he is safe to be around.",
        (
            DemoPerson(
                PersonRole.applicant, "Aisha Rahman", date(1993, 8, 19), "12 Cedar Road, Westford, WF5 2JJ", "Mother"
            ),
            DemoPerson(
                PersonRole.subject,
                "Keith Dolan",
                date(1969, 1, 27),
                "19 Alder Close, Westford, WF5 3KK",
                "Childminder's husband",
                "At the childminder's most days",
            ),
            DemoPerson(PersonRole.child, "Idris Rahman", date(2023, 4, 4), "12 Cedar Road, Westford, WF5 2JJ"),
        ),
        risk=RiskLevel.standard,
        assigned_to="demo.officer3",
    ),
    DemoCase(
        "Overdue meeting: officer on leave (3)",
        Route.right_to_ask,
        Channel.station,
        11.5,
        "applicant_meeting",
        "My son's new stepfather was in prison. I don't know what for.",
        (
            DemoPerson(
                PersonRole.applicant, "Gareth Mills", date(1985, 5, 30), "1 Tannery Lane, Southby, SB1 8TT", "Father"
            ),
            DemoPerson(
                PersonRole.subject,
                "Vince Harker",
                date(1982, 9, 9),
                "27 Ropewalk, Southby, SB1 9UU",
                "Mother's husband",
                "Lives with the child",
            ),
            DemoPerson(PersonRole.child, "Ethan Mills", date(2015, 12, 12), "27 Ropewalk, Southby, SB1 9UU"),
        ),
        risk=RiskLevel.high,
        assigned_to="demo.officer3",
    ),
)

WELSH_CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "Welsh-language recipient",
        Route.right_to_ask,
        Channel.phone_101,
        20,
        "disclosure_arranged",
        "Mae fy mhartner newydd yn gofalu am fy merch. My new partner looks after my daughter and I want to check.",
        (
            DemoPerson(
                PersonRole.applicant,
                "Catrin Pritchard",
                date(1992, 7, 1),
                "8 Heol y Bont, Llanfair, LL9 4AA",
                "Mother",
                preferred_language="Welsh",
            ),
            DemoPerson(
                PersonRole.subject,
                "Rhys Bowen",
                date(1988, 3, 21),
                "8 Heol y Bont, Llanfair, LL9 4AA",
                "Mother's partner",
                "Looks after the child after school",
            ),
            DemoPerson(
                PersonRole.child,
                "Elin Pritchard",
                date(2018, 9, 30),
                "8 Heol y Bont, Llanfair, LL9 4AA",
                preferred_language="Welsh",
            ),
        ),
        risk=RiskLevel.high,
        assigned_to="wales.officer",
        language="cy",
    ),
)


# The DVDS (Clare's Law): a person asks about a partner, or the police decide she should know.
ABUSE_CHECKS = (
    (CheckSource.pnc, CheckResult.domestic_abuse_history, "2019: assault by beating of a former partner"),
    (CheckSource.local_records, CheckResult.intelligence, "Two call-outs to a previous address, 2020 and 2021"),
)
DVDS_NO_TRACE = (
    (CheckSource.pnc, CheckResult.no_trace, "No trace"),
    (CheckSource.local_records, CheckResult.no_trace, "No trace"),
)


def person_at_risk_and_partner(
    name: str, partner: str, *, born: date, address: str, letters_ok: bool = False
) -> tuple[DemoPerson, ...]:
    """She asks for herself: the applicant and the person at risk are the same woman. A letter only
    if she says it is safe (she does not live with him)."""
    return (
        DemoPerson(
            PersonRole.applicant,
            name,
            born,
            address,
            safe_contact="Text first; only call after 9am",
            letters_ok=letters_ok,
        ),
        DemoPerson(PersonRole.person_at_risk, name, born, address),
        DemoPerson(PersonRole.subject, partner, date(1987, 10, 4), address, occupation="Warehouse supervisor"),
    )


DVDS_CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "Right to Ask: she asks about her new partner",
        Route.right_to_ask,
        Channel.online,
        2,
        "dvds_applicant_meeting",
        "My partner of four months checks my phone and gets angry when I see friends. His ex told me to be careful.",
        person_at_risk_and_partner(
            "Leah Brennan", "Jordan Pike", born=date(1995, 6, 21), address="7 Quarry Row, Valleyford, VF3 1PL"
        ),
        risk=RiskLevel.medium,
        assigned_to="valley.officer",
        checks=ABUSE_CHECKS,
        scheme=Scheme.dvds,
    ),
    DemoCase(
        "Right to Ask: waiting for the forum's decision",
        Route.right_to_ask,
        Channel.phone_101,
        16,
        "authorisation",
        "He has been in prison for hurting someone, I think a girlfriend. We have been together six weeks.",
        person_at_risk_and_partner(
            "Nadia Sorensen", "Kyle Marsh", born=date(1990, 12, 2), address="22 Mill Terrace, Valleyford, VF1 4BT"
        ),
        risk=RiskLevel.high,
        assigned_to="valley.officer",
        checks=ABUSE_CHECKS,
        scheme=Scheme.dvds,
    ),
    DemoCase(
        "Right to Know: police tell her of his history",
        Route.right_to_know,
        Channel.police_initiated,
        26,
        "dvds_closed_disclosed",
        "Response officers attended a disturbance; intelligence links him to abuse of two former partners.",
        person_at_risk_and_partner(
            "Chloe Adebayo", "Martin Greaves", born=date(1998, 4, 9), address="3 Station Road, Valleyford, VF2 9QA"
        ),
        risk=RiskLevel.high,
        assigned_to="valley.officer",
        checks=ABUSE_CHECKS,
        scheme=Scheme.dvds,
    ),
    DemoCase(
        "Right to Ask: nothing to disclose",
        Route.right_to_ask,
        Channel.station,
        24,
        "closed_no_trace",
        "My daughter's boyfriend seems controlling. I want to know if he has hurt anyone before.",
        person_at_risk_and_partner(
            "Ffion Hughes",
            "Aled Jarvis",
            born=date(2001, 1, 30),
            address="41 Bryn Close, Valleyford, VF4 2NE",
            letters_ok=True,
        ),
        assigned_to="valley.officer",
        checks=DVDS_NO_TRACE,
        decision=Recommendation.do_not_disclose,
        scheme=Scheme.dvds,
    ),
    DemoCase(
        "Right to Ask: disclosed, with a safety plan",
        Route.right_to_ask,
        Channel.online,
        27,
        "dvds_closed_disclosed",
        "He said his last relationship ended because she lied to the police about him.",
        person_at_risk_and_partner(
            "Sara Whitlock", "Ben Castell", born=date(1988, 8, 15), address="9 Orchard Way, Valleyford, VF5 6HD"
        ),
        risk=RiskLevel.high,
        assigned_to="valley.officer",
        checks=ABUSE_CHECKS,
        scheme=Scheme.dvds,
    ),
)


DEMO_FORCES: tuple[DemoForce, ...] = (
    DemoForce(
        "DEMO",
        "Demo Constabulary",
        False,
        (
            DemoUser("demo.officer", "PC Alex Morgan", "officer", "PPU North"),
            DemoUser("demo.officer2", "DC Sam Patel", "officer", "PPU North"),
            DemoUser("demo.officer3", "PC Chris Lowe", "officer", "PPU South"),
            DemoUser("demo.supervisor", "DS Jo Clarke", "supervisor", "PPU North"),
            DemoUser("demo.supervisor2", "DI Priya Shah", "supervisor", "PPU South"),
            DemoUser("demo.admin", "Terry Nolan (systems administrator)", "admin"),
            DemoUser("demo.auditor", "Helen Ward (information assurance)", "auditor"),
        ),
        DEMO_CASES,
    ),
    DemoForce(
        "WALES",
        "Heddlu Demo Cymru – Demo Wales Police",
        True,
        (
            DemoUser("wales.officer", "PC Gethin Rowlands", "officer", "PPU West"),
            DemoUser("wales.supervisor", "DS Sian Llewellyn", "supervisor", "PPU West"),
        ),
        WELSH_CASES,
    ),
    DemoForce(
        "VALLEY",
        "Demo Valley Police",
        False,
        (
            DemoUser("valley.officer", "DC Ria Shah", "officer", "Domestic Abuse Unit"),
            DemoUser("valley.supervisor", "DS Tom Ellery", "supervisor", "Domestic Abuse Unit"),
        ),
        DVDS_CASES,
        schemes=(Scheme.csods, Scheme.dvds),
    ),
)
