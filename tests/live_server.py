"""`planregistry serve` as a real process on a free loopback port, for tests that need
HTTP over a socket (a browser, two servers on one database)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SECRET = "live-server-test-secret-" + "s" * 32
PLANREGISTRY = Path(sys.executable).with_name("planregistry")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(
    database_url: str,
    *args: str,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    port: int | None = None,
    cwd: Path | None = None,
) -> Iterator[str]:
    """Run `planregistry serve` until the block ends; yields its base URL once it answers."""
    port = port or free_port()
    environment = {
        **os.environ,
        "PLANREGISTRY_DATABASE_URL": database_url,
        "PLANREGISTRY_JWT_SECRET": SECRET,
        **(env or {}),
    }
    output = log.open("wb") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [str(PLANREGISTRY), "serve", "--port", str(port), *args],
        env=environment,
        cwd=cwd,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                said = f":\n{log.read_text()}" if log is not None else ""
                raise RuntimeError(f"planregistry serve ended with {process.returncode}{said}")
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("planregistry serve did not answer within 60 s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log is not None and not isinstance(output, int):
            output.close()
