"""How the merge of a first import's sorted parts would read a file of the commercial layout, from its
application numbers alone (no import): the batches as the reader cuts them, each sorted, in row groups
of ``KEY_ROW_GROUP_ROWS``, the ranges of ``MERGE_RANGE_ROWS`` chosen by the groups' minima as
``importing._sorted_part_ranges`` chooses them. Prints, for that file:

- the rows the session-11 merge read (each group again for every range it reaches; it fell back to
  DuckDB's sort above 1.5× the rows — the 10M replica: 1.650×),
- the most rows of whole groups the merge now holds read but not yet written (it reads each group once;
  it falls back above ``MERGE_HELD_FACTOR`` × a range).

    .venv/bin/python benchmarks/import_merge_reads.py /work/benchdata/s10-10m/export-10m.csv
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zhichan.corpus import importing
from zhichan.corpus.importers.columnar import READ_BLOCK_BYTES
from zhichan.corpus.store import KEY_ROW_GROUP_ROWS
from zhichan.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    with open(args.csv, encoding="utf-8-sig") as fh:
        header = fh.readline().rstrip("\n").split(",")
    reader = pacsv.open_csv(
        args.csv,
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=READ_BLOCK_BYTES),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(include_columns=["申请号"], column_types={"申请号": pa.string()}),
    )
    batch_rows = get_settings().import_batch_rows
    groups: list[tuple[str, str, int]] = []  # (min, max, rows) of each row group the workers would write

    def stage(pending: list[pa.RecordBatch]) -> None:
        numbers = pa.chunked_array([b.column(0) for b in pending]).combine_chunks()
        numbers = numbers.take(pc.sort_indices(numbers))
        for i in range(0, len(numbers), KEY_ROW_GROUP_ROWS):
            group = numbers.slice(i, KEY_ROW_GROUP_ROWS)
            groups.append((group[0].as_py(), group[-1].as_py(), len(group)))

    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in reader:
        pending.append(batch)
        size += batch.num_rows
        if size >= batch_rows:
            stage(pending)
            pending, size = [], 0
    if pending:
        stage(pending)
    groups.sort(key=lambda g: g[0])
    total = sum(g[2] for g in groups)
    bounds: list[str] = []
    rows = 0
    for low, _, n in groups:
        if rows >= importing.MERGE_RANGE_ROWS and (not bounds or low > bounds[-1]):
            bounds.append(low)
            rows = 0
        rows += n
    ranges = list(zip([None, *bounds], [*bounds, None], strict=True))
    read = sum(g[2] for lo, hi in ranges for g in groups if (hi is None or g[0] < hi) and (lo is None or g[1] >= lo))
    lows, highs = np.array([g[0] for g in groups]), np.array([g[1] for g in groups])
    sizes = np.array([g[2] for g in groups])
    held = max((int(sizes[(lows < b) & (highs >= b)].sum()) for b in bounds), default=0)
    print(f"{args.csv}: {total:,} rows, {len(groups):,} row groups, {len(ranges)} ranges of ~{importing.MERGE_RANGE_ROWS:,}")
    print(f"the session-11 merge would read {read / total:.3f}× the rows (DuckDB's sort above 1.5×)")
    print(f"the merge now holds at most {held:,} rows of whole groups read and not yet written "
          f"(DuckDB's sort above {importing.MERGE_HELD_FACTOR * importing.MERGE_RANGE_ROWS:,.0f}); "
          f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
