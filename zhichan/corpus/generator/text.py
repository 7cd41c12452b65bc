"""Chinese titles, abstracts and first claims built from real IPC titles.

The nouns come from the (cleaned) Chinese titles of the patent's own IPC codes and of other
groups of its main subclass, so a search for 芯片, 电池 or 涂层 finds the patents classified
there. Sentences are templates in the style of Chinese patent documents.
"""

from __future__ import annotations

import numpy as np

from zhichan.corpus.generator import names as nm
from zhichan.corpus.generator.refdata import IpcPool

_ENDINGS_NO_SUFFIX = ("方法", "装置", "系统", "设备", "工艺", "组合物", "机", "器", "仪", "剂", "材料")
_SUFFIX = {
    "A": ["", "", "及其制备方法", "及其应用", "装置"],
    "B": ["", "", "装置", "设备", "及其加工方法"],
    "C": ["及其制备方法", "", "的制备方法", "及其应用", "组合物"],
    "D": ["", "及其制备方法", "装置"],
    "E": ["", "结构", "施工方法", "装置"],
    "F": ["", "装置", "系统", "控制方法"],
    "G": ["", "方法", "系统", "装置", "方法及系统"],
    "H": ["", "装置", "及其制造方法", "系统", "控制方法"],
}
_UM_SUFFIX = ["", "", "结构", "装置", "组件"]
_EFFECTS = [
    "结构简单、成本低廉，提高了{t}的可靠性和使用寿命",
    "有效提高了生产效率，降低了能耗和生产成本",
    "显著提高了检测精度和运行稳定性，便于推广应用",
    "解决了现有{t}效率低、稳定性差的问题",
    "工艺简单、条件温和，适合规模化工业生产",
    "能够实时监测运行状态，提高了安全性和智能化水平",
    "减少了人工操作，降低了劳动强度，提高了{t}的一致性",
    "具有良好的环境适应性和推广价值",
]
_RELATIONS = ["固定连接", "可拆卸连接", "电性连接", "转动连接", "相互配合", "依次连接"]
_POSITIONS = ["一侧", "顶部", "底部", "内部", "外侧", "两端"]
_VERBS = ["获取", "处理", "制备", "混合", "检测", "计算", "加热", "分离", "封装", "识别"]
_PURPOSES = ["用于日常生活", "用于办公", "用于家庭装饰", "用于包装", "用于电子设备", "用于户外运动"]
_JOURNALS = ["机械工程学报", "化工学报", "电子学报", "中国电机工程学报", "材料导报", "计算机学报", "农业工程学报",
             "光学学报", "药学学报", "土木工程学报"]


