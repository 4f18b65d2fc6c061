"""Ids in paths: every `{...:int}` names a row, and rows have int4 ids (1 to 2**31 - 1).

Litestar parses any size of integer; one that no row can have reached PostgreSQL as a query
argument and failed there (a 500). One guard, on every route, answers 404 instead: the same answer
as for an id that does not exist.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

from disclosure_service.numbers import INT4_MAX


def path_ids_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    for value in connection.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not 1 <= value <= INT4_MAX:
            raise NotFoundException()
