"""交易 (deals) from intent to contract to 转让登记/许可备案, on the declared procedure ``exchange.deal``.

The declaration (``definitions/exchange.deal.yaml``) holds the six pricing methods (协议定价、评估定价、
网络竞价、拍卖竞价、竞争性谈判、大数据系统估价), the five trading modes (协议、竞价、定向、挂牌转让、联盟交易),
the steps and the public-notice clock; :func:`on_step` is its hook: it checks the patent against the
corpus (:mod:`zhichan.exchange.checks`), the amounts (Decimal), and the rule for 协议定价 by a university
or research institute — the result's name and price publicised first, the contract only once the notice
period has run without an open objection (促进科技成果转化法 第十八条) — and keeps
:class:`~zhichan.exchange.models.Deal` in step with the case. A buyer that is an enterprise on the
platform (:func:`~zhichan.platform.orgs.enterprise_named`) becomes the case's counterparty, so its users
open the case as an auction's winner does; any other buyer stays a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.rights import right_on
from zhichan.corpus.store import Snapshot
from zhichan.errors import ConflictError, FormError, NotFoundError
from zhichan.exchange.checks import (
    PLEDGE_BASIS,
    FieldError,
    Problems,
    flatten,
    holder_problems,
    names_en,
    patent_number,
    platform_status,
    pledge_problems,
    standing_problems,
)
from zhichan.exchange.dormant import mark_deal
from zhichan.exchange.listings import money
from zhichan.exchange.models import Deal, Listing, Valuation
from zhichan.exchange.openlicence import OPEN_EXCLUSIVE, in_force
from zhichan.exchange.openlicence import PROCEDURE as OPEN_LICENCE
from zhichan.legaltime import china_date, moment_on
from zhichan.money import format_money
from zhichan.platform.models import Organization
from zhichan.platform.orgs import enterprise_named
from zhichan.platform.scope import Scope
from zhichan.procedures.declaration import Declaration
from zhichan.procedures.models import CaseClock, Step
from zhichan.procedures.service import Blocked, Hold, ProcedureService, StepTaken, exact_due, pending

PROCEDURE = "exchange.deal"
AGREED_PRICE = "协议定价"
#: priced by the platform's valuation (:mod:`zhichan.exchange.valuation`): the deal names one and stays in its range
SYSTEM_VALUATION = "大数据系统估价"
#: sellers whose 协议定价 is publicised first (促进科技成果转化法 第十八条: 国家设立的研究开发机构、高等院校)
NOTICE_SELLERS = ("university", "institute")
#: the deal kinds that are licences, recorded within 3 months of the contract taking effect (专利法实施细则 第十五条)
LICENCE_KINDS = ("独占许可", "排他许可", "普通许可")
#: the licences an open-licensed patent may not be given (专利法 第五十一条)
EXCLUSIVE_KINDS = ("独占许可", "排他许可")
#: the deals that assign the patent: its open licence is withdrawn before (开放许可实施指南 §9, RULES.md M4)
TRANSFER_KINDS = ("转让", "作价入股")


def seller_type(snapshot: Snapshot, party_key: str | None) -> str:
    """The seller's party type as the corpus records it (``enterprise`` when unknown)."""
    if not party_key:
        return "enterprise"
    con = snapshot.reader()
    try:
        rows = con.execute("SELECT party_type FROM parties WHERE party_key = ?", [party_key]).fetchall()
    finally:
        con.close()
    return str(rows[0][0]) if rows and rows[0][0] else "enterprise"


def install(procedures: ProcedureService, snapshot: Callable[[], Snapshot | None]) -> None:
    """Check and register every step of a deal case (:func:`on_step`) against the snapshot ``snapshot()`` gives at
    that step — the way the app, the auction sweep and the demo all run the deal rules."""
    procedures.add_hook(PROCEDURE, lambda s, scope, step: on_step(snapshot(), s, scope, step, procedures=procedures))
    procedures.add_holds(PROCEDURE, ("sign", "record"), holds)
    procedures.add_titler(PROCEDURE, deal_title)


