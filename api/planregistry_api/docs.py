"""The API's documentation: the OpenAPI document and Swagger UI, served by the app itself.

Swagger UI's files are vendored (`static/swagger-ui`, from the npm package
`swagger-ui-dist`, pinned, with its licence), so the page works on a network without
internet access. The page loads them and its start-up script (`static/docs.js`) from the
app, so its Content-Security-Policy allows scripts and styles from 'self' only. Any other
path under the documentation answers a problem+json 404, like every other unknown path.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from litestar import Request, Response, Router, get
from litestar.connection import ASGIConnection
from litestar.enums import MediaType
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.params import FromPath

ASSETS_PATH = "/assets"
# The files the page may load, and their media types; nothing else is served.
_ASSETS = {
    "swagger-ui-bundle.js": ("swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": ("swagger-ui/swagger-ui.css", "text/css"),
    "favicon-32x32.png": ("swagger-ui/favicon-32x32.png", "image/png"),
    "docs.js": ("docs.js", "text/javascript"),
    "LICENSE": ("swagger-ui/LICENSE", "text/plain; charset=utf-8"),
    "NOTICE": ("swagger-ui/NOTICE", "text/plain; charset=utf-8"),
    "swagger-ui-bundle.js.LICENSE.txt": (
        "swagger-ui/swagger-ui-bundle.js.LICENSE.txt",
        "text/plain; charset=utf-8",
    ),
}
# The files change only with a release of the app; a day of caching saves 1.7 MB a visit.
_ASSET_CACHE = "public, max-age=86400"

_PAGE = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>planregistry API – dokumentation</title>
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{document}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/docs.js"></script>
</body>
</html>
"""


@cache
def _asset(name: str) -> bytes:
    return files("planregistry_api").joinpath("static", *_ASSETS[name][0].split("/")).read_bytes()


@get(f"{ASSETS_PATH}/{{name:str}}", sync_to_thread=False, include_in_schema=False)
def docs_asset(name: FromPath[str]) -> Response[bytes]:
    if name not in _ASSETS:
        raise NotFoundException()
    return Response(
        _asset(name), media_type=_ASSETS[name][1], headers={"Cache-Control": _ASSET_CACHE}
    )


class SwaggerPage(OpenAPIRenderPlugin):
    """Swagger UI at the documentation's root (and `/swagger`), from the app's own files."""

    def __init__(self, base: str) -> None:
        super().__init__(path=["/", "/swagger"], media_type=MediaType.HTML)
        self.base = base  # where the documentation router is mounted

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        document = self.get_openapi_json_route(request)
        return _PAGE.format(assets=f"{self.base}{ASSETS_PATH}", document=document).encode()

    def receive_router(self, router: Router) -> None:
        router.register(docs_asset)


def only_known_documentation(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Litestar answers an unknown path under the documentation with an HTML page of its
    own (the one handler with a catch-all `{path:str}`); answer it as every other unknown
    path, problem+json 404."""
    if any("{path:str}" in path for path in handler.paths):
        raise NotFoundException()
