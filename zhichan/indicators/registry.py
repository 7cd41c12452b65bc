"""The indicator registry: every indicator declared once, and the SQL built from the declarations.

An indicator is a *source relation* (a readable SELECT in ``sql/<name>.sql``), a *predicate* that
picks the records it counts, and a *measure* (count the records, or sum a column). From those three
parts this module builds

- the compute query: one ``GROUP BY geo`` scan per source, one column per indicator;
- the drill-down query: the same source and predicate, filtered to a region, record by record;
- the contributors query: the same again, grouped by the first patentee / holder.

So a number and the records behind it cannot drift apart: neither query is written by hand. All SQL
is DuckDB dialect; :mod:`zhichan.indicators.engines` transpiles it for Spark with SQLGlot.
Ratios (每万人口…, shares) are computed from the additive counts after the scan, in Python, so every
engine divides the same integers.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from zhichan.errors import InputError, NotFoundError
from zhichan.figures import domain_indicators, domain_relations
from zhichan.indicators.dates import filed_by_for_anniversary, period_start
from zhichan.indicators.models import AsOf, Figure, IndicatorDef

# ------------------------------------------------------------------------------------------ relations

#: relation → the relations its SQL reads (besides the snapshot's tables). Order = dependency order.
#: Domain packages add their own (``zhichan.figures``): see :func:`relations`.
RELATIONS: dict[str, tuple[str, ...]] = {
    "pledge_totals": (),
    "award_winners": (),
    "patent_attribution": (),
    "patent_flags": ("patent_attribution", "pledge_totals", "award_winners"),
    "patent_status": ("patent_flags",),
    "domestic_patents": ("patent_status",),
    "patent_events": ("patent_attribution",),
    "domestic_trademarks": (),
    "geographical_indication_status": (),
    "copyright_registrations": (),
}

#: Per source: the record key (drill-down order) and the holder columns (contributors).
SOURCE_KEYS: dict[str, tuple[str, str, str, str | None]] = {
    # source: (key column, holder key, holder name, holder type)
    "domestic_patents": ("application_number", "first_patentee_key", "first_patentee", "first_patentee_type"),
    "patent_events": ("event_id", "first_patentee_key", "first_patentee", "first_patentee_type"),
    "domestic_trademarks": ("registration_number", "registrant", "registrant", None),
    "geographical_indication_status": ("gi_id", "holder", "holder", None),
    "copyright_registrations": ("registration_number", "owner", "owner", None),
}

#: Columns a drill-down returns per source (the record, the flags that decided it).
DRILL_COLUMNS: dict[str, tuple[str, ...]] = {
    "domestic_patents": (
        "application_number", "title", "kind", "first_patentee", "first_patentee_type", "region_code", "geo",
        "application_date", "grant_date", "lapse_date", "legal_status", "main_ipc", "sei_codes",
        "is_valid", "sei_flag", "overseas_family_flag", "maintained_10y_flag", "pledge_flag",
        "pledge_amount_yuan", "award_flag", "is_high_value", "synthetic",
    ),
    "patent_events": (
        "event_id", "application_number", "event_type", "event_date", "amount_yuan", "party_from", "party_to",
        "title", "kind", "first_patentee", "geo", "synthetic",
    ),
    "domestic_trademarks": (
        "registration_number", "mark_name", "nice_class", "mark_kind", "registrant", "geo", "registration_date",
        "expiry_date", "status", "status_date", "synthetic",
    ),
    "geographical_indication_status": ("gi_id", "name", "gi_type", "holder", "geo", "approval_date", "status", "synthetic"),
    "copyright_registrations": ("registration_number", "work_type", "title", "owner", "geo", "registration_date", "synthetic"),
}


@cache
def relations() -> dict[str, tuple[str, ...]]:
    """Every relation with its dependencies: the corpus relations above, then the domains' (in
    dependency order: a domain relation may read the corpus relations)."""
    merged = dict(RELATIONS)
    for name, relation in domain_relations().items():
        if name in merged:
            raise ValueError(f"relation {name!r} is declared twice")
        merged[name] = relation.depends
    return merged


def source_keys(source: str) -> tuple[str, str, str, str | None]:
    """A source's record key (drill-down order) and holder columns (contributors)."""
    domain = domain_relations().get(source)
    return domain.keys if domain else SOURCE_KEYS[source]


def drill_columns(source: str) -> tuple[str, ...]:
    domain = domain_relations().get(source)
    return domain.drill if domain else DRILL_COLUMNS[source]


