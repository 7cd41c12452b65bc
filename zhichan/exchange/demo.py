"""Synthetic demo data for the exchange (``zhichan exchange demo``), labelled synthetic.

Enterprises of the synthetic corpus that hold granted inventions in the demo organization tree's
counties get an organization (under their county's bureau) and go through the real services: each
lists one patent, posts one need, and half of them declare an open licence that a demo case officer publishes —
on a patent the filing's own check accepts (:func:`zhichan.exchange.openlicence.filing_problems`), every rule checked
as for anyone. Universities
of those counties take their dormant-patent inventory, grade some patents and admit some into the
转化资源库 (:func:`seed_dormant`), through the inventory and the ``exchange.dormant`` procedure. The
hall then shows each kind of activity at least once (:func:`seed_activity`): a running auction with
deposits and bids, an auction closed with a winner — whose deal case the close opens — and a licence
taken under a published open licence and recorded (备案). The rows carry ``synthetic = true`` and the pages show the 合成数据 badge; no figure pretends to be real.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from zhichan.corpus.generator.english import english_name
from zhichan.corpus.store import Snapshot
from zhichan.errors import ZhichanError
from zhichan.evidence.service import utcnow
from zhichan.exchange import bidding, deals, dormant
from zhichan.exchange.dormant import PROCEDURE as DORMANT
from zhichan.exchange.listings import MODES, create_listing, post_need
from zhichan.exchange.models import Auction, DormantPatent, OpenLicence
from zhichan.exchange.openlicence import (
    COMMITMENT,
    EVALUATION_NOT_APPLICABLE,
    PROCEDURE,
    filing_problems,
    on_step,
    record_licence,
    take_licence,
)
from zhichan.finance.models import PledgedRight
from zhichan.legaltime import china_date, china_time, last_day_of_years
from zhichan.platform.accounts import create_user, demo_display_name
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import DEMO_CITY, party_organization, scope_for_user, seed_demo_tree
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.reference.sei import SEI_LEVEL1, sei_name

OFFICER = "exchange_demo_officer"
#: the demo's industries: 战略性新兴产业 categories (codes of zhichan.reference.sei), so pages name them in their
#: language (新能源 / New energy)
INDUSTRY_CODES = ("6", "3", "1", "2", "4", "7")
INDUSTRIES = tuple(SEI_LEVEL1[code].removesuffix("产业") for code in INDUSTRY_CODES)


def _candidates(snapshot: Snapshot, provinces: list[str]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(enterprise, region, [(number, title)…]) for every enterprise of the demo provinces holding a granted
    invention — or, failing that, a granted utility model, which a small corpus's demo city may have alone —: the
    demo city's first, then those with the most inventions."""
    con = snapshot.reader()
    try:
        rows = con.execute(
            "SELECT first_patentee, region_code, application_number, title, kind FROM patents "
            "WHERE kind IN ('invention', 'utility_model') AND legal_status = 'granted' "
            "AND first_patentee = applicants[1] "  # its own filing: a patent's region is its applicant's
            f"AND first_patentee_type = 'enterprise' AND substr(region_code, 1, 2) IN ({', '.join('?' for _ in provinces)}) "
            "ORDER BY first_patentee, application_number", provinces).fetchall()
    finally:
        con.close()
    by_party: dict[tuple[str, str], dict[str, list[tuple[str, str]]]] = {}
    for party, region, number, title, kind in rows:
        by_party.setdefault((party, region), {}).setdefault(kind, []).append((number, title))
    found = [(party, region, kinds.get("invention") or kinds["utility_model"], len(kinds.get("invention", ())))
             for (party, region), kinds in by_party.items()]
    found.sort(key=lambda c: (not c[1].startswith(DEMO_CITY[:4]), -c[3], not c[3] and -len(c[2]), c[0]))
    return [(party, region, patents) for party, region, patents, _ in found]


def _fields(number: str, party: str, i: int, today: dt.date) -> dict[str, Any]:
    """The demo's declaration of an open licence for ``number`` by ``party``, the ``i``-th demo enterprise."""
    return {"patent_number": number, "patentee": party, "fee_method": "按净销售额提成",
            "fee_standard": str(1 + i % 5), "payment_schedule": "按年支付",
            "fee_note": "按实施产品净销售额提成，逐年结算。", "term_from": today.isoformat(),
            "term_until": last_day_of_years(today, 3).isoformat(), "contact": "演示联系人（合成）",
            "evaluation": EVALUATION_NOT_APPLICABLE, "commitment": COMMITMENT}


