"""The column-wise document preparation of an index build equals the per-text reference
functions exactly (bigram strings with their positions, rjieba words), on generated text and on
arbitrary Unicode (full-width forms, every kind of whitespace, the sentinels themselves)."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

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
