"""Adjudication under 81号令 on hand-made cases, with protection's hooks and a hand-made corpus: clocks
across National Day and Spring Festival 2026, an answer period ending on a Sunday, two extensions with
the upper-level approver checked, every admission and refusal rule, and the generated documents."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.helpers import migration_differences
from tests.procedures.helpers import PDF, World, at, build_world, pdf
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.corpus.validate import check_character
from zhichan.errors import ConflictError, FormError, PermissionDenied
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization
from zhichan.procedures.models import Step
from zhichan.protection import models  # noqa: F401 - registers the tables on Base.metadata
from zhichan.protection.demo import placeholder_generator
from zhichan.protection.documents import OFFICE_DOCUMENTS, DocumentGenerator
from zhichan.protection.models import Dispute
from zhichan.protection.rules import (
    HELD,
    DisputeRules,
    admission_checks,
    dispute_holds,
    evidence_problem,
    hearing_problem,
    panel_problem,
    recusal_problem,
    within_limitation,
)
from zhichan.protection.service import DISPUTE

D = dt.date
HOLDER = "成都示例科技有限公司"
NUMBER = "CN202010000007.9"


def filing(**extra: str) -> dict[str, str]:
    return {"patent_number": NUMBER, "requester": HOLDER, "respondent": "某某电子商行", "claims": "请求责令停止侵权",
            "requester_role": "专利权人", "court_suit": "否", "known_on": "2026-01-05", "continuing": "是", **extra}


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    snap = build_snapshot(tmp_path / "corpus", patents=[
        patent(NUMBER.removeprefix("CN").replace(".", ""), application_date="2020-01-01", applicants=[HOLDER]),
        patent("202020000002", kind="utility_model", application_date="2020-05-01", applicants=[HOLDER]),
    ])
    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    w.service.add_hook(DISPUTE, DisputeRules(w.service, lambda: snap))
    w.service.add_holds(DISPUTE, HELD, dispute_holds)
    w.service.add_generator(DISPUTE, DocumentGenerator(None), OFFICE_DOCUMENTS)
    return w  # chengdu_leader: the upper level of 武侯区's cases (tests.procedures.helpers.USERS)


def start(world: World, when: dt.datetime, **extra: str) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope("wuhou_officer"), DISPUTE, fields=filing(**extra),
                                   uploads=(pdf(),), now=when)


def act(world: World, who: str, case: dict[str, Any], event_name: str, when: dt.datetime,
        fields: dict[str, Any] | None = None, uploads: tuple[Any, ...] = ()) -> None:
    with session_scope(world.engine) as s:
        case.update(world.service.act(s, world.scope(who), case["id"], event_name, version=case["version"],
                                      fields=fields or {}, uploads=uploads, now=when))


def view(world: World, case: dict[str, Any]) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.case(s, world.scope("wuhou_officer"), case["id"])


def due(world: World, case: dict[str, Any], clock: str) -> dt.date | None:
    found = {c["name"]: c for c in view(world, case)["clocks"]}
    return found[clock]["due_on"]


PANEL = {"panel": "张三、李四、王五"}
HEARD = {"attendees": "张三、李四、王五；请求人、被请求人的代理人", "respondent_attendance": "无正当理由拒不参加，按缺席处理"}
ABSENT = {"absence": "未经允许中途退出口头审理", "attendees": "张三、李四、王五；被请求人"}


def test_models_match_migration(engine: Engine) -> None:
    assert migration_differences(engine, "protection_") == []


def test_accepted_on_the_last_working_day_before_national_day(world: World) -> None:
    case = start(world, at(D(2026, 9, 29)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 9, 30)), PANEL)
    # service 5 working days: 8, 9, Sat 10 (make-up day), 12, 13 October
    assert due(world, case, "service") == D(2026, 10, 13)
    assert due(world, case, "closing") == D(2026, 12, 30)


def test_answer_period_from_receipt_ending_on_a_sunday_and_thirty_days_abroad(world: World) -> None:
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"}, (pdf(),))
    assert due(world, case, "answer") == D(2026, 3, 23)  # 7 Mar + 15 = Sunday 22 Mar → Monday
    with pytest.raises(FormError) as info:  # not yet lapsed
        act(world, "wuhou_officer", case, "answer_lapsed", at(D(2026, 3, 23)))
    assert set(info.value.errors) == {"_clock"}
    act(world, "wuhou_officer", case, "answer_lapsed", at(D(2026, 3, 24)))
    abroad = start(world, at(D(2026, 3, 2)), respondent_abroad="是")
    act(world, "wuhou_officer", abroad, "accept", at(D(2026, 3, 3)), PANEL)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", abroad, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-10"}, (pdf(),))
    assert set(info.value.errors) == {"received_on"}  # a receipt in the future
    act(world, "wuhou_officer", abroad, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"}, (pdf(),))
    assert due(world, abroad, "answer") == D(2026, 4, 7)  # 7 Mar + 30 = 6 Apr, Qingming holiday → 7 Apr


def test_suspension_over_spring_festival_then_two_extensions(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    case = start(world, at(D(2026, 1, 2)), known_on="2025-12-29")  # known before the filing, never after it
    act(world, "wuhou_officer", case, "accept", at(D(2026, 1, 5)), PANEL)
    assert due(world, case, "closing") == D(2026, 4, 7)  # 5 Apr, Qingming (4–6 Apr) → 7 Apr
    act(world, "wuhou_officer", case, "suspend", at(D(2026, 2, 10)), {"ground": "鉴定"})
    assert due(world, case, "closing") is None
    act(world, "wuhou_officer", case, "resume", at(D(2026, 2, 25)))
    assert due(world, case, "closing") == D(2026, 4, 20)  # 15 days excluded: 5 Apr → 20 Apr (Monday)
    def offered(who: str = "chengdu_leader") -> set[str]:  # the steps offered on 2 March 2026, the day of the extensions
        monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 2))
        with session_scope(world.engine) as s:
            return {t.event for t in world.service.case(s, world.scope(who), case["id"])["actions"]}

    # the upper level's extension comes second: not offered before the head's (it was, and then refused)
    assert "extend_closing" in offered("wuhou_leader") and "extend_closing_upper" not in offered()
    with pytest.raises(FormError) as info:
        act(world, "chengdu_leader", case, "extend_closing_upper", at(D(2026, 3, 2)),
            {"approval": "成知〔2026〕1号", "reason": "鉴定"})
    assert set(info.value.errors) == {"_clock"} and "延长结案期限（负责人批准，一个月）" in info.value.errors["_clock"]
    act(world, "wuhou_leader", case, "extend_closing", at(D(2026, 3, 2)), {"reason": "案情复杂"})
    assert "extend_closing" not in offered("wuhou_leader")
    # 第三十七条: the handling office asks, the upper level decides — nothing to decide before it asks, and the city is
    # not the handling office, which asks
    assert "extend_closing_upper" not in offered() and "request_extension_upper" not in offered()
    assert "request_extension_upper" in offered("wuhou_officer")
    act(world, "wuhou_officer", case, "request_extension_upper", at(D(2026, 3, 2)), {"reason": "鉴定"})
    assert {"extend_closing_upper", "refuse_extension_upper"} <= offered()
    assert "request_extension_upper" not in offered("wuhou_officer")  # pending: not asked again
    # the district's own head is not the upper level: not offered it (it was, and then refused), the page says whose it is
    assert "extend_closing_upper" not in offered("wuhou_leader")
    with session_scope(world.engine) as s:
        elsewhere = world.service.case(s, world.scope("wuhou_leader"), case["id"])["elsewhere"]
    assert [t.event for t in elsewhere] == ["designate_jurisdiction", "extend_closing_upper", "refuse_extension_upper"]
    assert due(world, case, "closing") == D(2026, 5, 20)
    with pytest.raises(PermissionDenied, match="上一级机关"):
        act(world, "wuhou_leader", case, "extend_closing_upper", at(D(2026, 3, 3)),
            {"approval": "成知〔2026〕1号", "reason": "鉴定"})
    act(world, "chengdu_leader", case, "extend_closing_upper", at(D(2026, 3, 3)),
        {"approval": "成知〔2026〕1号", "reason": "鉴定"})
    assert due(world, case, "closing") == D(2026, 7, 20)
    # granted: not asked for again (the extension is in force)
    assert not {"request_extension_upper", "extend_closing_upper"} & (offered("wuhou_officer") | offered())


def test_panel_hearing_recusal_and_evidence_rules(world: World) -> None:
    assert panel_problem("张三、李四、王五") is None and panel_problem("张三 李四 王五 赵六 钱七") is None
    assert panel_problem("张三、李四") and panel_problem("张三、李四、王五、赵六") and panel_problem("张三、张三、李四")
    # the notice 3 working days ahead: from Wed 30 Sep 2026 the earliest hearing is Sat 10 Oct (a make-up day)
    assert hearing_problem(D(2026, 10, 9), D(2026, 9, 30)) and hearing_problem(D(2026, 10, 10), D(2026, 9, 30)) is None
    assert recusal_problem(D(2026, 9, 30), D(2026, 10, 10), hearing=None) is None
    assert recusal_problem(D(2026, 9, 30), D(2026, 10, 11), hearing=None)
    assert recusal_problem(D(2026, 9, 30), D(2026, 10, 11), hearing=D(2026, 10, 11)) is None
    assert recusal_problem(D(2026, 9, 30), D(2026, 10, 11), hearing=D(2026, 10, 12))
    assert evidence_problem(D(2026, 3, 17), D(2026, 3, 3)) and evidence_problem(D(2026, 3, 18), D(2026, 3, 3)) is None
    case = start(world, at(D(2026, 3, 2)))
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), {"panel": "张三、李四"})
    assert set(info.value.errors) == {"panel"}
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "set_evidence_period", at(D(2026, 3, 3)), {"evidence_until": "2026-03-10"})
    assert set(info.value.errors) == {"evidence_until"}
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "request_recusal", at(D(2026, 3, 12)),
            {"person": "张三", "person_role": "技术调查官", "known_on": "2026-03-03", "grounds": "曾代理被请求人"})
    assert set(info.value.errors) == {"known_on"}
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 4)), {"received_on": "2026-03-04"}, (pdf(),))
    act(world, "wuhou_officer", case, "answer", at(D(2026, 3, 10)), uploads=(pdf("extra"),))
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "schedule_hearing", at(D(2026, 3, 10)), {"hearing_date": "2026-03-12"})
    assert set(info.value.errors) == {"hearing_date"}
    act(world, "wuhou_officer", case, "schedule_hearing", at(D(2026, 3, 10)), {"hearing_date": "2026-03-13"})


def test_a_late_recusal_is_accepted_on_the_hearing_day_only(world: World) -> None:
    """第五条: within 3 working days of learning the panel, or at the oral hearing. The walk of 2026-12-08 accepted a
    request on PD-2026-000341 in the 口头审理 state, the panel known since August and the set hearing day (09-23) long
    past: at the hearing is its set day, not the whole state."""
    recusal = {"person": "张三", "person_role": "办案人员", "grounds": "近亲属"}

    def heard_on_the_13th() -> dict[str, Any]:
        case = start(world, at(D(2026, 3, 2)))
        act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
        act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 4)), {"received_on": "2026-03-04"}, (pdf(),))
        act(world, "wuhou_officer", case, "answer", at(D(2026, 3, 10)), uploads=(pdf("extra"),))
        act(world, "wuhou_officer", case, "schedule_hearing", at(D(2026, 3, 10)), {"hearing_date": "2026-03-13"})
        return case

    case = heard_on_the_13th()  # the panel known on 3 March: its 3 working days ended on 6 March
    for day in (D(2026, 3, 12), D(2026, 3, 16)):  # the day before the hearing, the working day after it
        with pytest.raises(FormError) as info:
            act(world, "wuhou_officer", case, "request_recusal", at(day), {**recusal, "known_on": "2026-03-03"})
        assert set(info.value.errors) == {"known_on"} and "2026-03-13" in info.value.errors["known_on"]
    act(world, "wuhou_officer", case, "request_recusal", at(D(2026, 3, 13)), {**recusal, "known_on": "2026-03-03"})
    assert case["state"] == "hearing"
    # within 3 working days of learning of the person (Mon 9 March: to Thu 12 March), before the hearing day
    other = heard_on_the_13th()
    act(world, "wuhou_officer", other, "request_recusal", at(D(2026, 3, 12)), {**recusal, "known_on": "2026-03-09"})
    assert [s["event"] for s in view(world, other)["steps"]][-1] == "request_recusal"


def test_a_hearing_day_passed_unrecorded_is_overdue_on_the_officers_list(world: World) -> None:
    """第二十六条/第二十七条: the hearing is held on the day its notice set and recorded there. PD-2026-000341 sat in 口头审理
    for months after its hearing day with nothing recorded, and no list said so: the hearing's clock ends on its day
    (``set_by: hearing_date``), so from the day after the officer's to-do list has the case overdue on that day, until
    the record."""
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 4)), {"received_on": "2026-03-04"}, (pdf(),))
    act(world, "wuhou_officer", case, "answer", at(D(2026, 3, 10)), uploads=(pdf("extra"),))
    with pytest.raises(FormError) as info:  # a slip in the year: past the clock's guard of 180 days
        act(world, "wuhou_officer", case, "schedule_hearing", at(D(2026, 3, 10)), {"hearing_date": "2027-03-13"})
    assert set(info.value.errors) == {"hearing_date"}
    act(world, "wuhou_officer", case, "schedule_hearing", at(D(2026, 3, 10)), {"hearing_date": "2026-03-13"})
    assert due(world, case, "hearing") == D(2026, 3, 13)

    def row(day: dt.date) -> dict[str, Any]:
        with session_scope(world.engine) as s:
            todo = world.service.todo(s, world.scope("wuhou_officer"), today=day)
        return {**next(i for i in todo["items"] if i["id"] == case["id"]), "overdue_count": todo["overdue"]}

    on_the_day = row(D(2026, 3, 13))
    assert (on_the_day["next_due"], on_the_day["due_today"], on_the_day["overdue"]) == (D(2026, 3, 13), True, False)
    after = row(D(2026, 3, 14))  # the day after the hearing day, nothing recorded
    assert (after["next_due"], after["overdue"], after["overdue_count"]) == (D(2026, 3, 13), True, 1)
    act(world, "wuhou_officer", case, "record_hearing", at(D(2026, 3, 16)), HEARD, (pdf(),))
    recorded = row(D(2026, 3, 16))
    assert not recorded["overdue"] and recorded["next_due"] == due(world, case, "forward")  # the hearing's clock stopped
    assert {c["name"]: c["status"] for c in view(world, case)["clocks"]}["hearing"] == "stopped"


def test_the_decision_waits_for_the_hearing_and_is_not_made_while_suspended(world: World,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk of 2026-12-07 decided a case on the day its hearing was notified for four days later, and a suspended
    case was offered 作出裁决 beside 恢复处理: the page, the to-do list and the step now hold it back — until the
    hearing's day, and while a pause of the closing deadline runs."""
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 4)), {"received_on": "2026-03-04"}, (pdf(),))
    act(world, "wuhou_officer", case, "answer", at(D(2026, 3, 10)), uploads=(pdf("extra"),))
    act(world, "wuhou_officer", case, "forward_answer", at(D(2026, 3, 10)))
    assert "decide" in {t.event for t in view(world, case)["actions"]}  # no hearing: the decision may follow the answer
    act(world, "wuhou_officer", case, "schedule_hearing", at(D(2026, 3, 10)), {"hearing_date": "2026-03-13"})

    def page(day: dt.date) -> dict[str, Any]:
        monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: day)
        return view(world, case)

    before = page(D(2026, 3, 12))
    assert "decide" not in {t.event for t in before["actions"]}
    # the hearing's record and the requester's absence from its day (the page says from when); the decision after the record
    assert [(h.spec.event, h.day) for h in before["held"]] == [("record_hearing", D(2026, 3, 13)),
                                                               ("withdraw_absent", D(2026, 3, 13))]
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "record_hearing", at(D(2026, 3, 12)), HEARD, (pdf(),))
    assert "2026-03-13" in info.value.errors["_clock"]
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "decide", at(D(2026, 3, 13)), uploads=(pdf(),))
    assert "记录口头审理" in info.value.errors["_clock"]
    on_the_day = {t.event for t in page(D(2026, 3, 13))["actions"]}
    assert {"record_hearing", "withdraw_absent"} <= on_the_day and "decide" not in on_the_day
    with pytest.raises(FormError) as info:  # 第二十七条: the signed record is uploaded, never generated
        act(world, "wuhou_officer", case, "record_hearing", at(D(2026, 3, 13)), HEARD)
    assert set(info.value.errors) == {"doc0"}
    act(world, "wuhou_officer", case, "record_hearing", at(D(2026, 3, 13)), HEARD, (pdf(),))
    heard = page(D(2026, 3, 13))
    assert "decide" in {t.event for t in heard["actions"]} and "withdraw_absent" not in {t.event for t in heard["actions"]}
    with pytest.raises(FormError) as info:  # the requester attended: no absence after the record
        act(world, "wuhou_officer", case, "withdraw_absent", at(D(2026, 3, 13)), ABSENT, (pdf(),))
    assert "请求人参加了口头审理" in info.value.errors["_clock"]
    act(world, "wuhou_officer", case, "suspend", at(D(2026, 3, 13)), {"ground": "鉴定"})
    assert "decide" not in {t.event for t in page(D(2026, 3, 16))["actions"]}
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "decide", at(D(2026, 3, 16)), uploads=(pdf(),))
    assert "恢复处理" in info.value.errors["_clock"]
    act(world, "wuhou_officer", case, "resume", at(D(2026, 3, 16)))
    assert "decide" in {t.event for t in page(D(2026, 3, 16))["actions"]}
    act(world, "wuhou_officer", case, "decide", at(D(2026, 3, 16)), uploads=(pdf(),))
    assert case["state"] == "decided"