def _declarable(session: Session, snapshot: Snapshot, scope: Scope, party: str, patents: list[tuple[str, str]], *,
                today: dt.date, i: int) -> str | None:
    """The last of ``patents`` whose declaration of an open licence (:func:`_fields`) the filing accepts — asked of the
    filing's own check (:func:`zhichan.exchange.openlicence.filing_problems`: not pledged in the corpus or the
    register, no exclusive licence, its term …) — and that is in no pledge the finance demo filed (a pledge awaiting
    registration would need its pledgee's consent to the licence); ``None`` when the rules accept none."""
    in_pledges = set(session.scalars(select(PledgedRight.number).where(PledgedRight.number.in_(
        [number for number, _ in patents]))))
    for number, _title in reversed(patents):
        if number in in_pledges:
            continue
        _, _, problems = filing_problems(session, snapshot, _fields(number, party, i, today), today=today, documents=0,
                                         party_key=scope.party_key)
        if not problems:
            return number
    return None


class _NothingListed(Exception):
    """None of an enterprise's patents can be listed (the rules refuse each): its account is not made."""


#: the first demo enterprise's account; its presence means the exchange demo ran on this database
FIRST = "exchange_demo_00"
#: the auctions the hall shows (:func:`seed_activity`): the first enterprises' listings, a running and a sold one
AUCTIONS = 2
#: how long before the demo runs its records are dated, so that the sold auction's close and deal lie in the past
SOLD_LEAD = dt.timedelta(minutes=15)


