"""planregistry_client: the typed Python client of the planregistry HTTP API (v1).

>>> from planregistry_client import Client
>>> with Client("https://planregistry.example.se", token=TOKEN) as client:
...     revision = client.get_revision(12)            # a planregistry_domain.Revision
...     client.put_section(revision.id, "preface", {"heading": "Förord", "body": "…"})

`Client` (over `httpx.Client`) and `AsyncClient` (over `httpx.AsyncClient`) have the
same methods, named after the library's `Registry`; they take the library's command
structs (or plain mappings) and return its domain types. Errors are raised as the
library's exception types (see `planregistry_client.errors`). Install with
`pip install planregistry-client`: the domain types (`planregistry_domain`) and httpx,
neither the database nor the server stack.
"""

from planregistry_client._async import AsyncClient
from planregistry_client._core import (
    DEFAULT_RETRIES,
    DEFAULT_RETRY_BACKOFF,
    DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
    IDEMPOTENCY_KEY,
    ETagCache,
    RetryPolicy,
    __version__,
)
from planregistry_client._operations import ComparisonName, Export, ExportFormat, Health
from planregistry_client._sync import Client
from planregistry_client.errors import (
    ApiError,
    Conflict,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    PreconditionRequired,
    Problem,
    ReadOnly,
    ServerError,
    StaleVersion,
    Timeout,
    TransportError,
    Unauthorized,
    UnexpectedResponse,
    ValidationError,
)
from planregistry_domain.wire import API_VERSION, etag

__all__ = [
    "API_VERSION",
    "DEFAULT_RETRIES",
    "DEFAULT_RETRY_BACKOFF",
    "DEFAULT_TIMEOUT",
    "DEFAULT_USER_AGENT",
    "IDEMPOTENCY_KEY",
    "ApiError",
    "AsyncClient",
    "Client",
    "ComparisonName",
    "Conflict",
    "ETagCache",
    "Export",
    "ExportFormat",
    "Health",
    "IllegalTransition",
    "NotFound",
    "PermissionDenied",
    "PreconditionRequired",
    "Problem",
    "ReadOnly",
    "RetryPolicy",
    "ServerError",
    "StaleVersion",
    "Timeout",
    "TransportError",
    "Unauthorized",
    "UnexpectedResponse",
    "ValidationError",
    "__version__",
    "etag",
]
