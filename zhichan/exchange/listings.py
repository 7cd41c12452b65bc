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
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.rights import right_on
from zhichan.corpus.store import Snapshot
from zhichan.credit.service import active_listing
from zhichan.errors import ConflictError, FormError, NotFoundError, PermissionDenied
from zhichan.exchange.checks import (
    FieldError,
    Problems,
    add,
    flatten,
    holder_problems,
    patent_number,
    pledge_problems,
    standing_problems,
)
from zhichan.exchange.dormant import mark_listed
from zhichan.exchange.models import Listing, Need, OpenLicence
from zhichan.exchange.scope import manages, visible
from zhichan.legaltime import china_date
from zhichan.platform import audit
from zhichan.platform.models import Organization, Role
from zhichan.platform.scope import Scope, normalize_region_code

#: how an asset is offered, and the kinds of asset; their labels are the catalogue's
#: ``exchange.listing_mode.<code>`` and ``exchange.asset_kind.<code>``
MODES = ("sale", "exclusive", "sole", "ordinary", "equity")
LICENCE_MODES = ("exclusive", "sole", "ordinary")
ASSET_KINDS = ("patent", "trademark")
MAX_PRICE = Decimal("100000000000")  # 1,000 亿元: a typing error, not a deal
#: a text search's hits up to this many are looked up by the asset-number index, in chunks of HITS_CHUNK
#: (bound parameters per statement); more are matched while walking the listings newest first, SCAN_PAGE
#: at a time (benchmarks/exchange_listing_search.py)
HITS_BY_INDEX = 20_000
HITS_CHUNK = 2_000
SCAN_PAGE = 2_000


def money(text: str, field: str, *, required: bool = False) -> Decimal | None:
    """A yuan amount typed in a form: Decimal with at most two decimals, or FormError beside ``field``."""
    cleaned = (text or "").strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    if not cleaned:
        if required:
            raise FormError({field: "请填写金额 / enter an amount"})
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FormError({field: "金额应为数字（元） / the amount must be a number (yuan)"}) from None
    if not value.is_finite() or value <= 0 or value > MAX_PRICE or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise FormError({field: "金额应大于零、最多两位小数 / the amount must be above zero with at most two decimals"})
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
    if mode in ("exclusive", "sole") and session.scalar(select(OpenLicence.id).where(
            OpenLicence.application_number == number, OpenLicence.state == "published")) is not None:
        add(problems, "mode", "该专利实行开放许可，不得给予独占或排他许可 / under an open licence the patent may not be "
                              "licensed exclusively or solely (专利法第五十一条)")


def create_listing(session: Session, scope: Scope, snapshot: Snapshot | None, *, asset_kind: str, number: str,
                   mode: str, price: str, description: str, pledgee_consent: bool,
                   now: dt.datetime) -> Listing:
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
    if len(description) > 5000:
        errors["description"] = "说明不超过 5000 字 / at most 5,000 characters"
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
            status = right_on(snapshot, asset, today)
            standing_problems(status, problems, field="number")
            holder_problems(status, org.name, problems, field="number", party_key=scope.party_key)
            pledge_problems(status, pledgee_consent, problems, field="pledgee_consent")
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
                      description=description.strip(), owner=org.name, ipc=ipc, asset_region=region,
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
    con = snapshot.connect()
    try:
        columns = ("mark_name", "nice_class", "registrant", "status", "expiry_date", "region_code")
        rows = con.execute(f"SELECT {', '.join(columns)} FROM trademarks WHERE registration_number = ?",
                           [number]).fetchall()
    finally:
        con.close()
    return dict(zip(columns, rows[0], strict=True)) if rows else None


def get_listing(session: Session, scope: Scope, listing_id: int) -> Listing:
    row = session.get(Listing, listing_id)
    if row is None or not (row.state == "active" or manages(scope, row)):
        raise NotFoundError(f"没有挂牌 {listing_id} / no listing {listing_id}")
    return row