def test_a_panel_member_who_stands_down_is_replaced(world: World) -> None:
    """The walk of 2026-12-07 granted a recusal of a panel member and its decision still read 组成合议组（张伟、李娜、王强）
    with the member who stood down: the leader's decision names who replaces them, and the panel is changed."""
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "request_recusal", at(D(2026, 3, 4)),
        {"person": "李四", "person_role": "办案人员", "known_on": "2026-03-03", "grounds": "曾为被请求人提供咨询"})
    for fields, field in (({"outcome": "回避"}, "replacement"), ({"outcome": "回避", "replacement": "王五"}, "replacement")):
        with pytest.raises(FormError) as info:
            act(world, "wuhou_leader", case, "decide_recusal", at(D(2026, 3, 5)), fields)
        assert set(info.value.errors) == {field}, fields
    act(world, "wuhou_leader", case, "decide_recusal", at(D(2026, 3, 5)), {"outcome": "回避", "replacement": "赵六"})
    with session_scope(world.engine) as s:
        assert s.scalar(select(Dispute.panel).where(Dispute.case_id == case["id"])) == "张三、赵六、王五"
    # a request refused, or one for someone off the panel, takes no replacement
    act(world, "wuhou_officer", case, "request_recusal", at(D(2026, 3, 5)),
        {"person": "张三", "person_role": "办案人员", "known_on": "2026-03-03", "grounds": "亲属关系"})
    with pytest.raises(FormError) as info:
        act(world, "wuhou_leader", case, "decide_recusal", at(D(2026, 3, 6)), {"outcome": "驳回申请", "replacement": "钱七"})
    assert set(info.value.errors) == {"replacement"}
    act(world, "wuhou_leader", case, "decide_recusal", at(D(2026, 3, 6)), {"outcome": "驳回申请"})
    with session_scope(world.engine) as s:
        assert s.scalar(select(Dispute.panel).where(Dispute.case_id == case["id"])) == "张三、赵六、王五"


