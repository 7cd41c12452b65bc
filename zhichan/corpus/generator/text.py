"""Chinese titles, abstracts and first claims in the words of the patent's technical field.

The field is the topic (:mod:`zhichan.corpus.generator.lexicon`) of the patent's main IPC code:
its product and method titles, components or raw materials, application scenarios and effects.
Codes no topic covers take the cleaned Chinese IPC title of the code (or of its subclass) as the
product and the section's generic vocabulary. Sentences are templates in the style of Chinese
patent documents (本发明公开了一种…，涉及…技术领域。… / 1.一种…，其特征在于，…).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from zhichan.corpus.generator import lexicon as lx
from zhichan.corpus.generator import names as nm
from zhichan.corpus.generator.refdata import IpcPool

_T = TypeVar("_T")

#: A word of two or more Chinese characters written twice in a row (通过通过, 包括包括).
DOUBLED_WORD = re.compile(r"([\u4e00-\u9fff]{2,})\1")
_NOUN = re.compile(r"^[\u4e00-\u9fff]{2,14}$")
_NOT_A_NOUN = re.compile(r"或|以|其他|一般|专门|特别|所用|适用|类似|本组|用于|不|除|即|如|的的|没有|涉及|通过|一种|另一|之内|之间|方法$|工艺$|式$")
_BAD_ENDS = ("的", "用", "与", "及", "和", "中", "时", "上", "于", "其", "等", "在", "对", "将", "为", "有", "由")
_ENDINGS_NO_SUFFIX = ("方法", "装置", "系统", "设备", "工艺", "组合物", "机", "器", "仪", "剂", "材料", "结构", "组件",
                      "平台", "模块", "单元", "机构", "总成", "电路", "芯片", "模组", "电池", "支架", "设施")
_DEVICE_SUFFIX = {"A": ("装置", "结构"), "B": ("装置", "设备"), "C": ("",), "D": ("装置",),
                  "E": ("结构", "装置"), "F": ("装置", "系统"), "G": ("装置", "系统"), "H": ("装置", "结构")}
#: Endings of a product noun ("…阀", "…传感器"); other IPC titles get a suffix (装置, 结构 …).
_PRODUCT_ENDS = tuple("器机件体剂物品具仪板管阀泵灯床车架箱盒罐头片带线膜层座锁门窗柜桶杯瓶袋球轮塞钉针刀钳网筛槽炉釜塔辊轴杆链"
                      "绳布纸砖瓦梁柱桩墙鞋帽衣包笔尺表钟琴鼓") + _ENDINGS_NO_SUFFIX
_RELATIONS = ("固定连接", "可拆卸连接", "转动连接", "滑动连接", "相互配合", "依次连接")
_ELECTRIC_RELATIONS = ("电性连接", "导线连接", "电连接", "信号连接")
_POSITIONS = ("一侧", "顶部", "底部", "内部", "外侧", "两端", "上方", "下方")
_MODIFIERS = ("", "", "", "", "新型", "高效", "智能", "模块化", "便于散热的", "便于安装的", "便于维护的", "可调节的",
              "低成本的", "高可靠性的")
_CHEM_MODIFIERS = ("", "", "", "高性能", "复合", "改性", "环保型", "高纯度")
_DATA_OPS = ("预处理", "特征提取", "归一化处理", "降噪处理", "分割处理", "清洗处理", "编码处理")
_AI_MODELS = ("神经网络模型", "深度学习模型", "卷积神经网络", "Transformer模型", "图神经网络", "机器学习模型")
_MODELS = ("预测模型", "评估模型", "优化算法", "分类模型", "机器学习模型", "规则引擎")
_OUTPUTS = ("识别结果", "预测结果", "评估结果", "分类结果", "优化方案", "调度策略")
_ACTIONS = ("生成控制指令", "输出告警信息", "更新运行参数", "完成任务调度", "向用户终端推送结果", "调整资源分配")
_JOINS = ("组装", "压合", "焊接", "层叠", "装配", "连接")
_FINISHES = ("检测", "固化处理", "退火处理", "老化测试", "性能测试", "封装")
_PROCESS_WORDS = ("制备", "制造", "装配", "封装", "加工", "施工", "焊接", "化成", "安装", "生长", "刻蚀", "光刻", "合成",
                  "种植", "提取", "纯化", "培养", "表达", "处理方法", "净化", "利用", "生产")
_SUBSTANCE_ENDS = ("化合物", "组合物", "物质", "制剂", "剂", "材料", "合金", "溶液", "涂料", "药", "粉", "液", "膏", "油",
                   "树脂", "纤维", "聚合物")
_PROCESS_ENDS = ("加工", "处理", "制备", "生产", "回收", "提纯", "分离", "精制", "干燥", "浓缩")
_CHEM_OPS = ("反应", "搅拌", "保温", "烧结", "煅烧", "回流", "研磨")
_CHEM_POST = ("洗涤、干燥", "过滤、烘干", "研磨、过筛", "冷却、造粒", "离心、冻干", "浓缩、干燥")
_TEMPS = (25, 45, 60, 80, 95, 120, 150, 180, 220, 350, 550, 750, 900)
_APPARATUS_PARTS = ("反应釜", "搅拌机构", "进料管", "出料口", "加热套", "过滤网", "控制柜", "储料罐")
_CHEM_UM_SUFFIX = ("生产装置", "制备装置", "生产设备", "加工装置")
_DATA_SUFFIX = ("", "", "", "及系统", "、装置、设备及存储介质", "及装置")
#: What a design product is for, by its Locarno class (洛迦诺分类 大类).
_DESIGN_USES = {"01": "食用", "02": "穿着", "03": "随身携带物品", "04": "口腔清洁护理", "05": "服装及家居装饰",
                "06": "家居及办公", "07": "家庭日常使用", "08": "门窗五金安装", "09": "商品包装", "10": "计时及健康监测",
                "11": "佩戴装饰", "12": "交通出行", "13": "为电子设备充电", "14": "通信、计算与显示", "15": "家庭清洁",
                "16": "投影显示", "21": "儿童娱乐", "23": "卫浴及室内环境调节", "24": "医疗监护", "25": "建筑装饰",
                "26": "照明"}
_JOURNALS = ["机械工程学报", "化工学报", "电子学报", "中国电机工程学报", "材料导报", "计算机学报", "农业工程学报",
             "光学学报", "药学学报", "土木工程学报"]


def is_clean_noun(text: str) -> bool:
    """A title-worthy noun phrase: Chinese characters only, no fragment ends, no doubled word."""
    return (bool(_NOUN.match(text)) and not _NOT_A_NOUN.search(text) and not text.endswith(_BAD_ENDS)
            and not DOUBLED_WORD.search(text) and not text.startswith(("和", "与", "及", "并", "带", "有", "具有")))


@dataclass(frozen=True)
class TextPlan:
    """Per IPC code of the pool: its topic (index into ``topics``) and, without one, its product noun."""

    topics: tuple[lx.Topic, ...]  # lexicon topics, then the section fallbacks
    code_topic: np.ndarray
    code_noun: list[str]  # product noun for codes whose topic is a section fallback
    subclass_topic: np.ndarray  # topic for naming applicants of a subclass
    subclass_field: list[str]  # field phrase for fallback codes of the subclass


def _topic_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for i, topic in enumerate(lx.TOPICS):
        for prefix in topic.prefixes:
            index.setdefault(prefix, i)
    return index


_PLANS: dict[int, tuple[IpcPool, TextPlan]] = {}


def text_plan(ipc: IpcPool) -> TextPlan:
    """The plan of ``ipc`` (built once per process: the pool itself is cached)."""
    cached = _PLANS.get(id(ipc))
    if cached is not None and cached[0] is ipc:
        return cached[1]
    plan = _build_plan(ipc)
    _PLANS[id(ipc)] = (ipc, plan)
    return plan


def _build_plan(ipc: IpcPool) -> TextPlan:
    topics = lx.TOPICS + tuple(lx.SECTION_FALLBACK[s] for s in "ABCDEFGH")
    fallback = {s: len(lx.TOPICS) + i for i, s in enumerate("ABCDEFGH")}
    index = _topic_index()
    n_sub = len(ipc.subclasses)
    subclass_topic = np.empty(n_sub, dtype=np.int64)
    subclass_field: list[str] = []
    for s, sub in enumerate(ipc.subclasses):
        t = index.get(sub)
        if t is None:  # a topic of one of its main groups names the applicants of the subclass
            t = next((i for p, i in index.items() if p.startswith(sub)), fallback[sub[0]])
        subclass_topic[s] = t
        domain = ipc.subclass_domain[s]
        subclass_field.append(domain if is_clean_noun(domain) and len(domain) <= 10 else "")
    code_topic = np.empty(len(ipc.codes), dtype=np.int64)
    code_noun: list[str] = []
    sub_nouns: dict[int, list[str]] = {}
    for c, (code, core) in enumerate(zip(ipc.codes, ipc.core, strict=True)):
        s = int(ipc.subclass_of_code[c])
        t = index.get(code.split("/")[0], index.get(code[:4]))
        code_topic[c] = fallback[code[0]] if t is None else t
        noun = core if is_clean_noun(core) else ""
        code_noun.append(noun)
        if noun:
            sub_nouns.setdefault(s, []).append(noun)
    for c, noun in enumerate(code_noun):  # codes without a clean title borrow one of their subclass
        if not noun:
            s = int(ipc.subclass_of_code[c])
            others = sub_nouns.get(s) or [subclass_field[s] + "装置" if subclass_field[s] else "装置"]
            code_noun[c] = others[c % len(others)]
    return TextPlan(topics, code_topic, code_noun, subclass_topic, subclass_field)


def _pick(items: Sequence[_T], u: float) -> _T:
    return items[int(u * len(items))]


def _three(items: tuple[str, ...], u: float) -> tuple[str, str, str, str]:
    """Four distinct items starting at a random position (lists have at least four)."""
    n = len(items)
    k = int(u * n)
    return items[k % n], items[(k + 1) % n], items[(k + 2) % n], items[(k + 3) % n]


def _modifier(options: tuple[str, ...], u: float, product: str) -> str:
    """A modifier for ``product`` that it does not already carry (no 智能智能温室)."""
    word = _pick(options, u)
    return "" if word and word.removesuffix("的")[:2] in product else word


_PROBLEMS = ("结构复杂、成本较高", "效率低、稳定性差", "精度不足、可靠性差", "能耗高、使用寿命短", "适应性差、维护困难",
             "一致性差、难以批量生产", "安全性不足")


def _field_phrase(field: str, u: float) -> str:
    """``锂离子电池`` → 锂离子电池技术领域，旨在解决…; ``生物技术`` → 生物技术领域，…"""
    area = f"{field}领域" if field.endswith("技术") else f"{field}技术领域"
    return f"{area}，旨在解决现有技术中{_pick(_PROBLEMS, u)}的问题"


def _is_process(title: str) -> bool:
    return any(w in title for w in _PROCESS_WORDS)


def patent_texts(rng: np.random.Generator, kind: np.ndarray, main_code: np.ndarray,
                 ipc: IpcPool) -> tuple[list[str], list[str | None], list[str | None], list[int | None]]:
    m = len(kind)
    r = rng.random((m, 15)).tolist()
    plan = text_plan(ipc)
    topics = plan.topics
    code_topic = plan.code_topic[main_code].tolist()
    main_l = main_code.tolist()
    sub_l = ipc.subclass_of_code[main_code].tolist()
    sections = ipc.subclass_section
    titles: list[str] = []
    abstracts: list[str | None] = []
    claims: list[str | None] = []
    counts: list[int | None] = []
    claim_n = rng.integers(1, 21, size=m).tolist()
    kind_l = kind.tolist()
    for i in range(m):
        k = kind_l[i]
        ri = r[i]
        if k == 2:
            product, locarno = nm.DESIGN_PRODUCTS[int(ri[0] * len(nm.DESIGN_PRODUCTS))]
            variant = _pick(nm.DESIGN_VARIANTS, ri[1])
            word = _pick(nm.DESIGN_WORDS, ri[2])
            title = product + variant.format(w=word, n=1 + int(ri[3] * 9))
            titles.append(title)
            abstracts.append(
                f"1.本外观设计产品的名称：{title}。2.本外观设计产品的用途：本外观设计产品用于{_DESIGN_USES[locarno[:2]]}。"
                f"3.本外观设计产品的设计要点：在于形状与图案的结合。4.最能表明设计要点的图片或照片：立体图。"
            )
            claims.append(None)
            counts.append(None)
            continue
        topic = topics[code_topic[i]]
        generic = not topic.devices
        noun = "本发明" if k == 0 else "本实用新型"
        sec = str(sections[sub_l[i]])
        field = (plan.subclass_field[sub_l[i]] or _pick(topic.fields, ri[0])) if generic else _pick(topic.fields, ri[0])
        field = _field_phrase(field, ri[14])
        use = _pick(topic.uses, ri[1])
        e0 = _pick(topic.effects, ri[2])
        style = topic.style
        if generic:
            product = plan.code_noun[main_l[i]]
            if not product.endswith(_PRODUCT_ENDS):
                suffixed = product + _pick(_DEVICE_SUFFIX[sec], ri[3])
                product = product if DOUBLED_WORD.search(suffixed) else suffixed
        else:
            product = _pick(topic.devices, ri[3])
        if k == 1 and style != "chem" and product.endswith(_SUBSTANCE_ENDS):  # not a utility model's subject
            product += _pick(_CHEM_UM_SUFFIX, ri[4])
        if style == "chem" and generic and product.endswith(_PROCESS_ENDS):
            product += "装置"  # an IPC title of chemistry that names a process: its apparatus
        if style == "chem" and generic and product.endswith(("装置", "设备", "器", "机")):
            style = "apparatus"  # an IPC title of chemistry that names an apparatus
        if style == "chem" and k == 1:  # a utility model protects the apparatus, never the substance
            if not product.endswith((*_ENDINGS_NO_SUFFIX[:4], "机", "器")):
                suffix = _pick(_CHEM_UM_SUFFIX, ri[4])
                product += "装置" if product.endswith(suffix[:2]) else suffix
            style = "apparatus"
        method = k == 0 and style != "apparatus" and ri[5] < (0.55 if style == "data" else 0.35)
        if style == "chem":
            title, abstract, claim = _chem(topic, product, method, ri, noun, field, use, e0)
        elif style == "data":
            title, abstract, claim = _data(topic, product, method, ri, noun, field, use, e0)
        else:
            parts = _APPARATUS_PARTS if style == "apparatus" else topic.parts
            title, abstract, claim = _device(topic, product, method and not generic, ri, noun, field, use, e0, parts,
                                             sec in "GH")
        titles.append(title)
        abstracts.append(abstract)
        claims.append(claim)
        counts.append(claim_n[i] if k == 0 else 1 + claim_n[i] // 2)
    return titles, abstracts, claims, counts


def _device(topic: lx.Topic, product: str, method: bool, ri: list[float], noun: str, field: str, use: str, e0: str,
            parts: tuple[str, ...], electric: bool) -> tuple[str, str, str]:
    p0, p1, p2, p3 = _three(parts, ri[6])
    pos = _pick(_POSITIONS, ri[7])
    rel = _pick(_ELECTRIC_RELATIONS if electric and ri[8] < 0.5 else _RELATIONS, ri[8])
    e1 = _pick(topic.effects, ri[9])
    effects = e0 + ("" if e1 == e0 else f"，{e1}") + f"，可应用于{use}等领域。"
    tail = noun + effects
    if method:
        title = "一种" + _pick(topic.methods, ri[10])
        if _is_process(title):
            steps = (f"对{p0}进行预处理；将{p1}与所述{p0}进行{_pick(_JOINS, ri[11])}，并在所述{p0}的{pos}设置{p2}；"
                     f"对所得组件进行{_pick(_FINISHES, ri[12])}，得到{product}")
            claim_steps = (f"S1，对{p0}进行预处理；S2，将{p1}与所述{p0}进行{_pick(_JOINS, ri[11])}；"
                           f"S3，在所述{p0}的{pos}设置{p2}，对所得组件进行{_pick(_FINISHES, ri[12])}")
        else:
            t0, t1, _, _ = _three(topic.terms, ri[11])
            steps = f"获取{t0}和{t1}；根据所述{t0}和所述{t1}确定{p0}的工作状态；当所述工作状态异常时，通过{p1}调节{p2}的运行参数"
            claim_steps = (f"S1，获取{t0}和{t1}；S2，根据所述{t0}和所述{t1}确定{p0}的工作状态；"
                           f"S3，当所述工作状态异常时，通过{p1}调节{p2}的运行参数")
        abstract = f"{noun}公开了一种{title[2:]}，涉及{field}。该方法包括：{steps}。{tail}"
        return title, abstract, f"1.{title}，其特征在于，包括以下步骤：{claim_steps}。"
    modifier = _modifier(_MODIFIERS, ri[10], product) if ri[11] < 0.5 else ""
    title = f"一种{modifier}{product}"
    abstract = (f"{noun}公开了一种{modifier}{product}，涉及{field}。所述{product}包括{p0}、{p1}和{p2}，"
                f"所述{p1}设置于所述{p0}的{pos}，所述{p2}与所述{p1}{rel}，所述{p0}上设有{p3}。"
                f"{noun}通过{p1}与{p2}的配合，{effects}")
    claim = (f"1.{title}，其特征在于，包括{p0}、{p1}和{p2}；所述{p1}设置于所述{p0}的{pos}，"
             f"所述{p2}与所述{p1}{rel}，所述{p0}上设有{p3}。")
    return title, abstract, claim


def _data(topic: lx.Topic, product: str, method: bool, ri: list[float], noun: str, field: str, use: str,
          e0: str) -> tuple[str, str, str]:
    t0, t1, _, _ = _three(topic.terms, ri[6])
    op = _pick(_DATA_OPS, ri[7])
    out = _pick(_OUTPUTS, ri[8])
    act = _pick(_ACTIONS, ri[9])
    tail = f"{noun}{e0}，可应用于{use}等场景。"
    if method:
        model = _pick(_AI_MODELS if topic.key == "ai" or ri[12] < 0.3 else _MODELS, ri[11])
        title = "一种" + _pick(topic.methods, ri[10]) + _pick(_DATA_SUFFIX, ri[13])
        steps = (f"获取{t0}；对所述{t0}进行{op}，得到{t1}；将所述{t1}输入{model}，得到{out}；根据所述{out}{act}")
        claim_steps = (f"S1，获取{t0}；S2，对所述{t0}进行{op}，得到{t1}；S3，将所述{t1}输入{model}，得到{out}；"
                       f"S4，根据所述{out}{act}")
        abstract = f"{noun}公开了一种{title[2:]}，涉及{field}。该方法包括：{steps}。{tail}"
        return title, abstract, f"1.{title}，其特征在于，包括以下步骤：{claim_steps}。"
    p0, p1, p2, _ = _three(topic.parts, ri[11])
    title = f"一种{product}"
    body = f"所述{p0}用于获取{t0}，所述{p1}用于对所述{t0}进行{op}，得到{t1}，所述{p2}用于根据所述{t1}输出{out}"
    abstract = f"{noun}公开了一种{product}，涉及{field}。所述{product}包括{p0}、{p1}和{p2}；{body}。{tail}"
    claim = f"1.{title}，其特征在于，包括{p0}、{p1}和{p2}；{body}。"
    return title, abstract, claim


def _chem(topic: lx.Topic, product: str, method: bool, ri: list[float], noun: str, field: str, use: str,
          e0: str) -> tuple[str, str, str]:
    m0, m1, m2, m3 = _three(topic.parts, ri[6])
    t0 = _pick(topic.terms, ri[7])
    temp = _pick(_TEMPS, ri[8])
    hours = 1 + int(ri[9] * 12)
    op = _pick(_CHEM_OPS, ri[10])
    post = _pick(_CHEM_POST, ri[11])
    a = 5 + int(ri[12] * 30)
    amounts = (f"{m0}{a}～{a + 20}份、{m1}{a // 2 + 5}～{a // 2 + 15}份、{m2}1～{5 + a // 5}份、"
               f"{m3}0.5～{2 + a // 10}份")
    modifier = _modifier(_CHEM_MODIFIERS, ri[13], product)
    if method and ri[5] < 0.15 and topic.methods:
        title = "一种" + _pick(topic.methods, ri[13])
        obtained = "目标产物"
    else:
        product = modifier + product
        title = "一种" + product + _pick(("", "", "及其制备方法", "的制备方法", "及其应用"), ri[4])
        obtained = f"所述{product}"
    prep = f"将{m0}与{m1}混合均匀，在{temp}℃下{op}{hours}h，得到{t0}；再加入{m2}和{m3}，经{post}后得到{obtained}"
    tail = f"{noun}{e0}，可应用于{use}等领域。"
    if title.endswith("方法"):
        abstract = f"{noun}公开了一种{title[2:]}，涉及{field}。该方法包括：{prep}。{tail}"
        claim = (f"1.{title}，其特征在于，包括以下步骤：S1，将{m0}与{m1}混合均匀，在{temp}℃下{op}{hours}h，得到{t0}；"
                 f"S2，向所述{t0}中加入{m2}和{m3}，经{post}后得到{obtained}。")
        return title, abstract, claim
    abstract = (f"{noun}公开了一种{title[2:]}，涉及{field}。所述{product}由以下重量份的原料制成：{amounts}。"
                f"制备时，{prep}。{tail}")
    claim = f"1.一种{product}，其特征在于，由以下重量份的原料制成：{amounts}。"
    return title, abstract, claim


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
