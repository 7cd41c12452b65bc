"""A build whose worker processes index their own segments equals the in-process build.

From 100,000 patents each worker process prepares its batches *and* adds them to its own tantivy
index; the build ends by listing every worker's segments in one ``meta.json``
(:func:`zhichan.search.build._adopt_segments`). Segments are self-contained and BM25 sums its
statistics over the searcher's segments, so hits, scores, facets, display rows and vectors must be
those of the in-process build — checked on every example of the query-language page.
"""

from __future__ import annotations

import json
import queue
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.feather as feather
import pytest
import tantivy

from tests.helpers import wait_for
from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot
from zhichan.parallel import to_ipc
from zhichan.search import build as build_module
from zhichan.search import service
from zhichan.search.build import _adopt_segments, _batches, build_index
from zhichan.search.highvalue import flags_by_patent, high_value_table
from zhichan.search.index import SearchIndex
from zhichan.search.layout import index_path, register_tokenizers, schema
from zhichan.search.prepare import COLUMNS, worker_index

from . import corpus
from .reference_doc import valid_queries

SORTS = ("relevance", "date_desc", "date_asc")


def _answers(snapshot: Snapshot, query: str, sort: str) -> tuple[Any, ...]:
    result = service.search(query, snapshot=snapshot, page_size=100, sort=sort, exact_facets=True)
    hits = [(h.application_number, round(h.score, 5) if sort == "relevance" else None, h.title, h.snippet_html)
            for h in result.hits]
    if sort != "relevance":  # equal dates are in tantivy's document order, which no build fixes: compare as sets
        hits = sorted(hits, key=repr)
    return result.total, hits, {k: [(v.value, v.count) for v in vs] for k, vs in result.facets.items()}


def _same_as_reference(snapshot: Snapshot, reference: Snapshot) -> int:
    queries = valid_queries()
    assert len(queries) > 50
    for query in queries:
        for sort in SORTS:
            assert _answers(snapshot, query, sort) == _answers(reference, query, sort), (query, sort)
    ours, theirs = index_path(snapshot), index_path(reference)
    assert ours is not None and theirs is not None
    assert np.allclose(np.load(ours / "vectors.npy"), np.load(theirs / "vectors.npy"), atol=1e-6)
    assert feather.read_table(ours / "ids.arrow").equals(feather.read_table(theirs / "ids.arrow"))
    names = feather.read_table(ours / "facet_names.arrow").sort_by("key")
    assert names.equals(feather.read_table(theirs / "facet_names.arrow").sort_by("key"))
    return len(queries)


