"""``zhichan procedures``: the declarations as they apply in a region, and legal periods."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tests.procedures.helpers import World
from zhichan.cli import app
from zhichan.evidence.keys import SigningKey
from zhichan.settings import Settings


def test_list_show_and_period(settings: Settings) -> None:
    runner = CliRunner(env={"COLUMNS": "300"})
    listing = runner.invoke(app, ["procedures", "list"])
    assert listing.exit_code == 0 and "protection.patent_dispute" in listing.output and "330000" in listing.output
    zhejiang = runner.invoke(app, ["procedures", "show", "protection.patent_dispute", "--region", "330106"])
    assert "3个工作日" in zhejiang.output and "浙江省专利条例" in zhejiang.output
    national = runner.invoke(app, ["procedures", "show", "protection.patent_dispute", "--region", "510107"])
    assert "5个工作日" in national.output
    # 31 Jan + 1 month = 28 Feb 2025 (a Friday); 5 working days after 30 Sep 2026 = 13 Oct
    assert runner.invoke(app, ["procedures", "period", "2025-01-31", "1", "month"]).output.strip() == "2025-02-28"
    assert runner.invoke(app, ["procedures", "period", "2026-09-30", "5"]).output.strip() == "2026-10-13"
    assert runner.invoke(app, ["procedures", "period", "2026-09-30", "5", "fortnight"]).exit_code != 0
    # into 2027, whose schedule is not published: 29–31 Dec, 1 Jan (元旦) off, 4, 5 Jan — provisional
    assert runner.invoke(app, ["procedures", "period", "2026-12-28", "5"]).output.strip() == \
        "2027-01-05（暂定：2027 年放假安排尚未公布）"


def test_period_refuses_bad_input_with_a_message(settings: Settings) -> None:
    from zhichan.errors import InputError

    runner = CliRunner()
    for args in (["2026-02-30", "5"], ["30/09/2026", "5"], ["2026-09-30", "0"], ["2026-09-30", "0", "day"]):
        result = runner.invoke(app, ["procedures", "period", *args])
        # an InputError is what `zhichan` prints as "错误 / error: …" (no traceback)
        assert isinstance(result.exception, InputError), (args, result.exception)


def test_a_command_on_cases_rewrites_whom_open_cases_await_after_a_bureau_edits_its_file(
        engine: Engine, migrated_db_url: str, tmp_path: Path, signing_key: SigningKey, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bureau's file sends preservation requests to its officers instead of the leader: ``zhichan procedures sweep``
    (a command acting on cases) rewrites the open cases' rows as the platform's start does — the pending request
    leaves the leader's list without a step in the case — and a second command finds nothing to rewrite."""
    from tests.procedures.helpers import build_world, pdf, todo_ids
    from tests.procedures.test_engine import act, at, start
    from zhichan.legaltime import china_today
    from zhichan.platform.db import session_scope
    from zhichan.procedures.models import Case
    from zhichan.settings import get_settings
    from zhichan.web.app import open_procedures

    world = build_world(engine, tmp_path / "files", signing_key)
    today = at(china_today())
    held = start(world, who="ent_user", when=today)
    act(world, "wuhou_officer", held, "accept", today, fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    act(world, "ent_user", held, "request_preservation", today, fields={"items": "销售记录"})
    assert todo_ids(world, "wuhou_leader") == {held["id"]}
    folder = tmp_path / "procedures"
    folder.mkdir()
    shipped = (Path(__file__).parents[2] / "zhichan/protection/definitions/protection.patent_dispute.yaml").read_text("utf-8")
    edited = shipped.replace("decides: {requests: [request_preservation], awaits: [bureau_leader]}",
                             "decides: {requests: [request_preservation], awaits: [case_officer]}")
    assert edited != shipped
    (folder / "patent_dispute.yaml").write_text(edited, encoding="utf-8")
    monkeypatch.setenv("ZHICHAN_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("ZHICHAN_PROCEDURE_DIR", str(folder))
    get_settings.cache_clear()
    swept = CliRunner().invoke(app, ["procedures", "sweep"])
    assert swept.exit_code == 0, swept.output
    with session_scope(engine) as s:
        assert s.scalar(select(Case.awaits_also).where(Case.id == held["id"])) == "case_officer"
    service = open_procedures(get_settings(), engine)  # what every such command opens: nothing left to rewrite
    with session_scope(engine) as s:
        assert service.refresh_expected(s) == []
    assert todo_ids(World(engine, service, world.users), "wuhou_leader") == set()
