"""挂牌 (listings) and 需求清单 (technology needs).

A listing offers a patent or a trademark for sale (转让), an exclusive (独占), sole (排他) or ordinary
(普通) licence, or as a capital contribution (作价入股). It is checked against the corpus on the day it
is made (:mod:`zhichan.exchange.checks`): the offering organization holds the right, the right is in
force, a pledge has the pledgee's consent, and no licence stands in the way — a 独占 licence in force
excludes every further licence, a 排他 one every exclusive or sole one; and a patent under a published
open licence may not be licensed exclusively or solely (专利法 第五十一条第三款).

Who sees what: active listings and open needs are public; an enterprise manages its own; bureau staff
see their area's (the organization subtree).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Set
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.rights import right_on
from zhichan.corpus.store import Snapshot
from zhichan.credit.service import active_listing
from zhichan.errors import ConflictError, FormError, InputError, NotFoundError, PermissionDenied
from zhichan.exchange.checks import (
    PLEDGE_BASIS,
    FieldError,
    Problems,
    add,
    flatten,
    holder_problems,
    names_en,
    patent_number,
    platform_status,
    pledge_problems,
    standing_problems,
)
from zhichan.exchange.dormant import mark_listed
from zhichan.exchange.models import Listing, Need
from zhichan.exchange.openlicence import OPEN_EXCLUSIVE, in_force
from zhichan.exchange.scope import manages, visible
from zhichan.legaltime import china_date
from zhichan.money import MoneyError, format_money, parse_money
from zhichan.platform import audit
from zhichan.platform.inlists import scalars_in
from zhichan.platform.models import Organization, Role
from zhichan.platform.scope import Scope, known_region_code
from zhichan.search.index import approximate

#: how an asset is offered, and the kinds of asset; their labels are the catalogue's
#: ``exchange.listing_mode.<code>`` and ``exchange.asset_kind.<code>``
MODES = ("sale", "exclusive", "sole", "ordinary", "equity")
LICENCE_MODES = ("exclusive", "sole", "ordinary")
#: the modes that assign the right (转让, 作价入股): an open licence on it is withdrawn first (开放许可实施指南 §9)
ASSIGNING_MODES = ("sale", "equity")
ASSET_KINDS = ("patent", "trademark")
MAX_PRICE = Decimal("100000000000")  # 1,000 亿元: a typing error, not a deal
#: listings on a page of the list and of a text search's results
PAGE_SIZE = 100
#: a text search walks the visible listings newest first, WALK_LEAST to SCAN_PAGE (id, number) pairs at a time
#: (as many as should hold the matches still wanted, at the rate seen so far), until its
#: page is full or it has walked WALK_PER_HIT listings per hit; then it looks every hit up by the
#: asset-number index (zhichan.platform.inlists.scalars_in: IN_LIST_SIZE numbers a statement). A walked listing costs about a
#: quarter of a looked-up hit (benchmarks/exchange_listing_search.py), so the walk costs at most half the
#: lookup it may end in
SCAN_PAGE = 2_000
WALK_LEAST = 100
WALK_PER_HIT = 2
#: a search that stopped walking once its page was full estimates its total from this many of the hits
ESTIMATE_SAMPLE = 500


def money(text: str, field: str, *, required: bool = False) -> Decimal | None:
    """A yuan amount typed in a form (``zhichan.money.parse_money``, at most ``MAX_PRICE``), or FormError
    beside ``field``."""
    if not (text or "").strip():
        if required:
            raise FormError({field: "请填写金额 / enter an amount"})
        return None
    try:
        value = parse_money(text)
    except MoneyError as exc:
        raise FormError({field: exc.reason}) from None
    if value > MAX_PRICE:
        raise FormError({field: f"金额不能超过 {format_money(MAX_PRICE, 'zh')} / the amount must not exceed "
                                f"{format_money(MAX_PRICE, 'en')}"})
    return value


def _org(session: Session, scope: Scope) -> Organization:
    scope.require_authenticated()
    if scope.role != Role.ENTERPRISE_USER or not scope.party_key:
        raise PermissionDenied("只有创新主体（企业、高校、科研机构）的账号可以发布 / only an enterprise, university or "
                               "institute account can post")
    org = session.get(Organization, scope.org_id)
    if org is None:
        raise PermissionDenied("账号没有所属机构 / the account has no organization")
    return org


def _licence_conflicts(session: Session, mode: str, number: str, licences: Any, problems: Problems) -> None:
    if mode not in LICENCE_MODES:
        return
    for licence in licences:
        kind = licence.kind
        if kind.startswith("独占") or (kind.startswith("排他") and mode != "ordinary"):
            until = f"至 {licence.until}" if licence.until else "未登记期限"
            add(problems, "mode", f"与有效的{kind}冲突（被许可人：{licence.licensee or '—'}，{until}） / conflicts with "
                                  f"an exclusive or sole licence in force")
    if mode in ("exclusive", "sole") and number in in_force(session, [number]):
        add(problems, "mode", OPEN_EXCLUSIVE)


def create_listing(session: Session, scope: Scope, snapshot: Snapshot | None, *, asset_kind: str, number: str,
                   mode: str, price: str, description: str, pledgee_consent: bool,
                   now: dt.datetime, description_en: str = "") -> Listing:
    """挂牌 of a right the caller's organization holds, checked against the corpus; ``description_en`` (optional) is the
    description in English."""
    org = _org(session, scope)
    today = china_date(now)
    errors: dict[str, str] = {}
    if asset_kind not in ASSET_KINDS:
        errors["asset_kind"] = "请选择专利或商标 / choose patent or trademark"
    if mode not in MODES:
        errors["mode"] = "请选择交易方式 / choose how it is offered"
    try:
        price_yuan = money(price, "price")
    except FormError as exc:
        errors.update(exc.errors)
        price_yuan = None
    for name, text in (("description", description), ("description_en", description_en)):
        if len(text) > 5000:
            errors[name] = "说明不超过 5000 字 / at most 5,000 characters"
    if snapshot is None:
        raise ConflictError("尚无语料快照，无法核对权利状态 / no corpus snapshot: the right cannot be checked")
    problems: Problems = {}
    title, ipc, region = "", "", ""
    asset = ""
    if asset_kind == "patent":
        try:
            asset = patent_number(number)
        except FieldError as exc:
            errors["number"] = str(exc)
        if asset:
            status = platform_status(session, right_on(snapshot, asset, today))
            standing_problems(status, problems, field="number")
            english = names_en(session, status, org.name, synthetic=snapshot.synthetic)
            holder_problems(status, org.name, problems, field="number", party_key=scope.party_key, english=english)
            pledge_problems(status, pledgee_consent, problems, field="pledgee_consent", english=english, basis=PLEDGE_BASIS)
            if status.found:
                _licence_conflicts(session, mode, asset, status.licences, problems)
            title, region = status.title or "", status.region_code or ""
            from zhichan.exchange.openlicence import patent_ipc

            ipc = " ".join(patent_ipc(snapshot, asset))
    elif asset_kind == "trademark":
        asset = (number or "").strip().upper()
        mark = _trademark(snapshot, asset)
        if mark is None:
            add(problems, "number", "平台数据中没有该注册商标 / the registered trademark is not in the platform's data")
        else:
            if mark["status"] != "registered" or (mark["expiry_date"] and mark["expiry_date"] < today):
                add(problems, "number", "商标专用权不在有效期内 / the trademark registration is not in force")
            if normalize_name(mark["registrant"] or "") not in (normalize_name(org.name), scope.party_key):
                add(problems, "number", f"注册人为“{mark['registrant']}”，不是您所在单位 / the registrant is "
                                        f"{mark['registrant']}, not your organization")
            title, region = f"{mark['mark_name']}（第{mark['nice_class']}类）", mark["region_code"] or ""
    listed = active_listing(session, on=today, name=org.name)
    if listed is not None:
        add(problems, "number", listed.reason)
    errors.update(flatten(problems))
    if errors:
        raise FormError(errors)
    duplicate = session.scalar(select(Listing.id).where(Listing.asset_number == asset, Listing.mode == mode,
                                                        Listing.state == "active", Listing.org_id == org.id))
    if duplicate is not None:
        raise FormError({"number": f"已有相同的挂牌（编号 {duplicate}） / the same listing exists (no. {duplicate})"})
    listing = Listing(asset_kind=asset_kind, asset_number=asset, title=title[:500], mode=mode, price_yuan=price_yuan,
                      description=description.strip(), description_en=description_en.strip() or None, owner=org.name, ipc=ipc, asset_region=region,
                      pledgee_consent=pledgee_consent, state="active", org_id=org.id, org_path=org.path,
                      party_key=scope.party_key, user_id=scope.user_id, synthetic=bool(snapshot.synthetic),
                      created_at=now)
    session.add(listing)
    session.flush()
    if asset_kind == "patent":
        mark_listed(session, org.id, asset, today)
    audit.record(session, scope, "exchange.listing", asset, detail={"listing": listing.id, "mode": mode})
    return listing


def _trademark(snapshot: Snapshot, number: str) -> dict[str, Any] | None:
    con = snapshot.reader()
    try:
        columns = ("mark_name", "nice_class", "registrant", "status", "expiry_date", "region_code")
        rows = con.execute(f"SELECT {', '.join(columns)} FROM trademarks WHERE registration_number = ?",
                           [number]).fetchall()
    finally:
        con.close()
    return dict(zip(columns, rows[0], strict=True)) if rows else None


def shown(scope: Scope, row: Listing) -> bool:
    """Whether the caller sees a listing's page: an active one to all, any other to who manages it (a sold or
    withdrawn listing's page is its owner's and the bureau's; a link elsewhere — its auction's — leads there only for
    them)."""
    return row.state == "active" or manages(scope, row)


def get_listing(session: Session, scope: Scope, listing_id: int) -> Listing:
    row = session.get(Listing, listing_id)
    if row is None or not shown(scope, row):
        raise NotFoundError(f"没有挂牌 {listing_id} / no listing {listing_id}")
    return row


@dataclass(frozen=True)
class ListingPage:
    """A page of listings, newest first, and how many there are in all: exact, or — when a text search stopped
    walking once the page was full — ``estimated`` (shown as 约 N, two significant digits, as the search's
    sampled facets are)."""

    rows: list[Listing]
    total: int
    estimated: bool
    page: int
    per_page: int
    has_next: bool


def list_listings(session: Session, scope: Scope, *, mine: bool = False, mode: str = "", page: int = 1,
                  per_page: int = PAGE_SIZE, hits: Set[str] | None = None) -> ListingPage:
    """The listings the caller sees, newest first, page ``page``; ``hits``: only those whose patent matched a
    text query (:func:`zhichan.exchange.openlicence.text_hits`, the search index).

    Only the page's rows are loaded. A search walks the visible listings newest first by the walk index
    (ids and numbers, in chunks sized by the rate of matches seen) and stops when the page is full; once it
    has walked :data:`WALK_PER_HIT` listings per hit without filling it (few hits, or hits among old
    listings), it looks every hit up by the asset-number index instead. Its work is bounded by the page and by the hits alike.
    The total is exact when every match was seen; otherwise the listings of an evenly spaced sample of
    :data:`ESTIMATE_SAMPLE` hits, looked up by number, scaled up to all the hits."""
    query = visible(scope, select(Listing.id), Listing, "active")
    if mine:
        if not scope.is_authenticated:
            return ListingPage([], 0, False, page, per_page, False)
        query = query.where(Listing.org_id == scope.org_id) if scope.role == Role.ENTERPRISE_USER else \
            query.where(Listing.org_path.startswith(scope.org_path or "/", autoescape=True))
    if mode:
        query = query.where(Listing.mode == mode)
    offset, wanted = (page - 1) * per_page, page * per_page + 1  # one more: whether a next page exists
    estimated = False
    if hits is None:
        chosen = list(session.scalars(query.order_by(Listing.id.desc()).offset(offset).limit(per_page + 1)))
        total = session.scalar(query.with_only_columns(func.count(Listing.id))) or 0
    elif not hits:
        chosen, total = [], 0
    else:
        query = query.where(Listing.asset_kind == "patent")
        matched, complete = _matching_ids(session, query, hits, wanted)
        chosen = matched[offset:]
        if complete:
            total = len(matched)
        else:
            # the listings of an evenly spaced sample of the hits (by number), scaled up to all of them — a
            # sample of the hits, not of the newest listings walked, whose subjects follow their age
            from zhichan.exchange.openlicence import TextHits

            numbers = hits.ordered if isinstance(hits, TextHits) else sorted(hits)
            sample = numbers[::-(-len(numbers) // ESTIMATE_SAMPLE)]
            found = len(_looked_up(session, query, sample))
            if len(sample) == len(numbers):
                total = found
            else:
                total, estimated = max(len(matched), approximate(found, len(numbers) / len(sample))), True
    rows = list(session.scalars(select(Listing).where(Listing.id.in_(chosen[:per_page])).order_by(Listing.id.desc()))) \
        if chosen else []
    return ListingPage(rows, total, estimated, page, per_page, len(chosen) > per_page)


def _matching_ids(session: Session, ids: Select[Any], hits: Set[str], wanted: int) -> tuple[list[int], bool]:
    """The ids of the listings of ``ids`` whose number is a hit, newest first: at least ``wanted`` of them, or
    all; and whether these are all."""
    pairs = ids.add_columns(Listing.asset_number).order_by(Listing.id.desc())
    matched: list[int] = []
    walked, last, budget = 0, 0, WALK_PER_HIT * len(hits)
    while len(matched) < wanted:
        if walked >= budget:  # every match, by the asset-number index
            return sorted(_looked_up(session, ids, sorted(hits)), reverse=True), True
        # about as many as should hold the matches still wanted at the rate seen so far (at first: one in 8)
        rate = len(matched) / walked if walked else 1 / 8
        size = math.ceil(1.25 * (wanted - len(matched)) / rate) if rate else SCAN_PAGE
        size = min(SCAN_PAGE, budget - walked, max(WALK_LEAST, size))
        rows = session.execute((pairs.where(Listing.id < last) if walked else pairs).limit(size)).all()
        matched.extend(listing_id for listing_id, number in rows if number in hits)
        if len(rows) < size:
            return matched, True  # walked to the oldest
        last, walked = rows[-1][0], walked + len(rows)
    return matched, False


def _looked_up(session: Session, ids: Select[Any], numbers: list[str]) -> list[int]:
    """The ids of the listings of ``ids`` with one of ``numbers``, by the asset-number index."""
    return scalars_in(session, ids, numbers, Listing.asset_number)


def withdraw_listing(session: Session, scope: Scope, listing_id: int) -> Listing:
    row = get_listing(session, scope, listing_id)
    if not manages(scope, row):
        raise PermissionDenied("只有挂牌单位可以撤牌 / only the listing organization may withdraw it")
    from zhichan.exchange.models import Auction

    if session.scalar(select(Auction.id).where(Auction.listing_id == row.id,
                                               Auction.state.in_(("open", "suspended")))) is not None:
        raise ConflictError("竞价进行中，不能撤牌 / an auction is running on this listing")
    row.state = "withdrawn"
    session.flush()
    audit.record(session, scope, "exchange.listing.withdraw", row.asset_number, detail={"listing": row.id})
    return row


def value_indicators(access: Any, snapshot: Snapshot | None, number: str, on: dt.date) -> dict[str, Any]:
    """The patent's value indicators as the platform already defines them: the five high-value criteria
    (:mod:`zhichan.search.highvalue`, the indicators' flags stored with the index), the bibliographic
    counts of :func:`zhichan.platform.portal.patent_detail` and the remaining term of
    :func:`zhichan.corpus.rights.right_on`."""
    from zhichan.platform.portal import patent_detail
    from zhichan.search.highvalue import high_value_table

    if snapshot is None:
        return {}
    detail = patent_detail(access, number)
    table = high_value_table(snapshot)
    criteria = sorted({c for n, c in zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True)
                       if n == detail["application_number"]})
    status = right_on(snapshot, detail["application_number"], on)
    remaining = None
    if status.term_end is not None and status.in_force:
        remaining = round((status.term_end - on).days / 365.25, 1)
    counts = {"transfer": 0, "licence": 0, "pledge": 0}
    for e in detail["events"]:
        if e["event_type"] in counts:
            counts[e["event_type"]] += 1
    return {"high_value": criteria, "high_value_applies": status.kind == "invention",  # 高价值发明专利: inventions only
            "claim_count": detail.get("claim_count"), "family_size": detail.get("family_size"),
            "family_granted_abroad": detail.get("family_granted_abroad"), "forward_citations": detail.get("forward_citations"),
            "remaining_years": remaining, "term_end": status.term_end, "events": counts,
            # the term as the pledge checks say it (zhichan.corpus.rights.Term): with a registered compensation, or
            # unknown where the compensation's length cannot be read (no end, no remaining years)
            "term_compensated": bool(status.term and status.term.compensated and not status.term.unknown),
            "term_unknown": status.term_unknown,
            "statutory_term_end": status.term.statutory_end if status.term else None,
            "legal_status": detail.get("legal_status"), "kind": detail.get("kind")}


# -- needs ---------------------------------------------------------------------------------------

def post_need(session: Session, scope: Scope, *, title: str, text: str, industry: str, budget: str, region: str,
              now: dt.datetime, synthetic: bool = False, title_en: str = "", text_en: str = "") -> Need:
    """A need; ``title_en`` and ``text_en`` (optional) are its title and description in English."""
    org = _org(session, scope)
    errors: dict[str, str] = {}
    for name, value, limit in (("title", title, 300), ("text", text, 5000), ("industry", industry, 100),
                               ("title_en", title_en, 300), ("text_en", text_en, 5000)):
        if not value.strip():
            if not name.endswith("_en"):
                errors[name] = "必填 / required"
        elif len(value) > limit:
            errors[name] = f"不超过 {limit} 字 / at most {limit} characters"
    try:
        budget_yuan = money(budget, "budget")
    except FormError as exc:
        errors.update(exc.errors)
        budget_yuan = None
    code = org.region_code
    if region.strip():
        try:
            code = known_region_code(region)
        except InputError as exc:  # malformed, or naming no region: beside the field
            errors["region"] = exc.message
    if errors:
        raise FormError(errors)
    need = Need(title=title.strip(), text=text.strip(), title_en=title_en.strip() or None, text_en=text_en.strip() or None,
                industry=industry.strip(), budget_yuan=budget_yuan,
                region_code=code, state="open", org_id=org.id, org_path=org.path, party_key=scope.party_key,
                poster=org.name, synthetic=synthetic, created_at=now)
    session.add(need)
    session.flush()
    audit.record(session, scope, "exchange.need", need.title, detail={"need": need.id})
    return need


def list_needs(session: Session, scope: Scope, *, limit: int = 100) -> list[Need]:
    return list(session.scalars(visible(scope, select(Need), Need, "open").order_by(Need.id.desc()).limit(limit)))


def get_need(session: Session, scope: Scope, need_id: int) -> Need:
    row = session.get(Need, need_id)
    if row is None or not (row.state == "open" or manages(scope, row)):
        raise NotFoundError(f"没有需求 {need_id} / no need {need_id}")
    return row


def close_need(session: Session, scope: Scope, need_id: int) -> Need:
    row = get_need(session, scope, need_id)
    if not manages(scope, row):
        raise PermissionDenied("只有发布单位可以关闭需求 / only the posting organization may close it")
    row.state = "closed"
    session.flush()
    return row
