"""The form search writes the command-line query: rows read top to bottom, each joining all the rows
above it — checked against set algebra on the Python oracle."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhichan.search.builder import FormError, FormRow, build_query, clause
from zhichan.search.oracle import filter_rows
from zhichan.search.parser import parse

_ROWS = st.lists(st.tuples(st.sampled_from(["AND", "OR", "NOT"]),
                           st.sampled_from([("TI", "电池"), ("TIABC", "芯片"), ("PA", "华为"), ("IPC", "H01M"),
                                            ("IPC", "H01L OR G06N"), ("AB", "涂层"), ("TI", "锂 电池"),
                                            ("TYPE", "发明"), ("RC", "5101"), ("AB", '"lithium battery"')])),
                 min_size=1, max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_ROWS, since=st.sampled_from(["", "2020"]), granted=st.booleans())
def test_rows_join_top_to_bottom(rows: list[tuple[str, tuple[str, str]]], since: str, granted: bool,
                                 ref_rows: list[dict[str, Any]]) -> None:
    form = [FormRow(op, field, value) for op, (field, value) in rows]
    query = build_query(form, date_from=since, statuses=["granted"] if granted else [])
    everything = {r["application_number"] for r in ref_rows}
    expected: set[str] = set()
    for i, row in enumerate(form):
        hits = set(filter_rows(parse(clause(row.field, row.value)), ref_rows))
        if i == 0:
            expected = everything - hits if row.op == "NOT" else hits
        elif row.op == "AND":
            expected &= hits
        elif row.op == "OR":
            expected |= hits
        else:
            expected -= hits
    if since:
        expected &= set(filter_rows(parse("AD>=2020"), ref_rows))
    if granted:
        expected &= set(filter_rows(parse("LS=granted"), ref_rows))
    assert set(filter_rows(parse(query), ref_rows)) == expected, query


def test_written_queries() -> None:
    rows = [FormRow("AND", "TI", "电池"), FormRow("OR", "IPC", "H01M 4/13"), FormRow("AND", "PA", "")]
    assert build_query(rows) == 'TI=电池 OR IPC="H01M 4/13"'
    assert build_query([FormRow("NOT", "TI", "电池")], date_field="GD", date_to="2021-06-30", kinds=["invention"]) == \
        "NOT TI=电池 AND GD=[* TO 2021-06-30] AND TYPE=(invention)"


@pytest.mark.parametrize(("rows", "kwargs", "row"), [
    ([FormRow("AND", "IPC", "Z99")], {}, 0),
    ([FormRow("AND", "TI", "电池"), FormRow("AND", "TI", "(电池")], {}, 1),
    ([FormRow("AND", "XX", "a")], {}, 0),
    ([FormRow("XOR", "TI", "a")], {}, 0),
    ([FormRow("AND", "TI", "a")], {"date_from": "2021/13/45"}, None),
    ([], {}, 0),
])
def test_problems_name_their_row(rows: list[FormRow], kwargs: dict[str, str], row: int | None) -> None:
    with pytest.raises(FormError) as caught:
        build_query(rows, **kwargs)
    assert caught.value.row == row and " / " in caught.value.message
