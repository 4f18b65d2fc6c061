"""Administrators' page for their force's clocks: what is in force, what is scheduled, every change
made, and a form to set a clock from a day on (with a fresh code, as for every admin change)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from disclosure_service.audit.writer import Caller
from disclosure_service.auth import step_up
from disclosure_service.cases.clocks import length_words
from disclosure_service.cases.service import Casework
from disclosure_service.clocks import digest, service
from disclosure_service.identity.principal import Principal
from disclosure_service.numbers import whole_number
from disclosure_service.web import access
from disclosure_service.web.forms import FormErrors, read_form

AnyRequest = Request[Any, Any, Any]
ADMIN = access.opt(access.ADMINS, step_up=step_up.FORM)
UNITS = {"days": 24, "hours": 1}


async def _page(
    request: AnyRequest,
    principal: Principal,
    casework: Casework,
    *,
    form: dict[str, str],
    errors: FormErrors,
    done: bool = False,
) -> Template:
    overview = await service.overview(principal, casework.schemes)
    titles = {scheme: definition.title for scheme, definition in casework.schemes.items()}
    return Template(
        "clocks/settings.html",
        context={
            "page_title": "Clocks",
            "overview": overview,
            "titles": titles,
            "form": form,
            "done": done,
            "length_words": length_words,
            "needs_code": step_up.needs_code(request),
            **errors.context(),
        },
        status_code=HTTP_400_BAD_REQUEST if errors else 200,
    )


@get("/admin/clocks", opt=ADMIN)
async def clocks_page(
    request: AnyRequest, principal: NamedDependency[Principal], casework: NamedDependency[Casework]
) -> Template:
    done = request.query_params.get("done") == "set"
    return await _page(request, principal, casework, form={"unit": "days"}, errors=FormErrors(), done=done)


def _date(form: dict[str, str]) -> date | None:
    parts = [whole_number(form.get(f"effective_from-{part}", "")) for part in ("year", "month", "day")]
    if None in parts:
        return None
    try:
        return date(*(p for p in parts if p is not None))
    except ValueError:
        return None


@post("/admin/clocks", opt=ADMIN)
async def set_clock(
    request: AnyRequest, caller: NamedDependency[Caller], casework: NamedDependency[Casework]
) -> Template | Redirect:
    form = await read_form(request)
    errors = FormErrors()
    scheme, _, clock = form.get("clock", "").partition(":")
    if not clock:
        errors.add("clock", "Choose the clock to change")
    length = whole_number(form.get("length", ""), low=1)
    if length is None:
        errors.add("length", "Enter the length as a whole number, like 10")
    if form.get("unit") not in UNITS:
        errors.add("unit", "Choose days or hours")
    effective_from = _date(form)
    if effective_from is None:
        errors.add("effective_from", "Enter the date it applies from, like 1 4 2027", "effective_from-day")
    if not form.get("reason"):
        errors.add("reason", "Say why the clock is changing (the guidance or decision it follows)")
    if not errors and (problem := await step_up.confirm(request, form)):
        errors.add("code", problem)
    if errors or length is None or effective_from is None:
        return await _page(request, caller.principal, casework, form=form, errors=errors)
    try:
        await service.set_clock(
            caller,
            casework.schemes,
            scheme=scheme,
            clock=clock,
            hours=length * UNITS[form["unit"]],
            effective_from=effective_from,
            reason=form["reason"],
        )
    except service.ClockSettingError as exc:
        field = {"hours": "length", "scheme": "clock"}.get(exc.field, exc.field)
        errors.add(field, str(exc), "effective_from-day" if field == "effective_from" else None)
        return await _page(request, caller.principal, casework, form=form, errors=errors)
    return Redirect("/admin/clocks?done=set", status_code=HTTP_303_SEE_OTHER)


@get("/cases/digest", opt=access.opt(access.SUPERVISORS))
async def digest_page(caller: NamedDependency[Caller]) -> Template:
    """What falls due today and tomorrow, by clock, and how much is already past: logged as a list."""
    found = await digest.for_supervisor(caller)
    return Template(
        "clocks/digest.html",
        context={"page_title": "Deadlines today and tomorrow", "digest": found, "label": digest.label},
    )


ROUTES = [clocks_page, set_clock, digest_page]
