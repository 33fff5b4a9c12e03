"""The yearly cycle in Chromium: next year's revision, follow-up, the committee's decision.

A coordinator starts next year's revision from the approved one, reports last year's
follow-up for every activity and records the committee's decision; the central
coordinator then finds it awaiting kommunstyrelsen. Two people reporting the same
period, another organisation's coordinator, a reader, and the same saves without
JavaScript. axe-core checks every page and form state on the way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from planregistry import Actor, Registry, Role
from tests.web.browser import assert_accessible, sign_in
from tests.web.conftest import Site

# The server decides by its UTC clock whether a decision date lies in the future.
TODAY = dt.datetime.now(dt.UTC).date()
YEAR = TODAY.year - 1  # last year's plan, approved and in force
LAST_YEAR_VB = f"Period {YEAR}, verksamhetsberättelse"
ACTIVITIES = ["Föräldrautbildning om nätets risker", "Samverkansmöten med polisen"]


def approved_revision(registry: Registry, org: str) -> int:
    """Last year's plan for `org`, approved by its committee and by kommunstyrelsen."""
    plan = registry.create_plan(org, {"programme_id": "vbe"})
    revision = registry.create_revision(
        plan.id, {"label": f"Lokal handlingsplan {YEAR}", "cycle_year": YEAR}
    )
    for title in ACTIVITIES:
        registry.add_activity(
            revision.id,
            {"title": title, "level": "preventing", "responsible": "Förvaltningen"},
        )
    for body, outcome, case in [
        ("committee", "approved", "1.2.3-100/" + str(YEAR)),
        ("city_executive_board", "approved", "KS 1.2.3-200/" + str(YEAR)),
    ]:
        registry.record_decision(
            revision.id,
            {
                "body": body,
                "outcome": outcome,
                "decided_on": TODAY.isoformat(),
                "case_number": case,
            },
        )
    return revision.id


def sign_in_as(page: Any, site: Site, name: str, role: str, org: str | None) -> None:
    """Sign in as a named person (two coordinators of one organisation differ by name)."""
    actor = Actor(
        subject=f"cycle-{name}",
        name=name,
        role=Role(role),
        municipality="stockholm",
        organization=org,
    )
    page.goto(f"/inloggning/lank/{site.registry.issue_sign_in_link(actor)}")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


@pytest.fixture
def second_page(browser: Any, site: Site) -> Iterator[Any]:
    """Another person's browser, with its own cookies."""
    context = browser.new_context(locale="sv-SE", base_url=site.base)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def period_form(page: Any, name: str) -> Any:
    return page.get_by_role("form", name=name)


def report_all(page: Any, period: str, status: str = "Genomförd") -> None:
    form = period_form(page, period)
    for title in ACTIVITIES:
        form.get_by_label(f"Status för {title}").select_option(label=status)
    form.get_by_role("button", name=re.compile("^Spara")).click()


