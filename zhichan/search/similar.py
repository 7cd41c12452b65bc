"""Similar patents (相似专利) from a patent or free text: corpus-trained semantic vectors.

Why not a pretrained model: no permissively licensed Chinese sentence model that is fast on CPU
ships inside a PyPI wheel (STACK-NOTES.md, "Embeddings"), and nothing may download weights at
run time. The default is therefore trained on the snapshot itself, offline, at index build:

    character bigrams of title, abstract and first claim (folded; hashed to 2^17 buckets with
    numpy over whole batches) → sublinear TF × IDF → TruncatedSVD to 128 dimensions (LSA; IDF and
    SVD fitted on an evenly spread sample of 50,000 patents) → L2-normalized

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
from zhichan.search.text import END, bigram_strings, blank_spaces, fold_codes

N_FEATURES = 2**17
_BITS = 17
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing of a bigram's two code points
DIMENSIONS = 128
FIT_SAMPLE = 50_000
FIT_FEATURES = 2**15
FEATURES_VERSION = 2  # 1: sklearn HashingVectorizer; 2: numpy bigram hashing (this module)
_TEXT_COLUMNS = ("title", "abstract", "first_claim")


@dataclass(frozen=True)
class SimilarHit:
    application_number: str
    title: str
    score: float  # cosine similarity in the LSA space, -1…1


def counts_from_codes(codes: np.ndarray, lengths: np.ndarray, n_docs: int):
    """Hashed character-bigram counts (CSR, ``n_docs`` × 2^17) of folded, blanked code points.

    ``codes``/``lengths`` hold ``k × n_docs`` texts field-major (all titles, then all abstracts,
    then all claims), each followed by ␃ (see :func:`zhichan.search.text.fold_codes`); text
    ``j`` belongs to document ``j % n_docs``. Bigrams never cross texts and never include ␃.

    The cells (document, bucket) are counted with one in-place sort of their 64-bit keys and
    handed to the CSR constructor in canonical order (rows ascending, columns ascending within a
    row, no duplicates) — the same matrix as scipy's COO → CSR with ``sum_duplicates``, for
    less than half the CPU.
    """
    import scipy.sparse as sp

    pairs = len(codes) - 1  # pair i = (codes[i], codes[i + 1])
    if pairs < 1 or not len(lengths):
        return sp.csr_matrix((max(n_docs, 0), N_FEATURES), dtype=np.float32)
    # one uint64 per pair, in place: the bucket of the bigram in the low bits, its document above
    cells = codes[:-1].astype(np.uint64)
    cells <<= np.uint64(21)
    cells |= codes[1:]
    cells *= _GOLDEN
    cells >>= np.uint64(64 - _BITS)
    docs = np.arange(len(lengths), dtype=np.uint64) % np.uint64(max(n_docs, 1))
    cells |= np.repeat(docs << np.uint64(_BITS), lengths)[:pairs]
    # the pairs (␃, next text's first character) and (last character, ␃) sort to the end, cut off
    ends = np.cumsum(lengths) - 1
    crossing = np.concatenate([ends[ends < pairs], ends[lengths > 1] - 1])
    cells[crossing] = np.uint64(2**63)
    cells.sort()
    cells = cells[:pairs - len(crossing)]
    first = np.empty(len(cells), dtype=bool)
    first[:1] = True
    np.not_equal(cells[1:], cells[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    values = np.diff(starts, append=len(cells)).astype(np.float32)
    cells = cells[starts]
    indptr = np.searchsorted(cells >> np.uint64(_BITS), np.arange(n_docs + 1, dtype=np.uint64))
    matrix = sp.csr_matrix((values, (cells & np.uint64(N_FEATURES - 1)).astype(np.int32), indptr.astype(np.int32)),
                           shape=(n_docs, N_FEATURES))
    matrix.has_canonical_format = True
    return matrix


def counts(titles: list[str], abstracts: list[str], claims: list[str]):
    texts = [t or "" for t in (*titles, *abstracts, *claims)]
    folded = fold_codes(texts)
    if folded is not None:
        return counts_from_codes(blank_spaces(folded[0]), folded[1], len(titles))
    # rare characters (a length-changing lowercase, a lone surrogate): fold text by text
    rebuilt = ["".join(g[0] for g in s.split(" ")) if s else "" for s in bigram_strings(texts)]
    codes = np.frombuffer((END.join(rebuilt) + END).encode("utf-32-le", "replace"), dtype=np.uint32)
    lengths = np.fromiter(map(len, rebuilt), dtype=np.int64, count=len(rebuilt)) + 1
    return counts_from_codes(codes, lengths, len(titles))


class Projection:
    """Sublinear TF × IDF → LSA components → L2 normalization."""

    def __init__(self, idf: np.ndarray, components: np.ndarray) -> None:
        self.idf = idf.astype(np.float32)
        self.components = components.astype(np.float32)
        self._basis = np.ascontiguousarray(self.components.T)

    def transform_counts(self, matrix) -> np.ndarray:
        matrix = matrix.astype(np.float32, copy=True)
        matrix.data = np.log1p(matrix.data) * self.idf[matrix.indices]
        dense = np.asarray(matrix @ self._basis, dtype=np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return dense / norms

    def transform_codes(self, codes: np.ndarray, lengths: np.ndarray, n_docs: int) -> np.ndarray:
        return self.transform_counts(counts_from_codes(codes, lengths, n_docs))

    def transform(self, titles: list[str], abstracts: list[str] | None = None,
                  claims: list[str] | None = None) -> np.ndarray:
        n = len(titles)
        return self.transform_counts(counts(titles, abstracts or [""] * n, claims or [""] * n))

    def save(self, folder: Path) -> Path:
        """``lsa.npz``: the IDF and the components' non-zero columns (the fitted buckets) only."""
        path = folder / "lsa.npz"
        used = np.flatnonzero(np.any(self.components != 0, axis=0)).astype(np.int32)
        np.savez(path, idf=self.idf, columns=used, components=self.components[:, used],
                 version=np.array(FEATURES_VERSION))
        return path

    @classmethod
    def load(cls, path: Path) -> Projection:
        path = path / "lsa.npz" if path.is_dir() else path
        cached = _LOADED.get(path)
        if cached is not None:
            return cached
        data = np.load(path)
        if "version" not in data or int(data["version"]) != FEATURES_VERSION:
            from zhichan.search.errors import IndexMissing

            raise IndexMissing("相似专利向量来自旧版本，请重建索引 / the similarity vectors are from an older "
                               "version: run `zhichan index build`")
        components = data["components"]
        if "columns" in data:
            full = np.zeros((components.shape[0], N_FEATURES), dtype=np.float32)
            full[:, data["columns"]] = components
            components = full
        projection = cls(data["idf"], components)
        _LOADED.clear()  # one projection in memory (64 MB): the current build's
        _LOADED[path] = projection
        return projection


