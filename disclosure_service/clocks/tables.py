"""A force's clock settings: one row per change, never updated, so the history stays."""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from disclosure_service.cases.vocabulary import ClockName, Scheme
from disclosure_service.identity.tables import Force, User


class ClockSetting(Table, tablename="clock_setting"):
    """A clock's length for the force's cases of a scheme received on or after `effective_from`
    (a London day). The latest row for a day wins; a case keeps what was in force when received."""

    id = Serial(primary_key=True)
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    scheme = Varchar(length=16, choices=Scheme)
    clock = Varchar(length=32, choices=ClockName)
    hours = Integer()
    effective_from = Date()
    reason = Text()
    set_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    set_at = Timestamptz()


EXTRA_INDEXES = ('CREATE INDEX clock_setting_lookup ON clock_setting ("force", scheme, clock, effective_from)',)
