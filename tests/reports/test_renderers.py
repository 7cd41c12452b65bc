"""The shared renderers: one Document → HTML (vega / svg / png), DOCX with a TOC field, PDF with Noto CJK."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from zhichan.errors import InputError
from zhichan.reports import charts, render
from zhichan.reports.document import BulletList, Document, Figure, Paragraph, Section, Table
from zhichan.reports.html import render_fragment

ROWS = [{"year": 2020, "applications": 3, "applicants": 2}, {"year": 2021, "applications": 5, "applicants": 4}]


def sample_document() -> Document:
    doc = Document("示例报告：新能源汽车", "副标题", [("快照", "snap-1"), ("截至", "2024-12-31")],
                   generated_at=dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC), synthetic=True)
    first = Section("一、申请趋势")
    first.add(Paragraph("共有申请 8 件。"),
              Figure(charts.line("trend", ROWS, x="year", y=["applications", "applicants"], title="年度申请趋势",
                                 x_title="申请年", labels={"applications": "申请量", "applicants": "申请人数"}),
                     "图 1 年度申请趋势"))
    first.sub("1.1 明细", Table(["年份", "申请量"], [[2020, 3], [2021, 5]], caption="表 1 年度申请", plain_columns=(0,)))
    second = Section("二、建议")
    second.add(Figure(charts.bar("rank", [{"r": "成都市", "n": 5}, {"r": "泰安市", "n": 3}], category="r", value="n",
                                 title="城市排名", category_title="地区", value_title="申请量（件）", highlight="成都市"),
                      "图 2 城市排名"),
               BulletList(["建议甲：引进乙公司", "建议丙"]))
    doc.sections = [first, second]
    return doc


def test_chart_spec_is_plain_json_with_inline_data():
    chart = charts.line("trend", ROWS, x="year", y="applications", title="趋势", x_title="申请年", y_title="申请量（件）")
    spec = chart.spec()
    assert json.loads(json.dumps(spec)) == spec
    assert "Noto Sans CJK SC" in json.dumps(spec, ensure_ascii=False)
    values = next(iter(spec["datasets"].values())) if "datasets" in spec else spec["data"]["values"]
    assert values == ROWS
    svg = chart.svg()
    assert svg.startswith("<svg") and "趋势" in svg
    assert chart.png()[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_modes():
    doc = sample_document()
    vega = render_fragment(doc, mode="vega")
    assert '<div class="zc-chart" id="chart-trend"></div>' in vega and "<svg" not in vega
    assert '<script type="application/json" data-chart-for="chart-trend">' in vega
    page = render(doc, "html").decode("utf-8")
    assert page.count("<svg") == 2 and "年度申请趋势" in page and "合成" in page
    assert '<a href="#s1">一、申请趋势</a>' in page


def test_docx_has_toc_field_headings_tables_and_images():
    data = render(sample_document(), "docx")
    d = docx.Document(io.BytesIO(data))
    headings = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "一、申请趋势") in headings and ("Heading 2", "1.1 明细") in headings
    body = d.element.body.xml
    assert 'TOC \\o "1-3" \\h \\z \\u' in body and 'w:fldCharType="begin"' in body
    assert 'w:updateFields w:val="true"' in d.settings.element.xml
    assert len(d.inline_shapes) == 2
    assert [[c.text for c in row.cells] for row in d.tables[-1].rows] == [["年份", "申请量"], ["2020", "3"], ["2021", "5"]]
    assert d.core_properties.created == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert 'w:eastAsia="Noto Sans CJK SC"' in d.styles.element.xml


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_fonts_and_page_image(tmp_path: Path, artifacts_dir: Path):
    pdf = tmp_path / "sample.pdf"
    pdf.write_bytes(render(sample_document(), "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("示例报告：新能源汽车", "目录", "一、申请趋势", "1.1 明细", "二、建议", "建议甲：引进乙公司",
                     "图 1 年度申请趋势", "表 1 年度申请"):
        assert expected in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts.replace("-", "") and " yes yes " in fonts
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "3", "-l", "3", str(pdf), str(artifacts_dir / "reports-sample")],
                   check=True)
    assert any(artifacts_dir.glob("reports-sample*.png"))


def test_same_document_same_bytes():
    for fmt in ("html", "docx", "pdf"):
        assert render(sample_document(), fmt) == render(sample_document(), fmt), fmt


def test_unknown_format():
    with pytest.raises(InputError):
        render(sample_document(), "odt")


@pytest.mark.parametrize(("lang", "yes", "no"), [("zh", "是", "否"), ("en", "Yes", "No")])
def test_a_boolean_cell_reads_in_the_documents_language(lang: str, yes: str, no: str) -> None:
    doc = Document("T", "", [], lang=lang)
    doc.sections = [Section("S").add(Table(["k", "pledged"], [["a", True], ["b", False]]))]
    page = render(doc, "html").decode("utf-8")
    assert f'<td class="nowrap">{yes}</td>' in page and f'<td class="nowrap">{no}</td>' in page
    table = docx.Document(io.BytesIO(render(doc, "docx"))).tables[-1]
    assert [c.text for c in table.columns[1].cells] == ["pledged", yes, no]


def test_a_count_in_a_table_is_grouped_and_an_identifier_column_printed_as_written() -> None:
    """A whole number in a table is a count, grouped as the pages show counts (it read 1197); a column the table
    declares as identifiers (a year) is printed as written, in every renderer."""
    doc = Document("T", "", [], lang="en")
    doc.sections = [Section("S").add(Table(["year", "patents"], [[2024, 1197], [2025, 12_345_678]], plain_columns=(0,)))]
    page = render(doc, "html").decode("utf-8")
    for text in ("2024", "1,197", "2025", "12,345,678"):
        assert f'<td class="num">{text}</td>' in page, text
    assert "2,024" not in page and "1197" not in page
    table = docx.Document(io.BytesIO(render(doc, "docx"))).tables[-1]
    assert [[c.text for c in row.cells] for row in table.rows][1:] == [["2024", "1,197"], ["2025", "12,345,678"]]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize(("lang", "mark"), [("zh", "（合成数据）"), ("en", "(synthetic data)")])
def test_every_page_of_a_synthetic_pdf_says_so_in_its_running_head(lang: str, mark: str) -> None:
    """Only the cover said 合成数据: a page printed or copied on its own read like real data (the DOCX header
    always said it)."""
    from tests.helpers import pdf_text

    doc = sample_document()
    doc.lang = lang
    pages = pdf_text(render(doc, "pdf")).split("\f")[:-1]
    assert len(pages) >= 4
    assert all(mark in page for page in pages[1:]), [page[:80] for page in pages]
    doc.synthetic = False
    assert not any(mark in page for page in pdf_text(render(doc, "pdf")).split("\f"))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_table_caption_is_never_left_alone_at_the_foot_of_a_page() -> None:
    """The navigation report's 表 7 stood at the foot of one page and its table at the top of the next: with 52 or 53
    paragraphs before it here, the caption did too."""
    from tests.helpers import pdf_text

    for n in range(50, 56):
        doc = Document("标题")
        doc.sections = [Section("一、测试", [*(Paragraph(f"第 {i} 段。") for i in range(n)), Table(
            ["类型", "申请人", "申请量"], [["企业", 1, 5], ["高校", 2, 3]], caption="表 7 本地创新主体类型")])]
        pages = pdf_text(render(doc, "pdf")).split("\f")
        caption = next(i for i, p in enumerate(pages) if "表 7 本地创新主体类型" in p)
        assert "申请人" in pages[caption], n


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_table_that_fits_on_a_page_is_printed_whole() -> None:
    """The navigation report's 表 2 (26 filing years) began at the foot of a page, its caption, heading and one row,
    the rest on the next page: a table of at most WHOLE_TABLE_ROWS rows is printed on one page; a longer one runs on."""
    from tests.helpers import pdf_text
    from zhichan.reports.html import WHOLE_TABLE_ROWS

    for n in range(38, 56, 4):
        doc = Document("标题")
        doc.sections = [Section("一、测试", [*(Paragraph(f"第 {i} 段。") for i in range(n)), Table(
            ["年份", "申请量"], [[f"第{y}年", y] for y in range(1, WHOLE_TABLE_ROWS + 1)], caption="表 2 年度申请趋势")])]
        pages = pdf_text(render(doc, "pdf")).split("\f")
        first, last = (next(i for i, p in enumerate(pages) if row in p) for row in ("第1年", f"第{WHOLE_TABLE_ROWS}年"))
        assert first == last, (n, first, last)


#: a table as reports have them: a short state, an identifier, amounts to the fen ("—" where none), a share
LEDGER = Table(["编号", "运营类型", "状态", "次数", "金额（元）", "占比"],
               [["1.1", "专利权转让（含受让方为本地企业的情形）", "有效", 3, "1,000,000.00", "57.1%"],
                ["2", "许可", "审中", 12, "—", "6.0%"]], caption="表 1 运营", table_id="t-ledger")


def test_figures_are_right_aligned_and_short_labels_never_wrap() -> None:
    """A report's table (the PDF is rendered from this HTML, the DOCX follows the same layout): figures — counts,
    amounts of money formatted to the fen, shares, "—" where none — right-aligned under a right-aligned heading, their
    digits of equal width; a short label (有效) and a short heading (状态) never wrapped — the navigation report's 状态
    stood one character a line and its amounts left-aligned; an identifier (1.1) is no figure, and a long label wraps."""
    doc = Document("示例", "", [])
    doc.sections = [Section("一、运营", [LEDGER])]
    html = render_fragment(doc, mode="png")
    table = re.split(r'<table id="t-ledger"[^>]*>', html, maxsplit=1)[1].split("</table>", 1)[0]
    assert '<th class="num nowrap">次数</th>' in table and '<th class="num nowrap">金额（元）</th>' in table
    assert '<td class="num">1,000,000.00</td>' in table and '<td class="num">—</td>' in table
    assert '<td class="num">57.1%</td>' in table and '<td class="num">12</td>' in table
    assert '<th class="nowrap">状态</th>' in table and '<td class="nowrap">有效</td>' in table
    assert '<td class="nowrap">1.1</td>' in table and "<td>专利权转让（含受让方为本地企业的情形）</td>" in table
    page = render(doc, "html").decode("utf-8")  # the standalone file and the PDF carry the rules
    assert ".zc-report td.num, .zc-report th.num { text-align: right" in page and ".zc-report .nowrap { white-space: nowrap" in page
    d = docx.Document(io.BytesIO(render(doc, "docx")))
    cells = d.tables[-1].rows[1].cells
    assert [c.paragraphs[0].alignment for c in cells[3:]] == [docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT] * 3
    assert cells[0].paragraphs[0].alignment is None and "w:noWrap" in cells[2]._tc.xml and "w:noWrap" not in cells[1]._tc.xml


def _luminance(rgb: tuple[int, ...]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    def channel(c: int) -> float:
        c8 = c / 255
        return c8 / 12.92 if c8 <= 0.03928 else ((c8 + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(colour: str) -> tuple[int, ...]:
    import re

    named = {"black": (0, 0, 0), "white": (255, 255, 255)}
    if colour in named:
        return named[colour]
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return tuple(int(v) for v in re.findall(r"\d+", colour)[:3])


@pytest.mark.parametrize("mid", [1.0, None], ids=["diverging", "sequential"])
def test_every_number_in_a_heatmap_cell_reads_against_the_cell(mid: float | None) -> None:
    """The report's branch × region matrix printed each cell's number in black, on maroon (an RTA of 0) and navy
    (the strongest) alike. Each number must contrast with its own cell as WCAG asks of text (4.5:1)."""
    import re

    values = [0.0, 0.1, 0.3, 0.6, 0.9, 1.0, 1.2, 1.6, 2.0, 2.5, 3.0, 3.6, 4.2, 5.3]
    rows = [{"branch": f"b{i}", "region": f"r{j}", "rta": v * (j + 1) / 2, "n": str(i)}
            for i, v in enumerate(values) for j in range(2)]
    svg = charts.heatmap("m", rows, x="region", y="branch", value="rta", title="t", text="n", diverging_mid=mid,
                         x_title="region", y_title="branch", value_title="rta").svg()
    cells = {m.group(1): m.group(2) for m in re.finditer(
        r'aria-label="(region: [^;]+; branch: [^;]+); rta: [^"]*"[^>]*aria-roledescription="rect mark"[^>]*fill="([^"]+)"', svg)}
    texts = {m.group(1): m.group(2) for m in re.finditer(
        r'aria-label="(region: [^;]+; branch: [^;]+); n: [^"]*"[^>]*aria-roledescription="text mark"[^>]*fill="([^"]+)"', svg)}
    assert len(cells) == len(texts) == len(rows), (len(cells), len(texts))
    low = []
    for key, fill in cells.items():
        lighter, darker = sorted((_luminance(_rgb(fill)), _luminance(_rgb(texts[key]))), reverse=True)
        if (lighter + 0.05) / (darker + 0.05) < 4.5:
            low.append((key, fill, texts[key]))
    assert low == []


def test_a_heatmap_of_counts_has_a_legend_in_whole_numbers() -> None:
    """The report's co-applicant matrix counts joint applications (1 or 2): its colour legend read 1.0, 1.2 … 2.0."""
    import re

    def legend(values: list[float]) -> list[str]:
        rows = [{"a": f"p{i}", "b": f"q{i}", "patents": v, "label": str(v)} for i, v in enumerate(values)]
        svg = charts.heatmap("m", rows, x="b", y="a", value="patents", text="label", title="t", x_title="B",
                             y_title="A", value_title="Joint applications").svg()
        return re.findall(r">([^<>]+)</text>", svg.split("role-legend-label", 1)[1].split("</g>", 1)[0])

    assert legend([2, 1, 2, 1]) == ["1", "2"]
    assert legend([1, 3, 7, 12]) == ["1", "4", "7", "10"]


