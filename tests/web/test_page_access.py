"""The pages' access rules over HTTP, without a browser: sessions, CSRF, 403 and 404.

The decisions themselves are the library's (tests/test_access.py and the API's
matrix); these prove the pages pass the signed-in person on and answer as pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from markupsafe import escape

from planregistry import Registry
from planregistry_api import create_app
from tests.api.support import KEYS
from tests.documents_support import PDF_BYTES
from tests.web.browser import person

PAGES = [
    "/",
    "/organisationer",
    "/organisationer/bromma",
    "/revisioner/1",
    "/logg",
    "/aktorer",
    "/jamforelser/tackning",
    "/jamforelser/tackning/csv",
]


@pytest.fixture
def app(demo_registry: Registry) -> Litestar:
    return create_app(demo_registry, keys=KEYS)


@pytest.fixture
def web(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app, base_url="https://testserver.local") as client:
        yield client


def sign_in(
    client: TestClient[Litestar], registry: Registry, role: str, org: str | None = None
) -> str:
    """Sign in by link; returns the session's CSRF token, as every form carries it."""
    secret = registry.issue_sign_in_link(person(role, org))
    answer = client.post(f"/inloggning/lank/{secret}", follow_redirects=False)
    assert answer.status_code == 303
    page = client.get("/organisationer").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_without_a_session_every_page_sends_the_person_to_sign_in(web, path: str) -> None:
    answer = web.get(path, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/inloggning?nasta=")


def test_the_session_cookie_is_http_only_lax_and_secure_over_tls(web, demo_registry) -> None:
    secret = demo_registry.issue_sign_in_link(person("central"))
    answer = web.post(f"/inloggning/lank/{secret}", follow_redirects=False)
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie


def test_pages_are_sent_with_a_strict_policy_and_never_cached(web, demo_registry) -> None:
    sign_in(web, demo_registry, "central")
    answer = web.get("/")
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"].startswith("text/html")


def test_pages_hold_no_inline_script_or_style(web, demo_registry) -> None:
    """What the strict policy would block anyway: data blocks only, assets by URL."""
    sign_in(web, demo_registry, "central")
    for path in [
        "/",
        "/organisationer/hasselby-vallingby",
        "/revisioner/1",
        "/jamforelser/partner",
    ]:
        text = web.get(path).text
        assert " style=" not in text and "<style" not in text
        scripts = re.findall(r"<script([^>]*)>", text)
        assert all("src=" in a or 'type="application/json"' in a for a in scripts), scripts
        assert not re.search(r" on[a-z]+=", text)


def test_a_session_is_not_a_credential_for_the_api(web, demo_registry) -> None:
    sign_in(web, demo_registry, "central")
    assert web.get("/api/v1/organizations").status_code == 401


def test_what_the_library_hides_is_a_404_page(web, demo_registry) -> None:
    demo_registry.create_municipality({"id": "goteborg", "name": "Göteborgs stad"})
    demo_registry.create_organization(
        {
            "id": "angered",
            "name": "Angereds stadsdelsförvaltning",
            "kind": "district",
            "committee": "Angereds stadsdelsnämnd",
            "municipality": "goteborg",
        }
    )
    plan = demo_registry.create_plan("angered", {"programme_id": "vbe"})
    revision = demo_registry.create_revision(plan.id, {"label": "Plan 2026", "cycle_year": 2026})
    sign_in(web, demo_registry, "central")
    for path in ["/organisationer/angered", f"/revisioner/{revision.id}"]:
        answer = web.get(path)
        assert answer.status_code == 404
        assert "Sidan finns inte" in answer.text
    assert "Angered" not in web.get("/").text


def test_what_the_library_refuses_is_a_403_page_and_changes_nothing(web, demo_registry) -> None:
    token = sign_in(web, demo_registry, "reader")
    assert web.get("/logg").status_code == 403
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    revision_id = plan.revisions[0].id
    answer = web.post(
        f"/revisioner/{revision_id}/granskning",
        data={"csrf_token": token, "aterkoppling": "Bra."},
    )
    assert answer.status_code == 403
    assert "Du får inte göra detta" in answer.text
    assert list(demo_registry.list_reviews(revision_id)) == []


def test_a_form_without_the_sessions_token_is_refused(web, demo_registry) -> None:
    sign_in(web, demo_registry, "central")
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    revision_id = plan.revisions[0].id
    for data in ({"aterkoppling": "Bra."}, {"aterkoppling": "Bra.", "csrf_token": "fel"}):
        answer = web.post(f"/revisioner/{revision_id}/granskning", data=data)
        assert answer.status_code == 403
        assert "Formuläret kunde inte skickas" in answer.text
    assert list(demo_registry.list_reviews(revision_id)) == []


def test_signing_out_revokes_the_cookie_everywhere(web, app, demo_registry) -> None:
    token = sign_in(web, demo_registry, "central")
    cookie = web.cookies["planregistry_session"]
    answer = web.post("/utloggning", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    with TestClient(app, base_url="https://testserver.local") as other:
        other.cookies.set("planregistry_session", cookie)
        assert other.get("/", follow_redirects=False).status_code == 303


def test_a_decision_from_the_page_is_the_librarys_decision(web, demo_registry) -> None:
    token = sign_in(web, demo_registry, "central")
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    revision = demo_registry.get_revision(plan.revisions[0].id)
    today = demo_registry.today().isoformat()
    demo_registry.record_decision(
        revision.id, {"body": "committee", "outcome": "approved", "decided_on": today}
    )
    form = {
        "csrf_token": token,
        "version": str(revision.version),  # read before the committee's decision: stale
        "utfall": "approved",
        "beslutsdatum": today,
    }
    answer = web.post(f"/revisioner/{revision.id}/beslut", data=form)
    assert answer.status_code == 409
    assert "Versionen har ändrats sedan du öppnade sidan" in answer.text
    form["version"] = str(demo_registry.get_revision(revision.id).version)
    answer = web.post(f"/revisioner/{revision.id}/beslut", data=form, follow_redirects=False)
    assert answer.status_code == 303
    after = demo_registry.get_revision(revision.id)
    assert after.status.value == "approved"
    assert after.decisions[-1].decided_on == dt.date.fromisoformat(today)
    assert after.decisions[-1].recorded_by == "Central samordnare"


def test_the_changes_page_says_in_swedish_what_a_new_revision_changed(web, demo_registry) -> None:
    sign_in(web, demo_registry, "central")
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    first = plan.revisions[0].id
    today = demo_registry.today().isoformat()
    for body in ("committee", "city_executive_board"):
        demo_registry.record_decision(
            first, {"body": body, "outcome": "approved", "decided_on": today}
        )
    second = demo_registry.create_revision(
        plan.id, {"label": "Vers. 2, reviderad 2027", "cycle_year": 2027}
    )
    demo_registry.put_section(
        second.id, "collaboration", {"heading": "Samverkan", "body": "Ny text om samverkan."}
    )
    expected = demo_registry.diff_revisions(first, second.id).changelog
    assert expected
    answer = web.get(f"/revisioner/{second.id}/andringar", params={"mot": first})
    assert answer.status_code == 200
    assert "Ändringar i version 2 jämfört med version 1" in answer.text
    for line in expected:
        assert str(escape(line)) in answer.text


def test_a_document_downloads_from_its_revisions_page_and_is_hidden_elsewhere(
    web, demo_registry
) -> None:
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    revision_id = plan.revisions[0].id
    document = demo_registry.attach_document(
        revision_id, PDF_BYTES, {"filename": "Handlingsplan Hässelby-Vällingby.pdf"}
    )
    path = f"/revisioner/{revision_id}/dokument/{document.id}"
    sign_in(web, demo_registry, "coordinator", "bromma")
    answer = web.get(path)
    assert answer.status_code == 404 and "Sidan finns inte" in answer.text
    sign_in(web, demo_registry, "reader")
    page = web.get(f"/revisioner/{revision_id}").text
    assert f'href="{path}"' in page
    answer = web.get(path)
    assert (answer.status_code, answer.content) == (200, PDF_BYTES)
    assert (
        "filename*=UTF-8''Handlingsplan%20H%C3%A4sselby-V%C3%A4llingby.pdf"
        in (answer.headers["content-disposition"])
    )
    assert web.get(f"/revisioner/{revision_id + 1}/dokument/{document.id}").status_code == 404


def test_only_the_central_role_changes_the_register_from_the_page(web, demo_registry) -> None:
    before = demo_registry.list_plan_actors("stockholm")
    token = sign_in(web, demo_registry, "coordinator", "hasselby-vallingby")
    assert web.get("/aktorer").status_code == 200
    answer = web.post(
        "/aktorer/ny", data={"csrf_token": token, "namn": "Fryshuset", "typ": "civil_society"}
    )
    assert answer.status_code == 403
    answer = web.post("/aktorer/ny", data={"namn": "Fryshuset", "typ": "civil_society"})
    assert answer.status_code == 403
    assert demo_registry.list_plan_actors("stockholm") == before
    token = sign_in(web, demo_registry, "central")
    answer = web.post(
        "/aktorer/ny",
        data={"csrf_token": token, "namn": "Fryshuset", "typ": "civil_society"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert "Fryshuset" in {a.name for a in demo_registry.list_plan_actors("stockholm")}


def test_an_organisation_page_says_when_it_ended_and_who_took_over(web, demo_registry) -> None:
    demo_registry.create_organization(
        {
            "id": "hagersten-alvsjo",
            "name": "Hägersten-Älvsjö stadsdelsförvaltning",
            "kind": "district",
            "committee": "Hägersten-Älvsjö stadsdelsnämnd",
            "municipality": "stockholm",
            "valid_from": "2020-01-01",
        }
    )
    demo_registry.update_organization(
        "alvsjo", {"valid_to": "2019-12-31", "successor": "hagersten-alvsjo"}
    )
    sign_in(web, demo_registry, "reader")
    text = web.get("/organisationer/alvsjo").text
    assert "Efterträdd av" in text and "Hägersten-Älvsjö stadsdelsförvaltning" in text
    assert 'href="/organisationer/hagersten-alvsjo"' in text
