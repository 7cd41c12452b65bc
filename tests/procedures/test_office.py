"""A step one office takes (``office``): a priority-examination recommendation is the provincial office's (令85号). It is
offered to that office only — a county's or a city's officer was offered 出具推荐函 and then refused by the domain's
hook —, refused to the others with 403, and the case page tells them who takes it; a case filed under a declaration
that did not say so (the demo's applications) follows today's. The engine alone (no domain hook). SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from tests.procedures.helpers import PASSWORD, World, _password_hash, at, filed_under_earlier, pdf, todo_ids
from tests.procedures.test_engine import act, start
from zhichan.errors import ConflictError, PermissionDenied
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, Role
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.views import case_view

D = dt.date
PRIORITY = "services.priority_exam"
REQUEST = {"application_number": "CN202610000001.9", "subject": "发明专利申请", "ground": "省市重点发展产业",
           "applicant": "成都示例科技有限公司", "consents": "成都示例科技有限公司", "contact": "张三 028-00000000"}


def _province_officer(world: World, username: str = "sc_officer", role: Role = Role.CASE_OFFICER) -> Scope:
    from zhichan.platform.accounts import create_user
    from zhichan.platform.orgs import scope_for_user

    with session_scope(world.engine) as s:
        sichuan = s.scalar(select(Organization).where(Organization.region_code == "510000"))
        user = create_user(s, username=username, password=PASSWORD, role=role, org=sichuan,
                           password_hash=_password_hash())
        world.users[username] = user.id
        return scope_for_user(s, user)


def _filed(world: World) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope("ent_user"), PRIORITY, fields=REQUEST,
                                   uploads=(pdf("doc0"), pdf("doc1")), now=at(D(2026, 9, 14)))


def _steps(world: World, scope: Scope, case: dict[str, Any]) -> tuple[set[str], list[str]]:
    with session_scope(world.engine) as s:
        data = world.service.case(s, scope, case["id"])
    return {t.event for t in data["actions"]}, [t.event for t in data["elsewhere"]]


def _recommend(world: World, scope: Scope, case: dict[str, Any]) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.act(s, scope, case["id"], "recommend", version=case["version"],
                                 fields={"opinion": "符合推荐条件"}, uploads=(pdf(),), now=at(D(2026, 9, 15)))


def test_a_recommendation_is_offered_to_the_provincial_office_only(world: World) -> None:
    case, province = _filed(world), _province_officer(world)
    for who in ("wuhou_officer", "chengdu_officer"):  # the county and the city: not offered, told who takes it
        actions, elsewhere = _steps(world, world.scope(who), case)
        assert "recommend" not in actions and {"refuse", "request_cure"} <= actions and elsewhere == ["recommend"]
        with pytest.raises(PermissionDenied, match="省级"):
            _recommend(world, world.scope(who), case)
    with session_scope(world.engine) as s:
        for lang, who in (("zh", "由省级（或国家）知识产权管理部门办理"), ("en", "Taken by a provincial (or the national) IP office")):
            page = case_view(world.service, s, world.scope("chengdu_officer"), case["id"], lang)
            assert page["elsewhere"] == [{"event": "recommend", "title": "出具推荐函" if lang == "zh" else "Recommend",
                                          "who": who}]
    assert _steps(world, province, case) == ({"recommend", "refuse", "request_cure"}, [])
    assert _recommend(world, province, case)["state"] == "recommended"


def test_a_recommendation_awaited_is_on_the_provincial_officers_own_todo(world: World) -> None:
    """The province's officer is the one awaited for 出具推荐函 on a county's application: the case is on its own 我的待办
    (it was only in its area view), and not on the city's officer's (the office between, which does not take it), nor
    on the handling office's, which may refuse it or ask for a cure but is not awaited (``filed`` awaits
    ``province:case_officer``); recommended, it leaves the province's list."""
    case = _filed(world)
    _province_officer(world)
    assert case["id"] in todo_ids(world, "sc_officer")
    assert case["id"] not in todo_ids(world, "chengdu_officer")
    assert case["id"] not in todo_ids(world, "wuhou_officer")
    _recommend(world, world.scope("sc_officer"), case)
    assert case["id"] not in todo_ids(world, "sc_officer")


def test_a_case_filed_before_the_step_named_its_office_follows_today(world: World) -> None:
    case = _filed(world)

    def without_office(raw: dict[str, Any]) -> None:
        for t in raw["transitions"]:
            t.pop("office", None)
        raw["states"]["filed"]["awaits"] = ["case_officer"]  # no office's role to await then

    filed_under_earlier(world.engine, case["id"], without_office)
    actions, elsewhere = _steps(world, world.scope("chengdu_officer"), case)
    assert "recommend" not in actions and elsewhere == ["recommend"]
    with pytest.raises(PermissionDenied, match="省级"):
        _recommend(world, world.scope("chengdu_officer"), case)
    assert _recommend(world, _province_officer(world), case)["state"] == "recommended"


