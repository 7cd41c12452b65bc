"""Money typed into a form and money shown on a page: one parser and one format for every domain.

Amounts are :class:`decimal.Decimal` (``MONEY`` columns hold yuan to the fen). A form's field says its
unit: ``yuan`` (元, two decimals at most) or ``wan_yuan`` (万元, where the form asks for it; six decimals
at most, i.e. to the fen).
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

MoneyUnit = Literal["yuan", "wan_yuan"]

#: the largest amount a form takes (NUMERIC(18, 2) holds 16 digits before the point)
LIMIT = Decimal("1e16")
_DECIMALS = {"yuan": 2, "wan_yuan": 6}
_SUFFIXES = {"yuan": ("元", "yuan", "CNY", "RMB"), "wan_yuan": ("万元", "万")}
_UNIT_TEXT = {"yuan": ("元", "yuan"), "wan_yuan": ("万元", "× 10,000 yuan")}


class MoneyError(ValueError):
    """Input that is not an amount; ``reason`` is "中文 / English" without the field's name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unit_text(unit: MoneyUnit, lang: str) -> str:
    zh, en = _UNIT_TEXT[unit]
    return en if lang == "en" else zh


def parse_money(text: Any, unit: MoneyUnit = "yuan", *, zero: bool = False) -> Decimal:
    """An amount typed in a form (``1,000,000.00``, ``１２００ 元``, full-width digits and separators
    accepted) in ``unit``; positive, or ``zero`` too. Raises :class:`MoneyError`."""
    if isinstance(text, Decimal):
        raw = str(text)
    else:
        raw = unicodedata.normalize("NFKC", str(text or "")).strip()
        for suffix in _SUFFIXES[unit]:
            if raw.upper().endswith(suffix.upper()):
                raw = raw[: -len(suffix)]
                break
        raw = raw.replace(",", "").replace("、", "").replace(" ", "").strip()
    zh, en = _UNIT_TEXT[unit]
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError(f"应为金额（{zh}），如 12000.50 / expected an amount in {en}, e.g. 12000.50") from None
    if not value.is_finite():
        raise MoneyError(f"应为金额（{zh}），如 12000.50 / expected an amount in {en}, e.g. 12000.50")
    if value < 0 or (value == 0 and not zero):
        raise MoneyError("应大于 0 / must be above zero" if not zero else "不能为负数 / must not be negative")
    places = _DECIMALS[unit]
    if value.as_tuple().exponent < -places:  # type: ignore[operator]
        raise MoneyError(f"最多 {places} 位小数 / at most {places} decimals")
    if value * (10_000 if unit == "wan_yuan" else 1) >= LIMIT:
        raise MoneyError("金额过大 / the amount is too large")
    return value.quantize(Decimal(1).scaleb(-places))


def grouped_amount(value: Decimal, *, cents: bool = False) -> str:
    """The number part of :func:`format_money` (``25,610,000``, ``1,150,000.50``): for a stored message whose
    catalogue text carries the unit in each language. ``cents``: always to the fen (``25,610,000.00``), as a
    document of record states an amount (a registration certificate, a report's table of amounts)."""
    if cents:
        return f"{value.quantize(Decimal('0.01')):,.2f}"
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    text = f"{value:,f}".rstrip("0")
    whole, _, fen = text.partition(".")
    return f"{whole}.{fen.ljust(2, '0')}"


#: the amount from which a bureau's figure reads in 万元 (its plans and reports write 6,540.00 万元, not 65,400,000.00 元)
WAN_YUAN_FROM = Decimal(10_000)


def figure_amount(value: Decimal) -> tuple[str, MoneyUnit]:
    """An amount figure (an indicator's value, a plan's target) as the cockpit, region and plan pages show it, with
    its unit: from 10,000 元 in 万元 with two decimals, rounded half-up on the second (``90071992547409.93`` →
    ``9,007,199,254.74``; ``150050`` → ``15.01``), below it in 元 to the fen (``9,999.99``). The exact yuan is one
    click away (the records page) and in the title beside it; exports and the API keep the exact Decimal."""
    if abs(value) >= WAN_YUAN_FROM:
        return f"{value.scaleb(-4).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}", "wan_yuan"
    return grouped_amount(value, cents=True), "yuan"


def format_money(value: Any, lang: str, unit: MoneyUnit = "yuan", *, cents: bool = False) -> str:
    """An amount as a page shows it: grouped, with its unit in the page's language (``25,610,000 元`` /
    ``25,610,000 yuan``; ``2,561 万元`` / ``25,610,000 yuan`` — an English reader gets yuan). A value
    that is not a number is shown as it is. ``cents``: yuan to the fen (``25,610,000.00 元``), as a document of
    record writes it."""
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return str(value)
    if not amount.is_finite():
        return str(value)
    if cents:  # to the fen: in yuan whatever the unit typed
        return f"{grouped_amount(amount * 10_000 if unit == 'wan_yuan' else amount, cents=True)} {unit_text('yuan', lang)}"
    if lang == "en":
        return f"{grouped_amount(amount * 10_000 if unit == 'wan_yuan' else amount)} yuan"
    return f"{grouped_amount(amount)} {_UNIT_TEXT[unit][0]}"
