"""A page's data computed once as a dict; the router renders it as HTML or returns it as JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name, party_name_en
from zhichan.corpus.rights import right_on
from zhichan.corpus.store import Snapshot
from zhichan.errors import FormError, NotFoundError
from zhichan.evidence.service import utcnow
from zhichan.exchange import auction_stops, bidding, listings, openlicence, valuation
from zhichan.exchange.checks import platform_status
from zhichan.exchange.models import (
    Auction,
    AuctionDeposit,
    Bid,
    Deal,
    Listing,
    Need,
    OpenLicence,
    OpenLicenceGrant,
    Valuation,
)
from zhichan.exchange.scope import is_patentee_side, manages, sees_auction, sees_bidders
from zhichan.legaltime import china_today
from zhichan.money import format_money
from zhichan.platform.models import Role
from zhichan.platform.orgs import RowName, english_names, org_names_en, party_names_en
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.reference.regions import (
    is_region_code,
    normalize_region_code,
    region_choices_among,
    region_label,
    region_name,
    region_options,
)
from zhichan.web.i18n import translate
from zhichan.web.labels import choice, coded

KIND_LABELS = {"invention": ("发明", "Invention"), "utility_model": ("实用新型", "Utility model"),
               "design": ("外观设计", "Design")}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def fee_text(row: OpenLicence, lang: str) -> str:
    if row.fee_method == "fixed":
        return format_money(row.fee_value, lang)
    rate = f"{row.fee_value.normalize():f}%"
    return f"{fee_method_label(row.fee_method, lang)} {rate}"


def declaration_json(row: OpenLicence, lang: str, names_en: dict[str, str] | None = None) -> dict[str, Any]:
    """A declaration as pages and the API show it; ``patentee_en``: the English name of the organization bound to the
    patentee (:func:`zhichan.platform.orgs.party_names_en`) where the patentee is that one party — a co-owned
    patent's list of patentees stays as written. Pages show it through ``holder_name``."""
    sole = normalize_name(row.patentee) == row.party_key
    # else the English the generator's name reads as, for a synthetic declaration's generated patentee
    patentee_en = ((names_en or {}).get(row.party_key or "")
                   or party_name_en(row.patentee, row.patent_region, row.synthetic)) if sole else None
    return {
        "id": row.id, "case_id": row.case_id, "application_number": row.application_number, "title": row.title,
        "kind": _pick(KIND_LABELS.get(row.patent_kind, (row.patent_kind, row.patent_kind)), lang),
        "ipc": row.ipc.split(), "patent_region": row.patent_region, "patentee": row.patentee,
        "patentee_en": patentee_en,
        "fee_method": row.fee_method,
        "fee_method_label": fee_method_label(row.fee_method, lang),
        "fee_value": row.fee_value, "fee": fee_text(row, lang), "payment_schedule": row.payment_schedule,
        "fee_note": row.fee_note, "term_from": row.term_from, "term_until": row.term_until, "contact": row.contact,
        "state": row.state, "published_on": row.published_on, "ended_on": row.ended_on, "synthetic": row.synthetic,
    }


def catalogue_view(session: Session, snapshot: Snapshot | None, lang: str, **filters: Any) -> dict[str, Any]:
    data = openlicence.catalogue(session, snapshot, **filters)
    names_en = party_names_en(session, [r.party_key for r in data["items"] if r.party_key])
    return {**data, "items": [declaration_json(r, lang, names_en) for r in data["items"]],
            **catalogue_choices(session, lang, str(filters.get("region") or ""))}


def catalogue_choices(session: Session, lang: str, region: str) -> dict[str, Any]:
    """The catalogue form's choices: the fee methods, and the regions of the published licences by name (the
    provinces, cities and counties their patents lie in) with the one chosen — a code in the address (``510100``,
    ``5101``) is still taken, and shown by its name even where no licence lies."""
    groups = region_choices_among(openlicence.catalogue_regions(session), lang)
    chosen = normalize_region_code(region).ljust(6, "0") if region.strip() and is_region_code(region) else region
    if chosen and all(o["code"] != chosen for g in groups for o in g["options"]) and is_region_code(chosen):
        groups.append({"label": region_name(chosen[:2], lang), "options": [{"code": chosen, "label": region_label(chosen, lang)}]})
    return {"fee_methods": fee_methods(lang), "regions": groups, "region_chosen": chosen}


