"""The library's exception tree; the API maps each class to one problem type."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct


class FieldError(Struct, frozen=True, kw_only=True):
    """One invalid input field: its JSON path (e.g. `$.activities[2].level`) and why."""

    path: str
    message: str


class PlanRegistryError(Exception):
    """Base of every error the library raises on purpose."""

    type_slug = "error"
    title = "Fel"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(PlanRegistryError):
    type_slug = "not-found"
    title = "Hittades inte"

    def __init__(self, entity: str, key: object) -> None:
        super().__init__(f"{entity} {key!r} finns inte.")
        self.entity = entity
        self.key = key


class ValidationError(PlanRegistryError):
    type_slug = "validation"
    title = "Ogiltiga uppgifter"

    def __init__(self, detail: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(detail)
        self.errors = tuple(errors)


class Conflict(PlanRegistryError):
    """The request contradicts what is stored (a duplicate id, a second open draft…)."""

    type_slug = "conflict"
    title = "Konflikt"


class StaleVersion(Conflict):
    """The caller's version (ETag) is not the stored one: someone else changed it first."""

    type_slug = "stale-version"
    title = "Versionen är inaktuell"

    def __init__(self, entity: str, key: object, expected: int, current: int) -> None:
        super().__init__(
            f"{entity} {key!r} har ändrats sedan den lästes (version {expected}, nu {current})."
        )
        self.entity = entity
        self.key = key
        self.expected = expected
        self.current = current


class IllegalTransition(PlanRegistryError):
    """A lifecycle step the revision's current state does not allow."""

    type_slug = "illegal-transition"
    title = "Otillåten statusändring"

    def __init__(self, detail: str, current: str, allowed: Sequence[str] = ()) -> None:
        super().__init__(detail)
        self.current = current
        self.allowed = tuple(allowed)


class ReadOnly(IllegalTransition):
    """Content of a revision that is not a draft cannot change."""

    type_slug = "read-only"
    title = "Revisionen är låst"


class PermissionDenied(PlanRegistryError):
    type_slug = "forbidden"
    title = "Åtkomst nekad"


class ConfigurationError(PlanRegistryError):
    """A setting (environment variable or option) is unusable, or the database not ready.

    `setting` names it (`PLANREGISTRY_DATABASE_URL`, `PLANREGISTRY_JWT_SECRET`…) and the
    detail says, in one line, what is wrong and what to do (`setting` is None when the
    problem's own words name the setting).
    """

    type_slug = "configuration"
    title = "Felaktig konfiguration"

    def __init__(self, setting: str | None, problem: str) -> None:
        super().__init__(f"{setting}: {problem}" if setting else problem)
        self.setting = setting
        self.problem = problem
