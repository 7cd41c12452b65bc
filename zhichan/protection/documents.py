"""The standard documents (受理通知书, 答辩通知书, 口头审理通知书, 裁决书, 不予受理通知书 …) generated from
templates a bureau can edit, as PDF and DOCX, filled from the case and the step.

A template is a small YAML file named after the document (``受理通知书.yaml``): a ``title`` and a
list of ``paragraphs`` with ``{placeholders}``. The shipped defaults live in ``document_templates/``;
a file of the same name in the ``protection_template_dir`` setting replaces one. A placeholder the
case cannot fill prints as ``______`` (a blank for the officer to complete by hand), never an error.
The engine stores both files with the step, so their SM3/SHA-256 reach the evidence log.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from zhichan.errors import ConfigError
from zhichan.legaltime import china_date
from zhichan.platform.models import Organization
from zhichan.procedures.service import DocumentRequest, Upload
from zhichan.protection.models import Dispute
from zhichan.reports.document import Document, Paragraph, Section, chinese_date
from zhichan.untrusted import yaml_safe_load
from zhichan.web.i18n import in_language

DISPUTES = cast(Table, Dispute.__table__)
BLANK = "______"
SHIPPED = "document_templates"


class _Blanks(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return BLANK


def load_template(name: str, local_dir: Path | None) -> dict[str, Any] | None:
    """The template of document ``name`` (the bureau's own first), or ``None`` when there is none."""
    text: str | None = None
    if local_dir is not None and (Path(local_dir) / f"{name}.yaml").is_file():
        text = (Path(local_dir) / f"{name}.yaml").read_text("utf-8")
    else:
        shipped = files("zhichan.protection") / SHIPPED / f"{name}.yaml"
        if shipped.is_file():
            text = shipped.read_text("utf-8")
    if text is None:
        return None
    data = yaml_safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("paragraphs"), list):
        raise ConfigError(f"文书模板无效：{name}.yaml 须有 title 和 paragraphs / template {name}.yaml needs a title and "
                          "paragraphs")
    return data


def fill(text: str, values: Mapping[str, Any]) -> str:
    """``{name}`` placeholders filled; unknown ones and stray braces print as blanks, never raise."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(text):
        out.append(literal)
        if field is not None:
            out.append(str(values.get(field) or BLANK) if field.isidentifier() else BLANK)
    return "".join(out)


#: a template line that is only one of these is the document's signature (the issuing office, the date): flush right
SIGNATURE_LINES = frozenset({"{office}", "{today}"})


def render(template: dict[str, Any], values: Mapping[str, Any], *, synthetic: bool = False) -> tuple[bytes, bytes]:
    """The filled template as (PDF, DOCX); ``synthetic``: the case is synthetic, and the document says so."""
    from zhichan.reports import pdf_and_docx

    paragraphs = [Paragraph(fill(str(p), values), style="signature" if str(p).strip() in SIGNATURE_LINES else "body")
                  for p in template["paragraphs"]]
    doc = Document(title=str(template.get("title", "")), sections=[Section("", list(paragraphs))], layout="letter",
                   generated_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC), synthetic=synthetic)
    return pdf_and_docx(doc)


#: documents the office issues, generated when a step leaves them empty; a party's own papers (请求书,
#: 调解请求书) are the party's to upload — drawn up here only from a complaint, for the case it opens — and so is a
#: record the attendees sign (口头审理笔录, 第二十七条)
OFFICE_DOCUMENTS = frozenset({"受理通知书", "不予受理通知书", "答辩通知书", "口头审理通知书", "裁决书", "催告书",
                              # 81号令 第三十条（三）、第三十六条: a dispute closed after the requester's absence (第二十六条)
                              "撤销专利侵权纠纷案件决定书",
                              # 第三十五条、第六十九条: the office draws up the agreement, the parties sign it;
                              # 第六十九条、第七十条: a mediation without one is closed by 撤销案件, both parties told
                              "调解协议书", "撤销案件通知书"})


#: 81号令 第六十九条: a mediation without an agreement is closed by 撤销案件 (the 撤销案件通知书's closing)
MEDIATION_CLOSING = "第六十九条"
_CITED = re.compile(r"^(?P<facts>.*?)（(?P<article>第[一二三四五六七八九十百零]+条)）$")


def closing_ground(ground: str) -> tuple[str, str]:
    """A mediation's failing ``ground`` as the 撤销案件通知书 states it: (its facts, the articles the closing cites —
    each once). 未能达成协议（第六十九条） → (未能达成协议, 第六十九条); 被请求人无正当理由未参加调解（第六十七条） → (…,
    第六十七条、第六十九条): the respondent's absence is a failure under 第六十七条, closed by 撤销案件 under 第六十九条
    (the notice cited 第六十九条 twice for the first ground: in the ground and for the closing)."""
    cited = _CITED.match(ground.strip())
    if cited is None:  # a ground typed by hand: as written, the closing's own article
        return ground, MEDIATION_CLOSING
    article = cited["article"]
    return cited["facts"], "、".join(dict.fromkeys((article, MEDIATION_CLOSING)))


class Documents(Protocol):
    """What protection asks of a document maker: the engine's generator, and request forms from a complaint."""

    def __call__(self, session: Session, request: DocumentRequest) -> tuple[Upload, ...]: ...

    def request_form(self, name: str, fields: Mapping[str, Any], now: dt.datetime, *,
                     synthetic: bool = False) -> tuple[Upload, ...]: ...