def test_an_office_step_is_an_officers_step() -> None:
    from zhichan.procedures.declaration import Declaration

    decl = ProcedureRegistry.load().get(PRIORITY, "default")
    raw = decl.model_dump(by_alias=True, exclude_none=True)
    for t in raw["transitions"]:
        if t["event"] == "withdraw":
            t["office"] = "province"
    with pytest.raises(ValueError, match="a step of an office"):
        Declaration.model_validate(raw)


PANEL = {"panel": "甲乙丙"}


def test_an_office_above_takes_none_of_the_handling_offices_steps(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """81号令 gives the handling office its decision, its suspensions and its head's approvals: the province's officer and
    leader and the city's leader see a district's dispute (oversight) but are offered none of its steps — the page says
    the handling office takes them — and are refused them (403 with who takes it); the district still takes them, and
    the step declared the upper level's (the further extension) is still the city's."""
    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 4))  # the steps' day
    case = start(world)
    act(world, "wuhou_officer", case, "accept", fields=PANEL, uploads=(pdf(),))
    province, leader = _province_officer(world), _province_officer(world, "sc_leader", Role.BUREAU_LEADER)
    suspend, extend = ("suspend", {"ground": "鉴定"}), ("extend_closing", {"reason": "复杂"})
    for scope, (event, fields) in ((province, suspend), (leader, extend), (leader, suspend),
                                   (world.scope("chengdu_leader"), extend), (world.scope("chengdu_officer"), suspend)):
        actions, elsewhere = _steps(world, scope, case)
        assert not actions & {"suspend", "serve", "extend_closing", "withdraw"}, (scope.username, actions)
        assert event in elsewhere, (scope.username, elsewhere)
        with pytest.raises(PermissionDenied, match="由办案机关办理"), session_scope(world.engine) as s:
            world.service.act(s, scope, case["id"], event, version=case["version"], fields=fields,
                              now=at(D(2026, 3, 4)))
    with session_scope(world.engine) as s:
        for lang, who in (("zh", "由办案机关办理"), ("en", "Taken by the office handling the case")):
            page = case_view(world.service, s, leader, case["id"], lang)
            assert {"event": "extend_closing", "title": "延长结案期限（负责人批准，一个月）" if lang == "zh" else
                    "Extend closing by one month (head of office)", "who": who} in page["elsewhere"]
    assert case["id"] not in todo_ids(world, "chengdu_leader") | todo_ids(world, "chengdu_officer")
    # the handling office takes them
    act(world, "wuhou_leader", case, "extend_closing", fields={"reason": "案情复杂"})
    act(world, "wuhou_officer", case, "request_extension_upper", fields={"reason": "鉴定"})
    act(world, "chengdu_leader", case, "extend_closing_upper", fields={"approval": "成知〔2026〕1号", "reason": "鉴定"})
    act(world, "wuhou_officer", case, "suspend", fields={"ground": "鉴定"})


def test_the_further_extension_is_asked_for_and_awaits_the_upper_levels_leader(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """第三十七条: the handling office asks (报请, with reasons) once its head's month is granted; the request awaits the
    leader of the office above — on that leader's own 我的待办, not on the handling office's head's — who grants or
    refuses it; a refusal answers it as a grant does, and the office may ask again; granted, it is not asked again."""
    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 4))  # the steps' day
    case = start(world)
    act(world, "wuhou_officer", case, "accept", fields=PANEL, uploads=(pdf(),))
    assert "request_extension_upper" not in _steps(world, world.scope("wuhou_officer"), case)[0]  # the head's month first
    act(world, "wuhou_leader", case, "extend_closing", fields={"reason": "案情复杂"})
    assert "request_extension_upper" not in _steps(world, world.scope("chengdu_leader"), case)[0]  # the handling office asks
    assert case["id"] not in todo_ids(world, "chengdu_leader")
    act(world, "wuhou_officer", case, "request_extension_upper", fields={"reason": "鉴定未完成"})
    actions, _ = _steps(world, world.scope("chengdu_leader"), case)
    assert {"extend_closing_upper", "refuse_extension_upper"} <= actions
    assert case["id"] in todo_ids(world, "chengdu_leader")
    assert case["id"] not in todo_ids(world, "wuhou_leader")  # the handling office's own head does not decide it
    with session_scope(world.engine) as s:
        for lang, shown in (("zh", "上一级机关局领导"), ("en", "Bureau leader of the office directly above")):
            page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], lang)
            assert "above:bureau_leader" in page["awaited"] and shown in page["awaited_shown"], page["awaited_shown"]
    with pytest.raises(ConflictError, match="已有待决定"):  # not asked again while pending
        act(world, "wuhou_officer", case, "request_extension_upper", fields={"reason": "再报"})
    act(world, "chengdu_leader", case, "refuse_extension_upper", fields={"reason": "理由不充分"})
    assert case["id"] not in todo_ids(world, "chengdu_leader")
    assert not {"extend_closing_upper", "refuse_extension_upper"} & _steps(world, world.scope("chengdu_leader"), case)[0]
    act(world, "wuhou_officer", case, "request_extension_upper", fields={"reason": "鉴定意见已补充说明"})
    assert case["id"] in todo_ids(world, "chengdu_leader")
    act(world, "chengdu_leader", case, "extend_closing_upper", fields={"approval": "成知〔2026〕2号", "reason": "鉴定"})
    assert case["id"] not in todo_ids(world, "chengdu_leader")
    with pytest.raises(ConflictError, match="已批准过"):  # granted: in force, not asked for again
        act(world, "wuhou_officer", case, "request_extension_upper", fields={"reason": "再报"})