#: the navigation report's filing trend (applicants, applications) of 2000–2025, as the demo's report drew it
TREND = [(2, 2), (3, 3), (2, 2), (1, 1), (2, 2), (1, 1), (5, 5), (9, 9), (6, 6), (11, 11), (21, 21), (25, 27), (35, 40),
         (48, 57), (48, 57), (47, 57), (53, 59), (63, 70), (76, 89), (75, 88), (92, 111), (115, 130), (109, 124),
         (100, 126), (71, 81), (18, 18)]


def test_the_life_cycle_plot_never_prints_one_year_over_another() -> None:
    """The life-cycle plot labelled every year: the early ones, a few applications each, printed a dozen years over
    one another in one corner. Each label shown stands clear of the others; the first and the last year are shown."""
    import re

    rows = [{"year": 2000 + i, "applicants": a, "applications": n} for i, (a, n) in enumerate(TREND)]
    svg = charts.connected_scatter("lc", rows, x="applicants", y="applications", order="year", title="t",
                                   x_title="申请人数（个）", y_title="申请量（件）", order_title="申请年").svg()
    layer = svg.split('aria-roledescription="text mark container"', 1)[1].split("</g>", 1)[0]
    labels = [(float(px), float(py), text) for px, py, text in
              re.findall(r'transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>(\d{4})</text>', layer)]
    assert {"2000", "2025"} <= {text for _, _, text in labels} and len(labels) >= 10, labels
    crowded = [(a[2], b[2]) for i, a in enumerate(labels) for b in labels[i + 1:]
               if abs(a[0] - b[0]) < 24 and abs(a[1] - b[1]) < 10]
    assert crowded == []


