"""The LSA fit of an index build: its BLAS runs on one thread (docs/search.md, "Index build")."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import TruncatedSVD
from threadpoolctl import threadpool_info, threadpool_limits

from zhichan.corpus.store import Snapshot
from zhichan.search import similar


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
