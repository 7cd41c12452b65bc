"""Full recompute of every indicator for every region (~3,000 counties + roll-ups) at one as-of date:
DuckDB vs Spark (local) vs a straightforward pandas implementation, on the synthetic corpus.

    .venv/bin/python benchmarks/indicators_bench.py --patents 1000000 [--engines duckdb,spark,pandas]

The corpus is generated once into ``--data-dir`` (default ``var/bench-indicators-<n>``) and reused.
"Scan" = the engine's queries (one GROUP BY per source) plus the roll-up to every region; "full"
= ``service.compute`` of all indicators for all 3,352 regions including 同比 (two dates), shares
and ranks. The pandas implementation is written independently from the SQL (a cross-check as well
as a baseline); its numbers must equal the engines' exactly, money included: it sums the amounts as the
``Decimal`` objects pyarrow gives for the DECIMAL(18, 2) column, as the engines sum DECIMAL, and the three
agree to the fen with the same types (an amount a Decimal, a count an int).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from zhichan import reference
from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.indicators import registry, service
from zhichan.indicators.dates import filed_by_for_anniversary, period_start
from zhichan.settings import get_settings


def corpus(n: int, seed: int, data_dir: Path) -> Snapshot:
    store = CorpusStore(data_dir / "corpus")
    if store.current_id():
        return store.current()
    from zhichan.corpus.generator import generate

    started = time.perf_counter()
    snap = generate(n, seed, store=store)
    print(f"generated {n:,} patents in {time.perf_counter() - started:.1f} s → {snap.path}")
    return snap


def _read(snap: Snapshot, table: str, columns: list[str]) -> pd.DataFrame:
    return pq.ParquetDataset([str(f) for f in snap.files(table)]).read(columns=columns).to_pandas()


def _geo(df: pd.DataFrame) -> pd.Series:
    return df["region_code"].fillna(df["city_code"]).fillna(df["province_code"]).fillna("")


def pandas_totals(snap: Snapshot, as_of: dt.date) -> dict[str, dict[str, Decimal | int]]:
    """Every additive indicator by region, in plain pandas (independent of the SQL)."""
    d = pd.Timestamp(as_of)
    start = pd.Timestamp(period_start(as_of))
    cut10, cut15, cut20 = (pd.Timestamp(filed_by_for_anniversary(as_of, y)) for y in (10, 15, 20))
    threshold = get_settings().high_value_pledge_threshold_yuan
    p = _read(snap, "patents", ["application_number", "kind", "is_domestic", "region_code", "city_code", "province_code",
                                "application_date", "grant_date", "lapse_date", "status_group", "legal_status_date",
                                "sei_codes", "family_granted_abroad", "pct_application_date"])
    for col in ("application_date", "grant_date", "lapse_date", "legal_status_date", "pct_application_date"):
        p[col] = pd.to_datetime(p[col])
    ev = _read(snap, "events", ["event_id", "application_number", "event_type", "event_date", "amount_yuan", "detail"])
    ev["event_date"] = pd.to_datetime(ev["event_date"])
    # exact amounts: pyarrow gives the DECIMAL(18, 2) column as Decimal objects, summed as such (no float)
    ev["amount_yuan"] = pd.Series([Decimal("0.00") if a is None else Decimal(a) for a in ev.amount_yuan],
                                  index=ev.index, dtype=object)
    pledged = ev[(ev.event_type == "pledge") & (ev.event_date <= d)].groupby("application_number")["amount_yuan"].sum()
    awarded = ev[(ev.event_type == "award") & (ev.event_date <= d)
                 & ev.detail.fillna("").str.match(r"china_patent_award|national_sti_award")]["application_number"]
    p = p[p.is_domestic].copy()
    p["geo"] = _geo(p)
    not_lapsed = np.where(p.lapse_date.notna(), p.lapse_date > d,
                          np.where(p.status_group == "invalid", p.legal_status_date > d, True))
    term_cut = np.where(p.kind == "invention", cut20,
                        np.where((p.kind == "design") & (p.application_date >= pd.Timestamp("2021-06-01")), cut15, cut10))
    p["valid"] = (p.grant_date <= d) & not_lapsed & (p.application_date > pd.Series(term_cut, index=p.index))
    p["vi"] = p.valid & (p.kind == "invention")
    p["sei"] = p.sei_codes.map(lambda c: c is not None and len(c) > 0)
    p["overseas"] = p.family_granted_abroad.fillna(False).astype(bool)
    p["ten"] = p.application_date <= cut10
    p["pledge"] = p.application_number.map(pledged).fillna(0) >= threshold
    p["award"] = p.application_number.isin(set(awarded))
    p["hv"] = p.vi & (p.sei | p.overseas | p.ten | p.pledge | p.award)
    p["filed"] = p.application_date.between(start, d)
    p["granted"] = p.grant_date.between(start, d)
    out = pd.DataFrame({"geo": p.geo})
    out["patent_applications"] = p.filed
    out["patent_grants"] = p.granted
    for kind in ("invention", "utility_model", "design"):
        out[f"{kind}_applications"] = p.filed & (p.kind == kind)
        out[f"{kind}_grants"] = p.granted & (p.kind == kind)
    out["pct_applications"] = p.pct_application_date.between(start, d)
    out["valid_inventions"] = p.vi
    out["high_value_inventions"] = p.hv
    for flag, name in (("sei", "sei"), ("overseas", "overseas_family"), ("ten", "maintained_10y"),
                       ("pledge", "pledge"), ("award", "award")):
        out[f"high_value_{name}"] = p.vi & p[flag]
    frames = [out.groupby("geo").sum()]

    e = ev[ev.event_date.between(start, d)].merge(p[["application_number", "geo"]], on="application_number")
    ef = pd.DataFrame({"geo": e.geo, "patent_transfers": e.event_type == "transfer",
                       "patent_licences": e.event_type == "licence", "ip_pledge_count": e.event_type == "pledge",
                       "ip_pledge_amount": e.amount_yuan.where(e.event_type == "pledge", 0).fillna(0)})
    frames.append(ef.groupby("geo").sum())

    t = _read(snap, "trademarks", ["is_domestic", "region_code", "city_code", "province_code", "registration_date",
                                   "expiry_date", "status", "status_date"])
    t = t[t.is_domestic].copy()
    for col in ("registration_date", "expiry_date", "status_date"):
        t[col] = pd.to_datetime(t[col])
    ended = t.status.isin(["cancelled", "invalidated", "expired"])
    end_date = t.status_date.fillna(t.expiry_date)
    valid = (t.registration_date <= d) & (t.expiry_date.isna() | (t.expiry_date > d)) & (~ended | (end_date > d))
    frames.append(pd.DataFrame({"geo": _geo(t), "valid_trademarks": valid.fillna(False),
                                "trademark_registrations": t.registration_date.between(start, d)}).groupby("geo").sum())

    g = _read(snap, "geographical_indications", ["gi_type", "region_code", "city_code", "province_code",
                                                 "approval_date", "status"])
    prot = (pd.to_datetime(g.approval_date) <= d) & (g.status == "protected")
    frames.append(pd.DataFrame({"geo": _geo(g), "geographical_indications": prot,
                                "gi_products": prot & (g.gi_type == "product"),
                                "gi_marks": prot & (g.gi_type == "mark")}).groupby("geo").sum())

    c = _read(snap, "copyrights", ["work_type", "region_code", "city_code", "province_code", "registration_date"])
    c = c[c.region_code.notna() | c.city_code.notna() | c.province_code.notna()]
    in_period = pd.to_datetime(c.registration_date).between(start, d)
    frames.append(pd.DataFrame({"geo": _geo(c), "copyright_registrations": in_period,
                                "software_copyright_registrations": in_period & (c.work_type == "software")}
                               ).groupby("geo").sum())

    totals: dict[str, dict[str, Decimal | int]] = {}
    for frame in frames:
        codes = list(frame.columns)
        for geo, *values in frame.itertuples(name=None):
            for region in service.rollup_keys(str(geo)):
                bucket = totals.setdefault(region, {})
                for code, value in zip(codes, values, strict=True):
                    bucket[code] = bucket.get(code, 0) + (Decimal(value) if code == "ip_pledge_amount" else int(value))
    return totals


def engine_run(snap: Snapshot, engine: str, as_of: dt.date, regions: list[str]) -> tuple[float, float, dict]:
    service._CACHE.clear()
    started = time.perf_counter()
    totals = service.all_totals(snap, as_of, engine)
    scan = time.perf_counter() - started
    service._CACHE.clear()
    started = time.perf_counter()
    service.compute(None, regions, as_of, snapshot=snap, engine=engine)
    full = time.perf_counter() - started
    return scan, full, totals


def compare(a: dict, b: dict, label: str) -> None:
    codes = [c for c, i in registry.indicators().items() if i.additive]
    mismatches = []
    for region in set(a) | set(b):
        for code in codes:
            x, y = a.get(region, {}).get(code, 0), b.get(region, {}).get(code, 0)
            same = x == y  # exactly, money to the fen
            if not same:
                mismatches.append((region, code, x, y))
    status = "identical" if not mismatches else f"{len(mismatches)} DIFFERENCES, e.g. {mismatches[:3]}"
    print(f"  {label}: {status}")
    if mismatches:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patents", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2023-12-31")
    parser.add_argument("--engines", default="duckdb,spark,pandas")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="DuckDB runs (best of)")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    snap = corpus(args.patents, args.seed, args.data_dir or Path("var") / f"bench-indicators-{args.patents}")
    regions = [reference.NATION, *reference.all_provinces(), *reference.all_cities(), *reference.all_counties()]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"DuckDB threads {get_settings().duckdb_threads}")
    print(f"corpus: {snap.counts}  as of {as_of}; {len(regions):,} regions x {len(registry.indicators())} indicators")
    engines = args.engines.split(",")
    results: dict[str, tuple[float, float | None]] = {}
    reference_totals = None
    if "duckdb" in engines:
        runs = [engine_run(snap, "duckdb", as_of, regions) for _ in range(args.repeat)]
        results["duckdb"] = (min(r[0] for r in runs), min(r[1] for r in runs))
        reference_totals = runs[0][2]
    if "spark" in engines:
        from zhichan.indicators.engines import spark_session

        started = time.perf_counter()
        spark_session()
        print(f"  spark start-up: {time.perf_counter() - started:.1f} s")
        first = engine_run(snap, "spark", as_of, regions)
        second = engine_run(snap, "spark", as_of, regions)
        results["spark (first run)"] = first[:2]
        results["spark"] = second[:2]
        if reference_totals is not None:
            compare(reference_totals, second[2], "spark vs duckdb")
    if "pandas" in engines:
        started = time.perf_counter()
        totals = pandas_totals(snap, as_of)
        results["pandas"] = (time.perf_counter() - started, None)
        if reference_totals is not None:
            compare(reference_totals, totals, "pandas vs duckdb")
    print(f"\n{'engine':<20}{'scan + roll-up (s)':>20}{'full compute incl. 同比 (s)':>30}")
    for name, (scan, full) in results.items():
        print(f"{name:<20}{scan:>20.2f}{'' if full is None else f'{full:.2f}':>30}")


if __name__ == "__main__":
    main()
