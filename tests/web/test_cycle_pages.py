"""The cycle's pages over HTTP on both databases, without a browser: each answer's
status, where a save leads, and that the pages write what the library would.

(The same flows in Chromium, with axe-core, are in test_cycle_browser.py.)
"""

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
from tests.web.browser import person
from tests.web.test_page_access import sign_in

HV = "hasselby-vallingby"


@pytest.fixture
def web(demo_registry: Registry) -> Iterator[TestClient[Litestar]]:
    with TestClient(create_app(demo_registry, keys=KEYS), base_url="https://t.local") as client:
        yield client


def _approved(registry: Registry) -> int:
    (plan,) = registry.list_plans(HV)
    revision_id = plan.revisions[0].id
    today = registry.today().isoformat()
    for body in ("committee", "city_executive_board"):
        registry.record_decision(
            revision_id, {"body": body, "outcome": "approved", "decided_on": today}
        )
    return revision_id


def _revision_count(registry: Registry) -> int:
    (plan,) = registry.list_plans(HV)
    return len(plan.revisions)


@pytest.mark.parametrize("suffix", ["/uppfoljning", "/namndbeslut", "/ny-version"])
def test_without_a_session_the_pages_send_the_person_to_sign_in(web, suffix: str) -> None:
    answer = web.get(f"/revisioner/1{suffix}", follow_redirects=False)
    assert answer.status_code == 303
    assert (
        answer.headers["location"]
        == f"/inloggning?nasta=%2Frevisioner%2F1{suffix.replace('/', '%2F')}"
    )


def test_a_whole_cycle_through_the_pages(web, demo_registry: Registry) -> None:
    approved = _approved(demo_registry)
    token = sign_in(web, demo_registry, "coordinator", HV)
    version = demo_registry.get_revision(approved).version

    # A form without the session's token changes nothing.
    refused = web.post(f"/revisioner/{approved}/ny-version", data={"namn": "X", "cykelar": "2018"})
    assert refused.status_code == 403
    assert _revision_count(demo_registry) == 1

    form = {"csrf_token": token, "version": str(version), "namn": "Plan 2018", "cykelar": "2018"}
    answer = web.post(f"/revisioner/{approved}/ny-version", data=form, follow_redirects=False)
    assert answer.status_code == 303
    match = re.fullmatch(r"/revisioner/(\d+)\?sparat=ny-version#kedja", answer.headers["location"])
    assert match
    draft = demo_registry.get_revision(int(match.group(1)))
    assert (draft.label, draft.cycle_year, draft.based_on) == ("Plan 2018", 2018, approved)
    assert len(draft.activities) == 14

    again = web.post(f"/revisioner/{approved}/ny-version", data=form)
    assert again.status_code == 409
    assert "Planen har redan en pågående revision" in again.text

    revision = demo_registry.get_revision(approved)
    period = {"csrf_token": token, "period": "2017-VB", "version": "0"}
    for activity in revision.activities:
        period[f"p2017-VB-status-{activity.id}"] = "done"
    answer = web.post(f"/revisioner/{approved}/uppfoljning", data=period, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].endswith("?sparat=2017-VB#period-2017-VB")
    stale = web.post(f"/revisioner/{approved}/uppfoljning", data=period)
    assert stale.status_code == 409
    assert "Någon annan har rapporterat perioden" in stale.text
    assert all(len(demo_registry.list_follow_ups(a.id)) == 1 for a in revision.activities)

    decision = {
        "csrf_token": token,
        "version": str(draft.version),
        "status": "draft",
        "beslut_sedda": "0",
        "utfall": "approved",
        "beslutsdatum": demo_registry.today().isoformat(),
        "paragraf": "§ 14",
        "diarienummer": "1.2.3-300/2018",
    }
    answer = web.post(f"/revisioner/{draft.id}/namndbeslut", data=decision, follow_redirects=False)
    assert answer.status_code == 303
    after = demo_registry.get_revision(draft.id)
    assert after.status.value == "awaiting_board"
    assert (after.decisions[-1].minutes_ref, after.decisions[-1].case_number) == (
        "§ 14",
        "1.2.3-300/2018",
    )
    page = web.get(f"/revisioner/{draft.id}").text
    assert 'aria-current="step"' in page and "Nämnden: <strong>godkänd</strong>" in page
    assert "/redigera" not in page  # no longer a draft


def test_the_draft_page_links_to_the_editor_for_those_who_may_edit(
    web, demo_registry: Registry
) -> None:
    approved = _approved(demo_registry)
    (plan,) = demo_registry.list_plans(HV)
    draft = demo_registry.create_revision(plan.id, {"label": "Plan 2018", "cycle_year": 2018})
    editor = f'href="/revisioner/{draft.id}/redigera"'
    sign_in(web, demo_registry, "coordinator", HV)
    assert editor in web.get(f"/revisioner/{draft.id}").text
    assert "/redigera" not in web.get(f"/revisioner/{approved}").text
    sign_in(web, demo_registry, "reader")
    shown = web.get(f"/revisioner/{draft.id}")
    assert shown.status_code == 200 and "/redigera" not in shown.text


def test_another_district_and_a_reader_are_refused(web, demo_registry: Registry) -> None:
    approved = _approved(demo_registry)
    token = sign_in(web, demo_registry, "coordinator", "bromma")
    for suffix in ["", "/uppfoljning", "/namndbeslut", "/ny-version"]:
        assert web.get(f"/revisioner/{approved}{suffix}").status_code == 404
        if suffix:
            answer = web.post(f"/revisioner/{approved}{suffix}", data={"csrf_token": token})
            assert answer.status_code == 404
    token = sign_in(web, demo_registry, "reader")
    assert web.get(f"/revisioner/{approved}/uppfoljning").status_code == 200
    for suffix in ["/uppfoljning", "/namndbeslut", "/ny-version"]:
        answer = web.post(f"/revisioner/{approved}{suffix}", data={"csrf_token": token})
        assert answer.status_code == 403
    assert _revision_count(demo_registry) == 1


