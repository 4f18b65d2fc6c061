"""JSON API for administrators: their force's clocks, `/api/v1/clocks`.

`GET` lists each clock of each scheme the force runs, with the length in force today and the changes
scheduled; `POST` sets a clock from a day on (a fresh code is needed, as for every admin change).
Cases already received keep their clocks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from disclosure_service.audit.writer import Caller
from disclosure_service.cases.service import Casework
from disclosure_service.clocks import service
from disclosure_service.clocks.queries import SettingRow
from disclosure_service.identity.principal import Principal
from disclosure_service.web import access


class SettingOut(msgspec.Struct):
    hours: int
    effective_from: date
    reason: str
    set_by: str
    set_at: datetime


class ClockOut(msgspec.Struct):
    scheme: str
    clock: str
    name: str
    # In force today for cases received today.
    hours: int
    # The setting in force, or null while the scheme's default applies.
    in_force: SettingOut | None
    default_hours: int
    # Counts from the application's receipt, or from the start of its stage.
    from_receipt: bool
    scheduled: list[SettingOut]


class ClockIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    scheme: Annotated[str, msgspec.Meta(max_length=16)]
    clock: Annotated[str, msgspec.Meta(max_length=32)]
    # Give the length in hours or in days, not both.
    hours: Annotated[int, msgspec.Meta(ge=1, le=8760)] | None = None
    days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None
    effective_from: date
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


def _setting(row: SettingRow | None) -> SettingOut | None:
    if row is None:
        return None
    return SettingOut(row.hours, row.effective_from, row.reason, row.set_by_name, row.set_at)


def clock_out(view: service.ClockView) -> ClockOut:
    return ClockOut(
        scheme=view.scheme.value,
        clock=view.clock.value,
        name=view.clock.label,
        hours=view.hours,
        in_force=_setting(view.setting),
        default_hours=view.spec.default_hours,
        from_receipt=view.spec.from_receipt,
        scheduled=[s for s in map(_setting, view.scheduled) if s is not None],
    )


class ClocksApi(Controller):
    path = "/clocks"
    tags = ("Clocks",)

    @get("/", opt=access.opt(access.ADMINS))
    async def list_clocks(
        self, principal: NamedDependency[Principal], casework: NamedDependency[Casework]
    ) -> list[ClockOut]:
        """The force's clocks for each scheme it runs: in force today, and changes scheduled."""
        overview = await service.overview(principal, casework.schemes)
        return [clock_out(view) for view in overview.clocks]

    @post("/", opt=access.opt(access.ADMINS, step_up=True), status_code=201)
    async def set_clock(
        self, data: JSONBody[ClockIn], caller: NamedDependency[Caller], casework: NamedDependency[Casework]
    ) -> ClockOut:
        """Set a clock's length for cases received from `effective_from` on; audited."""
        if (data.hours is None) == (data.days is None):
            raise service.ClockSettingError("Give the length in hours or in days", "hours")
        hours = data.hours if data.hours is not None else (data.days or 0) * 24
        view = await service.set_clock(
            caller,
            casework.schemes,
            scheme=data.scheme,
            clock=data.clock,
            hours=hours,
            effective_from=data.effective_from,
            reason=data.reason,
        )
        return clock_out(view)
