"""``zhichan demo``: the platform on embedded defaults with the demo corpus.

1. generate the synthetic corpus (labelled synthetic everywhere) unless a snapshot exists;
2. import the 10 real records of the commercial-export sample beside it (labelled real);
3. build the search index of the current snapshot;
4. seed synthetic finance records (pledge registrations through the real procedure, fund operations)
   and write the registrations into the corpus events (then index that snapshot);
5. generate synthetic complaints and protection cases through the real engine (once per database),
   the exchange's demo listings, needs and open licences, and the public services' applications,
   priority-examination recommendations, pre-examinations and a subsidy round;
6. print a summary, then start the web platform with a demo administrator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from zhichan.corpus.store import Snapshot

T = TypeVar("T")

console = Console()
SAMPLE = Path(__file__).resolve().parent / "corpus" / "samples" / "cn_commercial_export_10.csv"
SAMPLE_AS_OF = dt.date(2024, 6, 30)


def build_demo_corpus(patents: int | None = None, *, regenerate: bool = False) -> Snapshot:
    """Generate (if needed) the demo corpus, add the real sample, index it; return the snapshot."""
    from zhichan.corpus.importing import import_file
    from zhichan.corpus.store import CorpusStore
    from zhichan.progress import rich_progress
    from zhichan.settings import get_settings

    settings = get_settings()
    store = CorpusStore()
    if store.current_id() is None or regenerate:
        from zhichan.corpus.generator import generate

        n = patents or settings.demo_patents
        with rich_progress("生成合成演示语料 / generating the synthetic demo corpus", total=n) as progress:
            generate(n, settings.demo_seed, store=store, progress=progress)
        result = import_file(SAMPLE, store=store, as_of=SAMPLE_AS_OF)
        console.print(f"真实样例 / real sample: {result.summary()}")
    return ensure_index(store.current())


def ensure_index(snapshot: Snapshot) -> Snapshot:
    """Build the snapshot's search index unless it has one."""
    from zhichan.progress import rich_progress
    from zhichan.search.build import build_index
    from zhichan.search.layout import index_path

    if index_path(snapshot) is None:
        with rich_progress("建立检索索引 / building the search index", total=snapshot.counts.get("patents")) as progress:
            build_index(snapshot, progress=progress)
    return snapshot


def _with_workflow(seed: Callable[[Engine, Any], T]) -> T:
    """Run a domain's demo seed against the workflow database (migrated first) with the platform's
    procedure engine, as the app would build them."""
    from zhichan.platform.db import make_engine, upgrade
    from zhichan.settings import get_settings
    from zhichan.web.app import procedure_service

    settings = get_settings()
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        return seed(engine, procedure_service(settings, engine))
    finally:
        engine.dispose()


