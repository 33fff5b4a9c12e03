"""`./dev`, the entry point of a fresh checkout, explains itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

DEV = Path(__file__).resolve().parents[1] / "dev"


def test_dev_without_arguments_prints_its_usage() -> None:
    bare = subprocess.run([str(DEV)], capture_output=True, text=True, check=False)
    assert bare.returncode == 2
    assert bare.stdout.startswith("Användning: ./dev KOMMANDO")
    for command in ("serve", "test", "check", "install", "help"):
        assert f"\n  {command}" in bare.stdout, command
    assert "set -euo" not in bare.stdout  # not a line of the script itself
    helped = subprocess.run([str(DEV), "help"], capture_output=True, text=True, check=False)
    assert (helped.returncode, helped.stdout) == (0, bare.stdout)
    unknown = subprocess.run([str(DEV), "serv"], capture_output=True, text=True, check=False)
    assert unknown.returncode == 2 and "Okänt kommando: serv" in unknown.stderr
