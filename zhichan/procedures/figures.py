"""The procedures domain's figures: every case of every declared procedure exported as the workflow
table ``cases``, read through the relation ``procedure_cases`` (``sql/procedure_cases.sql``), and the
case statistics of every domain declared over it.

Each case row carries its declaration's cycle clock (``cycle_clock``, e.g. the closing clock of an
adjudication): started (立案), stopped (结案), the days its pauses excluded, the net days
(结案周期 = 结案 − 立案 − 不计入期间, never the naive difference) and whether it stopped in time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.figures import PROCEDURE_STATE, PROCEDURE_TITLE, ExportContext, Figures, Relation, WorkflowTable
from zhichan.indicators.models import AsOf, IndicatorDef
from zhichan.legaltime import china_date
from zhichan.legaltime.clocks import Pause, net_days
from zhichan.procedures.models import NO_DEADLINE, Case, CaseClock

#: The workflow database's cases, exported for the analytics engines beside
#: the snapshots, not in them: one row per case of any declared procedure, as of the export. Dates are
#: China calendar dates.
CASES = pa.schema(
    [
        pa.field("case_id", pa.int64(), nullable=False),
        pa.field("number", pa.string()),
        pa.field("procedure", pa.string(), nullable=False),  # e.g. protection.patent_dispute
        pa.field("domain", pa.string(), nullable=False),  # the procedure's domain: protection
        pa.field("jurisdiction", pa.string(), nullable=False),
        pa.field("state", pa.string(), nullable=False),
        pa.field("is_open", pa.bool_(), nullable=False),
        pa.field("region_code", pa.string(), nullable=False),  # the handling organization's region
        pa.field("party_key", pa.string()),
        pa.field("opened_on", pa.date32(), nullable=False),
        pa.field("closed_on", pa.date32()),
        #: the declaration's cycle clock (结案周期): started, stopped, days excluded by pauses, net days
        pa.field("cycle_started_on", pa.date32()),
        pa.field("cycle_stopped_on", pa.date32()),
        pa.field("cycle_paused_days", pa.int32()),
        pa.field("cycle_days", pa.int32()),
        pa.field("cycle_in_time", pa.bool_()),  # stopped on or before its (extended) deadline
        pa.field("overdue_clocks", pa.int32(), nullable=False),  # the office's clocks stopped late or past due
        pa.field("synthetic", pa.bool_(), nullable=False),
    ]
)

BATCH = 50_000


def _pauses(raw: str) -> list[Pause]:
    return [Pause(dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]) if p["end"] else None,
                  p.get("reason", "")) for p in json.loads(raw or "[]")]


def _clock_row(clock: Any, today: dt.date) -> tuple[dt.date, dt.date | None, int, int | None, bool | None, bool]:
    """(started, stopped, paused days, net days, in time, overdue) of one clock as of ``today``."""
    started = china_date(clock.started_at)
    stopped = china_date(clock.stopped_at) if clock.stopped_at else None
    pauses = _pauses(clock.pauses)
    until = stopped or today
    net = net_days(started, until, pauses)
    paused = (until - started).days - net
    due = clock.due_on
    in_time = None if stopped is None or due is None else stopped <= due
    if stopped is not None and due is None and any(p.end is None for p in pauses):
        # stopped while paused (an agreement reached during a 和解 suspension): a clock paused inside its period
        # has no deadline (one paused after it keeps its expired one), so it cannot have run out
        in_time = True
    overdue = due is not None and (stopped > due if stopped else today > due)
    return started, stopped, paused, (net if stopped else None), in_time, overdue


def case_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    """Every case as a row of the ``cases`` table (in batches)."""
    registry, today, s = ctx.registry, ctx.today, ctx.session
    cycle_of: dict[tuple[str, str], str | None] = {d.key: d.cycle_clock for d in registry.all()}
    party_clocks = {(d.procedure, d.jurisdiction, name) for d in registry.all() for name, c in d.clocks.items()
                    if c.binds == "party" or c.waits}  # a term to wait out is nobody's delay either
    last = 0
    while True:
        cases = s.execute(select(Case.id, Case.number, Case.procedure, Case.jurisdiction, Case.state, Case.is_open,
                                 Case.region_code, Case.party_key, Case.created_at, Case.closed_at, Case.synthetic)
                          .where(Case.id > last).order_by(Case.id).limit(BATCH)).all()
        if not cases:
            break
        last = cases[-1].id
        clocks: dict[int, list[Any]] = {}
        for c in s.execute(select(CaseClock.case_id, CaseClock.name, CaseClock.started_at, CaseClock.stopped_at,
                                  CaseClock.pauses, CaseClock.due_on)
                           .where(CaseClock.case_id >= cases[0].id, CaseClock.case_id <= last)):
            clocks.setdefault(c.case_id, []).append(c)
        columns: dict[str, list[Any]] = {f.name: [] for f in CASES}
        for case in cases:
            cycle_name = cycle_of.get((case.procedure, case.jurisdiction))
            overdue = 0
            cycle: tuple[Any, ...] = (None, None, None, None, None, False)
            for clock in clocks.get(case.id, ()):
                values = _clock_row(clock, today)
                office = (case.procedure, case.jurisdiction, clock.name) not in party_clocks
                overdue += office and values[5] and clock.due_on != NO_DEADLINE
                if clock.name == cycle_name:
                    cycle = values
            row = {
                "case_id": case.id, "number": case.number, "procedure": case.procedure,
                "domain": case.procedure.split(".", 1)[0], "jurisdiction": case.jurisdiction, "state": case.state,
                "is_open": case.is_open, "region_code": case.region_code, "party_key": case.party_key,
                "opened_on": china_date(case.created_at),
                "closed_on": china_date(case.closed_at) if case.closed_at else None,
                "cycle_started_on": cycle[0], "cycle_stopped_on": cycle[1], "cycle_paused_days": cycle[2],
                "cycle_days": cycle[3], "cycle_in_time": cycle[4], "overdue_clocks": overdue,
                "synthetic": bool(case.synthetic),
            }
            for name, value in row.items():
                columns[name].append(value)
        yield pa.RecordBatch.from_pydict(columns, schema=CASES)


def cases_version(session: Session) -> str:
    """Changes whenever a case is opened or moves (count and latest update)."""
    count, latest = session.execute(select(func.count(Case.id), func.max(Case.updated_at))).one()
    return f"{count}:{latest.isoformat() if latest else ''}"


_FLOW: AsOf = "flow"

#: the domains whose declared procedures are counted, with their category in the cockpit
CASE_DOMAINS = (
    ("protection", "保护", "知识产权保护案件", "IP protection cases"),
    ("finance", "运用", "知识产权金融办件", "IP finance cases"),
    ("exchange", "运用", "运营交易办件", "IP exchange cases"),
    ("services", "服务", "公共服务办件", "public-service cases"),
    ("dataip", "服务", "数据知识产权登记办件", "data-IP registration cases"),
)


def upper_first(text: str) -> str:
    """A sentence's first letter capitalized, the rest kept ("IP protection cases", not str.capitalize's "Ip …")."""
    return text[:1].upper() + text[1:]


def _case_defs() -> list[IndicatorDef]:
    """Case statistics: the same four figures for every domain's procedures, and the adjudication
    figures of protection (结案周期, 按期结案率, 调解结案占比), all over ``procedure_cases``."""
    d: list[IndicatorDef] = []
    src = "procedure_cases"
    for domain, category, zh, en in CASE_DOMAINS:
        mine = f"domain = '{domain}'"
        d.append(IndicatorDef(
            f"{domain}_cases_opened", f"{zh}受理量", f"{upper_first(en)} opened", "件", "count", _FLOW,
            f"当年1月1日至统计日新收的{zh}件数（按办理机关所在地）。",
            f"{upper_first(en)} received from 1 January to the statistics date, counted where the handling office is located.",
            category, src, f"{mine} AND opened_in_period"))
        d.append(IndicatorDef(
            f"{domain}_cases_closed", f"{zh}办结量", f"{upper_first(en)} closed", "件", "count", _FLOW,
            f"当年1月1日至统计日办结（进入终结状态）的{zh}件数。",
            f"{upper_first(en)} closed (in a final state) from 1 January to the statistics date.", category, src, f"{mine} AND closed_in_period"))
        d.append(IndicatorDef(
            f"{domain}_cases_closed_in_time", f"{zh}按时办结量", f"{upper_first(en)} closed in time", "件", "count",
            _FLOW, f"当年1月1日至统计日办结、且没有任何法定期限逾期的{zh}件数。",
            f"{upper_first(en)} closed from 1 January to the statistics date without any legal deadline missed.", category, src,
            f"{mine} AND closed_in_period AND overdue_clocks = 0"))
        d.append(IndicatorDef(
            f"{domain}_in_time_rate", f"{zh}按时办结率", f"{upper_first(en)}: share closed in time", "%", "share",
            _FLOW, f"{zh}按时办结量 ÷ {zh}办结量 × 100。", f"{upper_first(en)} closed in time ÷ {en} closed × 100.",
            category, numerator=f"{domain}_cases_closed_in_time", denominator=f"{domain}_cases_closed"))
    adjudication = "procedure = 'protection.patent_dispute'"
    d.append(IndicatorDef(
        "adjudication_cycle_cases", "行政裁决结案数（计周期）", "Adjudications closed (timed)", "件", "count", _FLOW,
        "当年1月1日至统计日结案期限停止（结案）的专利侵权纠纷行政裁决案件数。",
        "Patent infringement adjudications whose time limit for closing stopped (the case closed) from 1 January to the "
        "statistics date.", "保护", src,
        f"{adjudication} AND cycle_ended_in_period"))
    d.append(IndicatorDef(
        "adjudication_cycle_days_total", "行政裁决结案周期合计", "Adjudication handling days, total", "天", "amount",
        _FLOW, "上述案件的结案周期之和；结案周期 = 结案日 − 立案日 − 不计入期限的期间（中止、公告、鉴定、管辖异议等）。",
        "The handling days of those cases added up; handling days = closing date − filing date − the periods not counted "
        "(suspension, public notice, expert appraisal, jurisdiction objections …).", "保护", src, f"{adjudication} AND cycle_ended_in_period",
        amount="cycle_days"))
    d.append(IndicatorDef(
        "adjudication_cycle_days", "行政裁决平均结案周期", "Average adjudication handling time", "天", "mean", _FLOW,
        "行政裁决结案周期合计 ÷ 行政裁决结案数（计周期）；结案周期扣除中止等不计入期限的期间，不是简单的日期相减。",
        "Adjudication handling days, total ÷ adjudications closed (timed); the periods not counted (suspension …) are left "
        "out, so it is not a plain difference of dates.", "保护", numerator="adjudication_cycle_days_total",
        denominator="adjudication_cycle_cases"))
    d.append(IndicatorDef(
        "adjudication_closed_on_time", "行政裁决按期结案数", "Adjudications closed on time", "件", "count", _FLOW,
        "当年1月1日至统计日结案、且在结案期限（立案起3个月，加经批准的延长）内结案的行政裁决案件数。",
        "Adjudications closed from 1 January to the statistics date within their time limit for closing (3 months from "
        "filing, plus any approved extension).", "保护", src,
        f"{adjudication} AND cycle_ended_in_period AND cycle_in_time"))
    d.append(IndicatorDef(
        "adjudication_on_time_rate", "行政裁决按期结案率", "Adjudications: share closed on time", "%", "share", _FLOW,
        "行政裁决按期结案数 ÷ 行政裁决结案数（计周期） × 100。", "Adjudications closed on time ÷ adjudications closed (timed) × 100.", "保护",
        numerator="adjudication_closed_on_time", denominator="adjudication_cycle_cases"))
    d.append(IndicatorDef(
        "protection_mediated", "调解结案量", "Cases settled by mediation", "件", "count", _FLOW,
        "当年1月1日至统计日以调解协议结案的知识产权保护案件数：行政裁决中调解结案的，和专利纠纷行政调解达成协议办结的。",
        "IP protection cases closed with a mediation agreement from 1 January to the statistics date: adjudications "
        "settled by mediation, and administrative mediations of patent disputes closed with an agreement.", "保护", src,
        "closed_in_period AND ((procedure = 'protection.patent_dispute' "
        "AND state IN ('mediated', 'mediated_confirmed', 'mediated_unconfirmed')) "
        "OR (procedure = 'protection.mediation' AND state IN ('closed', 'confirmed', 'unconfirmed')))"))
    d.append(IndicatorDef(
        "protection_out_of_court_share", "调解结案占比", "Share settled by mediation", "%", "share", _FLOW,
        "调解结案量 ÷ 知识产权保护案件办结量 × 100（纠纷在诉讼外化解的比例）。", "Cases settled by mediation ÷ IP protection cases closed × 100 (the share of disputes resolved out of court).", "保护",
        numerator="protection_mediated", denominator="protection_cases_closed"))
    return d


FIGURES = Figures(
    tables=(WorkflowTable("cases", CASES, case_batches, cases_version),),
    relations=(Relation(
        "procedure_cases", "zhichan.procedures", ("case_id", "party_key", "party_key", None),
        ("case_id", "number", "procedure", "state", "geo", "party_key", "opened_on", "closed_on",
         "cycle_started_on", "cycle_stopped_on", "cycle_paused_days", "cycle_days", "cycle_in_time",
         "overdue_clocks", "synthetic"),
        labels=(("procedure", PROCEDURE_TITLE), ("state", PROCEDURE_STATE))),),
    indicators=_case_defs,
)
