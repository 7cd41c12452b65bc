"""The demo path a newcomer runs: synthetic corpus + the real sample + the search index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zhichan.demo import build_demo_corpus, made_counts, names_notice
from zhichan.settings import Settings, get_settings


def test_a_demo_corpus_from_before_the_names_rule_is_said_to_keep_its_names() -> None:
    """The demo does not rename an existing corpus (its records are what the demo's records point at): it says so,
    and how to get the new names."""
    from types import SimpleNamespace

    old = SimpleNamespace(generator={"n_patents": 20_000, "seed": 20261121})  # the block an older release wrote
    notice = names_notice(old)  # type: ignore[arg-type]
    assert notice is not None and "北京大学" in notice and "ZHICHAN_DATA_DIR" in notice and "not renamed" in notice
    assert names_notice(SimpleNamespace(generator=None)) is None  # type: ignore[arg-type]  # real data: nothing to say


def test_what_a_demo_seed_made_is_one_readable_line() -> None:
    assert made_counts({"listings": 1200, "skipped": 0, "auctions_running": 1}) == \
        "挂牌 listings 1,200, 进行中的竞价 auctions running 1"
    assert made_counts({"listings": 0}) == made_counts(None) == "已有，未新增 / already there, nothing added"


def test_the_demo_signs_in_each_kind_of_user_with_the_administrators_password(tmp_path: Path) -> None:
    from sqlalchemy import select

    from zhichan.demo import PERSONAS, ensure_demo_personas
    from zhichan.platform.accounts import authenticate, create_user
    from zhichan.platform.db import make_engine, session_scope, upgrade
    from zhichan.platform.models import Organization, OrgKind, Role, User
    from zhichan.platform.orgs import create_org, seed_demo_tree

    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    upgrade(engine)
    with session_scope(engine) as s:
        nation = seed_demo_tree(s)
        bank = create_org(s, "（合成）演示银行", OrgKind.BANK, "510100", nation)
        create_user(s, username="demo_bank_1", password="Bank-demo-pw-1", role=Role.BANK_USER, org=bank)
    made = ensure_demo_personas(engine, "Demo-admin-pw-7")
    by_name = {row[0]: row for row in made}
    # no exchange demo here: the enterprise, buyer, seller and university personas have no organization to join and are left out
    assert set(by_name) == {p[0] for p in PERSONAS} - {"demo_enterprise", "demo_buyer", "demo_seller", "demo_university",
                                                       "demo_university_head"}
    # the demo's bureaus are named in both languages; a page shows the half of its own
    assert by_name["demo_district"][2] == "武侯区知识产权局 / Wuhou District Intellectual Property Administration"
    assert by_name["demo_bank"][2] == "（合成）演示银行"
    with session_scope(engine) as s:
        roles = {u.username: (u.role, s.get(Organization, u.org_id).region_code)  # type: ignore[union-attr]
                 for u in s.scalars(select(User).where(User.username.like("demo_%")))}
    assert roles["demo_leader"] == (Role.BUREAU_LEADER, "510100") and roles["demo_analyst"][1] == "510000"
    # the province's officer recommends (令85号, office: province), its leader approves the upper level's extension
    # (81号令 第三十七条: roles [bureau_leader], office: above) — the demo had nobody to take either step
    assert roles["demo_province"] == (Role.CASE_OFFICER, "510000")
    assert roles["demo_province_leader"] == (Role.BUREAU_LEADER, "510000")
    with session_scope(engine) as s:
        assert authenticate(s, "demo_officer", "Demo-admin-pw-7", "127.0.0.1").role == Role.CASE_OFFICER
    assert ensure_demo_personas(engine, "another-Pw-99") == made  # once: a second run changes nothing
    with session_scope(engine) as s:
        assert authenticate(s, "demo_district", "Demo-admin-pw-7", "127.0.0.1").username == "demo_district"
    engine.dispose()


def test_an_older_demo_folders_organizations_get_their_english_names(engine) -> None:  # type: ignore[no-untyped-def]
    """A demo folder made before its organizations had English names keeps Chinese-only names (the seeds make an
    organization once): the demo setup names them — bureaus, banks, generated enterprises and universities — and
    keeps every name someone entered or changed."""
    from sqlalchemy import select, update

    from zhichan.demo import name_demo_organizations
    from zhichan.finance.demo import BANKS
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, OrgKind
    from zhichan.platform.orgs import create_org, seed_demo_tree

    with session_scope(engine) as s:
        nation = seed_demo_tree(s)
        city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        create_org(s, BANKS[0], OrgKind.BANK, "510100", city)
        for name, key in (("成都瑞博理工大学", "p1"), ("成都威海生物医药集团有限公司", "p2"), ("成都理工大学", "p3"),
                          ("成都自填科技有限公司", "p4")):
            create_org(s, name, OrgKind.ENTERPRISE, "510107", city, party_key=key)
        create_org(s, "成都华瑞科技有限公司", OrgKind.ENTERPRISE, "510107", city, party_key="p5",
                   name_en="Entered By Hand Ltd.")
        # as an older release left them: no English names; one bureau renamed by its administrator
        s.execute(update(Organization).where(Organization.name_en != "Entered By Hand Ltd.").values(name_en=None))
        s.execute(update(Organization).where(Organization.region_code == "510104").values(name="锦江区市场监管局"))
        assert nation.id
    with session_scope(engine) as s:
        assert name_demo_organizations(s, synthetic=True) == {"bureaus": 11, "banks": 1, "enterprises": 2}
    with session_scope(engine) as s:
        names = {o.name: o.name_en for o in s.scalars(select(Organization))}
    assert names["武侯区知识产权局"] == "Wuhou District Intellectual Property Administration"
    assert names["国家知识产权局（演示）"] == "China National Intellectual Property Administration (demo)" and names[BANKS[0]] == "Rongcheng Sci-Tech Bank"
    assert names["成都瑞博理工大学"] == "Chengdu Ruibo Science and Technology University"
    assert names["成都威海生物医药集团有限公司"] == "Chengdu Weihai Biomedicine Group Co., Ltd."
    # kept: a name entered by hand, a bureau renamed, a real university's plain form and a name the generator does
    # not make
    assert names["成都华瑞科技有限公司"] == "Entered By Hand Ltd." and names["锦江区市场监管局"] is None
    assert names["成都理工大学"] is None and names["成都自填科技有限公司"] is None
    with session_scope(engine) as s:  # once: a second run names nothing
        assert name_demo_organizations(s, synthetic=True) == {"bureaus": 0, "banks": 0, "enterprises": 0}


def test_a_small_demo_holds_every_demo_account_the_readme_promises(settings: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``zhichan demo --patents 2000 --no-serve`` (the smallest it makes) makes the demo corpus (synthetic and real
    records, searchable, reused by a second run) and the demo accounts the README lists, each
    signing in with the administrator's password (only the serving path made them: a bureau running ``demo --no-serve``
    then ``serve`` had none but ``admin``), then each README sentence on a demo account
    checked against what its account sees: demo_enterprise a Chengdu enterprise with listings and auctions (it was
    南通信方测控 at 3,000 patents), demo_district 武侯区's officer with the district's protection cases and to-dos (none
    at 3,000), demo_buyer the buyer of the sold auction's deal, demo_bank a bank with a registration and an application
    awaiting its confirmation, demo_university an office with its inventory, gradings to approve and a listing; the
    exchange demo makes the 12 enterprises it asks for (3 at 20,000), and no enterprise is made twice (the finance
    demo keyed it by its raw name, the exchange demo by the normalized one)."""
    import datetime as dt
    import re

    from sqlalchemy import func, select

    from zhichan.corpus.parties import normalize_name
    from zhichan.corpus.store import CorpusStore
    from zhichan.dataip.service import DataIPService
    from zhichan.demo import PERSONAS, demo
    from zhichan.errors import NotFoundError
    from zhichan.exchange.models import Auction, DormantPatent, Listing, OpenLicence, OpenLicenceGrant
    from zhichan.finance.models import Pledge, PledgedRight
    from zhichan.indicators.service import data_as_of
    from zhichan.legaltime import china_today
    from zhichan.platform.accounts import verify_password
    from zhichan.platform.db import make_engine, session_scope
    from zhichan.platform.models import Organization, OrgKind, User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.models import Case
    from zhichan.search.service import search
    from zhichan.web.app import procedure_service

    monkeypatch.setenv("ZHICHAN_ADMIN_PASSWORD", "Chengdu-pw-2026x")
    get_settings.cache_clear()
    demo(patents=2000, serve=False)
    # the demo corpus (once the 1,500-patent corpus of a test of its own: one corpus generated and indexed less): the
    # synthetic patents and the 10 real records of the commercial-export sample, labelled, searchable, made once
    corpus = CorpusStore(settings.corpus_dir).current()
    by_origin = dict(corpus.connect().execute("SELECT synthetic, count(*) FROM patents GROUP BY 1").fetchall())
    assert by_origin == {True: 2000, False: 10}
    assert corpus.synthetic and corpus.manifest["synthetic_records"] > 2000  # patents + other tables
    hits = search('TI=无人机 AND PA=中科大数据研究院', snapshot=corpus)
    assert hits.total == 5  # 机载多功能盒, 巡检系统, 空气污染物溯源系统, 清除垃圾, 农作物监管
    assert build_demo_corpus(2000).id == corpus.id  # a second run reuses the corpus and the index
    assert names_notice(corpus) is None  # generated under the names' rule
    engine = make_engine(settings.effective_database_url)
    service = procedure_service(settings, engine)
    with session_scope(engine) as s:
        users = {u.username: u for u in s.scalars(select(User).where(
            User.username.in_(["admin", *(p[0] for p in PERSONAS)])))}
        assert set(users) == {"admin", *(p[0] for p in PERSONAS)}  # every account the README lists
        # each distinct hash verified once (the accounts share one: argon2 costs 0.2–0.3 CPU-s a check by design)
        assert all(verify_password(h, "Chengdu-pw-2026x") for h in {u.password_hash for u in users.values()})

        def persona(name: str) -> tuple[Organization, int]:
            user = s.scalar(select(User).where(User.username == name))
            assert user is not None
            org = s.get(Organization, user.org_id)
            assert org is not None
            return org, int(service.todo(s, scope_for_user(s, user))["total"])

        def count(*where: object, model: object = Case) -> int:
            return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]

        enterprise, _ = persona("demo_enterprise")
        assert enterprise.kind == OrgKind.ENTERPRISE and enterprise.region_code.startswith("5101")
        listings = select(Listing.id).where(Listing.org_id == enterprise.id)
        assert count(Listing.org_id == enterprise.id, model=Listing) >= 1
        assert count(Auction.listing_id.in_(listings), model=Auction) >= 1

        district, todo = persona("demo_district")
        assert district.region_code == "510107"
        assert count(Case.org_id == district.id, Case.procedure.startswith("protection.")) >= 1 and todo >= 1

        buyer, _ = persona("demo_buyer")
        assert count(Case.counterparty_org_id == buyer.id, Case.procedure == "exchange.deal") == 1
        # the deal's seller signs in too (the deal awaited a contract nobody could sign): the deal is on its to-do list
        seller, todo = persona("demo_seller")
        assert count(Case.counterparty_org_id == buyer.id, Case.procedure == "exchange.deal",
                     Case.party_key == seller.party_key) == 1 and todo >= 1
        # nothing the demo makes stands stuck on another of its records: no auctioned patent under a published open
        # licence (its deal's transfer would wait for the licence's withdrawal), no open licence on a pledged patent
        licensed = select(OpenLicence.application_number).where(OpenLicence.state == "published")
        # the hall's open-licence catalogue and its licences formed: declarations published and one taken and recorded
        # (README: the enterprises "take and record an open licence"; the demo chose patents the corpus had pledged
        # and made none)
        assert count(OpenLicence.state == "published", model=OpenLicence) >= 1
        assert count(OpenLicenceGrant.recorded_on.is_not(None), model=OpenLicenceGrant) == 1
        assert count(Listing.asset_number.in_(licensed), Listing.id.in_(select(Auction.listing_id)), model=Listing) == 0
        assert count(PledgedRight.number.in_(licensed), model=PledgedRight) == 0, \
            s.scalars(select(PledgedRight.number).where(PledgedRight.number.in_(licensed))).all()

        bank, todo = persona("demo_bank")
        assert count(Pledge.pledgee_org_id == bank.id, Pledge.status == "registered", model=Pledge) >= 1
        assert count(Pledge.pledgee_org_id == bank.id, Pledge.status == "applied", model=Pledge) == 1 and todo >= 1
        # the registrations spread from January of the year before the corpus's last one up to today, some this year (all on the corpus's last day made
        # the year's pledge financing the whole of it: 同比 +20,000 %; up to that day only, this year's register read
        # 0 — a refused right is filed again on it); the applications in progress filed today, their clocks running
        # now (a cure period that had ended a year before read overdue)
        data_end = data_as_of(CorpusStore(settings.corpus_dir).current())
        registered = s.scalars(select(Pledge.registered_on).where(Pledge.status == "registered")).all()
        assert registered and all(d is not None and dt.date(data_end.year - 1, 1, 1) <= d <= china_today()
                                  for d in registered)
        assert sum(d is not None and d.year == china_today().year for d in registered) >= 1
        open_cases = s.scalars(select(Case.next_due).join(Pledge, Pledge.case_id == Case.id).where(
            Pledge.status != "registered")).all()
        assert len(open_cases) == 2 and all(due >= china_today() for due in open_cases), open_cases

        # a subsidy programme of its city still takes applications (the demo's one round was concluded: an enterprise
        # trying "apply for a subsidy" found nothing open), and demo_enterprise's application is taken
        from zhichan.services import subsidies

        open_now = [code for code, p in subsidies.programmes().items()
                    if enterprise.region_code.startswith(p.region[:4]) and subsidies.round_state(s, code) is None]
        assert open_now
        applied = subsidies.apply(s, scope_for_user(s, users["demo_enterprise"]), CorpusStore(settings.corpus_dir).current(),
                                  open_now[0])
        assert applied.id is not None

        university, todo = persona("demo_university")
        assert count(DormantPatent.org_id == university.id, model=DormantPatent) >= 1 and todo >= 1
        assert count(Listing.org_id == university.id, model=Listing) >= 1
        # not a Chengdu university at 2,000 patents (its one holds a single dormant patent: the demo says so, below; at
        # 20,000 成都聚峰大学), and its head, who approves after the college's review
        assert not university.region_code.startswith("5101")
        head, todo = persona("demo_university_head")
        assert head.id == university.id and todo >= 1

        # the data-IP registration: the demo enterprise's, under notice, its register step held for the city's officer
        # until the day after the notice (可于 … 起办理) — the demo had no data-IP case, so no account showed one
        notices = DataIPService(service).under_notice()
        assert [n["applicant"] for n in notices] == [enterprise.name]
        assert notices[0]["synthetic"] and "合成" not in notices[0]["data_name"]  # the flag, not a mark in the name
        case = s.get(Case, notices[0]["case_id"])
        assert case is not None and case.synthetic and case.party_key == enterprise.party_key
        user = s.scalar(select(User).where(User.username == "demo_officer"))
        held = service.case(s, scope_for_user(s, user), case.id)["held"]  # type: ignore[arg-type]
        assert "register" in {w.spec.event for w in held}
        assert all(w.day > china_today() for w in held)

        # the province's accounts see their cities' cases, not another province's (a Zhejiang recommendation: 404)
        zhejiang = s.scalar(select(Case.id).where(Case.region_code.startswith("33")).limit(1))
        assert zhejiang is not None
        for name in ("demo_province", "demo_province_leader"):
            user = s.scalar(select(User).where(User.username == name))
            with pytest.raises(NotFoundError):
                service.case(s, scope_for_user(s, user), zhejiang)  # type: ignore[arg-type]

        accounts = s.scalars(select(User.username).where(User.username.startswith("exchange_demo_"))).all()
        assert len([a for a in accounts if re.fullmatch(r"exchange_demo_\d\d", a)]) == 12
        names = [normalize_name(n) for n in s.scalars(select(Organization.name).where(
            Organization.kind == OrgKind.ENTERPRISE))]
        assert names and len(names) == len(set(names))  # one organization per enterprise
    engine.dispose()
    from zhichan.demo import check_personas, high_value_inventions
    from zhichan.platform.orgs import DEMO_CITY
    from zhichan.reference import children

    snapshot = CorpusStore(settings.corpus_dir).current()
    # what the demo prints: every account holds what the README says, but at 2,000 patents the university's city
    assert check_personas(snapshot) == ["demo_university：不是成都的高校（语料中成都的高校都没有 3 件存量专利） / demo_university: "
                                        "not a Chengdu university (none in the corpus holds 3 dormant patents)"]
    # every county the cockpit of the demo city links to, and every persona's: high-value inventions (武侯区 had 0.00)
    counties = sorted({c for c in children(DEMO_CITY) if len(c) == 6} | {p[2] for p in PERSONAS if p[2][4:] not in
                                                                          ("", "00") and p[2].isdigit()})
    assert len(counties) == 20 and "510107" in counties
    figures = high_value_inventions(snapshot, counties)
    assert all(figures[c] > 0 for c in counties), figures


