"""The importer measured against the hand transcription of the seed plan.

Reads the seed's OCR text (`defaults/hasselby_vallingby_2017.ocr.txt`, a copy of
`shared/seeds/hasselby-vallingby-handlingsplan-2017.ocr.txt`, or a path given),
proposes it as a plan of the VBE programme, and compares the proposal with
`src/planregistry/defaults/hasselby_vallingby_2017.json`:

    .venv/bin/python benchmarks/import_seed.py [OCR-FILE] [--details]

Prints activity rows found/right, top-level headings found/right, and words restored
right/wrong (and missed), as counted by `planregistry.importing.yardstick`.
"""

from __future__ import annotations

import sys
import time
from importlib.resources import files
from pathlib import Path

from planregistry.defaults.demo import read_seed
from planregistry.defaults.programme_vbe import VBE
from planregistry.importing import read_document, source_of
from planregistry.importing.recognise import recognise
from planregistry.importing.yardstick import measure

DEFAULT = Path(str(files("planregistry.defaults").joinpath("hasselby_vallingby_2017.ocr.txt")))


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else DEFAULT
    if not path.exists():
        print(f"Hittar inte {path}; ange sökvägen till OCR-texten.", file=sys.stderr)
        return 2
    data = path.read_bytes()
    started = time.perf_counter()
    document = read_document(data, path.name)
    proposal = recognise(document, VBE, source_of(data, path.name, document), cycle_year=2017)
    elapsed = time.perf_counter() - started
    figures = measure(proposal, document, read_seed("hasselby_vallingby_2017.json"))
    print(f"source: {path.name} ({len(data)} bytes, read and recognised in {elapsed:.1f} s)")
    print(
        f"activity rows: expected {figures.rows_expected}, found {figures.rows_found}, "
        f"right {figures.rows_right} (right with definite forms of actors tolerated: "
        f"{figures.rows_right_lenient})"
    )
    print(
        f"top-level headings: expected {figures.headings_expected}, "
        f"found {figures.headings_found}, right {figures.headings_right}"
    )
    print(
        f"words compared: {figures.words_compared}; restored right "
        f"{figures.words_restored_right}, restored wrong {figures.words_restored_wrong}, "
        f"missed {figures.words_missed}"
    )
    if "--details" in argv:
        for row in figures.rows:
            flags = "".join(
                mark if ok else "-"
                for mark, ok in (
                    ("L", row.level),
                    ("R", row.responsible),
                    ("P", row.partners),
                    ("p", row.partners_lenient),
                    ("F", row.follow_up_method),
                )
            )
            print(f"  [{flags}] {row.expected[:60]}")
        for was, now, want in figures.wrong_words:
            print(f"  word: {was!r} -> {now!r}, transcription {want!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
