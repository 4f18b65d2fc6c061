"""Pages that belong to no single area: the home page."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from disclosure_service.auth import access


@get("/", opt=access.opt(access.SIGNED_IN), include_in_schema=False)
async def home() -> Template:
    return Template(template_name="home.html")
