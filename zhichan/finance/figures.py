"""IP finance's figures (issue item 5): the pledge register, the risk-compensation funds and the
whitelists exported as workflow tables, read through the relations in ``sql/`` and counted by the
indicators below — one definition each, on DuckDB and Spark, with drill-down to the records.

What the corpus events already give is not defined again: patent pledges (件次) and their amounts per
region are ``ip_pledge_count`` / ``ip_pledge_amount`` (registered pledges feed the events). The register
adds what the events cannot say: registrations (笔), every pledged right (件, trademarks and data-IP
registrations included), the secured debt per registration, first-time pledgors.

- Registrations count where the handling bureau is (``region_code`` of the pledge, as every case
  figure does); by bank and by industry through the records (``zhichan.finance.statistics``).
- A pledged patent's industry is the level-1 category of 战略性新兴产业 of its smallest SEI code in the
  corpus at the export (``0`` = none); a registration's is its patents' most frequent (ties: the
  smallest code); a pledge of trademarks or data IP only has none (``''``).
- Funds count in their jurisdiction; leverage (放大倍数) at a date = principal of loans enrolled by
  then and not defaulted by then ÷ the pool's balance after its last operation on or before it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.figures import ExportContext, Figures, Relation, WorkflowTable, batches_of
from zhichan.finance.models import (
    Claim,
    LedgerEntry,
    Loan,
    Pledge,
    PledgedRight,
    Whitelist,
    WhitelistEntry,
    WhitelistFeedback,
)
from zhichan.indicators.models import AsOf, IndicatorDef
from zhichan.legaltime import china_date
from zhichan.platform.models import Organization
from zhichan.reference.sei import SEI_LEVEL1, sei_name

MONEY = pa.decimal128(18, 2)
#: a pledge's or right's industry: (code, Chinese name, English name) — the exports carry both names, as
#: region exports carry ``name`` and ``name_en``
NO_INDUSTRY = ("", "未分类（仅商标或数据知识产权）", "Unclassified (trademarks or data IP only)")
NOT_SEI = ("0", "非战略性新兴产业", "Not a strategic emerging industry")

PLEDGES = pa.schema([
    pa.field("pledge_id", pa.int64(), nullable=False),
    pa.field("registration_number", pa.string()),
    pa.field("region_code", pa.string(), nullable=False),  # the handling bureau's region
    pa.field("pledgor_key", pa.string(), nullable=False),
    pa.field("pledgor", pa.string(), nullable=False),
    pa.field("bank", pa.string(), nullable=False),  # the pledgee
    pa.field("industry", pa.string(), nullable=False),
    pa.field("industry_name", pa.string(), nullable=False),
    pa.field("industry_name_en", pa.string(), nullable=False),
    pa.field("debt_amount", MONEY, nullable=False),
    pa.field("rights", pa.int32(), nullable=False),
    pa.field("patents", pa.int32(), nullable=False),
    pa.field("trademarks", pa.int32(), nullable=False),
    pa.field("data_ip", pa.int32(), nullable=False),
    pa.field("registered_on", pa.date32(), nullable=False),
    pa.field("ended_on", pa.date32()),
    pa.field("status", pa.string(), nullable=False),
    #: the pledgor's first registration on this platform (首次质押融资)
    pa.field("first_time", pa.bool_(), nullable=False),
    pa.field("synthetic", pa.bool_(), nullable=False),
])

RIGHTS = pa.schema([
    pa.field("right_id", pa.int64(), nullable=False),
    pa.field("pledge_id", pa.int64(), nullable=False),
    pa.field("registration_number", pa.string()),
    pa.field("kind", pa.string(), nullable=False),  # patent | trademark | dataip
    pa.field("number", pa.string(), nullable=False),
    pa.field("title", pa.string(), nullable=False),
    pa.field("region_code", pa.string(), nullable=False),
    pa.field("pledgor", pa.string(), nullable=False),
    pa.field("bank", pa.string(), nullable=False),
    pa.field("industry", pa.string(), nullable=False),
    pa.field("industry_name", pa.string(), nullable=False),
    pa.field("industry_name_en", pa.string(), nullable=False),
    pa.field("registered_on", pa.date32(), nullable=False),
    pa.field("ended_on", pa.date32()),
    pa.field("synthetic", pa.bool_(), nullable=False),
])

LOANS = pa.schema([
    pa.field("loan_id", pa.int64(), nullable=False),
    pa.field("fund_code", pa.string(), nullable=False),
    pa.field("fund", pa.string(), nullable=False),
    pa.field("region_code", pa.string(), nullable=False),  # the fund's jurisdiction
    pa.field("borrower", pa.string(), nullable=False),
    pa.field("bank", pa.string(), nullable=False),
    pa.field("principal", MONEY, nullable=False),
    pa.field("enrolled_on", pa.date32(), nullable=False),
    pa.field("status", pa.string(), nullable=False),
    # the claim on the loan, if it defaulted
    pa.field("claim_id", pa.int64()),
    pa.field("claim_status", pa.string()),
    pa.field("claimed_on", pa.date32()),
    pa.field("approved_on", pa.date32()),
    pa.field("principal_loss", MONEY),
    pa.field("claim_amount", MONEY),
    pa.field("synthetic", pa.bool_(), nullable=False),
])

LEDGER = pa.schema([
    pa.field("entry_id", pa.int64(), nullable=False),
    pa.field("fund_code", pa.string(), nullable=False),
    pa.field("fund", pa.string(), nullable=False),
    pa.field("region_code", pa.string(), nullable=False),
    pa.field("seq", pa.int64(), nullable=False),
    pa.field("kind", pa.string(), nullable=False),  # deposit | payout | recovery
    pa.field("amount", MONEY, nullable=False),  # signed: a payout is negative
    pa.field("balance", MONEY, nullable=False),
    pa.field("entry_on", pa.date32(), nullable=False),
    pa.field("claim_id", pa.int64()),
    pa.field("borrower", pa.string()),
    pa.field("bank", pa.string()),
    pa.field("synthetic", pa.bool_(), nullable=False),
])

WHITELISTED = pa.schema([
    pa.field("entry_id", pa.int64(), nullable=False),
    pa.field("whitelist_id", pa.int64(), nullable=False),
    pa.field("title", pa.string(), nullable=False),
    pa.field("region_code", pa.string(), nullable=False),  # the listing bureau's region
    pa.field("listed_on", pa.date32(), nullable=False),
    pa.field("party_key", pa.string(), nullable=False),
    pa.field("name", pa.string(), nullable=False),
    pa.field("high_value_patents", pa.int32(), nullable=False),
    # a bank's decision on the entry (one row per decision; none: the row has NULLs)
    pa.field("bank", pa.string()),
    pa.field("decision", pa.string()),
    pa.field("loan_amount", MONEY),
    pa.field("decided_on", pa.date32()),
    pa.field("synthetic", pa.bool_(), nullable=False),
])


# -- export ---------------------------------------------------------------------------------------

def _patent_industries(numbers: list[str]) -> dict[str, tuple[str, str, str]]:
    """Each patent's industry from the current corpus (level-1 SEI category of its smallest code)."""
    from zhichan.corpus.store import CorpusStore

    out = {n: NOT_SEI for n in numbers}
    snapshot = CorpusStore().current_or_none() if numbers else None
    if snapshot is None:
        return out
    con = snapshot.reader()
    try:
        con.execute("CREATE TEMP TABLE wanted(n VARCHAR)")
        con.executemany("INSERT INTO wanted VALUES (?)", [(n,) for n in numbers])
        rows = con.execute("SELECT p.application_number, p.sei_codes FROM patents p JOIN wanted w "
                           "ON p.application_number = w.n").fetchall()
    finally:
        con.close()
    for number, codes in rows:
        if codes:
            top = min(str(c) for c in codes).split(".", 1)[0]
            out[number] = (top, SEI_LEVEL1.get(top, top), sei_name(top, "en") if top in SEI_LEVEL1 else top)
    return out


