"""The 61-column export layout of Chinese commercial patent databases (incoPat/PatSnap style).

Every column is understood: most map to canonical fields, the rest (序号, 授权名称, 全文链接,
当前发明人, 颁证日, FI codes …) are kept verbatim in ``extra_json``. Real sample:
``tests/corpus/data/cn_commercial_export_10.csv``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from zhichan.corpus.importers.rows import RowErrors, RowMapper
from zhichan.corpus.schema import TABLES, EventType, LegalStatus, PatentKind
from zhichan.corpus.validate import FieldError

#: Canonical field ← export column, for the columns that map one to one.
DIRECT_COLUMNS: dict[str, str] = {
    "application_number": "申请号",
    "application_date": "申请日",
    "publication_date": "公开日",
    "grant_date": "授权公告日",
    "publication_number": "公开号",
    "grant_number": "授权公告号",
    "title": "专利名称",
    "abstract": "申请摘要",
    "first_claim": "主权项",
    "main_ipc": "主分类号",
    "ipc": "分类号",
    "applicants": "申请人",
    "inventors": "发明人",
    "agency": "专利代理机构",
    "agents": "专利代理人",
    "priority_numbers": "优先权",
    "first_patentee": "第一权利人",
    "current_patentees": "当前权利人",
    "cited_patents": "引证专利",
    "cited_non_patent": "非专利引证",
    "backward_citations": "引证数",
    "family_members": "同族专利",
    "family_size": "简单同族数量",
    "transfer_count": "专利转移次数",
    "licence_count": "许可次数",
    "pledge_count": "质押次数",
    "lapse_date": "失效日期",
    "cpc": "CPC分类号",
    "pct_application_number": "国际申请号",
    "pct_application_date": "国际申请日",
    "pct_publication_number": "国际公开号",
    "pct_publication_date": "国际公开日",
    "national_entry_date": "进入国家日期",
    "examiner": "审查员",
    "substantive_exam_date": "实质审查日",
}

#: Columns handled by code below.
SPECIAL_COLUMNS = ("专利类型", "法律状态", "申请人地址", "国省代码", "申请人类型", "优先权日",
                   "转让日期", "质押日期", "许可日期", "无效宣告日期", "法律事件", "CPC主分类号")

#: Columns kept verbatim in ``extra_json`` (what they hold, for the reader of the data).
EXTRA_COLUMNS: dict[str, str] = {
    "序号": "row number in the export",
    "授权名称": "title as granted",
    "优先权数量": "number of priorities (checked against 优先权)",
    "全文链接": "full-text link label",
    "第一发明人": "first inventor (checked against 发明人)",
    "当前发明人": "current inventors",
    "当前著录项联系人通讯地址": "current correspondence address",
    "当前专利代理人": "current agents",
    "当前专利代理机构": "current agency",
    "变更前代理机构": "agency before a change",
    "FI主分类号": "Japanese FI main class",
    "FI分类号": "Japanese FI classes",
    "颁证日": "certificate date",
    "审查时长": "examination duration",
}

REQUIRED_COLUMNS = ("申请号", "申请日", "专利名称")

_KIND_WORDS = (("发明", PatentKind.INVENTION), ("实用新型", PatentKind.UTILITY_MODEL), ("外观", PatentKind.DESIGN))

#: 法律状态 wording → canonical status. Unlisted details fall back on the group before '-'.
LEGAL_STATUS_WORDS: dict[str, LegalStatus] = {
    "审定授权": LegalStatus.GRANTED,
    "授权": LegalStatus.GRANTED,
    "部分无效": LegalStatus.GRANTED,
    "权利转移": LegalStatus.GRANTED,
    "公开": LegalStatus.PUBLISHED,
    "实质审查": LegalStatus.UNDER_EXAMINATION,
    "驳回": LegalStatus.REJECTED,
    "撤回": LegalStatus.WITHDRAWN,
    "视为撤回": LegalStatus.WITHDRAWN,
    "放弃": LegalStatus.ABANDONED,
    "主动放弃": LegalStatus.ABANDONED,
    "避重放弃": LegalStatus.ABANDONED,
    "未缴年费": LegalStatus.LAPSED_UNPAID,
    "期限届满": LegalStatus.EXPIRED,
    "全部无效": LegalStatus.INVALIDATED,
    "未进入国家阶段": LegalStatus.PCT_NOT_ENTERED,
    "有效期满": LegalStatus.PCT_NOT_ENTERED,
}
_GROUP_FALLBACK = {"有权": LegalStatus.GRANTED, "审中": LegalStatus.UNDER_EXAMINATION, "无权": LegalStatus.TERMINATED,
                   "PCT": LegalStatus.PCT_NOT_ENTERED}

_GRANT_KIND = re.compile(r"^([A-Z]{2})\d+[A-Z]*?(B\d?|C\d?|E\d?|S\d?|Y\d?)$")


def parse_kind(value: str) -> PatentKind:
    """``发明公开;发明授权`` → invention; ``实用新型`` → utility model; ``外观设计`` → design."""
    for word, kind in _KIND_WORDS:
        if word in value:
            return kind
    raise FieldError(f"无法识别的专利类型：{value} / unknown patent kind")


def parse_legal_status(value: str) -> LegalStatus:
    """``有权-审定授权`` → granted, ``审中-实质审查`` → under_examination, ``无权-未缴年费`` → lapsed_unpaid."""
    text = value.strip().replace("－", "-").replace("—", "-")
    if not text:
        return LegalStatus.UNKNOWN
    group, _, detail = text.partition("-")
    for part in (detail, group, text):
        part = part.strip()
        if part in LEGAL_STATUS_WORDS:
            return LEGAL_STATUS_WORDS[part]
    if group.strip() in _GROUP_FALLBACK:
        return _GROUP_FALLBACK[group.strip()]
    raise FieldError(f"无法识别的法律状态：{value} / unknown legal status")


def family_countries(members: list[str]) -> list[str]:
    return sorted({m[:2].upper() for m in members if len(m) >= 2 and m[:2].isalpha()})


def granted_abroad(members: list[str]) -> bool:
    """True when a non-CN family member carries a grant kind code (B, C, E … e.g. US10123456B2)."""
    for member in members:
        match = _GRANT_KIND.match(member.replace(" ", "").upper())
        if match and match.group(1) not in ("CN", "WO"):
            return True
    return False


class CommercialExportMapper(RowMapper):
    name = "commercial_export"
    required_columns = REQUIRED_COLUMNS
    known_columns = (*DIRECT_COLUMNS.values(), *SPECIAL_COLUMNS, *EXTRA_COLUMNS)

    def column_of(self, fieldname: str) -> str:
        special = {"kind": "专利类型", "legal_status": "法律状态", "province_code": "国省代码",
                   "applicant_address": "申请人地址", "applicant_types": "申请人类型", "priority_date": "优先权日"}
        return DIRECT_COLUMNS.get(fieldname) or special.get(fieldname) or super().column_of(fieldname)

    def map_row(self, row: dict[str, Any], errors: RowErrors) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rec: dict[str, Any] = {}
        for fieldname, column in DIRECT_COLUMNS.items():
            if column in row:
                rec[fieldname] = errors.coerce("patents", fieldname, column, row[column])
        kind_text = str(row.get("专利类型", "")).strip()
        number = rec.get("application_number")
        if kind_text:
            rec["kind"] = errors.call("专利类型", kind_text, parse_kind, kind_text)
        elif number:
            from zhichan.corpus.validate import kind_from_application_number

            rec["kind"] = kind_from_application_number(number).value
        if isinstance(rec.get("kind"), PatentKind):
            rec["kind"] = rec["kind"].value
        status_text = str(row.get("法律状态", "")).strip()
        status = errors.call("法律状态", status_text, parse_legal_status, status_text)
        rec["legal_status"] = (status or LegalStatus.UNKNOWN).value if status is not None else None
        rec["legal_status_raw"] = status_text or None

        address = str(row.get("申请人地址", "")).strip()
        postal = re.match(r"^(\d{6})\s*(.*)$", address)
        if postal:
            rec["postal_code"], address = postal.group(1), postal.group(2)
        rec["applicant_address"] = address or None
        label = str(row.get("国省代码", "")).strip()
        origin = errors.call("国省代码", label, parse_origin_label, label) if label else None
        if origin is not None:
            rec.update(origin.fields("patents"))
        types_text = str(row.get("申请人类型", "")).strip()
        if types_text:
            from zhichan.corpus.parties import party_type_from_label

            kinds = [party_type_from_label(t) for t in re.split(r"[;；]", types_text) if t.strip()]
            rec["applicant_types"] = [k.value for k in kinds if k is not None]
        priority_dates = errors.coerce_list_of_dates("优先权日", row.get("优先权日"))
        rec["priority_date"] = min(priority_dates) if priority_dates else None
        if not rec.get("cpc") and str(row.get("CPC主分类号", "")).strip():
            rec["cpc"] = [str(row["CPC主分类号"]).strip()]
        members = rec.get("family_members") or []
        rec["family_countries"] = family_countries(members)
        rec["family_granted_abroad"] = granted_abroad(members)
        rec["extra_json"] = self.extra_json(row, EXTRA_COLUMNS)

        return rec, commercial_events(row, errors)


def commercial_events(row: dict[str, Any], errors: RowErrors) -> list[dict[str, Any]]:
    """The events a row's 转让日期, 质押日期, 许可日期, 无效宣告日期 and 法律事件 cells describe."""
    events: list[dict[str, Any]] = []
    for column, event_type in (("转让日期", EventType.TRANSFER), ("质押日期", EventType.PLEDGE),
                               ("许可日期", EventType.LICENCE), ("无效宣告日期", EventType.INVALIDATION)):
        for day in errors.coerce_list_of_dates(column, row.get(column)):
            events.append({"event_type": event_type.value, "event_date": day, "detail": column})
    legal_events = str(row.get("法律事件", "")).strip()
    for day, text in errors.call("法律事件", legal_events, parse_legal_events, legal_events) or []:
        events.append({"event_type": EventType.LEGAL_STATUS_CHANGE.value, "event_date": day, "detail": text})
    return events


