"""Writing the corpus back out in the 61-column commercial export layout.

Users exchange data in this layout; the import benchmark also uses it to produce large files
the importer then reads. Fields the layout has no column for (USCCs, region code, SEI …) are
not written: an address is what the layout carries, and the importer resolves it again.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from zhichan.corpus.schema import LegalStatus, PatentKind
from zhichan.corpus.store import Snapshot
from zhichan.progress import ProgressCallback, no_progress

#: The column order of the real export (tests/corpus check it against the sample's header).
COMMERCIAL_HEADER = [
    "序号", "申请日", "公开日", "授权公告日", "申请人", "发明人", "申请号", "公开号", "授权公告号", "专利类型", "专利名称",
    "授权名称", "申请摘要", "主权项", "申请人地址", "法律状态", "主分类号", "分类号", "国省代码", "专利代理人", "专利代理机构",
    "优先权", "优先权日", "优先权数量", "全文链接", "第一发明人", "第一权利人", "申请人类型", "当前发明人", "当前权利人",
    "当前著录项联系人通讯地址", "当前专利代理人", "当前专利代理机构", "变更前代理机构", "法律事件", "引证专利", "非专利引证",
    "引证数", "同族专利", "专利转移次数", "许可次数", "质押次数", "简单同族数量", "转让日期", "失效日期", "质押日期", "许可日期",
    "无效宣告日期", "CPC主分类号", "CPC分类号", "FI主分类号", "FI分类号", "国际申请号", "国际申请日", "国际公开号", "国际公开日",
    "进入国家日期", "颁证日", "审查员", "审查时长", "实质审查日",
]

STATUS_WORDING = {
    LegalStatus.GRANTED: "有权-审定授权", LegalStatus.PUBLISHED: "审中-公开",
    LegalStatus.UNDER_EXAMINATION: "审中-实质审查", LegalStatus.REJECTED: "无权-驳回",
    LegalStatus.WITHDRAWN: "无权-视为撤回", LegalStatus.ABANDONED: "无权-放弃",
    LegalStatus.LAPSED_UNPAID: "无权-未缴年费", LegalStatus.EXPIRED: "无权-期限届满",
    LegalStatus.INVALIDATED: "无权-全部无效", LegalStatus.PCT_NOT_ENTERED: "PCT-未进入国家阶段",
    LegalStatus.TERMINATED: "无权", LegalStatus.UNKNOWN: "",
}
TYPE_LABELS = {"enterprise": "企业", "university": "大专院校", "institute": "科研机构", "individual": "个人",
               "government": "机关团体", "other": "其他"}
EVENT_COLUMNS = {"transfer": "转让日期", "pledge": "质押日期", "licence": "许可日期", "invalidation": "无效宣告日期"}


def _d(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _j(values: Iterable[Any] | None) -> str:
    return ";".join(str(v) for v in (values or []))


def commercial_row(n: int, p: dict[str, Any], events: dict[str, list[dt.date]]) -> list[str]:
    from zhichan.corpus.importers.commercial import HMT_REGIONS
    from zhichan.reference import region_name

    kind = PatentKind(p["kind"])
    kind_label = {PatentKind.UTILITY_MODEL: "实用新型", PatentKind.DESIGN: "外观设计"}.get(
        kind, "发明公开;发明授权" if p["grant_number"] else "发明公开")
    hmt = {country: (names[0], code) for code, (country, names) in HMT_REGIONS.items()}
    if p["province_code"]:
        region_label = f"{region_name(p['province_code'])}({p['province_code']})"
    elif p["applicant_country"] in hmt:  # 香港(81), 澳门(82), 台湾(71): the export's own labels
        region_label = "{}({})".format(*hmt[p["applicant_country"]])
    elif p["applicant_country"] and p["applicant_country"] != "CN":
        region_label = f"{p['applicant_country']}({p['applicant_country']})"
    else:
        region_label = ""
    values = {
        "序号": str(n), "申请日": _d(p["application_date"]), "公开日": _d(p["publication_date"]),
        "授权公告日": _d(p["grant_date"]), "申请人": _j(p["applicants"]), "发明人": _j(p["inventors"]),
        "申请号": p["application_number"], "公开号": p["publication_number"] or "", "授权公告号": p["grant_number"] or "",
        "专利类型": kind_label, "专利名称": p["title"], "申请摘要": p["abstract"] or "", "主权项": p["first_claim"] or "",
        "申请人地址": (p["postal_code"] or "") + (p["applicant_address"] or ""),
        "法律状态": p["legal_status_raw"] or STATUS_WORDING[LegalStatus(p["legal_status"])],
        "主分类号": p["main_ipc"] or "", "分类号": _j(p["ipc"]), "国省代码": region_label,
        "专利代理人": _j(p["agents"]), "专利代理机构": p["agency"] or "", "优先权": _j(p["priority_numbers"]),
        "优先权日": _d(p["priority_date"]), "优先权数量": str(len(p["priority_numbers"] or [])),
        "第一发明人": (p["inventors"] or [""])[0], "第一权利人": p["first_patentee"] or "",
        "申请人类型": _j(TYPE_LABELS.get(t, "其他") for t in (p["applicant_types"] or [])),
        "当前权利人": _j(p["current_patentees"]), "引证专利": _j(p["cited_patents"]),
        "非专利引证": _j(p["cited_non_patent"]), "引证数": "" if p["backward_citations"] is None else str(p["backward_citations"]),
        "同族专利": _j(p["family_members"]), "简单同族数量": "" if p["family_size"] is None else str(p["family_size"]),
        "专利转移次数": str(p["transfer_count"] or 0), "许可次数": str(p["licence_count"] or 0),
        "质押次数": str(p["pledge_count"] or 0), "失效日期": _d(p["lapse_date"]), "CPC分类号": _j(p["cpc"]),
        "国际申请号": p["pct_application_number"] or "", "国际申请日": _d(p["pct_application_date"]),
        "国际公开号": p["pct_publication_number"] or "", "国际公开日": _d(p["pct_publication_date"]),
        "进入国家日期": _d(p["national_entry_date"]), "审查员": p["examiner"] or "",
        "实质审查日": _d(p["substantive_exam_date"]),
    }
    for event_type, column in EVENT_COLUMNS.items():
        values[column] = _j(_d(d) for d in events.get(event_type, []))
    return [values.get(column, "") for column in COMMERCIAL_HEADER]


def export_commercial(snapshot: Snapshot, path: Path, *, where: str = "TRUE", encoding: str = "utf-8-sig",
                      progress: ProgressCallback = no_progress) -> int:
    """Write the patents matching the SQL condition ``where`` as a commercial-layout CSV."""
    con = snapshot.connect()
    total = con.execute(f"SELECT count(*) FROM patents WHERE {where}").fetchall()[0][0]
    reader = con.sql(f"""
        SELECT p.*, e.event_dates FROM patents p
        LEFT JOIN (
            SELECT application_number, map_from_entries(list({{'k': event_type, 'v': dates}})) AS event_dates
            FROM (SELECT application_number, event_type, list(event_date ORDER BY event_date) AS dates
                  FROM events WHERE event_type IN ('transfer', 'pledge', 'licence', 'invalidation') GROUP BY ALL)
            GROUP BY application_number
        ) e USING (application_number)
        WHERE {where} ORDER BY p.application_number
    """).to_arrow_reader(50_000)
    written = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COMMERCIAL_HEADER)
        for batch in reader:
            for p in batch.to_pylist():
                written += 1
                writer.writerow(commercial_row(written, p, dict(p.pop("event_dates") or {})))
            progress(written, total)
    con.close()
    return written
