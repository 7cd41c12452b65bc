"""Valuation through the real app (SQLite and PostgreSQL): the form's errors beside their fields (422,
input kept), the page with every indicator's contribution and the disclaimer, the DOCX and PDF
downloads, the JSON, both languages, and its author's organization only."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.exchange.web_helpers import number, post
from zhichan.web.testing import TestClient, WebEnv, login_as

FORM = "/exchange/valuations/new"




@pytest.mark.one_database("the page and its downloads; valuations are stored and read on PostgreSQL in test_valuation.py")
def test_value_a_patent_see_its_factors_and_download_the_report(env: WebEnv, client: TestClient) -> None:
    assert client.get(FORM, follow_redirects=False).status_code in (303, 401)  # signed-in users only
    login_as(client, env.engine, "ent_user")
    r = post(client, FORM, {"patent_number": number(2), "scenario": "licensing", "annual_revenue": "三百万",
                            "discount_rate": "200"}, page=FORM)
    assert r.status_code == 422
    assert 'id="v-annual_revenue-error"' in r.text and 'id="v-discount_rate-error"' in r.text
    assert 'value="三百万"' in r.text
    r = post(client, FORM, {"patent_number": number(2), "scenario": "finance", "annual_revenue": "3000000",
                            "share_rate": "4", "rd_cost": "2000000"}, page=FORM)
    assert r.status_code == 303, r.text[:2000]
    url = r.headers["location"]
    page = client.get(url).text
    assert "不是资产评估机构出具的法定评估报告" in page and 'id="income"' in page and 'id="cost"' in page
    data = client.get(f"/api/v1/exchange/valuations/{url.rsplit('/', 1)[1]}").json()
    contributions = re.findall(r'class="num contribution"[^>]*>([\d.]+)<', page)
    assert len(contributions) == len(data["lines"]) > 10
    assert sum(Decimal(c) for c in contributions) == Decimal(str(data["degree"]))
    assert Decimal(str(data["low_yuan"])) <= Decimal(data["approaches"]["income"]["point"])
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        got = client.get(f"{url}/report.{fmt}")
        assert got.status_code == 200 and got.content.startswith(magic)
    assert client.get(f"{url}/report.xls").status_code == 400
    for lang in ("zh", "en"):
        for target in (url, FORM):
            body = client.get(f"{target}?lang={lang}").text
            assert "exchange." not in re.sub(r"<[^>]+>", "", body), (lang, target)
    login_as(client, env.engine, "jinjiang")  # another district's bureau: not found
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/report.pdf").status_code == 404
