"""The schemes the service runs, registered in one place.

Adding a scheme is adding its definition here (`schemes/<name>/`): the engine, its pages and its
API take whatever is registered. A force runs the schemes it has enabled.
"""

from __future__ import annotations

from collections.abc import Mapping

from disclosure_service.cases.spec import ActionSpec, SchemeDefinition
from disclosure_service.cases.vocabulary import Scheme
from disclosure_service.cases.workflow import Action
from disclosure_service.schemes.csods import CSODS
from disclosure_service.schemes.dvds import DVDS

SCHEMES: Mapping[Scheme, SchemeDefinition] = {definition.scheme: definition for definition in (CSODS, DVDS)}


def all_actions() -> dict[Action, ActionSpec]:
    """Every action of every scheme, once: an action shared by two schemes takes the same payload
    (it is one API endpoint), which `tests/unit/test_schemes.py` holds them to."""
    found: dict[Action, ActionSpec] = {}
    for definition in SCHEMES.values():
        for spec in definition.actions:
            found.setdefault(spec.action, spec)
    return found
