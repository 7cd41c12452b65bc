"""Flows, stocks, roll-ups, 同比, share of parent and rank on a hand-built corpus (counts by hand)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.indicators.conftest import D, inv
from zhichan import reference
from zhichan.corpus.testing import build_snapshot, event
from zhichan.errors import InputError, NotFoundError
from zhichan.indicators import registry, service


def values(snap, codes, region, as_of=D):
    return {v.code: v for v in service.compute(codes, [region], as_of, snapshot=snap)}


def test_patent_flows_in_the_year_to_date_by_region(regional_corpus):
    codes = ["patent_applications", "invention_applications", "utility_model_applications", "design_applications",
             "patent_grants", "invention_grants", "utility_model_grants", "pct_applications"]
    expected = {
        # 武侯区: w1 w2 (inventions), w3 (utility model), w4 (design, filed on the as-of date); w5 is 2024
        "510107": [4, 2, 1, 1, 2, 1, 1, 1],
        "510104": [0, 0, 0, 0, 1, 1, 0, 0],  # j1 was filed in 2022; j2 granted 2023-02-01
        "5101": [4, 2, 1, 1, 4, 3, 1, 1],  # + c1, known only to city level (granted 2023)
        "51": [4, 2, 1, 1, 4, 3, 1, 1],
        "11": [1, 1, 0, 0, 0, 0, 0, 0],
        "CN": [5, 3, 1, 1, 4, 3, 1, 1],  # the foreign f1 counts nowhere
    }
    for region, numbers in expected.items():
        got = values(regional_corpus, codes, region)
        assert [got[c].value for c in codes] == numbers, region


def test_stocks_events_trademarks_and_gis(regional_corpus):
    codes = ["valid_inventions", "high_value_inventions", "patent_transfers", "patent_licences", "ip_pledge_count",
             "ip_pledge_amount", "valid_trademarks", "trademark_registrations", "geographical_indications",
             "gi_products", "gi_marks"]
    got = values(regional_corpus, codes, "5101")
    assert {c: got[c].value for c in codes} == {
        "valid_inventions": 4, "high_value_inventions": 2, "patent_transfers": 1, "patent_licences": 1,
        "ip_pledge_count": 2, "ip_pledge_amount": 5_500_000.5, "valid_trademarks": 2, "trademark_registrations": 1,
        "geographical_indications": 2, "gi_products": 1, "gi_marks": 1,
    }
    nation = values(regional_corpus, codes, "CN")
    assert nation["valid_inventions"].value == 5
    assert nation["high_value_inventions"].value == 3
    assert nation["ip_pledge_amount"].value == 5_500_000.5  # the foreign patent's pledge is not counted
    assert nation["valid_trademarks"].value == 2


def test_year_on_year_share_of_parent_and_rank(regional_corpus):
    wuhou = values(regional_corpus, ["valid_inventions", "patent_transfers"], "510107")
    v = wuhou["valid_inventions"]
    assert (v.value, v.previous_value, v.yoy_change, v.yoy_change_pct) == (2, 1, 1, 100.0)
    assert v.share_of_parent == 0.5  # of 成都市's 4
    assert (v.rank, v.rank_of) == (1, len(reference.children("5101")))
    assert (v.region_name, v.level, v.parent_code) == ("武侯区", "county", "5101")
    t = wuhou["patent_transfers"]  # 2023 year to date vs 2022 year to date: one each
    assert (t.value, t.previous_value, t.yoy_change, t.yoy_change_pct) == (1, 1, 0, 0.0)

    jinjiang = values(regional_corpus, ["valid_inventions", "ip_pledge_amount"], "510104")
    assert jinjiang["valid_inventions"].rank == 2
    amount = jinjiang["ip_pledge_amount"]
    assert (amount.value, amount.previous_value) == (2_500_000.5, 1_000_000.0)
    assert amount.yoy_change_pct == pytest.approx(150.00005)

    sichuan = values(regional_corpus, ["valid_inventions"], "510000")["valid_inventions"]
    assert sichuan.region_code == "51" and sichuan.share_of_parent == 0.8 and (sichuan.rank, sichuan.rank_of) == (1, 31)
    nation = values(regional_corpus, ["valid_inventions"], "CN")["valid_inventions"]
    assert (nation.share_of_parent, nation.rank, nation.parent_code) == (None, None, None)


#: beyond a float's fen: a float holds 90,071,992,547,409.93 and .94 as the same number (…409.9375), 2⁵³ fen being
#: 90,071,992,547,409.92 yuan
BIG = Decimal("90071992547409.93")


def test_an_amount_is_exact_through_sums_ranks_shares_and_year_on_year(tmp_path):
    """An amount indicator is the Decimal of its records' exact sum in every region, ranked, shared and compared with
    the year before to the fen — as a float the two districts one fen apart tied, and 同比 read 0.015625 yuan."""
    wuhou, jinjiang = inv("w", region_code="510107", grant_date="2020-01-01"), inv("j", region_code="510104", grant_date="2020-01-01")
    half = Decimal("45035996273704.96")
    snap = build_snapshot(tmp_path, patents=[wuhou, jinjiang], events=[
        event(wuhou["application_number"], "pledge", "2023-03-01", amount_yuan=half, party_to="甲银行"),
        event(wuhou["application_number"], "pledge", "2023-04-01", amount_yuan=BIG - half, party_to="乙银行"),
        event(jinjiang["application_number"], "pledge", "2023-05-01", amount_yuan=BIG + Decimal("0.01"), party_to="甲银行"),
        event(wuhou["application_number"], "pledge", "2022-05-01", amount_yuan=BIG - Decimal("0.01"), party_to="甲银行")])
    got = {v.region_code: v for v in service.compute_level("ip_pledge_amount", "county", D, parent="5101", snapshot=snap)}
    w, j = got["510107"], got["510104"]
    assert (w.value, j.value) == (BIG, BIG + Decimal("0.01")) and type(w.value) is Decimal
    assert (j.rank, w.rank, w.rank_tied) == (1, 2, 1)  # one fen apart: not tied
    assert (w.previous_value, w.yoy_change) == (BIG - Decimal("0.01"), Decimal("0.01"))
    assert w.yoy_change_pct == pytest.approx(100 * 0.01 / 90071992547409.92) and isinstance(w.yoy_change_pct, float)
    assert j.yoy_change_pct is None  # nothing the year before
    assert got["510112"].value == Decimal("0.00") and type(got["510112"].value) is Decimal  # no record: 0.00 yuan
    assert w.share_of_parent == pytest.approx(0.5) and isinstance(w.share_of_parent, float)  # a ratio, not money
    [city] = service.compute(["ip_pledge_amount"], ["5101"], D, snapshot=snap)
    assert city.value == Decimal("180143985094819.87") and registry.figure_text(city.code, city.value) == \
        "180,143,985,094,819.87"
    assert service.trend("ip_pledge_amount", "510107", [2022, 2023], snapshot=snap) == [
        (dt.date(2022, 12, 31), BIG - Decimal("0.01")), (dt.date(2023, 12, 31), BIG)]
    # counts stay whole numbers
    assert service.compute(["ip_pledge_count"], ["5101"], D, snapshot=snap)[0].value == 3


def test_ratios_are_not_additive(regional_corpus):
    got = values(regional_corpus, ["valid_inventions_per_10k", "high_value_share"], "5101")
    assert got["valid_inventions_per_10k"].value == pytest.approx(4 / (reference.population("5101") / 10_000))
    assert got["valid_inventions_per_10k"].share_of_parent is None
    assert got["high_value_share"].value == pytest.approx(50.0)
    empty = values(regional_corpus, ["high_value_share"], "510112")["high_value_share"]
    assert empty.value is None  # no valid inventions: no share, rather than 0 %


def test_compute_level_for_a_choropleth(regional_corpus):
    rows = service.compute_level("valid_inventions", "county", D, parent="5101", snapshot=regional_corpus)
    assert [r.region_code for r in rows] == reference.children("5101")
    assert sum(r.value for r in rows) == 3  # c1 has no county
    provinces = service.compute_level("high_value_inventions", "province", D, snapshot=regional_corpus)
    assert len(provinces) == 31
    assert {r.region_code: r.value for r in provinces if r.value} == {"11": 1, "51": 2}


def test_trend_by_year_end(regional_corpus):
    assert service.trend("valid_inventions", "5101", range(2021, 2024), snapshot=regional_corpus) == [
        (dt.date(2021, 12, 31), 0), (dt.date(2022, 12, 31), 1), (dt.date(2023, 12, 31), 4)]


def test_drilldown_of_a_flow_and_an_amount(regional_corpus):
    table = service.drilldown("ip_pledge_amount", "5101", D, snapshot=regional_corpus)
    assert table.num_rows == 2
    assert sum(float(a) for a in table.column("amount_yuan").to_pylist()) == 5_500_000.5
    grants = service.drilldown("patent_grants", "CN", D, snapshot=regional_corpus)
    assert sorted(r["title"].split(" ")[0] for r in grants.to_pylist()) == ["c1", "j2", "w3", "w7"]


def test_every_figure_says_whose_records_it_counts():
    """A figure reading the platform's exported records is a platform figure (counted to today by default), one
    reading only the patent data a corpus figure (counted to the data end); a ratio's parts are of its source."""
    from zhichan.figures import workflow_tables

    platform_tables = set(workflow_tables())
    for ind in service.list_indicators():
        if not ind.additive:
            parts = [registry.get_indicator(p) for p in (ind.numerator, ind.denominator) if p]
            assert {p.data_source for p in parts} == {ind.data_source}, ind.code
            continue
        assert ind.source is not None
        reads = {t for name in registry._closure([ind.source])
                 for t in re.findall(r"\b(?:FROM|JOIN)\s+([a-z_0-9]+)", registry.relation_sql(name), re.I)}
        assert ind.data_source == ("platform" if reads & platform_tables else "corpus"), ind.code
    assert registry.get_indicator("talent_in_library").data_source == "platform"
    assert registry.get_indicator("ip_pledge_amount").data_source == "corpus"
    assert registry.get_indicator("finance_pledge_secured_amount").data_source == "platform"
    # the two pledge amounts side by side say where each comes from, and that they need not agree
    patent_data, registered = registry.get_indicator("ip_pledge_amount"), registry.get_indicator("finance_pledge_secured_amount")
    assert "专利数据" in patent_data.name_zh and "patent data" in patent_data.name_en
    assert "本平台登记" in registered.name_zh and "on the platform" in registered.name_en
    for ind in (patent_data, registered):
        assert "数额不必相等" in ind.definition and "need not agree" in ind.definition_en


