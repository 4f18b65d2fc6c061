"""Staff roles and what each may do; plain rules, no I/O."""

from __future__ import annotations

import enum
import re


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


# A username: lower case, 3 to 64 characters, starting with a letter or digit.
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
