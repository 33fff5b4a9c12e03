"""Attaching and downloading documents, and reading a revision whose activities carry the
richer fields (goals, time frame, indicators): median milliseconds on SQLite.

    .venv/bin/python benchmarks/documents.py [--size-mb 10] [--runs 9] [--orgs 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from planregistry import Registry
from planregistry.benchdata import generate
from planregistry.storage import migrations
from planregistry.storage.files import LocalFileStore
from planregistry.storage.tables import RevisionRow


def median_ms(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=10)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--orgs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        migrations.upgrade(url)
        store = LocalFileStore(Path(folder) / "files")
        with Registry.open(url, files=store) as registry:
            generate(registry.engine, args.orgs, seed=1)
            with registry.engine.connect() as conn:
                revision_id = conn.scalar(select(RevisionRow.id).order_by(RevisionRow.id))
            assert revision_id is not None
            revision = registry.get_revision(revision_id)
            rich = sum(1 for a in revision.activities if a.goals)
            read = median_ms(lambda: registry.get_revision(revision_id), args.runs * 5)
            print(
                f"get_revision: {len(revision.activities)} activities ({rich} with goals, "
                f"time frame, indicator): {read:.2f} ms"
            )
            content = b"%PDF-1.7\n" + b"0" * (args.size_mb * 1024 * 1024 - 9)
            registry.max_document_bytes = len(content)
            counter = iter(range(10**6))

            def attach() -> None:  # a new name each time, the same bytes: stored once
                registry.attach_document(
                    revision_id, content, {"filename": f"plan-{next(counter)}.pdf"}
                )

            attach_ms = median_ms(attach, args.runs)
            (document, *_) = registry.list_documents(revision_id)
            download_ms = median_ms(lambda: registry.download_document(document.id), args.runs)
            print(
                f"{args.size_mb} MB PDF: attach {attach_ms:.0f} ms (checks the content, "
                f"hashes, stores once), download {download_ms:.0f} ms (reads, re-hashes)"
            )


if __name__ == "__main__":
    main()