def test_a_demo_corpus_too_small_for_the_demo_accounts_is_refused_saying_why(settings: Settings) -> None:
    from zhichan.corpus.store import CorpusStore
    from zhichan.demo import MIN_DEMO_PATENTS, demo
    from zhichan.errors import InputError

    with pytest.raises(InputError) as refused:
        demo(patents=MIN_DEMO_PATENTS - 1, serve=False)
    assert "demo_enterprise" in refused.value.message and "至少需要 2,000 件" in refused.value.message
    assert CorpusStore().current_id() is None  # refused before anything was generated


def test_the_demo_says_what_it_lacks_and_why_the_exchange_made_fewer_enterprises(engine) -> None:  # type: ignore[no-untyped-def]
    """An empty demo tree lacks every organization a persona needs, and says so in both languages; the exchange's
    line says why it made fewer enterprises than it asked for."""
    from zhichan.demo import exchange_counts, persona_shortfalls
    from zhichan.evidence.keys import SigningKey
    from zhichan.evidence.service import EvidenceService
    from zhichan.platform.db import session_scope
    from zhichan.platform.orgs import seed_demo_tree
    from zhichan.procedures.declaration import ProcedureRegistry
    from zhichan.procedures.service import ProcedureService

    service = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "t"),
                               Path("/nonexistent"))
    with session_scope(engine) as s:
        seed_demo_tree(s)
        short = persona_shortfalls(s, service)
    # the README's exchange promise and the open subsidy round: none made in an empty tree, the example programme
    # open until a round of it is concluded
    assert "交易大厅：没有公布的开放许可 / exchange: no published open licence" in short
    assert "交易大厅：没有实施并备案的开放许可 / exchange: no open licence taken and recorded" in short
    assert not any(line.startswith("资助") for line in short)
    with session_scope(engine) as s:
        conclude_round(s, "SUB-2026-02")
        short = persona_shortfalls(s, service)
    assert "资助：SUB-2026-02 评审已结束，不再受理申请 / subsidies: SUB-2026-02's round is concluded, it takes no " \
           "application" in short
    assert "demo_district：本区没有保护案件、待办为空、本区没有因缺席或法院驳回司法确认而结案的案件 / demo_district: no " \
           "protection cases of the district, an empty to-do list, no case closed by an absence or by the court's refusal " \
           "of a judicial confirmation" in short
    assert "demo_enterprise：演示未生成其机构 / demo_enterprise: the demo made no organization for it" in short
    assert not any(line.startswith(("demo_leader", "demo_officer", "demo_window", "demo_analyst")) for line in short)
    assert "demo_province：待办中没有待出具推荐函的优先审查申请 / demo_province: no priority-examination application " \
           "awaiting its recommendation on its to-do list" in short
    assert "demo_province_leader：待办中没有报请上级批准再延长结案期限的纠纷案件 / demo_province_leader: no dispute whose " \
           "further extension the handling office asked for on its to-do list" in short
    line = exchange_counts({"enterprises": 3, "listings": 3, "enterprises_wanted": 12})
    assert line.startswith("企业 enterprises 3, 挂牌 listings 3; 只有 3 家企业（共需 12 家）") and "only 3 of 12" in line
    assert exchange_counts({"enterprises": 12, "enterprises_wanted": 12}) == "企业 enterprises 12"


