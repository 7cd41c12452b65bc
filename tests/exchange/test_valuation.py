"""专利价值评估 (SQLite and PostgreSQL): the indicator set as data (the platform's default, a bureau's own,
a broken one refused), the value degree with contributions adding up and hand-computed differences, the
income, market and cost approaches by hand, the report in DOCX and PDF, and a deal priced by
大数据系统估价 within a valuation's range."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.exchange.conftest import Exchange
from tests.exchange.helpers import TODAY, moment
from tests.procedures.helpers import pdf
from zhichan.errors import FormError, NotFoundError
from zhichan.exchange import valuation
from zhichan.exchange.deals import PROCEDURE as DEAL
from zhichan.exchange.models import Deal, Valuation
from zhichan.platform.db import session_scope
from zhichan.reports import render

MODEL = valuation.load_model()


def _value(ex: Exchange, name: str = "ok", who: str = "ent_user", scenario: str = "licensing", **inputs: str) -> Valuation:
    with session_scope(ex.world.engine) as s:
        row = valuation.evaluate(s, ex.world.scope(who), ex.snapshot, MODEL, number=ex.numbers[name],
                                 scenario=scenario, inputs=inputs, now=moment())
        s.flush()
        s.expunge(row)
        return row


def test_the_default_set_has_the_standards_structure_and_a_broken_file_is_refused() -> None:
    assert [d.key for d in MODEL.dimensions] == ["legal", "technical", "economic"]
    assert set(MODEL.scenarios) == set(valuation.SCENARIOS)
    text = valuation.DEFAULT_MODEL.read_text(encoding="utf-8")
    with pytest.raises(valuation.ModelError, match="sum to 1"):
        valuation.parse_model(text.replace('legal: "0.3", technical: "0.3", economic: "0.4"',
                                           'legal: "0.5", technical: "0.3", economic: "0.4"'))
    with pytest.raises(valuation.ModelError, match="unknown signal"):
        valuation.parse_model(text.replace("signal: forward_citations", "signal: vibes"))


def test_contributions_add_up_and_differences_are_as_computed_by_hand(exchange: Exchange) -> None:
    with session_scope(exchange.world.engine) as s:
        ok = valuation.patent_signals(s, exchange.snapshot, exchange.numbers["ok"], TODAY)
        exclusive = valuation.patent_signals(s, exchange.snapshot, exchange.numbers["exclusive"], TODAY)
    # filed 2018-03-10: term to 2038-03-09, 12.0 years left on 2026-03-02 → 100 × 12 / 15 = 80
    assert ok["remaining_years"] == 12.0 and ok["in_force"] and not ok["exclusive_licence_now"]
    scored = valuation.value_degree(MODEL, "licensing", ok)
    assert sum(Decimal(x["contribution"]) for x in scored["lines"]) == Decimal(scored["degree"])
    line = next(x for x in scored["lines"] if x["indicator"] == "remaining_term")
    assert (line["score"], line["contribution"]) == ("80.00", "5.7600")  # 0.3 × 0.4 × 0.6 × 80
    # an exclusive licence in force: encumbrance 100 → 20 (−0.3 × 0.2 × 0.5 × 80 = −2.4), and one recorded
    # licence: market 0 → 50 (+0.4 × 0.7 × 0.4 × 50 = +5.6)
    other = valuation.value_degree(MODEL, "licensing", exclusive)
    assert Decimal(other["degree"]) - Decimal(scored["degree"]) == Decimal("3.2")
    # a bureau's own weights change the degree (and the digest)
    text = valuation.DEFAULT_MODEL.read_text(encoding="utf-8").replace(
        'legal: "0.3", technical: "0.3", economic: "0.4"', 'legal: "0.6", technical: "0.2", economic: "0.2"')
    bureau = valuation.parse_model(text)
    assert bureau.digest != MODEL.digest
    assert valuation.value_degree(bureau, "licensing", ok)["degree"] != scored["degree"]


def test_the_income_approach_by_hand() -> None:
    result = valuation.income_approach(Decimal(1_000_000), Decimal(5), Decimal(10), 3, Decimal(0))
    # 50,000 / 1.1 + 50,000 / 1.21 + 50,000 / 1.331
    assert result["point"] == "124342.60"
    assert [y["present"] for y in result["years"]] == ["45454.55", "41322.31", "37565.74"]
    assert Decimal(result["low"]) < Decimal(result["point"]) < Decimal(result["high"])  # 12 % and 8 %
    assert valuation.income_approach(Decimal(1_000_000), Decimal(5), Decimal(8), 3, Decimal(0))["point"] == \
        result["high"]


def test_a_valuation_is_stored_with_its_factors_and_its_range(exchange: Exchange) -> None:
    ex = exchange
    with pytest.raises(FormError) as info:
        _value(ex, annual_revenue="很多", discount_rate="120", years="30")
    assert set(info.value.errors) == {"annual_revenue", "discount_rate", "years"}
    with pytest.raises(FormError, match="不在有效期"):
        _value(ex, "invalidated", annual_revenue="1000000")
    row = _value(ex, annual_revenue="2000000", rd_cost="1500000")
    data = valuation.as_dict(row)
    income, cost = data["approaches"]["income"], data["approaches"]["cost"]
    # no share rate given: the suggestion 1 % + 4 % × degree / 100; 10 years (12 left, at most 10)
    assert income["inputs"]["share_rate"] == str(valuation.suggested_share(row.degree))
    assert income["inputs"]["share_rate_suggested"] and income["inputs"]["years"] == 10
    # 1,500,000 × 12.0 / 20
    assert (cost["remaining_share"], cost["point"]) == ("0.6000", "900000.00")
    assert "market" not in data["approaches"]  # no deal on the platform yet
    assert row.low_yuan == min(Decimal(income["low"]), Decimal(cost["low"]))
    assert row.high_yuan == max(Decimal(income["high"]), Decimal(cost["high"]))
    with session_scope(ex.world.engine) as s:  # another organization does not see it
        with pytest.raises(NotFoundError):
            valuation.get(s, ex.world.scope("jinjiang_officer"), row.id)
        assert valuation.get(s, ex.world.scope("wuhou_officer"), row.id).id == row.id


def _deal(ex: Exchange, name: str, price: str, method: str = "评估定价", **extra: str) -> dict:
    fields = {"patent_number": ex.numbers[name], "buyer": "某受让企业", "pricing_method": method,
              "trading_mode": "协议交易", "deal_kind": "转让", "price": price} | extra
    with session_scope(ex.world.engine) as s:
        return ex.world.service.start(s, ex.world.scope("ent_user"), DEAL, fields=fields, now=moment())


def test_the_market_approach_scales_comparable_deals_by_degree(exchange: Exchange) -> None:
    ex = exchange
    case = _deal(ex, "sole", "800000")
    with session_scope(ex.world.engine) as s:
        ex.world.service.act(s, ex.world.scope("ent_user"), case["id"], "sign", version=1,
                             fields={"contract_on": "2026-03-02", "contract_price": "1000000"},
                             uploads=(pdf("doc0", "合同.pdf"),), now=moment())
    row = _value(ex)
    market = valuation.as_dict(row)["approaches"]["market"]
    with session_scope(ex.world.engine) as s:
        theirs = valuation.value_degree(MODEL, "licensing", valuation.patent_signals(s, ex.snapshot, ex.numbers["sole"], TODAY))
    expected = (Decimal(1_000_000) * row.degree / Decimal(theirs["degree"])).quantize(Decimal("0.01"))
    assert [(d["number"], d["price"], d["adjusted"]) for d in market["deals"]] == \
        [(ex.numbers["sole"], "1000000.00", str(expected))]
    assert (row.low_yuan, row.high_yuan) == (expected, expected)


def test_a_deal_priced_by_the_system_valuation_stays_in_its_range(exchange: Exchange) -> None:
    ex = exchange
    row = _value(ex, annual_revenue="2000000", share_rate="5", discount_rate="10", years="5")
    assert row.low_yuan is not None and row.high_yuan is not None
    method = "大数据系统估价"
    with pytest.raises(FormError) as info:
        _deal(ex, "ok", "400000", method)
    assert "valuation_id" in info.value.errors
    with pytest.raises(FormError, match="区间"):
        _deal(ex, "ok", str(row.high_yuan + 1), method, valuation_id=str(row.id))
    with pytest.raises(FormError, match="不是本单位"):
        _deal(ex, "pledged", str(row.low_yuan), method, valuation_id=str(row.id), pledgee_consent="是")
    _deal(ex, "ok", str(row.low_yuan), method, valuation_id=str(row.id))
    with session_scope(ex.world.engine) as s:
        assert s.scalar(select(Deal.valuation_id)) == row.id


def test_the_report_is_written_in_its_reader_s_language(exchange: Exchange) -> None:
    """The report was one bilingual text whatever the language asked for: an English reader got Chinese headings,
    labels and sentences (年收入 … 元，分成率 …, 是 / yes), a Chinese one English halves after every label."""
    import re

    from tests.helpers import docx_text, pdf_text

    row = _value(exchange, annual_revenue="2000000", rd_cost="500000")
    for lang in ("zh", "en"):
        doc = valuation.report(row, lang)
        for text in (pdf_text(render(doc, "pdf")), docx_text(render(doc, "docx"))):
            # the patent's title is data, in the language it was filed in; the indicator set's digest is hex
            data = text.replace(row.title, "").replace(row.model_digest, "")
            if lang == "en":
                assert not re.search(r"[\u4e00-\u9fff]", data), re.findall(r".{0,20}[\u4e00-\u9fff]+.{0,20}", data)
                assert "Annual revenue 2,000,000.00 yuan" in text and "Replacement cost 500,000.00 yuan" in text
                assert "Patent valuation report (reference estimate)" in text and "Yes" in text
            else:
                assert not re.search(r"[A-Za-z]{4,}", data.replace("GB/T", "")), \
                    re.findall(r".{0,20}[A-Za-z]{4,}.{0,20}", data)
                assert "年收入 2,000,000.00 元" in text and "重置成本 500,000.00 元" in text and "专利价值评估参考报告" in text
            assert row.application_number in text


def test_the_report_in_docx_and_pdf_carries_the_factors(exchange: Exchange) -> None:
    row = _value(exchange, annual_revenue="2000000")
    doc = valuation.report(row)
    docx = render(doc, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "不是资产评估机构出具的法定评估报告" in body and f"{row.degree:.2f}" in body
    assert "5.7600" in body  # the remaining term's contribution
    assert render(doc, "pdf").startswith(b"%PDF")
    assert json.loads(row.result)["signals"]["number"] == row.application_number
    assert row.as_of == dt.date(2026, 3, 2)


@pytest.mark.one_database("reads the corpus; platform_status's SQL runs on both databases in the pledge and deal tests")
def test_a_term_whose_compensation_cannot_be_read_still_has_its_statutory_remainder(tmp_path, engine) -> None:  # type: ignore[no-untyped-def]
    """A registered term compensation whose length cannot be read makes the term unknown (no last day): the signals
    read 0 years remaining — a term run out, the cost approach's value 0 — where at least the statutory term remains."""
    from zhichan.corpus.testing import build_snapshot, event, patent

    plain = patent("201910000001", application_date="2019-03-01", grant_date="2022-05-01")
    unknown = patent("201910000002", application_date="2019-03-01", grant_date="2022-05-01")
    snap = build_snapshot(tmp_path, patents=[plain, unknown], events=[
        event(unknown["application_number"], "legal_status_change", "2022-08-01", detail="专利权期限补偿")])
    on = dt.date(2029, 3, 1)
    with session_scope(engine) as s:
        signals = {p["application_number"]: valuation.patent_signals(s, snap, p["application_number"], on)
                   for p in (plain, unknown)}
    assert signals[plain["application_number"]]["remaining_years"] == 10.0  # to 2039-02-28
    assert signals[unknown["application_number"]]["remaining_years"] == 10.0
    assert signals[unknown["application_number"]]["in_force"] is True


