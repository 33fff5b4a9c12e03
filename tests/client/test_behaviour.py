"""The client's own behaviour: settings, paging, failures without an answer, odd answers."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator

import httpx
import pytest

import planregistry
from planregistry_client import (
    API_VERSION,
    ApiError,
    Client,
    ServerError,
    Timeout,
    TransportError,
    UnexpectedResponse,
    __version__,
)
from planregistry_domain.paging import Page
from tests.client.support import Server


def test_iterators_walk_every_page(server: Server) -> None:
    with server.client("reader") as client:
        everything = client.list_organizations(limit=500)
        assert everything.next_cursor is None and len(everything) >= 19
        first = client.list_organizations(limit=4)
        assert isinstance(first, Page) and len(first) == 4 and first.next_cursor
        second = client.list_organizations(limit=4, cursor=first.next_cursor)
        assert [o.id for o in [*first, *second]] == [o.id for o in everything.items[:8]]
        walked = [o.id for o in client.iter_organizations(page_size=4)]
        assert walked == [o.id for o in everything]
        districts = list(client.iter_organizations(kind="district", page_size=5))
        assert {o.kind for o in districts} == {"district"} and len(districts) >= 14
        # Organisations read in a list can be changed without reading each again.
        assert f"/api/v1/organizations/{everything.items[0].id}" in client.etags
        assert [p.id for p in client.iter_programmes(page_size=1)] == ["vbe"]
        assert client.get_programme("vbe").id == "vbe"


def test_modified_since_is_sent_with_its_offset(server: Server) -> None:
    with server.client("reader") as client:
        future = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        assert list(client.iter_organizations(modified_since=future)) == []
        past = dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        assert len(client.list_organizations(modified_since=past, limit=500)) >= 19
        with pytest.raises(planregistry.ValidationError):  # no zone: ambiguous, refused
            client.list_organizations(modified_since=dt.datetime(2000, 1, 1))


def test_one_place_for_base_url_timeout_and_user_agent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "ok", "version": "0.1.0", "database": "ok"})

    transport = httpx.MockTransport(handler)
    with Client(
        "https://intra.example.se/planregistry/api/v1/",
        api_key="prk_abc",
        timeout=3.5,
        user_agent="stadsdelsverktyget/2.1",
        transport=transport,
    ) as client:
        assert client.base_url == httpx.URL("https://intra.example.se/planregistry")
        client.health()
    (request,) = seen
    assert str(request.url) == "https://intra.example.se/planregistry/api/v1/health"
    assert request.headers["user-agent"].startswith(
        f"stadsdelsverktyget/2.1 planregistry-client/{__version__} (api {API_VERSION};"
    )
    assert request.headers["x-api-key"] == "prk_abc"
    assert "authorization" not in request.headers
    assert request.extensions["timeout"]["read"] == 3.5
    with Client("http://localhost:8000", transport=transport) as default:
        default.health()
    assert seen[-1].headers["user-agent"].startswith(f"planregistry-client/{__version__} ")
    with pytest.raises(ValueError, match="http"):
        Client("localhost:8000")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def test_a_timeout_says_where_and_whether_a_write_may_have_applied(silent_port: int) -> None:
    base = f"http://127.0.0.1:{silent_port}"
    with Client(base, token="t", timeout=0.3) as client, pytest.raises(Timeout) as read:
        client.get_revision(12)
        assert isinstance(read.value, TransportError)
        assert isinstance(read.value.__cause__, httpx.TimeoutException)
        message = str(read.value)
        assert base in message and "GET /api/v1/revisions/12" in message and "0.3 s" in message
        assert "may or may not" not in message
        with pytest.raises(Timeout) as write:
            client.add_review(12, {"feedback": "Bra."})
        assert "may or may not have been applied" in str(write.value)


def test_an_unreachable_server_is_a_transport_error() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens here
    with (
        Client(f"http://127.0.0.1:{port}", timeout=2) as client,
        pytest.raises(TransportError) as raised,
    ):
        client.list_plans("bromma")
    assert not isinstance(raised.value, Timeout)
    message = str(raised.value)
    assert f"http://127.0.0.1:{port}" in message and "GET /api/v1/organizations/bromma/plans" in (
        message
    )
    assert isinstance(raised.value, planregistry.PlanRegistryError)


def _answering(response: httpx.Response) -> httpx.MockTransport:
    return httpx.MockTransport(lambda _request: response)


def test_answers_that_are_not_problem_details_still_raise_clearly() -> None:
    gateway = httpx.Response(502, text="Bad Gateway", headers={"content-type": "text/plain"})
    with (
        Client("http://x", transport=_answering(gateway)) as client,
        pytest.raises(ServerError) as raised,
    ):
        client.get_plan(1)
    assert raised.value.status == 502 and raised.value.detail == "Bad Gateway"
    teapot = httpx.Response(418, content=b"\x00\x01")
    with Client("http://x", transport=_answering(teapot)) as client, pytest.raises(ApiError) as odd:
        client.get_plan(1)
    assert type(odd.value) is ApiError and odd.value.status == 418
    wrong_shape = httpx.Response(200, json={"id": "not a plan"})
    with (
        Client("http://x", transport=_answering(wrong_shape)) as client,
        pytest.raises(UnexpectedResponse) as unexpected,
    ):
        client.get_plan(1)
    assert "GET http://x/api/v1/plans/1" in str(unexpected.value)


def test_a_cursor_served_twice_stops_the_iteration() -> None:
    page = {"items": [], "next_cursor": "same", "links": {"next": None}}
    with (
        Client("http://x", transport=_answering(httpx.Response(200, json=page))) as client,
        pytest.raises(UnexpectedResponse, match="twice"),
    ):
        list(client.iter_programmes())


def test_path_values_cannot_escape_their_segment() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"type": "about:blank", "status": 404, "detail": "Nej"})

    with (
        Client("http://x", transport=httpx.MockTransport(handler)) as client,
        pytest.raises(planregistry.NotFound),
    ):
        client.get_organization("../api-keys")
    assert seen[0].url.raw_path == b"/api/v1/organizations/..%2Fapi-keys"