@pytest.mark.parametrize(("extra", "refused"), [
    ({}, None),
    ({"requester_role": "独占实施许可合同的被许可人"}, None),
    ({"requester_role": "排他实施许可合同的被许可人", "patentee_declined": "是"}, None),
    ({"requester_role": "排他实施许可合同的被许可人"}, "standing"),
    ({"requester_role": "普通实施许可合同的被许可人"}, "standing"),
    ({"court_suit": "是"}, "court_suit"),
    ({"known_on": "2022-06-01", "continuing": "否"}, "limitation"),
    ({"known_on": "2022-06-01", "continuing": "是"}, None),  # past three years, continuing, in force
])
def test_admission_rules(world: World, extra: dict[str, str], refused: str | None) -> None:
    case = start(world, at(D(2026, 3, 2)), **extra)
    if refused is None:
        act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
        assert case["state"] == "accepted"
        return
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    assert set(info.value.errors) == {"_admission"}
    act(world, "wuhou_officer", case, "refuse", at(D(2026, 3, 3)), {"reasons": "不符合第十二条"})
    assert case["state"] == "refused"


def test_a_day_known_in_the_future_is_refused_beside_the_field(world: World) -> None:
    """第十九条's three years run from the day the requester knew: a day to come is a typing error, refused beside the
    field (it was taken, and the page read "within three years (to 2029-03-03)")."""
    with pytest.raises(FormError) as info:
        start(world, at(D(2026, 3, 2)), known_on="2026-03-03")
    assert set(info.value.errors) == {"known_on"}
    with session_scope(world.engine) as s:
        assert s.scalar(select(Dispute.case_id).limit(1)) is None  # nothing recorded
    assert start(world, at(D(2026, 3, 2)), known_on="2026-03-02")["state"] == "filed"


def test_limitation_and_the_corpus_checks() -> None:
    assert within_limitation(D(2023, 3, 2), D(2026, 3, 2)) == (True, D(2026, 3, 2))
    # 3 years from 1 Oct 2022 end on 1 Oct 2025, a holiday: the period runs to 9 Oct (the next working day)
    assert within_limitation(D(2022, 10, 1), D(2025, 10, 9)) == (True, D(2025, 10, 9))
    assert within_limitation(D(2022, 10, 1), D(2025, 10, 10))[0] is False
    checks = admission_checks({"requester_role": "专利权人", "court_suit": "否", "known_on": "2026-01-05",
                               "continuing": "是", "requester": "别人"}, D(2026, 3, 2), None)
    assert [c.ok for c in checks if c.name == "right"] == [None]  # no corpus: unknown, never "fine"


