"""Facet filters narrow a query to exactly the hits the facet counted; English-query hints."""

from __future__ import annotations

import pytest

from zhichan.corpus.store import Snapshot
from zhichan.errors import InputError
from zhichan.search import fields as F
from zhichan.search import service
from zhichan.search.filters import FACET_FIELD, Filter, narrow, parse_filter, parse_filters
from zhichan.search.hints import english_hint
from zhichan.search.layout import FACET_FIELDS
from zhichan.search.parser import parse


def test_every_facet_has_a_field() -> None:
    assert set(FACET_FIELD) == set(FACET_FIELDS)
    assert set(FACET_FIELD.values()) <= set(F.BY_CODE)


@pytest.mark.parametrize("query", ["RC=51", "电池 OR 芯片", "NOT 电池"])
def test_each_facet_value_narrows_to_its_count(query: str, ref_snapshot: Snapshot) -> None:
    result = service.search(query, snapshot=ref_snapshot, page_size=1)
    checked = 0
    for facet, values in result.facets.items():
        for value in values:
            narrowed = service.search(narrow(query, [parse_filter(f"{facet}:{value.value}")]),
                                      snapshot=ref_snapshot, page_size=1, facets=False)
            if facet == "applicant":  # first patentee vs any applicant: at least the facet's count
                assert narrowed.total >= value.count, (facet, value)
            else:
                assert narrowed.total == value.count, (facet, value)
            checked += 1
    assert checked >= 10


def test_filters_are_validated_and_deduplicated() -> None:
    assert parse_filters(["ipc:H01M", "ipc:H01M", "year:2021"]) == [Filter("ipc", "H01M"), Filter("year", "2021")]
    assert narrow("a OR b", [Filter("year", "2021"), Filter("applicant", "华为 技术")]) == \
        '(a OR b) AND AD=2021 AND PA="华为 技术"'
    for bad in ["ipc", "colour:red", "ipc:", "ipc:Z99", "year:20211", "kind:专利", "x" * 300]:
        with pytest.raises(InputError):
            parse_filter(bad)
    with pytest.raises(InputError):
        parse_filters([f"year:{2000 + i}" for i in range(13)])


def test_english_hints() -> None:
    hint = english_hint(parse("TI=battery AND AD>=2020"))
    assert hint is not None and hint.terms == ["battery"] and hint.chinese == {"battery": "电池"}
    assert hint.suggested_query == "(TI=电池 AND AD=[2020-01-01 TO *])"
    assert ("H01M" in [code for code, _ in hint.ipc])
    assert english_hint(parse("电池 NOT battery")) is None  # a negated English word is not the reason
    unknown = english_hint(parse("zqxj"))
    assert unknown is not None and unknown.suggested_query is None and unknown.ipc == []
    assert english_hint(parse("LED灯")) is None  # mixed Chinese text is a Chinese term