_LOADED: dict[Path, Projection] = {}


def fit_projection(snapshot: Snapshot, sample: int = FIT_SAMPLE, seed: int = 0) -> Projection:
    """IDF and a TruncatedSVD (LSA) fitted on an evenly spread sample of ``sample`` patents."""
    import pyarrow as pa
    from sklearn.decomposition import TruncatedSVD
    from threadpoolctl import threadpool_limits

    total = snapshot.counts.get("patents", 0)
    step = max(1, -(-total // sample))
    parts, offset = [], 0
    for batch in iter_batches(snapshot, "patents", _TEXT_COLUMNS):
        first = (-offset) % step
        take = pa.array(np.arange(first, batch.num_rows, step))
        offset += batch.num_rows
        if len(take):
            picked = batch.take(take)
            parts.append(counts(*(picked.column(c).to_pylist() for c in _TEXT_COLUMNS)))
    import scipy.sparse as sp

    matrix = sp.vstack(parts).tocsr() if parts else sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
    n = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=N_FEATURES)
    idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
    if n > 2 and np.count_nonzero(df) > 2:
        weighted = matrix.astype(np.float32)
        weighted.data = np.log1p(weighted.data) * idf[weighted.indices]
        # the SVD sees the FIT_FEATURES buckets with the highest document frequency (LSA's leading
        # components live there); the others get zero weight. This keeps the randomized SVD's dense
        # factors at sample × 138 instead of 2^17 × 138 — the fit's cost, not its quality.
        keep = np.sort(np.argsort(-df, kind="stable")[:FIT_FEATURES])
        keep = keep[df[keep] > 0]
        k = min(DIMENSIONS, n - 1, len(keep) - 1)
        svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=2, random_state=seed)
        # One BLAS thread: the factors are tall and thin (sample × 138), where OpenBLAS's threads
        # mostly wait on each other — with its default (one per core) the fit took twice the CPU
        # and, on a busy machine, twice the wall time (docs/search.md, "Index build").
        with threadpool_limits(limits=1, user_api="blas"):
            svd.fit(weighted[:, keep])
        components = np.zeros((k, N_FEATURES), dtype=np.float32)
        components[:, keep] = svd.components_
    else:
        components = np.zeros((1, N_FEATURES), dtype=np.float32)
    return Projection(idf, components)


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
        query = Projection.load(index_path).transform([text or ""])[0]
    if not np.any(query):
        return []
    return nearest(vectors, query, k, exclude)
