"""A short description of a snapshot: what `zhichan demo` and `zhichan corpus summary` print."""

from __future__ import annotations

from typing import Any

from zhichan.corpus.store import Snapshot

BREAKDOWNS = {
    "专利类型 / kind": "SELECT kind, count(*) FROM patents GROUP BY 1 ORDER BY 2 DESC",
    "法律状态 / status": "SELECT status_group, count(*) FROM patents GROUP BY 1 ORDER BY 2 DESC",
    "申请年 / application year (last 10)": (
        "SELECT year(application_date) AS y, count(*) FROM patents GROUP BY 1 ORDER BY 1 DESC LIMIT 10"
    ),
    "省份 / province (top 10)": (
        "SELECT coalesce(province_code, '(境外/未知 foreign/unknown)'), count(*) FROM patents GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
    ),
    "事件 / events": "SELECT event_type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC",
}


KIND_LABELS = {"invention": "发明 invention", "utility_model": "实用新型 utility model", "design": "外观设计 design",
               "valid": "有效 valid", "invalid": "无效 invalid", "pending": "审中 pending", "unknown": "未知 unknown"}


def _label(title: str, value: Any) -> str:
    if title.startswith("省份") and isinstance(value, str) and value.isdigit():
        from zhichan.reference.regions import region_names

        # both names, as every CLI prints a region ("四川省 Sichuan"): the summary serves both languages
        return f"{region_names(value)} ({value})"
    if title.startswith("事件") and value:
        from zhichan.web.labels import label

        # the event types' labels every page shows (the web catalogues), both languages as in the CLIs
        return f"{label('zh', 'event_type', value)} {label('en', 'event_type', value)}"
    return KIND_LABELS.get(str(value), str(value))


def corpus_summary(snapshot: Snapshot) -> dict[str, Any]:
    con = snapshot.connect()
    try:
        breakdowns = {
            title: [(_label(title, r[0]), r[1]) for r in con.execute(sql).fetchall()] for title, sql in BREAKDOWNS.items()
        }
    finally:
        con.close()
    return {"snapshot": snapshot.id, "synthetic": snapshot.synthetic, "counts": snapshot.counts, "breakdowns": breakdowns}
