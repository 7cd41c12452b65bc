"""存量专利盘活 (SQLite and PostgreSQL): a university's inventory from the corpus (in force, held, never
transferred or licensed), the inventor's grading, college → university approval on the procedure engine
with its separation of accounts, the 转化资源库, listing and activation, progress per institution and
who sees it; the figures on DuckDB (and Spark) with drill-down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.exchange.dormant_helpers import (
    DORMANT,
    INVENTORY_DAY,
    UNIVERSITY,
    Campus,
    approve,
    build_campus,
    grade,
    inventory,
    offered,
    step,
)
from tests.exchange.helpers import moment
from tests.procedures.helpers import pdf
from zhichan.errors import FormError, PermissionDenied
from zhichan.evidence.keys import SigningKey
from zhichan.exchange import dormant
from zhichan.exchange.deals import PROCEDURE as DEAL
from zhichan.exchange.listings import create_listing
from zhichan.exchange.models import DormantPatent
from zhichan.figures import export_workflow
from zhichan.indicators import service as indicators
from zhichan.platform.db import session_scope
from zhichan.procedures.models import Case, Step

D = dt.date
FIGURES = ["exchange_dormant_inventoried", "exchange_dormant_in_pool", "exchange_dormant_activated"]


@pytest.fixture
def campus(engine: Engine, tmp_path: Path) -> Campus:
    return build_campus(engine, tmp_path, SigningKey.generate())


def _rows(c: Campus) -> dict[str, DormantPatent]:
    by_number = {n: name for name, n in c.numbers.items()}
    with session_scope(c.world.engine) as s:
        rows = list(s.scalars(select(DormantPatent)))
        s.expunge_all()
    return {by_number[r.application_number]: r for r in rows}


def test_the_inventory_is_what_the_corpus_records_dormant(campus: Campus) -> None:
    assert inventory(campus) == {"found": 4, "added": 4}
    rows = _rows(campus)
    # transferred in, licensed before, lapsed, not granted, someone else's: not dormant
    assert set(rows) == set(DORMANT)
    assert {r.state for r in rows.values()} == {"inventoried"}
    assert all(r.inventoried_on == INVENTORY_DAY and r.institution == UNIVERSITY for r in rows.values())
    # taken again: nothing is added twice, nothing already graded is lost
    assert inventory(campus, "office") == {"found": 4, "added": 0}
    # only universities and institutes take one
    with session_scope(campus.world.engine) as s, pytest.raises(PermissionDenied):
        dormant.take_inventory(s, campus.world.scope("ent_user"), campus.snapshot, now=moment())
    with session_scope(campus.world.engine) as s, pytest.raises(PermissionDenied):
        dormant.take_inventory(s, campus.world.scope("wuhou_officer"), campus.snapshot, now=moment())
    with session_scope(campus.world.engine) as s, pytest.raises(FormError) as future:
        dormant.take_inventory(s, campus.world.scope("inventor"), campus.snapshot, on="2026-03-03", now=moment())
    assert "on" in future.value.errors


def test_grading_and_college_then_university_approval(campus: Campus) -> None:
    inventory(campus)
    case = grade(campus, "dormant_a")
    row = _rows(campus)["dormant_a"]
    assert (row.state, row.prospect, row.field, row.willingness, row.college, row.case_id) == \
        ("graded", "高", "新能源储能", "愿意转化", "材料学院", case["id"])
    with session_scope(campus.world.engine) as s:  # the case is named by the patent
        assert s.get(Case, case["id"]).title == f"一种钠离子电池正极材料及其制备方法 · {campus.numbers['dormant_a']}"  # type: ignore[union-attr]
    # only what the inventory holds, and once
    for name in ("enterprise", "dormant_a"):
        with pytest.raises(FormError) as refused:
            grade(campus, name)
        assert "patent_number" in refused.value.errors
    # the college's review is someone else's than the grader's: not offered to the grader (it was, and the hook
    # refused it) and refused by the engine …
    assert offered(campus, case["id"], "inventor") == set()
    assert offered(campus, case["id"], "college") == {"college_approve", "college_return", "decline"}
    with pytest.raises(PermissionDenied):
        step(campus, case["id"], "college_approve", "inventor", 1)
    step(campus, case["id"], "college_approve", "college", 1)
    # … and the university's someone else's than both
    assert offered(campus, case["id"], "college") == offered(campus, case["id"], "inventor") == set()
    assert offered(campus, case["id"], "office") == {"university_approve", "university_return", "decline"}
    for user in ("inventor", "college"):
        with pytest.raises(PermissionDenied):
            step(campus, case["id"], "university_approve", user, 2)
    step(campus, case["id"], "university_approve", "office", 2, D(2026, 3, 9))
    row = _rows(campus)["dormant_a"]
    assert (row.state, row.approved_on) == ("approved", D(2026, 3, 9))
    with session_scope(campus.world.engine) as s:
        steps = [(st.event, st.username) for st in s.scalars(select(Step).where(Step.case_id == case["id"])
                                                              .order_by(Step.seq))]
        assert [r.application_number for r in dormant.pool(s)] == [campus.numbers["dormant_a"]]
    assert steps == [("start", "inventor"), ("college_approve", "college"), ("university_approve", "office")]


def test_a_returned_grading_is_graded_again(campus: Campus) -> None:
    inventory(campus)
    case = grade(campus, "dormant_b")
    step(campus, case["id"], "college_return", "college", 1, opinion="应用领域不准确")
    assert _rows(campus)["dormant_b"].state == "returned"
    step(campus, case["id"], "regrade", "college", 2, prospect="中", application_field="交通基础设施",
         willingness="视条件转化")
    row = _rows(campus)["dormant_b"]
    assert (row.state, row.prospect, row.field) == ("graded", "中", "交通基础设施")
    with pytest.raises(PermissionDenied):  # the one who graded it last cannot review it
        step(campus, case["id"], "college_approve", "college", 3)
    step(campus, case["id"], "decline", "inventor", 3, opinion="暂无转化条件")
    assert _rows(campus)["dormant_b"].state == "declined"


def test_listing_and_activation_make_the_progress(campus: Campus) -> None:
    inventory(campus)
    approve(campus, "dormant_a")
    grade(campus, "dormant_b")
    with session_scope(campus.world.engine) as s:  # listed by the university
        create_listing(s, campus.world.scope("office"), campus.snapshot, asset_kind="patent",
                       number=campus.numbers["dormant_a"], mode="sale", price="300000", description="",
                       pledgee_consent=False, now=moment(D(2026, 3, 10)))
    # a deal contracted on the platform activates it …
    deal_day = D(2026, 4, 1)
    with session_scope(campus.world.engine) as s:
        deal = campus.world.service.start(s, campus.world.scope("office"), DEAL, fields={
            "patent_number": campus.numbers["dormant_b"], "buyer": "某受让企业", "pricing_method": "评估定价",
            "trading_mode": "协议交易", "deal_kind": "转让", "price": "200000"}, now=moment(deal_day))
    with session_scope(campus.world.engine) as s:
        campus.world.service.act(s, campus.world.scope("office"), deal["id"], "sign", version=1,
                                 fields={"contract_on": deal_day.isoformat(), "contract_price": "200000"},
                                 uploads=(pdf("doc0", "合同.pdf"),), now=moment(deal_day))
    # … and so does a licence the corpus records after the inventory (the job runner's refresh)
    with session_scope(campus.world.engine) as s:
        assert dormant.refresh_from_corpus(s, campus.snapshot, D(2026, 4, 30)) == 0  # recorded 2026-05-01
        assert dormant.refresh_from_corpus(s, campus.snapshot, D(2026, 6, 30)) == 1
    rows = _rows(campus)
    assert rows["dormant_a"].listed_on == D(2026, 3, 10) and rows["dormant_a"].activated_on is None
    assert (rows["dormant_b"].activated_on, rows["dormant_b"].activated_by) == (deal_day, "deal")
    assert (rows["licensed_later"].activated_on, rows["licensed_later"].activated_by) == (D(2026, 5, 1), "licence")
    with session_scope(campus.world.engine) as s:
        mine = dormant.progress(s, campus.world.scope("college"))
        assert [r.application_number for r in dormant.pool(s)] == [campus.numbers["dormant_a"]]
    assert [{k: p[k] for k in ("institution", "inventoried", "graded", "approved", "listed", "activated")}
            for p in mine] == [{"institution": UNIVERSITY, "inventoried": 4, "graded": 2, "approved": 1, "listed": 1,
                                "activated": 2}]


def test_who_sees_an_inventory(campus: Campus) -> None:
    inventory(campus)
    inventory(campus, "other_uni")
    with session_scope(campus.world.engine) as s:
        def seen(user: str) -> list[str]:
            return sorted(p["institution"] for p in dormant.progress(s, campus.world.scope(user)))

        assert seen("inventor") == [UNIVERSITY]  # its own only
        assert seen("other_uni") == ["锦江示例学院"]
        assert seen("ent_user") == []  # an enterprise: none
        assert seen("wuhou_officer") == [UNIVERSITY]  # the district's institutions
        assert seen("jinjiang_officer") == ["锦江示例学院"]
        assert seen("chengdu_officer") == sorted([UNIVERSITY, "锦江示例学院"])  # the city's
        assert {r.institution for r in dormant.inventory(s, campus.world.scope("jinjiang_officer"))} == {"锦江示例学院"}
    # another institution's account cannot take a step on this one's case (404: not its case)
    case = grade(campus, "dormant_a")
    from zhichan.errors import NotFoundError

    with pytest.raises(NotFoundError):
        step(campus, case["id"], "college_approve", "other_uni", 1)


def _figures(c: Campus, region: str, as_of: D, engine: str = "duckdb") -> dict[str, object]:
    return {v.code: v.value for v in indicators.compute(FIGURES, [region], as_of, snapshot=c.snapshot, engine=engine)}


@pytest.fixture
def exported(campus: Campus) -> Campus:
    inventory(campus)
    approve(campus, "dormant_a")
    approve(campus, "dormant_b")
    with session_scope(campus.world.engine) as s:
        dormant.refresh_from_corpus(s, campus.snapshot, D(2026, 6, 30))  # licensed_later: 2026-05-01
    export_workflow(campus.world.engine, campus.world.service.registry, campus.root / "var", now=moment(D(2026, 6, 30)))
    return campus


def test_dormant_figures_by_hand(exported: Campus) -> None:
    # on 2026-06-30: 4 inventoried; dormant_a and dormant_b in the pool; licensed_later activated in May
    assert _figures(exported, "510107", D(2026, 6, 30)) == {
        "exchange_dormant_inventoried": 4, "exchange_dormant_in_pool": 2, "exchange_dormant_activated": 1}
    # before the licence: nothing activated yet; before the inventory: nothing at all
    assert _figures(exported, "510107", D(2026, 4, 30))["exchange_dormant_activated"] == 0
    assert _figures(exported, "510107", D(2026, 3, 1)) == {
        "exchange_dormant_inventoried": 0, "exchange_dormant_in_pool": 0, "exchange_dormant_activated": 0}
    assert _figures(exported, "510100", D(2026, 6, 30))["exchange_dormant_inventoried"] == 4  # the city
    assert _figures(exported, "510104", D(2026, 6, 30))["exchange_dormant_inventoried"] == 0  # another district
    records = indicators.drilldown("exchange_dormant_activated", "510107", D(2026, 6, 30), snapshot=exported.snapshot)
    assert records.column("application_number").to_pylist() == [exported.numbers["licensed_later"]]
    assert records.column("activated_by").to_pylist() == ["licence"]
    pool = indicators.drilldown("exchange_dormant_in_pool", "510107", D(2026, 6, 30), snapshot=exported.snapshot)
    assert sorted(pool.column("application_number").to_pylist()) == \
        sorted([exported.numbers["dormant_a"], exported.numbers["dormant_b"]])


@pytest.mark.spark
def test_spark_computes_the_same_dormant_figures(exported: Campus) -> None:
    for region in ("510107", "510100"):
        assert _figures(exported, region, D(2026, 6, 30), "spark") == _figures(exported, region, D(2026, 6, 30))


def test_the_transfer_pool_is_matched_and_says_so(campus: Campus) -> None:
    from zhichan.exchange.matching import match_need
    from zhichan.search.build import build_index

    build_index(campus.snapshot)
    inventory(campus)
    with session_scope(campus.world.engine) as s:
        assert match_need(s, campus.snapshot, text="寻求钠离子电池正极材料技术", region="510107") == []  # nothing on offer
    approve(campus, "dormant_a")
    grade(campus, "dormant_b")  # graded, not approved: not in the pool
    with session_scope(campus.world.engine) as s:
        row_id = s.scalar(select(DormantPatent.id).where(DormantPatent.application_number == campus.numbers["dormant_a"]))
        matches = match_need(s, campus.snapshot, text="寻求钠离子电池正极材料技术，提高容量", region="510107")
    assert [m["application_number"] for m in matches] == [campus.numbers["dormant_a"]]
    assert matches[0]["offers"] == [{"kind": "resource_pool", "id": row_id, "label": UNIVERSITY}]
    assert matches[0]["owner_type"] == "university" and "钠离子" in matches[0]["shared_terms"]


def test_the_page_says_another_person_takes_a_step_the_four_eyes_rule_bars(campus: Campus) -> None:
    """The college's reviewer reads, beside no step of its own, that the university's decision is for another person
    of its university, and why (it took the college's review): 当前没有您可办理的操作 alone was a dead end. The
    university's office, which may decide, reads no such line; nor does the grader for the college's review once taken."""
    from zhichan.procedures.views import case_view

    inventory(campus)
    case = grade(campus, "dormant_a")

    def barred(user: str, lang: str = "zh") -> list[tuple[list[str], list[str], str]]:
        with session_scope(campus.world.engine) as s:
            shown = case_view(campus.world.service, s, campus.world.scope(user), case["id"], lang)["barred"]
        return [(b["events"], b["titles"], b["taken"]) for b in shown]

    assert barred("inventor") == [(["college_approve", "college_return", "decline"], ["学院审核通过", "学院退回重评", "不予入库"],
                                   "发明人自评并提交学院审核")]
    assert barred("college") == []
    step(campus, case["id"], "college_approve", "college", 1)
    assert barred("college") == [(["university_approve", "university_return", "decline"],
                                  ["学校审批入库", "学校退回重评", "不予入库"], "学院审核通过")]
    assert barred("college", "en")[0][1:] == (["University admits it to the pool", "University returns it", "Decline"],
                                              "College approves")
    assert [b[0] for b in barred("inventor")] == [["university_approve", "university_return", "decline"]]
    assert barred("office") == []