def test_documents_are_generated_from_the_templates_and_logged(world: World, tmp_path: Path) -> None:
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)  # no notice uploaded: generated
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 4)), {"received_on": "2026-03-04"}, (pdf(),))
    with session_scope(world.engine) as s:
        docs = {r.event: json.loads(r.documents) for r in s.execute(select(Step.event, Step.documents)
                                                                   .where(Step.case_id == case["id"]))}
    assert [d["file_name"] for d in docs["accept"]] == ["受理通知书.pdf", "受理通知书.docx"]
    assert [d["file_name"] for d in docs["serve"]] == ["doc.pdf", "答辩通知书.pdf", "答辩通知书.docx"]
    accepted = world.service.files_dir / docs["accept"][0]["sha256"][:2] / docs["accept"][0]["sha256"]
    text = subprocess.run(["pdftotext", str(accepted), "-"], capture_output=True, text=True, check=True).stdout
    assert case["number"] in text and "张三、李四、王五" in text and HOLDER in text and "武侯区知识产权局" in text
    # a bureau's own template replaces the shipped one
    own = tmp_path / "templates"
    own.mkdir()
    (own / "受理通知书.yaml").write_text("title: 本局受理通知\nparagraphs: ['{requester} 案号 {number} {unknown}']\n", "utf-8")
    world.service.add_generator(DISPUTE, DocumentGenerator(own), OFFICE_DOCUMENTS)
    other = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", other, "accept", at(D(2026, 3, 3)), PANEL)
    with session_scope(world.engine) as s:
        made = json.loads(s.scalar(select(Step.documents).where(Step.case_id == other["id"], Step.event == "accept")))
    path = world.service.files_dir / made[0]["sha256"][:2] / made[0]["sha256"]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "本局受理通知" in text and "______" in text


def test_the_decision_cites_the_law_it_applies(world: World) -> None:
    """The walk's 裁决书 went from the facts to 裁决如下 with no legal basis: it now rules 依照专利法第六十五条 (the office
    handling an infringement dispute orders it stopped; the 15 days to sue it names come from the same article) and
    the 办法, and names the panel as it is after a recusal."""
    from tests.helpers import docx_text, pdf_text

    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "request_recusal", at(D(2026, 3, 4)),
        {"person": "李四", "person_role": "办案人员", "known_on": "2026-03-03", "grounds": "曾为被请求人提供咨询"})
    act(world, "wuhou_leader", case, "decide_recusal", at(D(2026, 3, 5)), {"outcome": "回避", "replacement": "赵六"})
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 5)), {"received_on": "2026-03-05"}, (pdf(),))
    act(world, "wuhou_officer", case, "answer", at(D(2026, 3, 10)), uploads=(pdf("extra"),))
    act(world, "wuhou_officer", case, "forward_answer", at(D(2026, 3, 10)))
    act(world, "wuhou_officer", case, "decide", at(D(2026, 3, 16)), {"ruling": "被请求人立即停止侵权行为。"})
    with session_scope(world.engine) as s:
        docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case["id"], Step.event == "decide")))
    files = [(world.service.files_dir / d["sha256"][:2] / d["sha256"]).read_bytes() for d in docs]
    for text in (pdf_text(files[0]), docx_text(files[1])):
        text = "".join(text.split())
        assert "依照《中华人民共和国专利法》第六十五条和《专利纠纷行政裁决和调解办法》的规定，裁决如下：被请求人立即停止侵权行为。" in text
        assert "合议组（张三、赵六、王五）" in text and "2026年3月16日" in text


def test_a_synthetic_case_s_generated_notice_says_so_and_signs_at_the_right(world: World) -> None:
    """The documents generated for a synthetic case (the demo's, left open for a visitor to move on) read like real
    notices: nothing on them said the parties and the case were made up. The office and the date now sign at the
    right of the page in both files."""
    from docx import Document
    from sqlalchemy import update

    from tests.helpers import docx_text, pdf_text, pdf_words
    from zhichan.procedures.models import Case

    made = {}
    for synthetic in (True, False):
        case = start(world, at(D(2026, 3, 2)))
        with session_scope(world.engine) as s:
            s.execute(update(Case).where(Case.id == case["id"]).values(synthetic=synthetic))
        act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
        with session_scope(world.engine) as s:
            docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case["id"], Step.event == "accept")))
        made[synthetic] = [(world.service.files_dir / d["sha256"][:2] / d["sha256"]).read_bytes() for d in docs]
    for synthetic, (pdf_file, docx_file) in made.items():
        for text in (pdf_text(pdf_file), docx_text(docx_file)):
            assert "2026年3月3日" in text and "武侯区知识产权局" in text
            assert ("本文件含合成（演示）数据，不代表真实情况。" in text) is synthetic, synthetic
        right = [w["text"] for w in pdf_words(pdf_file) if w["x_min"] > w["width"] / 2]
        assert right == ["武侯区知识产权局", "2026年3月3日"]
        signature = Document(io.BytesIO(docx_file)).paragraphs[-2:]
        assert [(p.text, p.alignment) for p in signature] == [("武侯区知识产权局", 2), ("2026年3月3日", 2)]  # RIGHT


def test_one_cure_notice_objection_and_preservation_clocks(world: World) -> None:
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "request_cure", at(D(2026, 3, 3)), {"items": "补充权利证明、证据目录", "cure_days": 15})
    act(world, "wuhou_officer", case, "cure", at(D(2026, 3, 5)))
    with pytest.raises(FormError) as info:  # 第十六条: one notice
        act(world, "wuhou_officer", case, "request_cure", at(D(2026, 3, 6)), {"items": "再补正", "cure_days": 15})
    assert set(info.value.errors) == {"items"}
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 6)), PANEL)
    act(world, "wuhou_officer", case, "request_preservation", at(D(2026, 3, 6)), {"items": "销售记录"})
    assert due(world, case, "preservation") == D(2026, 3, 13)  # 7 days
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-09"}, (pdf(),))
    assert due(world, case, "closing") == D(2026, 6, 8)  # 6 March + 3 months = Saturday 6 June → Monday
    act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 10)), {"grounds": "住所地不在本区"})
    assert due(world, case, "jurisdiction") == D(2026, 3, 17) and due(world, case, "closing") is None  # paused
    act(world, "wuhou_officer", case, "decide_jurisdiction", at(D(2026, 3, 13)), {"outcome": "异议不成立，继续处理"})
    # 11, 12, 13 March excluded: the nominal 6 June + 3 days = Tuesday 9 June (the rest-day rule applies once, at the end)
    assert due(world, case, "closing") == D(2026, 6, 9)


def test_the_cure_period_is_the_one_the_office_sets(world: World) -> None:
    """第十六条 names no cure period: the office sets one in its notice (days, 民法典 第二百零一条/第二百零三条), the
    platform keeps it as the party's clock — reminded, stopped by the cure or by the acceptance; a length outside 1–60
    days is refused beside the field and nothing is written."""
    case = start(world, at(D(2026, 4, 23)))
    for bad in (0, 61, "十五"):
        with pytest.raises(FormError) as info:
            act(world, "wuhou_officer", case, "request_cure", at(D(2026, 4, 24)), {"items": "补充权利证明", "cure_days": bad})
        assert set(info.value.errors) == {"cure_days"}, bad
    assert case["version"] == 1 and "cure" not in {c["name"] for c in view(world, case)["clocks"]}
    act(world, "wuhou_officer", case, "request_cure", at(D(2026, 4, 24)), {"items": "补充权利证明", "cure_days": 7})
    # Friday 24 April + 7 days = Friday 1 May, in the Labour Day holiday (1–5 May) → Wednesday 6 May
    assert due(world, case, "cure") == D(2026, 5, 6) and due(world, case, "admission") is None  # admission paused
    with session_scope(world.engine) as s:
        assert world.service.sweep(s, D(2026, 5, 3))["warning"] >= 1  # 3 days before
    act(world, "wuhou_officer", case, "cure", at(D(2026, 4, 28)))
    cure = next(c for c in view(world, case)["clocks"] if c["name"] == "cure")
    assert cure["status"] == "stopped" and due(world, case, "admission") is not None
    # cured or not, accepting the request ends the party's period
    other = start(world, at(D(2026, 4, 23)))
    act(world, "wuhou_officer", other, "request_cure", at(D(2026, 4, 24)), {"items": "补充证据目录", "cure_days": 15})
    act(world, "wuhou_officer", other, "accept", at(D(2026, 4, 27)), PANEL)
    assert next(c for c in view(world, other)["clocks"] if c["name"] == "cure")["status"] == "stopped"


