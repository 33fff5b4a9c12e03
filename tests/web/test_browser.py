"""The web views in Chromium, used the way a person uses them.

Pages are driven by role and label (`get_by_role`, `get_by_label`), never through
private hooks; axe-core checks every page type for WCAG 2.1 A/AA violations.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from tests.web.browser import assert_accessible, sign_in
from tests.web.conftest import Site, awaiting_board, committee_approves

# The server decides by its UTC clock whether a decision date lies in the future.
TODAY = dt.datetime.now(dt.UTC).date().isoformat()


def _board_row(page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def test_sign_in_by_link_then_sign_out(page, site: Site, tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "planregistry"
    link = subprocess.run(
        [str(command), "login-link", "--role", "central", "--base-url", site.base],
        env={"PLANREGISTRY_DATABASE_URL": str(site.registry.engine.url), "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert link.startswith(f"{site.base}/inloggning/lank/")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggning\?nasta=%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    assert_accessible(page)

    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    cookie = next(c for c in page.context.cookies() if c["name"] == "planregistry_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")

    # The link worked once.
    page.goto(link)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Länken fungerar inte")
    assert_accessible(page)


def test_the_board_shows_every_organisation_and_filters_in_the_url(page, site: Site) -> None:
    sign_in(page, site.base, site.registry, "central")
    page.goto("/")
    expect(page.get_by_text("Visar 19 av 19 organisationer.")).to_be_visible()
    row = _board_row(page, "Hässelby-Vällingby stadsdelsförvaltning")
    expect(row.get_by_role("cell").nth(2)).to_contain_text("Version 1")
    assert_accessible(page)

    page.get_by_label("Typ av organisation").select_option(label="Facknämnd")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(re.compile(r"typ=specialist"))
    expect(page.get_by_text(re.compile(r"Visar 5 av 5 organisationer"))).to_be_visible()

    page.get_by_role("link", name="Organisation", exact=True).click()
    header = page.get_by_role("columnheader", name="Organisation")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(page).to_have_url(re.compile(r"typ=specialist.*sortera=namn.*ordning=fallande"))
    names = page.locator("tbody th[scope=row]").all_inner_texts()
    assert names == sorted(names, key=str.casefold, reverse=True)


def test_drilling_down_to_hasselby_vallingbys_revision(page, site: Site) -> None:
    sign_in(page, site.base, site.registry, "central")
    page.goto("/")
    page.get_by_role("link", name="Hässelby-Vällingby stadsdelsförvaltning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hässelby-Vällingby stadsdelsförvaltning"
    )
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Version 1: Lokal handlingsplan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Lokal handlingsplan mot våldsbejakande extremism 2017"
    )
    expect(page.get_by_text("14 aktiviteter.")).to_be_visible()
    activity_rows = page.locator("#aktiviteter table tbody tr")
    expect(activity_rows).to_have_count(14)
    expect(page.get_by_role("table", name=re.compile(r"^Förebyggande nivå"))).to_be_visible()
    expect(page.get_by_role("heading", name="Samverkan")).to_be_visible()
    expect(page.get_by_role("table", name="Polisens bedömning")).to_be_visible()
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Logga ut")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="screen")


def test_recording_the_boards_decision_moves_the_board(page, site: Site) -> None:
    (plan,) = site.registry.list_plans("hasselby-vallingby")
    revision_id = plan.revisions[-1].id
    committee_approves(site.registry, revision_id)

    sign_in(page, site.base, site.registry, "central")
    page.goto("/?status=vantar-ks")
    row = _board_row(page, "Hässelby-Vällingby stadsdelsförvaltning")
    expect(row).to_contain_text("Väntar på kommunstyrelsen")
    row.get_by_role("link", name="Version 1").click()

    form = page.get_by_role("form", name="Registrera kommunstyrelsens beslut")
    form.get_by_label("Godkänd", exact=True).check()
    form.get_by_label("Beslutsdatum").fill(TODAY)
    form.get_by_label("Diarienummer").fill("KS 1.2.3-555/2026")
    form.get_by_label("Paragraf i protokollet").fill("§ 21")
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status")).to_have_text("Kommunstyrelsens beslut är registrerat.")
    decisions = page.get_by_role("region", name="Beslut")
    expect(decisions.get_by_role("cell", name="KS 1.2.3-555/2026")).to_be_visible()

    page.get_by_role("link", name="Översikt").first.click()
    row = _board_row(page, "Hässelby-Vällingby stadsdelsförvaltning")
    in_force = row.get_by_role("cell").nth(1)
    expect(in_force).to_contain_text("Version 1")
    expect(in_force).to_contain_text("KS ")
    expect(row.get_by_role("cell").nth(2)).to_have_text("–")


def test_a_form_with_errors_says_what_to_fix_and_keeps_the_input(page, site: Site) -> None:
    revision_id = awaiting_board(site.registry, "bromma", "Handlingsplan Bromma 2026")
    sign_in(page, site.base, site.registry, "central")
    page.goto(f"/revisioner/{revision_id}")
    form = page.get_by_role("form", name="Registrera kommunstyrelsens beslut")
    form.get_by_label("Beslutsdatum").fill("31 februari")
    form.get_by_label("Diarienummer").fill("KS 1.2.3-777/2026")
    form.get_by_role("button", name="Registrera beslutet").click()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("Det finns fel i formuläret")
    expect(summary.get_by_role("link", name="Välj kommunstyrelsens beslut.")).to_be_visible()
    summary.get_by_role(
        "link", name=re.compile("Beslutsdatum måste vara ett riktigt datum")
    ).click()
    expect(page.get_by_label("Beslutsdatum")).to_be_focused()
    expect(page.get_by_label("Beslutsdatum")).to_have_value("31 februari")
    expect(page.get_by_label("Diarienummer")).to_have_value("KS 1.2.3-777/2026")
    expect(page.get_by_label("Beslutsdatum")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    # A rule of the library (conditions are required) lands beside its field too.
    form = page.get_by_role("form", name="Registrera kommunstyrelsens beslut")
    form.get_by_label("Godkänd under förutsättning att synpunkterna beaktas").check()
    form.get_by_label("Beslutsdatum").fill(TODAY)
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("alert")).to_contain_text("måste ange villkoren")
    expect(page.locator("#villkor-fel")).to_contain_text("måste ange villkoren")
    expect(
        page.get_by_label("Godkänd under förutsättning att synpunkterna beaktas")
    ).to_be_checked()


def test_a_stale_form_shows_what_changed_and_lets_the_person_decide(page, site: Site) -> None:
    revision_id = awaiting_board(site.registry, "skarholmen", "Handlingsplan Skärholmen 2026")
    sign_in(page, site.base, site.registry, "central")
    page.goto(f"/revisioner/{revision_id}")
    form = page.get_by_role("form", name="Registrera kommunstyrelsens beslut")
    form.get_by_label("Godkänd", exact=True).check()
    form.get_by_label("Beslutsdatum").fill(TODAY)
    form.get_by_label("Diarienummer").fill("KS 1.2.3-888/2026")

    # Meanwhile someone else: the board returns it, the committee approves it again.
    site.registry.record_decision(
        revision_id,
        {"body": "city_executive_board", "outcome": "returned", "decided_on": TODAY},
    )
    committee_approves(site.registry, revision_id)

    form.get_by_role("button", name="Registrera beslutet").click()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("Versionen har ändrats sedan du öppnade sidan")
    expect(warning).to_contain_text("Kommunstyrelsen har registrerat beslutet återremitterad")
    expect(warning).to_contain_text("Nämnden har registrerat beslutet godkänd")
    form = page.get_by_role("form", name="Registrera kommunstyrelsens beslut")
    expect(form.get_by_label("Diarienummer")).to_have_value("KS 1.2.3-888/2026")
    expect(form.get_by_label("Godkänd", exact=True)).to_be_checked()
    assert_accessible(page)
    assert site.registry.get_revision(revision_id).status.value == "awaiting_board"

    form.get_by_role("button", name="Registrera beslutet ändå").click()
    expect(page.get_by_role("status")).to_have_text("Kommunstyrelsens beslut är registrerat.")
    assert site.registry.get_revision(revision_id).status.value == "approved"


def test_a_reader_sees_no_forms_and_a_post_is_refused(page, site: Site) -> None:
    revision_id = awaiting_board(site.registry, "kungsholmen", "Handlingsplan Kungsholmen 2026")
    sign_in(page, site.base, site.registry, "reader")
    page.goto(f"/revisioner/{revision_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Handlingsplan Kungsholmen 2026")
    expect(page.get_by_role("form", name="Registrera kommunstyrelsens beslut")).to_have_count(0)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        f"/revisioner/{revision_id}/beslut",
        form={"csrf_token": token or "", "utfall": "approved", "beslutsdatum": TODAY},
        max_redirects=0,
    )
    assert answer.status == 403
    assert "Du får inte göra detta" in answer.text()
    assert site.registry.get_revision(revision_id).status.value == "awaiting_board"

    page.goto("/logg")  # the audit trail is the central role's
    expect(page.get_by_role("heading", level=1)).to_have_text("Du får inte göra detta")
    assert_accessible(page)


def test_a_coordinator_is_home_at_its_workspace_and_others_are_hidden(page, site: Site) -> None:
    site.registry.create_municipality({"id": "goteborg", "name": "Göteborgs stad"})
    site.registry.create_organization(
        {
            "id": "angered",
            "name": "Angereds stadsdelsförvaltning",
            "kind": "district",
            "committee": "Angereds stadsdelsnämnd",
            "municipality": "goteborg",
        }
    )
    sign_in(page, site.base, site.registry, "coordinator", "hasselby-vallingby")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/organisationer/hasselby-vallingby/arbetsyta$"))
    # Another municipality's organisation is not there at all for a Stockholm coordinator.
    page.goto("/organisationer/angered")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    assert_accessible(page)
    assert page.request.get("/organisationer/angered").status == 404
    # Another Stockholm district is known, but its plans are not this coordinator's.
    page.goto("/organisationer/bromma")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du får inte göra detta")
    assert page.request.get("/organisationer/bromma").status == 403


def test_keyboard_alone_reaches_a_revision_and_saves_a_review(page, site: Site) -> None:
    revision_id = awaiting_board(site.registry, "farsta", "Handlingsplan Farsta 2026")
    sign_in(page, site.base, site.registry, "central")
    page.goto("/?typ=district&sortera=namn")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hoppa till innehållet")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # Tab to the organisation's link and follow it.
    target = page.get_by_role("link", name="Farsta stadsdelsförvaltning")
    for _ in range(60):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    expect(target).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Farsta stadsdelsförvaltning")
    page.goto(f"/revisioner/{revision_id}")
    feedback = page.get_by_label("Återkoppling till organisationen")
    feedback.focus()
    page.keyboard.type("Planen saknar förhindrande aktiviteter.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Spara granskningen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Granskningen är sparad.")
    expect(page.get_by_text("Planen saknar förhindrande aktiviteter.")).to_be_visible()


def test_a_revisions_documents_are_listed_with_download_links(page, site: Site) -> None:
    (plan,) = site.registry.list_plans("hasselby-vallingby")
    revision_id = plan.revisions[0].id
    site.registry.attach_document(
        revision_id,
        b"%PDF-1.4\n%%EOF\n",
        {"filename": "Tjänsteutlåtande 2017.pdf", "kind": "official_report"},
    )
    sign_in(page, site.base, site.registry, "central")
    page.goto(f"/revisioner/{revision_id}")
    section = page.get_by_role("region", name="Dokument")
    link = section.get_by_role("link", name="Tjänsteutlåtande 2017.pdf")
    expect(link).to_be_visible()
    expect(section).to_contain_text("Tjänsteutlåtande")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Tjänsteutlåtande 2017.pdf"
    assert_accessible(page)


def test_every_other_page_type_passes_axe(page, site: Site) -> None:
    (plan,) = site.registry.list_plans("hasselby-vallingby")
    sign_in(page, site.base, site.registry, "central")
    revision_id = plan.revisions[-1].id
    for path in [
        "/organisationer",
        f"/revisioner/{revision_id}/andringar",
        "/logg",
        "/?forsenad=ja",
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_every_page_type_passes_axe_in_a_narrow_window(page, site: Site) -> None:
    """On a phone-wide screen the wide tables scroll: their regions must take focus."""
    (plan,) = site.registry.list_plans("hasselby-vallingby")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site.base, site.registry, "central")
    for path in [
        "/",
        "/organisationer/hasselby-vallingby",
        f"/revisioner/{plan.revisions[-1].id}",
        "/jamforelser/partner",
        "/logg",
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_pages_carry_a_strict_content_security_policy(page, site: Site) -> None:
    answer = page.request.get("/inloggning")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_comparisons_are_charts_with_their_table_and_downloads(page, site: Site) -> None:
    sign_in(page, site.base, site.registry, "central")
    page.goto("/")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Jämförelser").click()
    assert_accessible(page)
    for title in ["Aktivitetstäckning", "Samverkanspartner", "Lägesbilder"]:
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        chart = page.get_by_role("img", name=re.compile("Stapeldiagram"))
        expect(chart).to_be_visible()
        assert page.evaluate("Chart.getChart(document.querySelector('canvas')) !== undefined")
        expect(page.get_by_role("table")).to_be_visible()
        assert_accessible(page)
        page.go_back()

    page.goto("/jamforelser/tackning?typ=district")
    table = page.get_by_role("table", name="Aktiviteter per nivå och organisation")
    row = table.get_by_role("row", name=re.compile("Hässelby-Vällingby"))
    expect(row.get_by_role("cell").last).to_have_text("14")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Ladda ner som CSV")).click()
    assert download.value.suggested_filename.startswith("jamforelse-coverage-")
    content = Path(download.value.path()).read_bytes()
    assert content.startswith("\ufeff".encode()) and "Hässelby".encode() in content
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Ladda ner som Excel")).click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto("/jamforelser/uppfoljning")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning")
    assert_accessible(page)
