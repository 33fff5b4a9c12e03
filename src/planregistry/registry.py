"""`Registry`: the library's front door, one method per use case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from planregistry.settings import DATABASE_URL_ENV, DEFAULT_DATABASE_URL, database_url_from_env
from planregistry.storage.engine import create_registry_engine
from planregistry.storage.files import FileStore
from planregistry.usecases.activities import ActivityUseCases
from planregistry.usecases.actor_register import ActorRegisterUseCases
from planregistry.usecases.api_keys import ApiKeyUseCases
from planregistry.usecases.audit import AuditUseCases
from planregistry.usecases.backup import BackupUseCases
from planregistry.usecases.board import BoardStatusUseCases, BoardUseCases
from planregistry.usecases.catalogue import CatalogueUseCases
from planregistry.usecases.comparisons import ComparisonUseCases
from planregistry.usecases.content import ContentUseCases
from planregistry.usecases.decisions import DecisionUseCases
from planregistry.usecases.documents import DocumentUseCases
from planregistry.usecases.follow_ups import FollowUpUseCases
from planregistry.usecases.imports import ImportUseCases
from planregistry.usecases.kept_forms import KeptFormUseCases
from planregistry.usecases.online_backup import OnlineBackupUseCases
from planregistry.usecases.organizations import OrganizationUseCases
from planregistry.usecases.reviews import ReviewUseCases
from planregistry.usecases.web_sessions import WebSessionUseCases


class Registry(
    BoardStatusUseCases,
    BoardUseCases,
    ImportUseCases,
    CatalogueUseCases,
    OrganizationUseCases,
    ActorRegisterUseCases,
    ContentUseCases,
    ActivityUseCases,
    DecisionUseCases,
    FollowUpUseCases,
    ReviewUseCases,
    BackupUseCases,
    DocumentUseCases,
    OnlineBackupUseCases,
    ComparisonUseCases,
    ApiKeyUseCases,
    AuditUseCases,
    WebSessionUseCases,
    KeptFormUseCases,
):
    """The registry of local action plans, over one database.

    Open it with `Registry.open(url)` (or `PLANREGISTRY_DATABASE_URL`); the schema must
    have been created with `planregistry db upgrade`. Every method is one use case in
    one transaction; it raises `planregistry_domain.errors` exceptions and leaves the
    database unchanged when it does.

    Every method takes a keyword-only `actor=` (default `SYSTEM`, the library used
    directly: allowed everything) and goes through `planregistry_domain.policy` for the
    object it touches: what the actor may not see is `NotFound`, what it sees but may not
    do is `PermissionDenied`. What it returns is redacted for that actor
    (`planregistry_domain.redaction`), and every successful write appends one entry,
    by that actor, to the audit trail in the same transaction.
    """

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        files: FileStore | None = None,
        **engine_options: Any,
    ) -> Registry:
        """`files` keeps attached documents' bytes (default: the folder `settings` names)."""
        engine = create_registry_engine(url or database_url_from_env(), **engine_options)
        registry = cls(engine, clock=clock)
        if files is not None:
            registry.file_store = files
        return registry

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_DATABASE_URL",
    "Engine",
    "Registry",
    "database_url_from_env",
]