def test_a_build_whose_workers_index_their_own_segments_equals_the_in_process_build(
        ref_snapshot: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 2 patents: the 16 reference patents reach the workers as 8 batches."""
    monkeypatch.setattr(build_module, "CHUNK_ROWS", 2)
    snapshot = build_snapshot(tmp_path / "var", patents=corpus.patents(), events=corpus.events())
    path = build_index(snapshot, workers=2)
    info = json.loads((path / "index.json").read_text("utf-8"))
    assert info["workers"] == 2 and info["timings"]["segments_adopted"] >= 1
    assert "prepare_cpu: add_json" in info["timings"] and info["timings"]["workers_cpu"] > 0
    assert len(info["peak_rss"]["workers_mb"]) == 2
    # their own memory, apart from the pages of the files they wrote (Linux /proc)
    anonymous = info["peak_rss"]["workers_anonymous_mb"]
    assert all(0 < a <= r for a, r in zip(anonymous, info["peak_rss"]["workers_mb"], strict=True))
    assert 0 < info["peak_rss"]["main_anonymous_mb"] <= info["peak_rss"]["main_mb"]
    assert not (path / "parts").exists()
    meta = json.loads((path / "tantivy" / "meta.json").read_text("utf-8"))
    managed = set(json.loads((path / "tantivy" / ".managed.json").read_text("utf-8")))
    for segment in meta["segments"]:  # every segment's files moved in and managed
        files = list((path / "tantivy").glob(segment["segment_id"].replace("-", "") + ".*"))
        assert files and {f.name for f in files} <= managed
    _same_as_reference(snapshot, ref_snapshot)
    SearchIndex._cache.pop(snapshot.id, None)


def test_the_projection_fitted_while_the_workers_index_gives_the_same_vectors(
        ref_snapshot: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full build fits the similarity projection in a thread while the workers already index; the
    batches they took before it was ready get their vectors afterwards. Made certain here: the fit waits
    until a first batch has been indexed. Hits, scores, facets, display rows and vectors equal the
    in-process build's."""
    import threading

    monkeypatch.setattr(build_module, "CHUNK_ROWS", 2)
    indexed = threading.Event()
    fit = build_module._fit

    def late_fit(snapshot: Snapshot, folder: Path) -> Path:
        assert indexed.wait(120), "no batch was indexed before the projection"
        return fit(snapshot, folder)

    monkeypatch.setattr(build_module, "_fit", late_fit)
    snapshot = build_snapshot(tmp_path / "var", patents=corpus.patents(), events=corpus.events())
    path = build_index(snapshot, workers=2, progress=lambda done, total: indexed.set())
    timings = json.loads((path / "index.json").read_text("utf-8"))["timings"]
    assert timings["prepare_cpu: vectors (after the fit)"] >= 0 and timings["lsa_fit"] > 0
    _same_as_reference(snapshot, ref_snapshot)
    SearchIndex._cache.pop(snapshot.id, None)


def test_a_failing_fit_stops_the_build_with_its_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The projection fitted beside the workers fails: the build raises its error, keeps no temporary
    folder and leaves no worker behind."""
    import multiprocessing

    def failing_fit(snapshot: Snapshot, folder: Path) -> Path:
        raise ValueError("the sample holds no text")

    monkeypatch.setattr(build_module, "CHUNK_ROWS", 2)
    monkeypatch.setattr(build_module, "_fit", failing_fit)
    snapshot = build_snapshot(tmp_path / "var", patents=corpus.patents(), events=corpus.events())
    with pytest.raises(ValueError, match="holds no text"):
        build_index(snapshot, workers=2)
    assert index_path(snapshot) is None
    assert not list((tmp_path / "var").rglob(".tmp-*"))
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("zhichan-index-")]


def test_segments_of_several_indexes_listed_in_one_score_as_one_index(ref_snapshot: Snapshot, tmp_path: Path) -> None:
    """The adoption itself, made deterministic: two workers run in this process (thread queues), the
    batches dealt alternately, each writing its own index; their segments adopted into an empty index
    that replaces the in-process build's tantivy folder. Every example query, in every sort, answers
    as the in-process build (hits, scores, facets)."""
    reference = index_path(ref_snapshot)
    assert reference is not None
    hv = flags_by_patent(high_value_table(ref_snapshot))
    parts = [tmp_path / "w0", tmp_path / "w1"]
    results: queue.Queue[tuple[Any, ...]] = queue.Queue()
    tasks: list[queue.Queue[Any]] = [queue.Queue(), queue.Queue()]
    row0 = 0
    for i, batch in enumerate(_batches(ref_snapshot, COLUMNS, 3)):
        tasks[i % 2].put((to_ipc(batch), row0))
        row0 += batch.num_rows
    assert row0 == 16
    for k, folder in enumerate(parts):
        folder.mkdir()
        tasks[k].put(None)
        worker_index(k, str(folder), 15_000_000, 1, hv, None, None, tasks[k], results)
    done: list[tuple[Any, ...]] = []
    while not results.empty():
        message = results.get_nowait()
        assert message[0] in ("batch", "done"), message
        done += [message] if message[0] == "done" else []
    assert len(done) == 2
    # a build folder like the reference's, its tantivy folder an empty index that adopts the parts
    snapshot = build_snapshot(tmp_path / "var", patents=corpus.patents(), events=corpus.events())
    build_index(snapshot, with_vectors=True)  # the same display files, vectors and CURRENT pointer
    path = index_path(snapshot)
    assert path is not None
    shutil.rmtree(path / "tantivy")
    (path / "tantivy").mkdir()
    tantivy.Index(schema(), path=str(path / "tantivy"), reuse=False)
    assert _adopt_segments(path / "tantivy", parts) == 2
    index = tantivy.Index.open(str(path / "tantivy"))
    register_tokenizers(index)
    assert index.searcher().num_docs == 16 and index.searcher().num_segments == 2
    SearchIndex._cache.pop(snapshot.id, None)
    _same_as_reference(snapshot, ref_snapshot)
    SearchIndex._cache.pop(snapshot.id, None)


def test_an_incremental_build_with_workers_equals_a_full_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental build whose new and changed patents go to worker processes: the base's segments
    (with the changed and removed patents deleted) and the workers' segments in one index, rows after
    the base's — every example answers as an in-process full build of the same snapshot."""
    from .test_incremental_build import _snapshots

    monkeypatch.setattr(build_module, "INCREMENTAL_MAX_SHARE", 1.0)
    monkeypatch.setattr(build_module, "CHUNK_ROWS", 1)
    a, b = _snapshots(tmp_path / "inc" / "var", 1)
    build_index(a)
    path = build_index(b, workers=2)
    info = json.loads((path / "index.json").read_text("utf-8"))
    assert info["incremental"]["added"] == 2 and info["workers"] == 2 and info["rows"] == 18
    full = _snapshots(tmp_path / "full" / "var", 1)[1]
    build_index(full, workers=1, full=True)
    queries = valid_queries()
    for query in queries:
        got = service.search(query, snapshot=b, page_size=100, exact_facets=True)
        want = service.search(query, snapshot=full, page_size=100, exact_facets=True)
        assert got.total == want.total, query
        assert sorted(h.application_number for h in got.hits) == sorted(h.application_number for h in want.hits)
        assert {k: [(v.value, v.count) for v in vs] for k, vs in got.facets.items()} == \
            {k: [(v.value, v.count) for v in vs] for k, vs in want.facets.items()}, query
    vectors = np.load(path / "vectors.npy")
    assert np.isnan(vectors[[0, 15]]).all()  # the dead rows
    assert np.allclose(np.linalg.norm(vectors[16:], axis=1), 1, atol=1e-4)  # the added rows, written by the workers
    for snapshot in (a, b, full):
        SearchIndex._cache.pop(snapshot.id, None)


def test_a_failing_worker_stops_the_build_with_its_error(ref_snapshot: Snapshot, tmp_path: Path) -> None:
    """A worker that fails (here: its projection file is missing) reports its traceback; the build
    raises it instead of waiting, and no worker outlives the call."""
    import multiprocessing

    from zhichan.errors import ZhichanError
    from zhichan.search.build import _DisplayWriter, _index_in_workers

    sink = _DisplayWriter(tmp_path / "ids.arrow")
    with pytest.raises(ZhichanError, match="index worker") as failed:
        _index_in_workers(ref_snapshot, {}, tmp_path / "missing.npz", None, 2, sink, tmp_path / "parts",
                          heap_bytes=100_000_000, threads=2, first_row=0, only=None, on_batch=lambda size, names: None)
    assert "missing.npz" in str(failed.value)
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("zhichan-index-")]