def build_demo_cases(snapshot: Snapshot, per_office: int = 30) -> dict[str, int] | None:
    """Synthetic complaints and protection cases (zhichan.protection.demo), once per workflow database:
    ``None`` when protection cases exist already."""
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.orgs import seed_demo_tree
    from zhichan.progress import rich_progress
    from zhichan.protection.demo import generate_cases, placeholder_generator
    from zhichan.protection.hooks import install
    from zhichan.protection.models import Complaint

    def seed(engine: Engine, service: Any) -> dict[str, int] | None:
        with session_scope(engine) as s:
            seed_demo_tree(s)
            if s.scalar(select(Complaint.id).limit(1)) is not None:
                return None
        install(service, lambda: snapshot, None, generator=placeholder_generator)
        with rich_progress("生成合成投诉与案件 / generating synthetic complaints and cases") as progress:
            return generate_cases(engine, service, snapshot, per_office=per_office, recent=max(2, per_office // 5),
                                  progress=progress)

    return _with_workflow(seed)


def seed_demo_workflow() -> None:
    from zhichan.finance.demo import seed_finance_demo
    from zhichan.platform.db import session_scope
    from zhichan.platform.orgs import seed_demo_tree

    def seed(engine: Engine, service: Any) -> dict[str, int]:
        with session_scope(engine) as session:
            seed_demo_tree(session)
        return seed_finance_demo(engine, service)

    made = _with_workflow(seed)
    if made["registrations"]:
        console.print(f"合成金融演示数据 / synthetic finance demo: {made['registrations']} 笔质押登记 / pledge "
                      f"registrations, {made['loans']} 笔入池贷款 / enrolled loans")


def seed_exchange_demo(snapshot: Snapshot) -> dict[str, int]:
    """Listings, needs and published open licences of demo enterprises (zhichan.exchange.demo; an
    enterprise seeded before is skipped, so a second run adds nothing)."""
    from zhichan.exchange.demo import seed

    return _with_workflow(lambda engine, service: seed(engine, snapshot, service))


def seed_services_demo(snapshot: Snapshot) -> dict[str, int] | None:
    """Synthetic service applications, priority-examination recommendations, pre-examinations and a subsidy
    round (zhichan.services.demo), once per database."""
    from zhichan.services.demo import seed

    return _with_workflow(lambda engine, service: seed(engine, snapshot, service))


def seed_credit_demo() -> int:
    """A synthetic listing on the public credit list, through the real procedure (zhichan.credit.demo), once per
    database."""
    from zhichan.credit.demo import seed

    return _with_workflow(seed)


def seed_talent_demo() -> int:
    """Synthetic people in the demo city's talent library (zhichan.talent.demo), once per database."""
    from zhichan.platform.db import session_scope
    from zhichan.platform.orgs import seed_demo_tree
    from zhichan.talent.demo import seed

    def run(engine: Engine, service: Any) -> int:
        with session_scope(engine) as s:
            seed_demo_tree(s)
            return seed(s)

    return _with_workflow(run)


def name_demo_organizations(session: Any, *, synthetic: bool) -> dict[str, int]:
    """English names for the organizations a demo made before they were given one (the seeds make an
    organization once and never touch it again, so a demo folder made before keeps its Chinese-only names): the
    bureaus of the demo tree (:func:`zhichan.platform.orgs.name_demo_tree_in_english`), the finance demo's banks, and
    — when the corpus is synthetic — each enterprise or university linked to a corpus party whose name the generator
    made (:func:`zhichan.corpus.generator.english.english_name`). Only an organization without an English name gets
    one: a name someone entered or changed, and every other record, is kept. The counts named."""
    from sqlalchemy import or_, select

    from zhichan.corpus.generator.english import english_name
    from zhichan.finance.demo import BANKS, BANKS_EN
    from zhichan.platform.models import Organization, OrgKind
    from zhichan.platform.orgs import name_demo_tree_in_english

    unnamed = or_(Organization.name_en.is_(None), Organization.name_en == "")
    made = {"bureaus": name_demo_tree_in_english(session), "banks": 0, "enterprises": 0}
    for org in session.scalars(select(Organization).where(Organization.kind == OrgKind.BANK, unnamed,
                                                          Organization.name.in_(BANKS))):
        org.name_en = BANKS_EN[BANKS.index(org.name)]
        made["banks"] += 1
    if synthetic:
        for org in session.scalars(select(Organization).where(Organization.kind == OrgKind.ENTERPRISE, unnamed,
                                                              Organization.party_key.is_not(None))):
            name_en = english_name(org.name, org.region_code)
            if name_en is not None:
                org.name_en = name_en
                made["enterprises"] += 1
    return made


def update_demo_names(snapshot: Snapshot) -> dict[str, int]:
    """:func:`name_demo_organizations` on the workflow database of this demo folder."""
    from zhichan.platform.db import session_scope

    def run(engine: Engine, _service: Any) -> dict[str, int]:
        with session_scope(engine) as s:
            return name_demo_organizations(s, synthetic=snapshot.synthetic)

    return _with_workflow(run)


#: the organization of the winning bidder of the demo's sold auction (the buyer of its deal)
DEAL_BUYER = "deal_buyer"
#: the demo's sign-in for each kind of user: (user name, role, where — a bureau's region code, the demo
#: account whose organization it joins, or DEAL_BUYER —, what to look at)
PERSONAS = (
    ("demo_leader", "bureau_leader", "510100", "成都市局领导：驾驶舱、规划目标、审批 / city bureau leader: cockpit, plan targets, approvals"),
    ("demo_officer", "case_officer", "510100", "成都市局办件人：金融登记、公共服务、辖区待办 / city case officer: pledges, services, the area's to-dos"),
    ("demo_district", "case_officer", "510107", "武侯区局办件人：本区保护案件与待办 / district case officer: the district's protection cases and to-dos"),
    ("demo_window", "window_staff", "510100", "成都市局窗口：受理申请 / city window staff: receiving applications"),
    ("demo_analyst", "analyst", "510000", "四川省局分析员：指标、导航、检索 / province analyst: indicators, navigation, search"),
    ("demo_enterprise", "enterprise_user", "exchange_demo_00", "企业：挂牌、竞价、需求、开放许可 / enterprise: listings, auctions, needs, open licences"),
    ("demo_bank", "bank_user", "demo_bank_1", "银行：质押登记、白名单 / bank: pledge registrations, whitelists"),
    ("demo_buyer", "enterprise_user", DEAL_BUYER, "竞得企业：确认成交合同 / winning bidder: confirms the sold auction's contract"),
    ("demo_university", "enterprise_user", "dormant_demo_00_office",
     "高校成果转化办公室：存量专利盘点、审批、挂牌 / university tech-transfer office: dormant-patent inventory, approvals, listing"),
)


def ensure_demo_personas(engine: Engine, password: str) -> list[tuple[str, str, str, str]]:
    """One account per kind of user of the demo, signing in with ``password`` (the demo administrator's), made
    once: (user name, role, organization, what to look at) of each made now or already there. A persona whose
    organization the demo has not made (no synthetic exchange or finance data) is left out."""
    from sqlalchemy import select

    from zhichan.platform.accounts import create_user, hash_password
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, OrgKind, User

    hashed = hash_password(password)
    shown = []
    with session_scope(engine) as s:
        for username, role, where, about in PERSONAS:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                if where.isdigit():
                    org = s.scalar(select(Organization).where(
                        Organization.region_code == where,
                        Organization.kind.in_((OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY))))
                elif where == DEAL_BUYER:
                    org = _deal_buyer(s)
                else:
                    member = s.scalar(select(User).where(User.username == where))
                    org = s.get(Organization, member.org_id) if member is not None and member.org_id else None
                if org is None:
                    continue
                user = create_user(s, username=username, password=password, password_hash=hashed, role=role, org=org,
                                   display_name=username)
            org = s.get(Organization, user.org_id)
            named = f"{org.name} / {org.name_en}" if org is not None and org.name_en else (org.name if org else "")
            shown.append((username, role, named, about))
    return shown


def _deal_buyer(s: Any) -> Any:
    """The organization of the winning bidder of the demo's first sold auction that opened a deal, or None."""
    from sqlalchemy import select

    from zhichan.exchange.models import Auction, Bid
    from zhichan.platform.models import Organization, User

    bidder = s.scalar(select(Bid.bidder_user_id).join(Auction, Auction.winner_bid_id == Bid.id)
                      .where(Auction.outcome == "sold", Auction.deal_case_id.is_not(None)).order_by(Auction.id).limit(1))
    user = s.get(User, bidder) if bidder is not None else None
    return s.get(Organization, user.org_id) if user is not None else None


def print_personas(personas: list[tuple[str, str, str, str]]) -> None:
    if personas:
        console.print("[bold]演示账号（密码同管理员） / demo accounts (the administrator's password):[/bold]")
    for username, role, org, about in personas:
        console.print(f"  [bold]{username}[/bold] ({role}, {org}) — {about}")


def made_counts(made: dict[str, int] | None) -> str:
    """What a demo seed made, as one line: ``listings 6, needs 6``; a seed that found its data already
    there says so."""
    shown = ", ".join(f"{name.replace('_', ' ')} {count:,}" for name, count in (made or {}).items() if count)
    return shown or "已有，未新增 / already there, nothing added"


def demo(
    patents: Annotated[int | None, typer.Option(help="演示语料规模 / demo corpus size")] = None,
    regenerate: Annotated[bool, typer.Option(help="重新生成语料 / regenerate even if a snapshot exists")] = False,
    serve: Annotated[bool, typer.Option(help="构建后启动网页平台 / start the web platform afterwards")] = True,
    cases: Annotated[int, typer.Option(help="每个区县的合成投诉数（0 不生成） / synthetic complaints per county office "
                                            "(0: none)")] = 30,
) -> None:
    """演示：生成并导入演示语料、建立索引、打印概况并启动平台 / Demo corpus, index, summary, then serve."""
    from zhichan.corpus.cli import print_summary
    from zhichan.corpus.store import CorpusStore

    snapshot = build_demo_corpus(patents, regenerate=regenerate)
    seed_demo_workflow()
    snapshot = ensure_index(CorpusStore().current())  # the finance seed wrote its pledges as events
    print_summary(snapshot)
    if cases:
        made = build_demo_cases(snapshot, cases)
        if made is not None:
            console.print(f"合成保护案件 / synthetic protection cases: {made['cases']}")
    if snapshot.synthetic:
        console.print(f"合成交易大厅数据 / synthetic exchange demo: {made_counts(seed_exchange_demo(snapshot))}")
        console.print(f"合成公共服务数据 / synthetic public-services demo: {made_counts(seed_services_demo(snapshot))}")
        console.print(f"合成人才库人员 / synthetic talent-library people: {seed_talent_demo()}")
        console.print(f"合成信用名单列入 / synthetic credit listings: {seed_credit_demo()}")
    # a demo folder made by an older release: its organizations' English names brought up to date
    console.print(f"补齐机构英文名称 / English names filled in: {made_counts(update_demo_names(snapshot))}")
    if serve:
        from zhichan.platform.db import make_engine
        from zhichan.settings import get_settings
        from zhichan.web.server import announce_demo_admin, run

        settings = get_settings()
        engine = make_engine(settings.effective_database_url)
        try:
            password = announce_demo_admin(engine, settings.admin_password)
            if password is not None:
                print_personas(ensure_demo_personas(engine, password))
        finally:
            engine.dispose()
        run(demo_admin=False)
