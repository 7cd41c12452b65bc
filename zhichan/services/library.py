"""政策与典型案例库: policies and typical cases, searched with the platform's search engine.

Entries are data (``library/*.yaml``; the shipped ones are synthetic examples, labelled so). They are
indexed in memory with tantivy exactly as patents are (:mod:`zhichan.search`): positioned character
bigrams decide whether an entry matches — any substring of any length is found — and rjieba words rank
them (BM25). A query is one or more terms separated by spaces, all of which must occur, in the title or
the text; never a SQL ``LIKE``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import tantivy
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zhichan.errors import ConfigError, InputError
from zhichan.search import fields as F
from zhichan.search.compiler import bigram_match, word_match
from zhichan.search.layout import register_tokenizers
from zhichan.search.text import bigrams, words
from zhichan.untrusted import yaml_safe_load

Kind = Literal["policy", "case"]
MAX_QUERY = 100
#: title hits count more than hits in the text, as for patents
BOOST = {"title": 3.0, "body": 1.0}


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[A-Z]-[0-9]{4}$")
    kind: Kind
    synthetic: bool
    title: str = Field(min_length=1, max_length=300)
    issuer: str
    issued_on: dt.date
    body: str = Field(min_length=1, max_length=20000)


@cache
def entries() -> tuple[Entry, ...]:
    found: list[Entry] = []
    for item in sorted((files("zhichan.services") / "library").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yaml"):
            try:
                found += [Entry.model_validate(e) for e in yaml_safe_load(item.read_text("utf-8")) or []]
            except (ValidationError, TypeError) as exc:
                raise ConfigError(f"政策案例库条目无效：{item.name}：{exc} / invalid library entry {item.name}") from None
    if len({e.id for e in found}) != len(found):
        raise ConfigError("政策案例库条目编号重复 / a library id is used twice")
    return tuple(found)


class Library:
    """The entries in a RAM tantivy index (small: rebuilt when the app starts)."""

    def __init__(self, items: tuple[Entry, ...]) -> None:
        sb = tantivy.SchemaBuilder()
        sb.add_unsigned_field("row", stored=True, indexed=False, fast=True)
        for part in ("title", "body"):
            sb.add_text_field(f"{part}_bg", tokenizer_name="zh_bigram", index_option="position")
            sb.add_text_field(f"{part}_w", tokenizer_name="zh_words", index_option="position")
        sb.add_text_field("kind", tokenizer_name="raw", index_option="basic")
        self.schema = sb.build()
        self.index = tantivy.Index(self.schema)
        register_tokenizers(self.index)
        writer = self.index.writer(heap_size=15_000_000, num_threads=1)
        for row, e in enumerate(items):
            doc = tantivy.Document(kind=e.kind, title_bg=bigrams(e.title), title_w=words(e.title),
                                   body_bg=bigrams(e.body), body_w=words(e.body))
            doc.add_unsigned("row", row)
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.items = items

    def _term(self, term: str) -> tantivy.Query:
        match = tantivy.Query.boolean_query([
            (tantivy.Occur.Should, tantivy.Query.boost_query(bigram_match(self.schema, f"{p}_bg", term), BOOST[p]))
            for p in ("title", "body")])
        ranks = [(tantivy.Occur.Should, tantivy.Query.boost_query(q, 2.0 * BOOST[p])) for p in ("title", "body")
                 if (q := word_match(self.schema, f"{p}_w", term)) is not None]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, match), *ranks]) if ranks else match

    def search(self, query: str, *, kind: str | None = None, limit: int = 50) -> list[Entry]:
        """Entries containing every term of ``query`` (best first); with no terms, all (newest first)."""
        text = (query or "").strip()
        if len(text) > MAX_QUERY:
            raise InputError(f"检索词过长（至多 {MAX_QUERY} 字） / the query is longer than {MAX_QUERY} characters")
        if kind not in (None, "", "policy", "case"):
            raise InputError("类别应为 policy 或 case / kind is policy or case")
        terms = [F.fold(t) for t in text.split()]
        if not terms:
            chosen = [e for e in self.items if not kind or e.kind == kind]
            return sorted(chosen, key=lambda e: e.issued_on, reverse=True)[:limit]
        clauses = [(tantivy.Occur.Must, self._term(t)) for t in terms]
        if kind:
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_query(self.schema, "kind", kind), 0.0)))
        searcher = self.index.searcher()
        hits = searcher.search(tantivy.Query.boolean_query(clauses), limit).hits
        return [self.items[int(searcher.doc(address)["row"][0])] for _, address in hits]


@cache
def library() -> Library:
    return Library(entries())


def library_view(query: str, kind: str | None) -> dict[str, Any]:
    found = library().search(query, kind=kind or None)
    return {"q": query, "kind": kind or "", "items": [e.model_dump(mode="json") | {"excerpt": e.body[:140]} for e in found],
            "total": len(found), "synthetic": any(e.synthetic for e in found)}
