"""The query compiler: a syntax tree (:mod:`zhichan.search.ast`) as a tantivy query over the fields
of :mod:`zhichan.search.layout` — bigram phrases for substring recall, words for ranking, terms
for codes, integer ranges for dates."""

from __future__ import annotations

import datetime as dt
import re

import tantivy

from zhichan.search.ast import And, Code, DateRange, Node, Not, Or, Text
from zhichan.search.layout import (
    BIGRAM_FIELDS,
    BOOST,
    CODE_FIELDS,
    DATE_FIELDS,
    SPACE,
    TEXT_PARTS,
    WORD_FIELDS,
    ymd,
)
from zhichan.search.text import BLANK, cut


def bigram_match(schema: tantivy.Schema, field: str, value: str) -> tantivy.Query:
    """``value`` as an exact substring of a field indexed as positioned character bigrams (any index of
    the platform: the patents', the services library's)."""
    s = SPACE.sub(BLANK, value)
    if len(s) == 1:
        return tantivy.Query.regex_query(schema, field, re.escape(s) + ".")
    if len(s) == 2:
        return tantivy.Query.term_query(schema, field, s)
    offsets = list(range(0, len(s) - 1, 2))
    if offsets[-1] != len(s) - 2:
        offsets.append(len(s) - 2)
    return tantivy.Query.phrase_query(schema, field, [(i, s[i:i + 2]) for i in offsets])  # = bigram_terms


def bigram_terms(value: str) -> list[str]:
    """The bigram terms :func:`bigram_match` reads for ``value`` (none for one character: a prefix)."""
    s = SPACE.sub(BLANK, value)
    if len(s) < 2:
        return []
    offsets = list(range(0, len(s) - 1, 2))
    if offsets[-1] != len(s) - 2:
        offsets.append(len(s) - 2)
    return [s[i:i + 2] for i in offsets]


def word_match(schema: tantivy.Schema, field: str, value: str) -> tantivy.Query | None:
    """``value``'s rjieba words as a phrase of a field indexed as words (for ranking), or ``None``."""
    tokens: list[str | tuple[int, str]] = [w for w in cut(value) if w.strip()]
    if not tokens:
        return None
    if len(tokens) == 1:
        return tantivy.Query.term_query(schema, field, tokens[0])
    return tantivy.Query.phrase_query(schema, field, tokens)