#: 港澳台 (GB/T 2260 codes 81, 82, 71) in 国省代码: neither a mainland province nor a foreign
#: country. Recorded by their ISO 3166 code with ``is_domestic`` false — CNIPA's domestic (国内)
#: statistics exclude them, as they exclude foreign applicants (docs/importing.md).
HMT_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "81": ("HK", ("香港", "中国香港", "香港特别行政区", "中国香港特别行政区")),
    "82": ("MO", ("澳门", "中国澳门", "澳门特别行政区", "中国澳门特别行政区")),
    "71": ("TW", ("台湾", "中国台湾", "台湾省", "中国台湾省")),
}
_HMT_NAMES = {name: code for code, (_, names) in HMT_REGIONS.items() for name in names}
_LABEL_PARTS = re.compile(r"^(.*?)\s*[(（]\s*([0-9A-Za-z]+)\s*[)）]$")


@dataclass(frozen=True)
class Origin:
    """Where an applicant (or registrant, owner) comes from, read from a 国省代码-style label."""

    province_code: str | None  # a mainland province
    country: str | None  # ISO 3166 alpha-2 for foreign applicants and 港澳台 (HK, MO, TW)

    def fields(self, table: str) -> dict[str, Any]:
        """The canonical fields this origin fills in ``table`` (those the table has)."""
        names = TABLES[table][0].names
        values: dict[str, Any] = {"province_code": self.province_code}
        if self.country:
            values.update(applicant_country=self.country, is_domestic=False)
        return {k: v for k, v in values.items() if k in names}


