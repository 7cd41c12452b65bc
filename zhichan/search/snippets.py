"""Highlighted snippets on the raw stored text (HTML-escaped, matches in ``<mark>``).

Matching is done on the folded text (:func:`zhichan.search.fields.fold` is length-preserving),
so offsets found there are offsets into the raw text the user sees.
"""

from __future__ import annotations

import html


def match_spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    from zhichan.search.fields import fold

    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for needle in {n for n in needles if n}:
        start = folded.find(needle)
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def highlight(text: str | None, needles: list[str], max_chars: int | None = None, before: int = 30) -> str:
    """``text`` escaped, each occurrence of a needle wrapped in ``<mark>``; cut to a window of
    ``max_chars`` around the first match when given."""
    if not text:
        return ""
    spans = match_spans(text, needles)
    start, end = 0, len(text)
    if max_chars and len(text) > max_chars:
        start = max(0, (spans[0][0] - before) if spans else 0)
        end = min(len(text), start + max_chars)
        start = max(0, min(start, end - max_chars))
    out: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)
