"""Protection's figures beyond the case counts of ``zhichan/procedures/figures.py`` (docs/indicators.md
"Domain figures"):

- the workflow table ``protection_handling``: every closed protection case's handling time, receipt to
  closing, in net days (:func:`zhichan.legaltime.clocks.net_days` over the pauses of its clocks — the legal-time
  module's count, never a hand-made difference), read through the relation ``protection_case_times`` joined
  to the cases;
- cases received and closed by type (one pair per protection procedure), over ``procedure_cases``;
- the mediation success rate (调解成功率): mediations closed with an agreement ÷ mediations closed;
- the e-commerce handling time (电商纠纷平均处理时长): the mean net days of the e-commerce notices closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.figures import (
    PROCEDURE_STATE,
    PROCEDURE_TITLE,
    ExportContext,
    Figures,
    Relation,
    WorkflowTable,
    batches_of,
)
from zhichan.indicators.models import AsOf, IndicatorDef
from zhichan.legaltime import china_date
from zhichan.legaltime.clocks import merged, net_days
from zhichan.procedures.figures import _pauses
from zhichan.procedures.models import Case, CaseClock

HANDLING = pa.schema([
    pa.field("case_id", pa.int64(), nullable=False),
    pa.field("handling_days", pa.int32(), nullable=False),
])

#: (procedure, code part, 中文, English) of the types counted
TYPES = (
    ("protection.complaint", "complaints", "投诉举报", "complaints and reports"),
    ("protection.patent_dispute", "adjudications", "专利侵权纠纷行政裁决", "patent-dispute adjudications"),
    ("protection.mediation", "mediations", "专利纠纷行政调解", "mediations"),
    ("protection.ecommerce_notice", "ecommerce", "电商平台侵权通知", "e-commerce notices"),
    ("protection.exhibition", "exhibitions", "展会投诉", "exhibition complaints"),
    ("protection.police_transfer", "police_transfers", "移送公安", "transfers to the police"),
    ("protection.enforcement", "enforcements", "申请强制执行", "enforcement applications"),
    ("protection.overseas_guidance", "overseas_guidance", "海外纠纷应对指导", "overseas-dispute guidance"),
)
MEDIATION = "protection.mediation"
#: the stand-alone mediation's final states reached through an agreement (confirmation not applied for, the court's
#: ruling that it is valid, the court's refusal of the application: an agreement was reached all the same)
AGREED = ("closed", "confirmed", "unconfirmed")
ECOMMERCE = "protection.ecommerce_notice"


def handling_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    """Closed protection cases: net days from receipt to closing, their clocks' pauses left out."""
    s = ctx.session
    last = 0
    while True:
        cases = s.execute(select(Case.id, Case.created_at, Case.closed_at)
                          .where(Case.id > last, Case.procedure.like("protection.%"), Case.closed_at.is_not(None))
                          .order_by(Case.id).limit(20_000)).all()
        if not cases:
            break
        last = cases[-1].id
        pauses: dict[int, list[Any]] = {}
        for c in s.execute(select(CaseClock.case_id, CaseClock.pauses)
                           .where(CaseClock.case_id >= cases[0].id, CaseClock.case_id <= last,
                                  CaseClock.pauses != "[]")):
            pauses.setdefault(c.case_id, []).extend(_pauses(c.pauses))
        rows = []
        for case in cases:
            opened, closed = china_date(case.created_at), china_date(case.closed_at)
            rows.append({"case_id": case.id, "handling_days": net_days(opened, closed, _merged(pauses.get(case.id, [])))})
        yield from batches_of(rows, HANDLING)


def _merged(pauses: list[Any]) -> list[Any]:
    """The pauses of several clocks as one set of periods (a day paused on two clocks is left out once)."""
    return merged(pauses)


def handling_version(session: Session) -> str:
    count, latest = session.execute(select(func.count(Case.id), func.max(Case.closed_at))
                                    .where(Case.procedure.like("protection.%"), Case.closed_at.is_not(None))).one()
    return f"{count}:{latest.isoformat() if latest else ''}"


