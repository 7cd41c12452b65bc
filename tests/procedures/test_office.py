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
from zhichan.errors import PermissionDenied
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, Role
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.views import case_view

D = dt.date
PRIORITY = "services.priority_exam"
REQUEST = {"application_number": "CN202610000001.0", "subject": "发明专利申请", "ground": "省市重点发展产业",
           "applicant": "成都示例科技有限公司", "consents": "成都示例科技有限公司", "contact": "张三 028-00000000"}


def _province_officer(world: World) -> Scope:
    from zhichan.platform.accounts import create_user
    from zhichan.platform.orgs import scope_for_user

    with session_scope(world.engine) as s:
        sichuan = s.scalar(select(Organization).where(Organization.region_code == "510000"))
        user = create_user(s, username="sc_officer", password=PASSWORD, role=Role.CASE_OFFICER, org=sichuan,
                           password_hash=_password_hash())
        world.users["sc_officer"] = user.id
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
    (it was only in its area view), and not on the city's officer's (the office between, which does not take it);
    recommended, it leaves the province's list."""
    case = _filed(world)
    _province_officer(world)
    assert case["id"] in todo_ids(world, "sc_officer")
    assert case["id"] not in todo_ids(world, "chengdu_officer")
    assert case["id"] in todo_ids(world, "wuhou_officer")  # the handling office still decides a refusal or a cure
    _recommend(world, world.scope("sc_officer"), case)
    assert case["id"] not in todo_ids(world, "sc_officer")


def test_a_case_filed_before_the_step_named_its_office_follows_today(world: World) -> None:
    case = _filed(world)

    def without_office(raw: dict[str, Any]) -> None:
        for t in raw["transitions"]:
            t.pop("office", None)

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
