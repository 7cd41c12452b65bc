"""IP finance's statistics for a region at a date, as the public reads them: the finance indicators
(``zhichan/finance/figures.py``) and the corpus events' patent pledge figures, computed through the
indicator registry, and the registrations by bank and by industry — the drill-down records of the
same indicators grouped, so every breakdown adds up to its figure (one definition)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from zhichan.corpus.store import Snapshot
from zhichan.indicators import registry, service

#: the figures shown, in order: the register's, the funds', the whitelists', and the patent pledges of
#: the corpus events (every source, this register's included) — defined once, in the events
CODES = ("finance_pledge_registrations", "finance_pledged_rights", "finance_pledge_secured_amount",
         "finance_first_time_pledgors", "ip_pledge_count", "ip_pledge_amount", "finance_fund_claims",
         "finance_fund_claim_amount", "finance_fund_payouts", "finance_fund_balance", "finance_fund_outstanding",
         "finance_fund_leverage", "finance_whitelist_enterprises", "finance_whitelist_loans")
BY = ("bank", "industry")


def _grouped(snapshot: Snapshot, code: str, region: str, as_of: dt.date, by: str,
             amount: str | None) -> list[dict[str, Any]]:
    records = service.drilldown(code, region, as_of, snapshot=snapshot).to_pylist()
    name = "bank" if by == "bank" else "industry_name"
    groups: dict[str, list[Any]] = defaultdict(lambda: [0, Decimal("0.00")])
    english: dict[str, str] = {}  # an industry's English name (the export's industry_name_en)
    for r in records:
        key = r[name] or ""
        groups[key][0] += 1
        if amount:
            groups[key][1] += Decimal(r[amount] or 0)
        if by == "industry":
            english[key] = r["industry_name_en"] or key
    rows = [{by: k, **({"industry_en": english[k]} if by == "industry" else {}), "count": n,
             **({"amount": str(a.quantize(Decimal("0.01")))} if amount else {})}
            for k, (n, a) in groups.items()]
    return sorted(rows, key=lambda x: (-x["count"], x[by]))


def statistics(snapshot: Snapshot, region: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """The finance figures of ``region`` on ``as_of`` (default: each at its own default date — the register's,
    funds' and whitelists' at today, the patent data's pledges at the corpus's data end; each figure says its
    ``as_of``) with 同比, and the registrations (笔, secured amount) and pledged rights (件) by bank and by
    industry (at the register's date)."""
    region = service.normalize_region(region)
    day = service.figure_as_of("finance_pledge_registrations", as_of, snapshot)
    values = service.compute(list(CODES), [region], as_of, snapshot=snapshot)
    figures = [{"code": v.code, "as_of": v.as_of.isoformat(), "data_source": registry.get_indicator(v.code).data_source,
                "value": v.value, "unit": v.unit,
                "previous_value": v.previous_value, "yoy_change_pct": v.yoy_change_pct,
                "definition_ref": v.definition_ref} for v in values]
    breakdown = {by: {"registrations": _grouped(snapshot, "finance_pledge_registrations", region, day, by,
                                                "debt_amount"),
                      "rights": _grouped(snapshot, "finance_pledged_rights", region, day, by, None)}
                 for by in BY}
    return {"region": region, "as_of": day.isoformat(), "dates": service.figure_dates(as_of, snapshot),
            "figures": figures, "by": breakdown,
            "synthetic": any(v.synthetic for v in values)}
