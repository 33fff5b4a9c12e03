"""What an `Idempotency-Key` costs a POST, and what a replay costs, on a real server.

Starts `planregistry serve` (granian, one worker, no access log) over the demo data on
SQLite (a temporary file) or PostgreSQL (`--database-url`, a throwaway database you
made), then sends sequential `POST /api/v1/revisions/{id}/activities` without a key,
with a new key each, and the same keyed request again (a replay), in alternating rounds,
and prints the median milliseconds per request of each. Only 127.0.0.1 is addressed.

    .venv/bin/python -m benchmarks.idempotency [--requests 100] [--rounds 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from benchmarks.http_load import BIN, _env, _free_port, _wait_ready

from planregistry import Registry


def _post(client: httpx.Client, path: str, index: int, key: str | None) -> float:
    body = {"title": f"Mätning {index}", "level": "preventing", "themes": ["staff_training"]}
    headers = {"Idempotency-Key": key} if key else {}
    started = time.perf_counter()
    response = client.post(path, json=body, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"{path} answered {response.status_code}: {response.text}")
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        for step in (["db", "upgrade"], ["demo"]):
            subprocess.run(
                [BIN / "planregistry", *step], env=_env(url), check=True, capture_output=True
            )
        with Registry.open(url) as registry:
            (plan,) = registry.list_plans("hasselby-vallingby").items
            revision_id = plan.revisions[-1].id
        token = (
            subprocess.run(
                [BIN / "planregistry", "token", "--role", "central"],
                env=_env(url),
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [BIN / "planregistry", "serve", "--port", str(port), "--no-access-log"],
            env=_env(url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_ready(base, time.monotonic() + 30)
            path = f"/api/v1/revisions/{revision_id}/activities"
            plain: list[float] = []
            keyed: list[float] = []
            replayed: list[float] = []
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers) as client:
                n = 0
                for _ in range(args.rounds):
                    for _ in range(args.requests):
                        n += 1
                        plain.append(_post(client, path, n, None))
                    for _ in range(args.requests):
                        n += 1
                        keyed.append(_post(client, path, n, uuid.uuid4().hex))
                    n += 1
                    key = uuid.uuid4().hex
                    _post(client, path, n, key)
                    replayed += [_post(client, path, n, key) for _ in range(args.requests)]
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    kind = url.split(":", 1)[0]
    print(
        f"{kind}: POST …/activities, sequential, {args.rounds} rounds × {args.requests} (median ms)"
    )
    print(f"  without a key      {statistics.median(plain):7.2f}")
    print(f"  with a new key     {statistics.median(keyed):7.2f}")
    print(f"  replay of a key    {statistics.median(replayed):7.2f}")


if __name__ == "__main__":
    main()
