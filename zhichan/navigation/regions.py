"""Regions in navigation analyses: the code a user gives, the name a report prints."""

from __future__ import annotations

from zhichan.errors import InputError
from zhichan.navigation import sql as Q


def region_label(code: str | None, lang: str = "zh", country: str | None = None) -> str:
    """The name a report in ``lang`` prints for a region; for a party without one, its ``country`` (a foreign
    applicant's ISO code: 美国 / United States, :func:`zhichan.reference.country_name`); "—" for neither."""
    if not code:
        from zhichan.reference import country_name

        return country_name(country, lang) or "—"
    try:
        from zhichan.reference import region_name

        return str(region_name(code, lang) or code)
    except Exception:  # noqa: BLE001 - an unknown code is shown as the code itself
        return code


def check_region(code: str) -> str:
    if not (code.isdigit() and len(code) in Q.PEER_COLUMNS):
        raise InputError(f"区划代码须为 2/4/6 位数字 / region code must be 2, 4 or 6 digits: {code!r}")
    return code