class DocumentGenerator:
    """The engine's generator for protection procedures (``ProcedureService.add_generator``)."""

    def __init__(self, template_dir: Path | None) -> None:
        self.template_dir = template_dir

    def values(self, session: Session, request: DocumentRequest) -> dict[str, Any]:
        case = request.case or {}
        fields: dict[str, Any] = {**case.get("fields", {}), **request.fields}
        today = china_date(request.now)
        values: dict[str, Any] = {**fields, "number": case.get("number") or BLANK, "today": chinese_date(today),
                                  "filed_on": chinese_date(china_date(case["created_at"])) if case.get("created_at")
                                  else chinese_date(today)}
        if case.get("org_id"):
            org = session.get(Organization, case["org_id"])
            values["office"] = in_language(org.name, "zh") if org else BLANK  # a bilingual name: its Chinese
        if case.get("id"):
            row = session.execute(select(DISPUTES).where(DISPUTES.c.case_id == case["id"])).first()
            if row is not None:
                values["panel"] = fields.get("panel") or row.panel
                values["answer_days"] = 30 if row.respondent_abroad else 15
        if values.get("ground"):  # a ground citing its article, 未能达成协议（第六十九条）: the facts and the articles apart
            values["ground_facts"], values["closing_basis"] = closing_ground(str(values["ground"]))
        for name in ("hearing_date", "final_on", "effective_on"):
            if values.get(name):
                values[name] = chinese_date(dt.date.fromisoformat(str(values[name])))
        return values

    def make(self, name: str, values: Mapping[str, Any], slot: str = "doc0", *,
             synthetic: bool = False) -> tuple[Upload, ...]:
        template = load_template(name, self.template_dir)
        if template is None:
            return ()
        pdf, docx = render(template, values, synthetic=synthetic)
        return (Upload(slot, f"{name}.pdf", pdf, generated=True), Upload(slot, f"{name}.docx", docx, generated=True))

    def __call__(self, session: Session, request: DocumentRequest) -> tuple[Upload, ...]:
        if request.label.zh not in OFFICE_DOCUMENTS:
            return ()
        return self.make(request.label.zh, self.values(session, request), request.slot,
                         synthetic=bool((request.case or {}).get("synthetic")))

    def request_form(self, name: str, fields: Mapping[str, Any], now: dt.datetime, *,
                     synthetic: bool = False) -> tuple[Upload, ...]:
        return self.make(name, {**fields, "today": chinese_date(china_date(now))}, synthetic=synthetic)