def test_the_signals_see_the_platforms_own_pledges_and_exclusive_licences(exchange: Exchange) -> None:
    """"Pledged now" and "an exclusive licence now" read the corpus only: a pledge the platform registered last week, an
    exclusive licence contracted here, scored as an unencumbered patent until the next snapshot. They read
    checks.platform_status now — the one reader the exchange's checks use."""
    from tests.exchange.helpers import pledged_here

    ex = exchange
    number = ex.numbers["ok"]
    with session_scope(ex.world.engine) as s:
        plain = valuation.patent_signals(s, ex.snapshot, number, TODAY)
    assert not plain["pledged_now"] and not plain["exclusive_licence_now"]
    pledged_here(ex.world, number, TODAY)
    case = _deal(ex, "ok", "900000", deal_kind="独占许可", pledgee_consent="是")  # 民法典 第四百四十四条
    with session_scope(ex.world.engine) as s:
        assert valuation.patent_signals(s, ex.snapshot, number, TODAY)["pledged_now"]
        assert not valuation.patent_signals(s, ex.snapshot, number, TODAY)["exclusive_licence_now"]  # an intent binds nobody
        ex.world.service.act(s, ex.world.scope("ent_user"), case["id"], "sign", version=1,
                             fields={"contract_on": "2026-03-02", "contract_price": "900000"},
                             uploads=(pdf("doc0", "合同.pdf"),), now=moment())
    with session_scope(ex.world.engine) as s:
        signals = valuation.patent_signals(s, ex.snapshot, number, TODAY)
    assert signals["pledged_now"] and signals["exclusive_licence_now"]
    assert Decimal(valuation.value_degree(MODEL, "licensing", signals)["degree"]) < \
        Decimal(valuation.value_degree(MODEL, "licensing", plain)["degree"])
