"""Parser properties: arbitrary input never raises anything but QuerySyntaxError; well-formed
queries round-trip through their canonical string; every field alias resolves."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhichan.search import fields as F
from zhichan.search.ast import And, Code, DateRange, Not, Or, Text, to_query
from zhichan.search.errors import QuerySyntaxError
from zhichan.search.parser import parse

ALPHABET = st.sampled_from(list('电池芯片涂层锂与或非 ()"=<>:[]*TIABPCANDORNOT TO2021-0113/HM.，（）＝“”\\\t'))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ALPHABET, max_size=40) | st.text(max_size=40))
def test_random_strings_parse_or_raise_query_syntax_error(query: str) -> None:
    try:
        node = parse(query)
    except QuerySyntaxError as exc:
        assert 1 <= exc.position <= len(query) + 1
        assert " / " in exc.message
    else:
        assert parse(to_query(node)) == node


_TERMS = st.sampled_from(["电池", "芯片", "锂", '"lithium battery"', "graphene", "信息与通信", "涂*层", '"与"'])
_CLAUSES = st.one_of(
    _TERMS,
    st.builds(lambda f, t: f"{f}={t}", st.sampled_from(["TI", "AB", "PA", "名称", "申请人", "IN", "AR", "AG", "CL"]), _TERMS),
    st.sampled_from(["IPC=H01M", "IPC=H01M4", "IPC=H01M4/13", "IPC=H01*", "MIC=G06N3/08", "AN=2021*",
                     "PN=CN113000001B", "TYPE=发明", "类型=utility_model", "LS=有效", "LS=驳回", "RC=5101",
                     "SEI=5.2", "HV=是", "HV=否", "HV=pledge", "AD=2021", "AD>=2020-01-01", "PD<2019-03",
                     "GD=[2020 TO 2021-06]", "AD=[* TO 20201231]"]),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", children, st.sampled_from(["AND", "OR", "与", "或", "NOT", "非", ""]),
                  children),
        st.builds(lambda a: f"({a})", children),
        st.builds(lambda a: f"NOT {a}", children),
    )


@settings(max_examples=300, deadline=None)
@given(st.recursive(_CLAUSES, _combine, max_leaves=8))
def test_well_formed_queries_round_trip(query: str) -> None:
    node = parse(query)
    canonical = to_query(node)
    assert parse(canonical) == node
    assert to_query(parse(canonical)) == canonical


def test_every_field_name_and_alias_resolves() -> None:
    for spec in F.FIELDS:
        for name in (spec.code, spec.zh, *spec.aliases, spec.code.lower()):
            assert F.resolve_field(name) is spec, name


def test_tree_shapes() -> None:
    assert parse("a b OR c") == Or((And((Text("TIABC", "a"), Text("TIABC", "b"))), Text("TIABC", "c")))
    assert parse("a NOT b") == And((Text("TIABC", "a"), Not(Text("TIABC", "b"))))
    assert parse("TI=(a OR b)") == Or((Text("TI", "a"), Text("TI", "b")))
    assert parse("AD=2020-02") == DateRange("AD", dt.date(2020, 2, 1), dt.date(2020, 2, 29))
    assert parse("AD>2020-02-28") == DateRange("AD", dt.date(2020, 2, 29), None)
    assert parse("IPC=h01m 4/13") == And((Code("IPC", "H01M"), Text("TIABC", "4/13")))
    assert parse('IPC="h01m 4/13"') == Code("IPC", "H01M4/13")
    assert parse("ＬＥＤ") == Text("TIABC", "led")


@pytest.mark.parametrize("query", ["", "   ", "x" * 5000, "TI=电池 AND", "(((", "TI==a", "AD=[2020 TO]"])
def test_malformed_queries_are_input_errors(query: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.http_status == 400
    assert caught.value.code == "query.syntax"