def list_listings(session: Session, scope: Scope, *, mine: bool = False, mode: str = "", limit: int = 100,
                  hits: set[str] | None = None) -> list[Listing]:
    """Listings the caller sees, newest first; ``hits``: only those whose patent matched a text query
    (:func:`zhichan.exchange.openlicence.text_hits`, the search index)."""
    query = visible(scope, select(Listing), Listing, "active")
    if mine:
        if not scope.is_authenticated:
            return []
        query = query.where(Listing.org_id == scope.org_id) if scope.role == Role.ENTERPRISE_USER else \
            query.where(Listing.org_path.startswith(scope.org_path or "/", autoescape=True))
    if mode:
        query = query.where(Listing.mode == mode)
    if hits is None:
        return list(session.scalars(query.order_by(Listing.id.desc()).limit(limit)))
    query = query.where(Listing.asset_kind == "patent")
    if not hits:
        return []
    ids = query.with_only_columns(Listing.id)  # ids first, no ORDER BY: the planner keeps to the index
    if len(hits) <= HITS_BY_INDEX:
        # few hits: the asset-number index finds each chunk's listings; the newest of all are kept
        numbers = sorted(hits)
        found: list[int] = []
        for i in range(0, len(numbers), HITS_CHUNK):
            found.extend(session.scalars(ids.where(Listing.asset_number.in_(numbers[i:i + HITS_CHUNK]))))
        chosen = sorted(found, reverse=True)[:limit]
    else:
        # many hits (a broad query matches much of the corpus): walk the listings newest first, a page
        # of (id, number) at a time, until ``limit`` have matched
        chosen, last = [], None
        pairs = query.with_only_columns(Listing.id, Listing.asset_number)
        while len(chosen) < limit:
            page = pairs if last is None else pairs.where(Listing.id < last)
            rows = session.execute(page.order_by(Listing.id.desc()).limit(SCAN_PAGE)).all()
            if not rows:
                break
            chosen.extend(listing_id for listing_id, number in rows if number in hits)
            last = rows[-1][0]
        chosen = chosen[:limit]
    if not chosen:
        return []
    return list(session.scalars(select(Listing).where(Listing.id.in_(chosen)).order_by(Listing.id.desc())))


def withdraw_listing(session: Session, scope: Scope, listing_id: int) -> Listing:
    row = get_listing(session, scope, listing_id)
    if not manages(scope, row):
        raise PermissionDenied("只有挂牌单位可以撤牌 / only the listing organization may withdraw it")
    from zhichan.exchange.models import Auction

    if session.scalar(select(Auction.id).where(Auction.listing_id == row.id, Auction.state == "open")) is not None:
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
    return {"high_value": criteria, "claim_count": detail.get("claim_count"), "family_size": detail.get("family_size"),
            "family_granted_abroad": detail.get("family_granted_abroad"), "forward_citations": detail.get("forward_citations"),
            "remaining_years": remaining, "term_end": status.term_end, "events": counts,
            "legal_status": detail.get("legal_status"), "kind": detail.get("kind")}


# -- needs ---------------------------------------------------------------------------------------

def post_need(session: Session, scope: Scope, *, title: str, text: str, industry: str, budget: str, region: str,
              now: dt.datetime, synthetic: bool = False) -> Need:
    org = _org(session, scope)
    errors: dict[str, str] = {}
    for name, value, limit in (("title", title, 300), ("text", text, 5000), ("industry", industry, 100)):
        if not value.strip():
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
            code = normalize_region_code(region)
        except Exception:  # noqa: BLE001 - InputError: shown beside the field
            errors["region"] = "行政区划代码应为 2、4 或 6 位数字 / a region code has 2, 4 or 6 digits"
    if errors:
        raise FormError(errors)
    need = Need(title=title.strip(), text=text.strip(), industry=industry.strip(), budget_yuan=budget_yuan,
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
