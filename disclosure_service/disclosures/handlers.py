"""The case actions after the decision (filled in below)."""

from __future__ import annotations

from typing import Any

from disclosure_service.cases.actions import Handler
from disclosure_service.cases.workflow import Action

DISCLOSURE_HANDLERS: dict[Action, tuple[Handler, type[Any]]] = {}
