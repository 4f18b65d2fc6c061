"""The application factory: one place that wires settings, database, routes and middleware."""

from __future__ import annotations

import logging

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ExceptionHandlersMap

from disclosure_service import __version__, providers, schemes
from disclosure_service.accounts import http_errors as account_errors
from disclosure_service.accounts import pages as accounts_pages
from disclosure_service.accounts.api import UsersApi
from disclosure_service.audit import pages as audit_pages
from disclosure_service.auth import pages as auth_pages
from disclosure_service.auth import sessions
from disclosure_service.auth.api import AuthApi
from disclosure_service.auth.middleware import SessionMiddleware
from disclosure_service.auth.service import Keys
from disclosure_service.cases import api as cases_api
from disclosure_service.cases import http_errors as case_errors
from disclosure_service.cases import pages as cases_pages
from disclosure_service.cases.clocks import unknown_outcomes
from disclosure_service.cases.service import Casework
from disclosure_service.clocks import http_errors as clock_errors
from disclosure_service.clocks import pages as clock_pages
from disclosure_service.clocks.api import ClocksApi
from disclosure_service.database import engine as db
from disclosure_service.database.setup import resolve_urls
from disclosure_service.dataprotection import api as dataprotection_api
from disclosure_service.dataprotection import pages as dataprotection_pages
from disclosure_service.disclosures import api as disclosure_api
from disclosure_service.disclosures import documents
from disclosure_service.disclosures import pages as disclosure_pages
from disclosure_service.paths import STATIC_DIR
from disclosure_service.quality import http_errors as quality_errors
from disclosure_service.quality import pages as quality_pages
from disclosure_service.quality.api import QualityReviewsApi
from disclosure_service.reports import pages as report_pages
from disclosure_service.settings import ConfigurationError, Settings, configure_logging, get_settings
from disclosure_service.transfers import http_errors as transfer_errors
from disclosure_service.transfers import pages as transfer_pages
from disclosure_service.transfers.api import CheckRequestsApi
from disclosure_service.web import access, errors, headers, health, ids, pages, templating
from disclosure_service.web.access import access_guard
from disclosure_service.web.origin import SameOriginMiddleware

log = logging.getLogger(__name__)

# One map from errors to answers, for pages and API alike: the framework's, then each area's refusals.
EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    **errors.EXCEPTION_HANDLERS,
    **case_errors.EXCEPTION_HANDLERS,
    **account_errors.EXCEPTION_HANDLERS,
    **clock_errors.EXCEPTION_HANDLERS,
    **transfer_errors.EXCEPTION_HANDLERS,
    **quality_errors.EXCEPTION_HANDLERS,
}

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, *, manage_pool: bool = True) -> Litestar:
    """Build the ASGI app.

    With `manage_pool` the app opens its own connection pool at start-up (a bad database fails
    start-up, never silently later); tests pass False and own the pool themselves.
    """
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    async def open_pool() -> None:
        urls = await resolve_urls(settings)
        await db.open_pool(
            urls.app,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
            statement_timeout=settings.db_statement_timeout,
            acquire_timeout=settings.db_acquire_timeout,
            transaction_pooling=settings.db_transaction_pooling,
        )
        if settings.replica_database_url:
            await db.open_replica_pool(
                settings.replica_database_url,
                min_size=1,
                max_size=settings.db_pool_max,
                statement_timeout=settings.db_statement_timeout,
                acquire_timeout=settings.db_acquire_timeout,
                transaction_pooling=settings.db_transaction_pooling,
            )

    # The case engine for the schemes the service runs, with this configuration's retention periods
    # (`RETENTION_REVIEW_YEARS`); it holds no state of its own.
    if unknown := unknown_outcomes(settings.retention_review_years):
        raise ConfigurationError(f"RETENTION_REVIEW_YEARS: {', '.join(unknown)} is not an outcome")
    casework = Casework(schemes.SCHEMES, settings.retention_review_years)
    applications = cases_api.router(schemes.all_actions(), *disclosure_api.CASE_ROUTES)
    api = Router(
        path=API_PREFIX,
        route_handlers=[
            AuthApi,
            UsersApi,
            applications,
            disclosure_api.TEMPLATES,
            ClocksApi,
            CheckRequestsApi,
            dataprotection_api.RETENTION,
            dataprotection_api.SUBJECT_ACCESS,
            QualityReviewsApi,
        ],
    )
    static = create_static_files_router(
        path="/static", directories=[STATIC_DIR], opt=access.opt(access.PUBLIC), include_in_schema=False
    )
    return Litestar(
        route_handlers=[
            pages.home,
            *auth_pages.ROUTES,
            *accounts_pages.ROUTES,
            *cases_pages.ROUTES,
            *audit_pages.ROUTES,
            *disclosure_pages.ROUTES,
            *report_pages.ROUTES,
            *clock_pages.ROUTES,
            *transfer_pages.ROUTES,
            *dataprotection_pages.ROUTES,
            *quality_pages.ROUTES,
            health.healthz,
            api,
            static,
        ],
        # Who may call first (an anonymous caller gets 401 whatever the path), then the path's numbers.
        guards=[access_guard, ids.path_ids_guard],
        middleware=[SameOriginMiddleware(settings.public_url), SessionMiddleware()],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=sessions.CSRF_COOKIE,
            cookie_secure=True,
            cookie_httponly=False,  # API clients read it to send it back in X-CSRFToken
            cookie_samesite="strict",
            header_name="x-csrftoken",
        ),
        state=State({"auth_keys": Keys.from_settings(settings), "public_url": settings.public_url}),
        on_startup=[open_pool] if manage_pool else [],
        on_shutdown=[db.close_pool] if manage_pool else [],
        template_config=templating.template_config(settings, {"pdf_available": documents.pdf_available}),
        exception_handlers=EXCEPTION_HANDLERS,
        # Who is asking and from where, and the case engine, for any handler that names them.
        dependencies={
            "principal": Provide(providers.principal, sync_to_thread=False),
            "meta": Provide(providers.meta, sync_to_thread=False),
            "caller": Provide(providers.caller, sync_to_thread=False),
            "casework": Provide(lambda: casework, sync_to_thread=False),
            "quality_share": Provide(lambda: settings.quality_review_share, sync_to_thread=False),
        },
        before_send=[headers.add_security_headers],
        openapi_config=OpenAPIConfig(
            title="disclosure-service API",
            version=__version__,
            use_handler_docstrings=True,
            render_plugins=[JsonRenderPlugin()],
            # The API's description is for signed-in users like the API itself.
            openapi_router=Router(path="/schema", route_handlers=[], opt=access.opt(access.SIGNED_IN)),
        ),
        # Logging is configured once by the command line (or the host), not by every app built.
        logging_config=None,
        # A scanned, signed undertaking (10 MB) as base64 in JSON, with room to spare.
        request_max_body_size=20 * 1024 * 1024,
        debug=False,
    )
