"""What every page form shares: the signed-in person, a field's text or number, and an
error to show in the summary and beside its field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request

from planregistry_api.web.session import session_of
from planregistry_domain.actor import Actor


@dataclass
class FormError:
    """A message for the error summary and, when `field` is set, beside that field."""

    field: str | None
    message: str


def actor_of(request: Request[Any, Any, Any]) -> Actor:
    session = session_of(request)
    assert session is not None  # the route's guard let only signed-in people through
    return session.actor


def text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def number(form: Any, name: str) -> int | None:
    try:
        return int(text(form, name))
    except ValueError:
        return None