def test_every_indicator_is_documented_and_declared_once():
    inds = service.list_indicators()
    assert len({i.code for i in inds}) == len(inds)
    text = (Path(__file__).resolve().parents[2] / "docs" / "indicators.md").read_text("utf-8")
    for ind in inds:
        assert ind.name_zh and ind.name_en and ind.definition and ind.unit
        assert f'id="{ind.code}"' in text, f"docs/indicators.md lacks {ind.code}"
        if ind.additive:
            assert ind.source in registry.relations() and ind.where
        else:
            assert registry.get_indicator(str(ind.numerator)).additive


def test_every_definition_reads_as_prose_for_a_bureau():
    """The indicator pages show the definition in the page's language. The English ones had named table columns and
    codes ("domestic patent records with application_date in the year to date", "the records of valid_inventions",
    "sum of cycle_days"): each reads as a sentence a bureau reads, as the Chinese one does, and neither names a
    column, a relation, a flag or another indicator by its code."""
    for ind in service.list_indicators():
        for text in (ind.definition, ind.definition_en):
            # no snake_case identifier (application_date, valid_inventions, in_library) nor a dotted code
            # (protection.complaint), in either language
            assert not re.search(r"[A-Za-z]\w*_\w+|\b[a-z]+\.[a-z_]+\b", text), (ind.code, text)
        english = ind.definition_en
        assert english[0].isupper() and english.endswith((".", ")")), (ind.code, english)
        assert "the records of" not in english and "year to date" not in english, (ind.code, english)