def test_simplified_track_criteria_and_hangzhou_limit(world: World, tmp_path: Path) -> None:
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    criteria = {"facts_clear": "是", "rights_clear": "是", "evidence_sufficient": "是", "evaluation_report": "不适用（发明专利）"}
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "simplify", at(D(2026, 3, 3)), criteria | {"facts_clear": "否",
                                                                                     "evaluation_report": "无或有不利结论"})
    assert set(info.value.errors) == {"facts_clear", "evaluation_report"}
    with session_scope(world.engine) as s:
        assert "simplify" in {a.event for a in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]}
    act(world, "wuhou_officer", case, "simplify", at(D(2026, 3, 3)), criteria)
    assert due(world, case, "simplified") == D(2026, 5, 6)  # national default 60 days: 2 May, in Labour Day (1–5 May) → 6 May
    # on the track, it is neither offered again (the case page offered it, and taking it restarted the limit) nor taken
    with session_scope(world.engine) as s:
        assert "simplify" not in {a.event for a in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]}
    with pytest.raises(ConflictError, match="只能办理一次"):  # taken once (nor again once off the track)
        act(world, "wuhou_officer", case, "simplify", at(D(2026, 3, 20)), criteria)
    assert due(world, case, "simplified") == D(2026, 5, 6)
    with session_scope(world.engine) as s:
        hz = world.service.start(s, world.scope("hz_officer"), DISPUTE, fields=filing(), uploads=(pdf(),),
                                 now=at(D(2026, 3, 2)))
    act(world, "hz_officer", hz, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "hz_officer", hz, "simplify", at(D(2026, 3, 3)), criteria)
    with session_scope(world.engine) as s:
        found = {c["name"]: c for c in world.service.case(s, world.scope("hz_officer"), hz["id"])["clocks"]}
    assert found["simplified"]["due_on"] == D(2026, 4, 2)  # 杭州 330100: 30 days
    assert found["admission"]["status"] == "stopped"


def test_the_simplified_track_limit_pauses_with_the_closing_deadline(world: World) -> None:
    """The simplified track's limit is a shortened handling period: a suspension (or any period the closing deadline
    excludes, 第三十七条) is excluded from it too — it pauses and resumes with the closing clock."""
    criteria = {"facts_clear": "是", "rights_clear": "是", "evidence_sufficient": "是", "evaluation_report": "不适用（发明专利）"}
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "simplify", at(D(2026, 3, 3)), criteria)
    assert due(world, case, "simplified") == D(2026, 5, 6)
    act(world, "wuhou_officer", case, "suspend", at(D(2026, 3, 10)), {"ground": "鉴定"})
    assert due(world, case, "closing") is None and due(world, case, "simplified") is None
    clocks = {c["name"]: c for c in view(world, case)["clocks"]}
    assert clocks["simplified"]["status"] == "paused" and clocks["simplified"]["pauses"][0]["reason"] == "鉴定"
    act(world, "wuhou_officer", case, "resume", at(D(2026, 3, 25)))
    # 15 days excluded from both: closing 3 Jun → 18 Jun; the track's 2 May → 17 May (Sunday) → 18 May
    assert (due(world, case, "closing"), due(world, case, "simplified")) == (D(2026, 6, 18), D(2026, 5, 18))
    # taken while the case is suspended, the limit starts paused: the days up to the resumption do not count
    other = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", other, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", other, "suspend", at(D(2026, 3, 5)), {"ground": "鉴定"})
    act(world, "wuhou_officer", other, "simplify", at(D(2026, 3, 6)), criteria)
    assert due(world, other, "simplified") is None
    act(world, "wuhou_officer", other, "resume", at(D(2026, 3, 16)))
    # 6 Mar + 60 days = 5 May (Labour Day holiday), 9 days (7–15 Mar) excluded → Thursday 14 May
    assert due(world, other, "simplified") == D(2026, 5, 14)
    # a jurisdiction's own limit (杭州 30 days) keeps the rule: an overlay changing the figure does not drop it
    assert world.service.registry.get(DISPUTE, "330100").clocks["simplified"].paused_with == "closing"


SIMPLE = {"facts_clear": "是", "rights_clear": "是", "evidence_sufficient": "是", "evaluation_report": "不适用（发明专利）"}


def _simplified(world: World, case: dict[str, Any]) -> bool:
    with session_scope(world.engine) as s:
        return bool(s.scalar(select(Dispute.simplified).where(Dispute.case_id == case["id"])))


def test_a_suspension_for_a_pending_invalidation_takes_the_case_off_the_simplified_track(world: World) -> None:
    """Hubei's draft criteria (RULES.md, a secondary source) want an undisputed title with no invalidation pending: a
    suspension on an invalidation ground (第二十八条, 第二十九条) ends the simplified limit — the case reverts to the
    ordinary closing deadline, counted as usual — where the grounds were one choice of 中止处理 and the limit only
    paused. A suspension on another ground keeps the track (its limit pauses, as before); the track is not offered
    again once left."""
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "simplify", at(D(2026, 3, 3)), SIMPLE)
    assert due(world, case, "simplified") == D(2026, 5, 6) and _simplified(world, case)
    offered = {t.event for t in view(world, case)["actions"]}
    assert {"suspend", "suspend_invalidation"} <= offered
    suspend = next(t for t in view(world, case)["actions"] if t.event == "suspend")
    assert not {c for f in suspend.fields for c in f.choices or ()} & {"第二十九条 发明专利无效宣告",
                                                                      "第二十八条 无效宣告（实用新型/外观设计）"}
    act(world, "wuhou_officer", case, "suspend_invalidation", at(D(2026, 3, 10)), {"ground": "第二十九条 发明专利无效宣告"})
    clocks = {c["name"]: c for c in view(world, case)["clocks"]}
    assert clocks["simplified"]["status"] == "stopped" and clocks["closing"]["status"] == "paused"
    # ended, not paused as well (the page read "paused 10 March → …" under a limit that had ended)
    assert clocks["simplified"]["pauses"] == [] and clocks["simplified"]["due_on"] == D(2026, 5, 6)
    assert not _simplified(world, case)
    act(world, "wuhou_officer", case, "resume", at(D(2026, 3, 25)))
    # the ordinary limit, its 15 suspended days excluded: 3 June → 18 June; nothing of the track's left to run
    assert due(world, case, "closing") == D(2026, 6, 18)
    clocks = {c["name"]: c for c in view(world, case)["clocks"]}
    assert clocks["simplified"]["status"] == "stopped" and "simplify" not in {t.event for t in view(world, case)["actions"]}
    # the same suspension of a case not on the track changes nothing else
    other = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", other, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", other, "suspend_invalidation", at(D(2026, 3, 10)), {"ground": "第二十九条 发明专利无效宣告"})
    act(world, "wuhou_officer", other, "resume", at(D(2026, 3, 25)))
    assert due(world, other, "closing") == D(2026, 6, 18)
    # Hangzhou's own limit (30 days) keeps the rule: an overlay changing the figure does not drop it
    hangzhou = world.service.registry.get(DISPUTE, "330100")
    assert hangzhou.clocks["simplified"].stopped_by == ("suspend_invalidation",)
    assert "simplified" in next(t for t in hangzhou.transitions if t.event == "suspend_invalidation").stops


