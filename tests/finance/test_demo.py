"""The finance demo data: pledges through the real procedure, fund operations — all labelled synthetic,
the pledges in the corpus events as synthetic too; a second run adds nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import func, select

from tests.procedures.helpers import PASSWORD, _password_hash
from zhichan.corpus.parties import normalize_name
from zhichan.corpus.store import CorpusStore
from zhichan.finance import funds as fund_rules
from zhichan.finance.demo import seed_finance_demo
from zhichan.finance.export import SOURCE
from zhichan.finance.models import Loan, Pledge
from zhichan.indicators.service import data_as_of
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import scope_for_user
from zhichan.procedures.models import Case
from zhichan.procedures.views import todo_view
from zhichan.settings import Settings
from zhichan.web.app import procedure_service
from zhichan.web.testing import make_env


def test_demo_finance_records_are_synthetic(settings: Settings, web_template: Path) -> None:
    env = make_env(settings, web_template, search_index=False)
    engine = env.engine
    try:
        store = CorpusStore(settings.corpus_dir)
        data_end = data_as_of(store.current())
        service = procedure_service(settings, engine)
        made = seed_finance_demo(engine, service, store, registrations=8)  # type: ignore[arg-type]
        assert made["registrations"] >= 1 and made["loans"] == 3 * len(fund_rules.load_funds())
        # the first application registered, the next two left in progress: here two of the city's enterprises pass,
        # and the one with more patents files twice, on two halves of them (three filings for the three stages)
        assert made["registrations"] + made["in_progress"] == 3 and made["in_progress"] == 2
        with session_scope(engine) as s:  # type: ignore[arg-type]
            assert s.scalar(select(func.count()).select_from(Pledge).where(Pledge.synthetic.is_(False))) == 0
            assert s.scalar(select(func.count()).select_from(Case).where(Case.synthetic.is_(False))) == 0
            # labelled by the flag (a badge in the page's language), not inside the stored names and titles
            banks = s.scalars(select(Organization).where(Organization.kind == OrgKind.BANK)).all()
            assert banks and all("合成" not in b.name and "ynthetic" not in (b.name_en or "") for b in banks)
            assert all("合成" not in t for t in s.scalars(select(Case.title)))
            # what the officer typed reads as an officer types it, in one language (the cure notice's items showed
            # "… / synthetic: …" on both pages)
            from zhichan.procedures.models import Step

            typed = [json.loads(f).get("items", "") for f in s.scalars(select(Step.fields).where(Step.event == "request_cure"))]
            assert typed and all(" / " not in t and t.startswith("（合成）") for t in typed), typed
            # each filing's application form and contract are two documents (one file for both gave them one SM3), and
            # its consenting co-owners are the holders besides the pledgor (it listed itself among them)
            filings = s.execute(select(Step.documents, Step.fields, Pledge.pledgor).join(
                Pledge, Pledge.case_id == Step.case_id).where(Step.event == "start")).all()
            assert filings
            for documents, fields, pledgor in filings:
                digests = [d["sm3"] for d in json.loads(documents)]
                assert len(digests) == len(set(digests)) == 2, digests
                consenting = json.loads(fields).get("co_owners_consenting", "").splitlines()
                assert normalize_name(pledgor) not in {normalize_name(n) for n in consenting}, (pledgor, consenting)
            # the bank finds the confirmation it is to give on its to-do list; nothing awaits the officers yet
            city = s.scalar(select(Organization).where(Organization.region_code == "510100",
                                                       Organization.kind == OrgKind.CITY))
            window = create_user(s, username="finance_demo_window", password=PASSWORD, role=Role.WINDOW_STAFF, org=city,
                                 password_hash=_password_hash())
            states = {}
            for user in (s.scalar(select(User).where(User.username == "demo_bank_1")),
                         s.scalar(select(User).where(User.username == "demo_finance_officer")), window):
                items = todo_view(service, s, scope_for_user(s, user), "en")["items"]
                states[user.username] = sorted(i["state"] for i in items)
                assert all(i["synthetic"] for i in items)
                # the subject names the pledged right and the pledgee (the English to-do list showed 质押登记, the
                # procedure's Chinese name, in its subject column)
                assert all(re.search(r"CN\d{12}\.[\dX] .*· ", i["title"]) and "质押登记" not in i["title"]
                           for i in items)
        assert states == {"demo_bank_1": ["Awaiting the pledgee's confirmation"], "demo_finance_officer": [],
                          "finance_demo_window": []}
        with session_scope(engine) as s:  # type: ignore[arg-type]
            # the first bank has the city's whitelist to read (pushed by the demo officer); another bank has none
            from zhichan.finance import whitelist

            for username, count in (("demo_bank_1", 1), ("demo_bank_2", 0)):
                bank_user = s.scalar(select(User).where(User.username == username))
                lists = whitelist.lists(s, scope_for_user(s, bank_user))
                assert len(lists) == count, username
        _loans_filed_where_their_funds_are(engine)
        with session_scope(engine) as s:  # type: ignore[arg-type]
            assert s.scalar(select(func.count()).select_from(Pledge).where(Pledge.status == "registered")) == made[
                "registrations"]
            assert s.scalar(select(func.count()).select_from(Loan).where(Loan.synthetic.is_(False))) == 0
            for code in fund_rules.load_funds():
                assert fund_rules.verify_ledger(s, code)[0]
        con = store.current().connect()
        try:
            rows = con.execute("SELECT synthetic, count(*) FROM events WHERE source = ? GROUP BY 1", [SOURCE]).fetchall()
        finally:
            con.close()
        assert rows and all(synthetic for synthetic, _ in rows)
        # the register's figures are at today (the platform's data end): a registration this year, none after today,
        # and the whitelist built today, as an officer builds one — a leader read 0 for the year in every one of them;
        # the pledges exported into the corpus events leave its data end (every corpus page's default as-of) put
        from zhichan.finance.models import Whitelist
        from zhichan.legaltime import china_today

        today = china_today()
        with session_scope(engine) as s:  # type: ignore[arg-type]
            registered = s.scalars(select(Pledge.registered_on).where(Pledge.status == "registered")).all()
            assert registered and all(d is not None and d <= today for d in registered), registered
            assert any(d is not None and d.year == today.year for d in registered), registered
            assert s.scalars(select(Whitelist.as_of)).all() == [today]
        assert data_as_of(store.current()) == data_end
        assert seed_finance_demo(engine, service, store)["registrations"] == 0  # type: ignore[arg-type]
    finally:
        engine.dispose()  # type: ignore[attr-defined]


def _loans_filed_where_their_funds_are(engine: object) -> None:
    """Each fund's loans are filed with the bureau of the fund's jurisdiction and lent by a bank there: the demo city's
    officer saw loans of Chongqing's or Shenzhen's fund it could not open (404), and their own officers none."""
    from zhichan.finance import views

    funds = fund_rules.load_funds()
    with session_scope(engine) as s:  # type: ignore[arg-type]
        for loan in s.scalars(select(Loan)):
            org = s.get(Organization, loan.org_id)
            bank = s.scalar(select(Organization).where(Organization.name == loan.bank, Organization.kind == OrgKind.BANK))
            prefix = funds[loan.fund_code].jurisdiction.rstrip("0")
            assert org is not None and org.region_code.startswith(prefix) and loan.org_path == org.path, loan.fund_code
            assert bank is not None and bank.region_code.startswith(prefix) and bank.name_en, loan.bank
            assert " City " not in bank.name_en, bank.name_en  # 中山示范银行 read "Zhongshan City Demo Bank"
        chengdu = s.scalar(select(User).where(User.username == "demo_finance_officer"))
        scope = scope_for_user(s, chengdu)
        assert views.visible_funds(s, scope, funds) == {}
        assert s.scalar(select(func.count()).select_from(Loan).where(views.loan_filter(scope))) == 0
        city_bank = s.scalar(select(User).where(User.username == "demo_bank_1"))
        assert views.visible_funds(s, scope_for_user(s, city_bank), funds) == {}
        for code, rules in funds.items():  # the fund's own bureau operates it and sees its three loans
            bureau = s.scalar(select(Organization).where(Organization.region_code == rules.jurisdiction,
                                                         Organization.kind.in_((OrgKind.PROVINCE, OrgKind.CITY))))
            officer = create_user(s, username=f"fund_officer_{code}", password=PASSWORD, role=Role.CASE_OFFICER,
                                  org=bureau, password_hash=_password_hash())
            view = views.fund_view(s, scope_for_user(s, officer), funds, code)
            assert view["operable"] and len(view["loans"]) == 3, code


def test_an_older_demos_loans_move_to_their_funds_bureaus(engine: object) -> None:
    """A demo folder made before filed every fund's loans with the demo city's bureau and its banks: the next
    ``zhichan demo`` moves each to its fund's bureau and bank, and nothing else (the amounts, the claim, the ledger)."""
    from zhichan.finance.demo import refile_demo_loans
    from zhichan.finance.models import Claim
    from zhichan.legaltime import china_today
    from zhichan.platform.orgs import create_org, seed_demo_tree

    funds = fund_rules.load_funds()
    with session_scope(engine) as s:  # type: ignore[arg-type]
        seed_demo_tree(s)
        city = s.scalar(select(Organization).where(Organization.region_code == "510100", Organization.kind == OrgKind.CITY))
        create_org(s, "蓉城科创银行", OrgKind.BANK, "510100", city, name_en="Rongcheng Sci-Tech Bank")
        fund_rules.ensure_funds(s, funds)
        rules = funds["chongqing"]
        fund_rules.deposit(s, "chongqing", "20000000", memo="")
        loan = fund_rules.enrol(s, rules, borrower="（合成）重庆示范企业1", enterprise_type="small", bank="蓉城科创银行",
                                principal="7280000", fee_rate="0.012", ip_collateral="7280000", collateral="7280000",
                                on=china_today(), org_id=city.id, org_path=city.path)
        loan.synthetic = True
        claim = fund_rules.claim(s, rules, loan, principal_loss="4368000", interest_loss="0", on=china_today())
        fund_rules.approve(s, rules, claim, china_today())
        fund_rules.pay(s, "chongqing", claim.id)
        before = fund_rules.figures(s, "chongqing")
    with session_scope(engine) as s:  # type: ignore[arg-type]
        assert refile_demo_loans(s, funds) == 1
        assert refile_demo_loans(s, funds) == 0
    with session_scope(engine) as s:  # type: ignore[arg-type]
        moved = s.scalars(select(Loan)).one()
        bureau = s.get(Organization, moved.org_id)
        assert bureau is not None and (bureau.region_code, bureau.kind, bureau.name_en) == (
            "500000", OrgKind.PROVINCE, "Chongqing Intellectual Property Administration")
        assert moved.org_path == bureau.path and moved.bank == "重庆示范银行" and moved.principal == 7280000
        assert s.scalars(select(Claim)).one().paid == moved.principal * 6 / 10 * 4 / 10
        assert fund_rules.figures(s, "chongqing") == before and fund_rules.verify_ledger(s, "chongqing")[0]


