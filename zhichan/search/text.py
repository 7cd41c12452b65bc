"""Text folding for the index and for similarity, whole columns at a time: every text of a batch
folded in one ``str.lower`` and one numpy pass over its code points (:func:`fold_codes`), the
bigram strings ``"锂电 电池 池␃"`` built by interleaving that code-point array with itself shifted
by one (:func:`bigram_strings`), and the words of one ``rjieba.cut`` over the whole batch
(:func:`word_strings`). Pure functions: a build runs them in worker processes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from zhichan.search import fields as F

END = "\u2403"  # ␃ end-of-text sentinel: every character starts a bigram
BLANK = "\u2581"  # ▁ stands for whitespace inside bigrams
#: between the values of a multi-valued field (applicants, inventors): ␟, a character of its own —
#: not whitespace, so not ▁ — which no query value holds, so a phrase never spans two values
#: (``IN="伟 李"`` does not match the inventors 张伟, 李娜), as in the oracle and DuckDB.
SEP = "\u241f"
_END_CP, _BLANK_CP = ord(END), ord(BLANK)
#: ``re`` ``\s`` (= ``str.isspace``) as a table: no whitespace code point lies above U+3000.
_WS_MAX = 0x3000
_WS = np.array([chr(c).isspace() for c in range(_WS_MAX + 1)], dtype=bool)


def fold_codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """Code points of ``fold(t) + "␃"`` for every text, concatenated, and each length (+1).

    None when the batch cannot be done in one pass (a lowercase mapping that changes the length,
    or a lone surrogate); callers then fall back to the per-text functions.
    """
    joined = END.join(texts) + END
    lowered = joined.lower()
    if len(lowered) != len(joined):
        return None
    try:
        codes = np.frombuffer(lowered.encode("utf-32-le"), dtype=np.uint32).copy()
    except UnicodeEncodeError:
        return None
    # fold(): full-width ASCII → ASCII, ideographic space → space (lower() already ran: the
    # full-width capitals became full-width small letters, which fold to the same ASCII).
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[wide] -= 0xFEE0
    codes[codes == 0x3000] = 0x20
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    return codes, lengths


def blank_spaces(codes: np.ndarray) -> np.ndarray:
    """A copy of ``codes`` with every whitespace character replaced by ▁."""
    out = codes.copy()
    small = np.flatnonzero(out <= _WS_MAX)
    out[small[_WS[out[small]]]] = _BLANK_CP
    return out


def bigrams_from(codes: np.ndarray, lengths: np.ndarray) -> list[str]:
    n = len(codes)
    grid = np.empty((n, 3), dtype=np.uint32)
    grid[:, 0] = codes
    grid[:-1, 1] = codes[1:]
    grid[-1, 1] = 0x20
    grid[:, 2] = 0x20
    keep = np.ones(n, dtype=bool)
    keep[np.cumsum(lengths) - 1] = False  # the pair (␃, first character of the next text)
    text = grid[keep].tobytes().decode("utf-32-le")
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(3 * (lengths - 1), out=offsets[1:])
    starts = offsets[:-1].tolist()
    stops = np.maximum(offsets[1:] - 1, offsets[:-1]).tolist()  # drop each text's trailing space
    return [text[a:b] for a, b in zip(starts, stops, strict=True)]


def bigrams(text: str) -> str:
    """``锂电池`` → ``"锂电 电池 池␃"``: the per-text reference (folded; whitespace written as ▁)."""
    s = "".join(BLANK if c.isspace() else c for c in F.fold(text)) + END
    return " ".join(a + b for a, b in itertools.pairwise(s))


def cut(text: str) -> list[str]:
    """rjieba's words of ``text`` (the platform's one segmenter). It is imported by the first call,
    not with this module: its import loads the dictionary (0.2–0.5 CPU-s), which every process
    importing the platform would pay before any text is cut."""
    import rjieba

    return rjieba.cut(text)


def words(text: str) -> str:
    return " ".join(cut(F.fold(text)))


def bigram_strings(texts: Sequence[str], folded: tuple[np.ndarray, np.ndarray] | None = None) -> list[str]:
    """``[bigrams(t) for t in texts]``, computed in one pass over the batch."""
    if not texts:
        return []
    folded = folded or fold_codes(texts)
    if folded is None:
        return [bigrams(t) for t in texts]
    codes, lengths = folded
    return bigrams_from(blank_spaces(codes), lengths)


def word_strings(texts: Sequence[str], folded: tuple[np.ndarray, np.ndarray] | None = None) -> list[str]:
    """``[words(t) for t in texts]`` with one ``rjieba.cut`` over the batch."""
    if not texts:
        return []
    folded = folded or fold_codes(texts)
    if folded is None:
        return [words(t) for t in texts]
    codes, _lengths = folded
    text = codes.tobytes().decode("utf-32-le")
    if text.count(END) != len(texts):  # a text contains ␃ itself
        return [words(t) for t in texts]
    parts = " ".join(cut(text)).split(END)
    if len(parts) != len(texts) + 1:
        return [words(t) for t in texts]
    return parts[:-1]
