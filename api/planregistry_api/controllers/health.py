"""GET /health: the service answers and its database can be read."""

from __future__ import annotations

import logging

from litestar import Controller, get
from litestar.exceptions import ServiceUnavailableException
from msgspec import Struct
from sqlalchemy.exc import SQLAlchemyError

from planregistry import __version__
from planregistry_api import problems
from planregistry_api.access import PUBLIC
from planregistry_api.dependencies import RegistryDep

logger = logging.getLogger("planregistry_api")


class Health(Struct, kw_only=True):
    status: str
    version: str
    database: str


class HealthController(Controller):
    path = "/health"
    tags = ("health",)

    @get(
        "/",
        operation_id="getHealth",
        opt=PUBLIC,
        summary="Service health",
        description="200 when the API runs and can read its database; 503 otherwise. "
        "Needs no credentials and tells nothing about the registry's contents.",
        sync_to_thread=True,
        responses=problems.responses(503),
    )
    def health(self, registry: RegistryDep) -> Health:
        try:
            registry.list_programmes(limit=1)
        except SQLAlchemyError as exc:
            logger.warning("Health check: database unavailable: %s", exc)
            raise ServiceUnavailableException("Databasen kan inte nås.") from None
        return Health(status="ok", version=__version__, database="ok")
