"""The other channels on hand-made cases: a complaint proposed for transfer to the police (the head's
3 days ending in National Day 2026, the 24-hour transfer as an hour clock), the e-commerce right holder's
15 days from the counter-notice's arrival, an exhibition complaint passed on within 24 hours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.procedures.helpers import World, at, build_world, pdf
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.errors import ConflictError, FormError
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.protection.channels import ECOMMERCE, POLICE, EcommerceRules, police_rules
from zhichan.protection.service import COMPLAINT, ComplaintRules

D = dt.date
HOLDER = "成都示例科技有限公司"
NUMBER = "CN202010000007.9"


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    snap = build_snapshot(tmp_path / "corpus", patents=[patent("202010000007", applicants=[HOLDER])])
    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    w.service.add_hook(COMPLAINT, ComplaintRules(w.service, lambda: snap))
    w.service.add_hook(POLICE, police_rules)
    w.service.add_hook(ECOMMERCE, EcommerceRules(w.service))
    return w


def start(world: World, procedure: str, fields: dict[str, str], when: dt.datetime, who: str = "wuhou_officer") -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope(who), procedure, fields=fields, now=when)


def act(world: World, who: str, case: dict[str, Any], event: str, when: dt.datetime,
        fields: dict[str, Any] | None = None, uploads: tuple[Any, ...] = ()) -> None:
    with session_scope(world.engine) as s:
        case.update(world.service.act(s, world.scope(who), case["id"], event, version=case["version"],
                                      fields=fields or {}, uploads=uploads, now=when))


def clocks(world: World, case_id: int) -> dict[str, dict[str, Any]]:
    with session_scope(world.engine) as s:
        return {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case_id)["clocks"]}


def test_complaint_transferred_to_the_police_on_hour_clocks(world: World) -> None:
    complaint = start(world, COMPLAINT, {"kind": "举报", "patent_number": NUMBER, "respondent": "某假冒专利工厂",
                                         "target_kind": "产品", "target": "假冒专利标识的电池", "facts": "大量生产"},
                      at(D(2026, 9, 28)))
    assert clocks(world, complaint["id"])["acceptance"]["due_on"] == D(2026, 10, 13)  # 29, 30 Sep, 8, 9, Sat 10, 12, 13 Oct
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", complaint, "to_police", at(D(2026, 9, 30)), {"note": "涉嫌假冒专利罪", "team": "张三"})
    assert set(info.value.errors) == {"team"}
    act(world, "wuhou_officer", complaint, "to_police", at(D(2026, 9, 30)), {"note": "涉嫌假冒专利罪", "team": "张三、李四"})
    with session_scope(world.engine) as s:
        from zhichan.protection.service import complaint_row

        transfer_id = complaint_row(s, complaint["id"]).linked_case_id
        assert transfer_id is not None
        transfer = world.service.case(s, world.scope("wuhou_leader"), transfer_id)["case"]
    assert clocks(world, transfer_id)["decision"]["due_on"] == D(2026, 10, 8)  # 3 Oct, a holiday → 8 Oct
    case = {"id": transfer_id, "version": transfer["version"]}
    # approved at 23:00 China time on 30 September: the transfer is due 24 hours later, holiday or not
    act(world, "wuhou_leader", case, "approve", dt.datetime(2026, 9, 30, 15, 0))
    assert clocks(world, transfer_id)["transfer"]["due_at"] == dt.datetime(2026, 10, 1, 15, 0)
    act(world, "wuhou_officer", case, "transfer", dt.datetime(2026, 10, 1, 9, 0), {"police": "武侯公安分局"}, (pdf(),))
    act(world, "wuhou_officer", case, "police_filed", at(D(2026, 10, 2)))
    act(world, "wuhou_officer", case, "hand_over", at(D(2026, 10, 3)))
    assert case["state"] == "closed"
    # an anonymous report is closed without telling anyone; a named one only by telling
    with pytest.raises(ConflictError, match="投诉人/举报人"):  # nobody named to tell: the step does not apply
        act(world, "wuhou_officer", complaint, "inform", at(D(2026, 10, 8)), {"how": "电话"})
    act(world, "wuhou_officer", complaint, "close_anonymous", at(D(2026, 10, 8)))


def test_ecommerce_counter_notice_window(world: World) -> None:
    case = start(world, ECOMMERCE, {"patent_number": NUMBER, "holder": HOLDER, "platform": "某电商平台",
                                    "merchant": "某网店", "link": "https://shop.example.invalid/1"}, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "measures_taken", at(D(2026, 3, 3)), {"measure": "断开链接"})
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "counter_notice", at(D(2026, 3, 5)), {"reached_on": "2026-03-06"})
    assert set(info.value.errors) == {"reached_on"}
    act(world, "wuhou_officer", case, "counter_notice", at(D(2026, 3, 9)), {"reached_on": "2026-03-07"})
    assert clocks(world, case["id"])["holder_window"]["due_on"] == D(2026, 3, 23)  # 22 Mar is a Sunday
    act(world, "wuhou_officer", case, "window_lapsed", at(D(2026, 3, 24)))
    assert case["state"] == "restored"


def test_exhibition_complaint_passed_on_within_24_hours(world: World) -> None:
    case = start(world, "protection.exhibition", {"exhibition": "成都国际电池展", "booth": "A-12", "exhibitor": "某参展商",
                                                  "patent_number": NUMBER, "holder": HOLDER}, dt.datetime(2026, 10, 2, 2, 0))
    assert clocks(world, case["id"])["pass_on"]["due_at"] == dt.datetime(2026, 10, 3, 2, 0)
    act(world, "wuhou_officer", case, "pass_on", dt.datetime(2026, 10, 2, 6, 0))
    assert clocks(world, case["id"])["exhibitor_reply"]["due_at"] == dt.datetime(2026, 10, 3, 6, 0)
    act(world, "wuhou_officer", case, "decide", dt.datetime(2026, 10, 3, 8, 0), {"outcome": "撤展（涉嫌侵权展品）"})
    assert case["state"] == "closed"


def test_enforcement_windows_follow_on_from_the_decision(world: World) -> None:
    from zhichan.protection.channels import ENFORCEMENT, EnforcementRules
    from zhichan.protection.demo import placeholder_generator
    from zhichan.protection.documents import OFFICE_DOCUMENTS

    world.service.add_hook(ENFORCEMENT, EnforcementRules(world.service))
    world.service.add_generator(ENFORCEMENT, placeholder_generator, OFFICE_DOCUMENTS)
    fields = {"decision_number": "PD-2025-000001", "respondent": "某某电子商行", "final_on": "2026-01-15"}
    case = start(world, ENFORCEMENT, fields, at(D(2026, 1, 19)))
    assert clocks(world, case["id"])["office_window"]["due_on"] == D(2026, 4, 15)
    act(world, "wuhou_officer", case, "urge", at(D(2026, 1, 20)))  # the written urging generated
    assert clocks(world, case["id"])["urge"]["due_on"] == D(2026, 1, 30)
    with pytest.raises(FormError):  # the urging's 10 days first
        act(world, "wuhou_leader", case, "apply_court", at(D(2026, 1, 29)), {"court": "成都市中级人民法院"})
    other = start(world, ENFORCEMENT, fields, at(D(2026, 1, 19)))
    with pytest.raises(FormError):
        act(world, "wuhou_officer", other, "office_lapsed", at(D(2026, 4, 15)))
    act(world, "wuhou_officer", other, "office_lapsed", at(D(2026, 4, 16)))
    assert clocks(world, other["id"])["holder_window"]["due_on"] == D(2026, 10, 15)  # 6 months after 15 April
    act(world, "wuhou_leader", case, "apply_court", at(D(2026, 2, 2)), {"court": "成都市中级人民法院"})
    assert case["state"] == "applied"
    with pytest.raises(FormError) as info:
        start(world, ENFORCEMENT, fields | {"final_on": "2026-02-01"}, at(D(2026, 1, 19)))
    assert set(info.value.errors) == {"final_on"}


def test_fast_channel_opens_the_ecommerce_or_exhibition_case(world: World) -> None:
    from zhichan.protection.service import complaint_row

    filing = {"kind": "投诉", "reporter": HOLDER, "contact": "028-1", "patent_number": NUMBER, "respondent": "某网店",
              "target_kind": "网站或网店", "target": "https://shop.example.invalid/1", "facts": "销售"}
    shop = start(world, COMPLAINT, filing, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", shop, "to_fast_channel", at(D(2026, 3, 3)), {"channel": "电子商务平台", "venue": "某电商平台"})
    fair = start(world, COMPLAINT, filing | {"target_kind": "展会", "target": "成都电池展"}, at(D(2026, 3, 2)))
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", fair, "to_fast_channel", at(D(2026, 3, 3)), {"channel": "展会投诉机构", "venue": "成都电池展"})
    assert set(info.value.errors) == {"booth"}
    act(world, "wuhou_officer", fair, "to_fast_channel", at(D(2026, 3, 3)),
        {"channel": "展会投诉机构", "venue": "成都电池展", "booth": "B-7"})
    with session_scope(world.engine) as s:
        from zhichan.procedures.models import Case

        linked = {complaint_row(s, c["id"]).linked_case_id for c in (shop, fair)}
        assert {s.get(Case, i).procedure for i in linked} == {ECOMMERCE, "protection.exhibition"}  # type: ignore[union-attr]


def test_the_case_page_offers_telling_only_a_named_complainant(world: World) -> None:
    """After triage the case page offered both 已告知投诉人/举报人 and 办结（匿名举报）, and the hook refused the one that
    did not fit: an anonymous report now has no period to tell anyone (its clock stopped) and is offered its
    closing only; a named complainant is offered telling only."""
    def offered(case: dict[str, Any]) -> set[str]:
        with session_scope(world.engine) as s:
            return {a.event for a in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]}

    base = {"patent_number": NUMBER, "respondent": "某假冒专利工厂", "target_kind": "产品", "target": "电池", "facts": "销售"}
    anonymous = start(world, COMPLAINT, {"kind": "举报", **base}, at(D(2026, 11, 2)))
    named = start(world, COMPLAINT, {"kind": "投诉", "reporter": HOLDER, "contact": "028-0000000", **base},
                  at(D(2026, 11, 2)))
    for case in (anonymous, named):
        act(world, "wuhou_officer", case, "to_enforcement", at(D(2026, 11, 3)), {"note": "转执法"})
    assert {"close_anonymous"} <= offered(anonymous) and "inform" not in offered(anonymous)
    assert "inform" not in clocks(world, anonymous["id"])  # no period to tell anyone runs
    assert "inform" in offered(named) and "close_anonymous" not in offered(named)
    with pytest.raises(FormError):
        act(world, "wuhou_officer", named, "close_anonymous", at(D(2026, 11, 4)))
    act(world, "wuhou_officer", named, "inform", at(D(2026, 11, 4)), {"how": "电话"})
    act(world, "wuhou_officer", anonymous, "close_anonymous", at(D(2026, 11, 4)))
    assert named["state"] == anonymous["state"] == "closed"


def test_an_anonymous_report_is_not_offered_what_needs_a_requester(world: World) -> None:
    """The case page of an anonymous report offered 转行政裁决, 转行政调解 and 转快速处理 — steps that open a case in the
    requester's or right holder's name — and the hook then refused them. The declaration now says they need the
    filer (``requires: [reporter]``): the engine neither offers nor takes them; a named complaint is offered them."""
    from zhichan.errors import ConflictError

    def offered(case: dict[str, Any]) -> set[str]:
        with session_scope(world.engine) as s:
            return {a.event for a in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]}

    base = {"patent_number": NUMBER, "respondent": "某假冒专利工厂", "target_kind": "产品", "target": "电池", "facts": "销售"}
    anonymous = start(world, COMPLAINT, {"kind": "举报", "reporter": "  ", **base}, at(D(2026, 11, 2)))
    named = start(world, COMPLAINT, {"kind": "举报", "reporter": HOLDER, **base}, at(D(2026, 11, 2)))
    needs_filer = {"to_adjudication", "to_mediation", "to_fast_channel"}
    assert offered(anonymous) == {"to_enforcement", "to_police", "refuse"}
    assert needs_filer | {"to_enforcement", "to_police", "refuse"} == offered(named)
    with pytest.raises(ConflictError) as info:
        act(world, "wuhou_officer", anonymous, "to_mediation", at(D(2026, 11, 3)), {"note": "调解"})
    assert "投诉人/举报人" in info.value.message and "does not apply" in info.value.message
    with pytest.raises(ConflictError):
        act(world, "wuhou_officer", anonymous, "to_fast_channel", at(D(2026, 11, 3)),
            {"channel": "电子商务平台", "venue": "某电商平台"})
    # still on the officer's to-do list: it has steps to take
    with session_scope(world.engine) as s:
        listed = {c["id"] for c in world.service.todo(s, world.scope("wuhou_officer"))["items"]}
    assert anonymous["id"] in listed
    act(world, "wuhou_officer", anonymous, "to_enforcement", at(D(2026, 11, 3)), {"note": "转执法"})
    assert anonymous["state"] == "enforcement"
