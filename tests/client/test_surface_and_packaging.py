"""Every API operation has a client method (sync and async alike); the client installs alone."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import tomllib
from importlib.metadata import requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import planregistry_client
from planregistry_client import AsyncClient, Client

ROOT = Path(__file__).resolve().parents[2]
SERVER_STACK = {"litestar", "granian", "uvicorn", "hypercorn", "starlette", "planregistry-api"}

# operationId in schemas/openapi.json → the client method (named after the Registry's).
OPERATIONS = {
    "getHealth": "health",
    "listProgrammes": "list_programmes",
    "getProgramme": "get_programme",
    "listOrganizations": "list_organizations",
    "createOrganization": "create_organization",
    "getOrganization": "get_organization",
    "updateOrganization": "update_organization",
    "listPlans": "list_plans",
    "createPlan": "create_plan",
    "getPlan": "get_plan",
    "listRevisions": "list_revisions",
    "createRevision": "create_revision",
    "getRevision": "get_revision",
    "updateRevision": "update_revision",
    "putSection": "put_section",
    "putSituation": "put_situation",
    "listActivities": "list_activities",
    "createActivity": "add_activity",
    "getActivity": "get_activity",
    "updateActivity": "update_activity",
    "deleteActivity": "delete_activity",
    "listFollowUps": "list_follow_ups",
    "reportFollowUp": "report_follow_up",
    "listDecisions": "list_decisions",
    "recordDecision": "record_decision",
    "listReviews": "list_reviews",
    "createReview": "add_review",
    "getCompleteness": "completeness",
    "diffRevisions": "diff_revisions",
    "getStatusBoard": "status_board",
    "getActivityCoverage": "activity_coverage",
    "getPartnerMatrix": "partner_matrix",
    "getSituationComparison": "situation_comparison",
    "getFollowUpProgress": "follow_up_progress",
    "listAudit": "list_audit",
    "listApiKeys": "list_api_keys",
    "createApiKey": "create_api_key",
    "revokeApiKey": "revoke_api_key",
    "createPlanImport": "create_plan_import",
    "listPlanImports": "list_plan_imports",
    "getPlanImport": "get_plan_import",
    "applyPlanImport": "apply_plan_import",
}


def _operations() -> dict[str, dict[str, object]]:
    document = json.loads((ROOT / "schemas" / "openapi.json").read_text())
    return {
        operation["operationId"]: operation
        for path in document["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def test_every_operation_of_the_api_has_a_client_method() -> None:
    operations = _operations()
    assert set(operations) == set(OPERATIONS), "a new API operation needs a client method"
    sync, asynchronous = Client("http://x"), AsyncClient("http://x")
    for operation_id, name in OPERATIONS.items():
        method, coroutine = getattr(sync, name), getattr(asynchronous, name)
        assert inspect.signature(method) == inspect.signature(coroutine), name
        assert not inspect.iscoroutinefunction(method), name
        assert inspect.iscoroutinefunction(coroutine), name
        assert method.__doc__ and method.__name__ == name
        parameters = operations[operation_id].get("parameters", [])
        assert isinstance(parameters, list)
        if any(p["name"] == "cursor" for p in parameters):
            walker = "iter_" + name.removeprefix("list_")
            assert inspect.signature(getattr(sync, walker)) == inspect.signature(
                getattr(asynchronous, walker)
            )
            assert "cursor" not in inspect.signature(getattr(sync, walker)).parameters
    sync.close()


def test_the_two_clients_have_the_same_public_surface() -> None:
    def surface(cls: type) -> set[str]:
        return {name for name in dir(cls) if not name.startswith("_")}

    assert surface(Client) - {"close"} == surface(AsyncClient) - {"aclose"}


def _requirements(extra: str | None) -> list[Requirement]:
    chosen = []
    for line in requires("planregistry") or []:
        requirement = Requirement(line)
        if requirement.marker is None:
            if extra is None:
                chosen.append(requirement)
        elif extra is not None and requirement.marker.evaluate({"extra": extra}):
            chosen.append(requirement)
    return chosen


def test_the_client_extra_brings_httpx_and_no_server() -> None:
    base = {r.name.lower() for r in _requirements(None)}
    client = {r.name.lower() for r in _requirements("client")}
    assert client == {"httpx"}
    assert not (base | client) & SERVER_STACK
    # The server extra is where the server stack is.
    assert {"litestar", "granian"} <= {r.name.lower() for r in _requirements("server")}


def test_the_wheel_ships_the_client_beside_the_library() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert "clients/python/planregistry_client" in packages
    assert "client" in config["project"]["optional-dependencies"]


def test_importing_the_client_loads_no_server_code() -> None:
    probe = (
        "import sys, planregistry_client\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(roots & {'litestar', 'granian', 'planregistry_api', 'jwt', 'uvicorn'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"


def test_versioned_with_the_library_and_the_api() -> None:
    import planregistry

    assert planregistry_client.__version__ == planregistry.__version__
    assert planregistry_client.API_VERSION == "v1"
    assert planregistry_client.DEFAULT_USER_AGENT.startswith(
        f"planregistry-client/{planregistry.__version__} "
    )


@pytest.mark.parametrize("module", ["planregistry_client", "planregistry_client.errors"])
def test_public_names_are_documented(module: str) -> None:
    imported = __import__(module, fromlist=["*"])
    assert imported.__doc__
