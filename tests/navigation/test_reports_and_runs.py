"""Navigation reports (DOCX/PDF/HTML parse back with the hand-computed numbers), determinism,
recorded runs, quarterly schedules and the changes section."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import docx
import pytest

from zhichan.corpus.testing import build_snapshot
from zhichan.navigation import service
from zhichan.navigation.analysis import AnalysisParams
from zhichan.platform.db import make_engine

from .conftest import AS_OF, DING, WU, YI, hand_events, hand_patents

PINNED = dt.datetime(2025, 1, 5, 8, 0, 0, tzinfo=dt.UTC)
PARAMS = AnalysisParams(min_branch_patents=3)
SECTIONS = ("报告说明", "一、总体概况", "二、申请趋势与技术生命周期", "三、区域格局", "四、技术分支与补链分析",
            "五、创新主体", "六、协同创新", "七、核心专利与高价值专利", "八、法律状态与运营", "九、对策建议",
            "附录：产业链技术分解表")


@pytest.fixture(scope="module")
def reports(hand_snapshot, test_chain, tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("reports")
    outcome = service.generate_report(test_chain, AS_OF, ["docx", "pdf", "html"], snapshot=hand_snapshot, out=out,
                                      generated_at=PINNED, params=PARAMS)
    return outcome


def test_docx_sections_tables_figures(reports, hand_snapshot, test_chain):  # type: ignore[no-untyped-def]
    d = docx.Document(str(reports.files["docx"]))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(SECTIONS)
    assert 'TOC \\o "1-3"' in d.element.body.xml
    assert len(d.inline_shapes) == 7  # trend, life cycle, regions, branch matrix, applicants, collaboration, legal status
    text = "\n".join(p.text for p in d.paragraphs)
    assert "截至 2024-12-31，测试产业链产业链共检索到专利 14 件" in text
    assert "成都市拥有 5 件，占国内的 38.5%" in text
    assert "判定为「成长期」" in text
    # the chart's incomplete years are the years the life cycle leaves out (2023–2024 as of 2024-12-31)
    assert "2023–2024 年申请受公开滞后影响，数据不完整，不用于生命周期判定" in text
    assert "比较最近三个完整年度 2020–2022 与此前三年 2017–2019" in text
    assert "（补链）（" not in text and "补链（缺失" not in text  # no nested label
    section = d.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text.startswith("测试产业链")
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml and "第 " in section.footer.paragraphs[0].text
    tables = {t.rows[0].cells[1].text: t for t in d.tables if len(t.rows) > 1}
    branches = tables["技术分支"]
    rows = [[c.text for c in r.cells] for r in branches.rows[1:]]
    assert rows[2] == ["2", "电机", "1", "6", "6", "1", "16.7%", "0.43", "缺失（补链）", "成熟期"]
    # every recommendation appears in the document, with its numbers
    for rec in reports.result.recommendations:
        assert rec["text"] in text
    # the record of what the report was made from
    meta = [[c.text for c in r.cells] for r in d.tables[0].rows]
    assert ["数据快照", hand_snapshot.id] in meta
    assert ["产业链定义 SHA-256", test_chain.definition_hash()] in meta
    assert ["生成时间", "2025-01-05 16:00:00 北京时间（UTC+8）"] in meta  # 08:00 UTC
    # the Chinese report's cover in Chinese: its labels read "数据快照 / snapshot" beside the English report's own
    assert not [label for label, _ in meta if re.search(r"[a-z]", label)], meta
    appendix = [[c.text for c in r.cells] for r in d.tables[-1].rows]
    assert appendix[1:] == [["1", "电池", "1", "", "IPC=H01M"], ["1.1", "正极", "2", "1", "IPC=H01M4"],
                            ["2", "电机", "1", "", "IPC=H02K"]]


def test_pdf_text_and_page_artifact(reports, artifacts_dir: Path):  # type: ignore[no-untyped-def]
    pdf = reports.files["pdf"]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace("\n", "")
    for title in SECTIONS:
        assert title in text
    for caption in ("图 1 年度申请量与申请人数", "图 4 技术分支 × 区域矩阵", "表 4 技术分支强弱"):
        assert caption in text
    assert YI in text and "RTA 0.43" in flat
    pages = int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
                .split("Pages:")[1].split()[0])
    assert pages >= 10
    # the branch page (section 四) as PNG
    page = next(i for i in range(1, pages + 1) if "四、技术分支与补链分析" in subprocess.run(
        ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True, text=True).stdout
        and i > 2)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), str(pdf),
                    str(artifacts_dir / "navigation-branches")], check=True)
    assert any(artifacts_dir.glob("navigation-branches*.png"))


def test_html_report(reports):  # type: ignore[no-untyped-def]
    html = reports.files["html"].read_text("utf-8")
    assert html.count("<svg") == 7 and "四、技术分支与补链分析" in html and "缺失（补链）" in html


def test_same_chain_same_snapshot_identical_report(reports, hand_snapshot, test_chain, tmp_path):  # type: ignore[no-untyped-def]
    again = service.generate_report(test_chain, AS_OF, ["docx", "pdf", "html"], snapshot=hand_snapshot, out=tmp_path,
                                    generated_at=PINNED, params=PARAMS)
    for fmt in ("docx", "pdf", "html"):
        assert again.files[fmt].read_bytes() == reports.files[fmt].read_bytes(), fmt


def test_page_data_for_the_web(hand_snapshot, test_chain):  # type: ignore[no-untyped-def]
    data = service.page_data(test_chain, AS_OF, snapshot=hand_snapshot)
    assert 'class="zc-chart"' in data["fragment_html"] and "vegaEmbed" in data["embed_script"]
    assert set(data["charts"]) == {"nav-trend", "nav-life-cycle", "nav-regions", "nav-branch-matrix",
                                   "nav-top-applicants", "nav-collaboration", "nav-legal-status"}
    assert 'data-chart-for="chart-nav-branch-matrix"' in data["fragment_html"]
    assert data["overview"]["patents"] == 14


def _without(names: set[str]) -> list[dict]:
    return [p for k, p in hand_patents().items() if k not in names]


def test_quarterly_schedule_runs_and_changes(migrated_db_url, tmp_path, test_chain, settings):  # type: ignore[no-untyped-def]
    engine = make_engine(migrated_db_url)
    service.save_chain(test_chain, engine)
    # last quarter's data had neither P11 (泰安丁, 电机) nor P12 (成都戊, 电机)
    ps = hand_patents()
    older = build_snapshot(tmp_path / "q3", patents=_without({"P11", "P12"}), events=hand_events(ps))
    newer = build_snapshot(tmp_path / "q4", patents=list(ps.values()), events=hand_events(ps))

    sched = service.schedule_chain(engine, "testchain", formats=["html"], today=dt.date(2024, 11, 15))
    assert sched.next_as_of == dt.date(2024, 9, 30)
    assert service.run_due(engine, today=dt.date(2024, 9, 30), snapshot=older, out=tmp_path) == []  # not over yet
    first = service.run_due(engine, today=dt.date(2024, 11, 15), snapshot=older, out=tmp_path, generated_at=PINNED)
    assert [o.result.as_of for o in first] == [dt.date(2024, 9, 30)]
    assert first[0].result.changes is None
    assert service.run_due(engine, today=dt.date(2024, 12, 1), snapshot=older, out=tmp_path) == []  # already done

    second = service.run_due(engine, today=dt.date(2025, 1, 3), snapshot=newer, out=tmp_path, generated_at=PINNED)
    assert [o.result.as_of for o in second] == [dt.date(2024, 12, 31)]
    changes = second[0].result.changes
    assert changes["previous_as_of"] == "2024-09-30" and changes["previous_snapshot"] == older.id
    assert (changes["patents_before"], changes["patents_now"]) == (12, 14)
    assert (changes["local_before"], changes["local_now"]) == (4, 5)
    by_branch = {b["branch_id"]: (b["before"], b["now"], b["trend"]) for b in changes["branches"]}
    assert by_branch == {"1": (8, 8, "flat"), "1.1": (4, 4, "flat"), "2": (4, 6, "grew")}
    assert changes["new_applicants_count"] == 1 and changes["new_applicants"][0]["name"] == WU
    moves = {x["name"]: (x["rank_before"], x["rank_now"], x["move"]) for x in changes["rank_changes"]}
    assert moves[YI] == (1, 1, "—") and moves[DING] == (5, 2, "↑3")
    html = second[0].files["html"].read_text("utf-8")
    assert "<h2>十、本期变化（与上期比较）</h2>" in html and "成都戊科技有限公司（1 件）" in html

    runs = service.list_runs(engine, "testchain")
    assert [(r.as_of, r.status, r.snapshot_id) for r in runs] == [
        (dt.date(2024, 12, 31), "succeeded", newer.id), (dt.date(2024, 9, 30), "succeeded", older.id)]
    assert json.loads(runs[0].chain_definition)["code"] == "testchain"
    assert runs[0].chain_hash == test_chain.definition_hash()
    assert service.run_file(engine, runs[0].id, "html") == second[0].files["html"]
    assert service.list_schedules(engine)[0].next_as_of == dt.date(2025, 3, 31)
    engine.dispose()


def test_empty_chain_and_absent_region_still_render(hand_snapshot, tmp_path):  # type: ignore[no-untyped-def]
    from zhichan.navigation.chain_io import chain_from_dict

    empty = chain_from_dict({"code": "empty", "name": "空链", "home_region": "6501", "branches": [
        {"id": "1", "name": "无", "level": 1, "query": "TIAB=不存在的技术词"}]})
    outcome = service.generate_report(empty, AS_OF, ["html", "docx", "pdf"], snapshot=hand_snapshot, out=tmp_path,
                                      generated_at=PINNED)
    assert outcome.result.overview["patents"] == 0 and outcome.result.home_rank["rank"] is None
    assert outcome.result.life_cycle["stage"] == "insufficient"
    assert all(path.stat().st_size > 0 for path in outcome.files.values())
    absent = service.generate_report(service.get_chain("nev"), AS_OF, ["html"], region_code="6501",
                                     snapshot=hand_snapshot, out=tmp_path, generated_at=PINNED)
    assert absent.result.overview["local"] == 0
    assert "未进入排名" in absent.files["html"].read_text("utf-8")


def test_collaboration_matrix_is_symmetric_over_the_most_connected_applicants() -> None:
    from zhichan.navigation.report import collaboration_matrix

    pairs = [{"applicant_a": "甲", "applicant_b": "乙", "patents": 5}, {"applicant_a": "乙", "applicant_b": "丙", "patents": 2},
             {"applicant_a": "丁", "applicant_b": "戊", "patents": 1}]
    cells, names = collaboration_matrix(pairs, size=3)
    assert names == ["乙", "甲", "丙"]  # by joint patents: 乙 7, 甲 5, 丙 2 (丁/戊 left out)
    assert {(c["applicant_a"], c["applicant_b"], c["patents"]) for c in cells} == {
        ("甲", "乙", 5), ("乙", "甲", 5), ("乙", "丙", 2), ("丙", "乙", 2)}
    assert collaboration_matrix([]) == ([], [])
    # 丁 is among the three most connected, its only partner 丙 is not: no row and column of its own
    pairs = [{"applicant_a": "甲", "applicant_b": "乙", "patents": 5}, {"applicant_a": "丙", "applicant_b": "丁", "patents": 3},
             {"applicant_a": "乙", "applicant_b": "戊", "patents": 1}]
    assert collaboration_matrix(pairs, size=3)[1] == ["乙", "甲"]
