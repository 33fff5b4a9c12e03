"""planregistry: the registry of local action plans against violent extremism.

>>> from planregistry import Registry
>>> registry = Registry.open("sqlite:///planregistry.sqlite3")
>>> revision = registry.get_revision(1)

The domain types, commands and errors come from `planregistry_domain` (a distribution
of its own, which the client shares) and are re-exported here under the same names.
"""

from planregistry.registry import Registry
from planregistry.usecases.base import request_context
from planregistry_domain import *  # noqa: F403
from planregistry_domain import __all__ as _domain_names

__all__ = [*_domain_names, "Registry", "request_context"]
