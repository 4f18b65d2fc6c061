"""Database tables for data protection: each retention review of a closed case."""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from disclosure_service.cases.tables import Application
from disclosure_service.identity.tables import Force, User


class RetentionReview(Table, tablename="retention_review"):
    """A review of whether to keep a closed case (DPA 2018 s.39): retain, with why and until when, or
    dispose. Disposal removes these with the case; the tombstone keeps the decision to dispose."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    decision = Varchar(length=16)
    reason = Text()
    next_review_on = Date(null=True, default=None)
    reviewed_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    reviewed_at = Timestamptz()
