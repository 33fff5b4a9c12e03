"""The coordinator's workspace and draft editor in Chromium, used as a person uses them.

A Södermalm coordinator writes a new plan's own sections (a preface saying what the
revision changes, the local crime-prevention council), fixes what the completeness
check finds, and adds, edits, moves and removes activities; two people edit the same
activity; other people are kept out. axe-core checks every page and form state.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import text

from tests.web.browser import assert_accessible, person, sign_in
from tests.web.conftest import Site

PREFACE = (
    "Planen är reviderad utifrån en ny lokal lägesbild.\n\n"
    "Följande har ändrats sedan föregående version:\n\n"
    "- ny aktivitet om föreningsbidrag\n"
    "- Södermalms brottsförebyggande råd har fått ett eget avsnitt"
)


def _new_draft(site: Site, org_id: str, label: str) -> int:
    plan = site.registry.create_plan(org_id, {"programme_id": "vbe"})
    return site.registry.create_revision(plan.id, {"label": label, "cycle_year": 2027}).id


def _findings(page: Any) -> Any:
    return page.get_by_role("region", name="Det här saknas").get_by_role("listitem")


def _add_activity(page: Any, title: str, level: str, responsible: str = "") -> None:
    page.get_by_role("link", name="Lägg till en aktivitet").click()
    page.get_by_label("Aktivitet", exact=True).fill(title)
    page.get_by_label(level, exact=True).check()
    page.get_by_label("Ansvarig").fill(responsible)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()


def test_a_coordinator_drafts_own_sections_and_activities(page, site: Site) -> None:
    revision_id = _new_draft(site, "sodermalm", "Lokal handlingsplan Södermalm 2027")
    sign_in(page, site.base, site.registry, "coordinator", "sodermalm")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/organisationer/sodermalm/arbetsyta$"))
    expect(page.get_by_role("heading", name="Utkast som pågår")).to_be_visible()
    expect(page.get_by_role("link", name="Registrera nämndens beslut")).to_have_attribute(
        "href", f"/revisioner/{revision_id}/namndbeslut"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Redigera utkastet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Redigera Lokal handlingsplan Södermalm 2027"
    )
    expect(_findings(page).filter(has_text="ingen förhindrande aktivitet")).to_have_count(1)
    assert_accessible(page)

    # An own section: a preface with paragraphs and a list, previewed before saving.
    page.get_by_role("link", name="Lägg till ett eget avsnitt").click()
    page.get_by_label("Rubrik").fill("Förord: vad revisionen ändrar")
    page.get_by_label("Text").fill(PREFACE)
    page.get_by_role("button", name="Förhandsgranska").click()
    preview = page.get_by_role("region", name="Förhandsgranskning (inte sparad)")
    expect(preview.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_label("Text")).to_have_value(PREFACE)
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()

    # A second own section; renamed, moved above the preface, the preface removed.
    page.get_by_role("link", name="Lägg till ett eget avsnitt").click()
    page.get_by_label("Rubrik").fill("Brottsförebyggande råd")
    page.get_by_label("Text").fill("Södermalms brottsförebyggande råd samlar förvaltningen.")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("link", name="Redigera avsnittet Brottsförebyggande råd").click()
    page.get_by_label("Rubrik").fill("Södermalms brottsförebyggande råd")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role(
        "button", name="Flytta upp avsnittet Södermalms brottsförebyggande råd"
    ).click()
    expect(page.get_by_text("Ordningen är ändrad.")).to_be_visible()
    titles = page.locator("#avsnitt .edit-title").all_inner_texts()
    assert titles[0].startswith("Södermalms brottsförebyggande råd")
    assert titles[1].startswith("Förord")
    page.get_by_role("link", name="Ta bort avsnittet Förord: vad revisionen ändrar").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, ta bort").click()
    expect(page.locator("#avsnitt .edit-title")).to_have_count(1)

    # A required section, reached from its completeness finding.
    page.get_by_role("link", name='Avsnittet "Samverkan" saknas.').click()
    expect(page.get_by_label("Rubrik")).to_have_value("Samverkan")
    page.get_by_label("Text").fill("Samverkan sker i det lokala BRÅ och med polisen.")
    page.get_by_role("button", name="Spara").click()
    expect(_findings(page).filter(has_text='"Samverkan"')).to_have_count(0)

    # An activity refused, with the error beside the field and nothing lost.
    page.get_by_role("link", name="Lägg till en aktivitet").click()
    page.get_by_label("Ansvarig").fill("Stadsdelsförvaltningen")
    page.get_by_role("button", name="Spara").click()
    summary = page.get_by_role("alert").filter(has_text="Det finns fel i formuläret")
    expect(summary.get_by_role("link", name="Skriv vad aktiviteten heter.")).to_be_visible()
    expect(page.get_by_label("Ansvarig")).to_have_value("Stadsdelsförvaltningen")
    assert_accessible(page)
    summary.get_by_role("link", name="Skriv vad aktiviteten heter.").click()
    expect(page.get_by_label("Aktivitet", exact=True)).to_be_focused()
    page.get_by_label("Aktivitet", exact=True).fill("Utbildning för medarbetare")
    page.get_by_label("Förebyggande", exact=True).check()
    page.get_by_label("Utbildning av medarbetare").check()
    page.get_by_label("Samverkanspartner").fill("Polis\nCentral samordnare")
    page.get_by_label("Hur aktiviteten följs upp").fill("Uppföljning i ILS")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()
    expect(_findings(page).filter(has_text="ingen förebyggande aktivitet")).to_have_count(0)
    expect(_findings(page).filter(has_text="ingen förhindrande aktivitet")).to_have_count(1)

    _add_activity(page, "Stöd till anhöriga", "Förhindrande")
    expect(_findings(page).filter(has_text="ingen förhindrande aktivitet")).to_have_count(0)
    missing = _findings(page).filter(has_text="Stöd till anhöriga").filter(has_text="ansvarig")
    expect(missing).to_have_count(1)
    missing.get_by_role("link").click()
    expect(page.get_by_label("Ansvarig")).to_have_value("")
    page.get_by_label("Ansvarig").fill("Socialtjänsten")
    page.get_by_role("button", name="Spara").click()
    expect(
        _findings(page).filter(has_text="Stöd till anhöriga").filter(has_text="ansvarig")
    ).to_have_count(0)

    _add_activity(page, "Tillfällig aktivitet", "Främjande", "Förvaltningen")
    page.get_by_role("button", name="Flytta upp aktiviteten Tillfällig aktivitet").click()
    rows = page.get_by_role("table", name=re.compile("Aktiviteter i planens ordning"))
    expect(rows.locator("tbody th")).to_have_text(
        ["Utbildning för medarbetare", "Tillfällig aktivitet", "Stöd till anhöriga"]
    )
    page.get_by_role("link", name="Ta bort aktiviteten Tillfällig aktivitet").click()
    page.get_by_role("button", name="Ja, ta bort").click()
    expect(rows.locator("tbody th")).to_have_text(
        ["Utbildning för medarbetare", "Stöd till anhöriga"]
    )
    assert_accessible(page)

    saved = site.registry.get_revision(revision_id)
    assert [s.heading for s in saved.sections] == ["Södermalms brottsförebyggande råd", "Samverkan"]
    training = saved.activities[0]
    assert training.partners == ["Polis", "Central samordnare"]
    assert training.themes == ["staff_training"]


def test_the_situation_picture_is_written_in_one_form(page, site: Site) -> None:
    revision_id = _new_draft(site, "norrmalm", "Lokal handlingsplan Norrmalm 2027")
    sign_in(page, site.base, site.registry, "coordinator", "norrmalm")
    page.goto(f"/revisioner/{revision_id}/redigera/lagesbild")
    assert_accessible(page)
    page.get_by_label("Sammanställd").fill("30 november")
    question = page.get_by_role("group", name="Jobbar enheten med avhopparverksamhet?")
    question.get_by_label("Resultat i ord").fill("Ingen enhet arbetar med avhoppare.")
    question.get_by_label("Antal ja").fill("2")
    question.get_by_label("Antal nej").fill("9")
    question.get_by_label("Antal svarande").fill("10")
    page.get_by_role("group", name="Vit makt-miljön").get_by_label("Aktiv", exact=True).check()
    page.get_by_label("Kommentar om vit makt-miljön").fill("Enstaka aktiviteter i området.")
    page.get_by_label("Lägesbilden är sekretessmarkerad", exact=False).check()
    page.get_by_role("button", name="Spara").click()
    summary = page.get_by_role("alert").filter(has_text="Det finns fel i formuläret")
    expect(summary.get_by_role("listitem")).to_have_count(2)
    expect(question.get_by_label("Antal svarande")).to_have_value("10")
    assert_accessible(page)
    page.get_by_label("Sammanställd").fill("2026-11-30")
    question.get_by_label("Antal svarande").fill("11")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()
    situation = site.registry.get_revision(revision_id).situation
    assert situation is not None and situation.confidential
    assert [(a.question_key, a.yes_count, a.respondents) for a in situation.survey] == [
        ("exit_work", 2, 11)
    ]
    assert [(p.environment, p.status.value) for p in situation.police] == [
        ("white_power", "active")
    ]


def test_two_people_editing_one_activity_never_overwrite_each_other(
    browser, page, site: Site
) -> None:
    revision_id = _new_draft(site, "enskede-arsta-vantor", "Handlingsplan 2027")
    activity = site.registry.add_activity(
        revision_id,
        {"title": "Föreningsbidrag", "level": "preventing", "responsible": "Kultur"},
    )
    path = f"/revisioner/{revision_id}/redigera/aktiviteter/{activity.id}"
    sign_in(page, site.base, site.registry, "coordinator", "enskede-arsta-vantor")
    other = browser.new_context(locale="sv-SE", base_url=site.base).new_page()
    try:
        sign_in(other, site.base, site.registry, "central")
        page.goto(path)
        other.goto(path)
        other.get_by_label("Ansvarig").fill("Kulturförvaltningen")
        other.get_by_label("Hur aktiviteten följs upp").fill("Uppföljning i ILS")
        other.get_by_role("button", name="Spara").click()
        expect(other.get_by_text("Ändringen är sparad.")).to_be_visible()
    finally:
        other.context.close()

    page.get_by_label("Ansvarig").fill("Stadsdelsförvaltningen")
    page.get_by_label("Målgrupp").fill("Föreningar i stadsdelen")
    page.get_by_role("button", name="Spara").click()
    alert = page.get_by_role("alert").filter(has_text="Någon annan har sparat ändringar")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("ansvarig")
    # Their follow-up method (which this person left alone) is merged in; both changed
    # the responsible actor, so that is the person's choice; the target group is kept.
    expect(page.get_by_label("Hur aktiviteten följs upp")).to_have_value("Uppföljning i ILS")
    expect(page.get_by_label("Målgrupp")).to_have_value("Föreningar i stadsdelen")
    expect(page.get_by_label("Ansvarig")).to_have_value("Stadsdelsförvaltningen")
    choice = page.get_by_role("group", name="Både du och den andra har ändrat: Ansvarig")
    expect(choice).to_contain_text("Kulturförvaltningen")
    assert_accessible(page)
    choice.get_by_label("Ta den andras version").check()
    page.get_by_role("button", name="Spara med mina val").click()
    expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()
    saved = site.registry.get_activity(activity.id)
    assert (saved.responsible, saved.follow_up_method, saved.target_group) == (
        "Kulturförvaltningen",
        "Uppföljning i ILS",
        "Föreningar i stadsdelen",
    )


def test_saving_works_without_javascript(browser, site: Site) -> None:
    revision_id = _new_draft(site, "skarpnack", "Handlingsplan Skarpnäck 2027")
    context = browser.new_context(locale="sv-SE", base_url=site.base, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site.base, site.registry, "coordinator", "skarpnack")
        page.goto(f"/revisioner/{revision_id}/redigera")
        page.get_by_role("link", name="Lägg till ett eget avsnitt").click()
        page.get_by_label("Rubrik").fill("Förord")
        page.get_by_label("Text").fill("- första punkten\n- andra punkten")
        page.get_by_role("button", name="Förhandsgranska").click()
        expect(page.get_by_role("region", name=re.compile("Förhandsgranskning"))).to_be_visible()
        page.get_by_role("button", name="Spara").click()
        _add_activity(page, "Utbildning", "Förebyggande", "Förvaltningen")
        page.get_by_role("link", name="Ändra uppgifterna").click()
        page.get_by_label("Utvecklingsområden").fill("Högdalen\nBagarmossen")
        page.get_by_role("button", name="Spara").click()
        expect(page.get_by_text("Högdalen, Bagarmossen")).to_be_visible()
    finally:
        context.close()
    revision = site.registry.get_revision(revision_id)
    assert [s.heading for s in revision.sections] == ["Förord"]
    assert [a.title for a in revision.activities] == ["Utbildning"]
    assert revision.priority_areas == ["Högdalen", "Bagarmossen"]


def test_other_organisations_and_readers_cannot_edit(page, site: Site) -> None:
    revision_id = _new_draft(site, "spanga-tensta", "Handlingsplan Spånga-Tensta 2027")
    sign_in(page, site.base, site.registry, "coordinator", "bromma")
    for path in ("/organisationer/spanga-tensta/arbetsyta", f"/revisioner/{revision_id}/redigera"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    assert_accessible(page)

    sign_in(page, site.base, site.registry, "reader")
    page.goto("/organisationer/spanga-tensta/arbetsyta")
    expect(page.get_by_role("heading", name="Utkast som pågår")).to_be_visible()
    expect(page.get_by_role("link", name="Redigera utkastet")).to_have_count(0)
    expect(page.get_by_role("button")).to_have_text(["Logga ut"])
    assert_accessible(page)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        f"/revisioner/{revision_id}/redigera/nytt-avsnitt",
        form={"csrf_token": token or "", "rubrik": "Intrång", "text": "", "version": "1"},
        max_redirects=0,
    )
    assert answer.status == 403
    assert "Du får inte göra detta" in answer.text()
    assert site.registry.get_revision(revision_id).sections == []


def _expire_sessions_of(site: Site, subject: str) -> None:
    """What half an hour away from the keyboard does to a session (the server's clock
    cannot be moved, so the session's last use is moved back instead)."""
    with site.registry.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE web_sessions SET last_seen_at = :then, created_at = :then "
                "WHERE subject = :subject"
            ),
            {"then": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), "subject": subject},
        )


