"""Pages that belong to no single area: the home page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from disclosure_service.identity.roles import Role
from disclosure_service.web import access

# Where each role's work is: the home page sends people straight there.
LANDING = {Role.officer: "/cases", Role.supervisor: "/cases", Role.admin: "/admin/users", Role.auditor: "/audit"}


@get("/", opt=access.opt(access.SIGNED_IN), include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template | Redirect:
    principal = access.principal_of(request)
    if principal is not None and principal.role in LANDING:
        return Redirect(LANDING[principal.role], status_code=HTTP_303_SEE_OTHER)
    return Template(template_name="home.html")