@cache
def relation_sql(name: str) -> str:
    """The text of ``sql/<name>.sql`` in this package or the declaring domain's (still with its
    ``${…}`` parameters)."""
    domain = domain_relations().get(name)
    package = domain.package if domain else "zhichan.indicators"
    return resources.files(package).joinpath(f"sql/{name}.sql").read_text("utf-8").strip()


def _closure(names: list[str]) -> list[str]:
    needed: set[str] = set()

    def visit(name: str) -> None:
        if name not in needed:
            needed.add(name)
            for dep in relations()[name]:
                visit(dep)

    for name in names:
        visit(name)
    return [name for name in relations() if name in needed]


def parameters(as_of: dt.date, pledge_threshold_yuan: Decimal | None = None) -> dict[str, str]:
    """The literal values substituted into the SQL for one as-of date."""
    if pledge_threshold_yuan is None:
        from zhichan.settings import get_settings

        pledge_threshold_yuan = get_settings().high_value_pledge_threshold_yuan
    threshold = pledge_threshold_yuan.quantize(Decimal("0.01"))  # the setting's Decimal (zhichan.money), never a float
    return {
        "as_of": as_of.isoformat(),
        "period_start": period_start(as_of).isoformat(),
        "filed_by_10y": filed_by_for_anniversary(as_of, 10).isoformat(),
        "filed_by_15y": filed_by_for_anniversary(as_of, 15).isoformat(),
        "filed_by_20y": filed_by_for_anniversary(as_of, 20).isoformat(),
        "pledge_threshold_yuan": str(threshold),
    }


def with_relations(body: str, relations: list[str], params: dict[str, str]) -> str:
    """``WITH <relations and their dependencies> <body>``, parameters filled in."""
    parts = []
    for name in _closure(relations):
        sql = relation_sql(name).replace("\n", "\n  ")
        parts.append(f"{name} AS (\n  {sql}\n)")
    text = "WITH " + ",\n".join(parts) + "\n" + body
    return Template(text).substitute(params)


# ------------------------------------------------------------------------------------------ indicators

_PATENT_KINDS = (("invention", "发明", "invention"), ("utility_model", "实用新型", "utility-model"),
                 ("design", "外观设计", "design"))

_STOCK: AsOf = "stock"
_FLOW: AsOf = "flow"


