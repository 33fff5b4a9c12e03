"""The real server for the client tests: `planregistry serve` on a free loopback port.

One server per database kind for the whole session (SQLite always, PostgreSQL when
reachable), each on a fresh database with the demo data (`planregistry db upgrade`,
`planregistry demo`) and a test JWT secret. Tests share it, so each works on its own
organisation (see `tests.client.support`) and none depends on another's data.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.client.support import SECRET, Server

STARTUP_SECONDS = 60


def _command() -> list[str]:
    """The `planregistry` console script of the running interpreter's environment."""
    script = Path(sys.executable).parent / "planregistry"
    if script.exists():
        return [str(script)]
    found = shutil.which("planregistry")
    return [found] if found else [sys.executable, "-m", "planregistry.cli"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _environment(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLANREGISTRY_")}
    env["PLANREGISTRY_DATABASE_URL"] = database_url
    env["PLANREGISTRY_JWT_SECRET"] = SECRET
    return env


def _start(database_url: str, workdir: Path) -> Iterator[Server]:
    env = _environment(database_url)
    command = _command()
    for step in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [*command, *step], env=env, cwd=workdir, check=True, capture_output=True, timeout=120
        )
    port = _free_port()
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers are in its own process group
        )
    server = Server(base_url=f"http://127.0.0.1:{port}", database_url=database_url)
    try:
        _wait_until_healthy(server, process, log_path)
        yield server
    finally:
        _stop(process)


def _wait_until_healthy(server: Server, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"planregistry serve exited ({process.returncode}):\n{log.read_text()}",
                pytrace=False,
            )
        try:
            if httpx.get(f"{server.base_url}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    _stop(process)
    pytest.fail(f"planregistry serve did not answer in time:\n{log.read_text()}", pytrace=False)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        # The group is the server and the workers it started, nothing else.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A running API over a fresh database with the demo data."""
    workdir = tmp_path_factory.mktemp(f"client-server-{request.param}")
    if request.param == "sqlite":
        database_url = f"sqlite:///{workdir / 'registry.sqlite3'}"
    else:
        database_url = request.getfixturevalue("postgres_server").create_database()
    yield from _start(database_url, workdir)
