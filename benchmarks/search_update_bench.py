"""Index update benchmark: a new snapshot indexed from the last build (incremental) beside a full build
of the same snapshot, in one run; the same counts for the mixed query set from both.

    .venv/bin/python benchmarks/search_update_bench.py --patents 200000
    .venv/bin/python benchmarks/search_update_bench.py --corpus /path/var/corpus --root /tmp/upd

With ``--patents`` a synthetic corpus is generated under --root and built in full first (setup, not
timed). With ``--corpus`` an indexed corpus folder is hard-link copied into --root (``cp -al``:
snapshot and index files are never rewritten, so the source is left as it was). Then a new snapshot is
written from the current one — ``--changed`` of the patents with a new title (and content hash),
``--added`` new patents (copies under numbers prefixed ``CN9``), ``--removed`` left out — and indexed
twice: full (the baseline: what every new snapshot cost before) and incremental. Synthetic data only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import time
from pathlib import Path

from zhichan.corpus.store import CorpusStore, Snapshot, duckdb_connect
from zhichan.search import service
from zhichan.search.build import build_index
from zhichan.search.index import SearchIndex
from zhichan.search.layout import index_status

QUERIES = ["TI=电池", "(电池 OR 芯片) AND 材料 NOT 回收", "传感器", "锂", "IPC=H01M AND 材料", "材料", "电动汽车",
           "人工智能", "锂离子电池", "芯片", "AD>=2015", "HV=yes"]


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def derive(store: CorpusStore, changed: float, added: float, removed: float, seed: int = 7) -> Snapshot:
    """A new snapshot of ``store``'s current one with a share of patents changed, added and removed."""
    parent = store.current()
    files = ", ".join(f"'{f.as_posix()}'" for f in parent.files("patents"))
    # a patent's fate from a hash of its number: u in [0, 1)
    u = f"(hash(application_number || '{seed}') % 1000000) / 1000000.0"
    con = duckdb_connect()
    try:
        columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet([{files}])").fetchall()]
        kept = ", ".join(
            f"CASE WHEN {u} < {removed + changed} THEN title || '（变更）' ELSE title END AS title" if c == "title"
            else f"CASE WHEN {u} < {removed + changed} THEN sha256(content_hash || 'changed') ELSE content_hash END "
                 "AS content_hash" if c == "content_hash" else c for c in columns)
        new = ", ".join(
            "'CN9' || substr(application_number, 3) AS application_number" if c == "application_number"
            else "sha256(content_hash || 'new') AS content_hash" if c == "content_hash" else c for c in columns)
        sql = (f"SELECT {kept} FROM read_parquet([{files}]) WHERE {u} >= {removed} UNION ALL "
               f"SELECT {new} FROM read_parquet([{files}]) WHERE {u} >= {1 - added}")
        with store.writer() as writer:
            writer.copy_query("patents", con, f"SELECT * FROM ({sql}) ORDER BY application_number")
            return writer.commit({"source": "benchmark: synthetic update"})
    finally:
        con.close()


def counts(snapshot: Snapshot) -> dict[str, int]:
    return {q: service.search(q, snapshot=snapshot, facets=False).total for q in QUERIES}


def timed_build(snapshot: Snapshot, *, full: bool) -> dict[str, float]:
    t, cpu = time.perf_counter(), _cpu()
    build_index(snapshot, full=full)
    SearchIndex._cache.pop(snapshot.id, None)
    info = index_status(snapshot) or {}
    return {"wall": time.perf_counter() - t, "cpu": _cpu() - cpu, "documents": info.get("documents", 0),
            "bytes": info.get("bytes", 0), "incremental": info.get("incremental")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patents", type=int, default=200_000)
    ap.add_argument("--corpus", type=Path, help="an indexed corpus folder to copy (hard links) instead of generating")
    ap.add_argument("--root", type=Path)
    ap.add_argument("--changed", type=float, default=0.01)
    ap.add_argument("--added", type=float, default=0.005)
    ap.add_argument("--removed", type=float, default=0.001)
    ap.add_argument("--skip-full", action="store_true",
                    help="no full build of the new snapshot (the base build's own figures in index.json are shown)")
    args = ap.parse_args()
    root = args.root or Path(__file__).parent / "out" / f"search-update-{args.patents}"
    os.environ["ZHICHAN_DATA_DIR"] = str(root)
    if args.corpus:
        root.mkdir(parents=True, exist_ok=True)
        for part in ("corpus", "index"):
            if not (root / part).exists():
                subprocess.run(["cp", "-al", str(args.corpus.parent / part), str(root / part)], check=True)
        store = CorpusStore(root / "corpus")
    else:
        from zhichan.corpus.generator import generate

        store = CorpusStore(root / "corpus")
        if store.current_id() is None:
            generate(args.patents, 1, store=store)
        if index_status(store.current()) is None:
            t = time.perf_counter()
            build_index(store.current())
            print(f"setup: base corpus indexed in {time.perf_counter() - t:.0f} s")
    base = store.current()
    t = time.perf_counter()
    new = derive(store, args.changed, args.added, args.removed)
    print(f"new snapshot {new.id}: {new.counts['patents']:,} patents (base {base.counts['patents']:,}), "
          f"written in {time.perf_counter() - t:.0f} s")
    load = os.getloadavg()[0]
    if args.skip_full:
        base_info = index_status(base) or {}
        timings = base_info.get("timings", {})
        full = {"wall": base_info.get("build_seconds", 0.0), "cpu": timings.get("cpu", 0.0),
                "documents": base_info.get("documents", 0), "bytes": base_info.get("bytes", 0)}
        want = None
    else:
        full = timed_build(new, full=True)
        want = counts(new)
    inc = timed_build(new, full=False)
    got = counts(new)
    print(f"load average {load:.1f} → {os.getloadavg()[0]:.1f}")
    print(json.dumps(inc["incremental"], ensure_ascii=False))
    name = "the base's own full build (index.json, another run)" if args.skip_full else "full build (baseline)"
    for label, r in ((name, full), ("incremental", inc)):
        print(f"| {label} | {r['documents']:,} documents | {r['wall']:.1f} s wall | {r['cpu']:.1f} CPU-s | "
              f"{r['bytes'] / 1e6:,.0f} MB |")
    if want is not None:
        print("counts equal:", got == want,
              "" if got == want else {q: (want[q], got[q]) for q in QUERIES if got[q] != want[q]})
    else:
        print("counts:", got)


if __name__ == "__main__":
    main()