def test_a_draft_shows_the_conditions_it_must_answer(web, demo_registry: Registry) -> None:
    (plan,) = demo_registry.list_plans(HV)
    revision = demo_registry.get_revision(plan.revisions[0].id)
    today = demo_registry.today().isoformat()
    demo_registry.record_decision(
        revision.id, {"body": "committee", "outcome": "approved", "decided_on": today}
    )
    demo_registry.record_decision(
        revision.id,
        {
            "body": "city_executive_board",
            "outcome": "approved_with_conditions",
            "decided_on": today,
            "conditions": "Komplettera lägesbilden med skolans enkät.",
        },
    )
    demo_registry.report_period(
        revision.id, "2017-VB", {a.id: {"status": "done"} for a in revision.activities}
    )
    draft = demo_registry.create_revision(plan.id, {"label": "Plan 2018", "cycle_year": 2018})
    token = sign_in(web, demo_registry, "coordinator", HV)

    shown = web.get(f"/revisioner/{draft.id}").text
    assert "Kommunstyrelsens villkor för föregående plan: Komplettera lägesbilden" in shown
    assert "Villkoren är ännu inte besvarade i utkastet." in shown
    decision = {
        "csrf_token": token,
        "version": str(draft.version),
        "utfall": "approved",
        "beslutsdatum": today,
    }
    refused = web.post(f"/revisioner/{draft.id}/namndbeslut", data=decision)
    assert refused.status_code == 409
    assert "villkor för den föregående planen är inte besvarade" in refused.text
    assert "conditions_response" not in refused.text
    assert demo_registry.get_revision(draft.id).status.value == "draft"


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def _sign_in_again(web: TestClient[Litestar], registry: Registry, org: str) -> str:
    """Sign in by link as the kept form's owner; where the sign-in lands."""
    secret = registry.issue_sign_in_link(person("coordinator", org))
    answer = web.post(f"/inloggning/lank/{secret}", follow_redirects=False)
    assert answer.status_code == 303
    return str(answer.headers["location"])


def test_a_decision_posted_after_the_session_expired_waits_on_its_page(
    web, demo_registry: Registry, clock: Clock
) -> None:
    (plan,) = demo_registry.list_plans(HV)
    draft_id = plan.revisions[0].id
    path = f"/revisioner/{draft_id}/namndbeslut"
    sign_in(web, demo_registry, "coordinator", HV)
    form = web.get(path).text
    typed = {
        "csrf_token": _hidden(form, "csrf_token"),
        "version": _hidden(form, "version"),
        "status": "draft",
        "beslut_sedda": "0",
        "utfall": "returned",
        "beslutsdatum": demo_registry.today().isoformat(),
        "paragraf": "§ 21",
        "diarienummer": "1.2.3-999/2018",
    }
    clock.current += SESSION_IDLE + dt.timedelta(minutes=1)
    expired = web.post(path, data=typed, follow_redirects=False)
    assert expired.status_code == 401
    assert "Inloggningen har gått ut" in expired.text
    assert demo_registry.get_revision(draft_id).decisions == []

    assert _sign_in_again(web, demo_registry, HV) == path
    restored = web.get(path).text
    assert "Det du skrev är återställt" in restored
    assert 'value="§ 21"' in restored and 'value="1.2.3-999/2018"' in restored
    assert re.search(r'value="returned"[^>]*checked', restored)
    assert "Versionen har ändrats" not in restored
    assert "§ 21" not in web.get(path).text  # taken once
    # Nothing kept any more: the next sign-in lands on the start page.
    assert _sign_in_again(web, demo_registry, HV) == "/"

    typed["csrf_token"] = _hidden(web.get(path).text, "csrf_token")
    saved = web.post(path, data=typed, follow_redirects=False)
    assert saved.status_code == 303
    assert demo_registry.get_revision(draft_id).decisions[-1].minutes_ref == "§ 21"


def test_a_follow_up_posted_after_the_session_expired_comes_back_with_what_changed(
    web, demo_registry: Registry, clock: Clock
) -> None:
    approved = _approved(demo_registry)
    path = f"/revisioner/{approved}/uppfoljning"
    sign_in(web, demo_registry, "coordinator", HV)
    page = web.get(path).text
    first, second = demo_registry.get_revision(approved).activities[:2]
    typed = {
        "csrf_token": _hidden(page, "csrf_token"),
        "period": "2017-T1",
        "version": "0",
        f"p2017-T1-status-{first.id}": "postponed",
        f"p2017-T1-kommentar-{first.id}": "Flyttad till hösten.",
    }
    clock.current += SESSION_IDLE + dt.timedelta(minutes=1)
    assert web.post(path, data=typed, follow_redirects=False).status_code == 401
    # Meanwhile a colleague reports the same period.
    demo_registry.report_period(approved, "2017-T1", {second.id: {"status": "done"}})

    assert _sign_in_again(web, demo_registry, HV) == path
    restored = web.get(path).text
    assert "Det du skrev är återställt" in restored
    assert "Flyttad till hösten." in restored
    assert "Någon annan har rapporterat perioden" in restored
    assert list(demo_registry.list_follow_ups(first.id)) == []
