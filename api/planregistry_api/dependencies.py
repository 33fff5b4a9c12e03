"""What handlers are given: the one Registry of the application."""

from __future__ import annotations

from typing import TypeAlias

from litestar.datastructures import State
from litestar.di import NamedDependency

from planregistry import Registry

REGISTRY_STATE_KEY = "registry"

# A handler parameter named `registry` of this type receives the application's Registry.
RegistryDep: TypeAlias = NamedDependency[Registry]


def provide_registry(state: State) -> Registry:
    registry: Registry = state[REGISTRY_STATE_KEY]
    return registry
