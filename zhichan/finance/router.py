"""HTTP for IP finance: the pledge register and its certificates, the risk-compensation funds, the
whitelists pushed to banks. Thin: the services decide, :mod:`zhichan.finance.scope` says who sees what.
The pledge registration's own steps are the engine's case pages (``/cases/{id}``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.finance import funds as fund_rules
from zhichan.finance import views
from zhichan.finance import whitelist as wl
from zhichan.finance.models import Claim, Loan
from zhichan.finance.scope import loan_filter
from zhichan.finance.service import PROCEDURE, PledgeRules, record_digest, registration_record
from zhichan.finance.titles import pledge_title
from zhichan.legaltime import china_today
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.web.deps import DbDep, ScopeDep, TransactionRoute, check_texts, lang, render
from zhichan.web.domains import MenuItem, WebDomain
from zhichan.web.openapi import BodyText, StatsAsOf, StatsRegion, errors, fast_json

TEMPLATES = Path(__file__).resolve().parent / "templates"
router = APIRouter(route_class=TransactionRoute)
MAX_INT = 2**31 - 1
Id = Annotated[int, PathParam(ge=1, le=MAX_INT)]
FundCode = Annotated[str, PathParam(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


def menu(scope: Scope) -> list[MenuItem]:
    if scope.governance or scope.role in (Role.ENTERPRISE_USER, Role.BANK_USER):
        return [("/finance", "finance.nav")]
    return []


def _rules(request: Request) -> PledgeRules:
    rules: PledgeRules = request.app.state.finance_rules
    return rules


def _funds(request: Request) -> dict[str, fund_rules.FundRules]:
    return fund_rules.load_funds(request.app.state.settings.finance_fund_dir)


async def _form(request: Request) -> dict[str, Any]:
    async with request.form(max_files=0, max_fields=50) as form:
        return {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"}


# -- the pledge register -------------------------------------------------------------------------

@router.get("/finance", include_in_schema=False)
def register_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    if not (scope.governance or scope.role in (Role.ENTERPRISE_USER, Role.BANK_USER)):
        raise PermissionDenied("当前角色不能查看质押登记 / your role cannot see pledge registrations")
    shown = views.register_view(session, scope, request.app.state.procedures, lang(request))
    return render(request, "finance/register.html", {**shown, "procedure": PROCEDURE})


@router.get("/finance/pledges/{pledge_id}", include_in_schema=False)
def pledge_page(request: Request, pledge_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    data = views.pledge_view(session, scope, pledge_id, _rules(request), request.app.state.corpus.snapshot())
    return render(request, "finance/pledge.html", data)


@router.get("/finance/pledges/{pledge_id}/record.json", include_in_schema=False)
def pledge_record(request: Request, pledge_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """The registration record the certificate's digests cover (verify the certificate against this file)."""
    pledge = views.visible_pledge(session, scope, pledge_id)
    if pledge.certificate_index is None:
        raise NotFoundError("尚未登记 / not registered yet")
    data, _, _ = record_digest(registration_record(session, pledge))
    return Response(data, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="pledge-{pledge.registration_number}.json"',
        "Cache-Control": "no-store"})


@router.get("/finance/pledges/{pledge_id}/certificate.pdf", include_in_schema=False)
def pledge_certificate(request: Request, pledge_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """登记证书: the evidence certificate of the registration (QR code, inclusion proof, signed checkpoint)."""
    from zhichan.evidence.certificate import render_pdf

    pledge = views.visible_pledge(session, scope, pledge_id)
    if pledge.certificate_index is None:
        raise NotFoundError("尚未登记，没有登记证书 / not registered: no certificate")
    pdf = render_pdf(request.app.state.procedures.evidence.certificate(pledge.certificate_index),
                     synthetic=pledge.synthetic)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="pledge-{pledge.registration_number}.pdf"',
        "Cache-Control": "no-store"})


@router.get("/api/v1/finance/pledges", tags=["finance"], responses=errors(401, 422))
def pledges_api(request: Request, scope: Scope = ScopeDep, session: Session = DbDep,
                limit: int = Query(200, ge=1, le=1000, description="每页条数 / page size"),
                offset: int = Query(0, ge=0, le=MAX_INT, description="跳过的条数 / rows to skip")) -> Response:
    """质押登记簿 as the caller sees it, newest first: officers their area's registrations, an enterprise its
    own (as pledgor), a bank those naming it as pledgee. Amounts are exact decimal strings (yuan). The
    public gets the aggregates only: ``/api/v1/finance/statistics``."""
    return fast_json(views.register_api(session, scope, limit=limit, offset=offset, lang=lang(request)))