def conclude_round(s: Any, programme: str) -> None:
    """A concluded round of ``programme`` with one application (the rows the round's steps leave)."""
    import datetime as dt
    from decimal import Decimal

    from sqlalchemy import select

    from zhichan.platform.models import Organization
    from zhichan.procedures.models import Case
    from zhichan.services.models import SubsidyApplication, SubsidyAward

    city = s.scalar(select(Organization).where(Organization.region_code == "510100").order_by(Organization.id).limit(1))
    now = dt.datetime(2026, 11, 2, 2, 0)
    case = Case(procedure="services.subsidy_round", jurisdiction="default", revision=1, title="资助评审", number="R-1",
                state="concluded", org_id=city.id, org_path=city.path, region_code="510100", fields="{}", version=1,
                is_open=False, created_at=now, updated_at=now)
    application = SubsidyApplication(programme=programme, applicant="某企业", applicant_key="某企业", org_id=city.id,
                                     org_path=city.path, region_code="510100", applied_at=now, eligible=True,
                                     measures="{}", requested_yuan=Decimal("3000.00"), reasons="[]")
    s.add_all([case, application])
    s.flush()
    s.add(SubsidyAward(round_case_id=case.id, application_id=application.id, programme=programme, seq=1,
                       requested_yuan=Decimal("3000.00"), awarded_yuan=Decimal("3000.00"), reason=""))


def test_a_corpus_party_is_one_organization_whichever_demo_makes_it(engine) -> None:  # type: ignore[no-untyped-def]
    """The finance demo keyed an enterprise by its raw name and the exchange demo by its normalized one, so a name the
    normalization changes (有限责任公司 → 有限公司) became two organizations: both now find it through one function."""
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, OrgKind
    from zhichan.platform.orgs import party_organization, seed_demo_tree

    with session_scope(engine) as s:
        seed_demo_tree(s)
        first, made = party_organization(s, "成都新嘉集成电路有限责任公司", "510107")
        again, made_again = party_organization(s, "成都新嘉集成电路有限公司 ", "510183")
        assert made and not made_again and again.id == first.id
        assert first.party_key == "成都新嘉集成电路有限公司"
        parent = s.get(Organization, first.parent_id)
        assert parent is not None and parent.region_code == "510107"  # under its county's bureau
        far, _ = party_organization(s, "广州某某科技有限公司", "440106")  # outside the demo tree: under the root
        assert s.get(Organization, far.parent_id).kind == OrgKind.NATION  # type: ignore[union-attr]
    with session_scope(engine) as s:
        assert len(s.scalars(select(Organization).where(Organization.kind == OrgKind.ENTERPRISE)).all()) == 2
