"""The finance demo data: pledges through the real procedure, fund operations — all labelled synthetic,
the pledges in the corpus events as synthetic too; a second run adds nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import func, select

from tests.procedures.helpers import PASSWORD, _password_hash
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
            # the bank finds the confirmation it is to give on its to-do list; nothing awaits the officers yet
            city = s.scalar(select(Organization).where(Organization.region_code == "510100",
                                                       Organization.kind == OrgKind.CITY))
            window = create_user(s, username="finance_demo_window", password=PASSWORD, role=Role.WINDOW_STAFF, org=city,
                                 password_hash=_password_hash())
            states = {}
            for user in (s.scalar(select(User).where(User.username == "demo_bank_1")),
                         s.scalar(select(User).where(User.username == "demo_finance_officer")), window):
                items = service.todo(s, scope_for_user(s, user))["items"]
                states[user.username] = sorted(i["state"].en for i in items)
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
        # registered on the corpus's last day: the demo's data end (every page's default as-of) stays put
        assert data_as_of(store.current()) == data_end
        assert seed_finance_demo(engine, service, store)["registrations"] == 0  # type: ignore[arg-type]
    finally:
        engine.dispose()  # type: ignore[attr-defined]


def test_the_demos_registrations_spread_over_the_two_years_up_to_the_data_end() -> None:
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
