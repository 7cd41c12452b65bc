"""The LSA fit of an index build: its BLAS runs on one thread, and with worker processes it runs beside
the document stage (docs/search.md, "Index build")."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.decomposition import TruncatedSVD
from threadpoolctl import threadpool_info, threadpool_limits

from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot
from zhichan.search import build as build_module
from zhichan.search import service, similar
from zhichan.search.build import build_index
from zhichan.search.layout import index_path, index_root

from . import corpus


def test_the_svd_runs_on_one_blas_thread(ref_snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    fit = TruncatedSVD.fit

    def spy(self: TruncatedSVD, *args: object, **kwargs: object) -> TruncatedSVD:
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(TruncatedSVD, "fit", spy)
    # the process's BLAS may use two threads (as on a 2-core machine): the fit must still use one
    with threadpool_limits(limits=2, user_api="blas"):
        projection = similar.fit_projection(ref_snapshot)
        after = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert seen and set(seen) == {1}
    assert after and set(after) == {2}  # the limit is the fit's only
    assert projection.components.shape[0] > 1 and np.any(projection.components)


def test_a_build_fits_the_projection_while_the_workers_prepare_documents(
        ref_snapshot: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With worker processes the fit runs beside the document stage: batches prepared before it ends
    keep their bigram counts and are projected when it does — the same vectors, hits and scores as
    the build that fits first (the reference corpus, built in-process)."""
    snapshot = build_snapshot(tmp_path / "var", patents=corpus.patents(), events=corpus.events())
    first_batch = threading.Event()
    fit = similar.fit_projection

    def slow_fit(*args: Any, **kwargs: Any) -> similar.Projection:
        first_batch.wait(timeout=30)  # the fit ends only once documents have been prepared without it
        return fit(*args, **kwargs)

    monkeypatch.setattr(similar, "fit_projection", slow_fit)
    monkeypatch.setattr(build_module, "CHUNK_ROWS", 2)  # several batches from the small corpus

    def progress(done: int, total: int | None) -> None:
        first_batch.set()

    path = build_index(snapshot, workers=2, progress=progress)
    info = json.loads((path / "index.json").read_text("utf-8"))
    assert 0 < info["timings"]["vectors_deferred_rows"] <= len(corpus.patents())
    reference = index_path(ref_snapshot)
    assert reference is not None and "vectors_deferred_rows" not in json.loads(
        (reference / "index.json").read_text("utf-8"))["timings"]
    assert np.array_equal(np.load(path / "vectors.npy"), np.load(reference / "vectors.npy"))
    for query in ("电池", "锂离子电池", "PA=成都 OR IPC=H01M"):
        ours = service.search(query, snapshot=snapshot, page_size=50)
        theirs = service.search(query, snapshot=ref_snapshot, page_size=50)
        assert [(h.application_number, round(h.score, 4)) for h in ours.hits] == [
            (h.application_number, round(h.score, 4)) for h in theirs.hits]
    number = corpus.patents()[0]["application_number"]
    assert service.similar(application_number=number, snapshot=snapshot) == service.similar(
        application_number=number, snapshot=ref_snapshot)


def test_a_failed_fit_beside_the_workers_leaves_no_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = build_snapshot(tmp_path / "var", patents=corpus.patents(), events=corpus.events())

    def boom(*args: Any, **kwargs: Any) -> similar.Projection:
        raise RuntimeError("disk full")

    monkeypatch.setattr(similar, "fit_projection", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build_index(snapshot, workers=2)
    assert index_path(snapshot) is None
    assert not [p for p in index_root(snapshot).rglob(".tmp-*")]
