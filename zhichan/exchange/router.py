"""HTTP for the exchange (运营交易大厅): the hall, the public open-licence catalogue and declarations,
licences and their 备案, listings with value indicators, online auctions (live by HTMX polling from
this server), technology needs; the catalogue, declarations and auctions as JSON under ``/api/v1``, where a bidder
also pays the deposit and bids and the area's officers suspend, resume and terminate an auction (the forms' services).
Thin: the services decide, :mod:`zhichan.exchange.scope` says who sees what.

Declarations themselves are filed, published, refused, withdrawn and revoked on the procedure
engine's generic pages (``/procedures/exchange.open_licence/new``, ``/cases/{id}``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from zhichan.errors import ConflictError, FormError, InputError
from zhichan.evidence.service import EvidenceService, utcnow
from zhichan.exchange import bidding, listings, openlicence, valuation, views
from zhichan.platform.portal import CorpusAccess
from zhichan.platform.scope import Scope
from zhichan.reports import MEDIA_TYPES
from zhichan.reports import render as render_report
from zhichan.web.deps import (
    DbDep,
    PartRoute,
    ScopeDep,
    TransactionRoute,
    check_texts,
    lang,
    page_part,
    render,
    render_string,
)
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.labels import coded
from zhichan.web.openapi import BodyText, errors, fast_json

TEMPLATES = Path(__file__).resolve().parent / "templates"
router = APIRouter(route_class=TransactionRoute)
#: the parts the exchange's pages load in their place (zhichan.web.deps.PartRoute): what they cannot show is said there
parts = APIRouter(include_in_schema=False, route_class=PartRoute)

MAX_INT = 2**31 - 1
Id = Annotated[int, PathParam(ge=1, le=MAX_INT)]


def menu(scope: Scope) -> list[MenuItem]:
    return [("/exchange", "nav.exchange")]


def _corpus(request: Request) -> CorpusAccess:
    access: CorpusAccess = request.app.state.corpus
    return access


def _evidence(request: Request) -> EvidenceService:
    evidence: EvidenceService = request.app.state.procedures.evidence
    return evidence


async def _fields(request: Request) -> tuple[dict[str, str], dict[str, bytes]]:
    """A submitted form's text fields and files (each read up to the platform's attachment limit)."""
    limit: int = request.app.state.procedures.max_attachment_bytes
    fields: dict[str, str] = {}
    uploads: dict[str, bytes] = {}
    async with request.form(max_files=5, max_fields=50) as form:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read(limit + 1)
                if len(content) > limit:
                    mb = limit // (1024 * 1024)
                    raise FormError({key: f"文件超过 {mb} MB / the file is larger than {mb} MB"})
                uploads[key] = content
            elif key != "csrf_token":
                fields[key] = value
    return fields, uploads


# -- the hall and open licences ------------------------------------------------------------------

@router.get("/exchange", include_in_schema=False)
def hall(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return render(request, "exchange/hall.html", views.hall_view(session, scope))


def _catalogue(request: Request, session: Session, q: str, ipc: str, fee_method: str, region: str,
               page: int) -> dict[str, Any]:
    return views.catalogue_view(session, _corpus(request).snapshot(), lang(request), q=q, ipc=ipc,
                                fee_method=fee_method, region=region, page=page)


@router.get("/exchange/open-licences", include_in_schema=False)
def catalogue_page(request: Request, session: Session = DbDep, q: str = Query("", max_length=500),
                   ipc: str = Query("", max_length=20), fee_method: str = Query("", max_length=20),
                   region: str = Query("", max_length=6), page: int = Query(1, ge=1, le=10_000)) -> Response:
    # a filter it cannot read (an unknown region or fee method): the catalogue without it, the message beside its
    # field (zhichan.web.query_errors)
    return render(request, "exchange/catalogue.html", {**_catalogue(request, session, q, ipc, fee_method, region, page),
                                                       "errors": {}})


@router.get("/api/v1/exchange/open-licences", tags=["exchange"], responses=errors(400, 409, 422))
def api_catalogue(request: Request, session: Session = DbDep, q: str = Query("", max_length=500),
                  ipc: str = Query("", max_length=20), fee_method: str = Query("", max_length=20),
                  region: str = Query("", max_length=6), page: int = Query(1, ge=1, le=10_000)) -> Response:
    """专利开放许可目录 (public): published declarations; ``q`` in the search query language (a bare term
    searches title, abstract and claims through the index), ``ipc`` a class/group prefix, ``fee_method``
    (fixed | sales_royalty | profit_royalty), ``region`` the patent's region code."""
    return fast_json(_catalogue(request, session, q, ipc, fee_method, region, page))


