"""docs/query-language.md runs: every example's documented count holds on the index, on DuckDB
SQL and on the Python oracle; every documented error is rejected at the documented position."""

from __future__ import annotations

import re
from typing import Any

import pytest

from zhichan.corpus.store import Snapshot
from zhichan.search.ast import to_query
from zhichan.search.duckdb_backend import match_application_numbers, scan_application_numbers
from zhichan.search.errors import QuerySyntaxError
from zhichan.search.oracle import filter_rows
from zhichan.search.parser import parse

from .reference_doc import canonical_examples, examples

EXAMPLES = examples()
COUNTED = [(q, int(h)) for q, h in EXAMPLES if h.isdigit()]
ERRORS = [(q, int(re.search(r"@(\d+)", h).group(1))) for q, h in EXAMPLES if h.startswith("错误")]  # type: ignore[union-attr]


def test_the_page_has_examples() -> None:
    assert len(COUNTED) >= 70
    assert len(ERRORS) >= 12
    assert len(EXAMPLES) == len(COUNTED) + len(ERRORS)


@pytest.mark.parametrize(("query", "hits"), COUNTED, ids=[q for q, _ in COUNTED])
def test_documented_hit_count(query: str, hits: int, ref_snapshot: Snapshot, ref_rows: list[dict[str, Any]]) -> None:
    node = parse(query)
    expected = filter_rows(node, ref_rows)
    assert len(expected) == hits, f"oracle: {expected}"
    assert sorted(match_application_numbers(node, ref_snapshot).to_pylist()) == expected  # the index
    assert sorted(scan_application_numbers(node, ref_snapshot).to_pylist()) == expected  # DuckDB SQL


@pytest.mark.parametrize(("query", "position"), ERRORS, ids=[q for q, _ in ERRORS])
def test_documented_error(query: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.position == position
    assert " / " in caught.value.message  # Chinese / English
    assert caught.value.to_dict()["details"]["position"] == position


@pytest.mark.parametrize(("query", "canonical"), canonical_examples())
def test_documented_canonical_form(query: str, canonical: str) -> None:
    assert to_query(parse(query)) == canonical
    assert parse(canonical) == parse(query)


def test_every_accepted_value_name_is_documented_and_parses() -> None:
    """docs/query-language.md "Accepted values" lists every name TYPE, LS and HV accept."""
    from zhichan.search import fields as F

    from .reference_doc import DOC

    text = DOC.read_text("utf-8")
    section = text[text.index("## Accepted values"):text.index("## Dates")]
    for code, table in (("TYPE", F.KIND_VALUES), ("LS", F.LS_VALUES), ("HV", {**F.HV_VALUES, "no": F.HV_NO})):
        for names in table.values():
            for name in names:
                assert f"`{name}`" in section, (code, name)
                parse(f"{code}={name}")


def test_every_field_name_is_documented() -> None:
    from zhichan.search import fields as F

    from .reference_doc import DOC

    text = DOC.read_text("utf-8")
    section = text[text.index("## Fields"):text.index("## Accepted values")]
    for spec in F.FIELDS:
        for name in (spec.code, spec.zh, *spec.aliases):
            assert f"`{name}`" in section, name