#: the English core-patents table of a navigation report: Chinese titles (data) beside English applicants with their
#: legal names, seven columns that never wrap
CORE_EN = Table(
    ["Application number", "Title", "Applicant", "Local", "Filing year", "Cited by (times)", "Family (patents)",
     "High-value", "Status"],
    [["CN200380000001.6", "一种车联网的协同感知方法及系统", "Dongjin Ding Co., Ltd. (东进鼎株式会社)", False, 2003, 25, 6, False,
      "Lapsed"],
     ["CN201180000012.9", "一种生物柴油的制备方法", "Hongfei Electronics Co., Ltd. (竑飞电子股份有限公司)", False, 2011, 21, 3,
      True, "In force"],
     ["CN201480000025.X", "一种固态锂离子电池", "Shenzhen Qide Municipal Engineering Co., Ltd. (深圳启德市政工程股份有限公司)",
      False, 2014, 19, 5, True, "In force"],
     ["CN200810000037.9", "一种交通流量预测方法、装置、设备及存储介质", "Kraus Feng KG (克劳斯丰两合公司)", False, 2008, 16, 4,
      False, "Lapsed"]],
    caption="Table 11 Core patents", table_id="t-core", plain_columns=(4,))


def test_a_tables_columns_are_as_wide_as_their_content_asks() -> None:
    """The English navigation report's core patents set each title four characters a line (the PDF's automatic
    layout gave the column of Chinese titles what it gave a column of a few figures, its applicants a wide one): every
    renderer sets each column's width from its content (``column_widths``) — a column that never wraps as wide as its
    widest cell, the rest given where it shortens the rows most — the HTML and PDF as ``<col>`` shares, the DOCX as its
    cells' widths."""
    from zhichan.reports.document import PRINT_WIDTH_EM, column_widths
    from zhichan.web.choices import label_em

    shares = column_widths(CORE_EN, "en")
    assert abs(sum(shares) - 1) < 1e-9
    ems = [share * PRINT_WIDTH_EM for share in shares]
    assert ems[1] >= 7.5, ems  # a title six characters a line at least (it stood four)
    assert ems[0] >= label_em("CN200380000001.6") + 1  # an application number whole
    assert ems[4] < ems[1] and ems[3] < ems[1]  # a year, a yes or no: no wider than they need
    doc = Document("Example", "", [], lang="en")
    doc.sections = [Section("7. Core patents", [CORE_EN])]
    html = render_fragment(doc, mode="png")
    cols = re.findall(r'<col style="width:([\d.]+)%">', html.split('<table id="t-core"', 1)[1].split("</colgroup>")[0])
    assert [float(c) for c in cols] == [round(s * 100, 1) for s in shares]
    table = docx.Document(io.BytesIO(render(doc, "docx"))).tables[-1]
    widths = [cell.width for cell in table.rows[1].cells]
    assert all(abs(w / sum(widths) - s) < 0.002 for w, s in zip(widths, shares, strict=True)), (widths, shares)
    assert table.autofit is False