def fee_method_label(code: str, lang: str) -> str:
    """A fee method as the declaration's form offers it: its declared choice's label (按净销售额提成 / Royalty on net
    sales), the same on the case page, the catalogue and its filter."""
    return choice(lang, openlicence.FEE_METHOD_LABELS[code])


def fee_methods(lang: str) -> list[tuple[str, str]]:
    return [(code, fee_method_label(code, lang)) for code in openlicence.FEE_METHOD_LABELS]


def other_rate(text: str) -> Decimal:
    """Another reduction's rate typed as a percentage (``85`` = 85 %), for the annuity table."""
    if not (text or "").strip():
        return Decimal(0)
    try:
        value = Decimal(text.strip().removesuffix("%"))
    except InvalidOperation:
        raise FormError({"other_rate": "应为 0–100 之间的百分比 / a percentage from 0 to 100"}) from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise FormError({"other_rate": "应为 0–100 之间的百分比 / a percentage from 0 to 100"})
    return value / 100


def declaration_view(session: Session, scope: Scope, declaration_id: int, lang: str, *, snapshot: Snapshot | None,
                     other: str = "") -> dict[str, Any]:
    row = openlicence.get(session, scope, declaration_id)
    lines = openlicence.reduction(session, row, snapshot, other_rate=other_rate(other))
    grants = openlicence.grants(session, scope, row)
    licensees_en = english_names(session, [RowName(g.licensee) for g in grants])
    pledges = pledges_now(session, snapshot, row.application_number) if row.state in ("filed", "published") else []
    pledgees_en = english_names(session, [RowName(p.pledgee) for p in pledges if p.pledgee])
    return {
        # the patent's pledges in force today, the corpus's and the platform's own since (a pledge needs the pledgee's
        # consent to the licence continuing: 开放许可实施指南 §9), shown to all as a patent's page shows its pledges
        "pledges": [{"pledgee": p.pledgee or "—", "pledgee_en": pledgees_en.get(RowName(p.pledgee or "")),
                     "registered_on": p.registered_on} for p in pledges],
        "declaration": declaration_json(row, lang, party_names_en(session, [row.party_key] if row.party_key else [])),
        "patentee_side": is_patentee_side(scope, row),
        "may_take": scope.role == Role.ENTERPRISE_USER and row.state == "published" and not is_patentee_side(scope, row),
        "grants": [{"id": g.id, "licensee": g.licensee, "licensee_en": licensees_en.get(RowName(g.licensee)), "notice_on": g.notice_on, "paid_yuan": g.paid_yuan,
                    "paid_on": g.paid_on, "effective_on": g.effective_on, "until": g.until, "recorded_on": g.recorded_on,
                    "evidence_index": g.evidence_index} for g in grants],
        "reduction": [{"year": line.year, "starts": line.starts, "ends": line.ends, "due": line.due,
                       "annuity": line.annuity, "rate": line.rate, "payable": line.payable,
                       "reduced_by": line.reduced_by, "arithmetic": line.arithmetic_in(lang),
                       "reason": line.reason_en if lang == "en" else line.reason_zh} for line in lines],
        "reduction_total": sum((line.reduced_by for line in lines), Decimal(0)),
        "other_rate": other,
    }


def hall_view(session: Session, scope: Scope) -> dict[str, Any]:
    counts = {
        "open_licences": session.scalar(select(func.count()).select_from(OpenLicence).where(OpenLicence.state == "published")),
        "licences": session.scalar(select(func.count()).select_from(OpenLicenceGrant)),
        "listings": session.scalar(select(func.count()).select_from(Listing).where(Listing.state == "active")),
        "auctions": session.scalar(select(func.count()).select_from(Auction).where(Auction.state.in_(bidding.IN_PROGRESS))),
        "needs": session.scalar(select(func.count()).select_from(Need).where(Need.state == "open")),
    }
    return {"counts": {k: int(v or 0) for k, v in counts.items()},
            "may_post": scope.role == Role.ENTERPRISE_USER and bool(scope.party_key)}