class QueryCompiler:
    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def _bigram_match(self, field: str, value: str) -> tantivy.Query:
        return bigram_match(self.schema, field, value)

    def _word_match(self, field: str, value: str) -> tantivy.Query | None:
        return word_match(self.schema, field, value)

    def _text(self, node: Text) -> tantivy.Query:
        parts = TEXT_PARTS.get(node.field, (node.field,))
        matches = [tantivy.Query.boost_query(self._bigram_match(BIGRAM_FIELDS[p], node.value), BOOST[p])
                   for p in parts]
        match = matches[0] if len(matches) == 1 else tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, q) for q in matches])
        ranks = []
        for p in parts:
            if p in WORD_FIELDS and (q := self._word_match(WORD_FIELDS[p], node.value)) is not None:
                ranks.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, 2.0 * BOOST[p])))
        if not ranks:
            return match
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, match), *ranks])

    def _code(self, node: Code) -> tantivy.Query:
        field = CODE_FIELDS[node.field]
        if node.prefix:
            query = tantivy.Query.regex_query(self.schema, field, re.escape(node.value) + ".*")
        else:
            query = tantivy.Query.term_query(self.schema, field, node.value)
        return tantivy.Query.const_score_query(query, 0.0)

    def _date(self, node: DateRange) -> tantivy.Query:
        # An open end is the smallest or largest date there is: ``GD=[* TO *]`` means "has a grant
        # date" (as in the oracle and SQL), and tantivy-py takes no open bound.
        return tantivy.Query.range_query(self.schema, DATE_FIELDS[node.field], tantivy.FieldType.Integer,
                                         ymd(node.start or dt.date.min), ymd(node.end or dt.date.max))

    def matching(self, node: Node, within: tantivy.Query | None = None) -> tantivy.Query:
        """The documents ``node`` matches (within ``within``, e.g. a sample), for counting: the same
        set as :meth:`compile` (∧ ``within``) without the ranking clauses, and with ``within`` pushed
        down to every leaf. A disjunction cannot skip ahead — tantivy's union scores every document
        of its parts — so ``(a OR b) AND sample`` evaluates all of a and b, while
        ``(a AND sample) OR (b AND sample)`` lets the sample lead each part."""

        def leaf(query: tantivy.Query) -> tantivy.Query:
            if within is None:
                return query
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, within), (tantivy.Occur.Must, query)])

        if isinstance(node, Text):
            parts = TEXT_PARTS.get(node.field, (node.field,))
            matches = [leaf(self._bigram_match(BIGRAM_FIELDS[p], node.value)) for p in parts]
            return matches[0] if len(matches) == 1 else tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, q) for q in matches])
        if isinstance(node, Code):
            return leaf(self._code(node))
        if isinstance(node, DateRange):
            return leaf(self._date(node))
        everything = within or tantivy.Query.all_query()
        if isinstance(node, And):
            clauses = [(tantivy.Occur.MustNot, self.compile(c.child)) if isinstance(c, Not)
                       else (tantivy.Occur.Must, self.matching(c, within)) for c in node.children]
            if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
                clauses.append((tantivy.Occur.Must, everything))
            return tantivy.Query.boolean_query(clauses)
        if isinstance(node, Or):
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, self.matching(c, within)) for c in node.children])
        if isinstance(node, Not):
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, everything),
                                                (tantivy.Occur.MustNot, self.compile(node.child))])
        raise TypeError(node)

    def rescoring(self, node: Node) -> tantivy.Query | None:
        """A query that scores every document matching ``node`` as :meth:`compile` does, bit for bit,
        but is cheap to seek: ``rescoring(node) AND among`` (a small set scored 0) scores the documents
        of ``among`` that match ``node`` without evaluating ``node`` around them — or None for a tree
        where that is not shown (an OR, a NOT alone, an AND of three or more text parts). It matches
        other documents too: only for scoring a few hundred documents known to match
        (:meth:`SearchIndex._top_split`).

        ``compile(node) AND among`` gives those scores too, but costs a large share of a full
        evaluation: a text clause is a union (title OR abstract OR claim, and the word clauses), and
        tantivy's union, sought to a document past its 4,096-document window, refills the window
        from every part — reading and scoring every hit in it, per sought document. Here a text
        clause is two chains on every document scored 0, each link ``MUST(chain) SHOULD(one field's
        clause)`` (tantivy's RequiredOptionalScorer: the clause is sought only at the documents the
        chain is asked for, no window): the bigram chain scores ``((0 + title) + abstract) + claim``
        — the union's sum in its order (the union adds its parts in the order they were built; only
        an exhausted part reorders them, which cannot matter for three parts or fewer) — the word
        chain likewise, and the two chains intersected add up as the text clause's ``MUST(bigrams)
        SHOULD(words)`` does (two parts: IEEE addition commutes; the 0 of ``among`` changes no sum).
        Filters (codes, dates) score 0 and NOT scores nothing: the documents match them already, so
        they are left out. An AND adds its scoring parts in the order of their cost, which this
        changes — the same sum for at most two scoring parts. An OR is not done: a text clause that
        does not match can still have a matching word clause (a space between two words in the
        text), which a chain would count."""

        def chain(clauses: list[tantivy.Query]) -> tantivy.Query:
            out = tantivy.Query.const_score_query(tantivy.Query.all_query(), 0.0)
            for clause in clauses:
                out = tantivy.Query.boolean_query([(tantivy.Occur.Must, out), (tantivy.Occur.Should, clause)])
            return out

        if isinstance(node, Text):
            parts = TEXT_PARTS.get(node.field, (node.field,))
            bigrams = chain([tantivy.Query.boost_query(self._bigram_match(BIGRAM_FIELDS[p], node.value), BOOST[p])
                             for p in parts])
            words = [tantivy.Query.boost_query(q, 2.0 * BOOST[p]) for p in parts
                     if p in WORD_FIELDS and (q := self._word_match(WORD_FIELDS[p], node.value)) is not None]
            if not words:
                return bigrams
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, bigrams), (tantivy.Occur.Must, chain(words))])
        if isinstance(node, And):
            scoring = [c for c in node.children if not isinstance(c, Not | Code | DateRange)]
            if not scoring:
                return chain([])
            if len(scoring) > 2:
                return None
            parts_ = [self.rescoring(c) for c in scoring]
            if any(q is None for q in parts_):
                return None
            if len(parts_) == 1:
                return parts_[0]
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in parts_ if q is not None])
        if isinstance(node, Code | DateRange):
            return chain([])
        return None

    def postings(self, node: Node, searcher: tantivy.Searcher) -> int | None:
        """About how many postings ranking ``node`` reads, from the term dictionaries alone
        (microseconds): the document frequencies of the bigram and word terms of a text clause and
        of an exact code, summed over OR, the smallest part of AND (an intersection is led by its
        rarest part); None for what the dictionaries do not tell (a prefix, one character, a date
        range). :meth:`SearchIndex.top` decides by it whether a ranking is worth two threads."""
        if isinstance(node, Text):
            terms = bigram_terms(node.value)
            if not terms:
                return None
            total = 0
            for p in TEXT_PARTS.get(node.field, (node.field,)):
                total += sum(searcher.doc_freq(BIGRAM_FIELDS[p], t) for t in terms)
                if p in WORD_FIELDS:
                    total += sum(searcher.doc_freq(WORD_FIELDS[p], w) for w in cut(node.value) if w.strip())
            return total
        if isinstance(node, Code):
            return None if node.prefix else searcher.doc_freq(CODE_FIELDS[node.field], node.value)
        if isinstance(node, DateRange):
            return None
        if isinstance(node, Not):
            return None
        parts = [n for n in (self.postings(c, searcher) for c in node.children) if n is not None]
        if isinstance(node, And):
            return min(parts) if parts else None
        if isinstance(node, Or):
            return sum(parts) if len(parts) == len(node.children) else None
        raise TypeError(node)

    def compile(self, node: Node) -> tantivy.Query:
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, Code):
            return self._code(node)
        if isinstance(node, DateRange):
            return tantivy.Query.const_score_query(self._date(node), 0.0)
        if isinstance(node, And):
            clauses = [(tantivy.Occur.MustNot, self.compile(c.child)) if isinstance(c, Not)
                       else (tantivy.Occur.Must, self.compile(c)) for c in node.children]
            if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
                clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
            return tantivy.Query.boolean_query(clauses)
        if isinstance(node, Or):
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, self.compile(c)) for c in node.children])
        if isinstance(node, Not):
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                (tantivy.Occur.MustNot, self.compile(node.child))])
        raise TypeError(node)
