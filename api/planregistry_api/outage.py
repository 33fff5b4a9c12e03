"""The database unreachable or overloaded: 503 problem details, not a 500 or a hang.

Every wait on the database is bounded (connect, statement and pool timeouts; SQLite's
busy timeout; `planregistry.settings.TIMEOUTS`), so an outage surfaces as one of these
SQLAlchemy errors within seconds. The answer says to retry; nothing has to be restarted
when the database returns: the pool tests each connection before use and replaces the
dead ones.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from planregistry_api.problems import HTTP_PROBLEMS, problem_response, server_error
from planregistry_api.web.pages import page
from planregistry_domain.wire import API_PREFIX

logger = logging.getLogger("planregistry_api")

RETRY_AFTER_SECONDS = 5


def database_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    reaching = not isinstance(exc, DBAPIError) or isinstance(exc, OperationalError)
    if not reaching and not getattr(exc, "connection_invalidated", False):
        # Not about reaching the database (a constraint, a bug): the ordinary 500.
        return server_error(request, exc)
    logger.warning(
        "Database unavailable on %s %s: %s",
        request.method,
        request.url.path,
        str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if not request.url.path.startswith(f"{API_PREFIX}/"):
        response = page(
            request,
            "errors/error.html",
            status_code=503,
            title="Tjänsten är inte tillgänglig",
            heading="Tjänsten är inte tillgänglig",
            text="Registret når inte sin databas just nu. Försök igen om en stund.",
        )
        response.headers.update(headers)
        return response
    slug, title = HTTP_PROBLEMS[503]
    detail = "Databasen kan inte nås just nu; försök igen om en stund."
    return problem_response(request, 503, slug, title, detail, headers=headers)


OUTAGE_HANDLERS: ExceptionHandlersMap = {
    OperationalError: database_unavailable,
    PoolTimeout: database_unavailable,
    DBAPIError: database_unavailable,
}