def holds(session: Session, case_id: int, decl: Declaration) -> dict[str, Hold]:
    """What holds a deal's steps back, so that the case page, the to-do list and the step ask the same question (the
    page offered each and the hook then refused it, 409; ``ProcedureService.add_holds``):

    - the contract, in a deal whose agreed price a university or institute publicises first (促进科技成果转化法
      第十八条): from the intent, the public notice (no day: it comes first); under notice, an objection not yet
      resolved. The notice's days are the declaration's (``lapsed: [public_notice]``);
    - the registration of an assignment (转让, 作价入股) of a patent whose open licence is published: the declaration
      is withdrawn first, a step of its own case (开放许可实施指南 §9, RULES.md M4 [P]) — the page says so in the
      step's place and links that case."""
    row = session.execute(select(Deal.pricing_method, Deal.seller_type, Deal.state, Deal.deal_kind,
                                 Deal.application_number).where(Deal.case_id == case_id)).first()
    if row is None:
        return {}
    out: dict[str, Hold] = {}
    if row.deal_kind in TRANSFER_KINDS and (licence := in_force(session, [row.application_number]).get(
            row.application_number)) is not None:
        out["record"] = Blocked(f"该专利的开放许可声明（{licence.published_on} 公告）尚未撤回，撤回后方可办理转让登记（开放许可实施指南 第九条） / the "
                                f"patent's open licence (published {licence.published_on}) is withdrawn before the "
                                "transfer is registered (Guidelines for Open Licensing, §9)", OPEN_LICENCE, licence.case_id,
                                waits="开放许可声明撤回（另案） / the open licence's withdrawal (another case)")
    if row.pricing_method != AGREED_PRICE or row.seller_type not in NOTICE_SELLERS:
        return out
    if row.state == "intent" and decl.transition("publish_notice", "intent") is not None:
        out["sign"] = "publish_notice"
    elif row.state == "notice" and decl.transition("resolve", "notice") is not None \
            and _open_objections(session, case_id):
        out["sign"] = "resolve"
    return out


def deal_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """A deal's title in ``lang``: the patent, the buyer (its English name where known) and the pricing method by its
    label (``CN… · 苏州康博电子有限公司 · 网络竞价`` / ``CN… · Suzhou Kangbo Electronics Co., Ltd. · Online auction``) —
    the stored title was written in Chinese (the buyer and 网络竞价 on English pages)."""
    from zhichan.web.labels import choice

    number, buyer = str(fields.get("patent_number") or "").strip(), str(fields.get("buyer") or "").strip()
    pricing = str(fields.get("pricing_method") or "").strip()
    if not number or not buyer or not pricing:
        return None
    return f"{number} · {(names or {}).get(buyer, buyer)} · {choice(lang, pricing)}"


def on_step(snapshot: Snapshot | None, session: Session, scope: Scope, step: StepTaken, *,
            procedures: ProcedureService) -> None:
    """Check and register each step of an ``exchange.deal`` case (runs in its transaction); ``procedures`` starts
    a licence's recording period at the contract's date."""
    today = china_date(step.now)
    if step.event == "start":
        _open(snapshot, session, scope, step, today)
        return
    row = session.scalar(select(Deal).where(Deal.case_id == step.case_id))
    if row is None:  # pragma: no cover - every case has its register row from its start
        raise NotFoundError("没有该交易 / no such deal")
    if step.event == "sign":
        if row.pricing_method == AGREED_PRICE and row.seller_type in NOTICE_SELLERS:
            _notice_served(session, step, today)
        row.contract_price = money(str(step.fields.get("contract_price", "")), "contract_price", required=True)
        row.contract_on = dt.date.fromisoformat(step.fields["contract_on"])
        if row.contract_on > today:
            raise FormError({"contract_on": "签约日期不能晚于今天 / the contract date is in the future"})
        if row.deal_kind in LICENCE_KINDS:
            # counted from the contract's day, whenever the step is recorded
            procedures.start_clock(session, step.case_id, "licence_record", started_at=moment_on(row.contract_on, 12))
        mark_deal(session, row.party_key, row.application_number, row.contract_on)
    elif step.event == "confirm_contract":
        _confirm_contract(session, step, row)
    elif step.event == "settle":
        paid = money(str(step.fields.get("paid_yuan", "")), "paid_yuan", required=True)
        assert paid is not None
        row.paid_total += paid
    elif step.event == "record":  # an assignment of an open-licensed patent is held back before it (holds)
        _pledge_consented(snapshot, session, step, row, today)
        row.recorded_on = dt.date.fromisoformat(step.fields["recorded_on"])
        row.record_number = step.fields["record_number"]
        if row.listing_id is not None:
            listing = session.get(Listing, row.listing_id)
            if listing is not None:
                listing.state = "concluded"
    row.state = step.target
    session.flush()