def parse_origin_label(label: str) -> Origin:
    """``河南(41)`` → province 41; ``美国(US)`` → country US; ``香港(81)``, ``中国台湾(71)`` → HK, TW."""
    text = unicodedata.normalize("NFKC", label).strip()
    match = _LABEL_PARTS.match(text)
    name, code = (match.group(1).strip(), match.group(2).upper()) if match else (text, "")
    if code in HMT_REGIONS or (not code and name in _HMT_NAMES):
        hmt = code or _HMT_NAMES[name]
        if name and name in _HMT_NAMES and _HMT_NAMES[name] != hmt:
            raise FieldError(f"国省代码的名称与代码不符：{label} / name and code disagree")
        return Origin(None, HMT_REGIONS[hmt][0])
    if len(code) == 2 and code.isalpha():  # foreign applicant, e.g. 美国(US)
        return Origin(None, code)
    from zhichan.reference import province_code_from_label

    province = province_code_from_label(text)
    if province is None:
        raise FieldError(f"无法识别的国省代码：{label} / unknown province label")
    return Origin(str(province), None)


_LEGAL_EVENT = re.compile(r"(\d{4}[-./]?\d{2}[-./]?\d{2})\s*[:：]?\s*([^;；\d][^;；]*)")


def parse_legal_events(text: str) -> list[tuple[Any, str]]:
    """``20230101 授权;20240301 专利权的转移`` → [(date, text), …]; empty text → []."""
    from zhichan.corpus.validate import parse_date

    if not text:
        return []
    found = [(parse_date(d, field="法律事件日期"), t.strip()) for d, t in _LEGAL_EVENT.findall(text)]
    if not found:
        raise FieldError(f"无法解析法律事件：{text[:60]} / cannot parse legal events")
    return found
