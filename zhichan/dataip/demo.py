"""A synthetic data-IP registration for the demo (``zhichan demo``), so an account shows a step held until a period
ends: the demo enterprise (``exchange_demo_00``, the account ``demo_enterprise`` joins) applies to register a data set
of its own, and its bureau publishes it — through :class:`~zhichan.dataip.service.DataIPService` and the procedure
engine, as the command line and the pages do. The registration is under its 10-working-day public notice: the
notices page lists it, and the bureau's officers see 准予登记 on its case page "可于 YYYY-MM-DD 起办理" (the notice's
``lapsed`` rule, docs/dataip.md). Labelled synthetic: the registration and its case carry the ``synthetic`` flag (every
page that names the data set shows the synthetic badge, its certificate the synthetic banner; the name keeps no mark). Made once per database, dated in the past so the notice runs today."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select, update

from zhichan.dataip.models import Registration
from zhichan.dataip.service import PROCEDURE, Application, DataIPService
from zhichan.evidence.service import digest_bytes
from zhichan.legaltime import CalendarNotPublished, china_today, moment_on, workday_on_or_before
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, User
from zhichan.platform.orgs import scope_for_user, synthetic_scope
from zhichan.procedures.models import Case
from zhichan.procedures.service import ProcedureService

#: the demo enterprise's account (zhichan.exchange.demo.FIRST): the applicant
APPLICANT_USER = "exchange_demo_00"
#: the calendar days before today the notice was published (drawn back to a working day) and the application filed
#: before it: a notice of 10 working days published 4–6 days ago runs on for about a week
PUBLISHED_DAYS_AGO = 4
FILED_DAYS_BEFORE = 7
MANIFEST = "【合成演示】数据样本清单：充电桩编号, 时间戳, 充电量（千瓦时）, 故障码（合成数据，仅供演示 / synthetic demo data）"


def application(applicant: str) -> Application:
    """The demo enterprise's application (every text says it is synthetic)."""
    return Application(
        applicant=applicant, data_name="新能源汽车充电桩运行数据集",
        description="【合成演示】企业自有充电桩的运行与故障数据，经脱敏汇总（合成数据，仅供演示 / synthetic demo data）",
        data_source="企业自建充电桩的运行记录，自行采集", data_scale="约 1,200 万条记录，每日新增约 3 万条",
        data_structure="表 charging_sessions：桩编号、开始与结束时间、充电量、故障码；CSV 与 Parquet",
        update_frequency="每日", processing_rules="去除车辆与用户标识，按桩与小时汇总；异常值按规则标记",
        usage_scenario="充电网络规划、设备运维与故障预测", sample=digest_bytes(MANIFEST.encode("utf-8")))


def seed(engine: Engine, procedures: ProcedureService, *, today: dt.date | None = None) -> int:
    """Apply as the demo enterprise and publish as its bureau; 1 when made, 0 when the database has a synthetic
    registration already, the exchange demo made no enterprise, or the calendar of those days is not published."""
    today = today or china_today()
    service = DataIPService(procedures)  # the register's hook on the engine, as the app installs it
    with session_scope(engine) as s:
        if s.scalar(select(Case.id).where(Case.procedure == PROCEDURE, Case.synthetic.is_(True)).limit(1)) is not None:
            return 0
        user = s.scalar(select(User).where(User.username == APPLICANT_USER))
        if user is None or user.org_id is None:
            return 0
        enterprise = s.get(Organization, user.org_id)
        bureau = s.get(Organization, enterprise.parent_id) if enterprise is not None and enterprise.parent_id else None
        if enterprise is None or bureau is None:
            return 0
        scope, officer, applicant = scope_for_user(s, user, enterprise), synthetic_scope(bureau), enterprise.name
    try:
        published = workday_on_or_before(today - dt.timedelta(days=PUBLISHED_DAYS_AGO))
        filed = workday_on_or_before(published - dt.timedelta(days=FILED_DAYS_BEFORE))
    except CalendarNotPublished:
        return 0
    registration = service.submit(scope, application(applicant), now=moment_on(filed, 10))
    with session_scope(engine) as s:
        s.execute(update(Case).where(Case.id == registration["case_id"]).values(synthetic=True))
        s.execute(update(Registration).where(Registration.id == registration["id"]).values(synthetic=True))
    service.publish(officer, int(registration["id"]), on=published)
    return 1
