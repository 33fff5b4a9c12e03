"""Comparison views over HTTP: JSON, CSV or Excel by `Accept` or `?format=`, with filters."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from planregistry import Registry
from tests.api.support import V1, assert_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWS = ("status", "coverage", "partners", "situation", "follow-up")


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_status_board_is_json_by_default(demo_client) -> None:
    response = demo_client.get(f"{V1}/comparisons/status")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert len(body["rows"]) == 19
    (hv,) = [r for r in body["rows"] if r["organization_id"] == "hasselby-vallingby"]
    assert hv["organization_name"] == "Hässelby-Vällingby stadsdelsförvaltning"
    assert hv["in_force"] is None
    assert hv["in_progress"]["status"] == "draft"
    assert (hv["next_due"], hv["overdue"]) == ("2017-05-31", True)
    assert set(hv) >= {"organization_id", "kind", "in_force", "in_progress", "next_due"}


def test_accept_text_csv_gives_swedish_csv_for_excel(demo_client) -> None:
    response = demo_client.get(f"{V1}/comparisons/status", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["content-disposition"].endswith('.csv"')
    assert "accept" in response.headers["vary"].lower()
    rows = _csv_rows(response.content)
    assert rows[0][:3] == ["Organisations-id", "Organisation", "Typ"]
    assert {"Gällande revision", "Godkänd av KS", "Pågående revision", "Försenad"} <= set(rows[0])
    assert len(rows) == 1 + 19
    (hv,) = [r for r in rows if r[0] == "hasselby-vallingby"]
    assert hv[1:3] == ["Hässelby-Vällingby stadsdelsförvaltning", "Stadsdelsnämnd"]


def test_format_parameter_gives_excel_and_wins_over_accept(demo_client) -> None:
    response = demo_client.get(
        f"{V1}/comparisons/coverage",
        params={"format": "xlsx"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert "Nivå: Förebyggande" in header and "Tema: Anhörigstöd" in header


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_every_view_answers_in_every_format(demo_client, view: str, fmt: str) -> None:
    response = demo_client.get(f"{V1}/comparisons/{view}", params={"format": fmt})
    assert response.status_code == 200, response.text
    if fmt == "json":
        assert isinstance(response.json()["rows"], list)
    elif fmt == "csv":
        assert len(_csv_rows(response.content)[0]) > 5
    else:
        assert load_workbook(io.BytesIO(response.content)).sheetnames[1] == "Om uttaget"


def test_the_same_numbers_in_json_and_csv(demo_client, demo_registry: Registry) -> None:
    url = f"{V1}/comparisons/coverage"
    params = {"basis": "latest"}
    rows = demo_client.get(url, params=params).json()["rows"]
    as_csv = _csv_rows(demo_client.get(url, params={**params, "format": "csv"}).content)
    column = as_csv[0].index("Nivå: Förebyggande")
    by_org = {r[0]: r[column] for r in as_csv[1:]}
    (hv,) = [r for r in rows if r["organization_id"] == "hasselby-vallingby"]
    assert hv["levels"]["preventing"] == int(by_org["hasselby-vallingby"]) == 12


def test_filters_reach_the_view(demo_client) -> None:
    specialists = demo_client.get(f"{V1}/comparisons/partners", params={"kind": "specialist"})
    assert len(specialists.json()["rows"]) == 5
    latest = demo_client.get(f"{V1}/comparisons/situation", params={"basis": "latest"}).json()
    (hv,) = [r for r in latest["rows"] if r["organization_id"] == "hasselby-vallingby"]
    assert hv["revision"]["number"] == 1 and hv["has_situation"]
    progress = demo_client.get(
        f"{V1}/comparisons/follow-up", params={"period": "2017-VB", "municipality": "stockholm"}
    ).json()
    assert progress["periods"] == ["2017-VB"] and len(progress["rows"]) == 19
    of_year = demo_client.get(f"{V1}/comparisons/status", params={"cycle_year": 2017}).json()
    assert of_year["filters"]["cycle_year"] == 2017


def test_unacceptable_accept_is_406(demo_client) -> None:
    response = demo_client.get(f"{V1}/comparisons/status", headers={"Accept": "text/html"})
    assert_problem(response, 406, "not-acceptable")


@pytest.mark.parametrize(
    ("view", "params"),
    [
        ("status", {"format": "pdf"}),
        ("status", {"kind": "county"}),
        ("status", {"cycle_year": "1999"}),
        ("follow-up", {"period": "2017-Q1"}),
        ("coverage", {"basis": "oldest"}),
        ("partners", {"municipality": "Not A Slug"}),
    ],
)
def test_bad_parameters_are_400(demo_client, view: str, params: dict[str, str]) -> None:
    response = demo_client.get(f"{V1}/comparisons/{view}", params=params)
    assert_problem(response, 400, "invalid-parameter")


def test_unknown_programme_is_404(demo_client) -> None:
    response = demo_client.get(f"{V1}/comparisons/status", params={"programme": "okant"})
    assert_problem(response, 404, "not-found")


def test_operations_are_in_the_openapi_document(demo_client) -> None:
    paths = demo_client.get(f"{V1}/schema/openapi.json").json()["paths"]
    ids = {paths[f"{V1}/comparisons/{v}"]["get"]["operationId"] for v in VIEWS}
    assert ids == {
        "getStatusBoard",
        "getActivityCoverage",
        "getPartnerMatrix",
        "getSituationComparison",
        "getFollowUpProgress",
    }
