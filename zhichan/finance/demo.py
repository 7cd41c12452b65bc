"""Synthetic finance demo data for ``zhichan demo`` — every row labelled synthetic.

Calibrated to the seeds' scale for one city: Tai'an registered 134 pledges covering 1,023 patents in
three quarters of 2023 (about 7.6 patents per registration, 1.006 billion yuan, ~7.5 million each);
here ``registrations`` (default 30) pledges of the demo city's enterprises, 1–15 patents each, amounts
drawn around that median. Each goes through the real procedure (filed by a demo enterprise user,
confirmed by a demo bank user, registered by a demo officer), so every check runs — but for the second and
third, left in progress so that the bank, the officers and the window each have a step to take; the pledges and their
cases are flagged synthetic and the registered ones written into the corpus events (synthetic there too). The shipped funds get
a synthetic deposit and a few synthetic loans, one defaulted with its claim approved and paid, each filed with the
bureau of its fund's area and lent by a demo bank there (the demo city has no fund).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from zhichan.corpus.generator.english import english_name
from zhichan.corpus.parties import normalize_name
from zhichan.corpus.rights import rights_on
from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.errors import ZhichanError
from zhichan.finance import funds as fund_rules
from zhichan.finance import whitelist
from zhichan.finance.export import export_events
from zhichan.finance.models import Loan, Pledge
from zhichan.finance.service import PROCEDURE, PledgeRules
from zhichan.indicators.service import data_as_of
from zhichan.legaltime import china_date, china_today, utcnow
from zhichan.legaltime.periods import add_months, add_years
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import DEMO_CITY, create_org, demo_bureau, party_organization, scope_for_user
from zhichan.platform.scope import region_prefix
from zhichan.procedures.models import Case
from zhichan.procedures.service import ProcedureService, Upload
from zhichan.protection.demo import placeholder

#: invented banks; their pledges are flagged synthetic and shown with the badge in the page's language, so the names
#: carry no mark of their own (a stored （合成） showed inside the name on English pages)
BANKS = ("蓉城科创银行", "天府知识产权银行", "锦城商业银行")
#: their English names (English pages show them)
BANKS_EN = ("Rongcheng Sci-Tech Bank", "Tianfu IP Bank", "Jincheng Commercial Bank")
MARK = "（合成）"


def _user(session: Session, username: str, role: Role, org: Organization) -> User:
    found = session.scalar(select(User).where(User.username == username))
    if found is not None:
        return found
    # demo accounts nobody signs in with: no password signs in to them (accounts.no_password)
    return create_user(session, username=username, password=None, role=role, org=org,
                       display_name=f"{MARK}演示账号 / synthetic demo account")


def _candidates(snapshot: Snapshot, limit: int) -> list[tuple[str, str, list[str]]]:
    """Enterprises of the demo city holding granted inventions with no recorded pledge, and those patents, the most
    first; then, for a small corpus whose demo city has few of them, those holding only granted utility models (the
    newest, in their 10-year term for a few years more) — a utility model is pledged like an invention."""
    today = china_today()
    con = snapshot.reader()
    try:
        rows = con.execute("""
            SELECT first_patentee, any_value(region_code),
                   list(application_number ORDER BY application_date DESC) FILTER (WHERE kind = 'invention'),
                   list(application_number ORDER BY application_date DESC) FILTER (WHERE kind = 'utility_model'
                                                                                   AND application_date > ?)
            FROM patents
            WHERE region_code LIKE ? AND kind IN ('invention', 'utility_model') AND legal_status = 'granted'
              AND first_patentee_type = 'enterprise' AND application_date > ?
              AND first_patentee = applicants[1]  -- its own filing: a patent's region is its applicant's
              AND application_number NOT IN (SELECT application_number FROM events WHERE event_type = 'pledge')
            GROUP BY first_patentee
            HAVING count(*) FILTER (WHERE kind = 'invention') > 0 OR count(*) FILTER (WHERE kind = 'utility_model'
                                                                                       AND application_date > ?) > 0
            ORDER BY count(*) FILTER (WHERE kind = 'invention') DESC, first_patentee LIMIT ?
        """, [add_years(today, -7), f"{DEMO_CITY[:4]}%", add_years(today, -17), add_years(today, -7), limit]).fetchall()
    finally:
        con.close()
    return [(r[0], r[1], list(r[2] or r[3])) for r in rows]


def seed_finance_demo(engine: Engine, service: ProcedureService, store: CorpusStore | None = None, *,
                      registrations: int = 30, seed: int = 7) -> dict[str, Any]:
    """Pledges, fund operations and the corpus events export for the demo; idempotent (does nothing twice)."""
    store = store or CorpusStore()
    snapshot = store.current_or_none()
    with session_scope(engine) as s:
        refile_demo_loans(s, fund_rules.load_funds())
        if snapshot is None or s.scalar(select(Pledge.id).where(Pledge.synthetic.is_(True)).limit(1)) is not None:
            return {"registrations": 0, "loans": 0}
        city = s.scalar(select(Organization).where(Organization.region_code == DEMO_CITY,
                                                   Organization.kind == OrgKind.CITY))
        if city is None:
            return {"registrations": 0, "loans": 0}
        banks = []
        for i, name in enumerate(BANKS):
            bank = s.scalar(select(Organization).where(Organization.name == name)) or create_org(
                s, name, OrgKind.BANK, DEMO_CITY, city, name_en=BANKS_EN[i])
            banks.append((bank.name, _user(s, f"demo_bank_{i + 1}", Role.BANK_USER, bank).id))
        officer = _user(s, "demo_finance_officer", Role.CASE_OFFICER, city).id
        parties = []
        pledgors: dict[int, str] = {}  # each filing's pledgor: its organization's name, as the filing names it
        for name, region, numbers in _candidates(snapshot, registrations):
            org, _ = party_organization(s, name, region or DEMO_CITY, name_en=english_name(name, region or DEMO_CITY))
            parties.append((_user(s, f"demo_ent_{org.id}", Role.ENTERPRISE_USER, org).id, numbers))
            pledgors[parties[-1][0]] = org.name
        parties = _split_for_stages(parties, 3)

    rules = PledgeRules(lambda: snapshot, service.evidence)
    service.add_hook(PROCEDURE, rules)
    rng = random.Random(seed)
    days = random.Random(seed + 1)  # the registrations' days: their own draws, the others' stay as they were
    # a registration is dated between January of the year before the corpus's last one and today (10:00 in China;
    # registration_months), the first one this year: the register's figures are the platform's, at today by default,
    # and a bureau reads this year's first — dated up to the corpus's last day only, they read 0 for the year a leader
    # opened the finance figures in; the corpus's pledge figures (its events, into which the registrations are
    # written) keep two years of them at its data end, or their 同比 read +1,500 %. The registered
    # pledges the export writes into the corpus events leave its data end (every corpus page's default as-of) where it
    # is (indicators.service.data_as_of counts imported records only). All on one day made the year's pledge financing
    # the whole of it (同比 +20,000 %). A right the checks refuse on the day drawn (a day after the corpus's last one
    # reads it as the corpus left it) is filed again on that last day. Applications still in progress are filed today,
    # so their clocks run now (a cure period that ended a year ago read overdue).
    today = china_today()
    data_end = min(data_as_of(snapshot), today)
    months = registration_months(data_end, today)
    now = utcnow()
    made = 0
    this_year = False  # a registration dated this year yet (the first ones are drawn in it until one is)

    def scope(user_id: int) -> Any:
        with Session(engine) as s:
            user = s.get(User, user_id)
            assert user is not None
            return scope_for_user(s, user)

    # the first registration is the first bank's (demo_bank's), and after it two applications stay in progress, so
    # that each demo persona finds a step of its own on its to-do list: one awaits the pledgee's confirmation (the
    # first bank's too), and in the other the bureau has asked for a cure, which the window receives before the
    # officers decide
    stages = ["registered", "applied", "cure_requested"]
    in_progress = 0
    for user_id, numbers in parties:
        rights = numbers[: rng.randint(1, min(15, len(numbers)))]
        bank_name, bank_user = rng.choice(banks)
        if stages and stages[0] in ("registered", "applied"):  # demo_bank's: a registration and an application
            bank_name, bank_user = banks[0]
        amount = Decimal(max(1, round(rng.lognormvariate(15.8, 0.8) / 10_000))) * 10_000  # median ≈ 7.3 million
        years = rng.choice((1, 2, 3))
        # the subject names what is pledged to whom, as a real filing's does (its first two fields) — not the
        # procedure's name, which the to-do list shows in its own column (and in the page's language)
        subject = f"{rights[0]}{f' +{len(rights) - 1}' if len(rights) > 1 else ''} · {bank_name}"
        in_progress_now = bool(stages) and stages[0] != "registered"
        # a right the checks refuse on the day drawn (granted or held since, or its annuity due after the corpus ends)
        # is filed again on the corpus's last day
        tries = [now] if in_progress_now else [_registration_moment(days, today, months=months, this_year=not this_year),
                                               _registration_moment(None, data_end)]
        case = None
        for when in tries:
            day = china_date(when)
            # the synthetic contract names every co-owner the corpus lists as consenting — the holders besides the
            # pledgor, who does not consent to its own pledge
            co_owners = sorted({h for r in rights_on(snapshot, rights, day).values() for h in r.holders
                                if normalize_name(h) != normalize_name(pledgors[user_id])})
            fields = {"rights": "\n".join(rights), "pledgee": bank_name, "debt_amount": str(amount),
                      "debt_start": day.isoformat(), "debt_end": add_years(day, years).isoformat(),
                      "guarantor": "", "co_owners_consenting": "\n".join(co_owners)}
            try:
                with session_scope(engine) as s:
                    case = service.start(s, scope(user_id), PROCEDURE, fields=fields, title=subject, now=when,
                                         uploads=(Upload("doc0", "申请表（合成）.pdf", placeholder("申请表 / application form")),
                                                  Upload("doc1", "合同（合成）.pdf", placeholder("质押合同 / pledge contract"))))
                    _synthetic(s, case["id"])
                break
            except ZhichanError:
                continue
        if case is None:
            continue  # a right the checks refuse (the demo corpus is synthetic too): the next enterprise
        stage = stages.pop(0) if stages else "registered"
        if stage == "applied":
            in_progress += 1
            continue
        with session_scope(engine) as s:
            service.act(s, scope(bank_user), case["id"], "confirm", version=1, fields={"invalidation_consent": "否"},
                        now=when)
        with session_scope(engine) as s:
            if stage == "cure_requested":
                service.act(s, scope(officer), case["id"], "request_cure", version=2, now=when,
                            fields={"items": f"{MARK}请补充质押合同的签字页",
                                    "cure_days": 15})
            elif stage == "registered":
                service.act(s, scope(officer), case["id"], "register", version=2, fields={}, now=when)
        if stage == "registered":
            made += 1
            this_year = this_year or day.year == today.year
        else:
            in_progress += 1
    _seed_whitelist(engine, snapshot, officer_id=officer, bank_name=banks[0][0], on=today)
    loans = _seed_funds(engine, rng=rng)
    with session_scope(engine) as s:
        exported = export_events(s, store)
    return {"registrations": made, "in_progress": in_progress, "loans": loans, "snapshot": exported["snapshot_id"]}


def registration_months(data_end: dt.date, today: dt.date) -> int:
    """The months the demo's registrations are spread over, up to ``today``'s: from January of the year before the
    corpus's last one — the corpus's pledge figures (its data end's year and its 同比) and the register's (this year's
    and its 同比) each have two years of them; 24 where the corpus ends this year."""
    return (today.year - data_end.year + 1) * 12 + today.month


def _registration_moment(days: random.Random | None, end: dt.date, *, months: int = 24,
                         this_year: bool = False) -> dt.datetime:
    """10:00 in China on a day within the ``months`` months up to ``end`` (``this_year``: within ``end``'s year up to
    it; ``days`` None: on ``end`` itself)."""
    day = end
    if days is not None:
        month = add_months(end, -days.randrange(end.month if this_year else months))
        day = min(month.replace(day=days.randint(1, 28)), end)
    return dt.datetime(day.year, day.month, day.day, 2)


def _split_for_stages(parties: list[tuple[int, list[str]]], stages: int) -> list[tuple[int, list[str]]]:
    """The filings, one per enterprise — but where the demo city has fewer enterprises than the demo's stages (a
    registration, an application awaiting the bank, one with a cure requested: a small corpus), the enterprise with the
    most patents files twice, on two halves of them, until there are as many filings as stages or no enterprise has
    two patents left to split."""
    parties = list(parties)
    while len(parties) < stages:
        k = max(range(len(parties)), key=lambda i: len(parties[i][1]), default=None)
        if k is None or len(parties[k][1]) < 2:
            break
        user_id, numbers = parties[k]
        half = len(numbers) // 2
        parties[k:k + 1] = [(user_id, numbers[:half]), (user_id, numbers[half:])]
    return parties


def _seed_whitelist(engine: Engine, snapshot: Snapshot, *, officer_id: int, bank_name: str, on: dt.date) -> None:
    """The city's whitelist of enterprises holding high-value inventions, built from the (synthetic) corpus as an
    officer builds it and pushed to the first bank, so that ``demo_bank`` has a list to read and answer."""
    with session_scope(engine) as s:
        officer = s.get(User, officer_id)
        bank = s.scalar(select(Organization).where(Organization.name == bank_name, Organization.kind == OrgKind.BANK))
        if officer is None or bank is None:
            return
        scope = scope_for_user(s, officer)
        row = whitelist.build(s, scope, snapshot, title="成都市高价值发明专利企业白名单", min_high_value=1, as_of=on)
        whitelist.push(s, scope, row.id, [bank.id])


def _synthetic(session: Session, case_id: int) -> None:
    """The demo's pledge and its case labelled synthetic (the register's badge; the case pages, the to-do lists and
    the case statistics read the engine's own flag)."""
    pledge = session.scalar(select(Pledge).where(Pledge.case_id == case_id))
    assert pledge is not None
    pledge.synthetic = True
    session.execute(update(Case).where(Case.id == case_id).values(synthetic=True))