def test_a_coordinator_runs_the_cycle_and_the_centre_sees_it_awaiting_the_board(
    page, site: Site
) -> None:
    revision_id = approved_revision(site.registry, "sodermalm")
    sign_in(page, site.base, site.registry, "coordinator", "sodermalm")
    page.goto(f"/revisioner/{revision_id}")
    chain = page.get_by_role("region", name="Var versionen står")
    expect(chain).to_contain_text("Kommunstyrelsen: godkänd")
    expect(chain).to_contain_text(f"KS 1.2.3-200/{YEAR}")
    assert_accessible(page)

    # Next year's revision, from the approved one.
    chain.get_by_role("link", name="Starta nästa års revision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Starta nästa års revision")
    expect(page.get_by_label("Namn")).to_have_value(f"Lokal handlingsplan {YEAR + 1}")
    expect(page.get_by_label("Cykelår")).to_have_value(str(YEAR + 1))
    assert_accessible(page)
    page.get_by_label("Namn").fill("")
    page.get_by_label("Cykelår").fill(str(YEAR))
    page.get_by_role("button", name="Starta revisionen").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name="Ange den nya versionens namn.")).to_be_visible()
    expect(page.locator("#cykelar-fel")).to_contain_text("måste vara senare än")
    assert_accessible(page)
    page.get_by_label("Namn").fill(f"Lokal handlingsplan {YEAR + 1}")
    page.get_by_label("Cykelår").fill(str(YEAR + 1))
    page.get_by_role("button", name="Starta revisionen").click()
    expect(page.get_by_role("status")).to_contain_text("Nästa års revision är startad")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lokal handlingsplan {YEAR + 1}")
    expect(page.get_by_text("2 aktiviteter.")).to_be_visible()
    draft_url = page.url.split("?")[0]
    chain = page.get_by_role("region", name="Var versionen står")
    expect(chain.locator("[aria-current=step]")).to_contain_text("Utkast")
    assert_accessible(page)

    # Last year's follow-up, a whole period at once; a missing status is refused first.
    chain.get_by_role("link", name="Rapportera uppföljning av föregående plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av aktiviteterna")
    assert_accessible(page)
    form = period_form(page, LAST_YEAR_VB)
    form.get_by_label(f"Status för {ACTIVITIES[0]}").select_option(label="Genomförd")
    form.get_by_label(f"Kommentar till {ACTIVITIES[0]}").fill("Tre träffar med 40 föräldrar.")
    form.get_by_role("button", name=re.compile("^Spara")).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Det finns fel i formuläret")
    summary.get_by_role("link", name=f"Välj status för ”{ACTIVITIES[1]}”.").click()
    form = period_form(page, LAST_YEAR_VB)
    expect(form.get_by_label(f"Status för {ACTIVITIES[1]}")).to_be_focused()
    expect(form.get_by_label(f"Kommentar till {ACTIVITIES[0]}")).to_have_value(
        "Tre träffar med 40 föräldrar."
    )
    expect(form.get_by_label(f"Status för {ACTIVITIES[0]}")).to_have_value("done")
    assert_accessible(page)
    form.get_by_label(f"Status för {ACTIVITIES[1]}").select_option(label="Pågående")
    form.get_by_role("button", name=re.compile("^Spara")).click()
    expect(page.get_by_role("status")).to_have_text(
        f"Uppföljningen för {YEAR}, verksamhetsberättelse är sparad."
    )
    table = page.get_by_role("table", name=re.compile(f"^Uppföljning {YEAR}, verksamhet"))
    expect(table.get_by_role("row", name=re.compile(ACTIVITIES[0]))).to_contain_text(
        "Genomförd: Tre träffar med 40 föräldrar."
    )
    assert_accessible(page)

    # The committee approves the draft: it goes on to kommunstyrelsen.
    page.goto(draft_url)
    page.get_by_role("link", name="Registrera nämndens beslut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera nämndens beslut")
    assert_accessible(page)
    form = page.get_by_role("form", name=re.compile("^Beslut i"))
    form.get_by_label("Godkänd – skickas till kommunstyrelsen").check()
    form.get_by_label("Beslutsdatum").fill(TODAY.isoformat())
    form.get_by_label("Protokollsparagraf").fill("§ 14")
    form.get_by_label("Diarienummer").fill("1.2.3-300/2026")
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status")).to_have_text("Nämndens beslut är registrerat.")
    chain = page.get_by_role("region", name="Var versionen står")
    expect(chain).to_contain_text("Nämnden: godkänd")
    expect(chain).to_contain_text("§ 14 (dnr 1.2.3-300/2026)")
    expect(chain.locator("[aria-current=step]")).to_contain_text("Kommunstyrelsen")
    assert_accessible(page)

    # The central coordinator finds it awaiting kommunstyrelsen on the board.
    sign_in(page, site.base, site.registry, "central")
    page.goto("/?status=vantar-ks")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Södermalm stadsdelsförvaltning", exact=True)
    )
    expect(row).to_contain_text("Väntar på kommunstyrelsen")
    row.get_by_role("link", name="Version 2").click()
    chain = page.get_by_role("region", name="Var versionen står")
    expect(chain.locator("[aria-current=step]")).to_contain_text("Kommunstyrelsen – Pågår")
    expect(page.get_by_role("form", name="Registrera kommunstyrelsens beslut")).to_be_visible()
    assert_accessible(page)


