"""Importing a roster: every good row entered (audited, source imported), every bad row reported with its line,
column, value and reason — never dropped; the same roster twice adds nobody; an export imports back; the page's
upload and ``zhichan talent import`` on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from tests.talent.helpers import client_for, scope_of
from zhichan.cli import app
from zhichan.platform.db import session_scope
from zhichan.platform.models import AuditEntry
from zhichan.settings import get_settings
from zhichan.talent.importer import import_roster
from zhichan.talent.models import Person, PersonKind, StatusChange
from zhichan.web.testing import WebEnv, csrf_from

ROSTER = ("姓名,工作单位,所在地区,人员类别,资格证书编号,技术领域,产业链,联系电话,电子邮箱,同意共享的信息\n"
          "钱专家,电子科技大学,510107,评估专家；评审专家,评估专家: PG-7,H04L,电子信息,028-1,qian@example.cn,姓名；技术领域\n"
          "孙调解,,510104,人民调解员,,,,,,\n"
          "周代理,某代理所,510107,专利代理师,,H04L,,,,\n"           # no certificate: rejected
          "吴某,,5101,不存在的类别,,X99,,,bad-mail,\n"              # four problems: all reported
          ",,,,,,,,,\n")                                            # an empty line is no row


def test_roster_rows_are_imported_or_reported(env: WebEnv) -> None:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        report = import_roster(s, scope_of(env, "cd_leader"), ROSTER.encode("utf-8"), "名册.csv")
    assert report.imported == 2
    rejects = {(r["line"], r["column"]) for r in report.rejects}
    assert rejects == {(4, "资格证书编号"), (5, "所在地区"), (5, "人员类别"), (5, "技术领域"), (5, "电子邮箱")}
    assert next(r for r in report.rejects if r["column"] == "技术领域")["value"] == "X99"
    assert "line" in report.rejects_csv().splitlines()[0]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        qian = s.scalars(select(Person).where(Person.name == "钱专家")).one()
        assert qian.source == "imported" and qian.shared == "name;ipc_fields" and qian.status == "in_library"
        kinds = dict(s.execute(select(PersonKind.kind, PersonKind.certificate).where(PersonKind.person_id == qian.id)).all())
        assert kinds == {"valuation_expert": "PG-7", "review_expert": ""}
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "talent.person_imported")) == 2
        # the import is the first row of the person's status history
        assert [(c.status, c.via, c.actor) for c in s.scalars(select(StatusChange).where(
            StatusChange.person_id == qian.id))] == [("in_library", "imported", "cd_leader")]
    # the same roster again adds nobody (each good row is a reject: already in the library)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        again = import_roster(s, scope_of(env, "cd_leader"), ROSTER.encode("gb18030"), "名册.csv")
    assert again.imported == 0 and {r["line"] for r in again.rejects} == {2, 3, 4, 5}
    # a district officer imports only its own area: the Jinjiang row is a reject for Wuhou
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        district = import_roster(s, scope_of(env, "wuhou_officer"), ROSTER.replace("孙调解", "孙调解乙").encode(), "r.csv")
    assert any(r["line"] == 3 and r["column"] == "所在地区" for r in district.rejects)


def test_an_export_imports_back_and_the_page_uploads(env: WebEnv) -> None:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        import_roster(s, scope_of(env, "cd_leader"), ROSTER.encode("utf-8"), "名册.csv")
    city = client_for(env, "cd_leader")
    exported = city.get("/talent/export.xlsx").content
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(delete(PersonKind))
        s.execute(delete(StatusChange))
        s.execute(delete(Person))
    token = csrf_from(city.get("/talent").text)
    page = city.post("/talent/import", data={"csrf_token": token},
                     files={"file": ("talent.xlsx", exported, "application/octet-stream")})
    assert page.status_code == 200 and 'id="import-result"' in page.text
    items = city.get("/api/v1/talent").json()["items"]
    assert {p["name"] for p in items} == {"钱专家", "孙调解"}
    qian = next(p for p in items if p["name"] == "钱专家")
    assert qian["certificates"] == [{"kind": "valuation_expert", "number": "PG-7"}] and qian["shared"] == ["name", "ipc_fields"]
    # a workbook without the required columns, and a file that is no spreadsheet: a message, nothing kept
    book = Workbook()
    book.active.append(["姓名", "电话"])
    buffer = io.BytesIO()
    book.save(buffer)
    bad = city.post("/talent/import", data={"csrf_token": token}, files={"file": ("x.xlsx", buffer.getvalue(), "x")})
    assert bad.status_code == 422 and 'id="import-file-error"' in bad.text and "region_code" in bad.text
    member = client_for(env, "ent_user")
    assert member.post("/talent/import", data={"csrf_token": csrf_from(member.get("/talent").text)},
                       files={"file": ("r.csv", ROSTER.encode(), "text/csv")}).status_code == 403


def test_the_command_line_import(env: WebEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, "utf-8")
    rejects = tmp_path / "rejects.csv"
    # the command reads the database the settings name: this test's (SQLite or PostgreSQL)
    monkeypatch.setenv("ZHICHAN_DATABASE_URL", env.engine.url.render_as_string(hide_password=False))  # type: ignore[attr-defined]
    get_settings.cache_clear()
    try:
        result = CliRunner(env={"COLUMNS": "300"}).invoke(
            app, ["talent", "import", str(roster), "--as", "cd_leader", "--rejects", str(rejects)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1, result.output
    assert "已导入 2 人" in result.output and "line 4" in result.output
    assert "资格证书编号" in rejects.read_text("utf-8-sig")
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert s.scalar(select(func.count()).select_from(Person).where(Person.source == "imported")) == 2
