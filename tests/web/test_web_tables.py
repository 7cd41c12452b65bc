"""A table's cells labelled with their column's name by the server (zhichan.web.tables): what a stacked list shows
beside each value on a phone, without JavaScript."""

from __future__ import annotations

from zhichan.web.tables import label_cells


def test_each_cell_is_labelled_with_its_columns_name_from_the_headers_last_row():
    html = ('<table class="list"><thead><tr><th colspan="3">组</th></tr>'
            '<tr><th>名称</th><th colspan="2" title="a > b">金额<br>\n （元）</th><th>操作</th></tr></thead>'
            '<tbody><tr><td>甲</td><td class="num">1</td><td>2</td><td><a class="button">改</a></td></tr></tbody></table>')
    assert label_cells(html) == (
        '<table class="list" data-columns="4"><thead><tr><th colspan="3">组</th></tr>'
        '<tr><th>名称</th><th colspan="2" title="a > b">金额<br>\n （元）</th><th>操作</th></tr></thead>'
        '<tbody><tr><td data-label="名称">甲</td><td class="num" data-label="金额 （元）">1</td>'
        '<td data-label="金额 （元）">2</td><td data-label="操作"><a class="button">改</a></td></tr></tbody></table>')


def test_every_column_has_a_heading(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A column headed by nothing reads as the one before it (the patent page's parties and detail sat under 金额):
    the suite refuses it, in a table's last header row, however its heading is left empty; a page served shows it."""
    import pytest

    from zhichan.web import i18n

    for heading in ("<th></th>", "<th> <span></span> </th>", '<th data-label=""></th>'):
        html = (f'<table class="list"><thead><tr><th>日期</th><th>金额</th>{heading}</tr></thead>'
                '<tbody><tr><td>2025</td><td class="num">1</td><td>甲 → 乙</td></tr></tbody></table>')
        with pytest.raises(ValueError, match="column 3"):
            label_cells(html)
        monkeypatch.setattr(i18n, "STRICT", False)
        assert 'data-label="金额"' in label_cells(html)
        monkeypatch.setattr(i18n, "STRICT", True)
    assert label_cells('<table><thead><tr><th colspan="2"></th></tr><tr><th>甲</th><th>乙</th></tr></thead></table>')


def test_a_template_says_otherwise_where_it_must():
    """A heading's own data-label (a heading with a note under it) labels its cells; a cell's own data-label is kept
    (``""``: it reads without one); a cell spanning columns (an empty list's message, a note) is no one column's."""
    html = ('<table><thead><tr><th>地区</th><th data-label="每万人">每万人 <small>合成语料 &amp; 折算</small></th></tr></thead>'
            '<tbody><tr><td data-label="">成都市</td><td>1.00</td></tr><tr><td colspan="2">注</td></tr></tbody></table>')
    assert label_cells(html) == html.replace("<td>1.00", '<td data-label="每万人">1.00').replace(
        "<table>", '<table data-columns="2">')


def test_a_rows_own_heading_counts_its_column_and_a_table_inside_a_cell_has_its_own_names():
    html = ('<table><thead><tr><th>项</th><th>值 &amp; "注"</th></tr></thead><tbody><tr><th>甲</th>'
            '<td><table><thead><tr><th>内</th></tr></thead><tbody><tr><td>i</td></tr></tbody></table></td></tr></tbody></table>'
            '<table><tbody><tr><td>无表头</td></tr></tbody></table>')
    assert label_cells(html) == html.replace('<td><table>', '<td data-label="值 &amp; &quot;注&quot;"><table>').replace(
        "<td>i</td>", '<td data-label="内">i</td>').replace("<table><thead><tr><th>项", '<table data-columns="2"><thead><tr><th>项').replace(
        "<table><thead><tr><th>内", '<table data-columns="1"><thead><tr><th>内')


def test_a_table_says_how_many_columns_its_header_names():
    """A list of two or three columns stays a table on a phone (app.css): the server says how many a table has."""
    two = '<table class="list" id="t"><thead><tr><th>地区</th><th>数</th></tr></thead><tbody><tr><td>甲</td><td>1</td></tr></tbody></table>'
    assert label_cells(two).startswith('<table class="list" id="t" data-columns="2"><thead>')
    spanning = '<table><thead><tr><th colspan="3">组</th><th>注</th></tr></thead></table>'
    assert label_cells(spanning).startswith('<table data-columns="4"><thead>')


def test_a_table_labelled_twice_says_its_column_count_once():
    """A panel is labelled when rendered (an enterprise home's applications) and again inside the page that shows
    it: its start tag read data-columns="4" data-columns="4"."""
    once = label_cells('<table class="list"><thead><tr><th>号</th><th>名</th></tr></thead><tbody><tr><td>1</td><td>甲</td></tr></tbody></table>')
    assert label_cells(once) == once and once.count("data-columns") == 1 and once.count("data-label") == 2


def test_a_page_without_a_header_row_is_left_as_it_is():
    for html in ("<p>无表</p>", "<table><tr><td>1</td></tr></table>", "<p>&lt;table&gt;</p><thead>",
                 "<tables><td>1</td></tables><thead>"):
        assert label_cells(html) is html


def test_the_heading_of_a_column_of_figures_is_marked_as_one():
    """A column whose every body cell is a figure (``td.num``, right-aligned) gets its heading marked ``num`` too, so
    that it stands above them (the patent page's "金额" stood left of its right-aligned amounts): a heading without a
    class gets one, one with a class gets ``num`` added; a column with a cell that is no figure, a heading spanning
    columns, a total in the footer, and a heading already marked are left as they are."""
    html = ('<table class="list"><thead><tr><th>日期</th><th>金额</th><th class=\'wide\'>件数</th><th>混合</th>'
            '<th class="num">已标</th><th colspan="2">跨列</th></tr></thead>'
            '<tbody><tr><td class="date">2025</td><td class="num">1.00</td><td class="x num">3</td><td class="num">1</td>'
            '<td class="num">2</td><td class="num">5</td><td class="num">6</td></tr>'
            '<tr><td>2024</td><td class="num">2.00</td><td class="num">4</td><td>—</td><td class="num">2</td>'
            '<td class="num">5</td><td class="num">6</td></tr>'
            '<tr><td colspan="7">注</td></tr></tbody>'
            '<tfoot><tr><td>合计</td><td>3.00</td><td class="num">7</td><td></td><td></td><td></td><td></td></tr></tfoot>'
            '</table>')
    out = label_cells(html)
    headings = out[out.index("<thead>"):out.index("</thead>")]
    assert headings == ('<thead><tr><th>日期</th><th class="num">金额</th><th class=\'wide num\'>件数</th><th>混合</th>'
                        '<th class="num">已标</th><th colspan="2">跨列</th></tr>')
    assert label_cells(html.replace('<td class="num">2.00</td>', "<td>2.00</td>")).count('class="num">金额') == 0


def test_the_patent_pages_amount_heading_stands_above_its_amounts(client, env) -> None:  # type: ignore[no-untyped-def]
    """The legal events' "金额" heading was left-aligned above right-aligned amounts; as rendered, it is a figure's."""
    for lang, amount in (("zh", "金额"), ("en", "Amount")):
        html = client.get(f"/patents/{env.numbers['wuhou']}?lang={lang}").text
        events = html[html.index('<table class="list"'):]
        head = events.split("</thead>", 1)[0]
        assert f'<th class="num">{amount}</th>' in head, (lang, head)
        assert '<td class="num" data-label="' + amount + '">' in events.split("</table>", 1)[0]


def test_the_patent_pages_legal_events_head_their_parties_and_detail(client, env) -> None:  # type: ignore[no-untyped-def]
    """The legal events' 4th column (from → to and the detail) had no heading, so "→ 无权-未缴年费" seemed to sit under
    金额: the parties and the detail each have a column and a heading; an event without parties shows no lone arrow."""
    import re

    numbers = [env.numbers["wuhou"]]  # a pledge to a bank (its pledgee alone), a legal-status change (no parties)
    for lang, names in (("zh", ["日期", "事件", "金额", "当事人", "说明"]), ("en", ["Date", "Event", "Amount", "Parties", "Detail"])):
        for number in numbers:
            html = client.get(f"/patents/{number}?lang={lang}").text
            events = html[html.index('<table class="list"'):].split("</table>", 1)[0]
            head = events.split("</thead>", 1)[0]
            assert re.findall(r"<th[^>]*>([^<]*)</th>", head) == names, (lang, head)
            for row in events.split("<tbody>", 1)[1].split("</tr>")[:-1]:
                parties = re.search(r'data-label="' + names[3] + r'">([^<]*)</td>', row)
                assert parties and parties.group(1).strip() not in ("→", "— → —"), row


def test_a_footer_row_that_names_itself_is_no_columns():
    """A total in the footer — its name over the first columns, the sum after it — is labelled by its own first cell:
    the sum is no cell of the column it stands under (the open licence's total under 算式), nor the empty cell after
    it of 理由. A footer row without such a name keeps its columns' names."""
    html = ('<table class="list"><thead><tr><th>年度</th><th>年费</th><th>算式</th><th>理由</th></tr></thead>'
            '<tbody><tr><td>1</td><td>900</td><td>900 × 15%</td><td>开放许可</td></tr></tbody>'
            '<tfoot><tr><td colspan="2">减缴合计</td><td id="total">135</td><td></td></tr>'
            '<tr><td>另</td><td>1</td><td>2</td><td>3</td></tr></tfoot></table>')
    out = label_cells(html)
    assert '<td colspan="2">减缴合计</td><td id="total">135</td><td></td></tr>' in out
    assert '<tr><td data-label="年度">另</td><td data-label="年费">1</td>' in out
