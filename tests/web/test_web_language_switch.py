"""The header's language switch keeps the page: a bare ``?lang=en`` dropped the page's query (a search, a region, a
list's filters), and on a page answering a form — a step's messages beside its fields at ``/cases/{id}/act/{step}``, a
printed receipt — it led to that address by GET, which answers 405. It now keeps the query, and on such a page leads to
the page the form was sent from (tests/services/test_services_progress.py follows it from a receipt)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from zhichan.web.testing import TestClient, csrf_from, switch_of

pytestmark = pytest.mark.one_database("the header's link; no SQL of its own")


def test_the_switch_keeps_the_query_of_the_page(client: TestClient) -> None:
    page = client.get("/search", params={"q": "TI=锂离子电池", "page": "2", "lang": "zh"})
    target = urlsplit(switch_of(page))
    assert target.path == "/search"
    assert parse_qs(target.query) == {"q": ["TI=锂离子电池"], "page": ["2"], "lang": ["en"]}
    english = client.get(switch_of(page))
    assert english.status_code == 200 and 'lang="en"' in english.text and "锂离子电池" in english.text
    back = urlsplit(switch_of(english))
    assert parse_qs(back.query) == {"q": ["TI=锂离子电池"], "page": ["2"], "lang": ["zh"]}


def test_on_a_page_answering_a_form_the_switch_leads_to_the_form_page(client: TestClient) -> None:
    login = client.get("/login", params={"lang": "zh"})
    wrong = client.post("/login", data={"csrf_token": csrf_from(login.text), "username": "nobody", "password": "x",
                                        "next": "/"}, headers={"referer": "http://testserver/login?next=%2Fcockpit"})
    assert wrong.status_code in (401, 422)
    assert urlsplit(switch_of(wrong)).path == "/login"
    assert parse_qs(urlsplit(switch_of(wrong)).query) == {"next": ["/cockpit"], "lang": ["en"]}
    # without a Referer (or another site's), the start page rather than an address that answers no GET
    alone = client.post("/login", data={"csrf_token": csrf_from(login.text), "username": "nobody", "password": "x",
                                        "next": "/"}, headers={"referer": "https://elsewhere.example/login"})
    assert switch_of(alone) == "http://testserver/?lang=en"
    odd = client.post("/login", data={"csrf_token": csrf_from(login.text), "username": "nobody", "password": "x",
                                      "next": "/"}, headers={"referer": "http://testserver//elsewhere.example/x"})
    assert switch_of(odd) == "http://testserver/?lang=en"