def _fund_bank(session: Session, bureau: Organization) -> Organization:
    """The demo's lending bank of a fund's area (an invented ``重庆示范银行`` / ``Chongqing Demo Bank`` below that
    area's bureau, made once): a fund's loans are lent where the fund is, not by the demo city's banks."""
    from zhichan.reference import region_name

    # named after its city as the Chinese name is: without 市, and in English without the "City" the reference gives a
    # city without counties (中山示范银行 read "Zhongshan City Demo Bank")
    name = f"{region_name(bureau.region_code, 'zh').removesuffix('市')}示范银行"
    found = session.scalar(select(Organization).where(Organization.name == name, Organization.kind == OrgKind.BANK))
    return found or create_org(session, name, OrgKind.BANK, bureau.region_code, bureau,
                               name_en=f"{region_name(bureau.region_code, 'en').removesuffix(' City')} Demo Bank")


def refile_demo_loans(session: Session, funds: dict[str, fund_rules.FundRules]) -> int:
    """A demo folder made before the loans were filed where their fund is: each synthetic loan filed with a bureau
    outside its fund's jurisdiction (the demo city's, which has no fund) moves to that jurisdiction's bureau and its
    demo bank, as :func:`_seed_funds` now files them (the demo city's officers saw loans of funds they could not open,
    and the fund's own officers none). Nothing else changes — principal, claims, the ledger. The count moved."""
    moved = 0
    for loan in session.scalars(select(Loan).where(Loan.synthetic.is_(True)).order_by(Loan.id)):
        rules = funds.get(loan.fund_code)
        org = session.get(Organization, loan.org_id)
        if rules is None or org is None or org.region_code.startswith(region_prefix(rules.jurisdiction)):
            continue
        bureau = demo_bureau(session, rules.jurisdiction)
        loan.org_id, loan.org_path, loan.bank = bureau.id, bureau.path, _fund_bank(session, bureau).name
        moved += 1
    session.flush()
    return moved


