"""The quality-review sample: one row per decision drawn, and the second supervisor's review of it."""

from __future__ import annotations

from piccolo.columns import Array, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.constraints import Unique
from piccolo.table import Table

from disclosure_service.cases.tables import Application
from disclosure_service.identity.tables import Force, User


class QualityReview(Table, tablename="quality_review"):
    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    # no_disclosure, withheld_after_refusal or authorisation; the London month decided in (2026-11).
    kind = Varchar(length=24)
    month = Varchar(length=7, index=True)
    decided_at = Timestamptz()
    # Everyone who decided on the case (recommended, authorised, reviewed a refusal, closed it): none
    # of them may review it.
    decided_by = Array(base_column=Integer())
    # The hex SHA-256 of the case id, the kind and the month: the order the sample is drawn in.
    seed = Varchar(length=64)
    drawn_at = Timestamptz()
    drawn_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    verdict = Varchar(length=8, null=True, default=None)
    findings = Text()
    action = Text()
    reviewed_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)

    one_per_month = Unique(["application", "kind", "month"])