def test_a_bureau_whose_rule_keeps_the_track_through_an_invalidation_says_so_in_its_overlay(
        engine: Engine, tmp_path: Path) -> None:
    """The setting is the declaration's, default on: a province's overlay writing ``stopped_by: []`` on the limit keeps
    a case suspended for an invalidation on the track, its limit paused with the closing deadline."""
    from zhichan.procedures.declaration import ProcedureRegistry

    local = tmp_path / "procedures"
    local.mkdir()
    (local / "protection.patent_dispute.510000.yaml").write_text(
        'procedure: protection.patent_dispute\njurisdiction: "510000"\nbased_on: default\nrevision: 1\nclocks:\n'
        "  simplified: {title: {zh: 简案快办期限, en: Simplified-track limit}, amount: 60, unit: day, "
        "basis: 某省简案快办规定, stopped_by: []}\n", "utf-8")
    w = build_world(engine, tmp_path / "files", SigningKey.generate(), ProcedureRegistry.load(local))
    snap = build_snapshot(tmp_path / "corpus", patents=[
        patent(NUMBER.removeprefix("CN").replace(".", ""), application_date="2020-01-01", applicants=[HOLDER])])
    w.service.add_hook(DISPUTE, DisputeRules(w.service, lambda: snap))
    w.service.add_generator(DISPUTE, DocumentGenerator(None), OFFICE_DOCUMENTS)
    case = start(w, at(D(2026, 3, 2)))
    act(w, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(w, "wuhou_officer", case, "simplify", at(D(2026, 3, 3)), SIMPLE)
    act(w, "wuhou_officer", case, "suspend_invalidation", at(D(2026, 3, 10)), {"ground": "第二十九条 发明专利无效宣告"})
    assert view(w, case)["clocks"][-1]["name"] == "simplified"
    assert {c["name"]: c["status"] for c in view(w, case)["clocks"]}["simplified"] == "paused" and _simplified(w, case)
    act(w, "wuhou_officer", case, "resume", at(D(2026, 3, 25)))
    assert (due(w, case, "closing"), due(w, case, "simplified")) == (D(2026, 6, 18), D(2026, 5, 18))


def test_a_utility_model_or_pending_invalidation_bars_the_simplified_track(engine: Engine, tmp_path: Path) -> None:
    from zhichan.corpus.testing import event

    snap = build_snapshot(tmp_path / "corpus", patents=[
        patent("202020000002", kind="utility_model", application_date="2020-05-01", applicants=[HOLDER]),
        patent("202010000007", application_date="2020-01-01", applicants=[HOLDER])],
        events=[event(NUMBER, "invalidation", "2026-01-10", detail="无效宣告请求")])
    w = build_world(engine, tmp_path / "files", SigningKey.generate())
    w.service.add_hook(DISPUTE, DisputeRules(w.service, lambda: snap))
    w.service.add_generator(DISPUTE, placeholder_generator, OFFICE_DOCUMENTS)
    criteria = {"facts_clear": "是", "rights_clear": "是", "evidence_sufficient": "是", "evaluation_report": "不适用（发明专利）"}
    um = "CN202020000002." + check_character("202020000002")
    for number, field in ((um, "evaluation_report"), (NUMBER, "rights_clear")):
        with session_scope(engine) as s:
            case = w.service.start(s, w.scope("wuhou_officer"), DISPUTE, fields=filing(patent_number=number),
                                   uploads=(pdf(),), now=at(D(2026, 3, 2)))
        act(w, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
        with pytest.raises(FormError) as info:
            act(w, "wuhou_officer", case, "simplify", at(D(2026, 3, 3)), criteria)
        assert field in info.value.errors


def test_an_agreement_inside_an_adjudication_tracks_judicial_confirmation(world: World) -> None:
    """调解 within 裁决 (第三十条): the closing clock stops at the agreement (结案周期 ends there), and the same
    30 days to apply jointly to the court as a stand-alone mediation follow, through the one confirmation hook."""
    from zhichan.protection.mediation import JudicialConfirmation

    world.service.add_hook(DISPUTE, JudicialConfirmation(world.service, "mediate"))
    case = start(world, at(D(2026, 8, 3)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 8, 4)), PANEL, (pdf(),))
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "mediate", at(D(2026, 9, 10)), {"effective_on": "2026-09-11"}, (pdf(),))
    assert set(info.value.errors) == {"effective_on"}
    act(world, "wuhou_officer", case, "mediate", at(D(2026, 9, 10)), {"effective_on": "2026-09-10"}, (pdf(),))
    assert case["state"] == "mediation_agreed"
    with session_scope(world.engine) as s:
        clocks = {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}
    assert {n: c["status"] for n, c in clocks.items() if c["status"] != "stopped"} == {"confirmation": "running"}
    # 10 Sep + 30 days = Saturday 10 Oct 2026, a make-up working day after National Day: it stays
    assert due(world, case, "confirmation") == D(2026, 10, 10)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "confirmation_lapsed", at(D(2026, 10, 10)))
    assert set(info.value.errors) == {"_clock"}
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "apply_confirmation", at(D(2026, 10, 12)),
            {"court": "成都市中级人民法院", "applied_on": "2026-10-12"})
    assert set(info.value.errors) == {"applied_on"}
    act(world, "wuhou_officer", case, "confirmation_lapsed", at(D(2026, 10, 12)))
    assert case["state"] == "mediated"

    other = start(world, at(D(2026, 8, 3)))
    act(world, "wuhou_officer", other, "accept", at(D(2026, 8, 4)), PANEL, (pdf(),))
    act(world, "wuhou_officer", other, "mediate", at(D(2026, 9, 1)), {"effective_on": "2026-08-31"}, (pdf(),))
    assert due(world, other, "confirmation") == D(2026, 9, 30)
    with pytest.raises(FormError) as info:  # before the agreement took effect
        act(world, "wuhou_officer", other, "apply_confirmation", at(D(2026, 9, 2)),
            {"court": "成都市中级人民法院", "applied_on": "2026-08-30"})
    assert set(info.value.errors) == {"applied_on"}
    act(world, "wuhou_officer", other, "apply_confirmation", at(D(2026, 9, 2)),
        {"court": "成都市中级人民法院", "applied_on": "2026-09-02"})
    act(world, "wuhou_officer", other, "record_ruling", at(D(2026, 9, 20)),
        {"ruling_number": "（2026）川01民特8号", "ruled_on": "2026-09-18"})
    assert other["state"] == "mediated_confirmed"