def consented(*fields: Mapping[str, Any]) -> bool:
    """Whether the pledgee's consent to the deal is declared (``pledgee_consent: 是``) in any of ``fields``: the intent's,
    or the registration's where a pledge came after the intent (民法典 第四百四十四条)."""
    return any(str(f.get("pledgee_consent") or "").strip() == "是" for f in fields)


def _pledge_consented(snapshot: Snapshot | None, session: Session, step: StepTaken, row: Deal, today: dt.date) -> None:
    """转让登记/许可备案 of a patent pledged on the day (the corpus's pledges and the platform's register, as
    :func:`~zhichan.exchange.checks.platform_status` knows them) needs the pledgee's consent (民法典 第四百四十四条第二款),
    declared at the intent or at this step — a pledge registered after the intent was never asked about."""
    if consented(step.case_fields, step.fields):
        return
    if snapshot is None:
        raise ConflictError("尚无语料快照，无法核对专利状态 / no corpus snapshot: the patent cannot be checked")
    status = platform_status(session, right_on(snapshot, row.application_number, today))
    problems: Problems = {}
    pledge_problems(status, False, problems, field="pledgee_consent",
                    english=names_en(session, status, synthetic=snapshot.synthetic), basis=PLEDGE_BASIS)
    if problems:
        raise FormError(flatten(problems))


def _confirm_contract(session: Session, step: StepTaken, row: Deal) -> None:
    """The buyer confirms the registered contract at the price the seller registered (once: the declaration's
    ``once``, which the engine enforces)."""
    price = money(str(step.fields.get("contract_price", "")), "contract_price", required=True)
    if price != row.contract_price:
        raise FormError({"contract_price": f"与登记的合同金额 {format_money(row.contract_price, 'zh')}不一致，请与转让方核实 / differs "
                                           f"from the registered contract price, {format_money(row.contract_price, 'en')}"})


def _open_objections(session: Session, case_id: int) -> bool:
    """Whether an objection received is still open: the declaration's ``resolve`` decides it, and the engine's rule for
    a pending request says (:func:`~zhichan.procedures.service.pending`: a resolution answers every objection before
    it — the engine refuses one with none open)."""
    events = session.scalars(select(Step.event).where(Step.case_id == case_id, Step.event.in_(("object", "resolve")))
                             .order_by(Step.seq)).all()
    return pending(frozenset({"object"}), "resolve", list(events))


def _notice_served(session: Session, step: StepTaken, today: dt.date) -> None:
    """协议定价 by a university or institute: publicised and the whole notice period over (an objection still open, or
    the notice not yet published, holds the step back before this hook runs: :func:`holds`). An objection does
    not stop the notice (it stays published and its days run); it holds the contract until it is resolved — so any
    number of objections, also while others are open, are received."""
    clock = session.scalar(select(CaseClock).where(CaseClock.case_id == step.case_id,
                                                   CaseClock.name == "public_notice"))
    if step.source != "notice" or clock is None:  # a city's declaration without the notice's steps
        raise ConflictError("高校、科研机构协议定价须先公示成果名称和拟交易价格 / an agreed price of a university or "
                            "research institute is publicised before the contract (促进科技成果转化法第十八条)")
    until = exact_due(clock)  # a provisional last day is not waited out
    if until is None or today <= until:
        raise ConflictError(f"公示期至 {clock.due_on} 届满，届满后方可签约 / the notice runs until {clock.due_on}: sign "
                            "after it")