_FLOW: AsOf = "flow"


def _defs() -> list[IndicatorDef]:
    d: list[IndicatorDef] = []
    cases = "procedure_cases"
    for procedure, part, zh, en in TYPES:
        mine = f"procedure = '{procedure}'"
        d.append(IndicatorDef(
            f"protection_{part}_received", f"{zh}收案量", f"{en.capitalize()} received", "件", "count", _FLOW,
            f"当年1月1日至统计日新收的{zh}件数（按办理机关所在地）。", f"{en.capitalize()} received from 1 January to the statistics date, counted where the handling office is "
            "located.",
            "保护", cases, f"{mine} AND opened_in_period"))
        d.append(IndicatorDef(
            f"protection_{part}_closed", f"{zh}办结量", f"{en.capitalize()} closed", "件", "count", _FLOW,
            f"当年1月1日至统计日办结（进入终结状态）的{zh}件数。", f"{en.capitalize()} closed (in a final state) from 1 January to the statistics date.",
            "保护", cases, f"{mine} AND closed_in_period"))
    d.append(IndicatorDef(
        "protection_mediations_agreed", "调解成功量", "Mediations closed with an agreement", "件", "count", _FLOW,
        "当年1月1日至统计日以调解协议办结的专利纠纷行政调解件数（无论是否申请司法确认）。",
        "Administrative mediations of patent disputes closed with a mediation agreement from 1 January to the statistics "
        "date (whether or not judicial confirmation was sought).", "保护", cases,
        f"procedure = '{MEDIATION}' AND closed_in_period AND state IN ({', '.join(repr(a) for a in AGREED)})"))
    d.append(IndicatorDef(
        "protection_mediation_success_rate", "调解成功率", "Mediation success rate", "%", "share", _FLOW,
        "调解成功量 ÷ 专利纠纷行政调解办结量 × 100（办结含调解不成、不予立案和撤回）。",
        "Mediations closed with an agreement ÷ mediations closed × 100 (closed includes mediations that failed, were "
        "not accepted or were withdrawn).", "保护",
        numerator="protection_mediations_agreed", denominator="protection_mediations_closed"))
    handled = "protection_case_times"
    ecommerce = f"procedure = '{ECOMMERCE}' AND closed_in_period"
    d.append(IndicatorDef(
        "ecommerce_handled", "电商侵权通知办结量（计时长）", "E-commerce notices closed (timed)", "件", "count", _FLOW,
        "当年1月1日至统计日办结的电商平台侵权通知件数。", "Notices of infringement on e-commerce platforms closed from 1 January to the statistics date.", "保护",
        handled, ecommerce))
    d.append(IndicatorDef(
        "ecommerce_handling_days_total", "电商侵权通知处理时长合计", "E-commerce handling days, total", "天", "amount",
        _FLOW, "上述通知自收到至办结的天数之和（按法定期间模块的净天数计算，扣除暂停期间）。",
        "The days from receipt to closing of those notices added up (net days as the legal-time module counts them, "
        "pauses left out).", "保护", handled, ecommerce, amount="handling_days"))
    d.append(IndicatorDef(
        "ecommerce_handling_days", "电商纠纷平均处理时长", "Average e-commerce handling time", "天", "mean", _FLOW,
        "电商侵权通知处理时长合计 ÷ 电商侵权通知办结量（计时长）。", "E-commerce handling days, total ÷ e-commerce notices closed (timed).", "保护",
        numerator="ecommerce_handling_days_total", denominator="ecommerce_handled"))
    return d


FIGURES = Figures(
    tables=(WorkflowTable("protection_handling", HANDLING, handling_batches, handling_version),),
    relations=(Relation(
        "protection_case_times", "zhichan.protection", ("case_id", "party_key", "party_key", None),
        ("case_id", "number", "procedure", "state", "geo", "party_key", "opened_on", "closed_on", "handling_days",
         "synthetic"),
        labels=(("procedure", PROCEDURE_TITLE), ("state", PROCEDURE_STATE))),),
    indicators=_defs,
)
