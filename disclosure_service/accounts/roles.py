"""Staff roles and what each may do; plain rules, no I/O."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """A user's role within their force."""

    officer = "officer"
    supervisor = "supervisor"
    admin = "admin"
    auditor = "auditor"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def works_cases(self) -> bool:
        """Officers and supervisors read and change case records; admins and auditors never do."""
        return self in (Role.officer, Role.supervisor)


class UserStatus(enum.StrEnum):
    """Where an account is in its life: waiting for enrolment, usable, or switched off."""

    pending = "pending"
    active = "active"
    disabled = "disabled"
