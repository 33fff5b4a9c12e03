"""What every page shares: the template engine, the page context and the error pages."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.params import PathParameter, QueryParameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template import TemplateConfig

from planregistry_api.parameters import MAX_ID
from planregistry_api.web.session import CSRF_FIELD, CsrfRefused, session_of
from planregistry_domain.actor import Actor
from planregistry_domain.errors import NotFound, PermissionDenied
from planregistry_domain.vocabulary import Role

logger = logging.getLogger("planregistry_api.web")

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATIC_PATH = "/statiskt"
SIGN_IN_PATH = "/inloggning"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

# A query parameter of a page: text within reason, absent when empty.
Query = Annotated[str | None, QueryParameter(max_length=500)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
LinkSecret = Annotated[str, PathParameter(min_length=1, max_length=200)]

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def date_sv(value: dt.date | dt.datetime | None) -> str:
    """2017-05-18 as "18 maj 2017"; a time as local Stockholm time."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        local = value.astimezone(STOCKHOLM)
        return f"{local.day} {MONTHS[local.month - 1]} {local.year} kl. {local:%H:%M}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.0f} %".replace(".", ",")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date_sv"] = date_sv
    env.filters["percent"] = percent
    env.filters["urlquote"] = lambda v: quote(str(v), safe="")
    env.globals["STATIC"] = STATIC_PATH
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(_environment()))


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A page: the template with who is signed in, the session's CSRF token and the nav."""
    session = session_of(request)
    actor = session.actor if session else None
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "actor": actor,
            "csrf_token": session.csrf_token if session else "",
            "nav": navigation(actor),
            "path": request.url.path,
            "title": context.pop("title", "Handlingsplaner"),
            **context,
        },
    )


def navigation(actor: Actor | None) -> list[tuple[str, str]]:
    if actor is None:
        return []
    if actor.role is Role.COORDINATOR:
        return [("/", "Min organisation"), ("/jamforelser", "Jämförelser")]
    links = [("/", "Översikt"), ("/jamforelser", "Jämförelser")]
    if actor.role is Role.CENTRAL:
        links.append(("/aktorer", "Aktörer"))
        links.append(("/logg", "Logg"))
    return links


# --- Error pages ---------------------------------------------------------------------


def _error_page(
    request: Request[Any, Any, Any], status: int, heading: str, text: str
) -> Response[Any]:
    return page(
        request, "errors/error.html", status_code=status, title=heading, heading=heading, text=text
    )


def not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _error_page(
        request,
        404,
        "Sidan finns inte",
        "Det du sökte finns inte, eller så har du inte behörighet att se det. "
        "Kontrollera adressen eller gå tillbaka till startsidan.",
    )


def forbidden(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _error_page(
        request,
        403,
        "Du får inte göra detta",
        "Din roll ger inte behörighet till det du försökte göra. "
        "Kontakta den centrala samordnaren om du behöver behörighet.",
    )


def csrf_refused(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _error_page(
        request,
        403,
        "Formuläret kunde inte skickas",
        "Formuläret hörde inte till din inloggning (den kan ha gått ut). "
        "Ladda om sidan, logga in igen om det behövs, och försök sedan på nytt.",
    )


def sign_in_first(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return Redirect(f"{SIGN_IN_PATH}?nasta={quote(target, safe='')}", status_code=303)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == 404:
        return not_found(request, exc)
    if exc.status_code == 405:
        return _error_page(request, 405, "Det går inte att göra så här", "Metoden stöds inte.")
    if exc.status_code < 500:
        return _error_page(
            request,
            400,
            "Begäran kunde inte tolkas",
            "Adressen eller formuläret innehöll något som inte gick att tolka. "
            "Gå tillbaka och försök igen.",
        )
    return server_error(request, exc)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    logger.exception("Fel på sidan %s", request.url.path, exc_info=exc)
    return _error_page(
        request,
        500,
        "Något gick fel",
        "Ett oväntat fel inträffade hos oss. Försök igen om en stund.",
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    NotFound: not_found,
    PermissionDenied: forbidden,
    CsrfRefused: csrf_refused,
    NotAuthorizedException: sign_in_first,
    HTTPException: http_error,
    Exception: server_error,
}
