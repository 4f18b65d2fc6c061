"""How a case action can be refused, in words for the person who tried."""

from __future__ import annotations


class CaseNotFoundError(Exception):
    """No such case in the user's force: another force's case is answered exactly the same way."""


class CaseConflictError(Exception):
    """Someone else changed the case since the user loaded it; nothing was saved."""

    message = (
        "Someone else changed this case while you were working on it, so nothing was saved. Look at the "
        "case as it is now, then make your change again."
    )


class ActionRefusedError(Exception):
    """The state machine (or a rule of the action) says no; `reasons` say why, for the user."""

    def __init__(self, reasons: tuple[str, ...], field: str | None = None, *, forbidden: bool = False) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.field = field
        # Refused because of who is asking: the API answers 403 rather than 422.
        self.forbidden = forbidden

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        """(field, message) pairs: a form shows each message by its field."""
        return tuple((self.field or "form", reason) for reason in self.reasons)


class InvalidInputError(ActionRefusedError):
    """What was entered cannot be right whatever the case's state (a date in the future, a child born
    after the application): the API answers 400, and a form shows every problem by its field at once."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(tuple(message for _, message in problems), problems[0][0] if problems else None)
        self._problems = tuple(problems)

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        return self._problems


class Problems:
    """Collects every problem with an action's input, so the user sees them all at once."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def check(self, field: str, problem: str | None) -> None:
        if problem is not None:
            self.found.append((field, problem))

    def raise_any(self) -> None:
        if self.found:
            raise InvalidInputError(self.found)


def refuse(message: str, field: str) -> ActionRefusedError:
    return ActionRefusedError((message,), field)


def invalid(field: str, message: str) -> InvalidInputError:
    return InvalidInputError([(field, message)])