def auctions_view(session: Session, lang: str, *, closed_limit: int = 20) -> dict[str, Any]:
    """The hall's auctions, public like each auction's page: every running one, closing soonest first, and the
    latest closed ones with their outcome. An auction whose listing was withdrawn is left out (its page is the
    seller's alone)."""
    now = utcnow()
    rows = session.execute(select(Auction, Listing).join(Listing, Listing.id == Auction.listing_id)
                           .where(Auction.state.in_(bidding.IN_PROGRESS), Listing.state != "withdrawn")
                           .order_by(Auction.closes_at, Auction.id)).all()
    closed = session.execute(select(Auction, Listing).join(Listing, Listing.id == Auction.listing_id)
                             .where(Auction.state.in_(bidding.OVER), Listing.state != "withdrawn")
                             .order_by(Auction.closed_at.desc(), Auction.id.desc()).limit(closed_limit)).all()

    names_en = org_names_en(session, [x.org_id for _, x in (*rows, *closed)])

    def item(auction: Auction, listing: Listing) -> dict[str, Any]:
        return {"id": auction.id, "state": auction.state, "listing": listing_json(listing, lang, names_en),
                "starting_price": auction.starting_price,
                "high_bid": auction.high_bid, "bids": auction.bid_count, "closes_at": auction.closes_at,
                "time_left": bidding.time_left(bidding.seconds_left(auction, now), lang), "extensions": auction.extensions,
                "outcome": auction.outcome, "reserve_met": auction.high_bid is not None
                and auction.high_bid >= auction.reserve}

    return {"running": [item(a, x) for a, x in rows], "closed": [item(a, x) for a, x in closed]}


def home_listings(session: Session, scope: Scope, lang: str, *, limit: int = 5) -> dict[str, Any]:
    """An enterprise's own listings for its home page, newest first, each with its running auction (the high bid and
    the time left) — what it has on the exchange, seen on signing in."""
    found = listings.list_listings(session, scope, mine=True, per_page=limit)
    ids = [r.id for r in found.rows]
    now = utcnow()
    running = {a.listing_id: a for a in session.scalars(select(Auction).where(
        Auction.listing_id.in_(ids), Auction.state.in_(bidding.IN_PROGRESS)))} if ids else {}
    items = []
    for row in found.rows:
        auction = running.get(row.id)
        items.append(listing_json(row, lang) | {"auction": None if auction is None else {
            "id": auction.id, "high_bid": auction.high_bid, "bids": auction.bid_count,
            "state": auction.state, "time_left": bidding.time_left(bidding.seconds_left(auction, now), lang)}})
    return {"items": items, "total": found.total, "stopped": stopped_auctions(session, scope, lang, now=now)}


def stopped_auctions(session: Session, scope: Scope, lang: str, *, now: dt.datetime) -> list[dict[str, Any]]:
    """The banner on an enterprise's own home: the auctions it bid in that the bureau suspended or terminated
    (:func:`zhichan.exchange.auction_stops.stopped_for_bidder`), each with the act, its ground and reason; an auction
    whose listing was withdrawn since is named without a link (its page is gone for a bidder)."""
    return [{"id": auction.id, "state": auction.state, "listing_title": listing.title,
             "asset_number": listing.asset_number, "asset_kind_label": coded(lang, "exchange.asset_kind", listing.asset_kind),
             "linked": listing.state != "withdrawn", "synthetic": listing.synthetic, "at": stop.at,
             "ground": stop.ground, "reason": stop.reason,
             "time_left": bidding.time_left(bidding.seconds_left(auction, now), lang)}
            for auction, listing, stop in auction_stops.stopped_for_bidder(session, scope, now)]


