"""What to say when a query finds nothing because it is written in English.

The corpus holds Chinese patents: titles, abstracts and claims are Chinese, so ``TI=battery``
finds only the rare record that quotes the English word. When a query with Latin-script text
terms returns no hit, the page says so and suggests the Chinese term where one is known — from a
small glossary of the terms analysts search most — and IPC groups whose English title (WIPO,
zhichan/reference) contains the word, which the language-neutral ``IPC=`` field searches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from zhichan.search.ast import And, Node, Not, Or, Text, positive_texts, to_query

#: English → Chinese search terms (folded lower case). Small on purpose: the terms of the
#: strategic emerging industries and the example chains that analysts type first.
GLOSSARY: dict[str, str] = {
    "battery": "电池", "batteries": "电池", "lithium": "锂", "lithium battery": "锂电池",
    "lithium ion battery": "锂离子电池", "lithium-ion battery": "锂离子电池", "solid state battery": "固态电池",
    "anode": "负极", "cathode": "正极", "electrolyte": "电解质", "separator": "隔膜", "fuel cell": "燃料电池",
    "electric vehicle": "电动汽车", "vehicle": "车辆", "car": "汽车", "motor": "电机", "charging": "充电",
    "new energy": "新能源", "solar": "太阳能", "photovoltaic": "光伏", "wind power": "风力发电",
    "hydrogen": "氢", "energy storage": "储能", "semiconductor": "半导体", "chip": "芯片", "chips": "芯片",
    "integrated circuit": "集成电路", "wafer": "晶圆", "packaging": "封装", "display": "显示",
    "artificial intelligence": "人工智能", "ai": "人工智能", "machine learning": "机器学习",
    "neural network": "神经网络", "deep learning": "深度学习", "algorithm": "算法", "image": "图像",
    "robot": "机器人", "drone": "无人机", "sensor": "传感器", "communication": "通信", "5g": "5G",
    "antenna": "天线", "software": "软件", "blockchain": "区块链", "cloud": "云", "data": "数据",
    "graphene": "石墨烯", "coating": "涂层", "material": "材料", "alloy": "合金", "polymer": "聚合物",
    "catalyst": "催化剂", "medicine": "药物", "drug": "药物", "vaccine": "疫苗", "antibody": "抗体",
    "gene": "基因", "medical device": "医疗器械", "diagnosis": "诊断", "agriculture": "农业",
    "method": "方法", "device": "装置", "system": "系统", "apparatus": "设备", "preparation": "制备",
}
_LATIN = re.compile(r"[a-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_IPC_SUBCLASS = re.compile(r"^[A-H]\d{2}[A-Z]$")


@dataclass
class EnglishHint:
    """The hint for a zero-hit query: its English terms, their Chinese equivalents where known, the
    query with them replaced, and IPC subclasses whose English title names a term."""

    terms: list[str]
    chinese: dict[str, str] = field(default_factory=dict)
    suggested_query: str | None = None
    ipc: list[tuple[str, str]] = field(default_factory=list)  # (subclass, Chinese title)


def _english(text: str) -> bool:
    return bool(_LATIN.search(text)) and not _CJK.search(text)


def _replace(node: Node, table: dict[str, str]) -> Node:
    if isinstance(node, Text):
        return Text(node.field, table.get(node.value, node.value))
    if isinstance(node, And):
        return And(tuple(_replace(c, table) for c in node.children))
    if isinstance(node, Or):
        return Or(tuple(_replace(c, table) for c in node.children))
    if isinstance(node, Not):
        return Not(_replace(node.child, table))
    return node


@lru_cache(maxsize=1)
def _subclass_titles() -> list[tuple[str, str, str]]:
    """(subclass, English title lower-cased, Chinese title) of every IPC subclass."""
    from zhichan.reference.ipc import _en, ipc_title

    out = []
    for code, title in _en().items():
        if _IPC_SUBCLASS.match(code):
            out.append((code, title.lower(), ipc_title(code, "zh", clean=True) or ""))
    return sorted(out)


def ipc_for_term(term: str, limit: int = 3) -> list[tuple[str, str]]:
    """IPC subclasses whose English title names ``term`` as a whole word (BATTERIES for battery),
    those naming it earliest in the title first (the subject, not a side remark)."""
    term = term.lower().strip()
    if len(term) < 3:
        return []
    forms = {term, term + "s", term + "es"} | ({term[:-1] + "ies"} if term.endswith("y") else set())
    word = re.compile(r"\b(" + "|".join(re.escape(f) for f in sorted(forms)) + r")\b")
    found = []
    for code, en, zh in _subclass_titles():
        m = word.search(en)
        if m:
            found.append((m.start(), code, zh))
    return [(code, zh) for _, code, zh in sorted(found)[:limit]]


def english_hint(node: Node) -> EnglishHint | None:
    """The hint for ``node`` (a query that found nothing), or None when it has no English term."""
    terms = list(dict.fromkeys(t.value for t in positive_texts(node) if _english(t.value)))
    if not terms:
        return None
    chinese = {t: GLOSSARY[t] for t in terms if t in GLOSSARY}
    hint = EnglishHint(terms, chinese)
    if chinese:
        hint.suggested_query = to_query(_replace(node, chinese))
    seen: set[str] = set()
    for term in terms:
        for code, zh in ipc_for_term(term):
            if code not in seen:
                seen.add(code)
                hint.ipc.append((code, zh))
    hint.ipc = hint.ipc[:5]
    return hint
