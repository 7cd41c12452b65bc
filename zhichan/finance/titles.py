"""A pledge registration's title in the page's language, from its filing (案件标题).

A pledge case started on the generic form is stored under its first fields ("CN…\\nCN… · 某银行"), the demo's
under 质押登记: neither reads in English. Pages show the title built here instead — the kind of case, how many
rights are pledged and the secured amount — and the stored title stays part of the case's record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhichan.corpus.validate import FieldError
from zhichan.finance.service import parse_rights
from zhichan.money import format_money
from zhichan.web.i18n import translate


def pledge_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """``质押登记 · 3 项权利 · 担保 7,300,000 元`` / ``Pledge registration · 3 rights · securing 7,300,000 yuan``;
    None where the filing names no readable right (the stored title is then shown)."""
    try:
        count = len(parse_rights(str(fields.get("rights") or "")).all())
    except FieldError:
        return None
    amount = format_money(fields.get("debt_amount"), lang)
    key = "finance.case_title_amount" if amount else "finance.case_title"
    return translate(lang, key, n=count, amount=amount)

