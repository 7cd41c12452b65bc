"""The credit-list procedure driven end to end on SQLite and PostgreSQL: notice with the period for
statements across National Day, the decision and its listing row, publication, the one-year term ended
by the job, credit repair refused before six months and granted after. Dates computed by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.credit.helpers import act, credit_world, start
from tests.procedures.helpers import PASSWORD, World, at, build_world
from zhichan.credit.models import CreditListing
from zhichan.credit.service import active_listing, expire_listings, own_listings, public_listings
from zhichan.errors import FormError, NotFoundError
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope
from zhichan.procedures.models import NO_DEADLINE, Case, CaseClock, Notice
from zhichan.settings import Settings

D = dt.date


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    return credit_world(engine, tmp_path / "files", SigningKey.generate())


def listing(world: World, case_id: int) -> CreditListing:
    with session_scope(world.engine) as s:
        row = s.scalars(select(CreditListing).where(CreditListing.case_id == case_id)).one()
        s.expunge(row)
        return row


def notified_and_decided(world: World) -> dict:
    case = start(world, D(2025, 9, 26))
    # 告知 on Monday 29 September 2025: five working days from the next day — 30 Sep (1), National Day
    # 1–8 Oct off, 9 Oct (2), 10 Oct (3), Saturday 11 Oct a make-up workday (4), Monday 13 Oct (5)
    act(world, "wuhou_officer", case, "notify", D(2025, 9, 29), {"notice_number": "武知信告〔2025〕1号"})
    with session_scope(world.engine) as s:
        clocks = {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}
    assert clocks["statements"]["due_on"] == D(2025, 10, 13)
    with pytest.raises(FormError) as early:  # the last day of the period still belongs to the subject
        act(world, "wuhou_leader", case, "decide", D(2025, 10, 13), {"decision_number": "武知信〔2025〕1号"})
    assert "2025-10-14 起" in early.value.errors["_clock"]
    act(world, "wuhou_leader", case, "decide", D(2025, 10, 14), {"decision_number": "武知信〔2025〕1号"})
    return case


def test_notice_decision_publication_and_the_term(world: World) -> None:
    case = notified_and_decided(world)
    row = listing(world, case["id"])
    # the measures run one year from the decision: 14 Oct 2025 → 14 Oct 2026 (民法典 第二百零一条)
    assert (row.listed_from, row.listed_until, row.published_on) == (D(2025, 10, 14), D(2026, 10, 14), None)
    assert row.ground == "abnormal_filing" and row.credit_code == "91510100MA61R5XA24"
    with session_scope(world.engine) as s:
        # the measures apply from the decision; the public list waits for the publication
        assert active_listing(s, name="成都示例科技有限公司", on=D(2025, 10, 14)) is not None
        assert public_listings(s, on=D(2025, 10, 14))[0] == 0
    act(world, "wuhou_officer", case, "publish", D(2025, 10, 15))
    with session_scope(world.engine) as s:
        total, rows = public_listings(s, on=D(2025, 10, 15))
        assert total == 1 and rows[0].published_on == D(2025, 10, 15)
        # the subject (the enterprise the case names) sees its listing and its case
        assert [r.id for r in own_listings(s, world.scope("ent_user"))] == [row.id]
        assert world.service.case(s, world.scope("ent_user"), case["id"])["case"]["state"] == "listed"
        with pytest.raises(NotFoundError):  # another district's officer does not
            world.service.case(s, world.scope("jinjiang_officer"), case["id"])
    with session_scope(world.engine) as s:  # the last day of the term: nothing to end yet
        assert expire_listings(s, world.service, now=at(D(2026, 10, 14))) == 0
        assert public_listings(s, on=D(2026, 10, 14))[0] == 1
    with pytest.raises(FormError) as early:  # nor by hand before the term is over
        act(world, "root", case, "expire", D(2026, 10, 14))
    assert "2026-10-15 起方可办理此步骤" in early.value.errors["_clock"]
    with session_scope(world.engine) as s:
        assert expire_listings(s, world.service, now=at(D(2026, 10, 15))) == 1
    with session_scope(world.engine) as s:
        assert world.service.case(s, world.scope("wuhou_officer"), case["id"])["case"]["state"] == "expired"
        assert public_listings(s, on=D(2026, 10, 15))[0] == 0
        assert active_listing(s, name="成都示例科技有限公司", on=D(2026, 10, 15)) is None


def test_repair_refused_before_six_months_and_granted_after(world: World) -> None:
    case = notified_and_decided(world)
    act(world, "wuhou_officer", case, "publish", D(2025, 10, 15))
    measures = {"measures": "已撤回全部非正常申请并完成整改"}
    # six months from 14 Oct 2025 run to 14 Apr 2026: repair may be asked for from 15 April; the subject asks online
    # on the six months' last day
    with pytest.raises(FormError) as early:
        act(world, "ent_user", case, "request_repair", D(2026, 4, 14), measures)
    assert "至 2026-04-14 届满，2026-04-15 起方可办理此步骤" in early.value.errors["_clock"]
    act(world, "ent_user", case, "request_repair", D(2026, 4, 15), measures)
    with session_scope(world.engine) as s:
        clocks = {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}
    # fifteen working days from 15 Apr 2026 (Wednesday), Labour Day 1–5 May off, Saturday 9 May a workday:
    # 16–30 Apr give 11, 6, 7, 8 May 14, Saturday 9 May 15
    assert clocks["repair_review"]["due_on"] == D(2026, 5, 9)
    act(world, "wuhou_officer", case, "refuse_repair", D(2026, 4, 20), {"reasons": "尚未履行行政处罚决定"})
    act(world, "ent_user", case, "request_repair", D(2026, 5, 6), measures)
    act(world, "wuhou_leader", case, "repair", D(2026, 5, 11), {"repair_number": "武知信修〔2026〕1号"})
    row = listing(world, case["id"])
    assert row.repaired_on == D(2026, 5, 11)
    with session_scope(world.engine) as s:
        assert active_listing(s, credit_code="91510100MA61R5XA24", on=D(2026, 5, 10)) is not None
        assert active_listing(s, credit_code="91510100MA61R5XA24", on=D(2026, 5, 11)) is None
        assert public_listings(s, on=D(2026, 5, 11))[0] == 0
        assert world.service.case(s, world.scope("ent_user"), case["id"])["case"]["state"] == "repaired"


def test_a_proposal_can_be_dropped_and_bad_fields_are_named(world: World) -> None:
    with pytest.raises(FormError) as bad:
        start(world, D(2025, 9, 26), subject="", credit_code="123", ground="")
    assert {"subject", "ground"} <= set(bad.value.errors)
    with pytest.raises(FormError) as code:
        start(world, D(2025, 9, 26), credit_code="123")
    assert set(code.value.errors) == {"credit_code"}
    case = start(world, D(2025, 9, 26))
    with pytest.raises(FormError) as twice:  # one open procedure per subject, however its name is spelt
        start(world, D(2025, 9, 26), who="wuhou_leader", subject=" 成都示例科技有限公司")
    assert case["number"] in twice.value.errors["subject"]
    with pytest.raises(FormError) as elsewhere:  # another district learns of it, not its number
        start(world, D(2025, 9, 26), who="jinjiang_officer", subject="成都示例科技有限公司")
    assert "其他机关办理" in elsewhere.value.errors["subject"] and case["number"] not in elsewhere.value.errors["subject"]
    act(world, "wuhou_officer", case, "notify", D(2025, 9, 29), {"notice_number": "告〔2025〕2号"})
    act(world, "ent_user", case, "statement", D(2025, 9, 30), {"statement": "系代理机构擅自提交"})
    with pytest.raises(FormError) as late:  # after the last day of the period (13 October): the declared term
        act(world, "ent_user", case, "statement", D(2025, 10, 14), {"statement": "补充意见"})
    assert "已于 2025-10-13 届满，此步骤须在期内办理" in late.value.errors["_clock"]
    act(world, "ent_user", case, "statement", D(2025, 10, 13), {"statement": "补充意见"})  # on the last day
    act(world, "wuhou_officer", case, "drop", D(2025, 10, 14), {"reasons": "陈述理由成立"})
    with session_scope(world.engine) as s:
        assert s.scalars(select(CreditListing)).all() == []
    start(world, D(2025, 10, 15))  # the earlier case is closed: a new proposal may open


def test_a_listed_agency_follows_its_own_case(world: World) -> None:
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import create_org

    with session_scope(world.engine) as s:
        wuhou = s.scalars(select(Organization).where(Organization.region_code == "510107",
                                                     Organization.kind == OrgKind.COUNTY)).one()
        for username, name in (("agency_user", "成都某某专利代理有限公司"), ("other_agency", "另一专利代理所")):
            org = create_org(s, name, OrgKind.AGENCY, "510107", wuhou)
            world.users[username] = create_user(s, username=username, password=PASSWORD, role=Role.AGENCY_USER,
                                                org=org).id
    # the proposal names the agency with stray spaces; the name key folds them
    case = start(world, D(2025, 9, 26), subject=" 成都某某专利代理有限公司 ", credit_code="")
    act(world, "wuhou_officer", case, "notify", D(2025, 9, 29), {"notice_number": "告〔2025〕9号"})
    act(world, "agency_user", case, "statement", D(2025, 9, 30), {"statement": "已停止无资质代理"})
    with session_scope(world.engine) as s:
        assert world.service.todo(s, world.scope("agency_user"), today=D(2025, 9, 30))["total"] == 1
        assert world.service.todo(s, world.scope("other_agency"), today=D(2025, 9, 30))["total"] == 0
        with pytest.raises(NotFoundError):
            world.service.case(s, world.scope("other_agency"), case["id"])
    with pytest.raises(NotFoundError):
        act(world, "other_agency", case, "statement", D(2025, 9, 30), {"statement": "冒名"})


def test_repair_and_removal_are_offered_only_once_their_term_has_run(world: World) -> None:
    """The case page offered 申请信用修复 before six months and 管理期满移出 before the term's end, and the hook then
    refused them: both are now terms the decision starts (``waits``), offered by the engine's one rule (page, to-do
    list, refusal) from the day after their last day — and, being nobody's deadline, never warned of nor overdue."""
    from zhichan.procedures.service import offered

    case = notified_and_decided(world)  # decided on Tuesday 14 October 2025
    act(world, "wuhou_officer", case, "publish", D(2025, 10, 15))

    def steps(who: str, today: dt.date) -> set[str]:
        with session_scope(world.engine) as s:
            scope = world.scope(who)
            data = world.service.case(s, scope, case["id"])
            rows = {r.name: r for r in s.execute(select(CaseClock).where(CaseClock.case_id == case["id"])).scalars()}
            return {t.event for t in offered(data["declaration"], data["case"]["state"], True, scope.role,
                                             officer=data["officer"], party=data["party"], counterparty=False,
                                             clocks=rows, taken=set(), today=today, case_fields=data["case"]["fields"])}

    assert steps("ent_user", D(2026, 4, 14)) == set() and steps("ent_user", D(2026, 4, 15)) == {"request_repair"}
    assert "expire" not in steps("root", D(2026, 10, 14)) and "expire" in steps("root", D(2026, 10, 15))
    with session_scope(world.engine) as s:
        clocks = {c["name"]: c for c in world.service.case(s, world.scope("wuhou_officer"), case["id"])["clocks"]}
        # the terms end on their corresponding day, the listing row's own (民法典 第二百零一条)
        assert (clocks["repair_wait"]["due_on"], clocks["term"]["due_on"]) == (D(2026, 4, 14), D(2026, 10, 14))
        assert row_until(s, case["id"]) == D(2026, 10, 14)
        # nobody's deadline: the case has none, the sweep warns of neither term, the to-do lists nothing overdue
        assert s.get(Case, case["id"]).next_due == NO_DEADLINE  # type: ignore[union-attr]
        for day in (D(2026, 4, 10), D(2026, 4, 14), D(2026, 4, 20), D(2026, 10, 20)):
            world.service.sweep(s, day, now=at(day))
        assert s.scalars(select(Notice.clock).where(Notice.case_id == case["id"], Notice.clock.is_not(None))).all() == []
        for who in ("wuhou_officer", "wuhou_leader", "ent_user"):
            todo = world.service.todo(s, world.scope(who), today=D(2026, 5, 1))
            assert todo["overdue"] == 0 and all(i["id"] != case["id"] for i in todo["items"]), who
        # the day after the term the platform's administrator has the removal to take (the job takes it)
        root = world.scope("root")
        assert [i["id"] for i in world.service.todo(s, root, today=D(2026, 10, 15), area=True)["items"]] == [case["id"]]
        assert world.service.todo(s, root, today=D(2026, 10, 14), area=True)["items"] == []


