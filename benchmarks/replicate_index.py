"""A search index of ten times the patents, made in minutes from a built one: every tantivy segment
of the source build copied ``--copies`` times under new segment ids and listed in ``meta.json`` —
for measuring search at 10M (benchmarks/search_bench.py) without a ~45-minute 10M build.

    .venv/bin/python benchmarks/replicate_index.py --source /work/benchdata/facets-1m \\
        --target /work/benchdata/search8-10m --copies 10

What it is, and what it is not (say so wherever a figure from it is quoted: "the 1M index
replicated ten times"):
- Every posting list, every facet count and every hit total is exactly ``copies`` × the source's;
  the document frequencies and the document count grow alike, so BM25 scores are the source's
  (each score occurs ``copies`` times). The query does the work of a 10M index: it visits 10× the
  postings in 10× the segments (a real build merges into fewer, larger segments: per-segment costs
  here are, if anything, higher).
- The segment files are *copied*, not linked, so the page cache holds 10× the bytes, as at 10M.
- Each copy keeps its documents' ``row`` and ``sample`` values: a hit of any copy names a row of the
  source's ``ids.arrow``, so the display columns, applicant names and high-value flags are the
  source's files, linked (read only). Estimated facets sample the same share of every copy.
- The corpus folder is the source's, linked: its snapshot still holds the source's patents, so the
  DuckDB paths (export, scan search, recall ground truth) see 1M — only the index paths are 10×.
Nothing in the source is written. The target must not exist.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
import uuid
from pathlib import Path

#: the files of a build folder other than ``tantivy/`` and ``index.json``: linked to the source's
SHARED = ("ids.arrow", "facet_names.arrow", "high_value.parquet", "lsa.npz", "vectors.npy")


def replicate(source: Path, target: Path, copies: int) -> Path:
    """Make ``target`` (a data directory: ``corpus`` and ``index``) from the data directory
    ``source``; return the new build folder."""
    if target.exists():
        raise SystemExit(f"{target} exists: choose a new --target")
    snapshot_id = (source / "corpus" / "CURRENT").read_text("utf-8").strip()
    folder = source / "index" / snapshot_id
    build = folder / (folder / "CURRENT").read_text("utf-8").strip()
    info = json.loads((build / "index.json").read_text("utf-8"))
    meta = json.loads((build / "tantivy" / "meta.json").read_text("utf-8"))

    (target / "corpus" / "snapshots").mkdir(parents=True)
    for name in ("CURRENT", "history.jsonl"):
        shutil.copy2(source / "corpus" / name, target / "corpus" / name)
    (target / "corpus" / "snapshots" / snapshot_id).symlink_to(source / "corpus" / "snapshots" / snapshot_id)

    name = f"{build.name}-x{copies}"
    out = target / "index" / snapshot_id / name
    (out / "tantivy").mkdir(parents=True)
    for shared in SHARED:
        if (build / shared).exists():
            (out / shared).symlink_to(build / shared)
    segments, files = [], []
    for copy in range(copies):
        for segment in meta["segments"]:
            old = segment["segment_id"].replace("-", "")
            new = uuid.uuid4() if copy else uuid.UUID(segment["segment_id"])
            if segment.get("deletes"):
                raise SystemExit("the source has deleted documents: replicate a build without deletes")
            for path in sorted((build / "tantivy").glob(f"{old}.*")):
                copied = out / "tantivy" / f"{new.hex}{path.suffix}"
                shutil.copyfile(path, copied)
                files.append(copied.name)
            segments.append({**segment, "segment_id": str(new)})
    info.update({"documents": info["documents"] * copies, "build": name,
                 "replicated": {"source": str(build), "copies": copies,
                                "note": f"the source index replicated {copies} times (benchmarks/replicate_index.py)"}})
    publish(out, meta, segments, files, info)
    return out


def publish(out: Path, meta: dict, segments: list[dict], files: list[str], info: dict) -> None:
    """List ``segments`` in the build's ``meta.json`` (``files`` are tantivy's managed files), write its
    ``index.json`` and make the build the snapshot's current one (``out`` is ``index/<snapshot>/<build>``)."""
    meta["segments"] = segments
    (out / "tantivy" / "meta.json").write_text(json.dumps(meta), "utf-8")
    (out / "tantivy" / ".managed.json").write_text(json.dumps([*files, "meta.json"]), "utf-8")
    (out / "index.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")
    os.sync()
    (out.parent / "CURRENT").write_text(out.name, "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, required=True, help="a data directory (corpus/, index/) with a built index")
    ap.add_argument("--target", type=Path, required=True, help="a new data directory")
    ap.add_argument("--copies", type=int, default=10)
    args = ap.parse_args()
    started = time.perf_counter()
    out = replicate(args.source.resolve(), args.target, args.copies)
    size = sum(f.stat().st_size for f in (out / "tantivy").iterdir())
    print(f"{out}: {args.copies} copies, {size / 1e9:.2f} GB of segments, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
