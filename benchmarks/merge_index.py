"""An index of the same documents in fewer, larger segments, made from a built (or replicated) one —
for measuring what the number of segments costs a search (docs/search.md, "Search at 10M", (k)).

tantivy-py 0.27 exposes no merge call and no merge policy; its writer merges by tantivy's default
``LogMergePolicy``: after a commit, every "level" of at least 8 segments of similar size (up to 10M
documents in all) is merged into one. So each group of ``--groups`` (a number of consecutive
segments, ≥ 8 to be merged; fewer are kept as they are) is hard-linked into a folder of its own whose
``meta.json`` lists only that group, a writer commits nothing there — which makes tantivy merge the
group — and the merged segment is moved into the new build. The groups run in parallel processes.

    PYTHONPATH=. .venv/bin/python benchmarks/merge_index.py --source /work/benchdata/s13-search/r20 \\
        --target /work/benchdata/s13-search/r2 --groups 10 10

The target is a data directory like replicate_index.py's (its corpus and the build's other files
linked to the source's). Nothing in the source is written. The target must not exist.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.replicate_index import publish

SHARED = ("ids.arrow", "facet_names.arrow", "high_value.parquet", "lsa.npz", "vectors.npy")


def _link_segments(build: Path, segments: list[dict], folder: Path) -> list[str]:
    names = []
    for segment in segments:
        for path in sorted(build.glob(f"{segment['segment_id'].replace('-', '')}.*")):
            os.link(path.resolve(), folder / path.name)
            names.append(path.name)
    return names


def _merge(work: str) -> tuple[list[dict], float, float]:
    """Commit nothing in ``work``: tantivy's LogMergePolicy merges its ≥ 8 segments; wall and CPU s."""
    import tantivy

    from zhichan.search.layout import register_tokenizers

    started, cpu = time.perf_counter(), time.process_time()
    index = tantivy.Index.open(work)
    register_tokenizers(index)
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    writer.commit()
    writer.wait_merging_threads()
    meta = json.loads((Path(work) / "meta.json").read_text("utf-8"))
    return meta["segments"], time.perf_counter() - started, time.process_time() - cpu


def merge(source: Path, target: Path, groups: list[int]) -> Path:
    if target.exists():
        raise SystemExit(f"{target} exists: choose a new --target")
    snapshot_id = (source / "corpus" / "CURRENT").read_text("utf-8").strip()
    folder = source / "index" / snapshot_id
    build = folder / (folder / "CURRENT").read_text("utf-8").strip()
    info = json.loads((build / "index.json").read_text("utf-8"))
    meta = json.loads((build / "tantivy" / "meta.json").read_text("utf-8"))
    segments = meta["segments"]
    if sum(groups) != len(segments):
        raise SystemExit(f"the groups hold {sum(groups)} segments, the build {len(segments)}")
    (target / "corpus" / "snapshots").mkdir(parents=True)
    for name in ("CURRENT", "history.jsonl"):
        shutil.copy2(source / "corpus" / name, target / "corpus" / name)
    (target / "corpus" / "snapshots" / snapshot_id).symlink_to(
        (source / "corpus" / "snapshots" / snapshot_id).resolve())
    name = f"{build.name}-m{'-'.join(map(str, groups))}"
    out = target / "index" / snapshot_id / name
    (out / "tantivy").mkdir(parents=True)
    for shared in SHARED:
        if (build / shared).exists():
            (out / shared).symlink_to((build / shared).resolve())
    parts: list[list[dict] | str] = []
    start = 0
    for i, size in enumerate(groups):
        group = segments[start:start + size]
        start += size
        if size < 8:  # the log merge policy would keep them: link them as they are
            _link_segments(build / "tantivy", group, out / "tantivy")
            parts.append(group)
            continue
        work = out / f"work-{i}"
        work.mkdir()
        files = _link_segments(build / "tantivy", group, work)
        (work / "meta.json").write_text(json.dumps({**meta, "segments": group}), "utf-8")
        (work / ".managed.json").write_text(json.dumps([*files, "meta.json"]), "utf-8")
        parts.append(str(work))
    works = [p for p in parts if isinstance(p, str)]
    with ProcessPoolExecutor(max_workers=max(1, min(len(works), os.cpu_count() or 1))) as pool:
        merged = dict(zip(works, pool.map(_merge, works), strict=True))
    listed: list[dict] = []
    for part in parts:
        if isinstance(part, str):
            new, wall, cpu = merged[part]
            print(f"merged {part}: {len(new)} segment(s) {[s['max_doc'] for s in new]} in {wall:.0f} s, {cpu:.0f} CPU-s")
            for segment in new:
                for path in Path(part).glob(f"{segment['segment_id'].replace('-', '')}.*"):
                    os.rename(path, out / "tantivy" / path.name)
            shutil.rmtree(part)
            listed += new
        else:
            listed += part
    files = sorted(p.name for p in (out / "tantivy").iterdir())
    info.update({"build": name, "merged": {"source": str(build), "groups": groups,
                                           "segments": [s["max_doc"] for s in listed]}})
    publish(out, meta, listed, files, info)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, required=True, help="a data directory (corpus/, index/) with a built index")
    ap.add_argument("--target", type=Path, required=True, help="a new data directory")
    ap.add_argument("--groups", type=int, nargs="+", required=True,
                    help="consecutive segments per group: a group of ≥ 8 is merged into one segment")
    args = ap.parse_args()
    started = time.perf_counter()
    out = merge(args.source.resolve(), args.target, args.groups)
    size = sum(f.stat().st_size for f in (out / "tantivy").iterdir())
    print(f"{out}: {size / 1e9:.2f} GB of segments, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
