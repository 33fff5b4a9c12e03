"""mypy sees each operation's own signature on `Client` and on `AsyncClient`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parents[2]
USAGE = Path(__file__).with_name("typed_usage.py")


def test_mypy_checks_calls_on_both_clients() -> None:
    stdout, stderr, _status = mypy_api.run(
        [
            "--strict",
            "--no-error-summary",
            "--hide-error-context",
            "--show-error-codes",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(USAGE),
        ]
    )
    assert not stderr, stderr
    reported = {
        (int(m["line"]), m["code"])
        for m in re.finditer(
            r"typed_usage\.py:(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]", stdout
        )
    }
    lines = USAGE.read_text().splitlines()
    expected = {
        (number, m["code"])
        for number, line in enumerate(lines, start=1)
        if (m := re.search(r"# E: (?P<code>[a-z-]+)$", line))
    }
    assert reported == expected, stdout
