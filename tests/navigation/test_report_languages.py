"""The navigation report in the page's language: every text from the navigation catalogue, the
Chinese wording that of the report of record, the English one without Chinese except data (names of
chains, branches, applicants, inventors, regions, patent titles)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
from html import unescape
from pathlib import Path

import docx
import pytest

from tests.helpers import unnamed_tooltips
from zhichan.navigation import service
from zhichan.navigation.analysis import STAGES, STRENGTHS, AnalysisParams
from zhichan.navigation.changes import compare, summarize
from zhichan.navigation.recommend import KINDS, recommendation_text
from zhichan.navigation.report import APPLICANT_TYPES, build_document
from zhichan.reports import charts
from zhichan.reports.document import Document, Table
from zhichan.reports.html import render_fragment
from zhichan.web.i18n import LANGUAGES, translate

from .conftest import AS_OF, hand_patents

PINNED = dt.datetime(2025, 1, 5, 8, 0, 0, tzinfo=dt.UTC)
HAN = re.compile(r"[\u3400-\u9fff]+")


def _with_changes(result):  # type: ignore[no-untyped-def]
    """The result with a changes section (the previous quarter: fewer patents in branch 1, one applicant)."""
    previous = summarize(result)
    previous["branches"]["1"]["patents"] = 3
    previous["applicants"] = previous["applicants"][:1]
    previous["ranks"] = {}
    result.changes = compare(result, previous)
    return result


def _data(result) -> str:  # type: ignore[no-untyped-def]
    """Every text of the result that is data, not report wording."""
    texts = [result.chain.name, result.chain.description, result.region_name, *(b.name for b in result.chain.branches)]
    texts += [p["title"] for p in hand_patents().values()]
    for p in hand_patents().values():
        texts += p["applicants"] + p["inventors"]
    texts += [x["name"] for x in result.regions] + [x["region"] for x in result.matrix]
    texts += [x["region"] for x in result.top_national + result.top_local]
    return "\n".join(texts)


def _text(doc) -> str:  # type: ignore[no-untyped-def]
    html = re.sub(r"<script.*?</script>", " ", render_fragment(doc, mode="vega"), flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "\n", html))


def test_every_coded_value_of_the_report_has_a_label_in_both_languages() -> None:
    for lang in LANGUAGES:  # the suite runs the catalogues strict: a missing key raises
        for field, codes in (("stage", STAGES), ("strength", STRENGTHS), ("applicant_type", APPLICANT_TYPES),
                             ("status", ("valid", "pending", "invalid")),
                             ("event", ("transfer", "licence", "pledge")), ("peer", ("province", "city", "county")),
                             ("peer_column", ("province", "city", "county")), ("recommendation", KINDS),
                             ("change", ("grew", "shrank", "flat"))):
            for code in codes:
                assert translate(lang, f"navigation.{field}.{code}")


def test_english_report_has_no_chinese_but_data(hand_result) -> None:  # type: ignore[no-untyped-def]
    result = _with_changes(hand_result)
    doc = build_document(result, PINNED, "en")
    text = _text(doc)
    data = _data(result)
    assert not sorted({run for run in HAN.findall(text) if run not in data})
    assert doc.title == "Patent navigation report: the 测试产业链 industry chain" and doc.html_lang == "en"
    assert [s.title for s in doc.sections][:3] == ["About this report", "1. Overview",
                                                   "2. Filing trend and technology life cycle"]
    assert "As of 2024-12-31, the search of the 测试产业链 industry chain found 14 patents (" in text
    # no count set before a plural noun whatever the count ("with 1 local applicants", "1 local patents"): the
    # sentences name what they count, then the number
    assert not re.findall(r"(?<![\d.,])1 (?:local |valid |high-value |domestic )*(?:patents|applicants|inventions|times)\b",
                          text)
    assert "The technology life cycle is judged to be \"Growth\"." in text
    assert "Table 14 Branches that grew or shrank" in text and "grew" in text
    # the recommendations in English, with the numbers of the Chinese ones
    for rec in result.recommendations:
        assert recommendation_text(rec, result, "en") in text
    invest = next(x for x in result.recommendations if x["kind"] == "investment")
    assert "RTA 0.43" in recommendation_text(invest, result, "en")
    # the charts' titles too
    specs = " ".join(f.chart.spec_json() for f in doc.figures())
    assert "Applications and applicants per year" in specs and "年度申请量" not in specs


def test_chinese_report_keeps_its_wording_and_shows_status_labels(hand_result) -> None:  # type: ignore[no-untyped-def]
    result = _with_changes(hand_result)
    doc = build_document(result, PINNED)
    text = _text(doc)
    assert doc.html_lang == "zh-CN" and doc.title == "测试产业链产业专利导航分析报告"
    assert ("截至 2024-12-31，测试产业链产业链共检索到专利 14 件（发明 13 件、实用新型 1 件、外观设计 0 件），"
            "涉及申请人 7 个；其中国内申请 13 件。成都市拥有 5 件，占国内的 38.5%") in text
    assert "新进入申请人 " in text and "十、本期变化（与上期比较）" in text
    assert '<td class="nowrap">增长</td>' in render_fragment(doc) and "9.1 招商引资（补链）" in text
    # the core patents' status is its label (it showed the code "valid")
    core = re.search(r'<table id="t-core"[^>]*>.*?</table>', render_fragment(doc), flags=re.S)
    assert core is not None and '<td class="nowrap">有效</td>' in core.group(0) and "valid</td>" not in core.group(0)
    # a transfer with no recorded price reads "—" (unknown), not "0" yuan; the pledge's amount is grouped, to the fen
    operations = re.search(r'<table id="t-operations"[^>]*>.*?</table>', render_fragment(doc), flags=re.S)
    assert operations is not None
    rows = re.findall(r"<tr>(.*?)</tr>", operations.group(0))
    assert '<td class="nowrap">转让</td>' in rows[1] and rows[1].endswith('<td class="num">—</td><td class="num">—</td>')
    assert '<td class="num">1,000,000.00</td>' in rows[3]


def test_reports_in_both_languages_from_one_analysis(hand_snapshot, test_chain, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcome = service.generate_report(test_chain, AS_OF, ["docx", "pdf"], snapshot=hand_snapshot, out=tmp_path,
                                      generated_at=PINNED, params=AnalysisParams(min_branch_patents=3),
                                      languages=("zh", "en"))
    assert sorted(outcome.files) == ["docx", "docx.en", "pdf", "pdf.en"]
    assert outcome.files["pdf.en"].name.endswith(".en.pdf")
    d = docx.Document(str(outcome.files["docx.en"]))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["About this report", "1. Overview"]
    assert "Page " in d.sections[0].footer.paragraphs[0].text
    zh = docx.Document(str(outcome.files["docx"]))
    assert [p.text for p in zh.paragraphs if p.style.name == "Heading 1"][1] == "一、总体概况"
    assert zh.sections[0].footer.paragraphs[0].text.startswith("第 ")
    # the count headings' units (test_every_count_column_after_the_overview_names_its_unit) in the DOCX too
    headings = {lang: {c.text for t in doc.tables for c in t.rows[0].cells} for lang, doc in (("zh", zh), ("en", d))}
    assert {"申请量（件）", "国内（件）", "成都市（件）", "成员数（人）"} <= headings["zh"], headings["zh"]
    assert {"Applications (no.)", "Domestic (patents)", "Chengdu (patents)", "Members (people)"} <= headings["en"]
    pdf_text = subprocess.run(["pdftotext", str(outcome.files["pdf.en"]), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "1. Overview" in pdf_text and "Contents" in pdf_text and "总体概况" not in pdf_text


def test_an_unknown_language_is_refused(hand_snapshot, test_chain, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from zhichan.errors import InputError

    with pytest.raises(InputError, match="unsupported report language"):
        service.generate_report(test_chain, AS_OF, ["docx"], snapshot=hand_snapshot, out=tmp_path, languages=("fr",))


def test_english_report_names_the_chain_and_its_branches_in_english(hand_result) -> None:  # type: ignore[no-untyped-def]
    """A chain with English names: the English report shows no Chinese chain or branch name (the
    appendix keeps the Chinese names of the definition beside the English ones), the Chinese report
    no English one."""
    english = {"1": "Batteries", "1.1": "Cathodes", "2": "Motors"}
    chain = hand_result.chain.model_copy(update={
        "name_en": "Test", "description_en": "A chain for tests.",
        "branches": [b.model_copy(update={"name_en": english[b.id]}) for b in hand_result.chain.branches]})
    result = _with_changes(dataclasses.replace(hand_result, chain=chain))
    doc = build_document(result, PINNED, "en")
    assert doc.title == "Patent navigation report: the Test industry chain"
    body = _text(dataclasses.replace(doc, sections=[s for s in doc.sections if "Appendix" not in s.title]))
    names = {chain.name, *(b.name for b in chain.branches)}
    data = set(HAN.findall(_data(result))) - names  # applicants, inventors, regions, titles
    assert not sorted(set(HAN.findall(body)) - data)
    assert "Batteries / Cathodes" in body and "A chain for tests." in _text(doc)
    specs = " ".join(f.chart.spec_json() for f in doc.figures())
    assert '"Motors"' in specs and '"电机"' not in specs  # the branch × region matrix
    matrix = next(f.chart.spec() for f in doc.figures() if f.chart.chart_id == "nav-branch-matrix")
    assert f'"labelLimit": {charts.LABEL_LIMIT}' in json.dumps(matrix)  # a long English branch name is not cut at 180 px
    for rec in result.recommendations:  # a recommendation names its branch in English
        text = recommendation_text(rec, result, "en")
        assert not set(HAN.findall(text)) & names, text
    appendix = re.search(r'<table id="t-chain"[^>]*>.*?</table>', render_fragment(doc), flags=re.S)
    assert appendix is not None and '<td class="nowrap">正极</td><td class="nowrap">Cathodes</td>' in appendix.group(0)
    zh = _text(build_document(result, PINNED, "zh"))
    assert "电池 / 正极" in zh and "Cathodes" not in zh and "Test industry" not in zh


def test_transaction_amounts_are_grouped(hand_result) -> None:  # type: ignore[no-untyped-def]
    """The pledge amounts of the operations table are grouped (they read 1000000.0), to the fen as a report of
    record writes money (they read 1,000,000)."""
    for lang in ("zh", "en"):
        table = re.search(r'<table id="t-operations"[^>]*>.*?</table>', render_fragment(build_document(hand_result, PINNED, lang)),
                          flags=re.S)
        assert table is not None and '<td class="num">1,000,000.00</td>' in table.group(0) and "1000000" not in table.group(0), lang



def test_the_reports_counts_are_grouped_its_years_not(hand_result) -> None:  # type: ignore[no-untyped-def]
    """Counts read grouped in the report's sentences and tables (1197 patents read "1197"), as the pages show counts;
    a year in a sentence (the incomplete years, the recent activity's first year) and the trend table's and the core
    patents' year columns as written. The English overview reads as a sentence ("found 1,197 patents", not "found
    patents: 1197"), the trend chart's axis title capitalised."""
    result = dataclasses.replace(hand_result, overview={**hand_result.overview, "patents": 1197, "local": 12_345},
                                 trend=[{**t, "applications": t["applications"] + 1000} for t in hand_result.trend])
    first, last = result.life_cycle["incomplete"]
    for lang, found in (("zh", "共检索到专利 1,197 件"), ("en", "found 1,197 patents (")):
        doc = build_document(result, PINNED, lang)
        text = _text(doc)
        assert found in text and "1197" not in text and "12,345" in text, lang
        assert f"{first}–{last}" in text or f"{first}—{last}" in text or f"{first}-{last}" in text, lang
        assert f"{first:,}" not in text, lang
        html = render_fragment(doc, mode="png")
        trend = re.split(r'<table id="t-trend"[^>]*>', html, maxsplit=1)[1].split("</table>", 1)[0]
        years = re.findall(r'<tr><td class="num">([^<]*)</td><td class="num">([^<]*)</td>', trend)
        assert years and all(re.fullmatch(r"\d{4}", y) and re.fullmatch(r"\d{1,3}(,\d{3})+", n) for y, n in years), years
        core = re.split(r'<table id="t-core"[^>]*>', html, maxsplit=1)[1].split("</table>", 1)[0]
        assert re.search(r'<td class="num">20\d\d</td>', core) and not re.search(r">2,0\d\d<", core), lang
    assert translate("en", "navigation.doc.trend.y_title") == "Patents / applicants"
    # the life-cycle chart's axes name their units in the Chinese report, as the trend chart's do (件 / 个)
    spec = next(f.chart.spec() for f in build_document(result, PINNED, "zh").figures()
                if f.chart.chart_id == "nav-life-cycle")
    titles = {json.dumps(spec, ensure_ascii=False).count(x) > 0 for x in ('"申请人数（个）"', '"申请量（件）"')}
    assert titles == {True}, spec


def test_the_reports_figures_are_right_aligned_and_its_states_read_whole(hand_result) -> None:  # type: ignore[no-untyped-def]
    """The HTML the PDF is rendered from: the operations' amounts (and "—" where none) right-aligned under right-aligned
    headings; the core patents' state, local and high-value columns never wrapped (状态 and 有效 stood one character a
    line in the PDF)."""
    for lang, state, heading in (("zh", "有效", "状态"), ("en", "In force", "Status")):
        html = render_fragment(build_document(hand_result, PINNED, lang), mode="png")
        operations = re.split(r'<table id="t-operations"[^>]*>', html, maxsplit=1)[1].split("</table>", 1)[0]
        heads = re.findall(r"<th[^>]*>", operations)
        assert all(h.startswith('<th class="num') for h in heads[-2:]) and operations.count('<td class="num">—</td>') >= 2, lang
        core = re.split(r'<table id="t-core"[^>]*>', html, maxsplit=1)[1].split("</table>", 1)[0]
        assert f'<th class="nowrap">{heading}</th>' in core and f'<td class="nowrap">{state}</td>' in core, lang
        assert re.search(r'<td class="num">20\d\d</td>', core), lang  # the filing year

def test_the_rankings_of_a_synthetic_corpus_say_their_applicants_are_fictional(hand_result) -> None:  # type: ignore[no-untyped-def]
    """The report's notice says the data is synthetic; the applicant rankings say, where the names are read, that
    the applicants are generated parties and no real institution (a synthetic 浙江大学 once topped them)."""
    said = {"zh": "下列排名中的申请人是生成语料中的虚构主体，名称不指代任何真实机构",
            "en": "the applicants ranked below are fictional parties of the generated corpus"}
    for lang, words in said.items():
        synthetic = build_document(dataclasses.replace(hand_result, synthetic=True), PINNED, lang)
        innovators = next(x for x in synthetic.sections if x.title == translate(lang, "navigation.doc.innovators.title"))
        assert words in _text(synthetic), lang
        assert any(words in getattr(b, "text", "") for b in innovators.blocks), (lang, innovators.title)
        assert words not in _text(build_document(dataclasses.replace(hand_result, synthetic=False), PINNED, lang)), lang


def test_the_english_report_names_generated_applicants_in_english(tmp_path, test_chain) -> None:  # type: ignore[no-untyped-def]
    """The English report listed the synthetic corpus's generated applicants by their Chinese names: they now read
    in English with the legal name after it (``parties.holder_display_name``); a real record's applicant whose name
    reads like a generated one stays as it is, and the Chinese report is unchanged."""
    from zhichan.corpus.testing import build_snapshot, patent
    from zhichan.navigation.analysis import analyse

    generated, real = "成都威海生物医药集团有限公司", "成都瑞博科技有限公司"
    snap = build_snapshot(tmp_path, patents=[
        *[patent(f"2021100000{i}", application_date=f"2021-0{i}-01", ipc=["H01M4/13"], applicants=[generated],
                 applicant_types=["enterprise"], region_code="510117", synthetic=True) for i in range(1, 4)],
        patent("20221000001", application_date="2022-01-01", ipc=["H01M4/13"], applicants=[real],
               applicant_types=["enterprise"], region_code="510107"),
    ])
    con = snap.connect()
    try:
        result = analyse(con, test_chain, AS_OF, snapshot_id=snap.id, params=AnalysisParams(min_branch_patents=1))
    finally:
        con.close()
    english = _text(build_document(result, PINNED, "en"))
    assert f"Chengdu Weihai Biomedicine Group Co., Ltd. ({generated})" in english
    assert f"({real})" not in english and real in english
    chinese = _text(build_document(result, PINNED, "zh"))
    assert "Chengdu Weihai" not in chinese and generated in chinese


def test_the_english_core_patents_table_names_generated_applicants_in_english(tmp_path, test_chain) -> None:  # type: ignore[no-untyped-def]
    """The core patents' table (t-core) of the English report kept the applicant's Chinese name when every other table
    read the generated applicants in English: it names them so too, the legal name after it; the Chinese table and a
    real record's applicant as they are."""
    from zhichan.corpus.testing import build_snapshot, patent
    from zhichan.navigation.analysis import analyse

    generated, real = "成都威海生物医药集团有限公司", "成都瑞博科技有限公司"
    snap = build_snapshot(tmp_path, patents=[
        patent("20211000001", application_date="2021-01-01", ipc=["H01M4/13"], applicants=[generated],
               applicant_types=["enterprise"], region_code="510117", synthetic=True, forward_citations=3),
        patent("20221000001", application_date="2022-01-01", ipc=["H01M4/13"], applicants=[real],
               applicant_types=["enterprise"], region_code="510107", forward_citations=2),
    ])
    con = snap.connect()
    try:
        result = analyse(con, test_chain, AS_OF, snapshot_id=snap.id, params=AnalysisParams(min_branch_patents=1))
    finally:
        con.close()
    tables = {lang: re.search(r'<table id="t-core"[^>]*>.*?</table>', render_fragment(build_document(result, PINNED, lang)),
                              flags=re.S) for lang in ("zh", "en")}
    assert tables["en"] is not None and tables["zh"] is not None
    english, chinese = unescape(tables["en"].group(0)), tables["zh"].group(0)
    assert f"<td>Chengdu Weihai Biomedicine Group Co., Ltd. ({generated})</td>" in english, english
    assert f"<td>{real}</td>" in english
    assert f"<td>{generated}</td>" in chinese and "Chengdu Weihai" not in chinese


def test_the_collaboration_matrix_names_its_applicants_whole(hand_result) -> None:  # type: ignore[no-untyped-def]
    """The English report's co-applicant matrix cut both axes' names with "…" (the columns' slanted under twelve
    columns, which made the chart so wide that it was printed small): each row is numbered and named whole, each
    column carries the row's number, upright."""
    names = [("上海顺海光电科技有限公司", "Shanghai Shunhai Optoelectronic Technology Co., Ltd."),
             ("常州尚乐智能科技有限公司", "Changzhou Shangle Intelligent Technology Co., Ltd."),
             ("成都瀚锐储能科技有限公司", "Chengdu Hanrui Energy Storage Technology Co., Ltd.")]
    pairs = [{"applicant_a": a, "applicant_a_en": a_en, "applicant_b": b, "applicant_b_en": b_en, "patents": n,
              "involves_local": False, "industry_academia": False}
             for (a, a_en), (b, b_en), n in ((names[0], names[1], 3), (names[1], names[2], 2))]
    for lang, shown in (("en", [en for _, en in names]), ("zh", [zh for zh, _ in names])):
        doc = build_document(dataclasses.replace(hand_result, pairs=pairs), PINNED, lang)
        chart = next(f.chart for f in doc.figures() if f.chart.chart_id == "nav-collaboration")
        spec = chart.spec()
        assert spec["layer"][0]["encoding"]["x"]["axis"]["labelAngle"] == 0
        svg = unescape(chart.svg())
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        # 常州 (two partners) first, then 上海 (3) and 成都 (2)
        assert [t for t in texts if re.match(r"\d\s", t)] == [f"{i}  {n}" for i, n in
                                                             enumerate((shown[1], shown[0], shown[2]), 1)], texts
        assert {"1", "2", "3"} <= set(texts) and not [t for t in texts if "…" in t], (lang, texts)
    # the leading applicants' bars, named so too (the same name read "Shanghai Shunhai Optoelectronic Technology C…")
    bars = charts.bar("nav-top-applicants", [{"name": en, "patents": 3 - i} for i, (_, en) in enumerate(names)],
                      category="name", value="patents", title="", category_title="Applicant",
                      value_title="Applications (no.)", width=420)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", unescape(bars.svg()))
    assert {en for _, en in names} <= set(texts) and not [t for t in texts if "…" in t], texts


def test_the_trend_draws_the_region_on_a_scale_of_its_own(hand_result) -> None:  # type: ignore[no-untyped-def]
    """The trend figure drew the region's applications on the chain's axis: Chengdu's ~3 a year against the chain's
    ~110 lay flat along its bottom. The chain and the region are each a panel with a value axis of its own, the same
    two lines (applications, applicants) in each, headed in the report's language."""
    rows = {t["year"]: t for t in hand_result.trend}
    for lang, panels in (("zh", ["本产业链（全部地区）", "成都市"]), ("en", ["The whole chain (all regions)", "Chengdu"])):
        doc = build_document(hand_result, PINNED, lang)
        spec = next(f.chart for f in doc.figures() if f.chart.chart_id == "nav-trend").spec()
        assert spec["facet"]["field"] == "panel" and spec["facet"]["sort"] == panels, spec.get("facet")
        assert spec["resolve"]["scale"]["y"] == "independent"
        values = spec["data"]["values"]
        drawn = {(v["panel"], v["year"]): (v["applications"], v["applicants"]) for v in values}
        assert drawn == {**{(panels[0], y): (t["applications"], t["applicants"]) for y, t in rows.items()},
                         **{(panels[1], y): (t["local_applications"], t["local_applicants"]) for y, t in rows.items()}}
        caption = next(f.caption for f in doc.figures() if f.chart.chart_id == "nav-trend")
        assert ("两图纵轴刻度各不相同" if lang == "zh" else "each on a vertical scale of its own") in caption


def test_every_chart_of_the_report_names_its_tooltips_fields_in_its_language(hand_result) -> None:  # type: ignore[no-untyped-def]
    """A chart's tooltip read ``year``, ``series``, ``value`` (the data's column names) on a Chinese and an English
    report alike: every field a tooltip shows is named in the report's language."""
    for lang in ("zh", "en"):
        doc = build_document(hand_result, PINNED, lang)
        for figure in doc.figures():
            assert unnamed_tooltips(figure.chart.spec(), lang) == [], (lang, figure.chart.chart_id)


def test_the_matrices_labels_are_grouped_and_the_levels_printed_as_written(hand_result) -> None:  # type: ignore[no-untyped-def]
    """The branch × region heatmap's and the collaboration matrix's cell labels are counts, grouped as the tables'
    (they read 1197 beside a table's 1,197); a branch's level (the branches table, the appendix) is an identifier,
    printed as written like a year."""
    result = dataclasses.replace(
        hand_result, matrix=[{**x, "patents": x["patents"] + 1196} for x in hand_result.matrix],
        pairs=[{**p, "patents": p["patents"] + 1196} for p in hand_result.pairs])
    for lang in ("zh", "en"):
        doc = build_document(result, PINNED, lang)
        specs = {f.chart.chart_id: f.chart.spec() for f in doc.figures()}
        for chart in ("nav-branch-matrix", "nav-collaboration"):
            labels = [row["label"] for data in specs[chart]["datasets"].values() for row in data] \
                if "datasets" in specs[chart] else [row["label"] for row in specs[chart]["data"]["values"]]
            assert labels and all(re.fullmatch(r"\d{1,3}(,\d{3})+", x) for x in labels), (lang, chart, labels)
        tables = {b.table_id: b for _, s in doc.walk() for b in s.blocks if getattr(b, "table_id", "")}
        for table_id in ("t-branches", "t-chain"):
            table = tables[table_id]
            level = table.columns.index(translate(lang, "navigation.doc.col.level"))
            assert level in table.plain_columns, (lang, table_id)


def test_a_count_in_the_reports_sentences_takes_its_plural_form(hand_result) -> None:  # type: ignore[no-untyped-def]
    """A one-patent chain's English overview read "found 1 patents … from 1 applicants": every count of the sentence
    is a plural message (``navigation.doc.count.*``, one form in Chinese, two in English); the Chinese reads as
    before, and so do other counts in English."""
    one = {key: 1 for key in ("patents", "inventions", "applicants", "domestic", "local", "local_applicants",
                              "local_valid_inventions", "local_high_value")}
    result = dataclasses.replace(hand_result, overview={**hand_result.overview, **one, "utility_models": 0, "designs": 0},
                                 home_rank={**hand_result.home_rank, "rank": 1, "of": 1})
    en = _text(build_document(result, PINNED, "en"))
    assert ("found 1 patent (1 invention, 0 utility models and 0 designs) from 1 applicant, among them 1 domestic "
            "application. Of these, Chengdu holds 1 patent, ") in en, en[:2000]
    assert "it has 1 local applicant, 1 valid invention patent and 1 high-value invention patent." in en
    assert "(of 1 cities)" not in en and "among the cities (1 ranked)" in en
    assert not re.findall(r"(?<![\d.,])1 (?:local |valid |high-value |domestic |invention )*"
                          r"(?:patents|applicants|inventions|applications|designs|models)\b", en)
    zh = _text(build_document(result, PINNED, "zh"))
    assert "共检索到专利 1 件（发明 1 件、实用新型 0 件、外观设计 0 件），涉及申请人 1 个；其中国内申请 1 件。" in zh
    many = _text(build_document(hand_result, PINNED, "en"))
    assert "found 14 patents (13 inventions, 1 utility model and 0 designs) from 7 applicants" in many


#: a count column's heading ends with its unit (件 patents, 个 applicants, 人 people, 次 times)
COUNT_UNIT = {"zh": re.compile(r"（[件个人次]）$"), "en": re.compile(r" \((?:no\.|patents|people|times)\)$")}


def test_every_count_column_after_the_overview_names_its_unit(hand_result) -> None:  # type: ignore[no-untyped-def]
    """The report's count headings after table 1 read 申请量, 国内, 本地 (the home region's name) with no unit, and some
    headings stood over counts in one table and a yes/no in another (高价值: an applicant's high-value patents, a core
    patent's flag): every column of whole numbers — not a rank, not an identifier printed as written (a year, a level)
    — names its unit in its heading, in both languages (the DOCX, the PDF and the HTML are made from this document).
    The overview (table 1) mixes patents and applicants in one column: its rows name what they count."""
    result = _with_changes(hand_result)
    for lang in LANGUAGES:
        doc = build_document(result, PINNED, lang)
        rank = {translate(lang, f"navigation.doc.col.{k}") for k in ("rank", "rank_before", "rank_now")}
        checked, missing = 0, []
        for _, section in doc.walk():
            for table in (b for b in section.blocks if isinstance(b, Table)):
                if table.table_id in ("t-overview", "t-change-ranks"):  # rows of several units; a rank's move
                    continue
                for i, heading in enumerate(table.columns):
                    cells = [row[i] for row in table.rows]
                    if (cells and i not in table.plain_columns and heading not in rank
                            and all(isinstance(c, int) and not isinstance(c, bool) for c in cells)):
                        checked += 1
                        if not COUNT_UNIT[lang].search(heading):
                            missing.append((table.table_id, heading))
        assert checked >= 30 and not missing, (lang, checked, missing)
    zh = build_document(result, PINNED, "zh")
    core = next(b for _, s in zh.walk() for b in s.blocks if isinstance(b, Table) and b.table_id == "t-core")
    assert "高价值" in core.columns and "本地" in core.columns  # a yes/no column's heading keeps no unit


def test_the_appendix_and_the_assessments_keep_a_name_whole(hand_result) -> None:  # type: ignore[no-untyped-def]
    """The Chinese appendix broke the shipped chains' 5–9 character branch names mid-name (电池管理系\\n统,
    整车控制与智能\\n网联) beside the long queries, and the branches table its assessment (缺失（补\\n链）): those
    columns are kept whole (``Table.whole_columns``: no wrap in the HTML and the PDF made from it, ``w:noWrap`` in the
    DOCX); the query wraps."""
    from zhichan.navigation.chain_io import builtin_chains
    from zhichan.navigation.report import Messages, _appendix

    nev = builtin_chains()["nev"]
    long_names = [b.name for b in nev.branches if len(b.name) >= 6]
    assert long_names
    for lang in LANGUAGES:
        result = dataclasses.replace(hand_result, chain=nev)
        section = _appendix(result, Messages(lang, nev))
        html = render_fragment(Document(title="t", sections=[section], lang=lang), mode="png")
        appendix = re.search(r'<table id="t-chain"[^>]*>.*?</table>', html, flags=re.S)
        assert appendix is not None
        for name in long_names:
            assert f'<td class="nowrap">{name}</td>' in appendix.group(0), (lang, name)
        assert '<td class="nowrap">IPC=' not in appendix.group(0)
    zh = render_fragment(build_document(hand_result, PINNED, "zh"), mode="png")
    branches = re.search(r'<table id="t-branches"[^>]*>.*?</table>', zh, flags=re.S)
    assert branches is not None
    judged = re.findall(r'<td(?: class="([^"]*)")?>(优势|均衡|薄弱|缺失（补链）|—)</td>', branches.group(0))
    assert judged and all(cls == "nowrap" for cls, _ in judged), judged
