"""Hand-built corpora for the indicator tests; expected counts are written by hand in each test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, event, patent, record

_serial = count(1)

D = dt.date(2023, 12, 31)


def inv(name: str, **fields: Any) -> dict[str, Any]:
    """A granted domestic invention in 成都市武侯区 (510107) with no high-value criterion.

    ``ipc=[]`` keeps the SEI concordance out of it: ``sei_codes`` is set by hand where a test wants it.
    ``name`` goes into the title so failures say which patent.
    """
    fields.setdefault("ipc", [])
    fields.setdefault("application_date", "2019-03-01")
    fields.setdefault("applicants", ["成都示例科技有限公司"])
    year = str(fields["application_date"])[:4]
    number = f"{year}1{fields.pop('serial', None) or next(_serial):07d}"
    return patent(number, title=f"{name} 一种测试装置", **fields)


@pytest.fixture(autouse=True)
def _numbers_from_one() -> None:
    """Each test numbers its patents from 1: a corpus built the same for many tests (``regional_corpus``, a module's
    own) then has the same rows each time, and ``build_snapshot`` copies its first build instead of writing it again
    (~0.15 CPU-s a build). Numbers were unique across the tests of a worker before; nothing relied on that."""
    global _serial
    _serial = count(1)


def foreign(name: str, **fields: Any) -> dict[str, Any]:
    return inv(name, region_code=None, is_domestic=False, applicant_country="US",
               applicants=["Example Corp."], applicant_types=["enterprise"], **fields)


def by_title(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["title"].split(" ")[0]: row for row in rows}


@pytest.fixture
def high_value_corpus(tmp_path: Path) -> tuple[Snapshot, dict[str, dict[str, Any]]]:
    """Each high-value criterion alone, in combination and at its boundary (as of 2023-12-31)."""
    p = {
        "A_sei": inv("A_sei", sei_codes=["1.1"], application_date="2018-03-01"),
        "B_overseas": inv("B_overseas", family_granted_abroad=True),
        "C_ten_years_exactly": inv("C_ten_years_exactly", application_date="2013-12-31"),
        "D_ten_years_minus_a_day": inv("D_ten_years_minus_a_day", application_date="2014-01-01"),
        "E_pledge_at_threshold": inv("E_pledge_at_threshold"),
        "F_pledge_below": inv("F_pledge_below"),
        "G_pledge_after": inv("G_pledge_after"),
        "H_award": inv("H_award"),
        "I_award_after": inv("I_award_after"),
        "J_other_award": inv("J_other_award"),
        "K_all_five": inv("K_all_five", sei_codes=["5.2"], family_granted_abroad=True, application_date="2010-05-01"),
        "L_lapsed_day_before": inv("L_lapsed_day_before", sei_codes=["1.1"], legal_status="lapsed_unpaid",
                                   grant_date="2021-03-01", lapse_date="2023-12-30"),
        "M_lapsed_on_the_day": inv("M_lapsed_on_the_day", sei_codes=["1.1"], legal_status="lapsed_unpaid",
                                   grant_date="2021-03-01", lapse_date="2023-12-31"),
        "N_granted_after": inv("N_granted_after", sei_codes=["1.1"], grant_date="2024-01-02"),
        "O_utility_model": inv("O_utility_model", kind="utility_model", sei_codes=["1.1"]),
        "P_lapsed_later_no_date": inv("P_lapsed_later_no_date", sei_codes=["1.1"], legal_status="lapsed_unpaid",
                                      grant_date="2021-03-01", legal_status_date="2024-03-01"),
        "Q_foreign": foreign("Q_foreign", sei_codes=["1.1"]),
        "R_plain": inv("R_plain"),
        "S_two_criteria": inv("S_two_criteria", sei_codes=["3.1"], family_granted_abroad=True),
        "T_term_over": inv("T_term_over", sei_codes=["1.1"], application_date="2003-06-01", grant_date="2006-01-01"),
    }
    an = {k: v["application_number"] for k, v in p.items()}
    events = [
        event(an["E_pledge_at_threshold"], "pledge", "2021-05-01", amount_yuan=Decimal("6000000"), party_to="成都银行"),
        event(an["E_pledge_at_threshold"], "pledge", "2022-05-01", amount_yuan=Decimal("4000000"), party_to="成都银行"),
        event(an["F_pledge_below"], "pledge", "2022-05-01", amount_yuan=Decimal("9999999.99"), party_to="成都银行"),
        event(an["G_pledge_after"], "pledge", "2024-01-05", amount_yuan=Decimal("20000000"), party_to="成都银行"),
        event(an["H_award"], "award", "2022-11-01", detail="china_patent_award:gold"),
        event(an["I_award_after"], "award", "2024-06-01", detail="national_sti_award:second"),
        event(an["J_other_award"], "award", "2022-11-01", detail="provincial_patent_award:gold"),
        event(an["K_all_five"], "pledge", "2019-01-01", amount_yuan=Decimal("15000000"), party_to="成都银行"),
        event(an["K_all_five"], "award", "2020-12-01", detail="national_sti_award:first"),
    ]
    snap = build_snapshot(tmp_path, patents=list(p.values()), events=events)
    return snap, p


@pytest.fixture
def regional_corpus(tmp_path: Path) -> Snapshot:
    """Flows and stocks in 武侯区, 锦江区, a record known only to city level, Beijing and abroad."""
    wuhou, jinjiang, chaoyang = "510107", "510104", "110105"
    patents = [
        # 2023 filings (in the 2023 year-to-date) — 武侯区: 2 inventions, 1 utility model, 1 design
        inv("w1", region_code=wuhou, application_date="2023-02-01", legal_status="under_examination",
            pct_application_number="PCT/CN2023/000001", pct_application_date="2023-03-01"),
        inv("w2", region_code=wuhou, application_date="2023-06-30", legal_status="published"),
        inv("w3", region_code=wuhou, kind="utility_model", application_date="2023-01-10", grant_date="2023-07-01"),
        inv("w4", region_code=wuhou, kind="design", application_date="2023-12-31", legal_status="published"),
        # a 2024 filing: after the as-of date
        inv("w5", region_code=wuhou, application_date="2024-01-01", legal_status="published"),
        # valid inventions granted 2022 (counted in 2022 grants, valid stock in both years)
        inv("w6", region_code=wuhou, application_date="2020-05-01", grant_date="2022-05-01", sei_codes=["1.1"]),
        inv("w7", region_code=wuhou, application_date="2020-05-01", grant_date="2023-05-01"),
        # 锦江区: one 2022 filing, one valid invention granted 2023
        inv("j1", region_code=jinjiang, application_date="2022-03-01", legal_status="published"),
        inv("j2", region_code=jinjiang, application_date="2021-01-01", grant_date="2023-02-01", sei_codes=["2.1"]),
        # known only to city level (成都市): counts for 5101, 51, CN but for no county
        inv("c1", region_code=None, city_code="5101", province_code="51", application_date="2021-01-01",
            grant_date="2023-03-01"),
        # Beijing: one valid high-value invention, one 2023 filing
        inv("b1", region_code=chaoyang, application_date="2019-01-01", grant_date="2021-01-01",
            family_granted_abroad=True, applicants=["北京示例有限公司"]),
        inv("b2", region_code=chaoyang, application_date="2023-04-01", legal_status="published",
            applicants=["北京示例有限公司"]),
        # abroad: never counted
        foreign("f1", application_date="2023-02-01", grant_date="2023-06-01"),
    ]
    an = {row["title"].split(" ")[0]: row["application_number"] for row in patents}
    events = [
        event(an["w6"], "transfer", "2023-03-01", party_from="成都示例科技有限公司", party_to="成都乙公司"),
        event(an["w6"], "transfer", "2022-03-01", party_from="成都丙公司", party_to="成都示例科技有限公司"),
        event(an["w7"], "licence", "2023-08-01", party_from="成都示例科技有限公司", party_to="成都丁公司"),
        event(an["w7"], "pledge", "2023-09-01", amount_yuan=Decimal("3000000"), party_to="成都银行"),
        event(an["j2"], "pledge", "2023-10-01", amount_yuan=Decimal("2500000.5"), party_to="成都银行"),
        event(an["j2"], "pledge", "2022-10-01", amount_yuan=Decimal("1000000"), party_to="成都银行"),
        event(an["b1"], "pledge", "2024-02-01", amount_yuan=Decimal("9000000"), party_to="北京银行"),
        event(an["f1"], "pledge", "2023-05-01", amount_yuan=Decimal("50000000"), party_to="外资银行"),
    ]
    trademarks = [
        record("trademarks", registration_number="T1", mark_name="甲", registrant="成都示例科技有限公司", is_geographical_indication=False,
               region_code=wuhou, registration_date="2015-01-01", expiry_date="2025-01-01", status="registered"),
        record("trademarks", registration_number="T2", mark_name="乙", registrant="成都示例科技有限公司", is_geographical_indication=False,
               region_code=wuhou, registration_date="2023-05-01", expiry_date="2033-05-01", status="registered"),
        record("trademarks", registration_number="T3", mark_name="丙", registrant="成都乙公司", is_geographical_indication=False,
               region_code=jinjiang, registration_date="2010-01-01", expiry_date="2020-01-01", status="expired",
               status_date="2020-07-01"),
        record("trademarks", registration_number="T4", mark_name="丁", registrant="成都乙公司", is_geographical_indication=False,
               region_code=jinjiang, registration_date="2016-01-01", expiry_date="2026-01-01", status="cancelled",
               status_date="2023-06-01"),
        record("trademarks", registration_number="T5", mark_name="戊", registrant="Example Corp.", is_geographical_indication=False,
               region_code=None, is_domestic=False, registration_date="2016-01-01", expiry_date="2026-01-01",
               status="registered"),
    ]
    gis = [
        record("geographical_indications", gi_id="G1", name="郫县豆瓣", gi_type="product", region_code="510117",
               approval_date="2005-01-01", status="protected"),
        record("geographical_indications", gi_id="G2", name="蒲江雀舌", gi_type="mark", region_code="510131",
               approval_date="2023-07-01", status="protected"),
        record("geographical_indications", gi_id="G3", name="撤销示例", gi_type="mark", region_code="510131",
               approval_date="2010-07-01", status="revoked"),
    ]
    return build_snapshot(tmp_path, patents=patents, events=events, trademarks=trademarks,
                          geographical_indications=gis)


# ------------------------------------------------------------------------------------------ random corpus

_PLACES = ["510107", "510104", "510112", "510117", "510131", "110105", "110108", "320102", "320583",
           "440305", "440106", "330106", "650102", "542621"]


def _random_corpus_tables(seed: int = 7, n: int = 1500) -> dict[str, list[dict[str, Any]]]:
    """A seeded random corpus that exercises the edges (leap days, missing dates, thresholds, nulls).

    Built with the corpus test helpers, not the synthetic generator: its job is to make the two
    engines disagree if any dialect translation is wrong.
    """
    import random

    rng = random.Random(seed)
    start = dt.date(2001, 1, 1)
    special_days = [dt.date(2004, 2, 29), dt.date(2012, 2, 29), dt.date(2013, 12, 31), dt.date(2020, 2, 29),
                    dt.date(2010, 2, 28), dt.date(2023, 1, 1)]
    patents, events = [], []
    for i in range(n):
        app = rng.choice(special_days) if rng.random() < 0.08 else start + dt.timedelta(days=rng.randrange(8600))
        kind = rng.choices(["invention", "utility_model", "design"], [0.5, 0.35, 0.15])[0]
        where = rng.random()
        place: dict[str, Any]
        if where < 0.08:
            place = {"region_code": None, "is_domestic": False, "applicant_country": "JP"}
        elif where < 0.11:
            place = {"region_code": None, "city_code": rng.choice(["5101", "3205"]), "province_code": None}
            place["province_code"] = place["city_code"][:2]
        elif where < 0.12:
            place = {"region_code": None, "is_domestic": True, "applicant_country": "CN"}
        else:
            place = {"region_code": rng.choice(_PLACES)}
        fate = rng.random()
        fields: dict[str, Any] = {"kind": kind, "application_date": app, **place}
        grant = app + dt.timedelta(days=rng.randrange(150, 1600))
        if fate < 0.55:
            fields.update(legal_status="granted", grant_date=grant)
        elif fate < 0.75:
            lapse = grant + dt.timedelta(days=rng.randrange(1, 4000))
            fields.update(legal_status="lapsed_unpaid", grant_date=grant,
                          lapse_date=lapse if rng.random() < 0.8 else None,
                          legal_status_date=lapse if rng.random() < 0.5 else None)
        elif fate < 0.88:
            fields.update(legal_status="under_examination")
        else:
            fields.update(legal_status="rejected", legal_status_date=app + dt.timedelta(days=900))
        if rng.random() < 0.3:
            fields["sei_codes"] = [rng.choice(["1.1", "1.2", "3.1", "5.2", "7.1"])]
        if rng.random() < 0.06:
            fields["family_granted_abroad"] = True
        if rng.random() < 0.06:
            fields.update(pct_application_number=f"PCT/CN{app.year}/{i:06d}",
                          pct_application_date=app + dt.timedelta(days=rng.randrange(0, 365)))
        holder = rng.choice(["成都甲科技有限公司", "南京乙大学", "深圳丙股份有限公司", "王五", "北京丁研究院"])
        row = inv(f"r{i}", applicants=[holder], serial=9_000_000 + i, **fields)
        patents.append(row)
        an = row["application_number"]
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            when = app + dt.timedelta(days=rng.randrange(100, 6000))
            etype = rng.choice(["transfer", "licence", "pledge", "pledge", "award", "pledge_release"])
            amount = rng.choice([Decimal("10000000"), Decimal("9999999.99"), Decimal("3333333.33"), Decimal("12500000"),
                                 Decimal("250000.5"), None])
            detail = rng.choice(["china_patent_award:gold", "national_sti_award:second", "provincial_award", None])
            events.append(event(an, etype, None if rng.random() < 0.03 else when,
                                amount_yuan=amount if etype == "pledge" else None,
                                detail=detail if etype == "award" else None, party_to=f"银行{i % 7}"))
    # term compensations (专利法 第四十二条第二款): inventions whose statutory term ended in 2023, before the as-of
    # date of the engine test, kept valid by a compensation in days or to a last day; one compensation too short,
    # one that cannot be read (the term unknown: not valid after the statutory end)
    for serial, detail in ((9_100_001, "专利权期限补偿，补偿天数：400天"), (9_100_002, "专利权期限补偿 届满日：2024-02-01"),
                           (9_100_003, "专利权期限补偿，补偿天数：30天"), (9_100_004, "专利权期限补偿（详见公告）")):
        row = inv(f"comp{serial}", serial=serial, application_date="2003-05-01", grant_date="2008-01-01",
                  sei_codes=["1.1"], region_code="510107")
        patents.append(row)
        events.append(event(row["application_number"], "legal_status_change", "2008-03-01", detail=detail))
    trademarks = []
    for i in range(300):
        reg = start + dt.timedelta(days=rng.randrange(8600))
        status = rng.choice(["registered", "registered", "expired", "cancelled", "invalidated"])
        trademarks.append(record(
            "trademarks", registration_number=f"TM{i}", mark_name=f"标{i}", registrant=f"商标人{i % 11}",
            is_geographical_indication=rng.random() < 0.02, region_code=rng.choice([*_PLACES, None]),
            is_domestic=None if rng.random() < 0.9 else False, registration_date=reg,
            expiry_date=reg + dt.timedelta(days=3652), status=status,
            status_date=(reg + dt.timedelta(days=rng.randrange(100, 5000))) if status != "registered" and rng.random() < 0.8 else None))
    gis = [record("geographical_indications", gi_id=f"GI{i}", name=f"地标{i}", gi_type=rng.choice(["product", "mark"]),
                  holder=f"协会{i % 3}", region_code=rng.choice(_PLACES),
                  approval_date=start + dt.timedelta(days=rng.randrange(8600)),
                  status=rng.choice(["protected", "protected", "revoked"])) for i in range(40)]
    copyrights = [record("copyrights", registration_number=f"CR{i}", work_type=rng.choice(["software", "work"]),
                         title=f"作品{i}", owner=f"著作权人{i % 5}", region_code=rng.choice([*_PLACES, None]),
                         registration_date=start + dt.timedelta(days=rng.randrange(8600))) for i in range(200)]
    return {"patents": patents, "events": events, "trademarks": trademarks, "geographical_indications": gis,
            "copyrights": copyrights}


@pytest.fixture(scope="session")
def random_corpus(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The synthetic generator's corpus (5,000 patents) plus the seeded edge cases, in one snapshot."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from zhichan.corpus.generator import generate
    from zhichan.corpus.schema import IMPORTED_TABLES, TABLES
    from zhichan.corpus.store import CorpusStore

    generated = generate(5_000, seed=3, store=CorpusStore(tmp_path_factory.mktemp("generated") / "corpus"),
                         as_of=dt.date(2024, 12, 31))
    edges = _random_corpus_tables()
    store = CorpusStore(tmp_path_factory.mktemp("random_corpus") / "corpus")
    with store.writer() as writer:
        for table in IMPORTED_TABLES:
            for file in generated.files(table):
                writer.write(table, pq.read_table(file))
            if edges.get(table):
                writer.write(table, pa.Table.from_pylist(edges[table], schema=TABLES[table][0]))
        return writer.commit({"source": "test"})


@pytest.fixture(scope="session")
def generated_corpus(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The synthetic national corpus, 20,000 patents as of end-2023 (the 41.5 % calibration point): the corpus
    of the search tests' ``segmented`` index, generated once per run (``tests.helpers.generated_snapshot``)."""
    from tests.helpers import generated_snapshot

    return generated_snapshot(tmp_path_factory, 20_000, 1, dt.date(2023, 12, 31))


@pytest.fixture(scope="session")
def spark():
    """One SparkSession for the whole test session (start-up ≈ 6 s), stopped at the end."""
    from zhichan.indicators import engines

    session = engines.spark_session()  # its settings for the tests: tests/conftest.py
    yield session
    session.stop()
    engines.spark_session.cache_clear()