def seed(engine: Engine, snapshot: Snapshot, procedures: Any, *, count: int = 12) -> dict[str, int]:
    """Seed ``count`` demo enterprises — each with a listing, a need and half of them an open licence — once
    per database; counts of what was made, ``enterprises_wanted`` the ``count`` asked for (fewer are made when the
    corpus has fewer enterprises in the demo provinces with a granted invention the rules let them list)."""
    procedures.add_hook(PROCEDURE, lambda s, scope, step: on_step(snapshot, s, scope, step))
    deals.install(procedures, lambda: snapshot)  # the sold auction's deal is checked as in the app
    # the demo's moment, a quarter of an hour ago: the sold auction closes 5 minutes after its bids and its deal opens a
    # minute later (seed_activity) — from now, the deal's first step lay in the future and the steps its parties then
    # took stood before it on the case's timeline
    now = utcnow() - SOLD_LEAD
    made = {"enterprises": 0, "listings": 0, "needs": 0, "open_licences": 0, "skipped": 0}
    sellers: list[tuple[Scope, int]] = []  # (the enterprise, its listing) for the auctions
    licensors: list[tuple[Scope, int]] = []  # (the enterprise, its published declaration's case)
    enterprises: list[Scope] = []
    with session_scope(engine) as s:
        nation = seed_demo_tree(s)
        if s.scalar(select(User.id).where(User.username == FIRST)) is not None:  # seeded before: nothing added
            return {**made, "auctions_running": 0, "auctions_sold": 0, "deals": 0, "licences_taken": 0,
                    "universities": 0, "dormant_inventoried": 0, "dormant_graded": 0, "dormant_approved": 0}
        bureaus = {o.region_code: o for o in s.scalars(select(Organization).where(
            Organization.kind.in_((OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY))))}
        officer = s.scalar(select(User).where(User.username == OFFICER))
        if officer is None:  # acts for the bureau in the demo; nobody signs in with it
            officer = create_user(s, username=OFFICER, password=None, role=Role.CASE_OFFICER,
                                  org=nation, display_name="交易大厅演示办件人（合成） / exchange demo officer (synthetic)")
        officer_id = officer.id
    modes = list(MODES)
    today = china_date(now)
    provinces = sorted({code[:2] for code in bureaus})
    for party, region, patents in _candidates(snapshot, provinces):
        if made["enterprises"] >= count:
            break
        i = made["enterprises"]
        # an enterprise another demo made (the finance demo's pledgors are the demo city's) takes part too: one
        # organization per party (party_organization), with an account of the exchange demo's own. Numbered as made:
        # exchange_demo_00, the demo's enterprise sign-in, is the first — of the demo city when it has one that can list
        try:
            with session_scope(engine) as s:
                org, _ = party_organization(s, party, region, name_en=english_name(party, region))
                user = create_user(s, username=f"exchange_demo_{i:02d}", password=None,
                                   role=Role.ENTERPRISE_USER, org=org, display_name=demo_display_name(party, org.name_en))
                scope = scope_for_user(s, user)
                # the patent it will declare an open licence for, while the demo wants more: kept out of its listing
                # (an auction would sell a patent under an open licence, whose transfer waits for the licence's
                # withdrawal) unless it has nothing else to list — but the auctions' sellers list as before, their
                # deals walked through on the demo's accounts, and declare what their listing leaves
                wanted = made["open_licences"] < count // 2
                declared = (_declarable(s, snapshot, scope, party, patents, today=today, i=i)
                            if wanted and i >= AUCTIONS else None)
                listing = None
                # the first patent the rules let it list (in force, not pledged …); failing that, one pledged by the
                # finance demo with its pledgee's consent, as the listing form allows (the demo city's few enterprises
                # of a small corpus are the finance demo's pledgors)
                others = [p for p in patents if p[0] != declared]
                choices = [*((p, False) for p in others), *((p, True) for p in others),
                           *((p, False) for p in patents if p[0] == declared)]
                for (number, title), consent in choices:
                    try:
                        listing = create_listing(s, scope, snapshot, asset_kind="patent", number=number,
                                                 mode=modes[i % len(modes)], price=str(100_000 * (1 + i % 9)),
                                                 description=f"技术转让：{title}", pledgee_consent=consent, now=now)
                        break
                    except ZhichanError:  # refused before it wrote anything: the next patent
                        continue
                if listing is None:
                    raise _NothingListed
                sellers.append((scope, listing.id))
                if wanted and i < AUCTIONS:
                    declared = _declarable(s, snapshot, scope, party, [p for p in patents if p[0] != listing.asset_number],
                                           today=today, i=i)
                elif listing.asset_number == declared:
                    declared = None
        except _NothingListed:
            made["skipped"] += 1
            continue
        made["enterprises"] += 1
        made["listings"] += 1
        enterprises.append(scope)
        with session_scope(engine) as s:
            # flagged synthetic (the pages' badge), in both languages: the product shows the English form on English pages
            code = INDUSTRY_CODES[i % len(INDUSTRY_CODES)]
            post_need(s, scope, title=f"寻求{INDUSTRIES[i % len(INDUSTRIES)]}领域合作技术",
                      text=f"希望引进与“{patents[-1][1]}”相关的技术，开展联合开发。",
                      title_en=f"Seeking partner technology: {sei_name(code, 'en')}",
                      text_en=f"We wish to bring in technology related to “{patents[-1][1]}” and develop it jointly.",
                      industry=INDUSTRIES[i % len(INDUSTRIES)], budget=str(500_000 * (1 + i % 4)), region="",
                      now=now, synthetic=True)
        made["needs"] += 1
        if declared is None:
            continue
        try:
            with session_scope(engine) as s:
                case = procedures.start(s, scope, PROCEDURE, fields=_fields(declared, party, i, today), now=now)
        except ZhichanError:  # accepted by the check a moment ago: refused only if the rules changed in between
            made["skipped"] += 1
            continue
        try:
            with session_scope(engine) as s:
                acting = s.get(User, officer_id)
                assert acting is not None
                procedures.act(s, scope_for_user(s, acting), case["id"], "publish",
                               version=case["version"], fields={}, now=now)
        except ZhichanError:
            made["skipped"] += 1
            continue  # filed, refused publication: the declaration stands refused, as anyone's would
        made["open_licences"] += 1
        licensors.append((scope, int(case["id"])))
    for more in (seed_activity(engine, procedures, sellers, licensors, enterprises, now=now),
                 seed_dormant(engine, snapshot, procedures, bureaus=bureaus, now=now)):
        for name, n in more.items():
            made[name] = made.get(name, 0) + n
    with session_scope(engine) as s:  # the cases too (declarations, the deal, gradings): the engine's own flag,
        # which the case pages, the to-do lists and the case statistics read
        demo_users = select(User.id).where(or_(User.username.startswith("exchange_demo_"),
                                               User.username.startswith("dormant_demo_")))
        s.execute(update(Case).where(Case.party_user_id.in_(demo_users)).values(synthetic=True))
    made["enterprises_wanted"] = count
    return made


