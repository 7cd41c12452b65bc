"""Priority-examination recommendations (令85号): deadlines, quotas, co-owners' consent, credit — worked
by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from chinese_calendar import constants as holiday_schedule
from sqlalchemy import Engine, func, select

from tests.helpers import migration_differences
from tests.procedures.helpers import PASSWORD, PDF, World, at
from tests.services.helpers import CO_OWNER, OWNER, corpus
from zhichan.credit.service import record_listing
from zhichan.errors import FormError, PermissionDenied
from zhichan.legaltime import china_today
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization
from zhichan.procedures import views
from zhichan.procedures.models import Case
from zhichan.procedures.service import Upload
from zhichan.services import models  # noqa: F401 - registers the tables
from zhichan.services.catalogue import check_catalogue
from zhichan.services.models import PriorityAllocation, PriorityQuota, PriorityRecommendation
from zhichan.services.priority import (
    PROCEDURE,
    allocate,
    examination_deadlines,
    make_holds,
    make_hook,
    quota_left,
    set_quota,
    use_quota,
)

D = dt.date


def test_models_match_migration(engine: Engine) -> None:
    assert migration_differences(engine, "services_") == []


def test_the_shipped_catalogue_matches_its_declarations(world: World) -> None:
    check_catalogue(world.service.registry)


def not_before(day: D | None, earliest: D) -> bool:
    return day is not None and day >= earliest


def test_deadlines_run_from_the_notice_date() -> None:
    # 2026-09-15 + 45 days = 2026-10-30 (a Friday)
    assert examination_deadlines("invention", D(2026, 9, 15)).first_action == D(2026, 10, 30)
    # + 1 year from the last year whose holiday schedule is installed: a provisional closure (that year's statutory
    # holidays and weekends), and the page says why (the installed chinesecalendar decides that year; its yearly release
    # adds the next)
    last = max(holiday_schedule.holidays).year
    d = examination_deadlines("invention", D(last, 9, 15))
    assert d.first_action is not None and not_before(d.closure, D(last + 1, 9, 15)) and d.provisional
    assert d.problem and str(last + 1) in d.problem and "暂按法定节假日" in d.problem
    assert not examination_deadlines("invention", D(last - 1, 9, 15)).provisional
    # 2026-08-17 + 45 days = 2026-10-01, National Day: moves past the holiday (1–7 October) to Thursday 10-08
    assert examination_deadlines("invention", D(2026, 8, 17)).first_action == D(2026, 10, 8)
    # utility model and design: 2 months; 2026-09-05 → 2026-11-05 (Thursday)
    assert examination_deadlines("utility_model", D(2026, 9, 5)).closure == D(2026, 11, 5)
    assert examination_deadlines("design", D(2026, 9, 5)).first_action is None
    # reexamination 7 months: 2026-03-31 → 2026-10-31 (Saturday; National Day week is over) → Monday 11-02
    assert examination_deadlines("reexamination", D(2026, 3, 31)).closure == D(2026, 11, 2)
    # invalidation 5 months, a design's 4: 2026-05-20 → 10-20 (Tuesday) / 09-20 (a Sunday, but a make-up workday
    # before the Mid-Autumn holiday: it stays); 2026-05-31 → 09-30 for a design, → 10-31 (Saturday) → 11-02 otherwise
    assert examination_deadlines("invalidation", D(2026, 5, 20)).closure == D(2026, 10, 20)
    assert examination_deadlines("invalidation", D(2026, 5, 20), design=True).closure == D(2026, 9, 20)
    assert examination_deadlines("invalidation", D(2026, 5, 31)).closure == D(2026, 11, 2)
    with pytest.raises(ValueError):
        examination_deadlines("trademark", D(2026, 9, 1))


def test_quota_arithmetic(world: World) -> None:
    root = world.scope("root")
    with session_scope(world.engine) as s:
        set_quota(s, root, 2026, "510000", 10)
        allocate(s, root, 2026, "510100", 6)
        allocate(s, root, 2026, "511300", 4)  # 南充: the province's 10 are all allocated now
        with pytest.raises(FormError) as info:
            allocate(s, root, "2026", "511000", "1")  # 内江: none left
        assert "最多还可分配 0 件" in info.value.errors["allocated"]
        allocate(s, root, 2026, "510100", 5)  # a city's share lowered frees one place …
        allocate(s, root, 2026, "511000", 1)  # … which another city takes
        for _ in range(5):
            use_quota(s, 2026, "510100")
        with pytest.raises(FormError) as info:
            use_quota(s, 2026, "510100")
        assert "已用完" in info.value.errors["quota"]
        with pytest.raises(FormError) as info:
            allocate(s, root, 2026, "510100", 4)  # below what the city used
        assert "已使用 5 件" in info.value.errors["allocated"]
        with pytest.raises(FormError) as info:
            set_quota(s, root, 2026, "510000", 9)  # below the 10 allocated
        assert "已分配给各市 10 件" in info.value.errors["total"]
        quota = s.scalar(select(PriorityQuota))
        assert quota is not None and (quota.total, quota.allocated) == (10, 10)
        shares = {a.city_code: (a.allocated, a.used) for a in s.scalars(select(PriorityAllocation))}
        assert shares == {"510100": (5, 5), "511300": (4, 0), "511000": (1, 0)}


def test_quota_input_and_authority(world: World) -> None:
    with session_scope(world.engine) as s:
        with pytest.raises(FormError) as info:
            set_quota(s, world.scope("root"), "二〇二六", "510100", "-3")
        assert set(info.value.errors) == {"year", "province_code", "total"}
        with pytest.raises(FormError) as info:
            allocate(s, world.scope("root"), 2026, "510107", 2)  # a county, not a city
        assert "地市级" in info.value.errors["city_code"]
        # well-formed codes naming no province or city (a quota for "province 99" was kept)
        with pytest.raises(FormError) as info:
            set_quota(s, world.scope("root"), 2026, "990000", 5)
        assert "未知的行政区划代码" in info.value.errors["province_code"]
        with pytest.raises(FormError) as info:
            allocate(s, world.scope("root"), 2026, "519900", 1)
        assert "未知的行政区划代码" in info.value.errors["city_code"]
        with pytest.raises(PermissionDenied):
            set_quota(s, world.scope("wuhou_leader"), 2026, "510000", 5)  # a county leader
        with pytest.raises(PermissionDenied):
            set_quota(s, world.scope("wuhou_officer"), 2026, "510000", 5)


def test_concurrent_recommendations_never_pass_the_share(world: World) -> None:
    with session_scope(world.engine) as s:
        set_quota(s, world.scope("root"), 2026, "510000", 3)
        allocate(s, world.scope("root"), 2026, "510100", 3)
    taken: list[int] = []
    refused: list[str] = []
    barrier = threading.Barrier(6)

    def recommend() -> None:
        barrier.wait()
        try:
            with session_scope(world.engine) as s:
                use_quota(s, 2026, "510100")
            taken.append(1)
        except FormError as exc:
            refused.append(exc.errors["quota"])
        except Exception as exc:  # noqa: BLE001 - SQLite may answer "database is locked" to a writer that waited too long
            refused.append(str(exc))

    threads = [threading.Thread(target=recommend) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with session_scope(world.engine) as s:
        used = s.scalar(select(PriorityAllocation.used))
    assert used == len(taken) == 3 and len(refused) == 3


def test_concurrent_allocations_never_pass_the_quota(world: World) -> None:
    with session_scope(world.engine) as s:
        set_quota(s, world.scope("root"), 2026, "510000", 10)
    results: list[str] = []
    barrier = threading.Barrier(4)

    def share(city: str) -> None:  # four cities ask for 4 each of the province's 10: two fit
        barrier.wait()
        try:
            with session_scope(world.engine) as s:
                allocate(s, world.scope("root"), 2026, city, 4)
            results.append("ok")
        except FormError as exc:
            results.append(exc.errors["allocated"])
        except Exception as exc:  # noqa: BLE001 - SQLite may answer "database is locked" to a writer that waited too long
            results.append(str(exc))

    threads = [threading.Thread(target=share, args=(c,)) for c in ("510100", "510300", "510400", "510500")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with session_scope(world.engine) as s:
        quota = s.scalar(select(PriorityQuota))
        shares = sum(a.allocated for a in s.scalars(select(PriorityAllocation)))
    assert quota is not None and quota.allocated == shares == 8 and results.count("ok") == 2


# -- the procedure with its hook -----------------------------------------------------------------------

def _request(number: str, **over: str) -> dict[str, str]:
    return {"application_number": number, "subject": "发明专利申请", "ground": "战略性新兴产业、未来产业或关键核心技术",
            "applicant": OWNER, "consents": f"{OWNER}\n{CO_OWNER}", "contact": "王五 028-12345678"} | over


DOCS = (Upload("doc0", "请求书.pdf", PDF), Upload("doc1", "同意书.pdf", PDF + b"1"))


@pytest.fixture
def hooked(world: World, tmp_path: Path) -> tuple[World, dict[str, str]]:
    snap, numbers = corpus(tmp_path / "corpus")
    world.service.add_hook(PROCEDURE, make_hook(lambda: snap))
    return world, numbers


def test_every_co_owner_must_consent_and_the_subject_match(hooked: tuple[World, dict[str, str]]) -> None:
    world, numbers = hooked
    ent = world.scope("ent_user")
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.start(s, ent, PROCEDURE, fields=_request(numbers["co_owned"], consents=OWNER), uploads=DOCS)
    assert CO_OWNER in info.value.errors["consents"]
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.start(s, ent, PROCEDURE, fields=_request(numbers["utility"], consents=OWNER), uploads=DOCS)
    assert "实用新型" in info.value.errors["subject"]
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.start(s, ent, PROCEDURE, fields=_request("CN202610000001.8", ground="国内首次申请并在境外申请"),
                            uploads=DOCS)
    assert "校验位" in info.value.errors["application_number"]
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.start(s, ent, PROCEDURE, fields=_request(numbers["co_owned"], ground="国内首次申请并在境外申请"),
                            uploads=DOCS)
    assert "直接向国家知识产权局" in info.value.errors["ground"]
    with session_scope(world.engine) as s:
        # names with stray spaces and blank lines: the same names
        created = world.service.start(s, ent, PROCEDURE, fields=_request(
            numbers["co_owned"], consents=f" {OWNER} \n\n{CO_OWNER}"), uploads=DOCS)
    assert created["state"] == "filed"


def test_an_application_number_is_stored_in_its_one_normal_form(hooked: tuple[World, dict[str, str]]) -> None:
    """A number typed without CN, in lower case, with spaces, without the dot before its check character or as the
    patent number (ZL…) was stored and shown as typed: the platform's one rule for it (the corpus's
    ``normalize_application_number``) reads it on the way in and the case keeps CN202610000001.5; what it cannot read
    is refused beside the field, and nothing is kept."""
    world, numbers = hooked
    number = numbers["co_owned"]
    digits, check = number.removeprefix("CN").split(".")
    typed = (f"{digits}.{check}", f"cn {digits[:4]} {digits[4:8]} {digits[8:]}.{check.lower()}", f"CN{digits}{check}",
             f"ZL{digits}.{check}", f"ＣＮ{digits}．{check}")
    ent = world.scope("ent_user")
    for i, text in enumerate(typed):
        with session_scope(world.engine) as s:
            created = world.service.start(s, ent, PROCEDURE, fields=_request(text), uploads=DOCS)
        with session_scope(world.engine) as s:
            row = s.get(Case, created["id"])
            assert row is not None and json.loads(row.fields)["application_number"] == number, (i, text)
            assert row.title.startswith(f"{number} · ")
    for bad, words in (("2026100000", "格式不正确"), ("CN 2026 1000 0001", "缺少校验位"), ("CN202610000001.0", "校验位错误")):
        with pytest.raises(FormError) as info, session_scope(world.engine) as s:
            world.service.start(s, ent, PROCEDURE, fields=_request(bad), uploads=DOCS)
        assert set(info.value.errors) == {"application_number"} and words in info.value.errors["application_number"], bad
    with session_scope(world.engine) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == len(typed)


def test_recommendation_uses_the_city_quota_and_records_deadlines(hooked: tuple[World, dict[str, str]]) -> None:
    world, numbers = hooked
    ent, officer, county = world.scope("ent_user"), _province_officer(world), world.scope("wuhou_officer")
    with session_scope(world.engine) as s:
        set_quota(s, world.scope("root"), 2026, "510000", 1)
        allocate(s, world.scope("root"), 2026, "510100", 1)
    cases = []
    for _ in range(2):
        with session_scope(world.engine) as s:
            cases.append(world.service.start(s, ent, PROCEDURE, fields=_request(numbers["co_owned"]), uploads=DOCS,
                                             now=at(D(2026, 9, 14))))
    letter = (Upload("doc0", "推荐函.pdf", PDF),)
    with pytest.raises(PermissionDenied, match="省级"), session_scope(world.engine) as s:  # a county does not recommend
        world.service.act(s, county, cases[0]["id"], "recommend", version=1, fields={"opinion": "—"}, uploads=letter)
    with session_scope(world.engine) as s:
        world.service.act(s, officer, cases[0]["id"], "recommend", version=1, fields={"opinion": "符合第一项理由"},
                          uploads=letter, now=at(D(2026, 9, 15)))
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.act(s, officer, cases[1]["id"], "recommend", version=1, fields={"opinion": "同上"},
                          uploads=letter, now=at(D(2026, 9, 15)))
    assert "510100" in info.value.errors["quota"]
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:  # a notice dated before the recommendation
        world.service.act(s, officer, cases[0]["id"], "notice", version=2, fields={"notice_date": "2026-09-01"},
                          now=at(D(2026, 9, 20)))
    assert "推荐日" in info.value.errors["notice_date"]
    with session_scope(world.engine) as s:
        world.service.act(s, officer, cases[0]["id"], "notice", version=2, fields={"notice_date": "2026-09-18"},
                          now=at(D(2026, 9, 20)))
    with session_scope(world.engine) as s:
        rec = s.scalar(select(PriorityRecommendation))
        assert rec is not None and rec.recommended_on == D(2026, 9, 15) and rec.notice_date == D(2026, 9, 18)
        # 2026-09-18 + 45 days = 2026-11-02 (Monday)
        assert rec.first_action_due == D(2026, 11, 2) and rec.subject == "invention"
    with session_scope(world.engine) as s:
        world.service.act(s, officer, cases[0]["id"], "return_normal", version=3,
                          fields={"return_reason": "存在恶意行为", "returned_on": "2026-10-08"}, now=at(D(2026, 10, 9)))
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:  # bad faith: no recommendation for a year (to the day)
        world.service.start(s, ent, PROCEDURE, fields=_request(numbers["co_owned"]), uploads=DOCS,
                            now=at(D(2027, 10, 8)))
    assert "恶意" in info.value.errors["applicant"]
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:  # the bar reaches the pending second case at its recommendation too
        world.service.act(s, officer, cases[1]["id"], "recommend", version=1, fields={"opinion": "—"},
                          uploads=letter, now=at(D(2026, 10, 12)))
    assert "恶意" in info.value.errors["applicant"]
    with session_scope(world.engine) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 2  # nothing of a refused step is kept


def _province_officer(world: World):  # type: ignore[no-untyped-def]
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Role
    from zhichan.platform.orgs import scope_for_user

    with session_scope(world.engine) as s:
        sichuan = s.scalar(select(Organization).where(Organization.region_code == "510000"))
        user = create_user(s, username="sc_officer", password=PASSWORD, role=Role.CASE_OFFICER, org=sichuan)
        return scope_for_user(s, user)


def test_an_application_over_its_citys_quota_is_neither_offered_nor_listed(hooked: tuple[World, dict[str, str]]) -> None:
    """One rule for the recommendation and the quota: an application whose city has no place left this year is not on
    the province's 我的待办 and its page does not offer 出具推荐函 — it says why in its place —, and the step is refused
    with that reason (the hook refused it while the list and the page offered it); allocated more, it is back on both."""
    world, numbers = hooked
    world.service.add_holds(PROCEDURE, ("recommend",), make_holds(world.service), free=quota_left)  # as services.hooks does
    officer, year = _province_officer(world), china_today().year  # the quota of the year the list is read in
    with session_scope(world.engine) as s:
        set_quota(s, world.scope("root"), year, "510000", 3)
        allocate(s, world.scope("root"), year, "510100", 1)
    cases = []
    for _ in range(2):
        with session_scope(world.engine) as s:
            cases.append(world.service.start(s, world.scope("ent_user"), PROCEDURE, fields=_request(numbers["co_owned"]),
                                             uploads=DOCS))

    def listed() -> set[int]:
        with session_scope(world.engine) as s:
            return {i["id"] for i in world.service.todo(s, officer, limit=100)["items"]}

    def offered(case: dict[str, Any]) -> tuple[set[str], list[str]]:
        with session_scope(world.engine) as s:
            data = world.service.case(s, officer, case["id"])
        return {t.event for t in data["actions"]}, [w.blocked.reason for w in data["held"] if w.blocked]

    assert listed() == {cases[0]["id"], cases[1]["id"]}
    letter = (Upload("doc0", "推荐函.pdf", PDF),)
    with session_scope(world.engine) as s:
        world.service.act(s, officer, cases[0]["id"], "recommend", version=1, fields={"opinion": "符合"}, uploads=letter)
    assert listed() == set()  # the other is over the city's quota
    # the province's 辖区待办 keeps it — the province's area, and the place it waits for is the province's to allocate —
    # saying what it waits for and linking the quotas, as its page's header does (not as a step to take there)
    with session_scope(world.engine) as s:
        area = {i["id"]: i for i in world.service.todo(s, officer, limit=100, area=True)["items"]}
        header = views.case_view(world.service, s, officer, cases[1]["id"], "en")["waits_for"]
    assert [(b.waits, b.url) for b in area[cases[1]["id"]]["waits"]] == [
        (f"成都市的 {year} 年度推荐名额 / Chengdu's {year} quota", f"/services/priority/quotas?year={year}")]
    assert [(w["text"], w["url"]) for w in header] == [(f"Chengdu's {year} quota", f"/services/priority/quotas?year={year}")]
    actions, reasons = offered(cases[1])
    assert "recommend" not in actions and len(reasons) == 1 and "名额已用完或未分配" in reasons[0], reasons
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.act(s, officer, cases[1]["id"], "recommend", version=1, fields={"opinion": "同上"}, uploads=letter)
    assert info.value.errors["_clock"] == reasons[0]  # the page's reason
    with session_scope(world.engine) as s:
        allocate(s, world.scope("root"), year, "510100", 2)
    assert listed() == {cases[1]["id"]} and "recommend" in offered(cases[1])[0]
    with session_scope(world.engine) as s:
        assert all(not i["waits"] for i in world.service.todo(s, officer, limit=100, area=True)["items"])
    with session_scope(world.engine) as s:
        world.service.act(s, officer, cases[1]["id"], "recommend", version=1, fields={"opinion": "同上"}, uploads=letter)


def test_a_credit_listed_requester_is_refused(hooked: tuple[World, dict[str, str]]) -> None:
    world, numbers = hooked
    with session_scope(world.engine) as s:
        city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        assert city is not None
        record_listing(s, subject=OWNER, ground="abnormal_filing", decision_number="成知信〔2026〕9号",
                       listed_from=D(2026, 6, 1), org_id=city.id, org_path=city.path, region_code="510100")
    with pytest.raises(FormError) as info, session_scope(world.engine) as s:
        world.service.start(s, world.scope("ent_user"), PROCEDURE, fields=_request(numbers["co_owned"]),
                            uploads=DOCS, now=at(D(2026, 9, 14)))
    assert "成知信〔2026〕9号" in info.value.errors["applicant"]


def test_an_application_under_review_awaits_the_provinces_recommendation_not_its_own_office(
        hooked: tuple[World, dict[str, str]]) -> None:
    """令85号: the provincial office recommends. An application under review awaits its officer (``filed`` awaits
    ``province:case_officer``), on its 我的待办; the office it was filed with (武侯区) and the city above may refuse it or
    ask for a cure — offered on the page — but nobody waits for that: it is on neither list (it was on the handling
    office's, counted as its own), and the page names the provincial officer as the one awaited."""
    from tests.procedures.helpers import todo_ids

    world, numbers = hooked
    province = _province_officer(world)
    with session_scope(world.engine) as s:
        case = world.service.start(s, world.scope("ent_user"), PROCEDURE, fields=_request(numbers["co_owned"]),
                                   uploads=DOCS)
    with session_scope(world.engine) as s:
        listed = {i["id"] for i in world.service.todo(s, province, limit=100)["items"]}
        handling = world.service.case(s, world.scope("wuhou_officer"), case["id"])
        upper = world.service.case(s, province, case["id"])
    assert case["id"] in listed
    assert case["id"] not in todo_ids(world, "wuhou_officer") and case["id"] not in todo_ids(world, "chengdu_officer")
    assert {"refuse", "request_cure"} <= {t.event for t in handling["actions"]}
    assert handling["awaited"] == upper["awaited"] == frozenset({"province:case_officer"})
    assert "recommend" in {t.event for t in upper["actions"]}