def listing_json(row: Listing, lang: str, names_en: dict[int, str] | None = None) -> dict[str, Any]:
    """A listing as pages and the API show it; ``owner_en``: its owner organization's English name where known
    (:func:`zhichan.platform.orgs.org_names_en`; pages show ``org_name(owner, owner_en)``); ``description``: the
    lister's text in ``lang`` where given, else the one it gave (a description typed in one language only is shown as
    typed on either page)."""
    english = lang == "en"
    description = (row.description_en if english and row.description_en else row.description) or row.description_en or ""
    return {"id": row.id, "asset_kind": row.asset_kind, "asset_kind_label": coded(lang, "exchange.asset_kind", row.asset_kind),
            "asset_number": row.asset_number, "title": row.title, "mode": row.mode,
            "mode_label": coded(lang, "exchange.listing_mode", row.mode), "price_yuan": row.price_yuan,
            "description": description, "owner": row.owner,
            "owner_en": (names_en or {}).get(row.org_id), "ipc": row.ipc.split(), "state": row.state,
            "created_at": row.created_at, "synthetic": row.synthetic}


def listings_view(session: Session, scope: Scope, lang: str, *, mine: bool = False, mode: str = "", q: str = "",
                  page: int = 1, snapshot: Snapshot | None = None) -> dict[str, Any]:
    hits = openlicence.text_hits(snapshot, q)
    found = listings.list_listings(session, scope, mine=mine, mode=mode if mode in listings.MODES else "", page=page,
                                   per_page=listings.PAGE_SIZE, hits=hits)
    names_en = org_names_en(session, [r.org_id for r in found.rows])
    return {"items": [listing_json(r, lang, names_en) | {"own": manages(scope, r)} for r in found.rows],
            "total": found.total, "estimated": found.estimated, "page": found.page, "per_page": found.per_page,
            "has_next": found.has_next,
            "mine": mine, "mode": mode, "q": q,
            "modes": [(k, coded(lang, "exchange.listing_mode", k)) for k in listings.MODES],
            "may_post": scope.role == Role.ENTERPRISE_USER and bool(scope.party_key)}


def pledges_now(session: Session, snapshot: Snapshot | None, number: str) -> tuple[Any, ...]:
    """The pledges in force on a patent today, as the corpus and the platform's own register know them."""
    if snapshot is None:
        return ()
    return platform_status(session, right_on(snapshot, number, china_today())).active_pledges


def open_licence_warning(session: Session, scope: Scope, number: str) -> dict[str, Any] | None:
    """The open licence published on a patent offered or dealt for assignment (转让, 作价入股), which is withdrawn
    before the assignment (开放许可实施指南 §9, RULES.md M4 [P]): a warning on the listing's and its auctions' pages and
    on a deal's case page from its intent — the sale is not refused (the patentee may withdraw meanwhile); its
    registration waits for the withdrawal (``deals.holds``). The warning links the declaration's case — where its
    withdrawal is a step — for who sees that case (the patentee, the area's officers), the public declaration else."""
    from zhichan.procedures.scope import sees

    licence = openlicence.in_force(session, [number]).get(number)
    if licence is None:
        return None
    case = session.get(Case, licence.case_id)
    return {"id": licence.id, "published_on": licence.published_on, "procedure": openlicence.PROCEDURE,
            "case_id": licence.case_id if case is not None and sees(scope, case) else None}


def listing_open_licence(session: Session, scope: Scope, listing: Listing) -> dict[str, Any] | None:
    """:func:`open_licence_warning` for a listing offering a patent for assignment."""
    if listing.asset_kind != "patent" or listing.mode not in listings.ASSIGNING_MODES:
        return None
    return open_licence_warning(session, scope, listing.asset_number)


def deal_panel(session: Session, scope: Scope, case: dict[str, Any]) -> dict[str, Any] | None:
    """A deal's part of its case page (``case``: the engine's case view): from the intent to the contract, the open
    licence an assignment waits for (:func:`open_licence_warning`) — once contracted, the case's header says what its
    registration waits for, and links that case (``deals.holds``)."""
    from zhichan.exchange.deals import PROCEDURE, TRANSFER_KINDS

    if case["case"]["procedure"] != PROCEDURE or case["case"]["state"] not in ("intent", "notice"):
        return None
    row = session.scalar(select(Deal).where(Deal.case_id == case["case"]["id"]))
    if row is None or row.deal_kind not in TRANSFER_KINDS:
        return None
    warning = open_licence_warning(session, scope, row.application_number)
    return {"open_licence": warning} if warning is not None else None


