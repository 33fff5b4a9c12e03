"""planregistry's HTTP API (v1): a Litestar application over `planregistry.Registry`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planregistry_api.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> object:
    # The application pulls in Litestar and the whole library; loaded on first use, so
    # that a submodule (token_keys for `planregistry token`) imports without them.
    if name == "create_app":
        from planregistry_api.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
