"""Who is making a request, as far as their session has proved."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from disclosure_service.identity.roles import Role

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# A fresh code is remembered this long before a sensitive action needs another.
STEP_UP_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Where a request came from. Never passwords, codes or tokens."""

    ip: str = ""
    user_agent: str = ""
    request_id: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    force_id: int | None
    username: str


SYSTEM = Actor(user_id=None, force_id=None, username="system")


class SessionStage(enum.StrEnum):
    """What the holder of a session has proved so far."""

    enrolment = "enrolment"  # opened a valid enrolment link and chose a password
    password = "password"  # noqa: S105  # knows the password; still needs a code
    mfa = "mfa"  # password and a code: signed in


@dataclass(frozen=True, slots=True)
class Principal:
    session_id: int
    user_id: int
    force_id: int
    username: str
    display_name: str
    role: Role
    stage: SessionStage
    mfa_at: datetime | None
    step_up_at: datetime | None
    # The user's own force, from the `force` table: what their pages are headed with.
    force_name: str = ""

    @property
    def signed_in(self) -> bool:
        return self.stage is SessionStage.mfa

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, force_id=self.force_id, username=self.username)

    def stepped_up(self, now: datetime) -> bool:
        """True if a code was entered within the step-up window (signing in counts)."""
        latest = max((t for t in (self.mfa_at, self.step_up_at) if t is not None), default=None)
        return latest is not None and now - latest <= STEP_UP_WINDOW


def session_expired(created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at > IDLE_TIMEOUT or now - created_at > ABSOLUTE_TIMEOUT
