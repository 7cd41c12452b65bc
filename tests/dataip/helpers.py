"""Shared by the data-IP tests (imported as ``tests.dataip.helpers``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from zhichan.dataip.service import Application
from zhichan.evidence.service import digest_bytes
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, Role

PASSWORD = "correct horse battery"
D = dt.date

#: the fields of an application as the start form takes them (synthetic)
FORM = {
    "applicant": "成都示例科技有限公司", "data_name": "城市公交刷卡脱敏数据集（合成）",
    "description": "2024 年全市公交刷卡记录，已去标识化", "data_source": "企业自有业务系统", "data_scale": "1.2 亿条",
    "data_structure": "trips(card_hash, line, stop, time)，CSV/Parquet", "update_frequency": "每日",
    "processing_rules": "按 GB/T 35273 去标识化后按日汇总", "usage_scenario": "线网优化与客流预测",
}


def application(**overrides: object) -> Application:
    values: dict[str, object] = dict(
        applicant="杭州示例数据科技有限公司（合成）", data_name="城市公交刷卡脱敏数据集",
        description="2024 年全市公交刷卡记录，已去标识化", data_source="企业自有业务系统",
        data_scale="1.2 亿条", processing_rules="按 GB/T 35273 去标识化后按日汇总",
        data_structure="trips(card_hash, line, stop, time)，CSV/Parquet", update_frequency="每日",
        usage_scenario="线网优化与客流预测",
        sample=digest_bytes("样本 manifest（合成）".encode()),
    )
    values.update(overrides)
    return Application(**values)  # type: ignore[arg-type]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """Naive UTC for ``hour`` o'clock China time on ``day``."""
    return dt.datetime.combine(day, dt.time(hour)) - dt.timedelta(hours=8)


def add_public_user(engine: Engine, username: str) -> int:
    """A signed-in member of the public (role ``public``) at the root organization."""
    from tests.procedures.helpers import _password_hash

    with session_scope(engine) as s:
        root = s.scalar(select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id))
        assert root is not None
        return create_user(s, username=username, password=PASSWORD, role=Role.PUBLIC, org=root,
                           password_hash=_password_hash()).id


def rewind_notice(engine: Engine, case_id: int, days: int) -> None:
    """Let ``days`` calendar days pass for a case's notice: its clock and the register's notice
    window move that far into the past (a browser flow cannot wait ten working days)."""
    from zhichan.dataip.models import Registration
    from zhichan.procedures.models import CaseClock

    shift = dt.timedelta(days=days)
    with session_scope(engine) as s:
        clock = s.scalar(select(CaseClock).where(CaseClock.case_id == case_id, CaseClock.name == "notice"))
        assert clock is not None and clock.due_on is not None
        clock.started_at -= shift
        clock.due_on -= shift
        reg = s.scalar(select(Registration).where(Registration.case_id == case_id))
        assert reg is not None and reg.notice_start is not None and reg.notice_end is not None
        reg.notice_start -= shift
        reg.notice_end -= shift