_ORPHAN_SCRIPT = """
import multiprocessing, signal, sys
from zhichan.search.prepare import worker_index

if __name__ == "__main__":
    context = multiprocessing.get_context("spawn")
    tasks, results = context.Queue(), context.Queue()
    workers = [context.Process(target=worker_index, args=(k, sys.argv[1] + f"/w{k}", 15_000_000, 1, {}, None, None,
                                                          tasks, results), daemon=True) for k in range(2)]
    for process in workers:
        process.start()
    print(" ".join(str(p.pid) for p in workers), flush=True)
    signal.pause()  # until killed
"""


def _running(pid: int) -> bool:
    """Whether process ``pid`` runs (not gone, not a zombie waiting for a parent to reap it)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_exit_when_the_building_process_is_killed(tmp_path: Path) -> None:
    """A building process killed outright (out of memory, SIGKILL) cannot stop its workers; each would
    wait for a batch forever, holding its writer's heap. They notice and exit."""
    import contextlib
    import os
    import signal
    import subprocess
    import sys

    for k in range(2):
        (tmp_path / f"w{k}").mkdir()
    script = tmp_path / "build.py"
    script.write_text(_ORPHAN_SCRIPT, "utf-8")
    pids: list[int] = []
    root = str(Path(__file__).resolve().parents[2])  # this checkout's code, not an installed copy
    building = subprocess.Popen([sys.executable, str(script), str(tmp_path)], stdout=subprocess.PIPE, text=True,
                                cwd=root, env={**os.environ, "PYTHONPATH": root})
    try:
        assert building.stdout is not None
        pids += [int(p) for p in building.stdout.readline().split()]
        assert len(pids) == 2
        # each worker has made its index (meta.json) and goes on to wait for batches
        wait_for(lambda: all((tmp_path / f"w{k}" / "meta.json").exists() for k in range(2)), what="the workers' indexes")
        assert all(_running(pid) for pid in pids)
        os.kill(building.pid, signal.SIGKILL)
        building.wait()
        wait_for(lambda: not any(_running(pid) for pid in pids), timeout=20, what="the orphaned workers to exit")
    finally:
        if building.poll() is None:
            building.kill()
        if building.stdout is not None:
            building.stdout.close()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
