"""双随机一公开: the draw is reproducible from the published seed — independent of the order of the pools
and of the machine (a known-answer vector of SHA-256) — conflicts are excluded with their reasons, the
draw is repeated from its published record alone, results become credit items, publication, scope."""

from __future__ import annotations

import hashlib
import json
import random

import pytest
from sqlalchemy import Engine, select

from tests.procedures.helpers import PASSWORD, _password_hash
from zhichan.credit.agencies import parse_cutoffs, record_item, register_agency
from zhichan.credit.draws import (
    Draw,
    conflict,
    create_inspection,
    get_inspection,
    inspection_json,
    inspections,
    publish_inspection,
    record_result,
    redraw,
)
from zhichan.credit.models import AgencyItem, Agent
from zhichan.errors import FormError, NotFoundError
from zhichan.evidence.service import utcnow
from zhichan.legaltime import china_date
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.platform.scope import Scope

SEED = "2026-12-04 上证综指收盘 3412.55"
TARGETS = {str(i): f"机构{i}" for i in range(1, 9)}
INSPECTORS = {f"officer{i}": f"检查员{i}" for i in range(1, 6)}


def test_known_answer_on_any_machine() -> None:
    """SHA-256 is the same everywhere: this vector must never change between versions or machines."""
    drawn = Draw(SEED, TARGETS, INSPECTORS, {}, 3, 2).run()
    assert [(d["target"], [i["id"] for i in d["inspectors"]]) for d in drawn] == [
        ("2", ["officer4", "officer5"]), ("8", ["officer4", "officer1"]), ("7", ["officer4", "officer2"])]
    # the same, computed independently from the documented rule
    def tickets(*parts: str) -> str:
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    chosen = sorted(TARGETS, key=lambda t: tickets(SEED, "target", t))[:3]
    assert [d["target"] for d in drawn] == chosen
    assert [i["id"] for i in drawn[0]["inspectors"]] == \
        sorted(INSPECTORS, key=lambda i: tickets(SEED, "inspector", chosen[0], i))[:2]


def test_same_seed_same_draw_whatever_the_order_of_the_pools() -> None:
    reference = Draw(SEED, TARGETS, INSPECTORS, {}, 4, 2).run()
    for shuffle_seed in range(5):
        shuffler = random.Random(shuffle_seed)
        targets = list(TARGETS.items())
        inspectors = list(INSPECTORS.items())
        shuffler.shuffle(targets)
        shuffler.shuffle(inspectors)
        assert Draw(SEED, dict(targets), dict(inspectors), {}, 4, 2).run() == reference
    assert Draw(SEED + " ", TARGETS, INSPECTORS, {}, 4, 2).run() != reference  # another seed, another draw


def test_conflicts_are_skipped_with_their_reason() -> None:
    first = Draw(SEED, TARGETS, INSPECTORS, {}, 1, 2).run()[0]
    assert [i["id"] for i in first["inspectors"]] == ["officer4", "officer5"]
    conflicts = {"2": {"officer4": "named as one of the target's agents"}}
    again = Draw(SEED, TARGETS, INSPECTORS, conflicts, 1, 2).run()[0]
    # officer4 is skipped: the next in the ranking takes its place; the exclusion is shown
    ranking = sorted(INSPECTORS, key=lambda i: hashlib.sha256(f"{SEED}\x1finspector\x1f2\x1f{i}".encode()).hexdigest())
    assert [i["id"] for i in again["inspectors"]] == [r for r in ranking if r != "officer4"][:2]
    assert again["excluded"] == [{"id": "officer4", "name": "检查员4", "reason": "named as one of the target's agents"}]
    assert conflict(7, set(), 7, ("张三",)) is not None  # same organization
    assert conflict(7, {"王五"}, 3, ("王五 ", "wangwu")) is not None  # named as its agent
    assert conflict(7, {"王五"}, 3, ("张三", "zhangsan")) is None


def test_top_grades_are_drawn_less_often_by_exact_weights() -> None:
    """An A+ agency counts as 1/4 (key 1 − (1 − v)^4 for its ticket v in [0, 1)), an A agency as 1/2."""
    from fractions import Fraction

    targets = {str(i): f"机构{i}" for i in range(1, 201)}
    divisors = {str(i): 4 for i in range(1, 101)}  # half the pool graded A+
    drawn = [d["target"] for d in Draw(SEED, targets, INSPECTORS, {}, 50, 1, divisors).run()]

    def key(t: str) -> Fraction:  # the documented rule, computed independently
        v = Fraction(int(hashlib.sha256(f"{SEED}\x1ftarget\x1f{t}".encode()).hexdigest(), 16), 2**256)
        return 1 - (1 - v) ** divisors.get(t, 1)

    assert drawn == sorted(targets, key=key)[:50]
    top = sum(1 for t in drawn if t in divisors)
    assert top < 20, top  # a quarter weight: far fewer than the 25 an unweighted draw would give on average
    unweighted = [d["target"] for d in Draw(SEED, targets, INSPECTORS, {}, 50, 1).run()]
    assert unweighted == sorted(targets, key=lambda t: hashlib.sha256(f"{SEED}\x1ftarget\x1f{t}".encode()).hexdigest())[:50]
    record = Draw(SEED, targets, INSPECTORS, {}, 50, 1, divisors).as_json()
    assert {t["id"]: t["divisor"] for t in record["targets"]}["1"] == 4
    assert redraw(json.loads(json.dumps(record))) == record["draw"]