@router.get("/exchange/open-licences/{declaration_id}", include_in_schema=False)
def declaration_page(request: Request, declaration_id: Id, scope: Scope = ScopeDep, session: Session = DbDep,
                     other_rate: str = Query("", max_length=10)) -> Response:
    snapshot = _corpus(request).snapshot()
    try:
        data = views.declaration_view(session, scope, declaration_id, lang(request), snapshot=snapshot,
                                      other=other_rate)
        form_errors: dict[str, str] = {}
    except FormError as exc:
        data = views.declaration_view(session, scope, declaration_id, lang(request), snapshot=snapshot)
        form_errors = exc.errors
    return render(request, "exchange/declaration.html", {**data, "errors": form_errors, "values": {}},
                  status=422 if form_errors else 200)


@router.get("/api/v1/exchange/open-licences/{declaration_id}", tags=["exchange"], responses=errors(404, 422))
def api_declaration(request: Request, declaration_id: Id, scope: Scope = ScopeDep, session: Session = DbDep,
                    other_rate: str = Query("", max_length=10)) -> Response:
    """A declaration with the annuity reduction per patent year (``other_rate``: another reduction in per
    cent; the more favourable one applies, never both) and, for its patentee and bureau, the licences."""
    return fast_json(views.declaration_view(session, scope, declaration_id, lang(request),
                                            snapshot=_corpus(request).snapshot(), other=other_rate))