def _valuation_problem(session: Session, scope: Scope, valuation_id: object, number: str,
                       price: Decimal | None) -> str | None:
    """大数据系统估价: a valuation of this patent by the seller's organization, the price within its range."""
    if valuation_id is None:
        return "大数据系统估价须注明本单位对该专利的估值编号 / name your organization's valuation of this patent"
    valuation = session.get(Valuation, int(str(valuation_id)))
    if valuation is None or valuation.org_id != scope.org_id or valuation.application_number != number:
        return "不是本单位对该专利的估值 / not your organization's valuation of this patent"
    if valuation.low_yuan is None or valuation.high_yuan is None:
        return "该估值没有货币区间（未给出收益或成本输入） / that valuation has no monetary range"
    if price is not None and not valuation.low_yuan <= price <= valuation.high_yuan:
        return (f"大数据系统估价的价格应在估值区间 {format_money(valuation.low_yuan, 'zh')} – "
                f"{format_money(valuation.high_yuan, 'zh')}内 / the price must lie within the valuation's range, "
                f"{format_money(valuation.low_yuan, 'en')} – {format_money(valuation.high_yuan, 'en')}")
    return None


def _open(snapshot: Snapshot | None, session: Session, scope: Scope, step: StepTaken, today: dt.date) -> None:
    if snapshot is None:
        raise ConflictError("尚无语料快照，无法核对专利状态 / no corpus snapshot: the patent cannot be checked")
    fields = step.fields
    try:
        number = patent_number(str(fields.get("patent_number", "")))
    except FieldError as exc:
        raise FormError({"patent_number": str(exc)}) from None
    org = session.get(Organization, scope.org_id)  # the party's own organization (the declaration: party only)
    seller = org.name if org is not None else ""
    status = platform_status(session, right_on(snapshot, number, today))
    problems: Problems = {}
    standing_problems(status, problems)
    english = names_en(session, status, seller, synthetic=snapshot.synthetic)
    holder_problems(status, seller, problems, field="patent_number", party_key=step.party_key, english=english)
    pledge_problems(status, consented(fields), problems, field="pledgee_consent", english=english, basis=PLEDGE_BASIS)
    errors = flatten(problems)
    if fields.get("deal_kind") in EXCLUSIVE_KINDS and number in in_force(session, [number]):
        errors["deal_kind"] = OPEN_EXCLUSIVE
    price: Decimal | None = None
    try:
        price = money(str(fields.get("price", "")), "price", required=True)
    except FormError as exc:
        errors.update(exc.errors)
    listing_id = fields.get("listing_id")
    if listing_id is not None:
        listing = session.get(Listing, int(listing_id))
        if listing is None or listing.org_id != scope.org_id or listing.asset_number != number:
            errors["listing_id"] = "不是本单位该专利的挂牌 / not your organization's listing of this patent"
    valuation_id = fields.get("valuation_id")
    if fields.get("pricing_method") == SYSTEM_VALUATION and not errors:
        problem = _valuation_problem(session, scope, valuation_id, number, price)
        if problem:
            errors["valuation_id"] = problem
    if errors:
        raise FormError(errors)
    assert price is not None
    session.add(Deal(
        case_id=step.case_id, application_number=number, title=status.title or "", seller=seller,
        seller_type=seller_type(snapshot, step.party_key), buyer=str(fields["buyer"]).strip(),
        pricing_method=fields["pricing_method"], trading_mode=fields["trading_mode"], deal_kind=fields["deal_kind"],
        price=price, paid_total=Decimal(0), state=step.target, listing_id=int(listing_id) if listing_id else None,
        valuation_id=int(valuation_id) if valuation_id and fields.get("pricing_method") == SYSTEM_VALUATION else None,
        org_id=step.org_id, org_path=session.get(Organization, step.org_id).path,  # type: ignore[union-attr]
        party_key=step.party_key, synthetic=bool(snapshot.synthetic), created_at=step.now))
    buyer = enterprise_named(session, str(fields["buyer"]))
    if buyer is not None and buyer.id != scope.org_id:  # the buyer on the platform: its users see the case
        ProcedureService.set_counterparty(session, step.case_id, buyer.id)
    session.flush()
