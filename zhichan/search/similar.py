"""Similar patents (相似专利) from a patent or free text: corpus-trained semantic vectors.

Why not a pretrained model: no permissively licensed Chinese sentence model that is fast on CPU
ships inside a PyPI wheel (STACK-NOTES.md, "Embeddings"), and nothing may download weights at
run time. The default is therefore trained on the snapshot itself, offline, at index build:

    character bigrams of title + abstract + first claim (HashingVectorizer, 2^17 buckets)
    → TF-IDF (idf fitted on the corpus) → TruncatedSVD to 128 dimensions (LSA) → L2-normalized

Vectors are stored with the index (``vectors.npy``, float32, memory-mapped) together with the
projection (``lsa.npz``), so free text is projected the same way. Nearest neighbours are exact:
a chunked matrix-vector product (1M × 128 ≈ 0.5 GB, ~0.1 s on 2 cores) — no ANN library needed
at this scale. Optional model path: docs/search.md ("Similar patents: using a model").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

from zhichan.corpus.store import Snapshot, iter_batches
from zhichan.search import fields as F

N_FEATURES = 2**17
DIMENSIONS = 128
FIT_SAMPLE = 50_000
_TEXT_COLUMNS = ("title", "abstract", "first_claim")


@dataclass(frozen=True)
class SimilarHit:
    application_number: str
    title: str
    score: float  # cosine similarity in the LSA space, -1…1


def _vectorizer():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer="char", ngram_range=(2, 2), n_features=N_FEATURES, alternate_sign=False,
                             norm=None, preprocessor=F.fold)


def _texts(batch) -> list[str]:
    cols = [batch.column(c).to_pylist() for c in _TEXT_COLUMNS]
    return [" ".join(t for t in parts if t) for parts in zip(*cols, strict=True)]


class _Projection:
    def __init__(self, idf: np.ndarray, components: np.ndarray) -> None:
        self.idf = idf.astype(np.float32)
        self.components = components.astype(np.float32)
        self.vectorizer = _vectorizer()

    def transform(self, texts: list[str]) -> np.ndarray:
        counts = self.vectorizer.transform(texts)
        counts.data = np.log1p(counts.data)  # sublinear tf
        weighted = counts.multiply(self.idf).tocsr()
        dense = np.asarray(weighted @ self.components.T, dtype=np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return dense / norms

    @classmethod
    def load(cls, path: Path) -> _Projection:
        data = np.load(path / "lsa.npz")
        return cls(data["idf"], data["components"])


def build_vectors(snapshot: Snapshot, folder: Path, seed: int = 0) -> None:
    """Fit the projection on (a sample of) the snapshot and write every patent's vector."""
    from sklearn.decomposition import TruncatedSVD

    vectorizer = _vectorizer()
    total = snapshot.counts.get("patents", 0)
    step = max(1, total // FIT_SAMPLE)
    sample, df = [], np.zeros(N_FEATURES, dtype=np.int64)
    for batch in iter_batches(snapshot, "patents", _TEXT_COLUMNS):
        counts = vectorizer.transform(_texts(batch))
        df += np.bincount(counts.indices, minlength=N_FEATURES)
        sample.append(counts[::step])
    n = max(total, 1)
    idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
    if sample and total > 2:
        import scipy.sparse as sp

        matrix = sp.vstack(sample).tocsr().astype(np.float32)
        matrix.data = np.log1p(matrix.data)
        matrix = matrix.multiply(idf).tocsr()
        k = min(DIMENSIONS, matrix.shape[0] - 1, N_FEATURES - 1)
        svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=2, random_state=seed)
        svd.fit(matrix)
        components = svd.components_.astype(np.float32)
    else:
        components = np.zeros((1, N_FEATURES), dtype=np.float32)
    np.savez(folder / "lsa.npz", idf=idf, components=components)
    projection = _Projection(idf, components)
    vectors = np.lib.format.open_memmap(folder / "vectors.npy", mode="w+", dtype=np.float32,
                                        shape=(total, components.shape[0]))
    offset = 0
    for batch in iter_batches(snapshot, "patents", _TEXT_COLUMNS):
        block = projection.transform(_texts(batch))
        vectors[offset:offset + len(block)] = block
        offset += len(block)
    vectors.flush()
    del vectors


def nearest(vectors: np.ndarray, query: np.ndarray, k: int, exclude: int | None = None,
            chunk: int = 262_144) -> list[tuple[int, float]]:
    """Exact top-``k`` rows of ``vectors`` by dot product with ``query`` (chunked)."""
    best_rows: list[np.ndarray] = []
    best_scores: list[np.ndarray] = []
    for start in range(0, len(vectors), chunk):
        scores = np.asarray(vectors[start:start + chunk]) @ query
        if exclude is not None and start <= exclude < start + len(scores):
            scores[exclude - start] = -np.inf
        take = min(k, len(scores))
        top = np.argpartition(-scores, take - 1)[:take]
        best_rows.append(top + start)
        best_scores.append(scores[top])
    if not best_rows:
        return []
    rows = np.concatenate(best_rows)
    scores = np.concatenate(best_scores)
    order = np.argsort(-scores, kind="stable")[:k]
    return [(int(rows[i]), float(scores[i])) for i in order if np.isfinite(scores[i])]


def similar_rows(index_path: Path, ids, *, application_number: str | None, text: str | None,
                 k: int) -> list[tuple[int, float]]:
    vectors = np.load(index_path / "vectors.npy", mmap_mode="r")
    exclude = None
    if application_number is not None:
        found = pc.index(ids, application_number).as_py()
        if found < 0:
            from zhichan.search.errors import PatentNotFound

            raise PatentNotFound(f"没有申请号为 {application_number} 的专利 / no patent {application_number}")
        query = np.asarray(vectors[found], dtype=np.float32)
        exclude = found
    else:
        query = _Projection.load(index_path).transform([text or ""])[0]
    if not np.any(query):
        return []
    return nearest(vectors, query, k, exclude)
