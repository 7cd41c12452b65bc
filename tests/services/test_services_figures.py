"""The services' figures as registered indicators: applications by service and their handling time
from the engine's cases, subsidies paid in exact yuan after an upheld objection — counted by hand,
drilled down to the records, the same on DuckDB and Spark (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.procedures.helpers import World, at, pdf
from tests.services.test_services_objections import CODE, _decide, _object, _published
from tests.services.test_services_subsidies import C, _scope
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.figures import export_workflow
from zhichan.indicators import service
from zhichan.platform.db import session_scope
from zhichan.services.models import SubsidyAward
from zhichan.services.subsidies import disburse

D = dt.date
SEARCH = "services.search_service"
FORM = {"applicant": "成都示例科技有限公司", "topic": "固态电池专利检索", "purpose": "专利布局", "contact": "王五 028-1"}
CODES = ["services_applications_search_service", "services_applications_priority_exam", "services_cycle_cases",
         "services_cycle_days_total", "services_cycle_days", "services_cases_opened", "subsidies_paid_count",
         "subsidies_paid", "priority_recommended", "preexam_granted"]


def _search_case(world: World, decided: dt.date, event: str, fields: dict[str, str]) -> None:
    officer = world.scope("wuhou_officer")
    with session_scope(world.engine) as s:
        case = world.service.start(s, world.scope("ent_user"), SEARCH, fields=FORM, uploads=(pdf(),), now=at(D(2026, 3, 2)))
        world.service.act(s, officer, case["id"], "accept", version=1, fields={}, now=at(D(2026, 3, 3)))
        world.service.act(s, officer, case["id"], event, version=2, fields=fields, uploads=(pdf(),), now=at(decided))


@pytest.fixture
def exported(world: World, tmp_path: Path) -> Any:
    snapshot = build_snapshot(tmp_path, patents=[patent("202010000001")])
    # two applications of 武侯区: decided after 4 and 10 days of the committed time limit → 7 days on average
    _search_case(world, D(2026, 3, 6), "approve", {"conclusion": "已完成"})
    _search_case(world, D(2026, 3, 12), "reject", {"reasons": "不属于服务范围"})
    # the round: A 21,000, B 19,000, C 0; an upheld objection cuts A to 5,000.50; A and B are paid
    _, users, _ = _published(world, tmp_path)
    first = _object(world, _scope(world, users[C]), 1, D(2026, 8, 4))
    _decide(world, first["id"], "uphold", {"awarded": "5000.50", "decision": "部分发明不属申请人"}, D(2026, 8, 5))
    with session_scope(world.engine) as s:
        round_id = s.scalar(select(SubsidyAward.round_case_id))
        world.service.act(s, world.scope("chengdu_officer"), round_id, "conclude", version=3, fields={},
                          now=at(D(2026, 8, 11)))
    with session_scope(world.engine) as s:
        for seq, day in ((1, "2026-08-12"), (2, "2026-09-01")):
            award = s.scalar(select(SubsidyAward).where(SubsidyAward.seq == seq))
            assert award is not None
            disburse(s, world.scope("chengdu_officer"), award.id, day, f"CD-{seq}")
    export_workflow(world.engine, world.service.registry, tmp_path, now=at(D(2026, 9, 30)))
    return snapshot


def _values(snapshot: Any, region: str, as_of: dt.date, engine: str) -> dict[str, Any]:
    return {v.code: v.value for v in service.compute(CODES, [region], as_of, snapshot=snapshot, engine=engine)}


def test_service_figures_by_hand(exported: Any) -> None:
    wuhou = _values(exported, "510107", D(2026, 9, 30), "duckdb")
    assert wuhou == {
        "services_applications_search_service": 2, "services_applications_priority_exam": 0,
        "services_cycle_cases": 2, "services_cycle_days_total": 14, "services_cycle_days": 7.0,
        "services_cases_opened": 2,  # the case figure of the domain: the round and the objection are the city's
        "subsidies_paid_count": 2, "subsidies_paid": Decimal("24000.50"), "priority_recommended": 0,
        "preexam_granted": 0}
    august = _values(exported, "510100", D(2026, 8, 31), "duckdb")  # B's payment came in September
    assert (august["subsidies_paid_count"], august["subsidies_paid"]) == (1, Decimal("5000.50"))
    assert _values(exported, "510104", D(2026, 9, 30), "duckdb")["subsidies_paid_count"] == 0
    records = service.drilldown("subsidies_paid", "510107", D(2026, 9, 30), snapshot=exported)
    assert sorted(Decimal(str(x)) for x in records.column("awarded_yuan").to_pylist()) == \
        [Decimal("5000.50"), Decimal("19000.00")]
    cycle = service.drilldown("services_cycle_days", "510107", D(2026, 9, 30), snapshot=exported)
    assert sorted(cycle.column("cycle_days").to_pylist()) == [4, 10]


@pytest.mark.spark
def test_spark_computes_the_same_service_figures(exported: Any) -> None:
    for region in ("510107", "510100"):
        assert _values(exported, region, D(2026, 9, 30), "spark") == _values(exported, region, D(2026, 9, 30), "duckdb")
    assert CODE
