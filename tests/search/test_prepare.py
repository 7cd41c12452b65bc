"""The column-wise document preparation of an index build equals the per-text reference
functions exactly (bigram strings with their positions, rjieba words), on generated text and on
arbitrary Unicode (full-width forms, every kind of whitespace, the sentinels themselves)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from zhichan.parallel import to_ipc
from zhichan.search import prepare, text
from zhichan.search.fields import fold
from zhichan.search.synthetic import WORDS

_SPACE = re.compile(r"\s")


def _reference_bigrams(text: str) -> str:
    """The definition in docs/search.md, written independently: regex ``\\s`` → ▁, then pairs."""
    s = _SPACE.sub("\u2581", fold(text)) + "\u2403"
    return " ".join(s[i : i + 2] for i in range(len(s) - 1))


_ALPHABET = st.sampled_from(
    list("锂电池组涂层芯片的一种ａＢ＿Ｚ０　 \t\n\x1f\x1e\u2403\u2581AbZ9-.,，。İẞß")
)
_TEXT = st.text(alphabet=_ALPHABET, max_size=30) | st.text(max_size=20)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT, max_size=12))
def test_batch_bigrams_equal_the_per_text_definition(texts: list[str]) -> None:
    assert text.bigram_strings(texts) == [_reference_bigrams(t) for t in texts]
    assert [text.bigrams(t) for t in texts] == [_reference_bigrams(t) for t in texts]


@settings(max_examples=100, deadline=None)
@given(st.lists(_TEXT, max_size=12))
def test_batch_words_equal_per_text_segmentation(texts: list[str]) -> None:
    # the whitespace tokenizer sees the words, not the spaces between them
    assert [w.split() for w in text.word_strings(texts)] == [text.words(t).split() for t in texts]


def test_batch_words_on_generated_patent_text() -> None:
    rng = np.random.default_rng(3)
    texts = ["".join(rng.choice(WORDS, size=int(rng.integers(0, 40)))) + "，用于" + "".join(rng.choice(WORDS, size=5))
             for _ in range(500)]
    batched = text.word_strings(texts)
    assert [b.split() for b in batched] == [text.words(t).split() for t in texts]
    assert any(len(b.split()) > 5 for b in batched)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.from_regex(r"(CN|ZL|cn)?[0-9]{1,9}[A-Za-z]?[0-9]?", fullmatch=True), st.text(max_size=8)),
       st.one_of(st.none(), st.from_regex(r"CN[0-9]{1,9}[A-Z][0-9]?", fullmatch=True), st.text(max_size=8)))
def test_fast_publication_tokens_equal_the_field_definition(publication: str | None, grant: str | None) -> None:
    from zhichan.search.fields import pn_tokens

    assert prepare._pn_tokens(publication, grant) == pn_tokens(publication, grant)


def _odd_patents() -> list[dict[str, Any]]:
    """The reference corpus plus texts and codes that need JSON escaping or have nothing to index."""
    from . import corpus

    return [*corpus.patents(),
            corpus._p("202310000097", title='一种"引号"\\反斜杠\x0b电池\x01装置\n第二行', abstract="\t", first_claim="",
                      applicants=['成都"双引号"公司'], inventors=["张\\伟"], agency="代理\x1f所",
                      applicant_address="成都市\u2028高新区", application_date="2023-01-01", region_code="510107",
                      ipc=["H01M4/13"], sei_codes=[]),
            corpus._p("202310000096", title="", abstract="ａＢ　Ｚ　İẞ", application_date="2023-02-01")]


def _batch(tmp_path: Path, patents: list[dict[str, Any]]) -> tuple[pa.RecordBatch, dict[str, set[str]]]:
    from zhichan.corpus.testing import build_snapshot
    from zhichan.search.build import _batches
    from zhichan.search.highvalue import flags_by_patent, high_value_table

    snapshot = build_snapshot(tmp_path / "var", patents=patents)
    batch = pa.Table.from_batches(list(_batches(snapshot, prepare.COLUMNS, 1000))).combine_chunks().to_batches()[0]
    return batch, flags_by_patent(high_value_table(snapshot))


def test_the_json_documents_equal_the_per_document_definition(tmp_path: Path) -> None:
    """Every line of a prepared batch is valid JSON and equals :func:`prepare.reference_document`
    (built field by field from the per-text functions), also where a text needs escaping."""
    patents = _odd_patents()
    batch, hv = _batch(tmp_path, patents)
    prepared = prepare.prepare_batch(batch, 5, hv)
    lines = prepared.docs.split("\n")
    assert prepared.size == len(lines) == len(patents) == batch.num_rows
    records = batch.to_pylist()
    assert [json.loads(line) for line in lines] == [prepare.reference_document(5 + i, r, hv)
                                                    for i, r in enumerate(records)]
    assert any("hv" in json.loads(line) for line in lines)
    odd = json.loads(lines[len(patents) - 2])
    assert odd["ti_bg"].startswith('一种 种" "引 引号 号" "\\ \\反')
    assert "ab_bg" in odd and "cl_bg" not in odd and "sei" not in odd


def test_a_batch_without_documents_is_empty(tmp_path: Path) -> None:
    batch, hv = _batch(tmp_path, _odd_patents())
    prepared = prepare.prepare_batch(batch.slice(0, 0), 0, hv)
    assert (prepared.docs, prepared.size, prepared.names) == ("", 0, {})


def test_a_preparing_process_pauses_the_cyclic_collector(tmp_path: Path) -> None:
    """worker_init turns the cyclic garbage collector off in a preparing process (its batches
    allocate only acyclic objects; collections walked the flags and caches again and again) and
    the process prepares the same documents as the building process."""
    import gc

    batch, hv = _batch(tmp_path, _odd_patents())
    was = gc.isenabled()
    gc.enable()
    try:
        prepare.worker_init(hv, None)
        assert not gc.isenabled()
        assert prepare.worker_prepare(to_ipc(batch), 3).docs == prepare.prepare_batch(batch, 3, hv).docs
    finally:
        prepare._STATE.clear()
        if was:
            gc.enable()
