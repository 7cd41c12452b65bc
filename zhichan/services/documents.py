"""The documents a service's decision steps carry — 决定书, 推荐函 — generated from the case (its filing,
this step's fields) as one :class:`zhichan.reports.document.Document`, rendered to PDF and DOCX by
:mod:`zhichan.reports`, and attached to the step (so their digests go to the evidence log)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhichan.legaltime import china_date
from zhichan.procedures.declaration import Declaration, TransitionSpec
from zhichan.procedures.views import in_order
from zhichan.reports.document import BulletList, Document, Paragraph, Section, Table, chinese_date

#: what a recommendation letter says of the deadlines (令85号), printed on it
PRIORITY_DEADLINES = (
    "发明专利申请：自优先审查请求获得同意之日（通知书发文日）起45日内发出第一次审查意见通知书，一年内结案；",
    "实用新型和外观设计专利申请：2个月内结案；",
    "专利复审案件：7个月内结案；",
    "无效宣告案件：5个月内结案，其中外观设计专利无效宣告案件4个月内结案。",
)


def decision_document(*, title: str, decl: Declaration, spec: TransitionSpec, case: dict[str, Any],
                      fields: dict[str, Any], issuer: str, now: dt.datetime, seq: int) -> Document:
    """The document of one decision step (step ``seq`` of the case): who applied for what, what was decided, by
    whom and when — a Chinese official letter (dates as 2026年11月30日, the office and the date flush right),
    labelled synthetic when the case is."""
    day = china_date(now)
    labels = {f.name: f.label.zh for f in decl.start.fields}
    step_labels = {f.name: f.label.zh for f in spec.fields}
    filing = [[labels.get(k, k), str(v)] for k, v in in_order(case["fields"], decl.start.fields)]
    doc = Document(
        title=title,
        subtitle=f"{issuer}　{case['number']}",
        # the 文号 names the step by its number in the case, not by its coded event
        metadata=[("文号", f"{case['number']}-{seq}"), ("事项", decl.title.zh), ("依据", decl.basis),
                  ("日期", chinese_date(day))],
        generated_at=now, layout="letter", synthetic=bool(case.get("synthetic")),
    )
    applicant = case["fields"].get("applicant", "")
    recommendation = decl.procedure == "services.priority_exam" and spec.event == "recommend"
    body = Section("推荐意见" if recommendation else "决定")
    if recommendation:
        # 令85号: the provincial office recommends the request to CNIPA, which decides it — the letter is addressed to
        # CNIPA (it read "你（单位）…决定：出具推荐函" to the applicant, as a decision of the office's own); the
        # applicant, who files it with the request, gets a copy
        asked = case["fields"]
        body.add(Paragraph("国家知识产权局："),
                 Paragraph(f"{applicant}请求对{asked.get('subject', '')}（申请号/专利号 {asked.get('application_number', '')}）"
                           f"进行优先审查，推荐理由为“{asked.get('ground', '')}”，全体申请人/专利权人同意优先审查"
                           f"（本局受理编号 {case['number']}）。经审核，依据《专利优先审查管理办法》（国家知识产权局令第85号），"
                           "本局推荐意见如下："))
    else:
        if applicant:
            body.add(Paragraph(f"{applicant}："))
        body.add(Paragraph(f"你（单位）于{chinese_date(china_date(case['created_at']))}提交的“{decl.title.zh}”申请"
                           f"（编号 {case['number']}），经审查，决定：{spec.title.zh}。"))
    for name, value in in_order(fields, spec.fields):
        # the officer's opinion is the office's recommendation, said once under the line leading to it (the office's
        # line read "本局予以推荐。" and the opinion under it "推荐意见：符合推荐条件，予以推荐。" again)
        body.add(Paragraph(str(value) if recommendation and name == "opinion" else f"{step_labels.get(name, name)}：{value}"))
    if recommendation:
        body.add(Paragraph("国家知识产权局同意优先审查的，自通知书发文日起的审查期限如下："), BulletList(list(PRIORITY_DEADLINES)))
    body.add(Paragraph(issuer, style="signature"), Paragraph(chinese_date(day), style="signature"))
    if recommendation and applicant:
        body.add(Paragraph(f"抄送：{applicant}"))
    body.add(Paragraph("本文书由平台生成，其 SM3/SHA-256 摘要已载入证据日志，可凭办理步骤证书核验。", style="note"))
    doc.sections = [body, Section("申请内容", [Table(["项目", "内容"], filing)])]
    return doc