def listing_view(session: Session, scope: Scope, access: Any, listing_id: int, lang: str) -> dict[str, Any]:
    row = listings.get_listing(session, scope, listing_id)
    snapshot = access.snapshot()
    indicators = listings.value_indicators(access, snapshot, row.asset_number, china_today()) \
        if row.asset_kind == "patent" and snapshot is not None else {}
    auctions = list(session.scalars(select(Auction).where(Auction.listing_id == row.id).order_by(Auction.id.desc())))
    own = manages(scope, row)
    return {"listing": listing_json(row, lang, org_names_en(session, [row.org_id])), "own": own, "indicators": indicators,
            "open_licence": listing_open_licence(session, scope, row),
            "auctions": [{"id": a.id, "state": a.state, "high_bid": a.high_bid, "outcome": a.outcome} for a in auctions],
            "may_auction": own and scope.role == Role.ENTERPRISE_USER and row.state == "active"
            and not any(a.state == "open" for a in auctions)}


def shown_auction(session: Session, scope: Scope, auction_id: int) -> tuple[Auction, Listing]:
    """The auction and its listing where the caller sees it (:func:`zhichan.exchange.scope.sees_auction`: a withdrawn
    listing's auctions go with it), else :class:`NotFoundError` — before the page shows it or anything is done to it."""
    auction = bidding.get_auction(session, auction_id)
    listing = session.get(Listing, auction.listing_id)
    if listing is None or not sees_auction(scope, listing):
        raise NotFoundError(f"没有竞价 {auction_id} / no auction {auction_id}")
    return auction, listing


def auction_view(session: Session, scope: Scope, auction_id: int, lang: str) -> dict[str, Any]:
    auction, listing = shown_auction(session, scope, auction_id)
    seller = manages(scope, listing)
    data = bidding.auction_view(session, scope, auction, now=utcnow())
    data["time_left"] = bidding.time_left(data["seconds_left"], lang)
    own_user = scope.user_id
    aliases = bidder_aliases(session, auction.id)
    named = sees_bidders(scope, listing, auction)
    bidders_en = english_names(session, [RowName(bid["bidder"]) for bid in data["bids"]]) if named else {}
    for bid in data["bids"]:
        bidder_user = bid.pop("user_id")
        bid["mine"] = own_user is not None and bidder_user == own_user
        bid["alias"] = aliases[bidder_user]
        if named:  # the operator and the seller see who bid (shown through ``org_name``), beside the alias
            bid["bidder_en"] = bidders_en.get(RowName(bid["bidder"]))
        else:  # anyone else reads 竞买人 N, the bidder itself 竞买人 N（你）: told apart, not named
            bid["bidder"] = translate(lang, "exchange.bidder_you" if bid["mine"] else "exchange.bidder_alias",
                                      n=bid["alias"])
            bid["bidder_en"] = None
    # the deal the close opened: the seller (the case's party) and the winner (its counterparty) open its case
    won = any(bid["winner"] and bid["mine"] for bid in data["bids"])
    # a bidder who paid its deposit and did not win a closed auction is owed it back (as on a terminated one)
    data["deposit_back"] = auction.state == "closed" and data["my_deposit"] and not won
    data["deal_case_id"] = auction.deal_case_id if seller or won else None
    data["deal_number"] = session.scalar(select(Case.number).where(Case.id == auction.deal_case_id)) \
        if auction.deal_case_id and (seller or won) else None
    data["deal_problem"] = auction.deal_problem if seller else None
    data["stops"] = [{"action": r.action, "ground": r.ground, "reason": r.reason, "at": r.at, "closes_after": r.closes_after,
                      "evidence_index": r.evidence_index} for r in auction_stops.stops(session, auction.id)]
    # the bidders whose deposit (保证金) is owed back, to who sees bidders (the seller, the operator) once terminated
    staff = auction_stops.may_stop(scope, auction)
    # read once the auction is terminated (not on every poll of a running one): the count to all, the names to them
    owed = list(session.scalars(select(AuctionDeposit.bidder).where(AuctionDeposit.auction_id == auction.id)
                                .order_by(AuctionDeposit.id))) if auction.state == "terminated" else []
    data["deposits_owed_count"] = len(owed)
    data["deposits_owed"] = owed if named else []
    data["bidders_named"] = named
    data["may_stop"] = staff
    data["stop_actions"] = {a: list(auction_stops.GROUNDS[a]) for a in auction_stops.actions_for(auction)} if staff else {}
    return {"auction": data, "listing": listing_json(listing, lang, org_names_en(session, [listing.org_id])), "seller": seller,
            "listing_shown": listings.shown(scope, listing), "may_bid": scope.role == Role.ENTERPRISE_USER and not seller,
            "open_licence": listing_open_licence(session, scope, listing)}