def _registered(session: Session) -> tuple[list[Pledge], dict[int, list[PledgedRight]]]:
    pledges = list(session.scalars(select(Pledge).where(Pledge.registered_on.is_not(None))
                                   .order_by(Pledge.registered_on, Pledge.id)))
    rights: dict[int, list[PledgedRight]] = {}
    for r in session.scalars(select(PledgedRight).join(Pledge, Pledge.id == PledgedRight.pledge_id)
                             .where(Pledge.registered_on.is_not(None)).order_by(PledgedRight.id)):
        rights.setdefault(r.pledge_id, []).append(r)
    return pledges, rights


def _pledge_rows(ctx: ExportContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    pledges, rights = _registered(ctx.session)
    industries = _patent_industries(sorted({r.number for rs in rights.values() for r in rs if r.kind == "patent"}))
    seen: set[int] = set()
    pledge_rows, right_rows = [], []
    for p in pledges:
        mine = rights.get(p.id, [])
        kinds = Counter(r.kind for r in mine)
        counted = Counter(industries[r.number] for r in mine if r.kind == "patent")
        industry = min(counted, key=lambda x: (-counted[x], x[0])) if counted else NO_INDUSTRY
        first = p.pledgor_org_id not in seen
        seen.add(p.pledgor_org_id)
        common = {"registration_number": p.registration_number, "region_code": p.region_code, "bank": p.pledgee,
                  "registered_on": p.registered_on, "ended_on": p.ended_on, "synthetic": bool(p.synthetic)}
        pledge_rows.append({**common, "pledge_id": p.id, "pledgor_key": normalize_name(p.pledgor) or p.pledgor,
                            "pledgor": p.pledgor, "industry": industry[0], "industry_name": industry[1],
                            "industry_name_en": industry[2],
                            "debt_amount": p.debt_amount, "rights": len(mine), "patents": kinds["patent"],
                            "trademarks": kinds["trademark"], "data_ip": kinds["dataip"], "status": p.status,
                            "first_time": first})
        for r in mine:
            own = industries[r.number] if r.kind == "patent" else NO_INDUSTRY
            right_rows.append({**common, "right_id": r.id, "pledge_id": p.id, "kind": r.kind, "number": r.number,
                               "title": r.title, "pledgor": p.pledgor, "industry": own[0], "industry_name": own[1],
                               "industry_name_en": own[2]})
    return pledge_rows, right_rows


def pledge_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    yield from batches_of(_pledge_rows(ctx)[0], PLEDGES)


def right_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    yield from batches_of(_pledge_rows(ctx)[1], RIGHTS)


def _funds() -> dict[str, Any]:
    from zhichan.finance.funds import load_funds
    from zhichan.settings import get_settings

    return load_funds(get_settings().finance_fund_dir)


def _fund_of(funds: dict[str, Any], code: str) -> tuple[str, str]:
    rules = funds.get(code)
    return (rules.title.zh, rules.jurisdiction) if rules is not None else (code, "")


def loan_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    funds = _funds()
    claims = {c.loan_id: c for c in ctx.session.scalars(select(Claim))}

    def rows() -> Iterable[dict[str, Any]]:
        for x in ctx.session.scalars(select(Loan).order_by(Loan.id)):
            name, region = _fund_of(funds, x.fund_code)
            c = claims.get(x.id)
            yield {"loan_id": x.id, "fund_code": x.fund_code, "fund": name, "region_code": region,
                   "borrower": x.borrower, "bank": x.bank, "principal": x.principal, "enrolled_on": x.enrolled_on,
                   "status": x.status, "claim_id": c.id if c else None, "claim_status": c.status if c else None,
                   "claimed_on": c.claimed_on if c else None, "approved_on": c.approved_on if c else None,
                   "principal_loss": c.principal_loss if c else None, "claim_amount": c.amount if c else None,
                   "synthetic": bool(x.synthetic)}

    yield from batches_of(rows(), LOANS)


def ledger_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    funds = _funds()
    loans = {c: (b, bank, syn) for c, b, bank, syn in ctx.session.execute(
        select(Claim.id, Loan.borrower, Loan.bank, Loan.synthetic).join(Loan, Loan.id == Claim.loan_id))}
    synthetic_funds = {code for code, in ctx.session.execute(select(Loan.fund_code).where(Loan.synthetic.is_(True)))}

    def rows() -> Iterable[dict[str, Any]]:
        for e in ctx.session.scalars(select(LedgerEntry).order_by(LedgerEntry.fund_code, LedgerEntry.seq)):
            name, region = _fund_of(funds, e.fund_code)
            borrower, bank, synthetic = loans.get(e.claim_id or 0, (None, None, e.fund_code in synthetic_funds))
            yield {"entry_id": e.id, "fund_code": e.fund_code, "fund": name, "region_code": region, "seq": e.seq,
                   "kind": e.kind, "amount": e.amount, "balance": e.balance, "entry_on": china_date(e.at),
                   "claim_id": e.claim_id, "borrower": borrower, "bank": bank, "synthetic": bool(synthetic)}

    yield from batches_of(rows(), LEDGER)


def whitelist_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    banks = dict(ctx.session.execute(select(Organization.id, Organization.name)).all())
    feedback: dict[int, list[WhitelistFeedback]] = {}
    for f in ctx.session.scalars(select(WhitelistFeedback).order_by(WhitelistFeedback.id)):
        feedback.setdefault(f.entry_id, []).append(f)

    def rows() -> Iterable[dict[str, Any]]:
        for entry, wl in ctx.session.execute(select(WhitelistEntry, Whitelist)
                                             .join(Whitelist, Whitelist.id == WhitelistEntry.whitelist_id)
                                             .order_by(WhitelistEntry.id)):
            base = {"entry_id": entry.id, "whitelist_id": wl.id, "title": wl.title, "region_code": wl.region_code,
                    "listed_on": wl.as_of, "party_key": entry.party_key, "name": entry.name,
                    "high_value_patents": entry.high_value_patents, "synthetic": False}
            decisions: list[WhitelistFeedback | None] = [*feedback.get(entry.id, [])] or [None]
            for f in decisions:
                yield {**base, "bank": banks.get(f.bank_org_id) if f else None, "decision": f.decision if f else None,
                       "loan_amount": f.loan_amount if f else None, "decided_on": china_date(f.at) if f else None}

    yield from batches_of(rows(), WHITELISTED)


def _version(*measures: Any) -> Any:
    """A table's version: aggregates that change whenever its rows would, and the corpus snapshot (a
    pledged patent's industry comes from it)."""
    def version(session: Session) -> str:
        from zhichan.corpus.store import CorpusStore

        values = [session.scalar(select(m)) for m in measures]
        return "|".join(str(v) for v in values) + f"|{CorpusStore().current_id() or ''}"
    return version


# -- indicators -----------------------------------------------------------------------------------

_FLOW: AsOf = "flow"
_STOCK: AsOf = "stock"
CATEGORY = "运用"


def _defs() -> list[IndicatorDef]:
    d: list[IndicatorDef] = []

    def add(code: str, zh: str, en: str, unit: str, kind: str, as_of: AsOf, definition: str, definition_en: str,
            source: str | None = None, where: str | None = None, **more: Any) -> None:
        d.append(IndicatorDef(code, zh, en, unit, kind, as_of, definition, definition_en, CATEGORY,  # type: ignore[arg-type]
                              source, where, **more))

    add("finance_pledge_registrations", "知识产权质押登记笔数", "IP pledge registrations", "笔", "count", _FLOW,
        "当年1月1日至统计日在本平台准予登记的知识产权质押（专利、商标、数据知识产权）笔数，按办理机关所在地。",
        "IP pledges (patents, trademarks, data IP) registered on the platform from 1 January to the statistics date, "
        "counted where the handling office is located.", "finance_pledges", "registered_in_period")
    add("finance_pledged_rights", "质押登记涉及的知识产权件数", "Rights pledged in registrations", "件", "count", _FLOW,
        "上述质押登记所涉及的专利、注册商标和数据知识产权件数（一笔登记可含多件）。",
        "The patents, registered trademarks and data-IP registrations those pledge registrations cover (one "
        "registration may cover several).", "finance_pledged_rights", "registered_in_period")
    add("finance_pledge_secured_amount", "质押登记主债权金额（本平台登记）", "Debt secured by pledges registered on the platform",
        "元", "amount",
        _FLOW, "上述在本平台准予登记的质押（专利、商标、数据知识产权）的被担保主债权数额之和（变更登记后的数额），"
        "统计到今天。专利数据中的全部专利质押（不论在何处办理）见“知识产权质押融资金额（专利数据）”：两者来源、范围和日期不同，"
        "数额不必相等。",
        "The principal debts secured by the pledges (patents, trademarks, data IP) registered on this platform added "
        "up (as amended by a change registration), counted to today. Every patent pledge in the patent data, wherever "
        "it was filed, is “Patent pledge financing (patent data)”: the two differ in source, scope and date, so their "
        "amounts need not agree.", "finance_pledges", "registered_in_period",
        amount="debt_amount")
    add("finance_first_time_pledgors", "首次质押融资企业数", "First-time pledgors", "家", "count", _FLOW,
        "当年1月1日至统计日在本平台首次办理质押登记的出质人数（以本平台登记簿为准）。",
        "Pledgors registering a pledge on the platform for the first time from 1 January to the statistics date (as "
        "the platform's register shows).", "finance_pledges",
        "registered_in_period AND first_time")
    add("finance_fund_claims", "风险补偿申请笔数", "Risk-compensation claims", "笔", "count", _FLOW,
        "当年1月1日至统计日提出的风险补偿（代偿）申请笔数，按资金所属辖区。",
        "Risk-compensation claims made from 1 January to the statistics date, counted in the area of the fund.", "finance_fund_loans", "claimed_in_period")
    add("finance_fund_claim_amount", "风险补偿核定金额", "Risk compensation approved", "元", "amount", _FLOW,
        "当年1月1日至统计日批准的风险补偿金额（按资金规则计算、封顶后的资金池承担部分）。",
        "Risk compensation approved from 1 January to the statistics date: the pool's share as the fund's rules "
        "compute it, capped.", "finance_fund_loans", "approved_in_period",
        amount="claim_amount")
    add("finance_fund_payouts", "风险补偿拨付金额", "Risk compensation paid out", "元", "amount", _FLOW,
        "当年1月1日至统计日资金池实际拨付的补偿金额（账本中的拨付记录）。",
        "Compensation the pools actually paid out from 1 January to the statistics date (the payouts in the ledger).", "finance_fund_payouts", "paid_in_period", amount="paid")
    add("finance_fund_balance", "风险补偿资金池余额", "Risk-compensation pool balance", "元", "amount", _STOCK,
        "统计日资金池余额：各资金账本在统计日及以前最后一笔操作后的余额之和。",
        "The pools' balance on the statistics date: each fund's ledger balance after its last operation on or before "
        "that day, added up.", "finance_fund_positions", "TRUE",
        amount="balance")
    add("finance_fund_outstanding", "入池贷款在贷余额", "Enrolled loans outstanding", "元", "amount", _STOCK,
        "统计日已入池、尚未违约代偿的贷款本金之和。", "The principal of the loans enrolled in the funds and not defaulted on the statistics date.",
        "finance_fund_positions", "TRUE", amount="outstanding")
    add("finance_fund_leverage", "风险补偿资金放大倍数", "Risk-compensation leverage", "倍", "mean", _STOCK,
        "入池贷款在贷余额 ÷ 风险补偿资金池余额。", "Enrolled loans outstanding ÷ risk-compensation pool balance.",
        numerator="finance_fund_outstanding", denominator="finance_fund_balance")
    add("finance_whitelist_enterprises", "白名单企业数", "Whitelisted enterprises", "家", "count", _FLOW,
        "当年1月1日至统计日知识产权局推送给银行的白名单所列企业数（同一企业列入多份名单计一次）。",
        "Enterprises on the whitelists the IP office pushed to banks from 1 January to the statistics date (an "
        "enterprise on several lists counts once).", "finance_whitelist_enterprises", "TRUE")
    add("finance_whitelist_loans", "白名单企业获贷金额", "Loans to whitelisted enterprises", "元", "amount", _FLOW,
        "当年1月1日至统计日银行对白名单企业反馈“授信”的贷款金额之和。",
        "The loans banks reported as granted to whitelisted enterprises from 1 January to the statistics date, added "
        "up.",
        "finance_whitelist_loans", "decided_in_period", amount="loan_amount")
    return d


FIGURES = Figures(
    tables=(
        WorkflowTable("finance_register", PLEDGES, pledge_batches,
                      _version(func.count(Pledge.id), func.max(Pledge.updated_at))),
        WorkflowTable("finance_register_rights", RIGHTS, right_batches,
                      _version(func.count(PledgedRight.id), func.max(Pledge.updated_at))),
        WorkflowTable("finance_loans", LOANS, loan_batches,
                      _version(func.count(Loan.id), func.count(Claim.id), func.count(Claim.approved_on),
                               func.sum(Claim.amount), func.max(LedgerEntry.id))),
        WorkflowTable("finance_ledger", LEDGER, ledger_batches, _version(func.max(LedgerEntry.id))),
        WorkflowTable("finance_whitelisted", WHITELISTED, whitelist_batches,
                      _version(func.count(WhitelistEntry.id), func.count(WhitelistFeedback.id),
                               func.max(WhitelistFeedback.at))),
    ),
    relations=(
        Relation("finance_pledges", "zhichan.finance", ("pledge_id", "bank", "bank", None),
                 ("pledge_id", "registration_number", "geo", "pledgor", "bank", "industry", "industry_name",
                  "industry_name_en", "debt_amount", "rights", "patents", "trademarks", "data_ip", "registered_on", "ended_on", "state",
                  "first_time", "synthetic"),
                 labels=(("state", "finance.pledge_status"),)),
        Relation("finance_pledged_rights", "zhichan.finance", ("right_id", "industry", "industry_name", None),
                 ("right_id", "registration_number", "kind", "number", "title", "geo", "pledgor", "bank", "industry",
                  "industry_name", "industry_name_en", "registered_on", "synthetic"),
                 labels=(("kind", "finance.kind"),)),
        Relation("finance_fund_loans", "zhichan.finance", ("loan_id", "bank", "bank", None),
                 ("loan_id", "fund", "geo", "borrower", "bank", "principal", "enrolled_on", "claimed_on",
                  "approved_on", "principal_loss", "claim_amount", "synthetic")),
        Relation("finance_fund_payouts", "zhichan.finance", ("entry_id", "bank", "bank", None),
                 ("entry_id", "fund", "geo", "seq", "paid_on", "paid", "claim_id", "borrower", "bank", "synthetic")),
        Relation("finance_fund_positions", "zhichan.finance", ("fund_code", "fund_code", "fund", None),
                 ("fund_code", "fund", "geo", "balance", "outstanding", "loans", "synthetic")),
        Relation("finance_whitelist_enterprises", "zhichan.finance", ("party_key", "party_key", "name", None),
                 ("party_key", "name", "geo", "first_listed_on", "lists", "synthetic")),
        Relation("finance_whitelist_loans", "zhichan.finance", ("entry_id", "party_key", "name", None),
                 ("entry_id", "name", "geo", "bank", "loan_amount", "decided_on", "synthetic")),
    ),
    indicators=_defs,
)

