"""A service's decision document as a bureau hands it out: read back out of the PDF and the DOCX it is rendered to."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest

from tests.helpers import docx_text, pdf_text, pdf_words
from tests.procedures.helpers import World, at, pdf
from zhichan.platform.db import session_scope
from zhichan.procedures import views
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Step
from zhichan.reports.docx import render_docx
from zhichan.reports.pdf import render_pdf
from zhichan.services.documents import decision_document

D = dt.date
SYNTHETIC_NOTICE = "本文件含合成（演示）数据，不代表真实情况。"


def _decision(*, synthetic: bool) -> Any:
    decl = ProcedureRegistry.load().get("services.search_service", "default")
    case = {"number": "SS-2026-000007", "created_at": dt.datetime(2026, 11, 30, 1, 0), "synthetic": synthetic,
            "fields": {"applicant": "成都示例科技有限公司", "topic": "固态电池电解质专利布局", "purpose": "专利布局",
                       "contact": "王五 028-12345678"}}
    return decision_document(title="准予办理决定书", decl=decl, spec=decl.transition("approve", "accepted"), case=case,
                             fields={"conclusion": "已完成检索分析，报告见附件。"}, issuer="武侯区知识产权局",
                             now=dt.datetime(2026, 12, 7, 2, 0), seq=3)


@pytest.mark.parametrize("synthetic", [True, False])
def test_a_decision_is_a_one_page_chinese_letter_in_both_files(synthetic: bool) -> None:
    """The DOCX was a report — a cover page, then a table of contents — where the PDF was a letter; the days were
    written 2026-11-30, the 文号 ended in the step's code (``-approve``), and a synthetic case's decision did not say so."""
    from docx import Document

    pdf = render_pdf(_decision(synthetic=synthetic))
    docx = render_docx(_decision(synthetic=synthetic))
    pdf_out, docx_out = pdf_text(pdf), docx_text(docx)
    assert pdf_out.count("\f") == 1  # one page
    for text in (pdf_out, docx_out):
        assert "你（单位）于2026年11月30日提交的" in text and "2026年12月7日" in text and "2026-1" not in text
        assert "SS-2026-000007-3" in text and "approve" not in text
        assert "目录" not in text and "Decision" not in text  # a letter in Chinese: no contents, no English labels
        assert (SYNTHETIC_NOTICE in text) is synthetic
    body = Document(io.BytesIO(docx)).element.body.xml
    assert "TOC \\o" not in body and 'w:type="page"' not in body  # no contents field, no page break
    # the office and the date stand at the right of the page, as an official document signs
    signature = ("武侯区知识产权局", "2026年12月7日")  # the subtitle and 日期 name them too, at the left
    right = [w for w in pdf_words(pdf) if w["x_min"] > w["width"] / 2 and w["text"] in signature]
    assert [w["text"] for w in right] == list(signature)
    assert all(w["width"] - w["x_max"] < 60 for w in right)  # flush with the right margin (18 mm ≈ 51 pt)


def test_a_priority_recommendation_with_the_deadlines_and_the_filing_fits_one_page() -> None:
    """The recommendation letter (推荐函) printed the 令85号 deadlines and the six lines of the filing: as a letter
    it ran onto a second page for its last three table rows."""
    decl = ProcedureRegistry.load().get("services.priority_exam", "default")
    case = {"number": "PE-2026-000092", "created_at": dt.datetime(2026, 11, 30, 1, 0), "synthetic": True,
            "fields": {"applicant": "杭州昌晶智能装备有限公司", "application_number": "CN202619000003.5",
                       "consents": "杭州昌晶智能装备有限公司", "contact": "王工 000-00000000",
                       "ground": "战略性新兴产业、未来产业或关键核心技术", "subject": "发明专利申请"}}
    doc = decision_document(title="专利优先审查推荐函", decl=decl, spec=decl.transition("recommend", "filed"), case=case,
                            fields={"opinion": "符合推荐条件，予以推荐。"}, issuer="四川省知识产权局",
                            now=dt.datetime(2026, 12, 1, 2, 0), seq=2)
    text = pdf_text(render_pdf(doc))
    assert text.count("\f") == 1 and "无效宣告案件：5个月内结案" in text and "王工 000-00000000" in text
    # addressed to CNIPA, which decides the request (it read "杭州昌晶智能装备有限公司： 你（单位）…决定：出具推荐函", a
    # decision of the office's own to the applicant); the applicant gets a copy
    flat = "".join(text.split())
    assert flat.startswith("专利优先审查推荐函") and "推荐意见国家知识产权局：杭州昌晶智能装备有限公司请求对发明专利申请" in flat
    assert "CN202619000003.5" in flat and "抄送：杭州昌晶智能装备有限公司" in flat
    # the office recommends once: its line leads to the officer's opinion (both said 予以推荐 before)
    for words in (flat, "".join(docx_text(render_docx(doc)).split())):
        assert words.count("予以推荐") == 1 and "本局推荐意见如下：符合推荐条件，予以推荐。" in words
    assert "你（单位）" not in flat and "决定：" not in flat


def test_a_decision_taken_on_the_case_page_generates_its_letter(world: World) -> None:
    """The generic case page offered 准予办理 asking for its 决定书 as a required upload (422 "请上传“决定书”"), where the
    application page generated it: the engine's generator now makes it on either page, dated and numbered as the step,
    issued by the deciding office — and the case page's form says it may be left empty."""
    from sqlalchemy import select

    from zhichan.services.hooks import install

    install(world.service, lambda: None)
    assert world.service.generated("services.search_service") == {"决定书"}
    assert world.service.generated("services.priority_exam") == {"推荐函", "不予推荐决定书"}
    with session_scope(world.engine) as s:
        case = world.service.start(s, world.scope("ent_user"), "services.search_service", uploads=(pdf(),),
                                   fields={"applicant": "成都示例科技有限公司", "topic": "固态电池电解质专利布局",
                                           "purpose": "专利布局", "contact": "王五 028-12345678"},
                                   now=at(D(2026, 11, 30)))
        world.service.act(s, world.scope("wuhou_officer"), case["id"], "accept", version=1, fields={},
                          now=at(D(2026, 12, 1)))
        # the form of the case page: the document is no required upload
        form = next(a for a in views.case_view(world.service, s, world.scope("wuhou_officer"), case["id"], "zh")["actions"]
                    if a["event"] == "approve")
        assert form["documents"] == ["决定书"] and form["generated"] == [0]
        world.service.act(s, world.scope("wuhou_officer"), case["id"], "approve", version=2,
                          fields={"conclusion": "已完成检索分析。"}, now=at(D(2026, 12, 7)))
        docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case["id"], Step.event == "approve")))
    assert [(d["label"], d["slot"], d["file_name"]) for d in docs] == [
        ("决定书", "doc0", f"{case['number']}-准予办理决定书.pdf"), ("决定书", "doc0", f"{case['number']}-准予办理决定书.docx")]
    stored = [(world.service.files_dir / d["sha256"][:2] / d["sha256"]).read_bytes() for d in docs]
    for text in (pdf_text(stored[0]), docx_text(stored[1])):
        assert "准予办理决定书" in text and f"{case['number']}-3" in text and "2026年12月7日" in text
        assert "武侯区知识产权局" in text and "已完成检索分析。" in text
