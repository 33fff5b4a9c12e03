"""The coordinator's workspace and draft editor over HTTP, without a browser: who gets
in, what a save does, and what a stale save keeps. (The browser tests drive the same
pages in Chromium, with axe-core.)"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from planregistry import Registry
from planregistry_api import create_app
from planregistry_domain.sessions import SESSION_IDLE
from tests.api.support import KEYS
from tests.conftest import Clock
from tests.web.test_page_access import sign_in


@pytest.fixture
def web(demo_registry: Registry) -> Iterator[TestClient[Litestar]]:
    app = create_app(demo_registry, keys=KEYS)
    with TestClient(app, base_url="https://testserver.local") as client:
        yield client


def _draft(registry: Registry) -> int:
    (plan,) = registry.list_plans("hasselby-vallingby")
    return plan.revisions[-1].id


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1).replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")


def test_a_coordinators_home_is_its_workspace(web, demo_registry: Registry) -> None:
    sign_in(web, demo_registry, "coordinator", "hasselby-vallingby")
    answer = web.get("/", follow_redirects=False)
    assert answer.headers["location"] == "/organisationer/hasselby-vallingby/arbetsyta"
    home = web.get("/organisationer/hasselby-vallingby/arbetsyta")
    assert home.status_code == 200
    assert "Redigera utkastet" in home.text
    assert f"/revisioner/{_draft(demo_registry)}/namndbeslut" in home.text


def test_another_organisations_workspace_and_editor_are_not_found(
    web, demo_registry: Registry
) -> None:
    sign_in(web, demo_registry, "coordinator", "bromma")
    revision_id = _draft(demo_registry)
    assert web.get("/organisationer/hasselby-vallingby/arbetsyta").status_code == 404
    assert web.get(f"/revisioner/{revision_id}/redigera").status_code == 404
    assert web.get(f"/revisioner/{revision_id}/redigera/lagesbild").status_code == 404


def test_a_reader_sees_no_editor_and_may_not_post(web, demo_registry: Registry) -> None:
    csrf = sign_in(web, demo_registry, "reader")
    revision_id = _draft(demo_registry)
    home = web.get("/organisationer/hasselby-vallingby/arbetsyta")
    assert home.status_code == 200 and "Redigera utkastet" not in home.text
    assert web.get(f"/revisioner/{revision_id}/redigera").status_code == 403
    refused = web.post(
        f"/revisioner/{revision_id}/redigera/avsnitt/introduction",
        data={"csrf_token": csrf, "rubrik": "Inledning", "text": "Ny text", "version": "1"},
    )
    assert refused.status_code == 403
    sections = demo_registry.get_revision(revision_id).sections
    assert next(s for s in sections if s.key == "introduction").body != "Ny text"


def test_every_editor_page_opens(web, demo_registry: Registry) -> None:
    sign_in(web, demo_registry, "coordinator", "hasselby-vallingby")
    revision = demo_registry.get_revision(_draft(demo_registry))
    base = f"/revisioner/{revision.id}/redigera"
    for path in (
        "",
        "/uppgifter",
        "/nytt-avsnitt",
        "/avsnitt/introduction",
        "/avsnitt/introduction/ta-bort",
        "/lagesbild",
        "/aktiviteter/ny?niva=hindering",
        f"/aktiviteter/{revision.activities[0].id}",
        f"/aktiviteter/{revision.activities[0].id}/ta-bort",
    ):
        assert web.get(base + path).status_code == 200, path
    assert web.get(base + "/avsnitt/finns-inte").status_code == 404


def test_a_stale_section_save_keeps_the_text_and_merges(web, demo_registry: Registry) -> None:
    sign_in(web, demo_registry, "coordinator", "hasselby-vallingby")
    revision_id = _draft(demo_registry)
    path = f"/revisioner/{revision_id}/redigera/avsnitt/collaboration"
    form = web.get(path).text
    fields = {
        "csrf_token": _hidden(form, "csrf_token"),
        "version": _hidden(form, "version"),
        "grund": _hidden(form, "grund"),
    }
    # Someone else renames the section meanwhile.
    demo_registry.put_section(
        revision_id, "collaboration", {"heading": "Samverkan lokalt", "body": "Deras text."}
    )
    stale = web.post(path, data={**fields, "rubrik": "Samverkan", "text": "Min nya text."})
    assert stale.status_code == 409
    assert "Någon annan har sparat ändringar under tiden" in stale.text
    assert "Min nya text." in stale.text and "Deras text." in stale.text
    # The heading only they changed is taken; the body both changed is a choice.
    assert 'value="Samverkan lokalt"' in stale.text
    again = {
        "csrf_token": fields["csrf_token"],
        "version": _hidden(stale.text, "version"),
        "grund": _hidden(stale.text, "grund"),
        "rubrik": "Samverkan lokalt",
        "text": "Min nya text.",
        "val-text": "min",
    }
    saved = web.post(path, data=again, follow_redirects=False)
    assert saved.status_code == 303
    section = next(
        s for s in demo_registry.get_revision(revision_id).sections if s.key == "collaboration"
    )
    assert (section.heading, section.body) == ("Samverkan lokalt", "Min nya text.")


def test_a_form_posted_after_the_session_expired_comes_back_after_sign_in(
    web, demo_registry: Registry, clock: Clock
) -> None:
    sign_in(web, demo_registry, "coordinator", "hasselby-vallingby")
    revision_id = _draft(demo_registry)
    path = f"/revisioner/{revision_id}/redigera/avsnitt/training"
    form = web.get(path).text
    typed = {
        "csrf_token": _hidden(form, "csrf_token"),
        "version": _hidden(form, "version"),
        "grund": _hidden(form, "grund"),
        "rubrik": "Utbildning",
        "text": "Allt detta skrevs medan sessionen gick ut.",
    }
    clock.current += SESSION_IDLE + dt.timedelta(minutes=1)
    expired = web.post(path, data=typed, follow_redirects=False)
    assert expired.status_code == 401
    assert "Inloggningen har gått ut" in expired.text
    assert "planregistry_kept_form" in expired.headers["set-cookie"]
    assert "skrevs medan" not in expired.headers.get("location", "")

    sign_in(web, demo_registry, "coordinator", "hasselby-vallingby")
    home = web.get("/organisationer/hasselby-vallingby/arbetsyta").text
    assert "Fortsätt där du var" in home and path in home
    restored = web.get(path).text
    assert "Det du skrev är återställt" in restored
    assert "Allt detta skrevs medan sessionen gick ut." in restored
    # Taken once: reloading shows the stored text again.
    assert "Allt detta skrevs" not in web.get(path).text
    training = next(
        s for s in demo_registry.get_revision(revision_id).sections if s.key == "training"
    )
    assert "skrevs medan" not in training.body


def test_a_form_for_an_expired_session_is_kept_only_with_its_csrf_token(
    web, demo_registry: Registry, clock: Clock
) -> None:
    sign_in(web, demo_registry, "coordinator", "hasselby-vallingby")
    path = f"/revisioner/{_draft(demo_registry)}/redigera/nytt-avsnitt"
    clock.current += SESSION_IDLE + dt.timedelta(minutes=1)
    planted = web.post(
        path, data={"csrf_token": "fel", "rubrik": "Planterat"}, follow_redirects=False
    )
    assert planted.status_code == 303  # to sign in, with nothing kept
    assert "planregistry_kept_form" not in planted.headers.get("set-cookie", "")


def test_the_workspace_offers_next_years_revision_and_the_follow_up_owed(
    web, demo_registry: Registry
) -> None:
    plan = demo_registry.create_plan("bromma", {"programme_id": "vbe"})
    revision = demo_registry.create_revision(plan.id, {"label": "Plan 2026", "cycle_year": 2026})
    demo_registry.add_activity(revision.id, {"title": "Utbildning", "level": "preventing"})
    for body in ("committee", "city_executive_board"):
        demo_registry.record_decision(
            revision.id, {"body": body, "outcome": "approved", "decided_on": "2026-05-01"}
        )
    sign_in(web, demo_registry, "coordinator", "bromma")
    home = web.get("/organisationer/bromma/arbetsyta").text
    # The page that names the new version and its year (a bare post would be refused).
    assert f'href="/revisioner/{revision.id}/ny-version">Starta nästa års revision' in home
    assert "1 av 1 aktiviteter i planen som gäller saknar rapporterad uppföljning" in home
    assert f'href="/revisioner/{revision.id}/uppfoljning"' in home


def test_an_activity_removed_meanwhile_is_offered_as_a_new_one(
    web, demo_registry: Registry
) -> None:
    sign_in(web, demo_registry, "coordinator", "hasselby-vallingby")
    revision = demo_registry.get_revision(_draft(demo_registry))
    activity = revision.activities[0]
    path = f"/revisioner/{revision.id}/redigera/aktiviteter/{activity.id}"
    form = web.get(path).text
    demo_registry.delete_activity(activity.id)
    answer = web.post(
        path,
        data={
            "csrf_token": _hidden(form, "csrf_token"),
            "version": _hidden(form, "version"),
            "titel": "Min omskrivna aktivitet",
            "niva": "preventing",
        },
    )
    assert answer.status_code == 409
    assert "Aktiviteten har tagits bort av någon annan" in answer.text
    assert 'value="Min omskrivna aktivitet"' in answer.text
    assert f'action="/revisioner/{revision.id}/redigera/aktiviteter/ny"' in answer.text
