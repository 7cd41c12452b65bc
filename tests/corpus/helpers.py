"""Helpers for corpus tests."""

from __future__ import annotations

import csv
from pathlib import Path


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def generated_export(folder: Path, patents: int, seed: int) -> tuple[list[str], list[list[str]]]:
    """A generated corpus of ``patents`` exported to the commercial layout: its header and rows."""
    from zhichan.corpus.exporting import export_commercial
    from zhichan.corpus.generator import generate
    from zhichan.corpus.store import CorpusStore

    source = generate(patents, seed, store=CorpusStore(folder / "source"))
    export_commercial(source, folder / "export.csv")
    with open(folder / "export.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]