def test_two_people_reporting_one_period_never_overwrite_each_other_unseen(
    page, second_page, site: Site
) -> None:
    revision_id = approved_revision(site.registry, "farsta")
    sign_in_as(page, site, "Anna Andersson", "coordinator", "farsta")
    sign_in_as(second_page, site, "Bo Berg", "coordinator", "farsta")
    for person in (page, second_page):
        person.goto(f"/revisioner/{revision_id}/uppfoljning")

    report_all(page, LAST_YEAR_VB, status="Genomförd")
    expect(page.get_by_role("status")).to_contain_text("är sparad")

    form = period_form(second_page, LAST_YEAR_VB)
    form.get_by_label(f"Status för {ACTIVITIES[0]}").select_option(label="Uppskjuten")
    form.get_by_label(f"Status för {ACTIVITIES[1]}").select_option(label="Avbruten")
    form.get_by_label(f"Kommentar till {ACTIVITIES[1]}").fill("Polisen prioriterade om.")
    form.get_by_role("button", name=re.compile("^Spara")).click()

    warning = second_page.get_by_role("alert")
    expect(warning).to_contain_text("Någon annan har rapporterat perioden")
    expect(warning).to_contain_text(f"{ACTIVITIES[0]}: genomförd")
    expect(warning).to_contain_text("rapporterat av Anna Andersson")
    form = period_form(second_page, LAST_YEAR_VB)
    expect(form.get_by_label(f"Kommentar till {ACTIVITIES[1]}")).to_have_value(
        "Polisen prioriterade om."
    )
    expect(form.get_by_label(f"Status för {ACTIVITIES[0]}")).to_have_value("postponed")
    assert_accessible(second_page)

    form.get_by_role("button", name="Spara perioden ändå").click()
    expect(second_page.get_by_role("status")).to_contain_text("är sparad")
    row = period_form(second_page, LAST_YEAR_VB).get_by_role("row", name=re.compile(ACTIVITIES[1]))
    expect(row).to_contain_text("Avbruten: Polisen prioriterade om.")
    expect(row).to_contain_text("Bo Berg")
    row.get_by_text("1 tidigare rapport").click()  # a <details>: no script needed
    expect(row.get_by_role("listitem")).to_contain_text("Genomförd (Anna Andersson")
    assert_accessible(second_page)


def test_the_committee_form_explains_errors_refusals_and_changes(page, site: Site) -> None:
    revision_id = approved_revision(site.registry, "bromma")
    (plan,) = site.registry.list_plans("bromma")
    draft = site.registry.create_revision(
        plan.id, {"label": f"Lokal handlingsplan {YEAR + 1}", "cycle_year": YEAR + 1}
    )
    sign_in(page, site.base, site.registry, "coordinator", "bromma")

    # Next year's revision is already under way: the approved one says so.
    page.goto(f"/revisioner/{revision_id}/ny-version")
    expect(page.get_by_text("Planen har redan en pågående revision")).to_be_visible()
    expect(page.get_by_role("button", name="Starta revisionen")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"/revisioner/{draft.id}/namndbeslut")
    form = page.get_by_role("form", name=re.compile("^Beslut i"))
    form.get_by_label("Beslutsdatum").fill("31 februari")
    form.get_by_label("Protokollsparagraf").fill("§ 3")
    form.get_by_role("button", name="Registrera beslutet").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name="Välj nämndens beslut.")).to_be_visible()
    expect(page.locator("#beslutsdatum-fel")).to_contain_text("måste vara ett riktigt datum")
    expect(page.get_by_label("Protokollsparagraf")).to_have_value("§ 3")
    assert_accessible(page)

    # The library's rule: last year's follow-up comes first.
    form = page.get_by_role("form", name=re.compile("^Beslut i"))
    form.get_by_label("Godkänd – skickas till kommunstyrelsen").check()
    form.get_by_label("Beslutsdatum").fill(TODAY.isoformat())
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("alert")).to_contain_text("Uppföljning saknas för")
    expect(
        page.get_by_role("link", name="Rapportera uppföljning av föregående plan")
    ).to_be_visible()
    assert_accessible(page)

    # Meanwhile someone records the committee's return: the save shows it, keeps the input.
    site.registry.record_decision(
        draft.id,
        {
            "body": "committee",
            "outcome": "returned",
            "decided_on": TODAY.isoformat(),
            "minutes_ref": "§ 9",
        },
    )
    form = page.get_by_role("form", name=re.compile("^Beslut i"))
    form.get_by_label("Återremitterad – tillbaka till utkast").check()
    form.get_by_role("button", name="Registrera beslutet").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Versionen har ändrats sedan du öppnade sidan")
    expect(warning).to_contain_text("Nämnden har registrerat beslutet återremitterad")
    form = page.get_by_role("form", name=re.compile("^Beslut i"))
    expect(form.get_by_label("Protokollsparagraf")).to_have_value("§ 3")
    expect(form.get_by_label("Återremitterad – tillbaka till utkast")).to_be_checked()
    assert_accessible(page)
    form.get_by_role("button", name="Registrera beslutet ändå").click()
    expect(page.get_by_role("status")).to_have_text("Nämndens beslut är registrerat.")
    expect(page.get_by_role("region", name="Var versionen står")).to_contain_text(
        "Återremitterad av nämnden"
    )
    assert_accessible(page)