def test_a_published_record_is_enough_to_redraw() -> None:
    record = Draw(SEED, TARGETS, INSPECTORS, {"8": {"officer1": "r"}}, 3, 2).as_json()
    copied = json.loads(json.dumps(record, ensure_ascii=False))
    copied["targets"].reverse()
    copied["inspectors"].reverse()
    assert redraw(copied) == record["draw"]


@pytest.fixture
def area(engine: Engine) -> Engine:
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        sichuan = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation)
        chengdu = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", sichuan)
        wuhou = create_org(s, "武侯区知识产权局", OrgKind.COUNTY, "510107", chengdu)
        jinjiang = create_org(s, "锦江区知识产权局", OrgKind.COUNTY, "510104", chengdu)
        for name, display, role, org in (("cd_leader", "成都局长", Role.BUREAU_LEADER, chengdu),
                                         ("wangwu", "王五", Role.CASE_OFFICER, wuhou),
                                         ("zhao", "赵一", Role.CASE_OFFICER, wuhou),
                                         ("qian", "钱二", Role.CASE_OFFICER, jinjiang),
                                         ("analyst", "分析员", Role.ANALYST, chengdu),
                                         ("jinjiang_officer", "孙三", Role.CASE_OFFICER, jinjiang)):
            create_user(s, username=name, password=PASSWORD, role=role, org=org, display_name=display,
                        password_hash=_password_hash())
    return engine


def scope_of(engine: Engine, username: str) -> Scope:
    with session_scope(engine) as s:
        return scope_for_user(s, s.scalars(select(User).where(User.username == username)).one())


def test_an_inspection_from_draw_to_publication(area: Engine) -> None:
    leader = scope_of(area, "cd_leader")
    with session_scope(area) as s:
        a = register_agency(s, leader, {"name": "武侯甲专利代理所", "region_code": "510107", "agents": "王五"})
        b = register_agency(s, leader, {"name": "锦江乙专利代理所", "region_code": "510104"})
        ids = {a.id, b.id}
        assert {x.name for x in s.scalars(select(Agent))} == {"王五"}
    with session_scope(area) as s, pytest.raises(FormError) as bad:
        create_inspection(s, leader, {"title": "", "region_code": "330100", "target_count": "0",
                                      "inspectors_per_target": "x"})
    assert set(bad.value.errors) == {"title", "region_code", "target_count", "inspectors_per_target"}
    with session_scope(area) as s, pytest.raises(FormError) as big:
        create_inspection(s, leader, {"title": "t", "target_count": "3", "inspectors_per_target": "9"})
    assert set(big.value.errors) == {"target_count", "inspectors_per_target"}
    with session_scope(area) as s:  # 锦江乙 falls to B (100 − 30): a full candidate; 武侯甲 stays A+ (1/4)
        record_item(s, leader, b.id, item="administrative_penalty", occurred_on=china_date(utcnow()))
    with session_scope(area) as s:
        row = create_inspection(s, leader, {"title": "2026 年第四季度代理机构抽查", "seed": SEED, "target_count": "2",
                                            "inspectors_per_target": "2"}, cutoffs=parse_cutoffs("A+:95,A:85,B:70,C:60"))
        inspection_id = row.id
        record = inspection_json(row)
    # the pool of inspectors: the city's case officers and leaders, not its analyst
    assert {i["id"] for i in record["inspectors"]} == {"cd_leader", "wangwu", "zhao", "qian", "jinjiang_officer"}
    assert {d["target"] for d in record["draw"]} == {str(i) for i in ids}
    assert {t["id"]: t["divisor"] for t in record["targets"]} == {str(a.id): 4, str(b.id): 1}
    wuhou_agency = next(d for d in record["draw"] if d["target"] == str(a.id))
    assert "wangwu" not in [i["id"] for i in wuhou_agency["inspectors"]]  # 王五 was named as its agent
    assert wuhou_agency["excluded"][0]["id"] == "wangwu"
    assert redraw(record) == record["draw"]
    assert record["seed"] == SEED
    with session_scope(area) as s:  # not public before publication, nor seen by a district
        assert [i.id for i in inspections(s, Scope.anonymous())] == []
        with pytest.raises(NotFoundError):
            get_inspection(s, scope_of(area, "jinjiang_officer"), inspection_id)
    with session_scope(area) as s, pytest.raises(FormError) as missing:
        publish_inspection(s, leader, inspection_id)
    assert "2 个对象未录入结果" in missing.value.errors["_form"]
    with session_scope(area) as s, pytest.raises(FormError) as no_note:
        record_result(s, leader, inspection_id, {"target": str(a.id), "finding": "problem", "note": ""})
    assert set(no_note.value.errors) == {"note"}
    with session_scope(area) as s:
        record_result(s, leader, inspection_id, {"target": str(a.id), "finding": "problem", "note": "无资质人员代理"})
        record_result(s, leader, inspection_id, {"target": str(b.id), "finding": "ok", "note": ""})
        publish_inspection(s, leader, inspection_id)
    with session_scope(area) as s:
        [item] = s.scalars(select(AgencyItem).where(AgencyItem.source == "inspection")).all()
        assert (item.agency_id, item.item, item.points) == (a.id, "inspection_problem", 10)
        assert [i.id for i in inspections(s, Scope.anonymous())] == [inspection_id]
        assert get_inspection(s, Scope.anonymous(), inspection_id).published_on is not None
        with pytest.raises(FormError):  # published results do not change
            record_result(s, leader, inspection_id, {"target": str(b.id), "finding": "problem", "note": "x"})
