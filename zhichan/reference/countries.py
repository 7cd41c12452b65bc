"""Countries and regions outside the mainland by their ISO 3166-1 alpha-2 code (``applicant_country``), for pages that
name a foreign applicant's origin where a mainland party's region stands: 美国 / United States, 中国台湾 / Taiwan, China.

The table (``data/countries/countries.csv``, data/PROVENANCE.md) holds the countries and regions the synthetic
generator draws foreign applicants from (``calibration.FOREIGN_COUNTRIES``) and China itself; the real sample has no
foreign applicant. A code it does not hold is shown as the code (an import may carry any ISO code)."""

from __future__ import annotations

import csv
from functools import cache

from zhichan.reference._data import open_text


@cache
def _countries() -> dict[str, tuple[str, str]]:
    with open_text("countries/countries.csv") as f:
        return {row["code"]: (row["name_zh"], row["name_en"]) for row in csv.DictReader(f)}


def country_name(code: str | None, lang: str = "zh") -> str:
    """The name of a country or region in ``lang`` (``"US"`` → 美国 / United States); a code the table does not
    hold as it is; ``""`` for none."""
    code = (code or "").strip().upper()
    if not code:
        return ""
    names = _countries().get(code)
    if names is None:
        return code
    return names[1] if lang == "en" else names[0]


def country_codes() -> list[str]:
    """The codes the table holds."""
    return sorted(_countries())
