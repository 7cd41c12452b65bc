"""A larger file of the commercial export layout made from a smaller one: the file ×K, every
copy after the first with its application numbers renumbered (a cheap 10M file from the 1M export).

Copy 0 is the file itself. In copy k each record's own number ``CN`` + year + kind digit +
7-digit serial keeps its year and kind digit (so the filing date and the patent type still agree
with it) and gets the serial ``serial + k × 1,234,567 (mod 10⁷)`` — or, when that number is
already taken by an earlier copy or the original, the next free serial — and the check
character of the new number. No two records share a number: nothing is rejected as a
duplicate. Everything else in a copy (the text, the dates, 序号, the publication numbers) is
the original's: the result is labelled as a replicated file, not as a corpus of distinct
patents (its text repeats every 1/K of the file, which makes addresses and names repeat too).

    .venv/bin/python benchmarks/corpus_replicate_export.py /work/benchdata/import-1m/export.csv 10 \
        /work/benchdata/s9-import/export-10m.csv
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zhichan.corpus.validate import check_character

#: a record's own number, the 申请号 cell (the layout's only cell of this form; the copy's
#: numbers are checked to be exactly the original's count)
NUMBER = re.compile(rb",CN(\d{12})\.[0-9X],")
STEP = 1_234_567


def renumbered(originals: np.ndarray, copies: int) -> list[np.ndarray]:
    """For each copy after the first, the new 12-digit numbers, aligned with ``originals``."""
    used = set(originals.tolist())
    prefix, serial = originals // 10**7, originals % 10**7
    out = []
    for k in range(1, copies):
        candidates = prefix * 10**7 + (serial + k * STEP) % 10**7  # one-to-one within a prefix
        taken = np.isin(candidates, np.fromiter(used, dtype=np.int64, count=len(used)))
        for i in np.flatnonzero(taken):
            p, s = divmod(int(candidates[i]), 10**7)
            while p * 10**7 + s in used:
                s = (s + 1) % 10**7
            candidates[i] = p * 10**7 + s
        used.update(candidates.tolist())
        out.append(candidates)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("copies", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    data = args.source.read_bytes()
    found = [m.group(1) for m in NUMBER.finditer(data)]
    originals = np.array([int(d) for d in found], dtype=np.int64)
    if len(set(found)) != len(found):
        raise SystemExit("the source repeats an application number")
    header_end = data.index(b"\n") + 1
    body = data[header_end:]
    with open(args.target, "wb") as out:
        out.write(data)
        for k, numbers in enumerate(renumbered(originals, args.copies), start=1):
            new = {old: f"{n:012d}".encode() for old, n in zip(found, numbers.tolist(), strict=True)}
            count = 0

            def swap(m: re.Match[bytes], new: dict[bytes, bytes] = new) -> bytes:
                nonlocal count
                count += 1
                digits = new[m.group(1)]
                return b",CN" + digits + b"." + check_character(digits.decode()).encode() + b","

            out.write(NUMBER.sub(swap, body))
            if count != len(found):
                raise SystemExit(f"copy {k}: {count} numbers replaced, {len(found)} expected")
            print(f"copy {k}: {count:,} numbers renumbered ({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"{args.target}: {len(found) * args.copies:,} records, {args.target.stat().st_size / 1e9:.2f} GB, "
          f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