def test_text_typed_as_the_session_expires_comes_back_after_signing_in(page, site: Site) -> None:
    revision_id = _new_draft(site, "kungsholmen", "Lokal handlingsplan Kungsholmen 2027")
    sign_in(page, site.base, site.registry, "coordinator", "kungsholmen")
    page.goto(f"/revisioner/{revision_id}/redigera/nytt-avsnitt")
    page.get_by_label("Rubrik").fill("Förord")
    page.get_by_label("Text").fill("En lång text som tog mer än en halvtimme att skriva.")
    _expire_sessions_of(site, person("coordinator", "kungsholmen").subject)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen har gått ut")
    assert_accessible(page)
    assert "text" not in page.url

    # Signing in again lands on the page the text was typed on.
    sign_in(page, site.base, site.registry, "coordinator", "kungsholmen")
    expect(page).to_have_url(re.compile(f"/revisioner/{revision_id}/redigera/nytt-avsnitt$"))
    expect(page.get_by_text("Det du skrev är återställt")).to_be_visible()
    expect(page.get_by_label("Text")).to_have_value(
        "En lång text som tog mer än en halvtimme att skriva."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()
    (section,) = site.registry.get_revision(revision_id).sections
    assert section.body == "En lång text som tog mer än en halvtimme att skriva."


def test_the_editor_by_keyboard_alone_and_axe_on_the_remaining_pages(page, site: Site) -> None:
    revision_id = _new_draft(site, "farsta", "Lokal handlingsplan Farsta 2027")
    site.registry.add_activity(
        revision_id, {"title": "Samverkan med polisen", "level": "hindering"}
    )
    sign_in(page, site.base, site.registry, "coordinator", "farsta")
    page.goto(f"/revisioner/{revision_id}/redigera")
    link = page.get_by_role("link", name="Lägg till en aktivitet")
    for _ in range(80):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the link to add an activity")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägg till en aktivitet")
    page.get_by_label("Aktivitet", exact=True).focus()
    page.keyboard.type("Föräldrastöd")
    page.keyboard.press("Tab")  # the description
    page.keyboard.press("Tab")  # the first level
    page.keyboard.press("Space")
    page.get_by_label("Hur aktiviteten följs upp").focus()
    page.keyboard.type("Uppföljning i ILS")
    page.keyboard.press("Enter")  # submits the form
    expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()
    added = site.registry.get_revision(revision_id).activities[-1]
    assert (added.title, added.level) == ("Föräldrastöd", "promoting")

    for path in ("/uppgifter", f"/aktiviteter/{added.id}", "/avsnitt/introduction"):
        page.goto(f"/revisioner/{revision_id}/redigera{path}")
        assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ("", "/lagesbild", f"/aktiviteter/{added.id}"):
        page.goto(f"/revisioner/{revision_id}/redigera{path}")
        assert_accessible(page)
    page.goto("/organisationer/farsta/arbetsyta")
    assert_accessible(page)