def bidder_aliases(session: Session, auction_id: int) -> dict[int, int]:
    """Each bidder of an auction (its user) numbered 1, 2, … by its first bid: the alias the public reads for it
    (竞买人 1 / Bidder 1), the same on every poll and in the JSON, since bids are never changed or removed."""
    first = (select(Bid.bidder_user_id, func.min(Bid.seq).label("first")).where(Bid.auction_id == auction_id)
             .group_by(Bid.bidder_user_id).order_by(func.min(Bid.seq)))
    return {user_id: n for n, (user_id, _seq) in enumerate(session.execute(first), start=1)}


def industry_name(industry: str, lang: str) -> str:
    """An industry as typed; on English pages the English name of the 战略性新兴产业 category it names (``新能源产业``
    or ``新能源`` → "New energy"), any other text as it is (data)."""
    from zhichan.reference.sei import SEI_LEVEL1, sei_name

    text = industry.strip()
    if lang != "en":
        return industry  # as the poster wrote it
    for code, name in SEI_LEVEL1.items():
        if text in (name, name.removesuffix("产业")):
            return sei_name(code, lang)
    return industry


def _need(n: Need, lang: str, names_en: dict[int, str] | None = None) -> dict[str, Any]:
    """A need as its pages show it: English pages its English title and description where the poster gave them, and
    the poster organization's English name where it has one (``poster_en``, shown through ``org_name``)."""
    english = lang == "en"
    return {"id": n.id, "title": (n.title_en if english and n.title_en else n.title),
            "text": (n.text_en if english and n.text_en else n.text), "industry": industry_name(n.industry, lang),
            "budget_yuan": n.budget_yuan, "region_code": n.region_code, "poster": n.poster,
            "poster_en": (names_en or {}).get(n.org_id), "state": n.state,
            "created_at": n.created_at, "synthetic": n.synthetic}


def needs_view(session: Session, scope: Scope, lang: str = "zh") -> dict[str, Any]:
    rows = listings.list_needs(session, scope)
    # the region a need names is chosen by name among its province's (empty: the poster's own region)
    area = scope.party_area or ""
    regions = region_options(area[:2].ljust(6, "0") if len(area) >= 2 else None, lang)
    names_en = org_names_en(session, [n.org_id for n in rows])
    return {"items": [{**_need(n, lang, names_en), "own": manages(scope, n)} for n in rows],
            "may_post": scope.role == Role.ENTERPRISE_USER and bool(scope.party_key),
            "need_regions": [("", translate(lang, "exchange.own_region")), *regions] if regions else None}


def matches_view(session: Session, scope: Scope, snapshot: Snapshot | None, need_id: int, lang: str) -> dict[str, Any]:
    """A need's best offers (active listings, published open licences), each with its explanation."""
    from zhichan.exchange.matching import match_need

    need = listings.get_need(session, scope, need_id)
    matches = match_need(session, snapshot, text=f"{need.title} {need.text} {need.industry}", region=need.region_code)
    # each patent's owner in English where known: its organization's English name, else a generated party's
    owners = [RowName(m["owner"], m["region_code"], bool(m["synthetic"])) for m in matches]
    named = english_names(session, owners + [RowName(o["label"]) for m in matches for o in m.get("offers", [])
                                             if o["kind"] == "resource_pool"])
    matches = [{**m, "owner_en": named.get(owner),
                "pool_en": {o["id"]: named.get(RowName(o["label"])) for o in m.get("offers", []) if o["kind"] == "resource_pool"}}
               for m, owner in zip(matches, owners, strict=True)]
    return {"need": _need(need, lang, org_names_en(session, [need.org_id])), "matches": matches}


