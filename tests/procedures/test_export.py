"""Cases reach the statistics: the workflow database exported into a snapshot, and the case
indicators computed from it on DuckDB and Spark, checked against hand-counted cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.procedures.helpers import World, at, pdf
from tests.procedures.test_engine import act, start
from zhichan.corpus.store import CorpusStore
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.figures import export_workflow
from zhichan.indicators import service

D = dt.date
PANEL = {"panel": "张三、李四、王五"}


def _cases(world: World) -> None:
    # A: 立案 4 Mar, suspended 10–20 Mar (10 days excluded), decided 11 May → 结案周期 68 − 10 = 58 days;
    # the answer period (a party's) runs out on 7 Apr without an answer: no delay of the office
    a = start(world, when=at(D(2026, 3, 2)))
    act(world, "wuhou_officer", a, "accept", at(D(2026, 3, 4)), PANEL, (pdf(),))
    act(world, "wuhou_officer", a, "serve", at(D(2026, 3, 9)), uploads=(pdf(),))
    act(world, "wuhou_officer", a, "suspend_invalidation", at(D(2026, 3, 10)), {"ground": "第二十九条 发明专利无效宣告"})
    act(world, "wuhou_officer", a, "resume", at(D(2026, 3, 20)))
    act(world, "wuhou_officer", a, "answer_lapsed", at(D(2026, 4, 13)))
    act(world, "wuhou_officer", a, "schedule_hearing", at(D(2026, 4, 14)), {"hearing_date": "2026-04-24"})
    act(world, "wuhou_officer", a, "record_hearing", at(D(2026, 4, 24)), {  # on its day: the hearing's clock kept
        "attendees": "张三、李四、王五；请求人", "respondent_attendance": "无正当理由拒不参加，按缺席处理"}, (pdf(),))
    act(world, "wuhou_officer", a, "decide", at(D(2026, 5, 11)), uploads=(pdf(),))
    act(world, "wuhou_officer", a, "publish", at(D(2026, 5, 12)), {"redaction": "已审查，裁决书原文公开"})
    # B: 立案 3 Mar, settled by mediation 25 Mar → 22 days
    b = start(world, when=at(D(2026, 3, 2)))
    act(world, "wuhou_officer", b, "accept", at(D(2026, 3, 3)), PANEL, (pdf(),))
    act(world, "wuhou_officer", b, "serve", at(D(2026, 3, 4)), uploads=(pdf(),))
    act(world, "wuhou_officer", b, "answer", at(D(2026, 3, 10)), uploads=(pdf("extra"),))
    act(world, "wuhou_officer", b, "forward_answer", at(D(2026, 3, 12)))  # within 5 working days (第二十二条)
    act(world, "wuhou_officer", b, "mediate", at(D(2026, 3, 25)), {"effective_on": "2026-03-25"}, (pdf(),))
    act(world, "wuhou_officer", b, "apply_confirmation", at(D(2026, 3, 26)), {"court": "成都市中级人民法院",
                                                                               "applied_on": "2026-03-26"})
    act(world, "wuhou_officer", b, "record_ruling", at(D(2026, 3, 30)), {
        "ruling_number": "（2026）川01民特1号", "ruled_on": "2026-03-30"})
    # C: refused before 立案 (no closing clock); D: another district, still open
    c = start(world, when=at(D(2026, 3, 2)))
    act(world, "wuhou_officer", c, "refuse", at(D(2026, 3, 5)), {"reasons": "不属于受案范围"})
    start(world, who="jinjiang_officer", when=at(D(2026, 3, 2)))


def _values(snapshot: Any, region: str, as_of: dt.date, engine: str) -> dict[str, Any]:
    codes = ["protection_cases_opened", "protection_cases_closed", "protection_mediated",
             "protection_out_of_court_share", "adjudication_cycle_cases", "adjudication_cycle_days_total",
             "adjudication_cycle_days", "adjudication_on_time_rate", "protection_in_time_rate",
             "services_cases_opened"]
    return {v.code: v.value for v in service.compute(codes, [region], as_of, snapshot=snapshot, engine=engine)}


@pytest.fixture
def exported(world: World, tmp_path: Path) -> Any:
    snapshot = build_snapshot(tmp_path, patents=[patent("202010000001")])
    con = snapshot.connect()
    try:
        assert con.sql("SELECT count(*) FROM cases").fetchall() == [(0,)]  # nothing exported yet
    finally:
        con.close()
    _cases(world)
    paths = export_workflow(world.engine, world.service.registry, tmp_path, now=at(D(2026, 6, 30)))
    cases = tmp_path / "workflow" / "cases.parquet"
    assert cases in paths and pq.read_metadata(cases).num_rows == 4
    assert CorpusStore(tmp_path / "corpus").current().id == snapshot.id  # an export makes no snapshot
    return snapshot


def test_case_indicators_from_the_export(exported: Any, world: World, tmp_path: Path) -> None:
    june = _values(exported, "510107", D(2026, 6, 30), "duckdb")
    assert june == {
        "protection_cases_opened": 3, "protection_cases_closed": 3, "protection_mediated": 1,
        "protection_out_of_court_share": pytest.approx(100 / 3), "adjudication_cycle_cases": 2,
        "adjudication_cycle_days_total": 80, "adjudication_cycle_days": 40.0, "adjudication_on_time_rate": 100.0,
        "protection_in_time_rate": 100.0, "services_cases_opened": 0,
    }
    assert _values(exported, "510100", D(2026, 6, 30), "duckdb")["protection_cases_opened"] == 4
    march = _values(exported, "510107", D(2026, 3, 31), "duckdb")  # A was still open then
    assert (march["protection_cases_closed"], march["adjudication_cycle_cases"], march["adjudication_cycle_days"]) \
        == (2, 1, 22.0)
    late = _values(exported, "510104", D(2026, 6, 30), "duckdb")  # D's admission decision is overdue, still open
    assert (late["protection_cases_opened"], late["protection_cases_closed"], late["protection_in_time_rate"]) == (1, 0, None)
    records = service.drilldown("adjudication_cycle_days", "510107", D(2026, 6, 30), snapshot=exported)
    assert sorted(records.column("cycle_days").to_pylist()) == [22, 58]
    assert sorted(records.column("cycle_paused_days").to_pylist()) == [0, 10]
    # nothing is exported twice for the same state of the cases
    assert export_workflow(world.engine, world.service.registry, tmp_path, if_changed=True) == []


@pytest.mark.spark
def test_spark_computes_the_same_case_figures(exported: Any) -> None:
    for region in ("510107", "510100"):
        assert _values(exported, region, D(2026, 6, 30), "spark") == _values(exported, region, D(2026, 6, 30), "duckdb")


@pytest.mark.one_database("labels are read from the exported Parquet by DuckDB; the export from PostgreSQL is tested in this module's figure tests")
def test_the_case_records_read_procedure_and_state_titles_not_codes(exported: Any) -> None:
    """``procedure_cases`` holds a procedure's name and a case's state as codes (``open`` while not
    closed on the as-of date); the records page shows their titles in Chinese and English."""
    from tests.helpers import unlabelled_codes

    assert unlabelled_codes(exported, "zhichan.procedures", "CN", D(2026, 6, 30)) == []
