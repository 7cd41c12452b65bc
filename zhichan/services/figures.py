"""The services domain's figures (docs/indicators.md "Domain figures"): three workflow tables exported
beside the snapshots, a relation over each (``sql/``), and the services' indicators.

* ``services_priority`` — every priority-examination recommendation (the quota it used is the
  recommendation), in the handling office's region;
* ``services_preexam_grants`` — every pre-examined application whose grant was recorded: the recorded
  filing and grant dates; the relation takes the **corpus's** dates where the corpus has the number;
* ``services_subsidy_awards`` — every award of a round, with the payment (exact ``decimal128(18, 2)``
  yuan), in the applicant's registered region.

Applications by service count the engine's cases (``procedure_cases``) of each catalogue service; the
services' handling time is the net running time of each service's committed time limit (the catalogue's
``time_limit_clock``, declared as the procedure's ``cycle_clock``). Opened, closed and the in-time rate
of the services' cases are the case figures of every domain (``zhichan/procedures/figures.py``) and are
not defined again here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.figures import ExportContext, Figures, Relation, WorkflowTable, batches_of
from zhichan.indicators.models import AsOf, IndicatorDef
from zhichan.legaltime import china_date
from zhichan.procedures.models import Case, Step
from zhichan.services.models import PriorityRecommendation, SubsidyApplication, SubsidyAward

PRIORITY = pa.schema([
    pa.field("case_id", pa.int64(), nullable=False),
    pa.field("number", pa.string()),
    pa.field("region_code", pa.string(), nullable=False),  # the handling office's region
    pa.field("application_number", pa.string(), nullable=False),
    pa.field("subject", pa.string(), nullable=False),
    pa.field("applicant", pa.string(), nullable=False),
    pa.field("applicant_key", pa.string(), nullable=False),
    pa.field("recommended_on", pa.date32(), nullable=False),
    pa.field("notice_date", pa.date32()),
    pa.field("concluded_on", pa.date32()),
    pa.field("returned_on", pa.date32()),
    pa.field("synthetic", pa.bool_(), nullable=False),
])

PREEXAM = pa.schema([
    pa.field("case_id", pa.int64(), nullable=False),
    pa.field("number", pa.string()),
    pa.field("region_code", pa.string(), nullable=False),
    pa.field("centre", pa.string(), nullable=False),
    pa.field("applicant", pa.string(), nullable=False),
    pa.field("applicant_key", pa.string()),
    pa.field("submitted_on", pa.date32(), nullable=False),
    pa.field("application_number", pa.string(), nullable=False),
    pa.field("filed_on", pa.date32(), nullable=False),  # as recorded at the grant step
    pa.field("granted_on", pa.date32(), nullable=False),
    pa.field("synthetic", pa.bool_(), nullable=False),
])

AWARDS = pa.schema([
    pa.field("award_id", pa.int64(), nullable=False),
    pa.field("programme", pa.string(), nullable=False),
    pa.field("round_number", pa.string()),
    pa.field("round_state", pa.string(), nullable=False),
    pa.field("applicant", pa.string(), nullable=False),
    pa.field("applicant_key", pa.string(), nullable=False),
    pa.field("region_code", pa.string(), nullable=False),  # the applicant's registered region
    pa.field("awarded_yuan", pa.decimal128(18, 2), nullable=False),
    pa.field("disbursed_on", pa.date32()),
    pa.field("voucher", pa.string()),
    pa.field("synthetic", pa.bool_(), nullable=False),
])


def _priority_rows(ctx: ExportContext) -> Iterable[dict[str, Any]]:
    for rec, case in ctx.session.execute(select(PriorityRecommendation, Case).join(
            Case, Case.id == PriorityRecommendation.case_id).order_by(PriorityRecommendation.case_id)):
        yield {"case_id": case.id, "number": case.number, "region_code": case.region_code,
               "application_number": rec.application_number, "subject": rec.subject, "applicant": rec.applicant,
               "applicant_key": rec.applicant_key, "recommended_on": rec.recommended_on, "notice_date": rec.notice_date,
               "concluded_on": rec.concluded_on, "returned_on": rec.returned_on, "synthetic": bool(case.synthetic)}


def _preexam_rows(ctx: ExportContext) -> Iterable[dict[str, Any]]:
    from zhichan.corpus.parties import normalize_name
    from zhichan.corpus.validate import normalize_application_number
    from zhichan.errors import ZhichanError
    from zhichan.services.preexam import CASE

    for case, fields in ctx.session.execute(select(Case, Step.fields).join(Step, Step.case_id == Case.id).where(
            Case.procedure == CASE, Step.event == "record_grant").order_by(Case.id)):
        start, grant = json.loads(case.fields or "{}"), json.loads(fields or "{}")
        try:
            number = normalize_application_number(grant["application_number"])
        except (ZhichanError, ValueError, KeyError):
            number = str(grant.get("application_number", ""))
        yield {"case_id": case.id, "number": case.number, "region_code": case.region_code,
               "centre": start.get("centre", ""), "applicant": start.get("applicant", ""),
               "applicant_key": normalize_name(start.get("applicant", "")), "submitted_on": china_date(case.created_at),
               "application_number": number, "filed_on": grant["filed_on"], "granted_on": grant["granted_on"],
               "synthetic": bool(case.synthetic)}


def _award_rows(ctx: ExportContext) -> Iterable[dict[str, Any]]:
    for award, app, case in ctx.session.execute(select(SubsidyAward, SubsidyApplication, Case).join(
            SubsidyApplication, SubsidyApplication.id == SubsidyAward.application_id).join(
            Case, Case.id == SubsidyAward.round_case_id).order_by(SubsidyAward.id)):
        yield {"award_id": award.id, "programme": award.programme, "round_number": case.number,
               "round_state": case.state, "applicant": app.applicant, "applicant_key": app.applicant_key,
               "region_code": app.region_code, "awarded_yuan": award.awarded_yuan, "disbursed_on": award.disbursed_on,
               "voucher": award.voucher, "synthetic": bool(case.synthetic)}


def _dated(rows: Iterable[dict[str, Any]], *names: str) -> Iterable[dict[str, Any]]:
    import datetime as dt

    for row in rows:
        yield {**row, **{n: dt.date.fromisoformat(row[n]) for n in names if isinstance(row[n], str)}}


def _cases_version(session: Session) -> str:
    count, latest = session.execute(select(func.count(Case.id), func.max(Case.updated_at))).one()
    return f"{count}:{latest.isoformat() if latest else ''}"


def _awards_version(session: Session) -> str:
    # a payment or an upheld objection changes a row without adding one: the awards' own values count
    count, total, paid, latest = session.execute(select(
        func.count(SubsidyAward.id), func.sum(SubsidyAward.awarded_yuan), func.count(SubsidyAward.disbursed_on),
        func.max(Case.updated_at)).join(Case, Case.id == SubsidyAward.round_case_id)).one()
    return f"{count}:{total}:{paid}:{latest}"


_FLOW: AsOf = "flow"
CATEGORY = "服务"


def _defs() -> list[IndicatorDef]:
    from zhichan.procedures.declaration import ProcedureRegistry
    from zhichan.services.catalogue import shipped_entries

    d: list[IndicatorDef] = []
    registry = ProcedureRegistry.load()
    for e in shipped_entries():
        title = registry.get(e.procedure, "default").title
        short = e.procedure.removeprefix("services.")
        d.append(IndicatorDef(
            f"services_applications_{short}", f"{title.zh}申请量", f"Applications: {title.en}", "件", "count", _FLOW,
            f"当年1月1日至统计日提交的“{title.zh}”（{e.code}）申请件数（按受理机关所在地）。",
            f"Applications for “{title.en}” ({e.code}) filed from 1 January to the statistics date, counted where the office "
            "receiving them is located.", CATEGORY, "procedure_cases",
            f"procedure = '{e.procedure}' AND opened_in_period"))
    services = " OR ".join(f"procedure = '{e.procedure}'" for e in shipped_entries())
    d.append(IndicatorDef(
        "services_cycle_cases", "公共服务办结数（计时）", "Service applications closed (timed)", "件", "count", _FLOW,
        "当年1月1日至统计日承诺办结时限停止（办结）的公共服务事项申请件数。",
        "Public-service applications whose committed time limit stopped (the application closed) from 1 January to the "
        "statistics date.", CATEGORY, "procedure_cases",
        f"({services}) AND cycle_ended_in_period"))
    d.append(IndicatorDef(
        "services_cycle_days_total", "公共服务办理天数合计", "Service handling days, total", "天", "amount", _FLOW,
        "上述申请的办理天数之和；办理天数 = 承诺办结时限的实际运行天数（补正等暂停期间不计）。",
        "The handling days of those applications added up; handling days = the days the committed time limit actually "
        "ran (pauses such as a period to cure left out).", CATEGORY, "procedure_cases",
        f"({services}) AND cycle_ended_in_period", amount="cycle_days"))
    d.append(IndicatorDef(
        "services_cycle_days", "公共服务平均办理时间", "Average service handling time", "天", "mean", _FLOW,
        "公共服务办理天数合计 ÷ 公共服务办结数（计时）；暂停（补正）期间不计，不是简单的日期相减。",
        "Service handling days, total ÷ service applications closed (timed); pauses (a period to cure) are left out, so "
        "it is not a plain difference of dates.", CATEGORY, numerator="services_cycle_days_total",
        denominator="services_cycle_cases"))
    d.append(IndicatorDef(
        "priority_recommended", "专利优先审查推荐量", "Priority examinations recommended", "件", "count", _FLOW,
        "当年1月1日至统计日出具推荐函的专利优先审查推荐件数（令85号；按受理机关所在地），每件占用一个推荐名额。",
        "Priority-examination recommendations whose letter was issued from 1 January to the statistics date (CNIPA Order "
        "No. 85; counted where the office receiving them is located), each taking one place of the quota.", CATEGORY, "services_priority_cases",
        "recommended_in_period"))
    d.append(IndicatorDef(
        "preexam_granted", "预审案件授权量", "Pre-examined applications granted", "件", "count", _FLOW,
        "当年1月1日至统计日授权公告的经保护中心预审的专利申请件数（授权日、申请日以语料库为准，语料库尚无该号时用登记值）。"
        "所计为平台登记的预审授权，属平台业务数据，默认统计到今天。",
        "Patent applications pre-examined by a protection centre whose grant was announced from 1 January to the "
        "statistics date (grant and filing dates from the patent data; the recorded ones where the data lack the number). "
        "It counts the grants recorded on the platform, so it is a platform figure, counted to today by default.", CATEGORY, "services_preexam_grants",
        "granted_in_period"))
    d.append(IndicatorDef(
        "preexam_days_to_grant_total", "预审案件授权周期合计", "Pre-examination days to grant, total", "天", "amount",
        _FLOW, "上述申请自申请日至授权公告日的天数之和。", "The days from filing to the announcement of grant of those applications added up.", CATEGORY,
        "services_preexam_grants", "granted_in_period", amount="days_to_grant"))
    d.append(IndicatorDef(
        "preexam_days_to_grant", "预审案件平均授权周期", "Pre-examination: average days to grant", "天", "mean", _FLOW,
        "预审案件授权周期合计 ÷ 预审案件授权量（申请日至授权公告日）。", "Pre-examination days to grant, total ÷ pre-examined applications granted (filing date to announcement of grant).", CATEGORY,
        numerator="preexam_days_to_grant_total", denominator="preexam_granted"))
    d.append(IndicatorDef(
        "subsidies_paid_count", "资助奖励拨付笔数", "Subsidy payments", "笔", "count", _FLOW,
        "当年1月1日至统计日拨付的资助奖励笔数（按申请人注册地）。", "Subsidy and award payments made from 1 January to the statistics date (counted where the applicant is "
        "registered).", CATEGORY,
        "services_subsidies", "paid_in_period"))
    d.append(IndicatorDef(
        "subsidies_paid", "资助奖励拨付金额", "Subsidies paid", "元", "amount", _FLOW,
        "当年1月1日至统计日拨付的资助奖励金额合计（元，精确到分；按申请人注册地）。",
        "Subsidies and awards paid from 1 January to the statistics date, in yuan to the fen (counted where the applicant "
        "is registered).", CATEGORY, "services_subsidies", "paid_in_period",
        amount="awarded_yuan"))
    return d


def subject_label(code: str, lang: str) -> str:
    """A priority-examination subject's code (``invention``) read as the declaration's choice, in ``lang``."""
    from zhichan.services.priority import SUBJECTS
    from zhichan.web.labels import choice

    text = next((zh for zh, c in SUBJECTS.items() if c == code), code)
    return choice(lang, text)


def centre_label(code: str, lang: str) -> str:
    """A protection centre's code (``CN-CD``) read as its declared name (``services/centres.yaml``) in ``lang``."""
    from zhichan.services.preexam import centres

    found = centres().get(code)
    return found.name(lang) if found is not None else code