def seed_activity(engine: Engine, procedures: Any, sellers: list[tuple[Scope, int]],
                  licensors: list[tuple[Scope, int]], enterprises: list[Scope], *,
                  now: dt.datetime) -> dict[str, int]:
    """Each kind of activity of the hall once, through the real services, among the enterprises just made:
    a running auction (closing in three days) with deposits and bids from two other enterprises; an
    auction that closes with a winner a few minutes after its bids, closed by the same function as the
    job runner's, which opens the deal case; a licence taken under a published open licence and recorded.
    A step a rule refuses is skipped and counted."""
    made = {"auctions_running": 0, "auctions_sold": 0, "deals": 0, "licences_taken": 0, "skipped": 0}
    evidence = procedures.evidence
    for k, (seller, listing_id) in enumerate(sellers[:AUCTIONS]):
        bidders = [e for e in enterprises if e.org_id != seller.org_id][k * 2:k * 2 + 2]
        if len(bidders) < 2:
            break
        closes = now + (dt.timedelta(days=3) if k == 0 else dt.timedelta(minutes=5))
        try:
            with session_scope(engine) as s:
                auction = bidding.create_auction(
                    s, seller, listing_id, starting_price="200000", increment="10000", reserve="210000",
                    deposit="20000", starts_at="", closes_at=china_time(closes),
                    extend_window_minutes=5, extend_minutes=5, now=now)
                auction_id = auction.id
            for step, amount in enumerate(("200000", "220000", "240000")):
                bidder = bidders[step % 2]
                with session_scope(engine) as s:
                    bidding.pay_deposit(s, bidder, auction_id, now=now)
                    bidding.place_bid(s, bidder, evidence, auction_id, amount, now=now)
        except ZhichanError:
            made["skipped"] += 1
            continue
        if k == 0:
            made["auctions_running"] += 1
            continue
        with session_scope(engine) as s:
            bidding.close_due(s, procedures, now=closes + dt.timedelta(minutes=1))
            closed = s.get(Auction, auction_id)
            assert closed is not None
            made["auctions_sold"] += closed.outcome == "sold"
            made["deals"] += closed.deal_case_id is not None
    patentee, case_id = licensors[0] if licensors else (None, 0)
    licensee = next((e for e in reversed(enterprises) if patentee is not None and e.org_id != patentee.org_id), None)
    if patentee is not None and licensee is not None:
        today = china_date(now).isoformat()
        try:
            with session_scope(engine) as s:
                declaration = s.scalar(select(OpenLicence).where(OpenLicence.case_id == case_id))
                assert declaration is not None
                licensee_name = s.get(Organization, licensee.org_id).name  # type: ignore[union-attr]
                grant = take_licence(
                    s, licensee, evidence, declaration.id, licensee=licensee_name, notice_on=today,
                    paid_yuan="10000", paid_on=today, now=now,
                    notice="合成演示：实施开放许可书面通知 / synthetic written notice".encode(),
                    payment_proof="合成演示：许可使用费付款凭证 / synthetic proof of payment".encode())
                record_licence(s, patentee, evidence, grant.id, recorded_on=today, now=now)
            made["licences_taken"] += 1
        except ZhichanError:
            made["skipped"] += 1
    return made


#: the dormant patents the demo's university needs: one admitted to the pool and listed, one awaiting the university's
#: decision after the college's review (demo_university_head), one more to grade
UNIVERSITY_NEEDS = 3


