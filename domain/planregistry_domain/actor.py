"""Who performs a use case: recorded on decisions and follow-ups, checked by the policy."""

from __future__ import annotations

from msgspec import Struct

from planregistry_domain.vocabulary import Role


class Actor(Struct, frozen=True, kw_only=True):
    subject: str
    name: str
    role: Role
    municipality: str | None = None
    organization: str | None = None

    @property
    def display(self) -> str:
        return self.name or self.subject


# The library used directly (CLI, scripts, other city systems with database access).
SYSTEM = Actor(subject="system", name="System", role=Role.SYSTEM)
