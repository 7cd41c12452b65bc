"""Calibration targets and model parameters of the synthetic corpus, each with its source.

Everything the generator draws from is declared here, so that ``docs/synthetic-corpus.md`` and
the calibration tests can name one place. Official figures come from the CNIPA tables shipped in
``zhichan/reference/data/official_stats/`` (loaded below, not copied) and from the published
figures quoted in ``../shared/data/README.md``; the rest are stated assumptions.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

from zhichan.reference._data import open_text

FIRST_YEAR = 2000

# ----------------------------------------------------------------------------------------------
# Volumes by application year and kind (thousands of records, domestic applicants).
#
# The *shape* of the growth curve follows CNIPA's annual reports (rounded; only the 2023 row is a
# cited calibration target: 1.68M invention applications, 2.09M utility models and 0.79M designs
# — utility-model and design records in a database are the granted ones, so their volume follows
# grants). Years after 2023 are assumptions (flat). The corpus draws application years in
# proportion to these rows; records not yet published at ``as_of`` are drawn again, so the last
# ~18 months thin out as in a real database.
# ----------------------------------------------------------------------------------------------
DOMESTIC_VOLUME_K: dict[int, tuple[float, float, float]] = {
    # year: (invention, utility_model, design)
    2000: (26, 54, 38),
    2001: (30, 54, 43),
    2002: (40, 57, 50),
    2003: (57, 68, 62),
    2004: (66, 70, 66),
    2005: (93, 78, 72),
    2006: (122, 106, 90),
    2007: (153, 148, 118),
    2008: (195, 175, 130),
    2009: (229, 202, 200),
    2010: (293, 342, 318),
    2011: (416, 405, 360),
    2012: (535, 567, 452),
    2013: (705, 686, 398),
    2014: (801, 699, 346),
    2015: (968, 869, 464),
    2016: (1205, 897, 430),
    2017: (1246, 967, 426),
    2018: (1394, 1463, 517),
    2019: (1244, 1574, 539),
    2020: (1345, 2369, 732),
    2021: (1428, 3000, 786),
    2022: (1465, 2800, 721),
    2023: (1680, 2090, 790),
    2024: (1700, 2050, 780),
    2025: (1700, 2000, 780),
}
KIND_MIX_TARGET_2023 = {"invention": 1680 / 4560, "utility_model": 2090 / 4560, "design": 790 / 4560}

#: Records of applicants from outside the mainland, relative to domestic ones, by kind
#: (assumption: foreign invention filings ≈ 10 % of domestic ones in the 2010s-2020s; 4.991M valid
#: inventions incl. foreign vs 4.015M domestic at end-2023 means ≈ 20 % of valid inventions are
#: foreign-owned, their grant rate and survival being higher).
FOREIGN_RATIO = {"invention": 0.14, "utility_model": 0.008, "design": 0.04}
FOREIGN_COUNTRIES = {  # share of non-mainland records (assumption, order of CNIPA's foreign filers)
    "JP": 0.30, "US": 0.26, "DE": 0.10, "KR": 0.09, "TW": 0.07, "FR": 0.04, "CH": 0.035,
    "NL": 0.025, "GB": 0.025, "SE": 0.02, "HK": 0.015, "IT": 0.01, "MO": 0.001, "FI": 0.009,
}

# ----------------------------------------------------------------------------------------------
# Legal status and survival
# ----------------------------------------------------------------------------------------------
#: Outcome of examined domestic invention applications (assumption; CNIPA's invention grant rate
#: has been around 50-60 % of closed cases). Foreign applications: higher grant rate.
#: Grant probability of domestic invention applications by filing year (assumption shaped to
#: CNIPA's grants: domestic invention grants ≈ 0.36M in 2019 against ≈ 1.2-1.4M applications of
#: 2016-2018 (the subsidy-driven filing wave, many deemed withdrawn), ≈ 55 % for recent years).
INVENTION_GRANT_RATE = {2000: 0.58, 2010: 0.55, 2013: 0.42, 2016: 0.34, 2019: 0.40, 2021: 0.52, 2023: 0.56, 2025: 0.56}
#: Of the applications not granted, the share rejected (the rest is withdrawn or deemed withdrawn).
INVENTION_REJECT_SHARE = 0.45
INVENTION_GRANT_RATE_FOREIGN = 0.70
#: Mean months from filing to the examination decision by filing year (CNIPA reports an invention
#: examination period of ~22 months around 2017 and 16 months in 2023; assumption in between).
INVENTION_PENDENCY_MONTHS = {2000: 40, 2008: 36, 2012: 32, 2016: 28, 2019: 26, 2021: 22, 2023: 20, 2025: 19}
UTILITY_PENDENCY_MONTHS = {2000: 12, 2010: 9, 2018: 7, 2021: 9, 2023: 7, 2025: 6}
DESIGN_PENDENCY_MONTHS = {2000: 10, 2010: 7, 2018: 5, 2023: 5, 2025: 4}
#: Share of utility models given up on the day the twin invention is granted (同日申请, 放弃实用新型).
UTILITY_ABANDON_SHARE = 0.01
#: Share of granted patents later invalidated in full (CNIPA closed 7.7k invalidation cases in 2023,
#: about half ending in full invalidity).
INVALIDATED_SHARE = {"invention": 0.0015, "utility_model": 0.002, "design": 0.002}

#: Protection terms in years; designs filed on/after 2021-06-01 get 15 years (专利法第四次修正).
TERM_YEARS = {"invention": 20, "utility_model": 10, "design": 10}
DESIGN_15_YEARS_FROM = dt.date(2021, 6, 1)

#: Annual probability that a granted patent lapses for unpaid annuity in its n-th year from
#: filing (index 1..20; assumption shaped to CNIPA's figures: ≈ 0.79M of 4.76M valid domestic
#: inventions maintained over 10 years at end-2024, and the 41.5 % high-value share).
LAPSE_HAZARD: dict[str, list[float]] = {
    #            1     2     3     4     5     6     7     8     9     10    11    12    13    14    15    16    17    18    19    20
    "invention": [0.0, 0.02, 0.05, 0.07, 0.09, 0.10, 0.10, 0.09, 0.08, 0.07, 0.06, 0.06, 0.06, 0.06, 0.07, 0.07, 0.08, 0.08, 0.09, 0.09],
    "utility_model": [0.0, 0.04, 0.14, 0.20, 0.22, 0.22, 0.22, 0.22, 0.22, 0.22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "design": [0.0, 0.13, 0.27, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0.30, 0, 0, 0, 0, 0],
}
FOREIGN_HAZARD_FACTOR = 0.55  # foreign-owned patents are maintained longer (assumption)
UNIVERSITY_HAZARD_FACTOR = 1.35  # university patents lapse sooner (assumption; 沉睡专利)

# ----------------------------------------------------------------------------------------------
# High-value criteria (SYSTEM.md M2) — official: 1.665M of 4.015M valid domestic inventions = 41.5 %
# at end-2023; end-2024: 1.978M of 4.756M (41.6 %), 1.349M SEI inventions, 0.793M maintained > 10 years.
# ----------------------------------------------------------------------------------------------
HIGH_VALUE_SHARE_TARGET = 1_665_000 / 4_015_000
SEI_SHARE_TARGET_2024 = 1_349_000 / 4_756_000
OVER_10_YEARS_SHARE_TARGET_2024 = 793_000 / 4_756_000
VALID_DOMESTIC_INVENTIONS_2023 = 4_015_000
VALID_DOMESTIC_INVENTIONS_2024 = 4_756_000
VALID_DOMESTIC_DESIGNS_2023 = 3_115_376  # CNIPA 2023 table 3-7
#: Probability that the main IPC of an invention is drawn among the subgroups that the SEI
#: concordance maps (tuning parameter for the SEI share above).
SEI_BIAS = {"invention": 0.40, "utility_model": 0.0, "design": 0.0}
#: Domestic inventions with a granted family member abroad (assumption; PCT filings ≈ 4-5 % of
#: domestic invention filings per table 6-4, Paris-route filings add to that).
FAMILY_ABROAD_PCT = 0.55  # share of PCT-origin inventions that get a foreign grant
FAMILY_ABROAD_OTHER = 0.015  # share of other granted domestic inventions filed abroad via Paris
#: Domestic PCT filings per domestic invention filing, nationally (table 6-4: 68,780 in 2023
#: against 1.68M applications ≈ 4.1 %); per-province rates follow table 6-4 (see pct_rate_by_province).
PCT_RATE_2023 = 68_780 / 1_680_000

# ----------------------------------------------------------------------------------------------
# Transactions (per valid patent-year; intensity grows over calendar years)
# ----------------------------------------------------------------------------------------------
#: 0.613M transfer and licence recordals in 2024 (CNIPA, ../shared/data/README.md) against ~25M
#: patents in force of all kinds (assumption: ~5.6M invention incl. foreign, ~16M utility, ~3.4M
#: design) ≈ 2.4 % per valid patent-year in 2024; licences ≈ 8 % of those (assumption).
TRANSFER_RATE_2024 = {"invention": 0.038, "utility_model": 0.020, "design": 0.018}
LICENCE_RATE_2024 = {"invention": 0.0045, "utility_model": 0.0012, "design": 0.0008}
#: Pledges: 2021: 309.8 billion yuan, 17k pledge projects; 2022: 486.9 billion (patent + trademark,
#: CNIPA press). Assumption: ~80 % of the amount is patent pledges, ~6 patents per project.
PLEDGE_RATE_2024 = {"invention": 0.012, "utility_model": 0.006, "design": 0.001}
PLEDGE_AMOUNT_MEDIAN_YUAN = 2_500_000.0  # amount attributed to one patent of a pledge contract
PLEDGE_AMOUNT_SIGMA = 1.25
#: Relative intensity of transactions by calendar year (pledges grew ≥ 40 % a year 2020-2022).
TRANSFER_GROWTH = {2000: 0.05, 2005: 0.12, 2010: 0.30, 2015: 0.55, 2019: 0.80, 2021: 0.90, 2024: 1.0, 2025: 1.0}
PLEDGE_GROWTH = {2000: 0.0, 2008: 0.01, 2012: 0.05, 2016: 0.12, 2019: 0.25, 2020: 0.35, 2021: 0.5, 2022: 0.72, 2023: 1.0, 2025: 1.1}

# ----------------------------------------------------------------------------------------------
# Awards (national; scaled to the corpus): China Patent Award ≈ 30-40 gold, ~60 silver, ~800
# excellence a year recently (fewer before 2015); National S&T awards ≈ 250 projects a year,
# each citing a handful of patents.
# ----------------------------------------------------------------------------------------------
CHINA_PATENT_AWARDS_PER_YEAR = {  # year: (gold, silver, excellence)
    2000: (10, 0, 100), 2009: (20, 0, 300), 2013: (20, 0, 500), 2016: (25, 50, 700), 2019: (30, 60, 800), 2025: (40, 60, 800),
}
NATIONAL_STI_PATENTS_PER_YEAR = 1200
#: Probability that a granted domestic patent wins a China Patent Award within 1-5 years of grant
#: (tuned to ≈ 900 awards a year nationally; universities and institutes ×2), level mix
#: gold 4.5 %, silver 7 %, excellence 88.5 %; National S&T award citations likewise.
CHINA_PATENT_AWARD_P = {"invention": 0.0016, "utility_model": 0.00008, "design": 0.00015}
NATIONAL_STI_P = 0.0035

# ----------------------------------------------------------------------------------------------
# Applicants
# ----------------------------------------------------------------------------------------------
#: First-applicant type by kind (design: CNIPA 2023 table 3-7, designs in force: enterprises
#: 66.1 %, universities 1.7 %, institutes 0.2 %, public institutions 0.3 %, individuals 31.7 %;
#: inventions: enterprises hold 71.2 % of valid domestic inventions at end-2023 — applications by
#: universities and individuals weigh more than their share of valid patents; utility: assumption).
APPLICANT_TYPE_MIX = {
    "invention": {"enterprise": 0.66, "university": 0.22, "institute": 0.05, "individual": 0.06, "government": 0.01},
    "utility_model": {"enterprise": 0.80, "university": 0.05, "institute": 0.01, "individual": 0.13, "government": 0.01},
    "design": {"enterprise": 0.661, "university": 0.017, "institute": 0.002, "individual": 0.317, "government": 0.003},
}
#: Share of records with a second applicant (assumption).
CO_APPLICANT_SHARE = {"invention": 0.12, "utility_model": 0.06, "design": 0.03}
#: Share of records filed through a patent agency (assumption: ~80 % for domestic filings).
AGENCY_SHARE = {"invention": 0.85, "utility_model": 0.75, "design": 0.70}
#: Average records per applicant in the pool (controls how many distinct applicants exist).
RECORDS_PER_APPLICANT = {"enterprise": 9.0, "university": 180.0, "institute": 60.0, "individual": 1.6, "government": 25.0}
#: Pareto shape of applicant sizes within a province (smaller = heavier tail: a few big holders).
APPLICANT_PARETO_SHAPE = {"enterprise": 1.3, "university": 1.3, "institute": 1.4, "individual": 3.0, "government": 1.5}

#: IPC section mix of main classifications (assumption shaped to CNIPA's invention grants:
#: G and H lead, then A, B, C).
SECTION_MIX = {
    "invention": {"A": 0.12, "B": 0.15, "C": 0.14, "D": 0.01, "E": 0.04, "F": 0.08, "G": 0.28, "H": 0.18},
    "utility_model": {"A": 0.15, "B": 0.26, "C": 0.02, "D": 0.02, "E": 0.09, "F": 0.15, "G": 0.18, "H": 0.13},
}
#: Subclasses that carry much more filing than an average one (assumption, CNIPA's top fields).
POPULAR_SUBCLASSES = {
    "G06F": 12, "G06Q": 6, "G06N": 5, "G06T": 6, "G06V": 4, "H04L": 8, "H04W": 6, "H04N": 5, "H01L": 7,
    "H01M": 7, "H02J": 5, "A61K": 8, "A61B": 6, "A61P": 5, "G01N": 8, "G01R": 4, "B65G": 4, "B01D": 5,
    "C12N": 4, "C08L": 4, "C07D": 4, "C02F": 4, "B23K": 3, "F16K": 3, "G05B": 5, "B29C": 3, "C04B": 4,
    "A01G": 3, "A23L": 4, "H05K": 3, "E04B": 3, "E21B": 3, "B60L": 4, "G01S": 4, "B33Y": 2, "H10K": 3,
}

#: Cities the plans and demos look at (成都, 郑州, 杭州, 泰安, 西宁): each gets at least this share of
#: the domestic records, so that a small demo corpus still has something to show for them (a
#: deliberate departure from the regional calibration for 泰安 and 西宁; documented).
FOCUS_CITIES = ("5101", "4101", "3301", "3709", "6301")
FOCUS_CITY_FLOOR = 0.004
#: Cities with a higher floor: 泰安 is the home region of two example chains (新材料, 智能制造装备)
#: and would hold only ~80 records of a 20,000-record demo corpus at 0.4 %.
FOCUS_CITY_FLOOR_OF = {"3709": 0.008}
#: Cities every county of which holds a floor of valid inventions however small the corpus: the demo's city (成都,
#: zhichan.platform.orgs.DEMO_CITY), whose district bureau and cockpit show each county's 每万人口高价值发明专利拥有量
#: — a 20,000-patent draw placed its 12 high-value inventions in 7 of its 20 counties, and 武侯区's officer read 0.00.
DISTRICT_FLOOR_CITIES = ("5101",)
#: Per county of those cities: one enterprise of the county (beside the pool, never drawn by the national mix) holds
#: this many domestic inventions valid at ``as_of``: the first filed 11–15 years before it (high-value by criterion 3,
#: 维持年限超过 10 年), the second 5–8 years before. A fixed number of records, whatever the size — 40 for 成都's 20
#: counties: 2 % of a 2,000-patent corpus, 0.2 % of the 20,000 demo, 0.07 % of the 60,000 calibration corpus.
DISTRICT_FLOOR_INVENTIONS = 2
#: Industries of the home regions of the shipped example chains (zhichan/navigation/chains):
#: this share of the city's applicants works in one of the industries (each equally likely; the
#: subclass by its usual weight), the rest follow the national mix — so the chains analysed for
#: 成都 (新能源汽车, 集成电路, 生物医药, 新一代信息技术) and 泰安 (新材料, 智能制造装备) find patents
#: there. Assumption after the cities' declared leading industries (成都: electronic information,
#: biomedicine, new-energy vehicles; 泰安: glass fibre, gypsum building materials, mining equipment).
REGIONAL_FIELDS: dict[str, tuple[float, tuple[tuple[str, ...], ...]]] = {
    "5101": (0.7, (("H01M", "B60L", "B60W", "H02K", "H02P"),  # 新能源汽车
                   ("H01L", "H03K", "H03F", "G11C", "H05K", "H10D"),  # 集成电路
                   ("A61K", "A61P", "C07D", "C07K", "C12N", "A61B", "A61M"),  # 生物医药
                   ("G06F", "G06N", "G06V", "H04L", "H04W", "H04B", "G09G", "H10K"))),  # 新一代信息技术
    "3709": (0.8, (("C03B", "C03C", "C04B", "C08L", "C08J", "C08K", "B32B", "C22C", "B22F", "C01B"),  # 新材料
                   ("B25J", "B23Q", "B23B", "B33Y", "G05B", "B65G", "E21D", "E21C", "G01M"))),  # 智能制造装备
}

#: Trademarks, geographical indications and copyright registrations per patent record (documented
#: in docs/synthetic-corpus.md; ratios of CNIPA/NCAC yearly figures: 4.38M trademarks registered and
#: 6.43M works + 2.50M software copyrights registered in 2023 against ~4.6M patent records).
TRADEMARKS_PER_PATENT = 0.5
COPYRIGHTS_PER_PATENT = 0.25
GI_PER_PATENT = 0.002
GI_MIN = 40


def _read_tsv(rel: str) -> list[dict[str, str]]:
    with open_text(rel) as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


#: Province names as written in the CNIPA tables → 2-digit codes.
PROVINCE_CODES = {
    "北京": "11", "天津": "12", "河北": "13", "山西": "14", "内蒙古": "15", "辽宁": "21", "吉林": "22",
    "黑龙江": "23", "上海": "31", "江苏": "32", "浙江": "33", "安徽": "34", "福建": "35", "江西": "36",
    "山东": "37", "河南": "41", "湖北": "42", "湖南": "43", "广东": "44", "广西": "45", "海南": "46",
    "重庆": "50", "四川": "51", "贵州": "52", "云南": "53", "西藏": "54", "陕西": "61", "甘肃": "62",
    "青海": "63", "宁夏": "64", "新疆": "65",
}


def _shares(values: dict[str, float]) -> dict[str, float]:
    total = sum(values.values())
    return {k: v / total for k, v in values.items()}


@lru_cache(maxsize=1)
def design_in_force_2023() -> dict[str, float]:
    """Province → share of domestic designs in force at end-2023 (CNIPA 2023 table 3-7)."""
    rows = _read_tsv("official_stats/cnipa_2023_table3-7_design_in_force_by_region.tsv")
    return _shares({PROVINCE_CODES[r["region_zh"]]: float(r["total"]) for r in rows if r["region_zh"] in PROVINCE_CODES})


@lru_cache(maxsize=1)
def pct_2023() -> dict[str, float]:
    """Province → share of domestic PCT applications received in 2023 (CNIPA 2023 table 6-4)."""
    rows = _read_tsv("official_stats/cnipa_2023_table6-4_pct_received_by_region.tsv")
    return _shares({PROVINCE_CODES[r["region_zh"]]: float(r["y2023"]) for r in rows if r["region_zh"] in PROVINCE_CODES})


@lru_cache(maxsize=1)
def in_force_2009() -> dict[str, dict[str, float]]:
    """Kind → province → share of domestic patents in force at end-2009 (CNIPA 2009 table 2)."""
    rows = _read_tsv("official_stats/cnipa_2009_domestic_in_force_by_kind_region.tsv")
    out = {}
    for kind, col in (("invention", "invention"), ("utility_model", "utility_model"), ("design", "design")):
        out[kind] = _shares({PROVINCE_CODES[r["region_zh"]]: float(r[col]) for r in rows if r["region_zh"] in PROVINCE_CODES})
    return out


@lru_cache(maxsize=1)
def province_weights() -> dict[str, dict[str, float]]:
    """Kind → province → share of domestic records.

    - design: CNIPA 2023 table 3-7 (designs in force by region), used as is;
    - invention: the mean of the 2009 invention-in-force shares, the 2023 PCT shares and the 2023
      design shares (no 2023 invention table by region ships; this blend puts Guangdong, Beijing,
      Jiangsu, Shanghai, Zhejiang, Shandong first, as CNIPA's recent tables do);
    - utility model: the mean of the 2009 utility-in-force shares and the 2023 design shares.
    """
    d23, p23, f09 = design_in_force_2023(), pct_2023(), in_force_2009()
    provinces = sorted(PROVINCE_CODES.values())
    inv = _shares({p: (f09["invention"][p] + p23[p] + d23[p]) / 3 for p in provinces})
    um = _shares({p: (f09["utility_model"][p] + d23[p]) / 2 for p in provinces})
    return {"invention": inv, "utility_model": um, "design": dict(d23)}


def interp_by_year(table: Mapping[int, float], years):
    import numpy as np

    xs = np.array(sorted(table), dtype=float)
    ys = np.array([table[int(x)] for x in xs], dtype=float)
    return np.interp(np.asarray(years, dtype=float), xs, ys)