def _universities(snapshot: Snapshot, provinces: list[str], count: int, today: dt.date) -> list[tuple[str, str]]:
    """(university, region) of the demo provinces with the most granted inventions, the demo city's first where one holds
    :data:`UNIVERSITY_NEEDS` dormant patents (the first is the demo's university sign-in, ``demo_university``, which
    stood for Chengdu as 深圳启特服装学院 when the largest portfolio came first; at 2,000 patents the demo city's one
    university holds a single dormant patent, and the largest of the provinces is taken)."""
    con = snapshot.reader()
    try:
        rows = con.execute(
            "SELECT first_patentee, first_patentee_key, region_code FROM patents WHERE first_patentee_type = 'university' "
            f"AND legal_status = 'granted' AND substr(region_code, 1, 2) IN ({', '.join('?' for _ in provinces)}) "
            "GROUP BY first_patentee, first_patentee_key, region_code "
            "ORDER BY substr(region_code, 1, 4) = ? DESC, count(*) DESC, first_patentee",
            [*provinces, DEMO_CITY[:4]]).fetchall()
    finally:
        con.close()
    ours = [r for r in rows if r[2].startswith(DEMO_CITY[:4])]
    city = next(((r[0], r[2]) for r in ours if len(dormant.dormant_on(snapshot, r[1], today)) >= UNIVERSITY_NEEDS), None)
    return ([city] if city else []) + [(r[0], r[2]) for r in rows if r not in ours][:count - (city is not None)]


def seed_dormant(engine: Engine, snapshot: Snapshot, procedures: Any, *, bureaus: dict[str, Organization],
                 now: dt.datetime, count: int = 2, graded: int = 6) -> dict[str, int]:
    """存量专利盘活: demo universities take their inventory; an inventor grades some patents, a college reviewer
    and the university office admit every second one into the 转化资源库; the first admitted one is listed."""
    procedures.add_hook(DORMANT, dormant.on_step)
    made = {"universities": 0, "dormant_inventoried": 0, "dormant_graded": 0, "dormant_approved": 0}
    provinces = sorted({code[:2] for code in bureaus})
    for u, (party, region) in enumerate(_universities(snapshot, provinces, count, china_date(now))):
        with session_scope(engine) as s:
            org, new = party_organization(s, party, region, name_en=english_name(party, region))
            if not new:
                continue  # taken part before
            key = org.party_key
            accounts = {role: create_user(s, username=f"dormant_demo_{u:02d}_{role}", password=None,
                                          role=Role.ENTERPRISE_USER, org=org,
                                          display_name=demo_display_name(party, org.name_en, label)).id
                        for role, label in (("inventor", ("发明人", "inventor")), ("college", ("学院", "college")),
                                            ("office", ("成果转化办公室", "tech-transfer office")))}
        made["universities"] += 1

        def who(role: str, accounts: dict[str, int] = accounts) -> Any:
            with session_scope(engine) as s:
                user = s.get(User, accounts[role])
                assert user is not None
                return scope_for_user(s, user)

        with session_scope(engine) as s:
            made["dormant_inventoried"] += dormant.take_inventory(s, who("office"), snapshot, now=now,
                                                                  synthetic=True)["added"]
            numbers = list(s.scalars(select(DormantPatent.application_number).where(DormantPatent.party_key == key)
                                     .order_by(DormantPatent.application_number).limit(graded)))
        for i, number in enumerate(numbers):
            fields = {"patent_number": number, "prospect": ("高", "中", "低")[i % 3], "application_field":
                      INDUSTRIES[i % len(INDUSTRIES)], "willingness": ("愿意转化", "视条件转化")[i % 2],
                      "college": "机械工程学院", "note": "自评：技术成熟，可许可实施"}
            with session_scope(engine) as s:
                case = procedures.start(s, who("inventor"), DORMANT, fields=fields, now=now)
            made["dormant_graded"] += 1
            # every second one admitted; the second left after the college's review, awaiting the university's decision
            # (another account than the college's reviewer: the demo's demo_university_head)
            decisions = (("college_approve", "college"), ("university_approve", "office"))[:1 if i == 1 else 2]
            if i % 2 and i != 1:
                continue
            for version, (event, role) in enumerate(decisions, 1):
                with session_scope(engine) as s:
                    procedures.act(s, who(role), case["id"], event, version=version, fields={"opinion": "同意"},
                                   now=now)
            if len(decisions) < 2:
                continue
            made["dormant_approved"] += 1
            if i == 0:
                try:
                    with session_scope(engine) as s:
                        create_listing(s, who("office"), snapshot, asset_kind="patent", number=number, mode="sale",
                                       price="", description="转化资源库专利挂牌", pledgee_consent=False, now=now)
                except ZhichanError:
                    pass
    return made