def _seed_funds(engine: Engine, *, rng: random.Random) -> int:
    """A synthetic deposit and three synthetic loans per shipped fund, filed with the bureau of the fund's
    jurisdiction (:func:`~zhichan.platform.orgs.demo_bureau`, made where the demo tree has none) and lent by a demo bank
    of that area — the demo city has no fund of its own (none of its rules is at hand), so its officers and banks see
    none; one loan per fund defaulted, its claim approved and paid."""
    funds = fund_rules.load_funds()
    today = china_today()
    made = 0
    with session_scope(engine) as s:
        fund_rules.ensure_funds(s, funds)
        for code, rules in funds.items():
            if s.scalar(select(Loan.id).where(Loan.fund_code == code).limit(1)) is not None:
                continue
            bureau = demo_bureau(s, rules.jurisdiction)
            bank = _fund_bank(s, bureau)
            fund_rules.deposit(s, code, "20000000", memo=fund_rules.ledger_memo("demo_deposit"))
            for i in range(3):
                cap = rules.eligibility.max_loan or Decimal("10000000")
                principal = min(cap, Decimal(rng.randint(100, 800)) * 10_000)
                loan = fund_rules.enrol(
                    s, rules, borrower=f"{MARK}{rules.title.zh[:2]}示范企业{i + 1}", enterprise_type="small",
                    bank=bank.name, principal=principal,
                    fee_rate="0.012" if rules.eligibility.max_fee_rate else "", ip_collateral=principal,
                    collateral=principal, on=today, org_id=bureau.id, org_path=bureau.path)
                loan.synthetic = True
                made += 1
                if i == 0:
                    claim = fund_rules.claim(s, rules, loan, principal_loss=principal * Decimal("0.6"),
                                             interest_loss="0", on=today)
                    fund_rules.approve(s, rules, claim, today)
                    fund_rules.pay(s, code, claim.id)
    return made
