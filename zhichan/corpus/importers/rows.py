"""Turning one source row into canonical records, collecting every problem instead of stopping.

Coercion is driven by the canonical Arrow schema (string, date, integer, list …) plus a few
field validators (application number, IPC, USCC). A :class:`RowMapper` maps columns to fields;
:class:`RowErrors` records what failed so the row can be rejected with all its reasons.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any, ClassVar

import pyarrow as pa

from zhichan.corpus.schema import TABLES, EventType, LegalStatus, PartyType, PatentKind
from zhichan.corpus.validate import (
    FieldError,
    normalize_application_number,
    normalize_uscc,
    parse_date,
    parse_int,
    refuse_scientific_notation,
    split_list,
)
from zhichan.errors import InputError
from zhichan.money import MoneyError, MoneyUnit, parse_money


def _ipc(value: str) -> str:
    from zhichan.reference import normalize_ipc

    try:
        return str(normalize_ipc(value))
    except InputError as exc:
        raise FieldError(f"IPC 分类号格式不正确：{value} / malformed IPC code") from exc


def _region(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip()
    if not (len(text) == 6 and text.isdigit()):
        raise FieldError(f"行政区划代码应为 6 位数字：{value} / region code must have 6 digits")
    return text


def _uscc_or_blank(value: str) -> str:
    return "" if not value.strip() else normalize_uscc(value)


def _choice(what: str, values: dict[str, tuple[str, ...]]) -> Callable[[str], str]:
    """A validator for an enumerated field: the canonical value or one of its Chinese words.

    An unknown value is refused (not stored as is): indicators select on the canonical values,
    so a ``质押`` event stored verbatim would silently count as no pledge.
    """
    words = {alias.lower(): value for value, aliases in values.items() for alias in (value, *aliases)}
    allowed = ", ".join(values)

    def check(value: str) -> str:
        text = unicodedata.normalize("NFKC", value).strip().lower()
        if text in words:
            return words[text]
        raise FieldError(f"{what}无法识别：{value}（可用：{allowed}） / unknown value; allowed: {allowed}")

    return check


def _patent_kind(value: str) -> str:
    from zhichan.corpus.importers.commercial import parse_kind

    text = value.strip().lower()
    return text if text in {k.value for k in PatentKind} else parse_kind(value).value


def _legal_status(value: str) -> str:
    from zhichan.corpus.importers.commercial import parse_legal_status

    text = value.strip().lower()
    return text if text in {s.value for s in LegalStatus} else parse_legal_status(value).value


def _party_type(value: str) -> str:
    from zhichan.corpus.parties import party_type_from_label

    text = value.strip().lower()
    if text in {t.value for t in PartyType}:
        return text
    kind = party_type_from_label(value)
    if kind is None:
        allowed = ", ".join(t.value for t in PartyType)
        raise FieldError(f"申请人类型无法识别：{value}（可用：企业、大专院校、科研机构、个人、机关团体） / "
                         f"unknown applicant type; allowed: {allowed}")
    return kind.value


_EVENT_TYPES = {
    EventType.TRANSFER.value: ("转让", "权利转移", "专利权转让"),
    EventType.LICENCE.value: ("许可", "实施许可", "license"),
    EventType.PLEDGE.value: ("质押", "出质", "质押登记"),
    EventType.PLEDGE_RELEASE.value: ("质押解除", "解除质押", "质押注销"),
    EventType.INVALIDATION.value: ("无效宣告", "无效"),
    EventType.AWARD.value: ("获奖", "奖励"),
    EventType.LEGAL_STATUS_CHANGE.value: ("法律状态变更",),
}

#: (table, field) → validator applied to each scalar value (list items one by one).
FIELD_VALIDATORS: dict[tuple[str, str], Callable[[str], Any]] = {
    ("patents", "application_number"): normalize_application_number,
    ("events", "application_number"): normalize_application_number,
    ("patents", "main_ipc"): _ipc,
    ("patents", "ipc"): _ipc,
    ("patents", "applicant_uscc"): _uscc_or_blank,
    ("patents", "region_code"): _region,
    ("trademarks", "registrant_uscc"): _uscc_or_blank,
    ("trademarks", "region_code"): _region,
    ("geographical_indications", "region_code"): _region,
    ("copyrights", "region_code"): _region,
    ("patents", "kind"): _patent_kind,  # 发明 / invention …; stored verbatim it would break every count
    ("patents", "legal_status"): _legal_status,
    ("patents", "applicant_types"): _party_type,
    ("events", "event_type"): _choice("事件类型", _EVENT_TYPES),
    ("trademarks", "mark_kind"): _choice("商标种类", {"ordinary": ("普通商标", "普通"), "collective": ("集体商标", "集体"),
                                                   "certification": ("证明商标", "证明")}),
    ("trademarks", "status"): _choice("商标状态", {
        "pending": ("申请中", "待审", "审查中"), "registered": ("已注册", "注册", "有效"),
        "expired": ("已到期", "期满", "到期"), "cancelled": ("注销", "已注销", "撤销", "已撤销"),
        "invalidated": ("无效", "宣告无效", "已无效")}),
    ("geographical_indications", "gi_type"): _choice("地理标志类型", {
        "product": ("地理标志产品", "产品"), "mark": ("地理标志商标", "商标", "集体商标", "证明商标")}),
    ("geographical_indications", "status"): _choice("地理标志状态", {
        "protected": ("保护", "受保护", "有效"), "revoked": ("撤销", "已撤销", "注销")}),
    ("copyrights", "work_type"): _choice("登记类型", {"software": ("软件", "软件著作权", "计算机软件"),
                                                 "work": ("作品", "作品著作权")}),
}

#: Fields every record of a table must have (the rest are optional or derived).
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "patents": ("application_number", "kind", "application_date", "title"),
    "events": ("application_number", "event_type"),
    "trademarks": ("registration_number",),
    "geographical_indications": ("gi_id", "name", "gi_type"),
    "copyrights": ("registration_number", "work_type"),
}

#: Chinese names of canonical fields, for reasons about a field no source column names.
FIELD_LABELS: dict[str, str] = {
    "application_number": "申请号", "kind": "专利类型", "application_date": "申请日", "title": "名称",
    "legal_status": "法律状态", "event_type": "事件类型", "event_id": "事件", "event_date": "事件日期",
    "registration_number": "注册号", "gi_id": "地理标志编号", "name": "名称", "gi_type": "地理标志类型",
    "work_type": "登记类型",
}

_TRUE = {"1", "true", "yes", "y", "是", "有", "√"}
_FALSE = {"0", "false", "no", "n", "否", "无", ""}


class RowErrors:
    """Problems found in one row: ``[(column, value, reason)]``."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, column: str, value: Any, reason: str) -> None:
        self.items.append((column, "" if value is None else str(value)[:200], reason))

    def call(self, column: str, value: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FieldError as exc:
            self.add(column, value, exc.reason)
            return None

    def coerce(self, table: str, fieldname: str, column: str, value: Any) -> Any:
        """Convert ``value`` to the canonical type of ``table.fieldname``; record failures under ``column``."""
        try:
            return coerce_value(table, fieldname, value, label=column)
        except FieldError as exc:
            self.add(column, value, exc.reason)
            return None

    def coerce_list_of_dates(self, column: str, value: Any) -> list[Any]:
        days = []
        for item in split_list(value):
            day = self.call(column, item, parse_date, item, field=column)
            if day is not None:
                days.append(day)
        return sorted(set(days))


@cache
def _field_type(table: str, fieldname: str) -> pa.DataType:
    return TABLES[table][0].field(fieldname).type


def coerce_value(table: str, fieldname: str, value: Any, *, separator: str = ";；", label: str | None = None,
                 unit: MoneyUnit = "yuan") -> Any:
    """The canonical value of one cell for ``table.fieldname`` (raises FieldError).

    ``label`` names the value in reasons: the source file's own column (``申请日``), so the
    rejects report speaks of what the user sees, never of canonical field names. ``unit``: the
    unit of an amount's column (:func:`parse_amount`).
    """
    label = label or FIELD_LABELS.get(fieldname, fieldname)
    arrow_type = _field_type(table, fieldname)
    validator = FIELD_VALIDATORS.get((table, fieldname))
    if pa.types.is_list(arrow_type):
        items = value if isinstance(value, list) else split_list(value, separator)
        for item in items:
            refuse_scientific_notation(item, label)
        return [validator(item) if validator else item for item in items]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if pa.types.is_date32(arrow_type):
        return parse_date(value, field=label)
    if pa.types.is_integer(arrow_type):
        number = parse_int(value, field=label)
        if number is not None and number.bit_length() > arrow_type.bit_width - (0 if pa.types.is_unsigned_integer(arrow_type) else 1):
            raise FieldError(f"{label}超出范围：{value} / out of range")  # the column's integer type cannot hold it
        return number
    if pa.types.is_decimal(arrow_type):
        return parse_amount(value, label, unit)
    if pa.types.is_boolean(arrow_type):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise FieldError(f"{label}应为是/否：{value} / expected yes/no")
    text = unicodedata.normalize("NFC", str(value)).strip()
    refuse_scientific_notation(text, label)  # identifiers (申请号, 注册号, 公开号 …) are text, never numbers
    return validator(text) if validator else text


def parse_amount(value: Any, label: str, unit: MoneyUnit = "yuan") -> Decimal:
    """An amount cell as yuan to the fen (a :class:`~decimal.Decimal`, never a float), through the one parser
    of amounts (:func:`zhichan.money.parse_money`: ``1,000,000.00``, full-width digits, a ``元`` or ``万元``
    suffix). ``unit``: the column's unit, ``yuan`` (元, at most two decimals) or ``wan_yuan`` (万元, at most
    six: to the fen). A finer amount, a negative one or one of 10¹⁶ yuan or more is refused — the row goes
    to the rejects report with the reason —, never rounded: the 分 is the smallest unit of 人民币, so a third
    decimal says the column is not what the mapping declares (万元 read as 元, a computed value), and an
    import does not change a figure of record on its own. A spreadsheet's number cell (a ``float``) is read
    to the 15 significant digits Excel keeps and shows (0.1 + 0.2 in a cell is 0.3)."""
    if isinstance(value, float):
        value = format(value, ".15g")
    try:
        amount = parse_money(value, unit, zero=True)
    except MoneyError as exc:
        zh, _, en = exc.reason.partition(" / ")
        raise FieldError(f"{label}{zh}：{value} / {en}") from None
    return (amount * 10_000 if unit == "wan_yuan" else amount).quantize(Decimal("0.01"))


class RowMapper(ABC):
    """Maps one source row to ``(record, events)``; subclasses know one source layout."""

    name: ClassVar[str] = "mapper"
    table: ClassVar[str] = "patents"
    required_columns: ClassVar[tuple[str, ...]] = ()
    known_columns: tuple[str, ...] = ()

    @abstractmethod
    def map_row(self, row: dict[str, Any], errors: RowErrors) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The canonical record and its events; problems go to ``errors``, never raised."""

    def column_of(self, fieldname: str) -> str:
        """The source column that fills ``fieldname`` (its Chinese name when no column does)."""
        return FIELD_LABELS.get(fieldname, fieldname)

    def provided_fields(self) -> set[str] | None:
        """The canonical fields this source gives; None when it describes whole records (the fields
        it leaves empty are empty). An update from a source that names only some fields keeps the
        stored values of the others (:func:`zhichan.corpus.records.complete_from_stored`)."""
        return None

    def extra_json(self, row: dict[str, Any], extra_columns: Any = ()) -> str | None:
        """Columns not mapped to canonical fields, verbatim (nothing an import reads is lost)."""
        mapped = set(self.known_columns) - set(extra_columns)
        extra = {k: _jsonable(v) for k, v in row.items() if k not in mapped and v not in (None, "") and k}
        return json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None


def _jsonable(value: Any) -> str:
    """Cells as text, the same whether they came from CSV or from an XLSX number cell."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    return str(value).strip()
