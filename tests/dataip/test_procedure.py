"""The ``dataip.registration`` declaration driven through every transition on the engine, the register
kept in step by the hook, the notice clock deciding when objections are taken, and scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.dataip.helpers import FORM, D, application, at
from tests.procedures.helpers import World
from zhichan.dataip.service import PROCEDURE, DataIPService, RegisterHook, install
from zhichan.errors import NotFoundError, PermissionDenied
from zhichan.legaltime import china_today
from zhichan.platform.db import session_scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Step
from zhichan.procedures.service import FormError


def start(world: World, who: str, *, when: Any = None, **fields: str) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope(who), PROCEDURE, fields={**FORM, **fields}, now=when or at(D(2025, 9, 25)))


def act(world: World, who: str, case: dict[str, Any], event: str, *, when: Any, **fields: str) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        moved = world.service.act(s, world.scope(who), case["id"], event, version=case["version"], fields=fields, now=when)
    case.update(moved)
    return case


def register_row(registry: DataIPService, case: dict[str, Any]) -> dict[str, Any]:
    with registry.engine.connect() as conn:
        from zhichan.dataip.service import REGS

        row = conn.execute(select(REGS).where(REGS.c.case_id == case["id"])).mappings().one()
    return dict(row)


def test_the_declaration_is_shipped_by_the_domain() -> None:
    decl = ProcedureRegistry.load().for_region(PROCEDURE, "510107")
    assert decl.jurisdiction == "default"  # RULES.md names no local difference: no overlay
    assert (decl.clocks["notice"].amount, decl.clocks["notice"].unit) == (10, "working_day")
    assert {t.event for t in decl.transitions} == {"request_cure", "cure", "publish", "object", "dismiss_objections",
                                                   "uphold_objection", "register", "refuse", "withdraw"}
    assert [t.event for t in decl.transitions if t.public] == ["object"]


def test_every_transition_keeps_the_register_in_step(world: World, registry: DataIPService) -> None:
    # the enterprise applies; the officer asks for a cure, the enterprise cures, the officer publishes
    case = start(world, "ent_user")
    assert register_row(registry, case)["status"] == "submitted"
    act(world, "wuhou_officer", case, "request_cure", when=at(D(2025, 9, 25)), items="补充数据来源授权", cure_days=15)
    assert case["state"] == "curing" and register_row(registry, case)["status"] == "submitted"
    act(world, "ent_user", case, "cure", when=at(D(2025, 9, 25), 15), reply="已补充授权书")
    assert case["state"] == "submitted"
    act(world, "wuhou_officer", case, "publish", when=at(D(2025, 9, 26)))
    row = register_row(registry, case)
    assert (case["state"], row["status"], row["notice_start"], row["notice_end"]) == (
        "in_notice", "in_notice", D(2025, 9, 26), D(2025, 10, 16))
    # objection, dismissed; objection again, upheld → refused
    act(world, "citizen", case, "object", when=at(D(2025, 10, 9)), objector="某竞争企业（合成）", reason="来源存疑")
    assert (case["state"], register_row(registry, case)["status"]) == ("objected", "objected")
    act(world, "jinjiang_officer", case, "object", when=at(D(2025, 10, 9), 11), objector="锦江某企业（合成）", reason="重复")
    act(world, "wuhou_officer", case, "dismiss_objections", when=at(D(2025, 10, 10)), resolution="异议不成立")
    assert (case["state"], register_row(registry, case)["status"]) == ("in_notice", "in_notice")
    objections = registry.objections(register_row(registry, case)["id"])
    assert [(o["objector"], o["status"]) for o in objections] == [("某竞争企业（合成）", "dismissed"), ("锦江某企业（合成）", "dismissed")]
    act(world, "citizen", case, "object", when=at(D(2025, 10, 16), 23), objector="数据权利人（合成）", reason="未授权")
    act(world, "wuhou_leader", case, "uphold_objection", when=at(D(2025, 10, 20)), resolution="含未授权数据")
    row = register_row(registry, case)
    assert (case["state"], row["status"], row["decision_reasons"]) == ("refused", "rejected", "含未授权数据")

    # a second application: published, then registered after the notice
    second = start(world, "wuhou_officer", data_name="地铁客流数据集（合成）")
    act(world, "wuhou_officer", second, "publish", when=at(D(2025, 9, 26)))
    with pytest.raises(FormError, match="2025-10-16"):
        act(world, "wuhou_officer", second, "register", when=at(D(2025, 10, 16)), reasons="材料齐全")
    act(world, "wuhou_officer", second, "register", when=at(D(2025, 10, 17)), reasons="材料齐全")
    row = register_row(registry, second)
    assert (second["state"], row["status"]) == ("registered", "registered")
    assert json.loads(registry.evidence.get_entry(row["decision_index"]).leaf)["decision"] == "registered"

    # refused at the formal review, refused after the notice, withdrawn by the enterprise
    third = start(world, "wuhou_officer", data_name="第三数据集（合成）")
    act(world, "wuhou_officer", third, "refuse", when=at(D(2025, 9, 26)), reasons="不属于登记对象")
    assert register_row(registry, third)["status"] == "rejected"
    fourth = start(world, "wuhou_officer", data_name="第四数据集（合成）")
    act(world, "wuhou_officer", fourth, "publish", when=at(D(2025, 9, 26)))
    act(world, "wuhou_officer", fourth, "refuse", when=at(D(2025, 10, 17)), reasons="样本与声明不符")
    assert register_row(registry, fourth)["status"] == "rejected"
    fifth = start(world, "ent_user", data_name="第五数据集（合成）")
    act(world, "wuhou_officer", fifth, "publish", when=at(D(2025, 9, 26)))
    act(world, "ent_user", fifth, "withdraw", when=at(D(2025, 9, 29)), reason="另行申请")
    assert (fifth["state"], register_row(registry, fifth)["status"]) == ("withdrawn", "withdrawn")

    # every step is on the case's timeline and in the audit; the log holds both records and is intact
    with session_scope(world.engine) as s:
        events = s.scalars(select(Step.event).where(Step.case_id == case["id"]).order_by(Step.seq)).all()
    assert events == ["start", "request_cure", "cure", "publish", "object", "object", "dismiss_objections", "object",
                      "uphold_objection"]
    assert registry.evidence.audit().ok


def test_objections_only_while_the_notice_clock_runs(world: World, registry: DataIPService) -> None:
    case = start(world, "ent_user")
    # before the notice: outsiders do not even learn the application exists
    with pytest.raises(NotFoundError):
        act(world, "citizen", case, "object", when=at(D(2025, 9, 25)), objector="甲", reason="早了")
    act(world, "wuhou_officer", case, "publish", when=at(D(2025, 9, 26)))  # last day: Thu 16 Oct 2025
    act(world, "citizen", case, "object", when=at(D(2025, 10, 16), 23), objector="甲", reason="最后一天 23 时")
    act(world, "wuhou_officer", case, "dismiss_objections", when=at(D(2025, 10, 17)), resolution="不成立")
    with pytest.raises(FormError, match="已于 2025-10-16 届满，此步骤须在期内办理") as late:
        act(world, "citizen", case, "object", when=at(D(2025, 10, 17), 0), objector="乙", reason="次日 0 时")
    assert "ended on 2025-10-16: this step is taken within it" in late.value.errors["_clock"]
    # the applicant cannot object to its own application; an empty objection is refused beside its field
    with pytest.raises(PermissionDenied):
        act(world, "ent_user", case, "object", when=at(D(2025, 10, 10)), objector="自己", reason="自己")
    with pytest.raises(FormError) as empty:
        act(world, "citizen", case, "object", when=at(D(2025, 10, 10)), objector="丙", reason=" ")
    assert list(empty.value.errors) == ["reason"]
    assert [o["reason"] for o in registry.objections(register_row(registry, case)["id"])] == ["最后一天 23 时"]


def test_another_district_cannot_see_or_decide(world: World, registry: DataIPService) -> None:
    case = start(world, "ent_user")
    for who in ("jinjiang_officer", "citizen", "hz_officer"):
        with session_scope(world.engine) as s, pytest.raises(NotFoundError):
            world.service.case(s, world.scope(who), case["id"])
        with pytest.raises(NotFoundError):
            act(world, who, case, "publish", when=at(D(2025, 9, 26)))
    act(world, "wuhou_officer", case, "publish", when=at(D(2025, 9, 26)))
    with pytest.raises(NotFoundError):  # published: objecting is public, deciding is not
        act(world, "jinjiang_officer", case, "refuse", when=at(D(2025, 10, 17)), reasons="越权")
    # the city above oversees it; the officers' case page offers the decision once the notice has ended (in 2025), the
    # public step to record a paper objection only while it runs (the last test)
    with session_scope(world.engine) as s:
        offered = [t.event for t in world.service.case(s, world.scope("wuhou_officer"), case["id"])["actions"]]
        party_offered = [t.event for t in world.service.case(s, world.scope("ent_user"), case["id"])["actions"]]
    assert "register" in offered and "object" not in offered
    assert party_offered == ["withdraw"]


def test_a_bad_sample_digest_is_refused_beside_its_field(world: World, registry: DataIPService) -> None:
    with pytest.raises(FormError) as info:
        start(world, "ent_user", sample_sm3="a" * 64)
    assert list(info.value.errors) == ["sample_sha256"]
    with pytest.raises(FormError) as info:
        start(world, "ent_user", sample_sm3="g" * 64, sample_sha256="0" * 64)
    assert list(info.value.errors) == ["sample_sm3"]
    assert registry.evidence.size() == 0 and registry.registrations() == []
    case = start(world, "ent_user", sample_sm3="AB" * 32, sample_sha256="cd" * 32)
    assert register_row(registry, case)["sm3"] == "ab" * 32  # kept lowercase, as the log compares digests


def test_the_hook_is_installed_once(world: World) -> None:
    install(world.service)
    DataIPService(world.service)
    assert [h for h in world.service._hooks[PROCEDURE] if isinstance(h, RegisterHook)] == [RegisterHook(world.service.evidence)]
    registry = DataIPService(world.service)
    reg = registry.submit(world.scope("wuhou_officer"), application(), now=at(D(2025, 3, 3)))
    assert len(registry.registrations()) == 1 and reg["application_index"] == 0


def test_models_match_the_migration(engine: Engine) -> None:
    from tests.helpers import migration_differences
    from zhichan.dataip import models  # noqa: F401 - its tables

    assert migration_differences(engine, "dataip_") == []


def test_a_publication_date_in_the_future_is_refused(world: World, registry: DataIPService) -> None:
    import datetime as dt

    from zhichan.errors import InputError

    officer = world.scope("wuhou_officer")
    reg = registry.submit(officer, application(), now=at(D(2025, 3, 3)))
    with pytest.raises(InputError, match="尚未到来"):
        registry.publish(officer, reg["id"], on=china_today() + dt.timedelta(days=30))
    assert registry.get(reg["id"])["status"] == "submitted"


def test_a_step_only_the_public_takes_is_declared_with_public() -> None:
    from importlib.resources import files

    import yaml

    from zhichan.errors import ConfigError
    from zhichan.procedures.declaration import parse_declaration

    data = yaml.safe_load((files("zhichan.dataip") / "definitions" / "dataip.registration.yaml").read_bytes())
    assert parse_declaration(data, "dataip.registration.yaml").transition("object", "in_notice") is not None
    step = next(t for t in data["transitions"] if t["event"] == "object")
    step["public"] = False
    with pytest.raises(ConfigError, match="object: nobody may take it"):
        parse_declaration(data, "dataip.registration.yaml")


def _notice_ends_on(world: World, case: dict[str, Any], day: Any) -> None:
    """Move a case's notice so that its last day is ``day`` (its clock and the register's window alike)."""
    from tests.dataip.helpers import rewind_notice
    from zhichan.procedures.models import CaseClock

    with session_scope(world.engine) as s:
        due = s.scalar(select(CaseClock.due_on).where(CaseClock.case_id == case["id"], CaseClock.name == "notice"))
    rewind_notice(world.engine, case["id"], (due - day).days)


def _offered(world: World, who: str, case: dict[str, Any]) -> set[str]:
    with session_scope(world.engine) as s:
        return {t.event for t in world.service.case(s, world.scope(who), case["id"])["actions"]}


def _revision_1(raw: dict[str, Any]) -> None:
    """The first declaration: the decisions and objections timed by the hook alone, ``refuse`` one step."""
    raw["revision"] = 1
    kept = []
    for t in raw["transitions"]:
        t.pop("lapsed", None)
        t.pop("within", None)
        if t["event"] == "refuse":
            if "in_notice" in t["source"]:
                continue
            t["source"] = ["submitted", "curing", "in_notice"]
        kept.append(t)
    raw["transitions"] = kept


@pytest.mark.parametrize("earlier", [False, True], ids=["current", "revision-1"])
def test_the_decisions_wait_for_the_notice_on_the_page_the_list_and_the_step(
        world: World, registry: DataIPService, earlier: bool) -> None:
    """While the notice runs, 准予登记 and 不予登记 are not offered — not on the case page, not on the to-do list — and
    refused with the day they can be taken (the engine's one rule, the declaration's ``lapsed`` term); objections are
    offered. From the day after its last day the decisions are offered and objections no longer (``within``). A case
    filed under the first declaration, which left the timing to the hook, is held back the same way."""
    from tests.procedures.helpers import filed_under_earlier, todo_ids
    from zhichan.legaltime import first_day_after

    case = start(world, "ent_user")
    if earlier:
        filed_under_earlier(world.engine, case["id"], _revision_1)
    act(world, "wuhou_officer", case, "publish", when=at(D(2025, 9, 26)))
    today = china_today()
    _notice_ends_on(world, case, today)  # the notice's last day is today
    assert _offered(world, "wuhou_officer", case) & {"register", "refuse"} == set()
    assert "object" in _offered(world, "wuhou_officer", case)
    assert case["id"] not in todo_ids(world, "wuhou_officer") | todo_ids(world, "wuhou_leader")
    with pytest.raises(FormError, match=f"{first_day_after(today)} 起方可办理") as early:
        act(world, "wuhou_officer", case, "register", when=at(today), reasons="材料齐全")
    assert list(early.value.errors) == ["_clock"]
    assert register_row(registry, case)["status"] == "in_notice"

    _notice_ends_on(world, case, today - dt.timedelta(days=1))  # it ended yesterday
    offered = _offered(world, "wuhou_officer", case)
    assert {"register", "refuse"} <= offered
    assert ("object" in offered) is earlier  # the first declaration left it to the hook, which refuses it
    assert case["id"] in todo_ids(world, "wuhou_officer")
    act(world, "wuhou_officer", case, "register", when=at(today), reasons="材料齐全")
    assert register_row(registry, case)["status"] == "registered"


def test_under_notice_the_header_names_the_day_the_officer_decides_from(world: World, registry: DataIPService) -> None:
    """While the notice runs, registering and refusing are held back (lapsed: notice): the case is not on the officer's
    to-do list, so its header does not name the officer as awaited (it did: 待办理方：办案人员) but the day both steps
    can be taken from, as a domain's hold is shown."""
    from tests.procedures.helpers import todo_ids
    from zhichan.procedures.views import case_view

    today = china_today()
    case = start(world, "ent_user", when=at(today))
    act(world, "wuhou_officer", case, "publish", when=at(today))
    assert case["id"] not in todo_ids(world, "wuhou_officer")
    for lang, said in (("zh", "（届时方可办理“公示期满，准予登记”、“不予登记”）"),
                       ("en", " (when “Register (after the notice)”, “Refuse” can be taken)")):
        with session_scope(world.engine) as s:
            page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], lang)
        assert page["awaited"] == [] and [w["text"][10:] for w in page["waits_for"]] == [said], page["waits_for"]