def _short(text: str, limit: int = 12) -> str:
    """At most ``limit`` characters, cut after a separator where possible (not mid-word)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for sep in ("、", "或", "和", "及"):
        pos = head.rfind(sep)
        if pos >= 3:
            return head[:pos]
    return head


_GENERIC_PARTS = ["壳体", "连接件", "控制模块", "支撑架", "驱动组件", "传感单元", "密封件", "处理单元", "固定座", "导向机构"]


def _parts(core: list[str], codes: np.ndarray, own: str) -> list[str]:
    """Four distinct nouns for the body text: titles of sibling groups, then generic parts."""
    out: list[str] = []
    for x in codes.tolist():
        word = _short(core[x])
        if word not in out and word != own:
            out.append(word)
    g = int(codes[0]) % len(_GENERIC_PARTS)
    while len(out) < 4:
        word = _GENERIC_PARTS[g % len(_GENERIC_PARTS)]
        if word not in out:
            out.append(word)
        g += 1
    return out


def patent_texts(rng: np.random.Generator, kind: np.ndarray, main_code: np.ndarray, part_codes: np.ndarray,
                 main_sub: np.ndarray, ipc: IpcPool) -> tuple[list[str], list[str | None], list[str | None], list[int | None]]:
    m = len(kind)
    r = rng.random((m, 8))
    core = ipc.core
    domain = ipc.subclass_domain
    sections = ipc.subclass_section
    titles: list[str] = []
    abstracts: list[str | None] = []
    claims: list[str | None] = []
    counts: list[int | None] = []
    claim_n = rng.integers(1, 21, size=m)
    design_idx = (r[:, 0] * len(nm.DESIGN_PRODUCTS)).astype(np.int64)
    for i in range(m):
        k = int(kind[i])
        ri = r[i]
        if k == 2:
            product = nm.DESIGN_PRODUCTS[int(design_idx[i])][0]
            variant = nm.DESIGN_VARIANTS[int(ri[1] * len(nm.DESIGN_VARIANTS))]
            word = nm.DESIGN_WORDS[int(ri[2] * len(nm.DESIGN_WORDS))]
            title = product + variant.format(w=word, n=1 + int(ri[3] * 9))
            titles.append(title)
            purpose = _PURPOSES[int(ri[4] * len(_PURPOSES))]
            abstracts.append(
                f"1.本外观设计产品的名称：{title}。2.本外观设计产品的用途：{purpose}，{product}。"
                f"3.本外观设计产品的设计要点：在于形状与图案的结合。4.最能表明设计要点的图片或照片：立体图。"
            )
            claims.append(None)
            counts.append(None)
            continue
        c = core[int(main_code[i])]
        sec = str(sections[int(main_sub[i])])
        dom = domain[int(main_sub[i])]
        p = _parts(core, part_codes[i], c)
        if k == 0:
            options = _SUFFIX.get(sec, [""])
            suffix = "" if c.endswith(_ENDINGS_NO_SUFFIX) else options[int(ri[1] * len(options))]
            title = f"一种{c}{suffix}" if ri[2] < 0.85 else f"{c}{suffix or '及其制备方法'}"
            noun = "本发明"
        else:
            suffix = "" if c.endswith(_ENDINGS_NO_SUFFIX) else _UM_SUFFIX[int(ri[1] * len(_UM_SUFFIX))]
            title = f"一种{c}{suffix}"
            noun = "本实用新型"
        titles.append(title)
        thing = _short(title.removeprefix("一种"), 16)
        rel = _RELATIONS[int(ri[3] * len(_RELATIONS))]
        pos = _POSITIONS[int(ri[4] * len(_POSITIONS))]
        effect = _EFFECTS[int(ri[5] * len(_EFFECTS))].format(t=_short(c, 10))
        effect2 = _EFFECTS[int(ri[6] * len(_EFFECTS))].format(t=p[3])
        is_method = title.endswith(("方法", "工艺")) and k == 0
        if is_method:
            verb = _VERBS[int(ri[7] * len(_VERBS))]
            body = (f"该方法包括以下步骤：{verb}{p[0]}；将{p[0]}与{p[1]}按预定比例进行处理，得到{p[2]}；"
                    f"对{p[2]}进行检测与优化，完成{_short(c, 14)}。")
            claim = (f"1.{title}，其特征在于，包括以下步骤：S1，{verb}{p[0]}；S2，将所述{p[0]}与{p[1]}进行处理，"
                     f"得到{p[2]}；S3，对所述{p[2]}进行检测，完成{_short(c, 14)}。")
        else:
            body = (f"所述{thing}包括{p[0]}、{p[1]}和{p[2]}，所述{p[0]}设置于{p[1]}的{pos}，"
                    f"所述{p[2]}与{p[1]}{rel}；通过{p[0]}与{p[3]}的配合，实现对{_short(dom, 10)}过程的有效控制。")
            claim = (f"1.{title}，其特征在于，包括{p[0]}、{p[1]}和{p[2]}；所述{p[0]}设置于所述{p[1]}的{pos}，"
                     f"所述{p[2]}与所述{p[1]}{rel}，所述{p[1]}上设有{p[3]}。")
        abstract = f"{noun}公开了{title if title.startswith('一种') else '一种' + title}，属于{dom}技术领域。{body}{noun}{effect}，{effect2}。"
        abstracts.append(abstract)
        claims.append(claim)
        counts.append(int(claim_n[i]) if k == 0 else int(1 + claim_n[i] // 2))
    return titles, abstracts, claims, counts


def locarno_classes(titles: list[str], kind: np.ndarray) -> list[str | None]:
    lookup = dict(nm.DESIGN_PRODUCTS)
    out: list[str | None] = []
    for t, k in zip(titles, kind.tolist(), strict=True):
        if k != 2:
            out.append(None)
            continue
        product = t.split("（")[0]
        out.append(lookup.get(product))
    return out


def npl_reference(key: int) -> str:
    """A non-patent literature citation in GB/T 7714 style (synthetic)."""
    surnames = nm.SURNAMES
    a = surnames[key % 40][0] + nm.GIVEN_CHARS[(key * 7) % len(nm.GIVEN_CHARS)]
    b = surnames[(key // 40) % 60][0] + nm.GIVEN_CHARS[(key * 13) % len(nm.GIVEN_CHARS)]
    journal = _JOURNALS[key % len(_JOURNALS)]
    year = 2000 + key % 24
    return f"{a}，{b}. 相关技术研究进展[J]. {journal}, {year}, {1 + key % 50}({1 + key % 12}): {1 + key % 90}-{10 + key % 90}."
