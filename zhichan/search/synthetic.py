"""A fast, seeded stand-in corpus for retrieval tests and benchmarks (synthetic, labelled so).

The product's calibrated generator is :mod:`zhichan.corpus.generator`; benchmarks use it when it
is importable and working. This one exists so the recall tests do not depend on another domain's
text model: titles and ~200-character abstracts are drawn from technical words *and* single
characters, so many substrings cross word boundaries — the case word segmentation misses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from zhichan.corpus.schema import PATENTS
from zhichan.corpus.validate import application_number_with_check

WORDS = ["锂离子", "电池", "负极", "正极", "材料", "制备", "方法", "芯片", "封装", "结构", "涂层", "耐磨", "半导体", "晶圆", "检测", "装置", "系统", "控制", "电路", "模块", "传感器", "图像", "识别", "神经网络", "深度学习", "数据", "通信", "基站", "天线", "信号", "处理", "电机", "驱动", "充电", "储能", "光伏", "组件", "逆变器", "复合", "纳米", "石墨烯", "陶瓷", "合金", "催化剂", "聚合物", "薄膜", "透明", "导电", "散热", "冷却", "液压", "机械臂", "机器人", "无人机", "发动机", "叶片", "疫苗", "抗体", "蛋白", "基因", "细胞", "培养", "检测试剂", "医疗", "器械", "手术", "显示", "面板", "背光", "照明", "节能", "环保", "污水", "净化", "回收", "燃料"]
CHARS = "的一种及其用于包括具有所述中和与在上下内外高低大小新型改进多层双向可调节自动智能快速稳定"
REGIONS = ("510107", "510104", "510112", "510703", "440307", "440305", "110108", "320506", "330106", "500112")
IPCS = ("H01M4/13", "H01M10/44", "H01L23/31", "H01L21/66", "C23C14/06", "G06N3/08", "G06V10/82", "H04L67/10",
        "B60L53/31", "F21V29/00", "A61K39/00", "C02F1/00", "H02J7/00", "B25J9/16", "G01R31/28")
KINDS = ("invention", "utility_model", "design")
STATUSES = (("granted", "valid"), ("under_examination", "pending"), ("lapsed_unpaid", "invalid"),
            ("published", "pending"), ("rejected", "invalid"))
APPLICANTS = tuple(f"{c}{w}科技有限公司" for c in ("成都", "绵阳", "深圳", "北京", "苏州") for w in ("锂能", "芯源", "智造", "光电"))


def _text(rng: np.random.Generator, length: int) -> str:
    out: list[str] = []
    n = 0
    while n < length:
        piece = WORDS[rng.integers(len(WORDS))] if rng.random() < 0.7 else CHARS[rng.integers(len(CHARS))]
        out.append(piece)
        n += len(piece)
    return "".join(out)[:length]


def synthetic_batches(n: int, seed: int = 0, batch: int = 50_000, abstract_chars: int = 200) -> Iterator[pa.Table]:
    """``n`` synthetic patents in canonical-schema tables of ``batch`` rows."""
    rng = np.random.default_rng(seed)
    base = dt.date(2008, 1, 1)
    for start in range(0, n, batch):
        m = min(batch, n - start)
        cols: dict[str, list] = {name: [] for name in PATENTS.names}
        for i in range(start, start + m):
            year_day = int(rng.integers(0, 6200))
            ad = base + dt.timedelta(days=year_day)
            kind = KINDS[int(rng.choice(3, p=(0.5, 0.4, 0.1)))]
            status, group = STATUSES[int(rng.integers(len(STATUSES)))]
            ipc = sorted({IPCS[int(rng.integers(len(IPCS)))] for _ in range(int(rng.integers(1, 4)))})
            region = REGIONS[int(rng.integers(len(REGIONS)))]
            applicant = APPLICANTS[int(rng.integers(len(APPLICANTS)))]
            title = _text(rng, int(rng.integers(8, 24)))
            abstract = _text(rng, abstract_chars)
            number = application_number_with_check(f"{ad.year}{(1, 2, 3)[KINDS.index(kind)]}{i:07d}")
            row = {
                "application_number": number, "kind": kind, "application_date": ad,
                "publication_date": ad + dt.timedelta(days=180), "legal_status": status, "status_group": group,
                "grant_date": ad + dt.timedelta(days=700) if status in ("granted", "lapsed_unpaid") else None,
                "title": title, "abstract": abstract, "first_claim": "1." + _text(rng, 60), "ipc": ipc,
                "main_ipc": ipc[0], "ipc_subclasses": sorted({c[:4] for c in ipc}), "sei_codes": [],
                "applicants": [applicant], "current_patentees": [applicant], "first_patentee": applicant,
                "region_code": region, "city_code": region[:4], "province_code": region[:2], "is_domestic": True,
                "inventors": [f"发明人{int(rng.integers(5000))}"], "applicant_address": f"{applicant}地址{i % 97}号",
                "synthetic": True, "source": "synthetic-search", "import_id": f"search-bench-{seed}",
                "content_hash": hashlib.sha256(f"{seed}:{i}".encode()).hexdigest(),
            }
            for name in PATENTS.names:
                cols[name].append(row.get(name))
        yield pa.table(cols, schema=PATENTS)