def test_steps_on_the_answer_period_are_offered_only_on_their_side_of_its_last_day(world: World) -> None:
    """答辩期满未答辩 was offered while the answer period ran and the hook refused it; a jurisdiction objection was
    offered after the period (第九条: raised within it) and refused. The declaration says so now (``lapsed`` /
    ``within``): the case page offers each only on its side of the last day, and the engine refuses the other."""
    from zhichan.evidence.service import utcnow
    from zhichan.legaltime import china_date

    def offered(case: dict[str, Any]) -> set[str]:
        with session_scope(world.engine) as s:
            return {a.event for a in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]}

    today = china_date(utcnow())
    days = dt.timedelta
    running = start(world, at(today - days(3)))
    act(world, "wuhou_officer", running, "accept", at(today - days(2)), PANEL)
    act(world, "wuhou_officer", running, "serve", at(today - days(1)), {"received_on": (today - days(1)).isoformat()},
        (pdf(),))
    assert "object_jurisdiction" in offered(running) and "answer_lapsed" not in offered(running)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", running, "answer_lapsed", at(today))
    assert set(info.value.errors) == {"_clock"} and "this step can be taken from" in info.value.errors["_clock"]
    past = start(world, at(today - days(60)))
    act(world, "wuhou_officer", past, "accept", at(today - days(59)), PANEL)
    act(world, "wuhou_officer", past, "serve", at(today - days(58)), {"received_on": (today - days(58)).isoformat()},
        (pdf(),))
    answer_due = due(world, past, "answer")
    assert answer_due is not None and answer_due < today
    assert "answer_lapsed" in offered(past) and "object_jurisdiction" not in offered(past)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", past, "object_jurisdiction", at(today), {"grounds": "住所地不在本区"})
    assert set(info.value.errors) == {"_clock"} and "within it" in info.value.errors["_clock"]
    act(world, "wuhou_officer", past, "answer_lapsed", at(today))
    assert past["state"] == "answered"


def test_a_decision_is_published_on_the_platform_after_its_review(world: World) -> None:
    """公开裁决书 asked the officer for the address where the decision was published; the platform's page of decisions
    is where it is published. The step now records the review before publication (privacy, trade secrets) and,
    where something was removed, takes the redacted text, which the public page then shows instead of the decision."""
    from zhichan.procedures.service import Upload
    from zhichan.protection.rules import REDACTED
    from zhichan.protection.service import published_decision

    def decided() -> dict[str, Any]:
        case = start(world, at(D(2026, 3, 2)))
        act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
        act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"}, (pdf(),))
        act(world, "wuhou_officer", case, "answer_lapsed", at(D(2026, 3, 24)))
        act(world, "wuhou_officer", case, "decide", at(D(2026, 3, 25)), {"ruling": "被请求人停止侵权"})
        return case

    plain, redacted = decided(), decided()
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", plain, "publish", at(D(2026, 3, 26)), {"url": "https://example.invalid/1"})
    assert set(info.value.errors) == {"redaction"}  # the review is required; an address is not asked for
    act(world, "wuhou_officer", plain, "publish", at(D(2026, 3, 26)), {"redaction": "已审查，裁决书原文公开"})
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", redacted, "publish", at(D(2026, 3, 26)), {"redaction": REDACTED})
    assert "redacted" in info.value.errors["redaction"]
    act(world, "wuhou_officer", redacted, "publish", at(D(2026, 3, 26)), {"redaction": REDACTED},
        (Upload("extra", "裁决书（删节本）.pdf", PDF + b"redacted"),))
    with session_scope(world.engine) as s:
        shown, cut = published_decision(s, plain["id"]), published_decision(s, redacted["id"])
    assert [d["file_name"] for d in shown["documents"]] == ["裁决书.pdf", "裁决书.docx"] and not shown["redacted"]
    assert shown["published_on"] == D(2026, 3, 26) and shown["publication_url"] == f"/protection/decisions/{plain['id']}"
    assert [d["file_name"] for d in cut["documents"]] == ["裁决书（删节本）.pdf"] and cut["redacted"]
    # the parties as organizations: the requester's English name where its organization has one (English pages)
    assert shown["requester"] == HOLDER and shown["requester_en"] is None and shown["respondent_en"] is None
    with session_scope(world.engine) as s:
        s.execute(Organization.__table__.update().where(Organization.party_key == HOLDER)
                  .values(name_en="Chengdu Example Technology Co., Ltd."))
    with session_scope(world.engine) as s:
        from zhichan.protection.service import published_decisions

        assert {d["requester_en"] for d in published_decisions(s)} == {"Chengdu Example Technology Co., Ltd."}
    # a natural person is published by the surname (邓冰建 → 邓某, 欧阳娜娜 → 欧阳某), on the list, the page and the API
    # alike (they read one query); an organization by its name
    with session_scope(world.engine) as s:
        s.execute(Dispute.__table__.update().where(Dispute.case_id == plain["id"]).values(respondent="邓冰建"))
        s.execute(Dispute.__table__.update().where(Dispute.case_id == redacted["id"]).values(respondent="欧阳娜娜"))
    with session_scope(world.engine) as s:
        listed = {d["case_id"]: d for d in published_decisions(s)}
        page = published_decision(s, plain["id"])
    assert (listed[plain["id"]]["respondent"], listed[redacted["id"]]["respondent"]) == ("邓某", "欧阳某")
    assert page["respondent"] == "邓某" and page["respondent_en"] is None and page["requester"] == HOLDER


def test_the_decision_waits_for_the_answer_to_reach_the_requester(world: World) -> None:
    """第二十二条: an answer received is forwarded to the requester within 5 working days. The case page offered
    作出裁决 before that and the decision left the forwarding clock running; now it is offered, and taken, only once
    the answer was forwarded (or none came: 答辩期满未答辩 starts no forwarding)."""
    def offered(case: dict[str, Any]) -> set[str]:
        with session_scope(world.engine) as s:
            return {a.event for a in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]}

    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 4)), {"received_on": "2026-03-04"}, (pdf(),))
    act(world, "wuhou_officer", case, "answer", at(D(2026, 3, 10)), uploads=(pdf("extra"),))
    assert "decide" not in offered(case) and "forward_answer" in offered(case)
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "decide", at(D(2026, 3, 11)), {"ruling": "驳回请求"})
    assert set(info.value.errors) == {"_clock"}
    act(world, "wuhou_officer", case, "forward_answer", at(D(2026, 3, 11)))
    assert "decide" in offered(case)
    act(world, "wuhou_officer", case, "decide", at(D(2026, 3, 12)), {"ruling": "驳回请求"})
    assert case["state"] == "decided"
    with session_scope(world.engine) as s:
        clocks = {c["name"]: c["status"] for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}
    assert clocks["forward"] == "stopped"


def test_the_in_force_check_names_a_compensated_or_unknown_term(tmp_path: Path) -> None:
    """专利法 第四十二条第二款: a right in force past its statutory term by a registered compensation says so; one whose
    compensation cannot be read has no term end to give (never the statutory one as if it were the term)."""
    from zhichan.corpus.rights import rights_on
    from zhichan.corpus.testing import event
    from zhichan.protection.rules import right_checks
    from zhichan.web.i18n import stored_text

    plain, days, unread = (patent(serial=i, application_date="2006-04-01", grant_date="2011-06-01") for i in (1, 2, 3))
    a, b, c = (r["application_number"] for r in (plain, days, unread))
    snap = build_snapshot(tmp_path, patents=[plain, days, unread], events=[
        event(b, "legal_status_change", "2011-08-01", detail="专利权期限补偿，补偿天数：300天"),
        event(c, "legal_status_change", "2011-08-01", detail="专利权期限补偿")])
    on = dt.date(2026, 3, 2)
    rights = rights_on(snap, [a, b, c], on)

    def in_force(number: str, lang: str) -> str:
        check = next(x for x in right_checks(rights[number], "", on) if x.name == "in_force")
        assert check.ok is True
        return stored_text(check.message, lang)

    assert in_force(a, "zh") == "2026-03-02 时有效（届满日 2026-03-31）"
    assert in_force(b, "zh") == "2026-03-02 时有效（届满日 2027-01-25，含专利权期限补偿；法定期限 2026-03-31 届满）"
    assert in_force(b, "en") == ("In force on 2026-03-02 (term ends 2027-01-25, including a term compensation; the "
                                 "statutory term ends 2026-03-31)")
    assert in_force(c, "zh").startswith("2026-03-02 时有效（届满日不明") and "None" not in in_force(c, "en")


