"""planregistry: the registry of local action plans against violent extremism.

>>> from planregistry import Registry
>>> registry = Registry.open("sqlite:///planregistry.sqlite3")
>>> revision = registry.get_revision(1)

The domain types, commands and errors come from `planregistry_domain` (a distribution
of its own, which the client shares) and are re-exported here under the same names.
"""

from typing import TYPE_CHECKING

from planregistry_domain import *  # noqa: F403
from planregistry_domain import __all__ as _domain_names

if TYPE_CHECKING:
    from planregistry.registry import Registry
    from planregistry.usecases.base import request_context

__all__ = [*_domain_names, "Registry", "request_context"]


def __getattr__(name: str) -> object:
    # The Registry pulls in SQLAlchemy, Alembic and every use case; loaded on first use,
    # so that the domain types (the command's --help) import without it.
    if name == "Registry":
        from planregistry.registry import Registry

        return Registry
    if name == "request_context":
        from planregistry.usecases.base import request_context

        return request_context
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
