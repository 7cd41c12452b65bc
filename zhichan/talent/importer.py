"""Importing an existing roster (名册) into the talent library: CSV (UTF-8 or GB18030) or XLSX, one person a row.
Good rows are entered (source ``imported``, audited like an officer's entry); every bad row is in the rejects
report with its line, column, value and reason — never dropped silently. A person already in the library (same
name, organization and region, not removed) is a reject too, so importing the same roster twice adds nobody.

Columns (Chinese or English headings, or the library's export headings, so an export imports back): 姓名 name,
工作单位 organization, 所在地区 region_code, 人员类别 kinds (labels or codes separated by ；), 资格证书编号
certificates (``类别: 编号``, separated by ；), 技术领域 ipc_fields, 产业链 industry_chains, 联系电话 phone,
电子邮箱 email, 同意共享的信息 shared.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.errors import FormError, InputError
from zhichan.platform.scope import Scope
from zhichan.spreadsheet import csv_row, read_table
from zhichan.talent.models import Person, Source, Status
from zhichan.talent.service import enter_person, require_manager

COLUMNS = ("name", "organization", "region_code", "kinds", "certificates", "ipc_fields", "industry_chains", "phone",
           "email", "shared")
REQUIRED = ("name", "region_code", "kinds")
MAX_ROWS = 20_000
#: extra headings a roster commonly uses
ALIASES = {"姓名": "name", "工作单位": "organization", "单位": "organization", "所在地区": "region_code",
           "地区代码": "region_code", "行政区划代码": "region_code", "人员类别": "kinds", "类别": "kinds",
           "资格证书编号": "certificates", "证书编号": "certificates", "技术领域": "ipc_fields", "IPC": "ipc_fields",
           "产业链": "industry_chains", "联系电话": "phone", "电话": "phone", "电子邮箱": "email", "邮箱": "email",
           "同意共享的信息": "shared", "共享": "shared"}


def headings() -> dict[str, str]:
    """Every heading a column is known by: its code, the aliases, the export's headings in both languages."""
    from zhichan.web.i18n import translate

    out = {c: c for c in COLUMNS} | ALIASES
    for lang in ("zh", "en"):
        out |= {translate(lang, f"talent.field.{c}"): c for c in COLUMNS}
    return out


@dataclass
class ImportReport:
    imported: int = 0
    #: one entry per problem: line (the file's, header = 1), column (as headed in the file), value, reason
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "rejected_rows": len({r["line"] for r in self.rejects}),
                "rejects": self.rejects}

    def rejects_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["行号 line", "列 column", "值 value", "问题 reason"])
        for r in self.rejects:
            writer.writerow(csv_row([r["line"], r["column"], r["value"], r["reason"]]))
        return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a region code typed as a number in a spreadsheet
    return str(value).strip()


def import_roster(session: Session, scope: Scope, data: bytes, filename: str) -> ImportReport:
    """Every good row entered, every bad one reported (:class:`InputError` only for a file that cannot be read
    or lacks a required column)."""
    require_manager(scope)
    table = read_table(data, filename, max_rows=MAX_ROWS, what="名册 XLSX / roster XLSX")
    known = headings()
    header = [known.get(_text(h)) for h in table[0]]
    shown = {code: _text(h) for h, code in zip(table[0], header, strict=False) if code}
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError("缺少列 / missing columns: " + "、".join(missing))
    report = ImportReport()
    for line, values in enumerate(table[1:], start=2):
        if all(_text(v) == "" for v in values):
            continue
        row = {code: _text(v) for code, v in zip(header, values, strict=False) if code}
        try:
            with session.begin_nested():
                duplicate = session.scalar(select(Person.id).where(
                    Person.name == row.get("name", ""), Person.organization == row.get("organization", ""),
                    Person.region_code == row.get("region_code", ""), Person.status != Status.REMOVED).limit(1))
                if duplicate is not None:
                    raise FormError({"name": f"已在人才库中（编号 {duplicate}） / already in the library (no. {duplicate})"})
                enter_person(session, scope, row, source=Source.IMPORTED)
            report.imported += 1
        except FormError as exc:
            for column, reason in exc.errors.items():
                report.rejects.append({"line": line, "column": shown.get(column, column), "value": row.get(column, ""),
                                       "reason": reason})
    return report