def _defs() -> list[IndicatorDef]:
    d: list[IndicatorDef] = []
    src = "domestic_patents"
    # -- 创造: applications and grants (flows, year to date)
    d.append(IndicatorDef(
        "patent_applications", "专利申请量", "Patent applications", "件", "count", _FLOW,
        "国内申请人（第一权利人所在地）当年1月1日至统计日提交的专利申请件数（发明、实用新型、外观设计合计）。",
        "Patent applications (inventions, utility models and designs together) filed by domestic applicants from 1 January "
        "to the statistics date, counted where the first patentee is located.", "创造", src, "filed_in_period"))
    for kind, zh, en in _PATENT_KINDS:
        d.append(IndicatorDef(
            f"{kind}_applications", f"{zh}专利申请量", f"{en.capitalize()} patent applications", "件", "count", _FLOW,
            f"国内申请人当年1月1日至统计日提交的{zh}专利申请件数。",
            f"{en.capitalize()} patent applications filed by domestic applicants from 1 January to the statistics date.", "创造", src,
            f"filed_in_period AND kind = '{kind}'"))
    d.append(IndicatorDef(
        "patent_grants", "专利授权量", "Patent grants", "件", "count", _FLOW,
        "当年1月1日至统计日授权公告的国内专利件数（三种专利合计）。",
        "Domestic patents (all three kinds) whose grant was announced from 1 January to the statistics date.", "创造", src, "granted_in_period"))
    for kind, zh, en in _PATENT_KINDS:
        d.append(IndicatorDef(
            f"{kind}_grants", f"{zh}专利授权量", f"{en.capitalize()} patent grants", "件", "count", _FLOW,
            f"当年1月1日至统计日授权公告的国内{zh}专利件数。",
            f"Domestic {en} patents whose grant was announced from 1 January to the statistics date.", "创造", src,
            f"granted_in_period AND kind = '{kind}'"))
    d.append(IndicatorDef(
        "pct_applications", "PCT国际专利申请量", "PCT international applications", "件", "count", _FLOW,
        "国内申请人当年1月1日至统计日提交的PCT国际专利申请件数（按国际申请日）。",
        "PCT international applications filed by domestic applicants from 1 January to the statistics date (by "
        "international filing date).", "创造", src,
        "pct_filed_in_period"))
    # -- 创造/质量: stocks at the as-of date
    d.append(IndicatorDef(
        "valid_inventions", "有效发明专利拥有量", "Valid invention patents", "件", "count", _STOCK,
        "统计日有效的国内发明专利件数：已授权、未失效（失效日晚于统计日）、未超过20年保护期。",
        "Domestic invention patents in force on the statistics date: granted, not lapsed (a lapse only after the "
        "statistics date) and within their 20-year term.", "创造", src, "is_valid_invention"))
    d.append(IndicatorDef(
        "valid_inventions_per_10k", "每万人口发明专利拥有量", "Valid invention patents per 10,000 people", "件",
        "per_10k", _STOCK,
        "有效发明专利拥有量 ÷（常住人口 ÷ 10000）；常住人口为第七次全国人口普查（2020）数。",
        "Valid invention patents ÷ (resident population ÷ 10,000); the resident population of the Seventh National "
        "Population Census (2020).", "创造", numerator="valid_inventions"))
    d.append(IndicatorDef(
        "high_value_inventions", "高价值发明专利拥有量", "High-value invention patents", "件", "count", _STOCK,
        "统计日有效且满足下列任一条件的国内发明专利：战略性新兴产业；在海外有同族专利权；维持年限超过10年；"
        "实现较高质押融资金额；获得国家科学技术奖或中国专利奖。",
        "Domestic invention patents in force on the statistics date that meet any of these criteria: a strategic emerging "
        "industry; a granted patent of the same family abroad; maintained for more than 10 years; a high pledge-financing "
        "amount; a National Science and Technology Award or a China Patent Award.", "质量", src, "is_high_value"))
    d.append(IndicatorDef(
        "high_value_inventions_per_10k", "每万人口高价值发明专利拥有量",
        "High-value invention patents per 10,000 people", "件", "per_10k", _STOCK,
        "高价值发明专利拥有量 ÷（常住人口 ÷ 10000）；“十四五”规划经济社会发展主要指标。",
        "High-value invention patents ÷ (resident population ÷ 10,000); a main indicator of the 14th Five-Year Plan for "
        "economic and social development.", "质量", numerator="high_value_inventions"))
    d.append(IndicatorDef(
        "high_value_share", "高价值发明专利占比", "High-value share of valid inventions", "%", "share", _STOCK,
        "高价值发明专利拥有量 ÷ 有效发明专利拥有量 × 100（2023年全国为41.5%）。",
        "High-value invention patents ÷ valid invention patents × 100 (41.5 % nationwide in 2023).", "质量",
        numerator="high_value_inventions", denominator="valid_inventions"))
    for flag, zh, en in (
        ("sei_flag", "战略性新兴产业", "strategic emerging industry"),
        ("overseas_family_flag", "海外有同族专利权", "granted overseas family member"),
        ("maintained_10y_flag", "维持年限超过10年", "maintained more than 10 years"),
        ("pledge_flag", "较高质押融资金额", "high pledge financing"),
        ("award_flag", "获国家科学技术奖或中国专利奖", "national S&T award or China Patent Award"),
    ):
        short = flag.removesuffix("_flag")
        d.append(IndicatorDef(
            f"high_value_{short}", f"高价值发明专利（{zh}）", f"High-value inventions: {en}", "件", "count", _STOCK,
            f"统计日有效的国内发明专利中满足“{zh}”条件的件数（一件专利可满足多项条件，各项之和大于高价值总数）。",
            f"Domestic invention patents in force on the statistics date that meet the criterion “{en}” (a patent may meet "
            "several criteria, so the criteria add up to more than the high-value total).", "质量", src, f"is_valid_invention AND {flag}"))
    # -- 运用: transfers, licences, pledges (flows)
    ev = "patent_events"
    d.append(IndicatorDef(
        "patent_transfers", "专利转让次数", "Patent transfers", "次", "count", _FLOW,
        "当年1月1日至统计日登记的国内专利权转让（权利转移）次数，按专利第一权利人所在地归属。",
        "Transfers of domestic patents (changes of owner) recorded from 1 January to the statistics date, counted where "
        "the patent's first patentee is located.", "运用", ev, "event_type = 'transfer'"))
    d.append(IndicatorDef(
        "patent_licences", "专利许可次数", "Patent licences", "次", "count", _FLOW,
        "当年1月1日至统计日备案的国内专利实施许可次数。",
        "Licences of domestic patents recorded from 1 January to the statistics date.", "运用", ev, "event_type = 'licence'"))
    d.append(IndicatorDef(
        "ip_pledge_count", "知识产权质押融资（专利质押件次）", "Patent pledges", "件次", "count", _FLOW,
        "当年1月1日至统计日办理质押登记的国内专利件次（一项合同质押多件专利时每件计一次）。",
        "Domestic patents pledged from 1 January to the statistics date (a contract pledging several patents counts "
        "each of them once).", "运用", ev, "event_type = 'pledge'"))
    d.append(IndicatorDef(
        "ip_pledge_amount", "知识产权质押融资金额（专利数据）", "Patent pledge financing (patent data)", "元", "amount", _FLOW,
        "当年1月1日至统计日登记的国内专利质押融资金额合计（元），取自专利数据中的质押登记事件（国家知识产权局记载的全部"
        "专利质押，不论在何处办理；本平台登记的专利质押待专利数据更新后计入），统计到专利数据截止日。本平台受理的质押登记（含商标、数据知识产权）见"
        "“质押登记主债权金额（本平台登记）”：两者来源、范围和日期不同，数额不必相等。",
        "Pledge financing registered on domestic patents from 1 January to the statistics date, in yuan, from the "
        "pledge events in the patent data (every patent pledge CNIPA recorded, wherever it was filed; "
        "those registered on this platform once the patent data are updated), counted to the "
        "patent data's end. The pledges registered on this platform (trademarks and data IP included) are “Debt "
        "secured by pledges registered on the platform”: the two differ in source, scope and date, so their amounts "
        "need not agree.", "运用", ev,
        "event_type = 'pledge'", amount="amount_yuan"))
    # -- trademarks, geographical indications, copyright
    d.append(IndicatorDef(
        "valid_trademarks", "有效注册商标量", "Registered trademarks in force", "件", "count", _STOCK,
        "统计日有效的国内注册商标件数：已注册、未到期、未被注销/撤销/宣告无效。",
        "Domestic registered trademarks in force on the statistics date: registered, not expired, and not cancelled, "
        "revoked or declared invalid.", "创造", "domestic_trademarks", "is_valid"))
    d.append(IndicatorDef(
        "trademark_registrations", "商标注册量", "Trademark registrations", "件", "count", _FLOW,
        "当年1月1日至统计日核准注册的国内商标件数。",
        "Domestic trademarks registered from 1 January to the statistics date.", "创造", "domestic_trademarks",
        "registered_in_period"))
    d.append(IndicatorDef(
        "geographical_indications", "地理标志总量", "Geographical indications", "件", "count", _STOCK,
        "统计日受保护的地理标志件数（地理标志产品与地理标志商标合计）。",
        "Geographical indications protected on the statistics date (geographical-indication products and marks together).", "创造",
        "geographical_indication_status", "is_protected"))
    d.append(IndicatorDef(
        "gi_products", "地理标志保护产品", "Geographical-indication products", "件", "count", _STOCK,
        "统计日受保护的地理标志保护产品件数。", "Geographical-indication products protected on the statistics date.", "创造",
        "geographical_indication_status", "is_protected AND gi_type = 'product'"))
    d.append(IndicatorDef(
        "gi_marks", "地理标志商标", "Geographical-indication marks", "件", "count", _STOCK,
        "统计日有效的地理标志集体商标、证明商标件数。", "Geographical-indication collective and certification marks in force on the statistics date.", "创造",
        "geographical_indication_status", "is_protected AND gi_type = 'mark'"))
    d.append(IndicatorDef(
        "copyright_registrations", "著作权登记量", "Copyright registrations", "件", "count", _FLOW,
        "当年1月1日至统计日的著作权登记件数（作品与计算机软件合计）。",
        "Copyright registrations (works and computer software together) from 1 January to the statistics date.", "创造", "copyright_registrations", "TRUE"))
    d.append(IndicatorDef(
        "software_copyright_registrations", "软件著作权登记量", "Software copyright registrations", "件", "count",
        _FLOW, "当年1月1日至统计日的计算机软件著作权登记件数。",
        "Computer software copyright registrations from 1 January to the statistics date.", "创造", "copyright_registrations",
        "work_type = 'software'"))
    d.extend(domain_indicators())
    return d


