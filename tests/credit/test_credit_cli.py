"""``zhichan credit``: seeding the registry from the current snapshot, importing registration data (bad
rows reported by line and field, the good ones kept), and repeating a published draw."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.credit.draws import Draw
from zhichan.credit.models import Agency
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.platform.models import OrgKind
from zhichan.platform.orgs import create_org
from zhichan.settings import Settings


def test_seed_import_and_redraw(settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    with session_scope(engine) as s:
        create_org(s, "国家局", OrgKind.NATION, "100000")
    build_snapshot(settings.data_dir, patents=[patent(serial=1, agency="成都天府专利代理事务所", agents=["王五"])])
    runner = CliRunner(env={"COLUMNS": "300"})
    seeded = runner.invoke(app, ["credit", "seed-agencies"])
    assert seeded.exit_code == 0, seeded.output
    assert "新增机构 1，新增代理师 1" in seeded.output
    registration = tmp_path / "agencies.csv"
    registration.write_text("name,credit_code,region_code,licence_number,address,agents\n"
                            "成都天府专利代理事务所,91510100MA61R5XA24,510107,51205,成都市武侯区,王五;赵六\n"
                            "坏数据代理所,123,5101,,,\n", "utf-8")
    imported = runner.invoke(app, ["credit", "import-agencies", str(registration)])
    assert imported.exit_code == 1
    assert "已导入 1 行" in imported.output and "line 3" in imported.output and "credit_code" in imported.output
    with session_scope(engine) as s:
        [row] = s.scalars(select(Agency)).all()
        assert (row.credit_code, row.region_code, row.source) == ("91510100MA61R5XA24", "510107", "registration")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("name,region_code\n武侯乙专利代理所,510107\n".encode("gb18030"))
    unreadable = runner.invoke(app, ["credit", "import-agencies", str(gbk)])
    assert unreadable.exit_code == 1 and "--encoding gb18030" in unreadable.output
    assert runner.invoke(app, ["credit", "import-agencies", str(gbk), "--encoding", "gb18030"]).exit_code == 0
    with session_scope(engine) as s:
        assert len(s.scalars(select(Agency)).all()) == 2
    engine.dispose()
    record = Draw("种子", {"1": "甲", "2": "乙", "3": "丙"}, {"a": "张", "b": "李"}, {}, 2, 1).as_json()
    published = tmp_path / "inspection.json"
    published.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    same = runner.invoke(app, ["credit", "redraw", str(published)])
    assert same.exit_code == 0 and "一致" in same.output
    record["draw"][0]["inspectors"] = [{"id": "zz", "name": "改"}]
    published.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    assert runner.invoke(app, ["credit", "redraw", str(published)]).exit_code == 1
