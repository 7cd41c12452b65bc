"""The searchable fields: codes, Chinese and English aliases, value types and value normalization.

One declaration read by the parser, every backend (tantivy, DuckDB, the Python oracle) and the
executable reference (docs/query-language.md).

Field kinds
- ``text``: case-insensitive *substring* match (Chinese has no spaces; 电池 must find 锂电池组).
- ``code``: exact match on a normalized code, or a prefix with a trailing ``*``; classification
  codes (IPC, MIC, RC, SEI) match their whole hierarchy below the given level.
- ``date``: a day, month or year, or a range.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Full-width ASCII (U+FF01–FF5E) and the ideographic space fold to ASCII — one character each,
#: so offsets into the raw text stay valid for highlighting.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    """The form text is matched in: full-width ASCII folded, lowercase. Length-preserving."""
    return text.translate(_FOLD).lower()


@dataclass(frozen=True)
class FieldSpec:
    code: str  # canonical English code, e.g. "TI"
    kind: str  # text | code | date
    zh: str  # Chinese name
    en: str
    aliases: tuple[str, ...] = ()
    #: patent columns a text field covers (the Python oracle and DuckDB read these).
    columns: tuple[str, ...] = ()
    #: example clauses (the web's syntax help shows them; tests/search parse every one)
    examples: tuple[str, ...] = ()


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("TIABC", "text", "名称摘要权利要求", "title, abstract or claims (default)", ("关键词", "KW", "TX"),
              ("title", "abstract", "first_claim"), examples=("电池", "锂*电池", '"固态 电池"')),
    FieldSpec("TI", "text", "名称", "title", ("标题", "发明名称"), ("title",), examples=("TI=电池", "名称=芯片")),
    FieldSpec("AB", "text", "摘要", "abstract", (), ("abstract",), examples=("AB=石墨烯",)),
    FieldSpec("TIAB", "text", "名称摘要", "title or abstract", ("名称+摘要",), ("title", "abstract"), examples=("TIAB=(芯片 OR 封装)",)),
    FieldSpec("CL", "text", "权利要求", "claims (first claim)", ("主权项", "CLM"), ("first_claim",), examples=("CL=负极材料",)),
    FieldSpec("PA", "text", "申请人", "applicant or current patentee", ("专利权人", "权利人", "申请（专利权）人"),
              ("applicants", "current_patentees"), examples=("PA=华为", '申请人="电子科技大学"')),
    FieldSpec("IN", "text", "发明人", "inventor", ("设计人",), ("inventors",), examples=("IN=张伟",)),
    FieldSpec("AR", "text", "地址", "applicant address", ("申请人地址",), ("applicant_address",), examples=("AR=成都",)),
    FieldSpec("AG", "text", "代理机构", "patent agency", ("专利代理机构",), ("agency",), examples=("AG=专利代理",)),
    FieldSpec("AN", "code", "申请号", "application number", (), examples=("AN=CN202110000001.X", "AN=2021*")),
    FieldSpec("PN", "code", "公开号", "publication or grant number", ("公告号", "公开（公告）号", "授权公告号"), examples=("PN=CN113000001B", "PN=CN113000001")),
    FieldSpec("AD", "date", "申请日", "application date", (), examples=("AD=2021", "AD>=2021-03", "AD=[2019 TO 2021]")),
    FieldSpec("PD", "date", "公开日", "publication date", ("公告日", "公开（公告）日"), examples=("PD<2020",)),
    FieldSpec("GD", "date", "授权日", "grant date", ("授权公告日",), examples=("GD=2022", "GD=[* TO *]")),
    FieldSpec("IPC", "code", "分类号", "IPC (prefix semantics)", ("IPC分类号",), examples=("IPC=H01M", "IPC=H01M4/13", "IPC=G06N*")),
    FieldSpec("MIC", "code", "主分类号", "main IPC (prefix semantics)", ("MIPC", "主IPC"), examples=("MIC=H01M4",)),
    FieldSpec("TYPE", "code", "类型", "patent kind", ("专利类型", "KIND"), examples=("TYPE=发明", "TYPE=utility_model")),
    FieldSpec("LS", "code", "法律状态", "legal status", ("STATUS",), examples=("LS=有效", "LS=granted")),
    FieldSpec("RC", "code", "区域", "administrative region code (prefix)", ("区域代码", "行政区划", "REGION"), examples=("RC=51", "RC=5101", "RC=510107")),
    FieldSpec("SEI", "code", "战新产业", "strategic emerging industry category", ("战略性新兴产业",), examples=("SEI=5", "SEI=5.2")),
    FieldSpec("HV", "code", "高价值", "high-value invention patent", ("高价值专利",), examples=("HV=是", "HV=pledge")),
)

BY_CODE: dict[str, FieldSpec] = {f.code: f for f in FIELDS}
DEFAULT_FIELD = "TIABC"


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for spec in FIELDS:
        for name in (spec.code, spec.zh, *spec.aliases):
            table[fold(name).upper()] = spec.code
    return table


ALIASES = _alias_table()


def resolve_field(name: str) -> FieldSpec | None:
    code = ALIASES.get(fold(name).upper())
    return BY_CODE[code] if code else None


# -- value normalization ---------------------------------------------------------------------------
class ValueProblem(ValueError):
    """A field value the field cannot take: (zh, en, expected)."""

    def __init__(self, zh: str, en: str, expected: tuple[str, ...] = ()) -> None:
        super().__init__(en)
        self.zh, self.en, self.expected = zh, en, expected


KIND_VALUES = {
    "invention": ("invention", "发明", "发明专利", "FM", "I"),
    "utility_model": ("utility_model", "实用新型", "新型", "SYXX", "U"),
    "design": ("design", "外观设计", "外观", "WG", "D"),
}
LS_VALUES = {
    "published": ("published", "公开", "审中-公开"),
    "under_examination": ("under_examination", "实质审查", "实审", "审中-实质审查"),
    "granted": ("granted", "授权", "有权-审定授权"),
    "rejected": ("rejected", "驳回"),
    "withdrawn": ("withdrawn", "撤回", "视为撤回"),
    "abandoned": ("abandoned", "放弃"),
    "lapsed_unpaid": ("lapsed_unpaid", "未缴年费", "未缴费"),
    "expired": ("expired", "期限届满", "届满"),
    "invalidated": ("invalidated", "全部无效", "无效宣告"),
    "pct_not_entered": ("pct_not_entered", "PCT未进入", "未进入国家阶段"),
    "unknown": ("unknown", "未知"),
    # status groups (法律状态大类)
    "valid": ("valid", "有效", "有权"),
    "pending": ("pending", "审中", "在审"),
    "invalid": ("invalid", "失效", "无权"),
}
#: ``HV`` values. ``yes`` = any criterion; the others name one criterion of the official definition.
HV_VALUES = {
    "yes": ("yes", "是", "1", "true", "y", "高价值"),
    "sei": ("sei", "战新", "战略性新兴产业"),
    "family": ("family", "海外同族", "海外授权"),
    "maintained": ("maintained", "维持10年", "维持十年", "维持"),
    "pledge": ("pledge", "质押", "高质押"),
    "award": ("award", "获奖", "奖励"),
}
HV_NO = ("no", "否", "0", "false", "n")


def _lookup(table: Mapping[str, tuple[str, ...]], value: str) -> str | None:
    key = fold(value)
    for canonical, names in table.items():
        if key in (fold(n) for n in names):
            return canonical
    return None


_AN_STRIP = re.compile(r"^(CN|ZL)|[.\s]")
_IPC_RE = re.compile(r"^[A-H](\d{2}([A-Z](\d{1,4}(/\d{1,6})?)?)?)?$")
_SEI_RE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,3}$")
_KIND_SUFFIX = re.compile(r"[A-Z]\d?$")


def normalize_an(value: str) -> str:
    """申请号 without ``CN``/``ZL`` and the dot: ``CN202110000001.X`` → ``202110000001X``."""
    return _AN_STRIP.sub("", fold(value).upper())


def normalize_pn(value: str) -> str:
    return re.sub(r"\s", "", fold(value).upper())


def pn_tokens(*numbers: str | None) -> list[str]:
    """Tokens a publication/grant number is found by: itself and itself without the kind code."""
    out: list[str] = []
    for number in numbers:
        if not number:
            continue
        norm = normalize_pn(number)
        out.append(norm)
        bare = _KIND_SUFFIX.sub("", norm)
        if bare != norm and len(bare) > 2:
            out.append(bare)
    return list(dict.fromkeys(out))


def normalize_ipc(value: str) -> str:
    return re.sub(r"\s", "", fold(value).upper())


def ipc_hierarchy(code: str) -> list[str]:
    """``H01M4/13`` → ``H``, ``H01``, ``H01M``, ``H01M4``, ``H01M4/13`` (what ``IPC=`` matches on)."""
    code = normalize_ipc(code)
    out = [code[:1], code[:3], code[:4]]
    if "/" in code:
        out += [code.split("/", 1)[0], code]
    elif len(code) > 4:
        out.append(code)
    return list(dict.fromkeys(p for p in out if p))


def sei_hierarchy(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def region_tokens(region_code: str | None, city_code: str | None, province_code: str | None) -> list[str]:
    return list(dict.fromkeys(c for c in (province_code, city_code, region_code) if c))


def normalize_code(field: str, value: str, prefix: bool) -> str:
    """Validate and normalize a code-field value; raises :class:`ValueProblem`."""
    if field == "AN":
        norm = normalize_an(value)
        if not norm or not re.fullmatch(r"[0-9X]+", norm):
            raise ValueProblem("申请号只能包含数字和校验位 X", "an application number has digits and the check character only",
                               ("CN202110000001.X",))
        return norm
    if field == "PN":
        norm = normalize_pn(value)
        if not re.fullmatch(r"[A-Z0-9]+", norm):
            raise ValueProblem("公开号只能包含字母和数字", "a publication number has letters and digits only", ("CN112345678A",))
        return norm
    if field in ("IPC", "MIC"):
        norm = normalize_ipc(value)
        ok = _IPC_RE.match(norm) or (prefix and re.fullmatch(r"[A-H][0-9A-Z/]*", norm))
        if not ok:
            raise ValueProblem("分类号格式应如 H01M、H01M4、H01M4/13", "an IPC code looks like H01M, H01M4 or H01M4/13",
                               ("H01M", "H01M4", "H01M4/13"))
        return norm
    if field == "TYPE":
        kind = _lookup(KIND_VALUES, value)
        if kind is None:
            raise ValueProblem("未知的专利类型", "unknown patent kind", tuple(v[1] for v in KIND_VALUES.values()))
        return kind
    if field == "LS":
        status = _lookup(LS_VALUES, value)
        if status is None:
            raise ValueProblem("未知的法律状态", "unknown legal status", tuple(v[1] for v in LS_VALUES.values()))
        return status
    if field == "RC":
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", value):
            raise ValueProblem("区域代码应为 2、4 或 6 位数字（省、市、区县）",
                               "a region code has 2, 4 or 6 digits (province, city, county)", ("51", "5101", "510107"))
        # a province's or city's own six-digit code, as every page writes it (成都市 510100, 四川省 510000): the province
        # or the city — its patents are filed under their counties (510107), and RC=510100 found none of Chengdu's
        if value.endswith("0000"):
            return value[:2]
        if len(value) == 6 and value.endswith("00"):
            return value[:4]
        return value
    if field == "SEI":
        if not _SEI_RE.match(value):
            raise ValueProblem("战新产业代码格式应如 5 或 5.2", "an SEI category code looks like 5 or 5.2", ("5", "5.2"))
        return value
    if field == "HV":
        flag = _lookup(HV_VALUES, value)
        if flag is None:
            raise ValueProblem("高价值取值应为 是/否 或某一认定条件", "HV takes yes/no or one criterion",
                               ("是", "否", *HV_VALUES))
        return flag
    raise AssertionError(field)
