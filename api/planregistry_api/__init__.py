"""planregistry's HTTP API (v1): a Litestar application over `planregistry.Registry`."""

from planregistry_api.app import create_app

__all__ = ["create_app"]
