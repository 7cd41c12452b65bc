"""Field validators used by every importer. Each returns the canonical value or raises
:class:`FieldError` with a Chinese-first reason that goes into the rejects report.

- CN application numbers (专利申请号, ZC 0006-2003): ``YYYY`` + kind digit + 7-digit serial
  (12 digits since 2003-10-01) or ``YY`` + kind digit + 5-digit serial (8 digits before), then a
  check character: Σ digitᵢ·wᵢ mod 11 with weights 2,3,4,5,6,7,8,9,2,3,4,5; 10 is written ``X``.
  No maintained PyPI library implements this number (python-stdnum has none), so it is here.
- Unified social credit codes (统一社会信用代码, GB 32100-2015): python-stdnum's ``cn.uscc``.
- IPC codes: :func:`zhichan.reference.normalize_ipc`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from zhichan.corpus.schema import PatentKind
from zhichan.legaltime import china_today
from zhichan.untrusted import whole_number

_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
#: CN202223220665.2, as typed: with or without ``CN`` (or the patent number's ``ZL``) and the dot before the check
#: character
_APPNO = re.compile(r"^(?:CN|ZL)?(\d{8}|\d{12})\.?([0-9X])?$")
#: a trademark registration number as typed (``商标：12345678``, ``TM 1234567``, the bare digits): a pledge's right
#: (finance) and what a patent complaint's number field refuses with where a trademark complaint goes (protection)
TRADEMARK_NUMBER = re.compile(r"^(?:商标|TM)?\s*[:：]?\s*(\d{5,10})$", re.IGNORECASE)
KIND_DIGITS = {"1": PatentKind.INVENTION, "8": PatentKind.INVENTION, "2": PatentKind.UTILITY_MODEL,
               "9": PatentKind.UTILITY_MODEL, "3": PatentKind.DESIGN}


class FieldError(ValueError):
    """A value that cannot be accepted; ``reason`` is shown in the rejects report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_character(digits: str) -> str:
    total = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def application_number_with_check(digits: str) -> str:
    """``"202223220665"`` → ``"CN202223220665.2"`` (for tests and the generator)."""
    return f"CN{digits}.{check_character(digits)}"


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?E[+-]?\d+$", re.IGNORECASE)


def refuse_scientific_notation(value: object, label: str) -> None:
    """Raise when a number-like identifier came through Excel as ``2.02223E+11``: its digits are gone."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _SCIENTIFIC.match(text):
        raise FieldError(
            f"{label}被 Excel 改成了科学计数法（{text}），原来的数字已丢失：请在 Excel 中把该列设为“文本”格式后重新导出，"
            "或直接导入数据库导出的原始文件（不经 Excel 另存） / number mangled into scientific notation by Excel, "
            "its digits are lost: format the column as text and export again, or import the original export"
        )


def normalize_application_number(value: str) -> str:
    """Validate a CN application number (or a patent number, ``ZL`` and the application number) and return it as
    ``CN202223220665.2``: typed in any case, full-width, with spaces anywhere, with or without ``CN`` and the dot."""
    raw = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")).upper())
    if not raw:
        raise FieldError("申请号为空 / application number is empty")
    refuse_scientific_notation(raw, "申请号")
    match = _APPNO.match(raw)
    if not match:
        raise FieldError(f"申请号格式不正确：{value} / malformed application number")
    digits, check = match.groups()
    if check is None:
        raise FieldError(f"申请号缺少校验位：{value} / application number lacks its check character")
    expected = check_character(digits)
    if check != expected:
        raise FieldError(f"申请号校验位错误：应为 {expected}，实为 {check} / check character should be {expected}, not {check}")
    kind_digit = digits[4] if len(digits) == 12 else digits[2]
    if kind_digit not in KIND_DIGITS:
        raise FieldError(f"申请号中的专利类型位无效：{kind_digit} / invalid kind digit {kind_digit}")
    return f"CN{digits}.{check}"


def kind_from_application_number(number: str) -> PatentKind:
    digits = number.removeprefix("CN").split(".")[0]
    return KIND_DIGITS[digits[4] if len(digits) == 12 else digits[2]]


def normalize_uscc(value: str) -> str:
    """Validate a unified social credit code (GB 32100) with python-stdnum."""
    try:
        return str(stdnum_uscc.validate(unicodedata.normalize("NFKC", value).strip().upper()))
    except StdnumError as exc:
        raise FieldError(f"统一社会信用代码无效：{value}（{exc}） / invalid unified social credit code") from exc


_DATE_FORMATS = ("%Y%m%d", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def parse_date(value: object, *, field: str = "日期") -> dt.date | None:
    """Parse the date forms exports use; ``''``, ``'0'`` and ``None`` mean no date.

    Dates before 1900 or in the future are refused (the same rule serves patents, trademarks
    and GIs, so it is not tied to the patent system's 1985 start).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), field)
    if isinstance(value, dt.date):
        return _in_range(value, field)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text in ("", "0", "-", "—", "无", "nan", "NaT", "None"):
        return None
    text = text.split(" ")[0].split("T")[0]
    parsed: dt.date | None = None
    if len(text) == 8 and text.isdigit():  # the common export form, without strptime's cost
        with contextlib.suppress(ValueError):
            parsed = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    else:
        for fmt in _DATE_FORMATS:
            with contextlib.suppress(ValueError):
                parsed = dt.datetime.strptime(text, fmt).date()
                break
    if parsed is None:
        raise FieldError(f"{field}无法识别：{value} / unrecognised date")
    return _in_range(parsed, field)


def _in_range(parsed: dt.date, field: str) -> dt.date:
    if parsed < dt.date(1900, 1, 1) or parsed > china_today() + dt.timedelta(days=1):
        raise FieldError(f"{field}超出合理范围：{parsed.isoformat()} / date out of range")
    return parsed


def parse_int(value: object, *, field: str = "数值") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise FieldError(f"{field}不是整数：{value} / not an integer")
    if isinstance(value, int):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    if text in ("", "-", "nan"):
        return None
    number = whole_number(text)  # exactly: through a float an integer above 2^53 lost digits
    if number is None:
        try:
            finite = Decimal(text).is_finite()
        except InvalidOperation:
            finite = False
        if not finite:  # no number at all (NaN and infinity crashed the float parse)
            raise FieldError(f"{field}不是整数：{value} / not an integer")
    if number is None or number < 0:
        raise FieldError(f"{field}不是非负整数：{value} / not a non-negative integer")
    return number


def split_list(value: object, separators: str = ";；") -> list[str]:
    """Split an export's multi-value cell (``a;b;c``) into trimmed, non-empty items.

    Each separator also matches its full-/half-width twin (``，`` and ``,``).
    """
    if value is None:
        return []
    text = str(value)
    marks = set(separators) | {unicodedata.normalize("NFKC", sep) for sep in separators}
    for sep in marks:
        text = text.replace(sep, "\x1f")
    return [item.strip() for item in text.split("\x1f") if item.strip()]
