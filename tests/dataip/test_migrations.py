"""dataip_0004 on SQLite and PostgreSQL: a registration the demo stored with the 【合成】 mark in its data set's name
(and its case's title and start fields) keeps the name without it and is flagged synthetic; a real one is unchanged;
a registration with an objection is migrated too."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from zhichan.platform.db import alembic_config, make_engine
from zhichan.web.testing import seed


def test_a_marked_data_set_name_loses_its_mark_and_gains_the_flag(db_url: str) -> None:
    engine = make_engine(db_url)
    cfg = alembic_config(engine)
    for head in ScriptDirectory.from_config(cfg).get_heads():
        command.upgrade(cfg, "dataip_0003" if head.startswith("dataip_") else head)
    seed(engine)
    meta = sa.MetaData()
    now = dt.datetime(2026, 12, 1, 2, 0)
    with engine.begin() as con:
        org_id, path = con.execute(sa.text("SELECT id, path FROM platform_organizations ORDER BY id")).first()
        entries = sa.Table("evidence_entries", meta, autoload_with=con)
        cases = sa.Table("procedure_cases", meta, autoload_with=con)
        regs = sa.Table("dataip_registrations", meta, autoload_with=con)
        ids = []
        for i, (name, synthetic) in enumerate([("【合成】新能源汽车充电桩运行数据集", True), ("城市公交刷卡数据集", False)]):
            con.execute(entries.insert().values(idx=i, kind="dataip.application", leaf=b"\0" * 32, created_at=now))
            case_id = con.execute(cases.insert().values(
                procedure="dataip.registration", jurisdiction="default", revision=1, number=f"DIPA-{i}",
                title=f"{name} · 某企业", state="in_notice", org_id=org_id, org_path=path, region_code="510100",
                fields=json.dumps({"data_name": name, "applicant": "某企业"}, ensure_ascii=False), version=1,
                synthetic=synthetic, is_open=True, next_due=dt.date(2026, 12, 20), created_at=now,
                updated_at=now)).inserted_primary_key[0]
            ids.append(con.execute(regs.insert().values(
                number=f"DIP-2026-{i:08d}", case_id=case_id, application_index=i, applicant="某企业", data_name=name,
                description="d", data_source="s", data_scale="1", processing_rules="r", status="in_notice",
                submitted_at=now)).inserted_primary_key[0])
        # an objection refers to the registration: the column is added in place, not by copying the table
        con.execute(sa.Table("dataip_objections", meta, autoload_with=con).insert().values(
            registration_id=ids[0], objector="某人", reason="r", filed_at=now, entry_index=0, status="pending"))
    command.upgrade(cfg, "heads")
    with engine.connect() as con:
        rows = con.execute(sa.text(
            "SELECT r.data_name, r.synthetic, c.title, c.fields, c.synthetic FROM dataip_registrations r "
            "JOIN procedure_cases c ON c.id = r.case_id ORDER BY r.id")).all()
    engine.dispose()
    (name, synthetic, title, fields, case_synthetic), real = rows
    assert (name, bool(synthetic), title, bool(case_synthetic)) == (
        "新能源汽车充电桩运行数据集", True, "新能源汽车充电桩运行数据集 · 某企业", True)
    assert json.loads(fields)["data_name"] == "新能源汽车充电桩运行数据集"
    assert (real[0], bool(real[1]), real[2]) == ("城市公交刷卡数据集", False, "城市公交刷卡数据集 · 某企业")
