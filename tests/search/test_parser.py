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


def test_a_text_value_never_holds_the_separator_of_a_fields_values() -> None:
    """␟ joins a field's values in the index (zhichan.search.text.SEP): read as a space, so no
    query phrase can span two values (control characters likewise)."""
    from zhichan.search.text import SEP

    assert parse(f'IN="伟{SEP}李"') == parse('IN="伟\x1f李"') == Text("IN", "伟 李")
    assert parse(f"PA=公司{SEP}") == Text("PA", "公司")


@pytest.mark.parametrize("query", ["", "   ", "x" * 5000, "TI=电池 AND", "(((", "TI==a", "AD=[2020 TO]"])
def test_malformed_queries_are_input_errors(query: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.http_status == 400
    assert caught.value.code == "query.syntax"


# -- long and deep queries (issue: RecursionError on 500 OR-ed terms) -------------------------------
_OPS = st.sampled_from([" OR ", " AND ", " ", " 或 ", " 与 "])


@settings(max_examples=30, deadline=None)
@given(st.integers(200, 700), _OPS)
def test_long_chains_are_one_n_ary_node(count: int, op: str) -> None:
    query = op.join(f"t{i}" for i in range(count))
    if len(query) > 4000:
        with pytest.raises(QuerySyntaxError):
            parse(query)
        return
    node = parse(query)
    assert isinstance(node, Or if "OR" in op or "或" in op else And)
    assert len(node.children) == count  # type: ignore[union-attr]
    canonical = to_query(node)  # field codes written out: may pass the limit a typed query has
    if len(canonical) <= 4000:
        assert parse(canonical) == node


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 999))
def test_not_chains_cancel_in_pairs(count: int) -> None:
    node = parse("NOT " * count + "电池")
    assert node == (Not(Text("TIABC", "电池")) if count % 2 else Text("TIABC", "电池"))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.sampled_from(["a OR ({})", "NOT (a {})", "TI=(a OR (b {}))", "(({}))"]))
def test_deep_nesting_parses_or_is_refused_clearly(depth: int, shape: str) -> None:
    query = "x"
    for _ in range(depth):
        query = shape.format(query)
    try:
        node = parse(query)
    except QuerySyntaxError as exc:
        assert len(query) > 4000 or "嵌套过深" in exc.message
        assert " / " in exc.message
    else:
        assert parse(to_query(node)) == node


@pytest.mark.parametrize(("written", "first", "last"), [
    ("2021", "2021-01-01", "2021-12-31"), ("202103", "2021-03-01", "2021-03-31"), ("2021-3", "2021-03-01", "2021-03-31"),
    ("2021/03", "2021-03-01", "2021-03-31"), ("2021.3", "2021-03-01", "2021-03-31"), ("20210315", "2021-03-15", "2021-03-15"),
    ("2021-03-15", "2021-03-15", "2021-03-15"), ("2021.3.5", "2021-03-05", "2021-03-05"), ("2021/3/05", "2021-03-05", "2021-03-05"),
])
def test_every_documented_date_form(written: str, first: str, last: str) -> None:
    assert parse(f"AD={written}") == DateRange("AD", dt.date.fromisoformat(first), dt.date.fromisoformat(last))


@pytest.mark.parametrize("written", ["20211", "2021031", "202103151", "2021-03.15", "2021/3-5", "21-03", "2021--03",
                                     "2021-003", "2021-03-", "2021年3月"])
def test_undocumented_date_forms_are_refused(written: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(f"AD={written}")
    assert caught.value.position == 4 and "日期" in caught.value.message


@pytest.mark.parametrize(("query", "caret_column"), [
    ("TI=(电池", 8),  # the end: T I = ( 电 池 → 4 + 2×2 columns
    ("名称=电池 AND", 13),
    ("ＴＩ＝电池 OR", 13),  # full-width letters and sign are two columns each
    ("TI=电池 AND XX=a", 12),
])
def test_cli_caret_sits_under_the_character_by_display_width(query: str, caret_column: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    line, caret = caught.value.pointer().split("\n")
    assert line == query
    assert caret == " " * caret_column + "^"


def test_every_field_example_parses_to_its_field() -> None:
    """The examples the web's syntax help shows (zhichan/search/fields.py) are valid queries."""
    from zhichan.search.ast import walk

    for spec in F.FIELDS:
        assert spec.examples, spec.code
        for example in spec.examples:
            leaves = [n for n in walk(parse(example)) if isinstance(n, Text | Code | DateRange)]
            assert leaves and all(leaf.field == spec.code for leaf in leaves), example