def area_ids(world: World, scope: Scope) -> set[int]:
    with session_scope(world.engine) as s:
        return {i["id"] for i in world.service.todo(s, scope, limit=1000, area=True)["items"]}


def test_the_upper_level_is_the_office_directly_above(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """第三十七条's upper level is the office directly above the handling one (专利法实施细则 第九十七条 names the 上级 office
    of a dispute's handling one): a district's request awaits the city's leader only — the province's leader, above
    the city, is neither offered the decision nor refused it silently (403 with who takes it), does not find it on its
    own 我的待办 (it did, beside the city's), and the case page tells it who decides; its 辖区待办 still shows the request
    awaiting an office of its area. A city's own dispute's request is the province's."""
    monkeypatch.setattr("zhichan.procedures.service.china_today", lambda: D(2026, 3, 4))  # the steps' day
    case = start(world)
    act(world, "wuhou_officer", case, "accept", fields=PANEL, uploads=(pdf(),))
    act(world, "wuhou_leader", case, "extend_closing", fields={"reason": "案情复杂"})
    act(world, "wuhou_officer", case, "request_extension_upper", fields={"reason": "鉴定未完成"})
    leader = _province_officer(world, "sc_leader", Role.BUREAU_LEADER)
    actions, elsewhere = _steps(world, leader, case)
    assert not actions & {"extend_closing_upper", "refuse_extension_upper"}
    assert {"extend_closing_upper", "refuse_extension_upper"} <= set(elsewhere)
    with session_scope(world.engine) as s:
        for lang, who in (("zh", "由办案机关的上一级机关办理"), ("en", "Taken by the office directly above the one handling the case")):
            page = case_view(world.service, s, leader, case["id"], lang)
            assert {"event": "extend_closing_upper", "title": "再延长结案期限（上级批准，二个月）" if lang == "zh" else
                    "Extend closing by two more months (upper level)", "who": who} in page["elsewhere"]
    assert case["id"] not in todo_ids(world, "sc_leader")
    assert case["id"] in area_ids(world, leader)  # the oversight view: it awaits an office of the province's area
    assert case["id"] in todo_ids(world, "chengdu_leader")
    with pytest.raises(PermissionDenied, match="上一级机关"), session_scope(world.engine) as s:
        world.service.act(s, leader, case["id"], "extend_closing_upper", version=case["version"],
                          fields={"approval": "川知〔2026〕1号", "reason": "鉴定"}, now=at(D(2026, 3, 4)))
    act(world, "chengdu_leader", case, "extend_closing_upper", fields={"approval": "成知〔2026〕1号", "reason": "鉴定"})
    assert case["id"] not in todo_ids(world, "chengdu_leader")
    # the city's own dispute: its upper level is the province
    own = start(world, "chengdu_officer")
    act(world, "chengdu_officer", own, "accept", fields=PANEL, uploads=(pdf(),))
    act(world, "chengdu_leader", own, "extend_closing", fields={"reason": "案情复杂"})
    act(world, "chengdu_officer", own, "request_extension_upper", fields={"reason": "鉴定未完成"})
    assert own["id"] in todo_ids(world, "sc_leader") and own["id"] not in todo_ids(world, "chengdu_leader")
    assert {"extend_closing_upper", "refuse_extension_upper"} <= _steps(world, leader, own)[0]