def deals_view(session: Session, scope: Scope) -> dict[str, Any]:
    from zhichan.exchange.models import Deal
    from zhichan.exchange.scope import deals_visible

    scope.require_authenticated()
    rows = list(session.scalars(deals_visible(scope, select(Deal)).order_by(Deal.id.desc()).limit(200)))
    # the parties as organizations: their English names on English pages where they have one (``org_name``)
    names_en = english_names(session, [RowName(name) for d in rows for name in (d.seller, d.buyer)])
    return {"items": [{"id": d.id, "case_id": d.case_id, "application_number": d.application_number, "title": d.title,
                       "seller": d.seller, "seller_en": names_en.get(RowName(d.seller)), "buyer": d.buyer,
                       "buyer_en": names_en.get(RowName(d.buyer)), "pricing_method": d.pricing_method,
                       "trading_mode": d.trading_mode, "deal_kind": d.deal_kind, "price": d.price,
                       "contract_price": d.contract_price, "paid_total": d.paid_total, "state": d.state,
                       "recorded_on": d.recorded_on, "synthetic": d.synthetic} for d in rows],
            "may_start": scope.role == Role.ENTERPRISE_USER and bool(scope.party_key)}


def dormant_view(session: Session, scope: Scope, snapshot: Snapshot | None, *, state: str = "",
                 lang: str = "zh") -> dict[str, Any]:
    """存量专利盘活: progress per institution and the inventory (an institution's own; an officer's area's)."""
    from zhichan.exchange import dormant

    states = ("inventoried", "graded", "college_approved", "returned", "approved", "declined")
    rows = dormant.inventory(session, scope, state=state if state in states else "")
    progress = dormant.progress(session, scope)
    # the institution as an organization: its English name on English pages where it has one (``org_name``)
    names_en = org_names_en(session, [r.org_id for r in rows] + [p["org_id"] for p in progress])
    return {"progress": [{**p, "institution_en": names_en.get(p["org_id"])} for p in progress], "states": states,
            "state": state,
            "items": [{"id": r.id, "institution": r.institution, "institution_en": names_en.get(r.org_id),
                       "application_number": r.application_number,
                       "title": r.title, "kind": r.kind, "inventoried_on": r.inventoried_on, "state": r.state,
                       "case_id": r.case_id, "prospect": r.prospect,
                       "field": industry_name(r.field, lang) if r.field else r.field, "willingness": r.willingness,
                       "college": r.college, "note": r.note, "graded_on": r.graded_on, "approved_on": r.approved_on,
                       "listed_on": r.listed_on, "activated_on": r.activated_on, "activated_by": r.activated_by,
                       "synthetic": r.synthetic} for r in rows],
            "may_inventory": dormant.inventory_refusal(scope, snapshot) is None}


# -- valuations ----------------------------------------------------------------------------------

def scenarios(model: valuation.Model, lang: str) -> list[tuple[str, str]]:
    return [(key, _label(spec["label"], lang)) for key, spec in model.scenarios.items()]


def _label(label: dict[str, str], lang: str) -> str:
    return label.get("en", label["zh"]) if lang == "en" else label["zh"]


def valuation_view(row: Valuation, lang: str) -> dict[str, Any]:
    """A valuation's page and JSON: the stored factors, labels in the page's language."""
    data = valuation.as_dict(row)
    data["scenario_name"] = _label(data["scenario_label"], lang)
    data["model_name"] = _label(data["model"], lang)
    for line in data["lines"]:
        line["dimension_name"] = _label(line["dimension_label"], lang)
        line["group_name"] = _label(line["group_label"], lang)
        line["name"] = _label(line["label"], lang)
    # money back to Decimal for the page (stored as strings in the JSON)
    for approach in data["approaches"].values():
        for key in ("low", "point", "high"):
            approach[key] = Decimal(approach[key])
        for key in ("annual_revenue", "rd_cost"):
            if key in approach.get("inputs", {}):
                approach["inputs"][key] = Decimal(approach["inputs"][key])
        for year in approach.get("years", []):
            year["income"], year["present"] = Decimal(year["income"]), Decimal(year["present"])
        for deal in approach.get("deals", []):
            deal["price"], deal["adjusted"] = Decimal(deal["price"]), Decimal(deal["adjusted"])
    return data