def test_a_long_row_label_reads_whole_on_lines_of_its_own() -> None:
    """Vega cut a bar's or a matrix row's label longer than its label limit with "…" (an English branch's path, a
    long applicant's name): a label longer than a line is shown wrapped, whole, in the SVG the HTML shows and the
    PNG the PDF and the DOCX print; its data keep the whole name (the tooltip, the highlight)."""
    path = "Power batteries / Battery management systems / State-of-charge estimation and cell balancing of packs"
    name = "深圳启德市政工程股份有限公司深圳启德市政工程股份有限公司光电科技研究院"
    rows = [{"name": path, "n": 5}, {"name": name, "n": 3}, {"name": "成都市", "n": 1}]
    for chart in (charts.bar("long-bar", rows, category="name", value="n", title="Bars", category_title="Branch",
                             value_title="Patents", highlight=path),
                  charts.heatmap("long-matrix", [{**r, "region": "Chengdu"} for r in rows], x="region", y="name",
                                 value="n", title="Matrix", x_title="Region", y_title="Branch", value_title="Patents")):
        svg = chart.svg()
        assert "…" not in svg, chart.chart_id
        shown = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg) + re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        assert all(word in shown for word in ("Power", "balancing", "Battery", "State-of-charge")), shown
        assert "深圳启德" in shown and "研究院" in shown and "成都市" in shown
        assert json.dumps(path) in chart.spec_json()  # the data keep the whole name