def test_a_term_is_not_moved_off_a_rest_day() -> None:
    """A term to wait out ends on its corresponding day even on a rest day (第二百零三条 gives a working last day to
    one who must act within a period); a period to act within still moves to the next working day."""
    from zhichan.legaltime import Clock

    assert Clock(6, "month", at(D(2025, 10, 18)), term=True).due() == D(2026, 4, 18)  # a Saturday
    assert Clock(6, "month", at(D(2025, 10, 18))).due() == D(2026, 4, 20)
    with pytest.raises(ValueError):
        Clock(6, "hour", at(D(2025, 10, 18)), term=True)


def row_until(s: object, case_id: int) -> dt.date:
    return s.scalars(select(CreditListing.listed_until).where(CreditListing.case_id == case_id)).one()  # type: ignore[attr-defined]


def test_a_bureaus_overlay_sets_the_listings_days(engine: Engine, tmp_path: Path, settings: Settings,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The credit domain repeated the declared terms' amounts as constants (one year, six months): a bureau's overlay
    changing the clocks changed the case's clocks but not the listing's last day, its repair day nor the hook's
    refusal. Chengdu's overlay here (two years, three months) sets them all; an area without one keeps the shipped
    terms, for a listing entered without a procedure too."""
    from zhichan.credit.service import install, record_listing, repair_days
    from zhichan.platform.models import Organization, OrgKind
    from zhichan.procedures.declaration import ProcedureRegistry
    from zhichan.settings import get_settings

    folder = tmp_path / "procedures"
    folder.mkdir()
    (folder / "credit.listing.510100.yaml").write_text(
        "procedure: credit.listing\njurisdiction: '510100'\nbased_on: default\nclocks:\n"
        "  term: {title: {zh: 管理期限, en: Term of the measures}, amount: 2, unit: year, waits: true, basis: 成都示例规定}\n"
        "  repair_wait: {title: {zh: 申请信用修复前须满的期限, en: Wait before credit repair}, amount: 3, unit: month, "
        "waits: true, basis: 成都示例规定}\n", encoding="utf-8")
    monkeypatch.setenv("ZHICHAN_PROCEDURE_DIR", str(folder))
    get_settings.cache_clear()
    world = build_world(engine, tmp_path / "files", SigningKey.generate(), ProcedureRegistry.load(folder))
    install(world.service)
    case = notified_and_decided(world)  # decided in Wuhou District, Chengdu, on 14 October 2025
    act(world, "wuhou_officer", case, "publish", D(2025, 10, 15))
    row = listing(world, case["id"])
    assert (row.listed_from, row.listed_until) == (D(2025, 10, 14), D(2027, 10, 14))  # two years, not one
    from zhichan.procedures.models import Notice
    with session_scope(world.engine) as s:  # the decision's notice says the overlay's term (it said 一年 as fixed text)
        told = [(n.text_zh, n.text_en) for n in s.scalars(select(Notice).where(Notice.case_id == case["id"]))]
    assert ("本局已决定将您列入严重违法失信名单，管理期限2年", "You have been listed; the measures last 2 years") in told
    with session_scope(world.engine) as s:
        assert repair_days(s, [row]) == {row.id: D(2026, 1, 15)}  # three months run to 14 January
        assert active_listing(s, name="成都示例科技有限公司", on=D(2027, 10, 14)) is not None
    measures = {"measures": "已撤回全部非正常申请并完成整改"}
    with pytest.raises(FormError) as early:
        act(world, "ent_user", case, "request_repair", D(2026, 1, 14), measures)
    assert "2026-01-15 起方可办理" in early.value.errors["_clock"]
    act(world, "ent_user", case, "request_repair", D(2026, 1, 15), measures)
    with session_scope(world.engine) as s:
        orgs = {o.region_code: o for o in s.scalars(select(Organization).where(Organization.kind == OrgKind.COUNTY))}
        entered = {region: record_listing(s, subject=f"录入主体{region}", ground="other", decision_number=f"信〔2026〕{region}",
                                          listed_from=D(2026, 3, 2), org_id=orgs[region].id, org_path=orgs[region].path,
                                          region_code=region) for region in ("510107", "330106")}
        assert {r: e.listed_until for r, e in entered.items()} == {"510107": D(2028, 3, 2), "330106": D(2027, 3, 2)}
        assert repair_days(s, list(entered.values())) == {entered["510107"].id: D(2026, 6, 3),
                                                          entered["330106"].id: D(2026, 9, 3)}