def test_the_holder_check_names_one_holder_as_holder_and_several_as_holders(tmp_path: Path) -> None:
    """A requester the corpus does not name: "The corpus names 甲 as holder", "甲、乙 as holders" (it read "as holder"
    for any number of them)."""
    from zhichan.corpus.rights import rights_on
    from zhichan.protection.rules import right_checks
    from zhichan.web.i18n import stored_text

    one, two = patent(serial=1, applicants=["甲公司"]), patent(serial=2, applicants=["甲公司", "乙公司"])
    snap = build_snapshot(tmp_path, patents=[one, two])
    on = dt.date(2026, 3, 2)
    rights = rights_on(snap, [one["application_number"], two["application_number"]], on)

    def holder(record: dict[str, Any], lang: str) -> str:
        check = next(x for x in right_checks(rights[record["application_number"]], "丙公司", on) if x.name == "holder")
        assert check.ok is None
        return stored_text(check.message, lang)

    assert holder(one, "en") == "The corpus names 甲公司 as holder and records no licence to 丙公司"
    assert holder(two, "en") == "The corpus names 甲公司、乙公司 as holders and records no licence to 丙公司"
    assert holder(two, "zh").startswith("语料库记载的专利权人为 甲公司、乙公司，不是 丙公司")


def test_a_requester_absent_from_the_hearing_is_treated_as_withdrawn(world: World) -> None:
    """第二十六条: a requester who does not attend the oral hearing without good reason (or leaves without permission) is
    treated as having withdrawn the request — the case closes in its own state (第三十条（三）、第三十六条: 撤销案件) with the
    hearing's record uploaded and the decision closing it generated; nothing recorded the hearing or this outcome before."""
    from zhichan.protection.service import case_list

    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 4)), {"received_on": "2026-03-04"}, (pdf(),))
    act(world, "wuhou_officer", case, "answer_lapsed", at(D(2026, 3, 20)))  # the 15 days ended on 19 March
    act(world, "wuhou_officer", case, "schedule_hearing", at(D(2026, 3, 20)), {"hearing_date": "2026-03-26"})
    with pytest.raises(FormError) as info:  # the record of the hearing is required
        act(world, "wuhou_officer", case, "withdraw_absent", at(D(2026, 3, 26)), ABSENT)
    assert set(info.value.errors) == {"doc0"}
    act(world, "wuhou_officer", case, "withdraw_absent", at(D(2026, 3, 26)), ABSENT, (pdf(),))
    assert case["state"] == "withdrawn_absent" and not view(world, case)["case"]["is_open"]
    page = view(world, case)
    assert page["declaration"].states["withdrawn_absent"].title("zh") == "按撤回请求处理（请求人未参加口头审理）"
    assert all(c["status"] == "stopped" for c in page["clocks"])
    with session_scope(world.engine) as s:
        docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case["id"],
                                                                Step.event == "withdraw_absent")))
        listed = case_list(s, world.scope("wuhou_officer"), world.service, "en", status="closed")
    assert [d["file_name"] for d in docs] == ["doc.pdf", "撤销专利侵权纠纷案件决定书.pdf", "撤销专利侵权纠纷案件决定书.docx"]
    made = world.service.files_dir / docs[1]["sha256"][:2] / docs[1]["sha256"]
    text = subprocess.run(["pdftotext", str(made), "-"], capture_output=True, text=True, check=True).stdout.replace("\n", "")
    assert "未经允许中途退出口头审理" in text and "第二十六条" in text and "撤销本案" in text and case["number"] in text
    row = next(r for r in listed["items"] if r["id"] == case["id"])
    assert row["state_title"] == "Treated as withdrawn (the requester did not attend the oral hearing)"


def test_the_court_s_refusal_to_confirm_an_agreement_closes_in_its_own_state(world: World) -> None:
    """裁定驳回申请 closed as 调解结案 like a confirmed agreement: each ruling now has its own closing state, and the agreement
    the office draws up (第三十五条) is generated when the step leaves it empty."""
    from zhichan.protection.mediation import JudicialConfirmation

    world.service.add_hook(DISPUTE, JudicialConfirmation(world.service, "mediate"))
    case = start(world, at(D(2026, 8, 3)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 8, 4)), PANEL, (pdf(),))
    act(world, "wuhou_officer", case, "mediate", at(D(2026, 9, 1)),
        {"effective_on": "2026-09-01", "terms": "被请求人停止销售并赔偿损失人民币五万元"})
    act(world, "wuhou_officer", case, "apply_confirmation", at(D(2026, 9, 2)),
        {"court": "成都市中级人民法院", "applied_on": "2026-09-02"})
    with pytest.raises(FormError) as info:
        act(world, "wuhou_officer", case, "record_rejection", at(D(2026, 9, 20)),
            {"ruling_number": "（2026）川01民特9号", "ruled_on": "2026-09-21"})
    assert set(info.value.errors) == {"ruled_on"}
    act(world, "wuhou_officer", case, "record_rejection", at(D(2026, 9, 20)),
        {"ruling_number": "（2026）川01民特9号", "ruled_on": "2026-09-18"})
    assert case["state"] == "mediated_unconfirmed"
    assert view(world, case)["declaration"].states["mediated_unconfirmed"].title("zh") == "调解结案（法院裁定驳回司法确认申请）"
    with session_scope(world.engine) as s:
        docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case["id"], Step.event == "mediate")))
    assert [d["file_name"] for d in docs] == ["调解协议书.pdf", "调解协议书.docx"]
    made = world.service.files_dir / docs[0]["sha256"][:2] / docs[0]["sha256"]
    text = subprocess.run(["pdftotext", str(made), "-"], capture_output=True, text=True, check=True).stdout.replace("\n", "")
    assert "赔偿损失人民币五万元" in text and "2026年9月1日" in text and HOLDER in text


def test_a_control_character_stored_before_the_rule_prints_as_a_replacement_not_a_failure(world: World) -> None:
    """A case's fields stored before forms refused control characters (a NUL, a vertical tab — JSON escapes them, so
    PostgreSQL's text column holds them too): the generated notice prints each as U+FFFD; python-docx refused the whole
    document with a ValueError (a 500 on the officer's step)."""
    from docx import Document as Docx

    from zhichan.procedures.models import Case

    case = start(world, at(D(2026, 3, 2)))
    with session_scope(world.engine) as s:
        row = s.get(Case, case["id"])
        assert row is not None
        stored = json.loads(row.fields)
        row.fields = json.dumps({**stored, "requester": "成都\x00示例\x0b科技有限公司"}, ensure_ascii=False)
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)  # the notice generated from the stored row
    with session_scope(world.engine) as s:
        made = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case["id"], Step.event == "accept")))
        assert "\x00" in json.loads(s.get(Case, case["id"]).fields)["requester"]  # the stored text stays as it is
    files = {d["file_name"]: world.service.files_dir / d["sha256"][:2] / d["sha256"] for d in made}
    docx_text = "\n".join(p.text for p in Docx(str(files["受理通知书.docx"])).paragraphs)
    pdf_text = subprocess.run(["pdftotext", str(files["受理通知书.pdf"]), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "成都\ufffd示例\ufffd科技有限公司" in docx_text and "成都\ufffd示例\ufffd科技有限公司" in pdf_text