FIGURES = Figures(
    tables=(
        WorkflowTable("services_priority", PRIORITY, lambda ctx: batches_of(_priority_rows(ctx), PRIORITY),
                      _cases_version),
        WorkflowTable("services_preexam_grants", PREEXAM,
                      lambda ctx: batches_of(_dated(_preexam_rows(ctx), "filed_on", "granted_on"), PREEXAM),
                      _cases_version),
        WorkflowTable("services_subsidy_awards", AWARDS, lambda ctx: batches_of(_award_rows(ctx), AWARDS),
                      _awards_version),
    ),
    relations=(
        Relation("services_priority_cases", "zhichan.services", ("case_id", "applicant_key", "applicant", None),
                 ("case_id", "number", "geo", "application_number", "subject", "applicant", "recommended_on",
                  "notice_date", "concluded_on", "returned_on", "synthetic"),
                 names=(("subject", subject_label),)),
        Relation("services_preexam_grants", "zhichan.services", ("case_id", "applicant_key", "applicant", None),
                 ("case_id", "number", "geo", "centre", "applicant", "application_number", "filing_date", "grant_date",
                  "days_to_grant", "date_source", "synthetic"),
                 labels=(("date_source", "services.date_source"),), names=(("centre", centre_label),)),
        Relation("services_subsidies", "zhichan.services", ("award_id", "applicant_key", "applicant", None),
                 ("award_id", "programme", "round_number", "applicant", "geo", "awarded_yuan", "disbursed_on", "voucher",
                  "synthetic")),
    ),
    indicators=_defs,
)
