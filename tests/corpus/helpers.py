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


def as_float64_amounts(snapshot_path: Path) -> None:
    """Rewrite a snapshot's events (part files and key index) as a writer did before amounts were exact."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from zhichan.corpus.keyindex import index_path

    for part in sorted((snapshot_path / "events").glob("part-*.parquet")):
        table = pq.read_table(part)
        i = table.column_names.index("amount_yuan")
        floats = pa.array([None if v is None else float(v) for v in table.column(i).to_pylist()], pa.float64())
        pq.write_table(table.set_column(i, pa.field("amount_yuan", pa.float64()), floats), part)
    index = pa.ipc.open_file(pa.py_buffer(index_path(snapshot_path, "events").read_bytes())).read_all()
    i = index.column_names.index("amount_yuan")
    index = index.set_column(i, pa.field("amount_yuan", pa.float64()), index.column(i).cast(pa.float64()))
    with pa.OSFile(str(index_path(snapshot_path, "events")), "wb") as sink, pa.ipc.new_file(sink, index.schema) as out:
        out.write_table(index)
