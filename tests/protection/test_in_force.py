"""A step whose effect is in force already is neither offered nor taken (409 with the reason), on SQLite and PostgreSQL:
a case suspended on one ground is not suspended again on another (81号令 第二十八条、第二十九条 name grounds of one
中止; 第三十七条 leaves the suspension out of the closing period once) — 恢复处理 says which suspension it ends —, a
request is not made again while the same request is pending, an extension is not granted twice where the rule allows
one (docs/procedures.md, ``in_force_problem``)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.procedures.helpers import World, at
from tests.protection.test_adjudication import PANEL, act, due, pdf, start, view
from tests.protection.test_adjudication import world as world  # the fixture
from zhichan.errors import ConflictError
from zhichan.platform.db import session_scope
from zhichan.procedures.views import case_view

D = dt.date
INVALIDATION = "第二十九条 发明专利无效宣告"


def _offered(world: World, case: dict, who: str = "wuhou_officer") -> set[str]:
    with session_scope(world.engine) as s:
        return {t.event for t in world.service.case(s, world.scope(who), case["id"])["actions"]}


def _accepted(world: World) -> dict:
    case = start(world, at(D(2026, 3, 2)))
    act(world, "wuhou_officer", case, "accept", at(D(2026, 3, 3)), PANEL)
    return case


def test_a_case_suspended_for_an_invalidation_is_not_suspended_again(world: World) -> None:
    case = _accepted(world)
    act(world, "wuhou_officer", case, "suspend_invalidation", at(D(2026, 3, 10)), {"ground": INVALIDATION})
    offered = _offered(world, case)
    # 中止处理 was still offered on the case suspended for the invalidation request (and taken: a second pause)
    assert "suspend" not in offered and "suspend_invalidation" not in offered and "resume" in offered
    with pytest.raises(ConflictError) as info:
        act(world, "wuhou_officer", case, "suspend", at(D(2026, 3, 12)), {"ground": "鉴定"})
    # the reason names the suspension in force: since when, by which step, on which ground
    assert "2026-03-10" in info.value.message and "因无效宣告请求中止处理" in info.value.message
    assert INVALIDATION in info.value.message and "Art. 29" in info.value.message
    # 恢复处理 says which suspension it ends, in the page's language
    with session_scope(world.engine) as s:
        for lang, words in (("zh", f"结束结案期限自 2026-03-10 起的中止：{INVALIDATION}"),
                            ("en", "Ends the pause of the Closing deadline since 2026-03-10: Art. 29: invalidation")):
            page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], lang)
            ends = next(a["ends"] for a in page["actions"] if a["event"] == "resume")
            assert len(ends) == 1 and ends[0].startswith(words)
    act(world, "wuhou_officer", case, "resume", at(D(2026, 3, 20)))
    # resumed: a suspension on another ground may begin (the days 10–19 March left out once)
    assert {"suspend", "suspend_invalidation"} <= _offered(world, case)
    act(world, "wuhou_officer", case, "suspend", at(D(2026, 3, 20)), {"ground": "鉴定"})
    assert "suspend_invalidation" not in _offered(world, case)
    with pytest.raises(ConflictError, match="中止处理"):
        act(world, "wuhou_officer", case, "suspend_invalidation", at(D(2026, 3, 21)), {"ground": INVALIDATION})
    act(world, "wuhou_officer", case, "resume", at(D(2026, 3, 25)))
    # 10–19 and 20–24 March excluded: 15 days, 3 June → 18 June
    assert due(world, case, "closing") == D(2026, 6, 18)


def test_a_jurisdiction_objection_still_opens_inside_a_suspension_but_not_twice(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 16))  # inside the answer period
    case = _accepted(world)
    act(world, "wuhou_officer", case, "serve", at(D(2026, 3, 9)), {"received_on": "2026-03-07"}, (pdf(),))
    act(world, "wuhou_officer", case, "suspend", at(D(2026, 3, 10)), {"ground": "鉴定"})
    # another excluded period, answered by its own decision: it may overlap the suspension (第三十七条)
    assert "object_jurisdiction" in _offered(world, case)
    act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 16)), {"grounds": "管辖异议"})
    assert "object_jurisdiction" not in _offered(world, case)
    with pytest.raises(ConflictError, match="收到管辖权异议"):  # was a 422 "not running", beside no field
        act(world, "wuhou_officer", case, "object_jurisdiction", at(D(2026, 3, 17)), {"grounds": "管辖异议"})
    # 恢复处理 ends the suspension, not the objection's pause, and says so
    with session_scope(world.engine) as s:
        page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")
    assert next(a["ends"] for a in page["actions"] if a["event"] == "resume") == ["结束结案期限自 2026-03-10 起的中止：鉴定"]


def test_a_request_is_not_made_again_while_the_same_request_is_pending(world: World) -> None:
    case = _accepted(world)
    recusal = {"person": "张三", "person_role": "办案人员", "known_on": "2026-03-03", "grounds": "近亲属"}
    act(world, "wuhou_officer", case, "request_recusal", at(D(2026, 3, 4)), recusal)
    assert "request_recusal" not in _offered(world, case) and "decide_recusal" in _offered(world, case, "wuhou_leader")
    with pytest.raises(ConflictError, match="对回避申请作出决定"):
        act(world, "wuhou_officer", case, "request_recusal", at(D(2026, 3, 4)), {**recusal, "person": "李四"})
    act(world, "wuhou_leader", case, "decide_recusal", at(D(2026, 3, 5)), {"outcome": "驳回申请"})
    assert "request_recusal" in _offered(world, case)
    # a preservation request pending: asked again it restarted the 7 days of the first one's decision
    act(world, "wuhou_officer", case, "request_preservation", at(D(2026, 3, 5)), {"items": "样品"})
    assert due(world, case, "preservation") == D(2026, 3, 12)
    assert "request_preservation" not in _offered(world, case)
    with pytest.raises(ConflictError, match="对保全请求作出决定"):
        act(world, "wuhou_officer", case, "request_preservation", at(D(2026, 3, 9)), {"items": "账册"})
    assert due(world, case, "preservation") == D(2026, 3, 12)
    act(world, "wuhou_officer", case, "decide_preservation", at(D(2026, 3, 10)), {"outcome": "准予保全"})
    assert "request_preservation" in _offered(world, case)


def test_an_extension_granted_once_is_refused_again_with_409(world: World) -> None:
    case = _accepted(world)
    act(world, "wuhou_leader", case, "extend_closing", at(D(2026, 3, 4)), {"reason": "案情复杂"})
    with pytest.raises(ConflictError, match="已批准过"):  # a 422 beside no field before
        act(world, "wuhou_leader", case, "extend_closing", at(D(2026, 3, 5)), {"reason": "案情复杂"})
    assert "extend_closing" not in {t.event for t in view(world, case)["actions"]}