@router.get("/api/v1/finance/pledges/{pledge_id}", tags=["finance"], responses=errors(401, 404, 422))
def pledge_api(request: Request, pledge_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """One pledge registration the caller sees: parties, secured debt, term, pledged rights (patent,
    trademark, data-IP), the certificate once registered, and while it awaits a decision the automatic
    checks as they stand today. The steps are at ``/api/v1/cases/{case_id}``."""
    return fast_json(views.pledge_api(session, scope, pledge_id, _rules(request), request.app.state.corpus.snapshot(),
                                      lang(request)))


@router.get("/api/v1/finance/statistics", tags=["finance"], responses=errors(400, 422))
def statistics_api(
    request: Request,
    region: StatsRegion = "CN",
    as_of: StatsAsOf = None,
) -> Response:
    """知识产权金融统计（公开，仅汇总） / IP finance statistics (public, aggregates only): registrations (笔),
    pledged rights (件), secured debt, first-time pledgors, the corpus events' patent pledges, fund claims,
    payouts, pool balance and leverage, whitelisted enterprises and their loans — the registered
    indicators with 同比 — and the registrations and rights by bank and by industry (their records
    grouped). Every figure's definition is at ``definition_ref``."""
    from zhichan.finance.statistics import statistics

    return fast_json(statistics(request.app.state.corpus.require_snapshot(), region, as_of))


# -- risk-compensation funds ---------------------------------------------------------------------

@router.get("/finance/funds", include_in_schema=False)
def funds_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return render(request, "finance/funds.html", views.funds_view(session, scope, _funds(request)))


@router.get("/api/v1/finance/funds", tags=["finance"], responses=errors())
def funds_api(request: Request, session: Session = DbDep) -> Response:
    """风险补偿资金 (public aggregates): each fund's shares, covered items, pool balance, loans enrolled and
    outstanding, claims, amount approved, paid and recovered, 放大倍数 (leverage). No loan or borrower."""
    return fast_json(views.funds_api(session, _funds(request)))


@router.get("/api/v1/finance/funds/{fund}/loans", tags=["finance"], responses=errors(
    401, 403, 404, 422, _403="只有知识产权局工作人员和放贷银行可以查看风险补偿资金 / only bureau staff and the lending banks "
    "see the funds", _404="没有该风险补偿资金，或不在本辖区、本银行未在其下放贷 / no such fund, or outside your area, or "
    "your bank lent nothing under it"))
def fund_loans_api(request: Request, fund: FundCode, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """A fund's loans the caller sees — officers their area's, a bank the loans it lent — each with its
    claim (the arithmetic line by line) and the pool's payouts on it; the fund as its page finds it (404 outside
    the caller's area or to a bank that lent nothing under it, 403 to a role that sees no fund)."""
    return fast_json(views.fund_loans_api(session, scope, _funds(request), fund, lang(request)))


def _fund_page(request: Request, scope: Scope, session: Session, code: str, *, errors: dict[str, str] | None = None,
               values: dict[str, Any] | None = None, form: str = "", status: int = 200,
               message: str = "") -> Response:
    data = views.fund_view(session, scope, _funds(request), code, lang(request))
    return render(request, "finance/fund.html", {**data, "errors": errors or {}, "values": values or {}, "form": form,
                                                 "message": message}, status=status)


@router.get("/finance/funds/{fund}", include_in_schema=False)
def fund_page(request: Request, fund: FundCode, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return _fund_page(request, scope, session, fund)


def _operable(request: Request, scope: Scope, code: str) -> fund_rules.FundRules:
    scope.require_authenticated()
    rules = views.operable_funds(scope, _funds(request)).get(code)
    if rules is None:
        raise NotFoundError(f"没有风险补偿资金 {code} / no fund {code}")
    if scope.role not in (Role.CASE_OFFICER, Role.BUREAU_LEADER, Role.SYSTEM_ADMIN):
        raise PermissionDenied("当前角色不能办理风险补偿 / your role cannot operate the fund")
    return rules


@router.post("/finance/funds/{fund}/{action}", include_in_schema=False)
async def fund_action(request: Request, fund: FundCode, action: str, scope: Scope = ScopeDep,
                      session: Session = DbDep) -> Response:
    """deposit (注资) · enrol (入池)."""
    rules = _operable(request, scope, fund)
    values = await _form(request)
    today = china_today()
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        if action == "deposit":
            fund_rules.deposit(session, fund, values.get("amount"), memo=str(values.get("memo", "")))
        elif action == "enrol":
            fund_rules.enrol(session, rules, borrower=str(values.get("borrower", "")),
                             enterprise_type=str(values.get("enterprise_type", "")), bank=str(values.get("bank", "")),
                             principal=values.get("principal"), fee_rate=values.get("fee_rate"),
                             ip_collateral=values.get("ip_collateral"), collateral=values.get("collateral"), on=today,
                             **views.filed_with(session, scope, rules))
        else:
            raise NotFoundError("没有该操作 / no such action")
    except FormError as exc:
        session.rollback()
        return _fund_page(request, scope, session, fund, errors=exc.errors, values=values, form=action, status=422)
    session.commit()
    return RedirectResponse(f"/finance/funds/{fund}", status_code=303)


#: the steps on an enrolled loan, in their order
LOAN_ACTIONS = ("claim", "approve", "pay", "recover")


@router.post("/finance/funds/{fund}/loans/{loan_id}/{action}", include_in_schema=False)
async def loan_action(request: Request, fund: FundCode, loan_id: Id, action: str, scope: Scope = ScopeDep,
                      session: Session = DbDep) -> Response:
    """claim (代偿申请) · approve (审批) · pay (拨付) · recover (追偿返还) on an enrolled loan."""
    rules = _operable(request, scope, fund)
    if action not in LOAN_ACTIONS:  # before the loan's claim is looked for (it answered "the loan has no claim")
        raise NotFoundError("没有该操作 / no such action")
    loan = session.scalar(select(Loan).where(Loan.id == loan_id, Loan.fund_code == fund, loan_filter(scope)))
    if loan is None:
        raise NotFoundError(f"没有贷款 {loan_id} / no loan {loan_id}")
    values = await _form(request)
    today = china_today()
    row = session.scalar(select(Claim).where(Claim.loan_id == loan.id))
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        if action == "claim":
            fund_rules.claim(session, rules, loan, principal_loss=values.get("principal_loss"),
                             interest_loss=values.get("interest_loss"), on=today)
        elif row is None:
            raise NotFoundError("该贷款没有补偿申请 / the loan has no claim")
        elif action == "approve":
            fund_rules.approve(session, rules, row, today)
        elif action == "pay":
            fund_rules.pay(session, fund, row.id)
        else:  # recover
            fund_rules.recover(session, rules, row.id, values.get("recovered"))
    except FormError as exc:
        session.rollback()
        return _fund_page(request, scope, session, fund, errors=exc.errors, values=values, form=f"{action}-{loan_id}",
                          status=422)
    session.commit()
    return RedirectResponse(f"/finance/funds/{fund}", status_code=303)


# -- whitelists ----------------------------------------------------------------------------------

def _whitelists_page(request: Request, scope: Scope, session: Session, *, errors: dict[str, str] | None = None,
                     values: dict[str, Any] | None = None, status: int = 200) -> Response:
    wl.require_viewer(scope)
    return render(request, "finance/whitelists.html", {"lists": wl.lists(session, scope), "errors": errors or {},
                                                       "values": values or {}}, status=status)


@router.get("/finance/whitelists", include_in_schema=False)
def whitelists_page(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    return _whitelists_page(request, scope, session)


@router.post("/finance/whitelists", include_in_schema=False)
async def whitelist_build(request: Request, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    values = await _form(request)
    snapshot = request.app.state.corpus.snapshot()
    if snapshot is None:
        raise NotFoundError("尚无语料快照 / no corpus snapshot")
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        row = wl.build(session, scope, snapshot, title=str(values.get("title", "")),
                       min_high_value=values.get("min_high_value", ""),
                       as_of=china_today())
    except FormError as exc:
        session.rollback()
        return _whitelists_page(request, scope, session, errors=exc.errors, values=values, status=422)
    session.commit()
    return RedirectResponse(f"/finance/whitelists/{row.id}", status_code=303)


def _whitelist_page(request: Request, scope: Scope, session: Session, whitelist_id: int, *,
                    errors: dict[str, str] | None = None, values: dict[str, Any] | None = None, form: str = "",
                    status: int = 200) -> Response:
    data = wl.whitelist_view(session, scope, whitelist_id)
    return render(request, "finance/whitelist.html", {**data, "banks": wl.banks(session) if scope.governance else [],
                                                      "decisions": wl.DECISIONS, "errors": errors or {},
                                                      "values": values or {}, "form": form}, status=status)


@router.get("/finance/whitelists/{whitelist_id}", include_in_schema=False)
def whitelist_page(request: Request, whitelist_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    wl.require_viewer(scope)
    return _whitelist_page(request, scope, session, whitelist_id)


@router.post("/finance/whitelists/{whitelist_id}/push", include_in_schema=False)
async def whitelist_push(request: Request, whitelist_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    scope.require_authenticated()
    async with request.form(max_files=0, max_fields=200) as form:
        chosen = [int(v) for v in form.getlist("banks") if isinstance(v, str) and v.isdigit() and len(v) < 10]
    try:
        wl.push(session, scope, whitelist_id, chosen)
    except FormError as exc:
        session.rollback()
        return _whitelist_page(request, scope, session, whitelist_id, errors=exc.errors, form="push", status=422)
    session.commit()
    return RedirectResponse(f"/finance/whitelists/{whitelist_id}", status_code=303)


@router.post("/finance/whitelists/{whitelist_id}/entries/{entry_id}/feedback", include_in_schema=False)
async def whitelist_feedback(request: Request, whitelist_id: Id, entry_id: Id, scope: Scope = ScopeDep,
                             session: Session = DbDep) -> Response:
    scope.require_authenticated()
    values = await _form(request)
    try:
        check_texts({name: (text, None) for name, text in values.items()})
        wl.feedback(session, scope, whitelist_id, entry_id, decision=str(values.get("decision", "")),
                    loan_amount=values.get("loan_amount"), note=str(values.get("note", "")))
    except FormError as exc:
        session.rollback()
        return _whitelist_page(request, scope, session, whitelist_id, errors=exc.errors, values=values,
                               form=f"feedback-{entry_id}", status=422)
    session.commit()
    return RedirectResponse(f"/finance/whitelists/{whitelist_id}", status_code=303)


_WHITELIST_ERRORS = errors(401, 403, 404, 422, _403="当前角色不能查看白名单（只有知识产权局工作人员和银行用户可以）/ "
                           "your role cannot see whitelists (bureau staff and bank users only)",
                           _404="没有该白名单，或未推送给本银行、不在本辖区 / no such whitelist, or not pushed to your bank, "
                           "or outside your area")


@router.get("/api/v1/finance/whitelists", tags=["finance"], responses=errors(
    401, 403, 422, _403=_WHITELIST_ERRORS[403]["description"]))
def whitelists_api(scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """白名单 (白名单双向推送) as the caller sees them, newest first: a bureau its area's lists with the banks
    they were pushed to, a bank the lists pushed to it. Each with its criteria and how many enterprises it
    names and how many the banks (a bank: itself) answered."""
    return fast_json(views.whitelists_api(session, scope))


@router.get("/api/v1/finance/whitelists/{whitelist_id}", tags=["finance"], responses=_WHITELIST_ERRORS)
def whitelist_api(whitelist_id: Id, scope: Scope = ScopeDep, session: Session = DbDep) -> Response:
    """One whitelist: each listed enterprise's portfolio summary (valid and high-value inventions held) and
    the feedback on it — a bureau every bank's, a bank only its own. Loan amounts are exact decimal strings."""
    return fast_json(views.whitelist_api(session, scope, whitelist_id))


class FeedbackIn(BaseModel):
    """A bank's decision on a listed enterprise, as the whitelist page's form records it."""

    model_config = ConfigDict(strict=True)

    decision: Literal["contacted", "approved", "declined"] = Field(
        description="已对接 contacted · 已授信/放款 approved · 不予授信 declined")
    loan_amount: BodyText | None = Field(None, max_length=40, description="授信/放款金额（元，十进制字符串，如 \"3000000.00\"；"
                                    "approved 时必填）/ the loan in yuan as a decimal string (required when approved)")
    note: BodyText = Field("", max_length=500, description="备注 / note")


@router.post("/api/v1/finance/whitelists/{whitelist_id}/entries/{entry_id}/feedback", tags=["finance"],
             responses=errors(400, 401, 403, 404, 422, _403="只有银行用户可以反馈，或缺少 CSRF 令牌（会话登录时）/ only bank "
                              "users give feedback, or no CSRF token (signed in by session)",
                              _404=_WHITELIST_ERRORS[404]["description"],
                              _422="字段无效（如金额格式、approved 缺少金额）/ invalid fields (e.g. the amount, or no amount "
                              "with approved)"))
def whitelist_feedback_api(whitelist_id: Id, entry_id: Id, body: FeedbackIn, scope: Scope = ScopeDep,
                           session: Session = DbDep) -> Response:
    """A bank records (or changes) its decision and loan on an enterprise of a list pushed to it — the same
    rule as the page's form; the bureau reads it back in the list."""
    scope.require_authenticated()
    row = wl.feedback(session, scope, whitelist_id, entry_id, decision=body.decision, loan_amount=body.loan_amount,
                      note=body.note)
    session.commit()
    return fast_json(views.feedback_row(row, scope.org_name or ""))


def _setup(app: FastAPI) -> None:
    from zhichan.finance import jobs

    rules = PledgeRules(app.state.corpus.snapshot, app.state.procedures.evidence)
    app.state.finance_rules = rules
    app.state.procedures.add_hook(PROCEDURE, rules)
    app.state.procedures.add_titler(PROCEDURE, pledge_title)  # the title in the page's language
    jobs.register(app.state.jobs, app.state.engine)
    fund_rules.load_funds(app.state.settings.finance_fund_dir)  # a broken fund file stops the start, with its name


DOMAIN = WebDomain("finance", (router,), TEMPLATES, setup=_setup, menu=menu, menu_group="use")

