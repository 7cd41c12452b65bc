"""Chart JSON islands survive hostile labels: a branch named ``<!--<script>`` must not swallow the
rest of a report page (it did when only ``</`` was escaped). Checked in Chromium's HTML parser."""

from __future__ import annotations

import json
import re

import pytest

from zhichan.reports import charts
from zhichan.reports.document import Document, Figure, Paragraph, Section
from zhichan.reports.html import render_fragment, script_json

HOSTILE = ["<!--<script>", "</script><b>x</b>", "a & b > c", "<!--", "-->"]


@pytest.mark.parametrize("label", HOSTILE)
def test_script_json_has_no_markup_and_means_the_same(label: str) -> None:
    text = script_json(json.dumps({"name": label}, ensure_ascii=False))
    assert not re.search(r"[<>&]", text)
    assert json.loads(text) == {"name": label}


def _document() -> Document:
    doc = Document("报告", "", [("快照", "s")])
    sections = []
    for i in range(6):
        section = Section(f"第{i}节")
        rows = [{"branch": HOSTILE[i % len(HOSTILE)], "n": i + 1}, {"branch": "电池", "n": 2}]
        section.add(Paragraph(f"段落{i}"),
                    Figure(charts.bar(f"c{i}", rows, category="branch", value="n", title=HOSTILE[i % len(HOSTILE)],
                                      category_title="技术分支", value_title="申请量（件）"),
                           f"图 {i}"))
        sections.append(section)
    doc.sections = sections
    return doc


@pytest.mark.browser
def test_every_section_of_a_report_with_hostile_branch_names_is_on_the_page(chromium) -> None:  # type: ignore[no-untyped-def]
    html = f"<!doctype html><html><body>{render_fragment(_document(), mode='vega')}</body></html>"
    page = chromium.new_page()
    try:
        page.set_content(html)
        assert page.locator("section").count() == 6
        islands = page.locator("script[data-chart-for]").all_text_contents()
        assert len(islands) == 6
        titles = [json.loads(text)["title"]["text"] if isinstance(json.loads(text)["title"], dict)
                  else json.loads(text)["title"] for text in islands]
        assert titles == [HOSTILE[i % len(HOSTILE)] for i in range(6)]
    finally:
        page.context.close()