def test_bad_input_gets_a_clear_error(regional_corpus):
    with pytest.raises(NotFoundError, match="unknown indicator"):
        service.compute(["no_such_thing"], ["51"], D, snapshot=regional_corpus)
    with pytest.raises(InputError, match="unknown region"):
        service.compute(["valid_inventions"], ["999999"], D, snapshot=regional_corpus)
    assert registry.get_indicator("每万人口高价值发明专利拥有量").code == "high_value_inventions_per_10k"


def _share_tolerance() -> float:
    from zhichan.corpus.generator import calibration

    # the generator's own calibration test allows ±3 percentage points (tests/corpus)
    return float(getattr(calibration, "HIGH_VALUE_SHARE_TOLERANCE", 0.03))


@pytest.mark.slow
def test_national_high_value_share_on_the_synthetic_corpus(generated_corpus):
    from zhichan.corpus.generator import calibration

    got = {v.code: v.value for v in service.compute(["high_value_share", "valid_inventions"], ["CN"], D,
                                                    snapshot=generated_corpus)}
    assert got["valid_inventions"] > 1_000
    assert got["high_value_share"] / 100 == pytest.approx(calibration.HIGH_VALUE_SHARE_TARGET, abs=_share_tolerance())


@pytest.mark.slow
def test_per_10k_on_the_synthetic_corpus_uses_its_scale(generated_corpus):
    scale = service.population_scale(generated_corpus)
    assert 0 < scale < 0.05  # 20,000 patents stand for the nation's tens of millions
    [v] = service.compute(["high_value_inventions_per_10k"], ["CN"], D, snapshot=generated_corpus)
    [n] = service.compute(["high_value_inventions"], ["CN"], D, snapshot=generated_corpus)
    assert v.value == pytest.approx(n.value / (reference.population("CN") * scale / 10_000))
    assert v.synthetic is True
    assert 8 < v.value < 16  # national 11.8 at end-2023, within the generator's tolerances


def test_a_plan_names_an_indicator_without_the_qualifier_that_tells_it_from_a_sibling():
    """The pledge amounts are named by where they come from (知识产权质押融资金额（专利数据）): a plan naming the
    indicator as plans do (知识产权质押融资金额) still finds it; a base name two indicators share finds neither."""
    assert registry.get_indicator("知识产权质押融资金额").code == "ip_pledge_amount"
    assert registry.get_indicator("质押登记主债权金额").code == "finance_pledge_secured_amount"
    assert registry.get_indicator("交易签约量").code == "exchange_deals_contracted"  # a name of its own wins over a base name
    with pytest.raises(NotFoundError):
        registry.get_indicator("高价值发明专利")  # the base of several (战略性新兴产业, 海外有同族专利权 …)
