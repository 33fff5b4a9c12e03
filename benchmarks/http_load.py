"""HTTP throughput of a whole-revision read next to a trivial endpoint, on a real server.

Starts `planregistry serve` (granian, one worker) on a free loopback port, then loads
each endpoint for a fixed time with `wrk` when it is installed, else with a bounded
httpx loop in threads. Only 127.0.0.1 is ever addressed; every loop ends by itself.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from planregistry import Registry

BIN = Path(sys.executable).parent
JWT_SECRET = "benchmark-secret-" + "x" * 32
ROUNDS = 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "PLANREGISTRY_DATABASE_URL": url, "PLANREGISTRY_JWT_SECRET": JWT_SECRET}


def _token(url: str, municipality: str) -> str | None:
    """A reader's token from `planregistry token`, if this build has the command."""
    result = subprocess.run(
        [BIN / "planregistry", "token", "--role", "reader", "--municipality", municipality],
        env=_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip().splitlines()[-1] if result.returncode == 0 else None


def _wait_ready(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not answer /api/v1/health in time")


def _wrk(target: str, headers: dict[str, str], seconds: int, connections: int) -> float:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, target], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"{target} answered errors under load:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert match, output
    return float(match.group(1))


def _httpx_loop(target: str, headers: dict[str, str], seconds: int, threads: int) -> float:
    done = [0] * threads
    stop = time.monotonic() + seconds

    def work(index: int) -> None:
        with httpx.Client(headers=headers) as client:
            while time.monotonic() < stop:
                client.get(target).raise_for_status()
                done[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.monotonic() - started)


def compare(url: str, label: str, *, seconds: int, connections: int) -> None:
    with Registry.open(url) as registry:
        row = next(r for r in registry.status_board().rows if r.in_force)
        assert row.in_force is not None
        revision_id, municipality = row.in_force.revision_id, row.municipality
        revision = registry.get_revision(revision_id)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [BIN / "planregistry", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(base, time.monotonic() + 30)
        token = _token(url, municipality)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        httpx.get(f"{base}/api/v1/revisions/{revision_id}", headers=headers).raise_for_status()
        tool = "wrk" if shutil.which("wrk") else "httpx"
        load = _wrk if tool == "wrk" else _httpx_loop
        # Alternate short bursts, so that a change in the machine's other load during
        # the run weighs on both endpoints alike; the medians are reported.
        burst = max(1, seconds // ROUNDS)
        health, whole = [], []
        for _ in range(ROUNDS):
            health.append(load(f"{base}/api/v1/health", headers, burst, connections))
            whole.append(
                load(f"{base}/api/v1/revisions/{revision_id}", headers, burst, connections)
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratios = [w / h for w, h in zip(whole, health, strict=True)]
    print(
        f"\n{label}: HTTP throughput, granian 1 worker, {tool} {connections} connections, "
        f"{ROUNDS} alternating rounds of {burst} s (median)"
    )
    print(f"  GET /api/v1/health                  {statistics.median(health):>9.0f} req/s")
    print(
        f"  GET /api/v1/revisions/{revision_id:<6}        {statistics.median(whole):>9.0f} req/s"
        f"  ({len(revision.activities)} activities, {len(revision.sections)} sections)"
    )
    print(
        f"  ratio whole revision / health       {statistics.median(ratios):>9.2f}"
        f"  (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