@router.post("/exchange/open-licences/{declaration_id}/licences", include_in_schema=False)
async def take_licence(request: Request, declaration_id: Id, scope: Scope = ScopeDep,
                       session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields: dict[str, str] = {}
    try:
        fields, files = await _fields(request)
        check_texts({name: (text, None) for name, text in fields.items()})
        openlicence.take_licence(session, scope, _evidence(request), declaration_id,
                                 licensee=fields.get("licensee", ""), notice_on=fields.get("notice_on", ""),
                                 paid_yuan=fields.get("paid_yuan", ""), paid_on=fields.get("paid_on", ""),
                                 notice=files.get("notice", b""), payment_proof=files.get("payment_proof", b""),
                                 now=utcnow())
    except FormError as exc:
        session.rollback()
        data = views.declaration_view(session, scope, declaration_id, lang(request),
                                      snapshot=_corpus(request).snapshot())
        return render(request, "exchange/declaration.html", {**data, "errors": exc.errors, "values": fields},
                      status=422)
    session.commit()
    return RedirectResponse(f"/exchange/open-licences/{declaration_id}#licences", status_code=303)


@router.post("/exchange/licences/{grant_id}/record", include_in_schema=False)
async def record_licence(request: Request, grant_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields, _ = await _fields(request)
    grant = openlicence.record_licence(session, scope, _evidence(request), grant_id,
                                       recorded_on=fields.get("recorded_on", ""), now=utcnow())
    session.commit()
    return RedirectResponse(f"/exchange/open-licences/{grant.open_licence_id}#licences", status_code=303)


# -- listings ------------------------------------------------------------------------------------

@router.get("/exchange/listings", include_in_schema=False)
def listings_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep, mine: bool = False,
                  mode: str = Query("", max_length=20), q: str = Query("", max_length=500),
                  page: int = Query(1, ge=1, le=10_000)) -> Response:
    return render(request, "exchange/listings.html", views.listings_view(
        session, scope, lang(request), mine=mine, mode=mode, q=q, page=page, snapshot=_corpus(request).snapshot()))


def _listing_form(request: Request, errors_: dict[str, str] | None = None, values: dict[str, str] | None = None,
                  status: int = 200) -> Response:
    modes = [(k, coded(lang(request), "exchange.listing_mode", k)) for k in listings.MODES]
    kinds = [(k, coded(lang(request), "exchange.asset_kind", k)) for k in listings.ASSET_KINDS]
    return render(request, "exchange/listing_new.html", {"errors": errors_ or {}, "values": values or {},
                                                         "modes": modes, "kinds": kinds}, status=status)


@router.get("/exchange/listings/new", include_in_schema=False)
def listing_form(request: Request, scope: Scope = ScopeDep) -> Response:
    scope.require_authenticated()
    return _listing_form(request)


@router.post("/exchange/listings/new", include_in_schema=False)
async def listing_submit(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields: dict[str, str] = {}
    try:
        fields, _ = await _fields(request)
        check_texts({name: (text, None) for name, text in fields.items()})
        created = listings.create_listing(
            session, scope, _corpus(request).snapshot(), asset_kind=fields.get("asset_kind", ""),
            number=fields.get("number", ""), mode=fields.get("mode", ""), price=fields.get("price", ""),
            description=fields.get("description", ""), pledgee_consent=fields.get("pledgee_consent") == "yes",
            now=utcnow(), description_en=fields.get("description_en", ""))
    except FormError as exc:
        session.rollback()
        return _listing_form(request, exc.errors, fields, status=422)
    session.commit()
    return RedirectResponse(f"/exchange/listings/{created.id}", status_code=303)


@router.get("/exchange/listings/{listing_id}", include_in_schema=False)
def listing_page(request: Request, listing_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    data = views.listing_view(session, scope, _corpus(request), listing_id, lang(request))
    return render(request, "exchange/listing.html", {**data, "errors": {}, "values": {}})


@router.post("/exchange/listings/{listing_id}/withdraw", include_in_schema=False)
def listing_withdraw(listing_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    listings.withdraw_listing(session, scope, listing_id)
    return RedirectResponse(f"/exchange/listings/{listing_id}", status_code=303)


@router.post("/exchange/listings/{listing_id}/auctions", include_in_schema=False)
async def auction_create(request: Request, listing_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    settings = request.app.state.settings
    fields: dict[str, str] = {}
    try:
        fields, _ = await _fields(request)
        check_texts({name: (text, None) for name, text in fields.items()})
        auction = bidding.create_auction(
            session, scope, listing_id, starting_price=fields.get("starting_price", ""),
            increment=fields.get("increment", ""), reserve=fields.get("reserve", ""), deposit=fields.get("deposit", ""),
            starts_at=fields.get("starts_at", ""), closes_at=fields.get("closes_at", ""),
            extend_window_minutes=settings.exchange_bid_extend_window_minutes,
            extend_minutes=settings.exchange_bid_extend_minutes, now=utcnow())
    except FormError as exc:
        session.rollback()
        data = views.listing_view(session, scope, _corpus(request), listing_id, lang(request))
        return render(request, "exchange/listing.html", {**data, "errors": exc.errors, "values": fields}, status=422)
    session.commit()
    return RedirectResponse(f"/exchange/auctions/{auction.id}", status_code=303)


# -- auctions ------------------------------------------------------------------------------------

def _auction_page(request: Request, scope: Scope, session: Session, auction_id: int, *,
                  errors_: dict[str, str] | None = None, message: str = "", values: dict[str, str] | None = None,
                  status: int = 200) -> Response:
    data = views.auction_view(session, scope, auction_id, lang(request))
    return render(request, "exchange/auction.html", {**data, "errors": errors_ or {}, "message": message,
                                                     "values": values or {}}, status=status)


@router.get("/exchange/auctions", include_in_schema=False)
def auctions_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return render(request, "exchange/auctions.html", views.auctions_view(session, lang(request)))


@router.get("/api/v1/exchange/auctions", tags=["exchange"], responses=errors())
def api_auctions(request: Request, session: Session = DbDep) -> Response:
    """The running auctions, closing soonest first, and the latest closed ones with their outcome (public)."""
    return fast_json(views.auctions_view(session, lang(request)))


@router.get("/exchange/auctions/{auction_id}", include_in_schema=False)
def auction_page(request: Request, auction_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return _auction_page(request, scope, session, auction_id)


@parts.get("/exchange/auctions/{auction_id}/live")
@page_part(element=("section", "auction-live", "card"))
def auction_live(request: Request, auction_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """The page's live part (high bid, close, bids), polled by HTMX every two seconds while it is open; an auction no
    longer shown to the caller says so in its place and the poll stops."""
    return render(request, "exchange/_auction_live.html", views.auction_view(session, scope, auction_id, lang(request)))


@router.get("/api/v1/exchange/auctions/{auction_id}", tags=["exchange"], responses=errors(404, 422))
def api_auction(request: Request, auction_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """An auction: prices, the close as extended, the bids (bidders named — ``bidders_named`` — to the exchange's operator,
    the officers of the listing's area, and the seller only; 竞买人 N to anyone else)."""
    return fast_json(views.auction_view(session, scope, auction_id, lang(request)))


@router.post("/exchange/auctions/{auction_id}/deposit", include_in_schema=False)
def auction_deposit(auction_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    views.shown_auction(session, scope, auction_id)
    bidding.pay_deposit(session, scope, auction_id)
    return RedirectResponse(f"/exchange/auctions/{auction_id}", status_code=303)


@router.post("/exchange/auctions/{auction_id}/bids", include_in_schema=False)
async def auction_bid(request: Request, auction_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    views.shown_auction(session, scope, auction_id)
    fields: dict[str, str] = {}
    try:
        fields, _ = await _fields(request)
        check_texts({name: (text, None) for name, text in fields.items()})
        bidding.place_bid(session, scope, _evidence(request), auction_id, fields.get("amount", ""))
    except FormError as exc:
        session.rollback()
        return _auction_page(request, scope, session, auction_id, errors_=exc.errors, values=fields, status=422)
    except ConflictError as exc:  # closed, suspended or terminated meanwhile: the page as it is now, and why
        session.rollback()
        return _auction_page(request, scope, session, auction_id, message=exc.message, values=fields, status=409)
    session.commit()
    return RedirectResponse(f"/exchange/auctions/{auction_id}", status_code=303)


@router.post("/exchange/auctions/{auction_id}/stop", include_in_schema=False)
async def auction_stop(request: Request, auction_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """The area's officers suspend (中止), resume or terminate (终止) a running auction with its ground and reason
    (zhichan.exchange.auction_stops); a field left wrong beside it (422), an act its state no longer allows the page
    with the message (409)."""
    from zhichan.exchange.auction_stops import stop_auction

    scope.require_authenticated()
    views.shown_auction(session, scope, auction_id)
    fields: dict[str, str] = {}
    try:
        fields, _ = await _fields(request)
        check_texts({name: (text, None) for name, text in fields.items()})
        stop_auction(session, scope, _evidence(request), auction_id, action=fields.get("action", ""),
                     ground=fields.get("ground", ""), reason=fields.get("reason", ""),
                     resume_minutes=request.app.state.settings.exchange_auction_resume_minutes)
    except FormError as exc:
        session.rollback()
        return _auction_page(request, scope, session, auction_id, errors_=exc.errors, values=fields, status=422)
    except ConflictError as exc:
        session.rollback()
        return _auction_page(request, scope, session, auction_id, message=exc.message, values=fields, status=409)
    session.commit()
    return RedirectResponse(f"/exchange/auctions/{auction_id}", status_code=303)


# -- auctions through the API: the same services as the page's forms ---------------------------------

class StopIn(BaseModel):
    """An officer's suspension, resumption or termination of an auction: its ground and reason, as the page's form."""

    model_config = ConfigDict(strict=True)

    ground: BodyText = Field(..., max_length=40, description=(
        "事由：中止 ownership_dispute | preservation | incident | other；恢复 cause_removed；终止 no_right | right_ended | "
        "force_majeure | other（其他取值 422，details.fields.ground）/ the ground: suspend ownership_dispute | preservation "
        "| incident | other; resume cause_removed; terminate no_right | right_ended | force_majeure | other (another "
        "value is a 422 naming the field)"))
    reason: BodyText = Field(..., max_length=2000, description=(
        "理由（空白合并后 1–500 字）/ the reason (1–500 characters once white space is collapsed)"))


class BidIn(BaseModel):
    """A bid, as the auction page's form."""

    model_config = ConfigDict(strict=True)

    amount: BodyText = Field(..., max_length=40, description=(
        "出价（元，十进制字符串，如 \"505000.00\"；首次不低于起拍价，之后不低于当前最高价与加价幅度之和）/ the bid in yuan as a "
        "decimal string (the first at least the starting price, each later one at least the high bid plus the increment)"))


_STOP_ERRORS = errors(
    400, 401, 403, 404, 409, 422,
    _403="只有挂牌所在地区的知识产权局工作人员（案件承办人、局领导、管理员）可以操作，或缺少 CSRF 令牌（会话登录时）/ only "
         "the officers of the listing's area may act, or no CSRF token (signed in by session)",
    _409="竞价当前状态不允许该操作（已截止、已终止、已中止或正在进行）/ the auction's state does not allow it (closed, "
         "terminated, already suspended, or running)",
    _422="事由或理由无效（details.fields 指明字段）/ an invalid ground or reason (details.fields names it)")


def _stop(request: Request, session: Session, scope: Scope, auction_id: int, action: str, body: StopIn) -> Response:
    from zhichan.exchange.auction_stops import stop_auction

    scope.require_authenticated()
    views.shown_auction(session, scope, auction_id)
    row = stop_auction(session, scope, _evidence(request), auction_id, action=action, ground=body.ground,
                       reason=body.reason, resume_minutes=request.app.state.settings.exchange_auction_resume_minutes)
    stop = {"action": row.action, "ground": row.ground, "reason": row.reason, "at": row.at,
            "closes_before": row.closes_before, "closes_after": row.closes_after, "evidence_index": row.evidence_index}
    return fast_json({"stop": stop, **views.auction_view(session, scope, auction_id, lang(request))})


@router.post("/api/v1/exchange/auctions/{auction_id}/suspend", tags=["exchange"], responses=_STOP_ERRORS)
def api_auction_suspend(request: Request, auction_id: Id, body: StopIn, scope: Scope = ScopeDep,
                        session: Session = DbDep) -> Response:
    """中止竞价 / Suspend a running auction (the officers of the listing's area): no deposits or bids until it resumes,
    its time left waits. The act and the auction as it now stands, as ``GET /api/v1/exchange/auctions/{id}``."""
    return _stop(request, session, scope, auction_id, "suspend", body)


@router.post("/api/v1/exchange/auctions/{auction_id}/resume", tags=["exchange"], responses=_STOP_ERRORS)
def api_auction_resume(request: Request, auction_id: Id, body: StopIn, scope: Scope = ScopeDep,
                       session: Session = DbDep) -> Response:
    """恢复竞价 / Resume a suspended auction (the officers of the listing's area): the time it had left runs on from
    now (at least the platform's minimum); its bids stand."""
    return _stop(request, session, scope, auction_id, "resume", body)


@router.post("/api/v1/exchange/auctions/{auction_id}/terminate", tags=["exchange"], responses=_STOP_ERRORS)
def api_auction_terminate(request: Request, auction_id: Id, body: StopIn, scope: Scope = ScopeDep,
                          session: Session = DbDep) -> Response:
    """终止竞价 / Terminate a running or suspended auction (the officers of the listing's area): no result, no deal;
    its bids stay on record and every deposit paid is owed back in full."""
    return _stop(request, session, scope, auction_id, "terminate", body)


@router.post("/api/v1/exchange/auctions/{auction_id}/deposit", tags=["exchange"], responses=errors(
    400, 401, 403, 404, 409, 422,
    _403="只有创新主体（企业、高校、科研机构）账号可以参与竞价，挂牌单位不能参与自己的竞价，或缺少 CSRF 令牌（会话登录时）/ "
         "only an enterprise, university or institute account bids, never the seller; or no CSRF token",
    _409="竞价已截止、已中止或已终止 / the auction has closed, is suspended or was terminated"))
def api_auction_deposit(request: Request, auction_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """缴纳保证金 / Record the bidder's deposit (保证金; settled outside the platform), once per bidder — a bid
    requires it. The auction as it now stands (``my_deposit`` true)."""
    scope.require_authenticated()
    views.shown_auction(session, scope, auction_id)
    bidding.pay_deposit(session, scope, auction_id)
    return fast_json(views.auction_view(session, scope, auction_id, lang(request)))


@router.post("/api/v1/exchange/auctions/{auction_id}/bids", tags=["exchange"], responses=errors(
    400, 401, 403, 404, 409, 422,
    _403="只有创新主体（企业、高校、科研机构）账号可以出价，挂牌单位不能参与自己的竞价，或缺少 CSRF 令牌（会话登录时）/ "
         "only an enterprise, university or institute account bids, never the seller; or no CSRF token",
    _409="竞价尚未开始、已截止、已中止或已终止 / the auction has not started, has closed, is suspended or was terminated",
    _422="出价低于最低应价或格式无效，或尚未缴纳保证金（details.fields.amount）/ below the minimum, not an amount, or no "
         "deposit paid yet (details.fields.amount)"))
def api_auction_bid(request: Request, auction_id: Id, body: BidIn, scope: Scope = ScopeDep,
                    session: Session = DbDep) -> Response:
    """出价 / Bid on an auction, by the page's rules: the deposit paid, not the seller, the auction started and not
    closed, suspended or terminated, at least the starting price (the first) or the high bid plus the increment;
    serialized with every other bid and with the officers' stops. A bid in the last minutes moves the close. The bid
    and the auction as it now stands."""
    scope.require_authenticated()
    views.shown_auction(session, scope, auction_id)
    bid = bidding.place_bid(session, scope, _evidence(request), auction_id, body.amount)
    placed = {"seq": bid.seq, "amount": bid.amount, "at": bid.at, "evidence_index": bid.evidence_index}
    return fast_json({"bid": placed, **views.auction_view(session, scope, auction_id, lang(request))})


# -- valuations ---------------------------------------------------------------------------------

def _model(request: Request) -> valuation.Model:
    return valuation.load_model(request.app.state.settings.exchange_valuation_model)


def _valuation_form(request: Request, values: dict[str, str], errors_: dict[str, str], status: int = 200) -> Response:
    return render(request, "exchange/valuation_new.html", {
        "values": values, "errors": errors_, "scenarios": views.scenarios(_model(request), lang(request))}, status=status)


@router.get("/exchange/valuations/new", include_in_schema=False)
def valuation_form(request: Request, scope: Scope = ScopeDep, number: str = Query("", max_length=40)) -> Response:
    scope.require_authenticated()
    return _valuation_form(request, {"patent_number": number, "scenario": "licensing"}, {})


@router.post("/exchange/valuations/new", include_in_schema=False)
async def valuation_submit(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields: dict[str, str] = {}
    try:
        fields, _ = await _fields(request)
        check_texts({name: (text, None) for name, text in fields.items()})
        row = valuation.evaluate(session, scope, _corpus(request).snapshot(), _model(request),
                                 number=fields.get("patent_number", ""), scenario=fields.get("scenario", ""),
                                 inputs=fields, now=utcnow())
    except FormError as exc:
        session.rollback()
        return _valuation_form(request, fields, exc.errors, status=422)
    session.commit()
    return RedirectResponse(f"/exchange/valuations/{row.id}", status_code=303)


@router.get("/exchange/valuations/{valuation_id}", include_in_schema=False)
def valuation_page(request: Request, valuation_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return render(request, "exchange/valuation.html",
                  views.valuation_view(valuation.get(session, scope, valuation_id), lang(request)))


@router.get("/exchange/valuations/{valuation_id}/report.{fmt}", include_in_schema=False)
def valuation_report(request: Request, valuation_id: Id, fmt: str, scope: Scope = ScopeDep,
                     session: Session = DbDep) -> Response:
    """The valuation report as DOCX or PDF (the same stored factors as the page)."""
    row = valuation.get(session, scope, valuation_id)  # who may see it first, then what format
    if fmt not in ("docx", "pdf"):
        raise InputError(f"报告格式为 docx 或 pdf / the report is docx or pdf, not {fmt[:10]}")
    body = render_report(valuation.report(row, lang(request)), fmt)
    name = f"valuation-{row.id}-{row.application_number}.{fmt}"
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/v1/exchange/valuations/{valuation_id}", tags=["exchange"], responses=errors(401, 403, 404, 422))
def api_valuation(request: Request, valuation_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """A valuation (its author's organization and the bureau over it): the value degree with every
    indicator's score, weights and contribution, the approaches with their inputs, the range."""
    return fast_json(views.valuation_view(valuation.get(session, scope, valuation_id), lang(request)))


# -- deals -------------------------------------------------------------------------------------

@router.get("/exchange/deals", include_in_schema=False)
def deals_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """The caller's deals (a party's own, an officer's area's); each opens its case."""
    return render(request, "exchange/deals.html", views.deals_view(session, scope))


# -- dormant patents (存量专利盘活) -----------------------------------------------------------------

@router.get("/exchange/dormant", include_in_schema=False)
def dormant_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep,
                 state: str = Query("", max_length=20), found: int | None = Query(None, ge=0, le=MAX_INT),
                 added: int | None = Query(None, ge=0, le=MAX_INT)) -> Response:
    """The institution's inventory and its progress (an officer: the area's institutions)."""
    scope.require_authenticated()
    return render(request, "exchange/dormant.html", {**views.dormant_view(session, scope, _corpus(request).snapshot(), state=state, lang=lang(request)), "errors": {},
                                                     "values": {}, "found": found, "added": added})


@router.get("/api/v1/exchange/dormant", tags=["exchange"], responses=errors(401, 422))
def api_dormant(request: Request, scope: Scope = ScopeDep, session: Session = DbDep,
                state: str = Query("", max_length=20)) -> Response:
    """存量专利盘活: progress per institution (inventoried, graded, approved into the 转化资源库, listed,
    activated) and the inventory — an institution's own, an officer's area's."""
    scope.require_authenticated()
    return fast_json(views.dormant_view(session, scope, _corpus(request).snapshot(), state=state, lang=lang(request)))


@router.post("/exchange/dormant/inventory", include_in_schema=False)
async def dormant_inventory(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """盘点: the institution's patents in force on the day and never transferred or licensed."""
    from zhichan.exchange import dormant

    scope.require_authenticated()
    fields: dict[str, str] = {}
    try:
        fields, _ = await _fields(request)
        check_texts({name: (text, None) for name, text in fields.items()})
        counts = dormant.take_inventory(session, scope, _corpus(request).snapshot(), on=fields.get("on", ""),
                                        now=utcnow())
    except FormError as exc:
        session.rollback()
        return render(request, "exchange/dormant.html", {**views.dormant_view(session, scope, _corpus(request).snapshot(), lang=lang(request)), "errors": exc.errors,
                                                         "values": fields, "found": None, "added": None}, status=422)
    session.commit()
    return RedirectResponse(f"/exchange/dormant?found={counts['found']}&added={counts['added']}", status_code=303)


# -- needs ---------------------------------------------------------------------------------------

@router.get("/exchange/needs", include_in_schema=False)
def needs_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return render(request, "exchange/needs.html", {**views.needs_view(session, scope, lang(request)), "errors": {}, "values": {}})


@router.post("/exchange/needs", include_in_schema=False)
async def need_submit(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    fields: dict[str, str] = {}
    try:
        fields, _ = await _fields(request)
        check_texts({name: (text, None) for name, text in fields.items()})
        listings.post_need(session, scope, title=fields.get("title", ""), text=fields.get("text", ""),
                           industry=fields.get("industry", ""), budget=fields.get("budget", ""),
                           region=fields.get("region", ""), now=utcnow(), title_en=fields.get("title_en", ""),
                           text_en=fields.get("text_en", ""))
    except FormError as exc:
        session.rollback()
        return render(request, "exchange/needs.html", {**views.needs_view(session, scope, lang(request)), "errors": exc.errors,
                                                       "values": fields}, status=422)
    session.commit()
    return RedirectResponse("/exchange/needs", status_code=303)


@router.get("/exchange/needs/{need_id}/matches", include_in_schema=False)
def need_matches(request: Request, need_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """供需匹配: the need's best offers, each explained (similarity, IPC overlap, proximity, shared terms)."""
    data = views.matches_view(session, scope, _corpus(request).snapshot(), need_id, lang(request))
    return render(request, "exchange/matches.html", data)


@router.post("/exchange/needs/{need_id}/close", include_in_schema=False)
def need_close(need_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    listings.close_need(session, scope, need_id)
    return RedirectResponse("/exchange/needs", status_code=303)


def _setup(app: FastAPI) -> None:
    from zhichan.exchange import deals, dormant, jobs, openlicence

    corpus: CorpusAccess = app.state.corpus
    app.state.procedures.add_hook(dormant.PROCEDURE, dormant.on_step)
    jobs.register_dormant(app.state.jobs, corpus)
    app.state.procedures.add_hook(openlicence.PROCEDURE,
                                  lambda s, scope, step: openlicence.on_step(corpus.snapshot(), s, scope, step))
    deals.install(app.state.procedures, corpus.snapshot)
    jobs.register(app.state.jobs, app.state.procedures, app.state.settings.exchange_auction_sweep_seconds)


def home_panel(request: Request, session: Session, scope: Scope) -> Markup | None:
    """On an enterprise's own home: its latest listings, a running auction's high bid and time left beside each."""
    return render_string(request, "exchange/_home_panel.html", views.home_listings(session, scope, lang(request)))


def case_panel(request: Request, session: Session, scope: Scope, case: dict[str, Any]) -> Markup | None:
    """On a deal's case page, from its intent: the open licence an assignment of the patent waits for."""
    data = views.deal_panel(session, scope, case)
    return render_string(request, "exchange/_deal_panel.html", data) if data is not None else None


DOMAIN = WebDomain("exchange", (router, parts), TEMPLATES, setup=_setup, menu=menu, menu_group="use", home_panel=home_panel,
                   case_panel=case_panel)
