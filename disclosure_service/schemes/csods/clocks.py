"""The CSODS's clocks and their default lengths; docs/clocks.md gives the source of each.

The Home Office's April 2023 guidance "reduc[ed] the timeframe" (written answer 48816, 7 May 2025)
but its figures could not be read; force pages published since (Avon and Somerset, Cleveland)
keep 24 hours and 10 days for the first two points. The rest are West Yorkshire Police's
procedure, which the issue that asked for these clocks quotes. A force sets its own from
`/admin/clocks`.
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
        source="WYP: initial enquiry, max 24 hours; post-2023 force pages: checks within 24 hours",
    ),
    ClockSpec(
        ClockName.applicant_meeting,
        10 * DAY,
        starts_at=frozenset({Stage.received}),
        runs_at=frozenset({Stage.received, Stage.initial_triage, Stage.applicant_meeting}),
        current_at=frozenset({Stage.applicant_meeting}),
        from_receipt=True,
        source="2011 guidance; post-2023 force pages: within 10 days of the application",
    ),
    ClockSpec(
        ClockName.risk_assessment,
        10 * DAY,
        starts_at=frozenset({Stage.risk_assessment}),
        runs_at=frozenset({Stage.risk_assessment}),
        current_at=frozenset({Stage.risk_assessment}),
        from_receipt=False,
        source="WYP: full risk assessment, max 10 calendar days",
    ),
    ClockSpec(
        ClockName.decision,
        10 * DAY,
        starts_at=frozenset({Stage.recommendation, Stage.authorisation}),
        runs_at=frozenset({Stage.recommendation, Stage.authorisation}),
        current_at=frozenset({Stage.recommendation, Stage.authorisation}),
        from_receipt=False,
        source="WYP: recommendation and decision, max 10 days",
    ),
    UNDERTAKING_REVIEW_CLOCK,
    ClockSpec(
        ClockName.whole_case,
        45 * DAY,
        starts_at=frozenset({Stage.received}),
        runs_at=OPEN - {Stage.non_disclosure},
        current_at=frozenset({Stage.disclosure}),
        from_receipt=True,
        replaced_by=ClockName.whole_case_no_disclosure,
        source="2011 guidance: 45 days; WYP: 45 calendar days where there is a disclosure",
    ),
    ClockSpec(
        ClockName.whole_case_no_disclosure,
        35 * DAY,
        starts_at=frozenset({Stage.non_disclosure}),
        runs_at=OPEN,
        current_at=frozenset({Stage.non_disclosure}),
        from_receipt=True,
        source="WYP: 35 calendar days where nothing is disclosed",
    ),
    SAFEGUARDING_PLAN_CLOCK,
)
