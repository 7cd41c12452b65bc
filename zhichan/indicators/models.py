"""What the indicator service hands to the web layer, the CLI and reports (plain dataclasses)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

IndicatorKind = Literal["count", "amount", "per_10k", "share", "mean"]
AsOf = Literal["stock", "flow"]
#: where a figure's records come from, which decides its default date (:func:`zhichan.indicators.service.default_as_of`):
#: ``corpus`` — the patent, trademark, GI and copyright data, counted to the corpus's data end; ``platform`` — the
#: platform's own records (cases, the talent library, pledges registered, deals…), counted to today in Beijing
DataSource = Literal["corpus", "platform"]
Level = Literal["nation", "province", "city", "county"]
#: a figure: a count (``int``), an amount of money (``Decimal`` yuan to the fen: :attr:`IndicatorDef.money`) or a
#: ratio (``float``; per 10,000 people, a share, a mean — a ratio of two amounts too, which is not money)
Figure = Decimal | float | int


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    """One indicator, declared once in :mod:`zhichan.indicators.registry`."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    kind: IndicatorKind
    as_of: AsOf
    definition: str  # 定义 — what a reader of a statistical bulletin needs to know
    #: the definition in English, prose for a bureau as the Chinese one is (what it counts, over which period, where
    #: counted): "filed from 1 January to the statistics date", never a column's name (``application_date``)
    definition_en: str
    category: str  # 创造 / 运用 / 质量 …
    source: str | None = None  # relation in sql/ the records come from (count / amount)
    where: str | None = None  # SQL predicate over ``source`` selecting the records
    amount: str | None = None  # column summed (``amount``); None counts records
    numerator: str | None = None  # per_10k / share: the indicators the ratio is made of
    denominator: str | None = None  # share and mean
    #: whose records: the corpus's or the platform's own (:data:`DataSource`); a ratio's is its parts'
    data_source: DataSource = "corpus"

    @property
    def additive(self) -> bool:
        """Counts and amounts add up from counties to the nation; ratios do not."""
        return self.kind in ("count", "amount")

    @property
    def money(self) -> bool:
        """An amount of money (元): its figure is a ``Decimal`` of yuan to the fen, the exact sum of its records, from the
        engine to every page, API answer (a decimal string), export and plan target (docs/indicators.md, "Money");
        a sum of days (天) is an ``int``."""
        return self.kind == "amount" and self.unit == "元"

    @property
    def counts_filings(self) -> bool:
        """Whether it counts applications by their filing date (``filed_in_period``, ``pct_filed_in_period``): the
        publication lag lowers its recent years, and its records page says so (a pledge amount's does not)."""
        return self.where is not None and bool(re.search(r"\b(pct_)?filed_in_period\b", self.where))

    @property
    def drill_code(self) -> str:
        """The count indicator whose records stand behind this number."""
        return self.code if self.additive else str(self.numerator)

    @property
    def formula_sql(self) -> str:
        if self.kind == "per_10k":
            return f"{self.numerator} / (resident_population_2020 / 10000)"
        if self.kind == "share":
            return f"100.0 * {self.numerator} / {self.denominator}"
        if self.kind == "mean":
            return f"{self.numerator} / {self.denominator}"
        measure = f"sum({self.amount})" if self.amount else "count(*)"
        return f"SELECT {measure} FROM {self.source} WHERE {self.where} AND geo LIKE :region || '%'"

    @property
    def definition_ref(self) -> str:
        return f"docs/indicators.md#{self.code}"

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}
        data.update(formula_sql=self.formula_sql, definition_ref=self.definition_ref, additive=self.additive)
        return data


def region_name_en(code: str) -> str:
    """The English name the API gives beside ``region_name`` (the Chinese one, which the data keep)."""
    from zhichan.reference import region_name

    return region_name(code, "en")


@dataclass(slots=True)
class IndicatorValue:
    code: str
    region_code: str
    region_name: str
    level: Level
    as_of: dt.date
    value: Figure | None
    unit: str
    previous_value: Figure | None = None  # same day one year earlier (同比基数)
    yoy_change: Figure | None = None  # an amount's: a Decimal; its yoy_change_pct and share_of_parent are floats
    yoy_change_pct: float | None = None
    share_of_parent: float | None = None  # fraction (0–1) of the parent region's value; additive only
    rank: int | None = None  # among the siblings (same parent), 1 = largest
    rank_of: int | None = None  # how many siblings have a value
    #: how many siblings share the rank (1: alone): 0 applications ranked "1/21" beside twenty other zeros
    rank_tied: int | None = None
    #: how many siblings there are, with a value or not: a ratio ranked "8/11" where 11 of 21 districts have one
    rank_among: int | None = None
    parent_code: str | None = None
    definition_ref: str = ""
    synthetic: bool = False  # the snapshot holds generated demo data

    @property
    def rank_all_tied(self) -> bool:
        """Every ranked sibling has this value (21 districts with no PCT application each read "1/21"): the rank says
        nothing and is shown as "—" with the reason."""
        return self.rank_of is not None and self.rank_of > 1 and self.rank_tied == self.rank_of

    @property
    def rank_unvalued(self) -> int:
        """How many siblings have no value (a per-10k figure of a county without a census population) and so are not
        ranked: a rank "8/11" then says 11 of its 21 siblings have a value."""
        return (self.rank_among or 0) - (self.rank_of or 0) if self.rank_of else 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["region_name_en"] = region_name_en(self.region_code)
        data["rank_all_tied"] = self.rank_all_tied
        data["rank_unvalued"] = self.rank_unvalued
        return data


@dataclass(slots=True)
class PlanTarget:
    indicator: str
    region_code: str
    target_year: int
    target_value: Figure  # a money indicator's: a Decimal of yuan (the plan's text read exactly)
    base_year: int | None = None
    base_value: Figure | None = None
    note: str = ""


@dataclass(slots=True)
class Plan:
    name: str
    targets: list[PlanTarget]
    source: str = ""
    path: str = ""
    #: the plan's name on English pages (optional: pages fall back to ``name``)
    name_en: str = ""
    #: the source document's English title where it has one (optional: English pages show ``source`` without it)
    source_en: str = ""


@dataclass(slots=True)
class TargetProgress:
    indicator: str
    indicator_name: str
    region_code: str
    region_name: str
    as_of: dt.date
    base_year: int | None
    base_value: Figure | None
    base_value_source: str  # "plan" (the plan's figure) | "computed" (from the corpus) | "missing"
    target_year: int
    target_value: Figure
    current_value: Figure | None  # a money indicator's figures (base, current, target, forecast): Decimal yuan
    progress_pct: float | None  # current / target × 100 (完成预期目标的 N%)
    gap_closed_pct: float | None  # (current − base) / (target − base) × 100
    required_annual_growth: float | None  # CAGR from now to the target date, fraction per year
    forecast: Figure | None  # value forecast at the end of the target year (an amount's to the fen)
    forecast_method: str
    will_meet: bool | None
    trend: list[tuple[dt.date, Figure | None]] = field(default_factory=list)
    unit: str = ""
    reached: bool = False  # the current value already meets the target (no growth required)
    at_target_year: Figure | None = None  # the target year over and covered by the data: the value on its last day

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["trend"] = [(d.isoformat(), v) for d, v in self.trend]
        data["region_name_en"] = region_name_en(self.region_code)
        return data