@cache
def indicators() -> dict[str, IndicatorDef]:
    return {ind.code: ind for ind in _defs()}


#: units that are a measure word (件: one of whatever is counted); their label names what the records
#: of the indicator's source are, ``unit.件.<source>`` — patents, trademarks, cases, deals …
COUNTED_UNITS = ("件",)


def unit_key(code: str) -> str:
    """The message key of an indicator's unit: ``unit.<unit>``, or for a measure word
    ``unit.<unit>.<source>`` with the source of the records behind the figure (a ratio's numerator's)."""
    ind = get_indicator(code)
    if ind.unit in COUNTED_UNITS:
        return f"unit.{ind.unit}.{get_indicator(ind.drill_code).source}"
    return f"unit.{ind.unit}"


def figure_text(code: str, value: Figure | None) -> str:
    """An indicator's value as a page shows it, by what it measures, not by the number's type: a count whole
    (1,234), an amount (元, 天) and a ratio with two decimals — an amount of no record (0 from the database) read
    "0 元" beside "10,000.00 元"."""
    if value is None:
        return "—"
    if get_indicator(code).kind == "count":
        return f"{round(value):,}"
    return f"{value:,.2f}"  # an amount of money a Decimal: every fen of it, whatever its size


def figure_shown(code: str, value: Figure | None) -> dict[str, Any]:
    """An indicator's value as the cockpit, region and plan pages show it: ``text``, the message key of its ``unit``
    and, where the text rounds it, the ``exact`` figure (:func:`figure_text`, in 元) for the title beside it. An
    amount of money from 10,000 元 reads in 万元 as a bureau writes it (:func:`zhichan.money.figure_amount`: 6,540.00
    万元, half-up on the second decimal); every other figure as :func:`figure_text` with :func:`unit_key`. The one
    format of a figure on those pages (the ``figure`` macro, ``indicators/_figure.html``); the records page, the exports
    and the API keep the exact value."""
    if value is not None and get_indicator(code).money:
        from zhichan.money import figure_amount

        text, unit = figure_amount(Decimal(value))
        if unit == "wan_yuan":
            return {"text": text, "unit": "unit.万元", "exact": figure_text(code, value)}
    return {"text": figure_text(code, value), "unit": unit_key(code), "exact": None}


