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
    "attachDocument": "attach_document",
    "listDocuments": "list_documents",
    "getDocument": "get_document",
    "downloadDocument": "download_document",
    "removeDocument": "remove_document",
    "listPlanActors": "list_plan_actors",
    "createPlanActor": "create_plan_actor",
    "getPlanActor": "get_plan_actor",
    "updatePlanActor": "update_plan_actor",
    "mapActorName": "map_actor_name",
    "listUnmatchedActorNames": "unmatched_actor_names",
    "recordBoardDecision": "record_board_decision",
    "listBoardDecisions": "list_board_decisions",
    "getBoardDecision": "get_board_decision",
    "listConditionsToAnswer": "conditions_to_answer",
    "answerCondition": "answer_condition",
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


def _requirements(distribution: str, extra: str | None = None) -> set[str]:
    names = set()
    for line in requires(distribution) or []:
        requirement = Requirement(line)
        if requirement.marker is None:
            if extra is None:
                names.add(requirement.name.lower())
        elif extra is not None and requirement.marker.evaluate({"extra": extra}):
            names.add(requirement.name.lower())
    return names


# What the client must never bring: the database and the server stack, the CLI's and
# the exports' libraries, and the server library itself.
HEAVY = {
    "sqlalchemy",
    "alembic",
    "psycopg",
    "openpyxl",
    "click",
    "litestar",
    "granian",
    "planregistry",
    "planregistry_api",
}


def test_the_client_distribution_brings_the_domain_and_httpx_only() -> None:
    assert _requirements("planregistry-client") == {"planregistry-domain", "httpx"}
    assert _requirements("planregistry-domain") == {"msgspec"}
    # The whole library depends on the same domain; its client extra is the client.
    assert "planregistry-domain" in _requirements("planregistry")
    assert _requirements("planregistry", "client") == {"planregistry-client"}
    assert not _requirements("planregistry") & SERVER_STACK
    assert {"litestar", "granian"} <= _requirements("planregistry", "server")


def test_each_distribution_builds_its_own_package() -> None:
    def packages(pyproject: Path) -> list[str]:
        config = tomllib.loads(pyproject.read_text())
        return list(config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"])

    assert packages(ROOT / "pyproject.toml") == ["src/planregistry", "api/planregistry_api"]
    assert packages(ROOT / "domain" / "pyproject.toml") == ["planregistry_domain"]
    assert packages(ROOT / "clients" / "python" / "pyproject.toml") == ["planregistry_client"]


_PROBE = """
import json, sys
import httpx, msgspec
before = set(sys.modules)
import planregistry_client
roots = lambda names: sorted({n.split(".")[0] for n in names})
print(json.dumps([roots(set(sys.modules) - before), roots(sys.modules)]))
"""


def test_importing_the_client_loads_no_server_or_database_code() -> None:
    output = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    ).stdout
    added, everything = json.loads(output)
    assert set(added) <= {"planregistry_client", "planregistry_domain"}
    # httpx loads click for its own command line when click is installed (as it is
    # beside the library); the fresh install below has no click at all.
    assert set(everything) & HEAVY <= {"click"}


def test_the_client_installs_and_imports_alone_in_a_fresh_environment(
    tmp_path: Path,
) -> None:
    """`pip install` of the domain and the client brings msgspec and httpx, nothing heavy."""
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    uv = Path(sys.executable).parent / "uv"
    if uv.exists():
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, venv], check=True)
        install = [uv, "pip", "install", "--quiet", "--python", python]
    else:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        install = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(
        [*install, ROOT / "domain", ROOT / "clients" / "python"], check=True, timeout=300
    )
    probe = (
        "import json, sys, importlib.metadata as m, planregistry_client\n"
        "names = [d.metadata['Name'].lower() for d in m.distributions()]\n"
        "print(json.dumps([names, sorted({n.split('.')[0] for n in sys.modules})]))\n"
    )
    output = subprocess.run(
        [python, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    names, modules = json.loads(output)
    installed = set(names)
    assert {"planregistry-client", "planregistry-domain", "msgspec", "httpx"} <= installed
    assert not installed & {"sqlalchemy", "alembic", "psycopg", "openpyxl", "click"}
    assert not installed & SERVER_STACK and "planregistry" not in installed
    assert not set(modules) & HEAVY


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


def test_the_client_returns_what_the_registry_returns() -> None:
    """Each operation named after a Registry method gives the caller the same type."""
    from typing import get_type_hints

    from planregistry import Registry
    from planregistry_client._core import Call

    compared = 0
    for name in OPERATIONS.values():
        if not hasattr(Registry, name):
            continue
        library = get_type_hints(getattr(Registry, name))["return"]
        described = get_type_hints(getattr(Client, name).describe)["return"]
        assert described == Call[library], name  # type: ignore[valid-type]
        compared += 1
    assert compared >= 30
