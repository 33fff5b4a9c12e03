"""Over-long URLs and oversized headers: problem details from the app up to granian's limits.

The app refuses a URL over `MAX_URL_BYTES` (414) and headers over `MAX_HEADER_BYTES`
(431) as problem details with a request id. Far larger requests never reach it: granian
answers them itself, with the same statuses but no body and no request id (the limits
the README documents). Against a real `planregistry serve`, on SQLite.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import httpx
import pytest

from planregistry_api.request_checks import MAX_HEADER_BYTES, MAX_URL_BYTES
from tests.api.support import PROBLEM_BASE, V1
from tests.live_server import serving

# granian's HTTP/1 request head buffer (`--http1-buffer-size`) and header count (hyper's).
GRANIAN_HEAD_BYTES = 417_792
GRANIAN_MAX_HEADERS = 100


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("limits")
    with serving(f"sqlite:///{directory / 'limits.sqlite3'}", log=directory / "serve.log") as url:
        yield url


def _problem(response: httpx.Response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == PROBLEM_BASE + slug
    assert response.headers["x-request-id"]


def test_the_app_answers_an_over_long_url_as_a_problem(server: str) -> None:
    query = "x" * (MAX_URL_BYTES + 1)
    _problem(httpx.get(f"{server}{V1}/health?q={query}"), 414, "uri-too-long")
    assert httpx.get(f"{server}{V1}/health?q={'x' * 4000}").status_code == 200


def test_the_app_answers_oversized_headers_as_a_problem(server: str) -> None:
    headers = {f"X-Extra-{i}": "v" * 1000 for i in range(MAX_HEADER_BYTES // 1000 + 1)}
    _problem(httpx.get(f"{server}{V1}/health", headers=headers), 431, "header-fields-too-large")


def test_granian_answers_past_its_own_limits_without_a_body(server: str) -> None:
    # Raw HTTP/1.1: httpx refuses to send a URL this long.
    too_long = _raw(server, f"GET {V1}/health?q={'x' * GRANIAN_HEAD_BYTES} HTTP/1.1\r\n")
    assert too_long.startswith(b"HTTP/1.1 414 ") and too_long.endswith(b"\r\n\r\n")
    many = "".join(f"X-Extra-{i}: v\r\n" for i in range(GRANIAN_MAX_HEADERS + 1))
    too_many = _raw(server, f"GET {V1}/health HTTP/1.1\r\n{many}")
    assert too_many.startswith(b"HTTP/1.1 431 ") and too_many.endswith(b"\r\n\r\n")
    assert b"x-request-id" not in too_many.lower()


def _raw(server: str, head: str) -> bytes:
    """The whole answer to a request head (plus Host and Connection: close)."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        # granian may answer and close before the whole head is sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(f"{head}Host: {host}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer
