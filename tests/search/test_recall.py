"""Recall of Chinese substrings of 1, 2, 3 and 4+ characters against an independent ground truth:
a plain substring scan of the same corpus (Python ``in`` over title, abstract and claim)."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.search.build import build_index
from zhichan.search.duckdb_backend import match_application_numbers
from zhichan.search.fields import fold
from zhichan.search.index import SearchIndex
from zhichan.search.parser import parse
from zhichan.search.synthetic import WORDS, synthetic_batches

N_DOCS = 3000


@pytest.fixture(scope="session")
def recall_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshot]:
    store = CorpusStore(tmp_path_factory.mktemp("recall") / "var" / "corpus")
    with store.writer() as writer:
        for table in synthetic_batches(N_DOCS, seed=11, batch=1000):
            writer.write("patents", table)
        snapshot = writer.commit({"source": "test"})
    build_index(snapshot, with_vectors=False)
    yield snapshot
    SearchIndex._cache.pop(snapshot.id, None)


@pytest.fixture(scope="session")
def texts(recall_snapshot: Snapshot) -> dict[str, list[str]]:
    con = recall_snapshot.connect()
    rows = con.sql("SELECT application_number, title, abstract, first_claim FROM patents").fetchall()
    con.close()
    return {r[0]: [fold(t) for t in r[1:] if t] for r in rows}


def _truth(texts: dict[str, list[str]], needle: str) -> list[str]:
    return sorted(n for n, parts in texts.items() if any(needle in p for p in parts))


def _samples(texts: dict[str, list[str]], length: int, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    docs = list(texts.values())
    out: set[str] = set()
    while len(out) < count:
        text = rng.choice(docs)[1]  # abstracts
        start = rng.randrange(0, len(text) - length)
        out.add(text[start:start + length])
    return sorted(out)


@pytest.mark.parametrize("length", [1, 2, 3, 4, 5, 6, 9])
def test_random_substrings_are_all_found(length: int, recall_snapshot: Snapshot, texts: dict[str, list[str]]) -> None:
    for needle in _samples(texts, length, 15, seed=length):
        found = sorted(match_application_numbers(f'"{needle}"', recall_snapshot).to_pylist())
        assert found == _truth(texts, needle), needle


def test_two_character_words_and_boundary_crossing_terms(recall_snapshot: Snapshot, texts: dict[str, list[str]]) -> None:
    two = [w for w in WORDS if len(w) == 2][:20]
    for word in [*two, "电池负极", "池负", "芯片封装结构", "的涂层"]:
        found = sorted(match_application_numbers(word, recall_snapshot).to_pylist())
        assert found == _truth(texts, word), word
        assert found or word in ("池负",), word


def test_phrase_means_adjacent_not_scattered(recall_snapshot: Snapshot, texts: dict[str, list[str]]) -> None:
    """A 3+ character term must not match documents holding its bigrams apart (锂离 … 子电)."""
    node = parse("TIABC=离子电池负极")
    found = set(match_application_numbers(node, recall_snapshot).to_pylist())
    scattered = [n for n, parts in texts.items() if all(any(b in p for p in parts) for b in ("离子", "电池", "负极"))]
    assert found == set(_truth(texts, "离子电池负极"))
    assert len(scattered) > len(found)  # the corpus does contain the trap


def test_ranking_prefers_real_words(recall_snapshot: Snapshot) -> None:
    """The word field lifts patents where 电池 is a segmented word over accidental adjacency."""
    from zhichan.search import service

    result = service.search("电池", snapshot=recall_snapshot, page_size=5, facets=False)
    assert result.total > 5
    assert all("电池" in h.title + h.snippet_html for h in result.hits)
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)
