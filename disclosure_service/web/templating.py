"""The Jinja environment shared by every page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from disclosure_service import dates
from disclosure_service.identity.principal import Principal
from disclosure_service.paths import WEB_TEMPLATES_DIR
from disclosure_service.settings import Settings
from disclosure_service.web import navigation
from disclosure_service.web.forms import ready_link

SERVICE_NAME = "Disclosure scheme cases"


def force_name_for(request: Any) -> str:
    """The name of the force whose user is asking; empty on public pages (nobody is known yet)."""
    principal = request.scope.get("user") if request is not None else None
    return principal.force_name if isinstance(principal, Principal) else ""


def make_environment(settings: Settings, extra_globals: Mapping[str, Any] | None = None) -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(WEB_TEMPLATES_DIR),
                # The macros import each other under this exact prefix.
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        # A custom Environment does not autoescape unless told: every page shows user input.
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Checking every template file for changes on every page costs dozens of stat() calls a
        # request; only a developer editing templates needs it.
        auto_reload=settings.env == "development",
        cache_size=1000,
    )
    env.filters["long_date"] = dates.long_date
    env.filters["long_datetime"] = dates.long_datetime
    env.filters["age"] = dates.age_today
    env.globals["service_name"] = SERVICE_NAME
    # The signed-in user's own force, never the deployment's: one deployment may serve several forces.
    env.globals["force_name_for"] = force_name_for
    env.globals["nav_items"] = navigation.nav_items
    env.globals["ready_link"] = ready_link
    # What the areas add (whether PDF copies can be made, say): the app wires them in.
    env.globals.update(extra_globals or {})
    return env


def template_config(
    settings: Settings, extra_globals: Mapping[str, Any] | None = None
) -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(make_environment(settings, extra_globals)))
