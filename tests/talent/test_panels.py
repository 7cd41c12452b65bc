"""Panels drawn from the library on SQLite and PostgreSQL: from a published seed, only admitted people of the
officer's area of the kind and field, conflicts excluded with their reasons (the same organization as a party; a
corpus co-applicant link), the record repeated by ``zhichan credit redraw``; another district sees nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from tests.talent.helpers import client_for, enter, scope_of
from zhichan.cli import app
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.errors import FormError
from zhichan.platform.db import session_scope
from zhichan.talent.panels import draw_panel
from zhichan.web.testing import WebEnv, csrf_from


def expert(name: str, organization: str, region: str = "510107", fields: str = "H01M") -> dict[str, str]:
    return {"name": name, "organization": organization, "region_code": region, "kind_valuation_expert": "1",
            "cert_valuation_expert": f"PG-{name}", "ipc_fields": fields}


def test_a_panel_excludes_conflicts_and_repeats(env: WebEnv, tmp_path: Path) -> None:
    for i in range(6):
        enter(env, "wuhou_officer", expert(f"专家{i}", f"研究院{i}"))
    enter(env, "wuhou_officer", expert("同单位专家", "成都甲公司"))
    enter(env, "wuhou_officer", expert("语料关联专家", "某大学"))
    enter(env, "wuhou_officer", {**expert("曾代理专家", "研究院7"), "prior_parties": "某律所\n成都乙公司"})
    enter(env, "wuhou_officer", expert("另一领域专家", "研究院9", fields="A61K"))
    enter(env, "jinjiang_officer", expert("锦江专家", "研究院8", region="510104"))
    snapshot_dir = tmp_path / "corpus"
    snap = build_snapshot(snapshot_dir, patents=[patent(serial=1, applicants=["成都乙公司", "语料关联专家"])])
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        row = draw_panel(s, scope_of(env, "wuhou_officer"), snap, {
            "title": "资产评估专家抽取", "purpose": "valuation", "kind": "valuation_expert", "ipc_field": "H01M4",
            "size": "3", "seed": "published-seed-1", "parties": "成都甲公司\n成都乙公司"})
        record = json.loads(row.draw)
        panel_id = row.id
        row.drawn_at = dt.datetime(2026, 3, 31, 17, 0)  # 01:00 on 1 April in Beijing
    pool = {p["name"] for p in record["inspectors"]}
    assert pool == {f"专家{i}" for i in range(6)} | {"同单位专家", "语料关联专家", "曾代理专家"}  # kind, field, area
    excluded = {e["name"]: e["reason"] for e in record["draw"][0]["excluded"]}
    assert set(excluded) == {"同单位专家", "语料关联专家", "曾代理专家"}
    assert "same organization" in excluded["同单位专家"] and "corpus link" in excluded["语料关联专家"]
    assert "earlier represented" in excluded["曾代理专家"] and "成都乙公司" in excluded["曾代理专家"]
    members = [m["name"] for m in record["draw"][0]["inspectors"]]
    assert len(members) == 3 and not set(members) & set(excluded)
    # the same seed and pool draw the same panel; the command line repeats it from the record alone
    path = tmp_path / "panel.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(app, ["credit", "redraw", str(path)])
    assert result.exit_code == 0 and "matches the published draw" in result.output, result.output
    record["draw"][0]["inspectors"].reverse()
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    assert CliRunner().invoke(app, ["credit", "redraw", str(path)]).exit_code == 1
    # the page and API: the drawing district's officers; another district gets 404
    officer = client_for(env, "wuhou_officer")
    page = officer.get(f"/talent/panels/{panel_id}")
    assert page.status_code == 200 and "published-seed-1" in page.text and "同单位专家" in page.text
    assert officer.get(f"/api/v1/talent/panels/{panel_id}").json()["members"][0]["name"] in members
    # when it was drawn: Beijing time on the page, the moment with its zone in the API
    assert "2026-04-01 01:00" in page.text and "2026-03-31" not in page.text
    drawn = officer.get(f"/api/v1/talent/panels/{panel_id}").json()
    assert drawn["drawn_at"] == "2026-03-31T17:00:00Z" and "drawn_on" not in drawn  # no zoneless Beijing text beside
    assert client_for(env, "jinjiang_officer").get(f"/api/v1/talent/panels/{panel_id}").status_code == 404
    assert client_for(env, "ent_user").get(f"/talent/panels/{panel_id}").status_code == 404


def test_too_small_a_pool_and_bad_input_answer_beside_the_field(env: WebEnv) -> None:
    enter(env, "wuhou_officer", expert("专家甲", "研究院甲"))
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        try:
            draw_panel(s, scope_of(env, "wuhou_officer"), None, {"title": "t", "purpose": "valuation",
                                                                 "kind": "valuation_expert", "size": "2"})
            raise AssertionError("drew from too small a pool")
        except FormError as exc:
            assert "1 eligible" in exc.errors["size"]
    officer = client_for(env, "wuhou_officer")
    token = csrf_from(officer.get("/talent/panels").text)
    bad = officer.post("/talent/panels", data={"title": "", "purpose": "x", "kind": "valuation_expert", "size": "0",
                                               "ipc_field": "1", "csrf_token": token})
    assert bad.status_code == 422
    for name in ("title", "size", "ipc_field"):
        assert f'id="panel-{name}-error"' in bad.text, name
    ok = officer.post("/talent/panels", data={"title": "评审", "purpose": "subsidy_review", "kind": "valuation_expert",
                                              "size": "1", "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303
    assert client_for(env, "ent_user").get("/talent/panels").status_code == 403
