"""A table's cells labelled with their column's name by the server (zhichan.web.tables): what a stacked list shows
beside each value on a phone, without JavaScript."""

from __future__ import annotations

from zhichan.web.tables import label_cells


def test_each_cell_is_labelled_with_its_columns_name_from_the_headers_last_row():
    html = ('<table class="list"><thead><tr><th colspan="3">组</th></tr>'
            '<tr><th>名称</th><th colspan="2" title="a > b">金额<br>\n （元）</th><th></th></tr></thead>'
            '<tbody><tr><td>甲</td><td class="num">1</td><td>2</td><td><a class="button">改</a></td></tr></tbody></table>')
    assert label_cells(html) == (
        '<table class="list" data-columns="4"><thead><tr><th colspan="3">组</th></tr>'
        '<tr><th>名称</th><th colspan="2" title="a > b">金额<br>\n （元）</th><th></th></tr></thead>'
        '<tbody><tr><td data-label="名称">甲</td><td class="num" data-label="金额 （元）">1</td>'
        '<td data-label="金额 （元）">2</td><td><a class="button">改</a></td></tr></tbody></table>')


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


def test_a_page_without_a_header_row_is_left_as_it_is():
    for html in ("<p>无表</p>", "<table><tr><td>1</td></tr></table>", "<p>&lt;table&gt;</p><thead>",
                 "<tables><td>1</td></tables><thead>"):
        assert label_cells(html) is html