def test_the_demos_registrations_spread_over_the_two_years_up_to_their_end() -> None:
    """The demo registered every pledge on the corpus's last day, so the year's pledge financing was the whole of it
    and its 同比 read +20,000 % on the cockpit. A registration's day is drawn within the 24 months up to the data end
    (never after it: that would move every page's default date), at 10:00 in China; a refused one is filed again on
    the data end itself."""
    import datetime as dt
    import random

    from zhichan.finance.demo import _registration_moment
    from zhichan.legaltime import china_time

    data_end = dt.date(2025, 12, 31)
    rng = random.Random(8)
    moments = [_registration_moment(rng, data_end) for _ in range(400)]
    days = [m.date() for m in moments]
    assert all(dt.date(2024, 1, 1) <= d <= data_end for d in days)
    assert {d.year for d in days} == {2024, 2025} and len({(d.year, d.month) for d in days}) == 24
    assert 0.35 < sum(d.year == 2025 for d in days) / len(days) < 0.65  # a year on year of a sensible size
    assert {china_time(m, "%H:%M") for m in moments} == {"10:00"}
    assert _registration_moment(None, data_end) == dt.datetime(2025, 12, 31, 2)
    # a data end early in a month: no day after it
    assert max(_registration_moment(rng, dt.date(2025, 3, 3)).date() for _ in range(400)) <= dt.date(2025, 3, 3)
    # spread from January of the year before the corpus's last one up to today: two years for each kind of figure
    from zhichan.finance.demo import registration_months

    assert registration_months(dt.date(2025, 12, 31), dt.date(2026, 12, 8)) == 36
    assert registration_months(dt.date(2026, 11, 30), dt.date(2026, 12, 8)) == 24
    days = [_registration_moment(rng, dt.date(2026, 12, 8), months=36).date() for _ in range(600)]
    assert min(days) >= dt.date(2024, 1, 1) and max(days) <= dt.date(2026, 12, 8)
    assert {d.year for d in days} == {2024, 2025, 2026}
    # the first registration of the demo: within the year of the end, up to it
    days = [_registration_moment(rng, dt.date(2026, 3, 3), this_year=True).date() for _ in range(200)]
    assert all(dt.date(2026, 1, 1) <= d <= dt.date(2026, 3, 3) for d in days) and len({d.month for d in days}) == 3