def in_points(code: str) -> bool:
    """Whether an indicator's change reads in percentage points: a share (unit %) — a relative change of a share
    (−0.7 % of 41.67 %) reads to a bureau as points."""
    return get_indicator(code).unit == "%"


#: a name's trailing qualifier in full-width brackets: （专利数据）, （本平台登记）
_QUALIFIER = re.compile(r"（[^（）]*）$")


def get_indicator(code: str) -> IndicatorDef:
    """By code or by Chinese name (``每万人口高价值发明专利拥有量``) — also without the qualifier in brackets a name
    carries to tell it from a sibling (``知识产权质押融资金额`` for ``知识产权质押融资金额（专利数据）``, the name plans
    use), where exactly one indicator has it."""
    table = indicators()
    if code in table:
        return table[code]
    name = code.strip()
    for ind in table.values():
        if ind.name_zh == name:
            return ind
    plain = [ind for ind in table.values() if _QUALIFIER.sub("", ind.name_zh) == name]
    if len(plain) == 1:
        return plain[0]
    raise NotFoundError(f"未知指标：{code} / unknown indicator: {code} (see `zhichan indicators list`)")


def base_codes(codes: list[str]) -> list[str]:
    """The additive indicators needed to compute ``codes`` (ratios need their parts)."""
    out: list[str] = []
    for code in codes:
        ind = get_indicator(code)
        parts = [ind.code] if ind.additive else [p for p in (ind.numerator, ind.denominator) if p]
        for part in parts:
            if part not in out:
                out.append(part)
    return out


# ------------------------------------------------------------------------------------------ SQL builders


def _measure(ind: IndicatorDef) -> str:
    if ind.amount:
        return f"coalesce(sum({ind.amount}) FILTER (WHERE {ind.where}), 0)"
    return f"count(*) FILTER (WHERE {ind.where})"


