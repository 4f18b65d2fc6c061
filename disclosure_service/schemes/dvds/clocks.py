"""The DVDS's clocks and their default lengths; docs/clocks.md gives the source of each.

The statutory guidance of April 2023 (Domestic Abuse Act 2021 s.77) gives the police 28 days to
make a disclosure, down from 35 (press reports of the guidance; reducingtherisk). The first two
points are the 2014 guidance's: initial checks within 24 hours, the face-to-face meeting within
10 working days (14 calendar days here, since clocks count calendar time). Neither guidance
gives the risk assessment or the decision a length of its own: the 28 days is their deadline.
A force sets its own from `/admin/clocks`.
"""

from __future__ import annotations

from disclosure_service.cases.clocks import SAFEGUARDING_PLAN_CLOCK, UNDERTAKING_REVIEW_CLOCK, ClockSpec
from disclosure_service.cases.vocabulary import ClockName, Stage

OPEN = frozenset(stage for stage in Stage if stage.is_open)
DAY = 24

CLOCKS = (
    ClockSpec(
        ClockName.triage,
        24,
        starts_at=frozenset({Stage.received}),
        runs_at=frozenset({Stage.received, Stage.initial_triage}),
        current_at=frozenset({Stage.received, Stage.initial_triage}),
        from_receipt=True,
        source="DVDS guidance 2014 (Brighton and Hove briefing): initial checks within 24 hours",
    ),
    ClockSpec(
        ClockName.applicant_meeting,
        14 * DAY,
        starts_at=frozenset({Stage.received}),
        runs_at=frozenset({Stage.received, Stage.initial_triage, Stage.applicant_meeting}),
        current_at=frozenset({Stage.applicant_meeting}),
        from_receipt=True,
        source="DVDS guidance 2014: face-to-face meeting within 10 working days (14 calendar days)",
    ),
    UNDERTAKING_REVIEW_CLOCK,
    ClockSpec(
        ClockName.whole_case,
        28 * DAY,
        starts_at=frozenset({Stage.received}),
        runs_at=OPEN,
        current_at=frozenset(
            {
                Stage.risk_assessment,
                Stage.recommendation,
                Stage.authorisation,
                Stage.disclosure,
                Stage.non_disclosure,
            }
        ),
        from_receipt=True,
        source="DVDS statutory guidance 2023 (s.77 Domestic Abuse Act 2021): 28 days, down from 35",
    ),
    SAFEGUARDING_PLAN_CLOCK,
)
