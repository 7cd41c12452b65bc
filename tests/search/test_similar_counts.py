"""The similarity vectors' bigram counts, computed over a whole batch at once, equal a per-document
count written independently: each folded text's character bigrams (whitespace as ▁, never across
texts, never with the end sentinel) hashed to their bucket, summed over title, abstract and claim."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from zhichan.search import similar
from zhichan.search.fields import fold

_SPACE = re.compile(r"\s")
_ALPHABET = st.sampled_from(list("锂电池组涂层芯片的一种ａＢ＿Ｚ０　 \t\n\x1f\u2403\u2581AbZ9-.,，。"))
_TEXT = st.text(alphabet=_ALPHABET, max_size=25) | st.text(max_size=12)


def _bucket(a: str, b: str) -> int:
    key = (ord(a) << 21) | ord(b)
    return ((key * 0x9E3779B97F4A7C15) % 2**64) >> (64 - 17)


def _reference_counts(doc: tuple[str, str, str]) -> Counter[int]:
    counts: Counter[int] = Counter()
    for text in doc:
        s = _SPACE.sub("\u2581", fold(text))
        counts.update(_bucket(s[i], s[i + 1]) for i in range(len(s) - 1))
    return counts


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT, _TEXT), max_size=10))
def test_batch_counts_equal_the_per_document_definition(docs: list[tuple[str, str, str]]) -> None:
    titles, abstracts, claims = ([d[i] for d in docs] for i in range(3))
    matrix = similar.counts(titles, abstracts, claims)
    assert matrix.shape == (len(docs), similar.N_FEATURES)
    assert matrix.has_canonical_format
    for row, doc in enumerate(docs):
        got = matrix.getrow(row)
        assert dict(zip(got.indices.tolist(), got.data.tolist(), strict=True)) == dict(_reference_counts(doc))
        assert list(got.indices) == sorted(got.indices)  # canonical: columns ascending, no duplicates


def test_counts_of_generated_text_project_like_dense_arithmetic() -> None:
    rng = np.random.default_rng(7)
    words = ["锂离子", "电池", "负极", "材料", "涂层", "芯片", "封装", "，", "。", " "]
    docs = [tuple("".join(rng.choice(words, size=int(rng.integers(0, 30)))) for _ in range(3)) for _ in range(300)]
    titles, abstracts, claims = ([d[i] for d in docs] for i in range(3))
    idf = rng.random(similar.N_FEATURES).astype(np.float32) + 0.5
    components = rng.standard_normal((8, similar.N_FEATURES)).astype(np.float32)
    vectors = similar.Projection(idf, components).transform(titles, abstracts, claims)
    dense = np.zeros((len(docs), similar.N_FEATURES), dtype=np.float64)
    for row, doc in enumerate(docs):
        for bucket, count in _reference_counts(doc).items():
            dense[row, bucket] = np.log1p(count) * idf[bucket]
    expected = dense @ components.T.astype(np.float64)
    norms = np.linalg.norm(expected, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    assert np.allclose(vectors, expected / norms, atol=1e-5)
    assert any(not d[0] for d in docs)  # empty titles are in the batch
