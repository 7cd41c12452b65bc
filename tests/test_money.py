"""zhichan.money: the one parser and the one format of money, and the pages' fee texts that use it."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

import pytest

from zhichan.exchange.views import fee_text as licence_fee
from zhichan.money import MoneyError, format_money, parse_money
from zhichan.services.catalogue import fee_text as service_fee


def test_amounts_parse_exactly_and_bad_ones_are_refused() -> None:
    assert parse_money("１，２００ 元") == Decimal("1200.00")
    assert parse_money("12.5", "wan_yuan") == Decimal("12.500000")
    for bad in ("三百万", "-1", "0", "1.001", "nan"):
        with pytest.raises(MoneyError):
            parse_money(bad)


def test_every_fee_is_shown_as_money_is() -> None:
    assert format_money(Decimal("25610000"), "zh") == "25,610,000 元"
    assert format_money(Decimal("2561"), "en", "wan_yuan") == "25,610,000 yuan"
    assert service_fee(Decimal("1200.50"), "zh") == format_money(Decimal("1200.50"), "zh") == "1,200.50 元"
    assert service_fee(Decimal("0"), "en") == "Free"
    licence = cast(Any, SimpleNamespace(fee_method="fixed", fee_value=Decimal("50000")))
    assert licence_fee(licence, "en") == "50,000 yuan" and licence_fee(licence, "zh") == "50,000 元"


def test_a_document_of_record_writes_money_to_the_fen() -> None:
    """A registration certificate read "6,250,000 元" for a secured debt of 6250000.00: a document of record states
    the amount to the fen."""
    assert format_money(Decimal("6250000"), "zh", cents=True) == "6,250,000.00 元"
    assert format_money(Decimal("1150000.5"), "en", cents=True) == "1,150,000.50 yuan"
    assert format_money(Decimal("2561"), "zh", "wan_yuan", cents=True) == "25,610,000.00 元"
    assert format_money(Decimal("6250000"), "zh") == "6,250,000 元"  # pages keep their shorter form
