"""The reference data the generator draws from, read through :mod:`zhichan.reference`.

Loaded once per process and cached: counties with population, IPC subgroups with cleaned Chinese
titles, and the SEI / technology-field classification of every code the generator can draw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*\s*/?\s*>?|/\s*(?:span|br|sub|sup|i|b)\b")
_PARENS = re.compile(r"[（(][^（）()]*[）)]")
_NOISE = re.compile(r"[\s\[\]［］〔〕【】<>《》\"“”‘’'·•]")
_REFS = re.compile(r"[A-H]\d{2}[A-Z]?\d*(/\d+)?")


def clean_ipc_title(title: str) -> str:
    """An IPC title as a noun phrase: without parenthesised references, stray spaces and codes."""
    text = _MARKUP.sub("", str(title or ""))  # leftovers of HTML markup in the source titles ("微波</span")
    for _ in range(3):  # nested parentheses
        text = _PARENS.sub("", text)
    text = _NOISE.sub("", text)
    text = _REFS.sub("", text)
    return text.strip("，；。、,;:： ")


def _first_segment(title: str) -> str:
    for sep in ("；", ";", "，", ",", "。"):
        title = title.split(sep)[0]
    return title.strip()


@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    """Counties of 2023 with population (missing population filled with the city median)."""
    from zhichan.reference.regions import regions_frame

    frame = regions_frame().copy()
    pop = frame["population"].astype("float64")
    city_median = pop.groupby(frame["city_code"]).transform("median")
    frame["population"] = pop.fillna(city_median).fillna(pop.median()).astype("float64")
    return frame.reset_index(drop=True)


def _ipc_title_table() -> pd.DataFrame:
    """``code, level, title`` for the Chinese IPC (section … subgroup), titles cleaned."""
    from zhichan.reference import ipc_titles

    rows: list[tuple[str, str, str]] = []
    for level in ("section", "class", "subclass", "main_group", "subgroup"):
        rows.extend((code, level, title) for code, title in ipc_titles(level, "zh", clean=True).items())
    return pd.DataFrame(rows, columns=["code", "level", "title"])


@dataclass(frozen=True)
class IpcPool:
    """The IPC codes the generator draws, grouped by subclass (codes of one subclass contiguous)."""

    codes: list[str]  # main groups and subgroups, e.g. H01M10/0525
    core: list[str]  # noun phrase for titles ("锂离子蓄电池")
    subclass_of_code: np.ndarray  # index into ``subclasses``
    sei_mask: np.ndarray  # bool per code: the SEI concordance maps it without a keyword condition
    subclasses: list[str]
    subclass_domain: list[str]  # short subclass title ("基本电气元件")
    subclass_start: np.ndarray
    subclass_end: np.ndarray
    subclass_section: np.ndarray  # 'A'..'H' per subclass
    sei_start: np.ndarray  # per subclass: codes [sei_start, sei_end) of the subclass's SEI codes, sorted first
    sei_end: np.ndarray


def _core_title(code: str, title: str, main_title: str) -> str:
    own = _first_segment(clean_ipc_title(title))
    main = _first_segment(clean_ipc_title(main_title))
    fragment = len(own) < 3 or own.endswith(_BAD_ENDS) or own.startswith(_BAD_STARTS)
    if code.endswith("/00") and not fragment:
        core = own
    elif fragment:
        core = own + main if own.endswith("的") and len(own) + len(main) <= 22 else main
    else:
        core = own
    if len(core) > 22:
        core = main if 2 <= len(main) <= 22 else _cut(core, 22)
    if core.endswith("的"):
        core += "装置"
    return core


#: Titles of residual groups ("subject matter not provided for in other groups of this subclass").
_RESIDUAL = re.compile(r"本小类|本大类|本组|其他各组|其他类目|不包括|不包含|未列入|类目中|小组中|组中的")
_BAD_STARTS = ("以", "其", "在", "带", "具有", "用于", "由", "和", "与", "靠", "来自", "使用", "通过", "按", "对",
               "从", "有", "不", "仅", "包括", "只", "利用", "借助", "特别", "专门", "应用", "将", "把", "所述",
               "该", "这", "或", "及", "并", "但", "为", "被", "即", "如", "含有", "包含", "其他", "另")
_BAD_ENDS = ("的", "用", "或", "与", "及", "和", "中", "时", "上", "于", "其")


def _cut(text: str, limit: int) -> str:
    head = text[:limit]
    for sep in ("、", "或", "和", "的"):
        pos = head.rfind(sep)
        if pos >= 4:
            return head[:pos] if sep != "的" else head[: pos + 1] + "装置"
    return head


@lru_cache(maxsize=1)
def ipc_pool() -> IpcPool:
    table = _ipc_title_table()
    titles = dict(zip(table["code"], table["title"], strict=True))
    groups = table[table["level"].isin(["main_group", "subgroup"])]["code"].tolist()
    subclass_titles = {c: t for c, t in titles.items() if len(c) == 4}
    rows: list[tuple[str, str, str]] = []
    for code in groups:
        sub = code[:4]
        if sub not in subclass_titles:
            continue
        main = code.split("/")[0] + "/00"
        core = _core_title(code, titles.get(code, ""), titles.get(main, ""))
        if len(core) < 2 or not re.search(r"[\u4e00-\u9fff]", core) or _RESIDUAL.search(core):
            continue
        rows.append((sub, code, core))
    sei = _sei_codes_for([code for _, code, _ in rows])
    # order: by subclass, SEI-mapped codes first inside each subclass
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], 0 if sei[i] else 1, i))
    rows = [rows[i] for i in order]
    sei_mask = np.array([bool(sei[i]) for i in order])
    subclasses = sorted({r[0] for r in rows})
    index = {s: i for i, s in enumerate(subclasses)}
    sub_of = np.array([index[r[0]] for r in rows], dtype=np.int32)
    start = np.searchsorted(sub_of, np.arange(len(subclasses)), side="left")
    end = np.searchsorted(sub_of, np.arange(len(subclasses)), side="right")
    sei_counts = np.bincount(sub_of[sei_mask], minlength=len(subclasses))
    domains = []
    for s in subclasses:
        d = _first_segment(clean_ipc_title(subclass_titles[s]))
        if _RESIDUAL.search(d) and "的" in d:  # "其他相关子类目不包括的冰箱" → "冰箱"
            d = d.rsplit("的", 1)[1]
        domains.append(_cut(d, 16).removesuffix("的装置") if d else s)
    return IpcPool(
        codes=[r[1] for r in rows],
        core=[r[2] for r in rows],
        subclass_of_code=sub_of,
        sei_mask=sei_mask,
        subclasses=subclasses,
        subclass_domain=domains,
        subclass_start=start.astype(np.int64),
        subclass_end=end.astype(np.int64),
        subclass_section=np.array([s[0] for s in subclasses]),
        sei_start=start.astype(np.int64),
        sei_end=(start + sei_counts).astype(np.int64),
    )


def _sei_codes_for(codes: list[str]) -> list[list[str]]:
    """SEI categories of single codes with no text (keyword-qualified entries excluded)."""
    from zhichan.reference import sei_codes_for_ipc_batch

    return sei_codes_for_ipc_batch([[c] for c in codes], [None] * len(codes))


def sei_codes_batch(ipc_lists: list[list[str]], texts: list[str]) -> list[list[str]]:
    """SEI categories per patent, exactly as :func:`zhichan.corpus.records.finalize_patent` derives them."""
    from zhichan.reference import sei_codes_for_ipc_batch

    return sei_codes_for_ipc_batch(ipc_lists, texts)


@lru_cache(maxsize=1)
def _tech_field_cache() -> dict[str, int | None]:
    return {}


def tech_fields(main_ipcs: list[str]) -> list[int | None]:
    """WIPO technology field of each main IPC (cached per code)."""
    from zhichan.reference import tech_field_for_ipc

    cache = _tech_field_cache()
    out: list[int | None] = []
    for code in main_ipcs:
        if code not in cache:
            cache[code] = tech_field_for_ipc(code)
        out.append(cache[code])
    return out
