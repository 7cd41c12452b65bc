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
from functools import cache
from typing import Any, ClassVar

import pyarrow as pa

from zhichan.corpus.schema import TABLES
from zhichan.corpus.validate import (
    FieldError,
    normalize_application_number,
    normalize_uscc,
    parse_date,
    parse_int,
    split_list,
)
from zhichan.errors import InputError


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
        """Convert ``value`` to the canonical type of ``table.fieldname``; record failures."""
        try:
            return coerce_value(table, fieldname, value)
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


def coerce_value(table: str, fieldname: str, value: Any, *, separator: str = ";；") -> Any:
    """The canonical value of one cell for ``table.fieldname`` (raises FieldError)."""
    arrow_type = _field_type(table, fieldname)
    validator = FIELD_VALIDATORS.get((table, fieldname))
    if pa.types.is_list(arrow_type):
        items = value if isinstance(value, list) else split_list(value, separator)
        return [validator(item) if validator else item for item in items]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if pa.types.is_date32(arrow_type):
        return parse_date(value, field=fieldname)
    if pa.types.is_integer(arrow_type):
        return parse_int(value, field=fieldname)
    if pa.types.is_floating(arrow_type):
        try:
            return float(unicodedata.normalize("NFKC", str(value)).replace(",", ""))
        except ValueError as exc:
            raise FieldError(f"{fieldname} 不是数字：{value} / not a number") from exc
    if pa.types.is_boolean(arrow_type):
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise FieldError(f"{fieldname} 应为是/否：{value} / expected yes/no")
    text = unicodedata.normalize("NFC", str(value)).strip()
    return validator(text) if validator else text


class RowMapper(ABC):
    """Maps one source row to ``(record, events)``; subclasses know one source layout."""

    name: ClassVar[str] = "mapper"
    table: ClassVar[str] = "patents"
    required_columns: ClassVar[tuple[str, ...]] = ()
    known_columns: tuple[str, ...] = ()

    @abstractmethod
    def map_row(self, row: dict[str, Any], errors: RowErrors) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The canonical record and its events; problems go to ``errors``, never raised."""

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