def test_another_organisations_coordinator_gets_not_found_pages(page, site: Site) -> None:
    revision_id = approved_revision(site.registry, "kungsholmen")
    sign_in(page, site.base, site.registry, "coordinator", "norrmalm")
    token = _csrf(page)
    for suffix in ["", "/uppfoljning", "/namndbeslut", "/ny-version"]:
        page.goto(f"/revisioner/{revision_id}{suffix}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    assert_accessible(page)
    for suffix in ["/uppfoljning", "/namndbeslut", "/ny-version"]:
        answer = page.request.post(
            f"/revisioner/{revision_id}{suffix}", form={"csrf_token": token}, max_redirects=0
        )
        assert answer.status == 404, suffix
    (plan,) = site.registry.list_plans("kungsholmen")
    assert len(site.registry.get_plan(plan.id).revisions) == 1


def test_a_reader_sees_no_controls_and_every_post_is_refused(page, site: Site) -> None:
    revision_id = approved_revision(site.registry, "ostermalm")
    sign_in(page, site.base, site.registry, "reader")
    page.goto(f"/revisioner/{revision_id}")
    chain = page.get_by_role("region", name="Var versionen står")
    expect(chain).to_contain_text("Godkänd")
    expect(chain.get_by_role("link")).to_have_count(0)
    page.goto(f"/revisioner/{revision_id}/uppfoljning")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av aktiviteterna")
    expect(page.get_by_role("combobox", name=re.compile("^Status för"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Spara"))).to_have_count(0)
    assert_accessible(page)
    for suffix in ["/namndbeslut", "/ny-version"]:
        page.goto(f"/revisioner/{revision_id}{suffix}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Du får inte göra detta")
    assert_accessible(page)

    token = _csrf(page)
    activity = site.registry.get_revision(revision_id).activities[0]
    posts = {
        "/uppfoljning": {
            "period": f"{YEAR}-VB",
            "version": "0",
            f"p{YEAR}-VB-status-{activity.id}": "done",
        },
        "/namndbeslut": {"utfall": "withdrawn", "beslutsdatum": TODAY.isoformat()},
        "/ny-version": {"namn": "Ny plan", "cykelar": str(YEAR + 1), "version": "1"},
    }
    for suffix, fields in posts.items():
        answer = page.request.post(
            f"/revisioner/{revision_id}{suffix}",
            form={"csrf_token": token, **fields},
            max_redirects=0,
        )
        assert answer.status == 403, suffix
        assert "Du får inte göra detta" in answer.text()
    assert list(site.registry.list_follow_ups(activity.id)) == []
    (plan,) = site.registry.list_plans("ostermalm")
    assert [r.status.value for r in site.registry.get_plan(plan.id).revisions] == ["approved"]


def test_the_cycle_works_without_javascript_and_by_keyboard(browser, site: Site) -> None:
    revision_id = approved_revision(site.registry, "skarpnack")
    context = browser.new_context(locale="sv-SE", base_url=site.base, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, site.base, site.registry, "coordinator", "skarpnack")
        page.goto(f"/revisioner/{revision_id}/uppfoljning")
        report_all(page, LAST_YEAR_VB)
        expect(page.get_by_role("status")).to_contain_text("är sparad")

        page.goto(f"/revisioner/{revision_id}/ny-version")
        page.get_by_role("button", name="Starta revisionen").click()
        expect(page.get_by_role("status")).to_contain_text("Nästa års revision är startad")

        # The committee's decision by keyboard alone.
        page.get_by_role("link", name="Registrera nämndens beslut").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Registrera nämndens beslut")
        page.get_by_label("Godkänd – skickas till kommunstyrelsen").focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        expect(page.get_by_label("Beslutsdatum")).to_be_focused()
        page.keyboard.type(TODAY.isoformat())
        page.keyboard.press("Tab")
        page.keyboard.type("§ 2")
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text("Nämndens beslut är registrerat.")
        expect(page.get_by_role("region", name="Var versionen står")).to_contain_text(
            "Nämnden: godkänd"
        )
    finally:
        context.close()
    (plan,) = site.registry.list_plans("skarpnack")
    assert [r.status.value for r in site.registry.get_plan(plan.id).revisions] == [
        "approved",
        "awaiting_board",
    ]


def _csrf(page: Any) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