def compute_sql(source: str, codes: list[str], as_of: dt.date, pledge_threshold_yuan: Decimal | None = None) -> str:
    """One scan of ``source``: per attribution key ``geo``, one column per indicator."""
    inds = [get_indicator(c) for c in codes]
    if any(i.source != source for i in inds):
        raise InputError(f"indicators {codes} do not all read {source}")
    columns = ",\n  ".join(f"{_measure(i)} AS {i.code}" for i in inds)
    body = f"SELECT\n  geo,\n  {columns}\nFROM {source}\nGROUP BY geo\nORDER BY geo"
    return with_relations(body, [source], parameters(as_of, pledge_threshold_yuan))


def region_filter(region_code: str) -> str:
    """Prefix match on the attribution key; the nation takes every record. Codes are validated."""
    if region_code == "CN":
        return "TRUE"
    if not region_code.isdigit():
        raise InputError(f"未知的行政区划代码：{region_code!r} / unknown region code: {region_code!r}")
    return f"geo LIKE '{region_code}%'"


def drilldown_sql(code: str, region_code: str, as_of: dt.date, pledge_threshold_yuan: Decimal | None = None,
                  holder: str | None = None) -> str:
    """The records behind ``code`` for a (normalized) region — the same source and predicate; ``holder``: those of
    one holder (its key, as :func:`contributors_sql` ranks it: a holder's contribution, records as the ranking counts)."""
    ind = get_indicator(get_indicator(code).drill_code)
    assert ind.source is not None and ind.where is not None
    key, holder_key, _, _ = source_keys(ind.source)
    cols = ",\n  ".join(drill_columns(ind.source))
    of_holder = "" if holder is None else "\n  AND {} = '{}'".format(holder_key, holder.replace("'", "''"))
    body = (f"SELECT\n  {cols}\nFROM {ind.source}\nWHERE ({ind.where})\n  AND {region_filter(region_code)}{of_holder}\n"
            f"ORDER BY {key}")
    return with_relations(body, [ind.source], parameters(as_of, pledge_threshold_yuan))


def contributors_sql(code: str, region_code: str, as_of: dt.date, limit: int,
                     party_types: tuple[str, ...] | None = None) -> str:
    """Holders ranked by their contribution to ``code`` (records or amount) in a region, each with ``synthetic``
    (it holds synthetic records: a generated party, whatever its name reads like)."""
    ind = get_indicator(get_indicator(code).drill_code)
    assert ind.source is not None and ind.where is not None
    _, holder_key, holder_name, holder_type = source_keys(ind.source)
    type_col = f"min({holder_type})" if holder_type else "CAST(NULL AS VARCHAR)"
    # a holder of synthetic records is a generated party: rankings say so (its name is no real institution's)
    synthetic_col = "bool_or(synthetic)" if "synthetic" in drill_columns(ind.source) else "false"
    measure = f"sum({ind.amount})" if ind.amount else "count(*)"
    where = f"({ind.where})\n  AND {region_filter(region_code)}\n  AND {holder_key} IS NOT NULL"
    if party_types:
        if not holder_type:
            raise InputError(f"{code}: 该指标的权利人没有类型 / this indicator's holders carry no party type")
        types = ", ".join(f"'{t}'" for t in party_types if t.isidentifier())
        where += f"\n  AND {holder_type} IN ({types})"
    body = (f"SELECT\n  {holder_key} AS holder_key,\n  min({holder_name}) AS holder,\n  {type_col} AS holder_type,\n"
            f"  {measure} AS contribution,\n  count(*) AS records,\n  {synthetic_col} AS synthetic\nFROM {ind.source}\nWHERE {where}\n"
            f"GROUP BY {holder_key}\nORDER BY contribution DESC, holder_key\nLIMIT {int(limit)}")
    return with_relations(body, [ind.source], parameters(as_of))


def sources_for(codes: list[str]) -> dict[str, list[str]]:
    """Additive codes grouped by the source they scan (one query per source)."""
    grouped: dict[str, list[str]] = {}
    for code in codes:
        ind = get_indicator(code)
        assert ind.source is not None
        grouped.setdefault(ind.source, []).append(code)
    return grouped


def high_value_flags_sql(as_of: dt.date, pledge_threshold_yuan: Decimal | None = None) -> str:
    body = ("SELECT\n  application_number,\n  sei_flag,\n  overseas_family_flag,\n  maintained_10y_flag,\n"
            "  pledge_flag,\n  award_flag,\n  is_high_value\nFROM patent_status\nWHERE is_valid_invention")
    return with_relations(body, ["patent_status"], parameters(as_of, pledge_threshold_yuan))
