"""A page's address with a value it cannot take (``/exchange/open-licences?region=XYZ``, ``?page=0``, a date that is no
date): every list and catalogue page answers with itself, without that value, and the message beside the field (a
value with no field on the page — a page number — at the top of the page), status 422; a part a page loads in its place
(the search page's facets) answers with the message in that place, 4xx; the API answers 422 JSON naming the field;
nothing answers 500 (zhichan.web.query_errors)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.routing import APIRoute

from zhichan.web.app import all_routes
from zhichan.web.deps import PartRoute
from zhichan.web.query_errors import REQUIRED, query_fields
from zhichan.web.testing import WebEnv, login_as

pytestmark = pytest.mark.one_database("requests through the app; the lists' SQL runs on both databases in their domains")

#: values no filter, page number, date, sort key or kind takes
BAD = ("XYZ", "0", "-1", "2024-13-45", "9" * 25)
#: parameters whose refusal is not an invalid value: a search API's malformed query is its documented 400, a lookup of
#: a patent or text that is not there a 404
NOT_A_FILTER = {("/api/v1/search", "q"), ("/api/v1/similar", "application_number"), ("/api/v1/similar", "text")}


def _routes(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every GET route without path parameters and each of its query parameters but the language."""
    return [(route.path, param.alias) for route in all_routes(app)
            if isinstance(route, APIRoute) and "GET" in route.methods and "{" not in route.path
            for param in route.dependant.query_params if param.alias != "lang"]


def _parts(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {route.path for route in all_routes(app) if isinstance(route, PartRoute)}


def _said_in_the_part(html: str, name: str) -> bool:
    """Whether a part's answer says what it refused in its own place: the value of ``name`` or, the request lacking
    a value the part requires (the facets' q), that one; never the error page."""
    return ('id="part-refused"' in html and 'id="error-message"' not in html
            and (f'id="part-{name}-error"' in html or f"{REQUIRED.split(' / ')[0]}</span>" in html))


def _beside_field(html: str, name: str) -> bool:
    """Whether the message of ``name`` is shown beside its field: in the form holding a control of that name, an
    element of class field-error; or, where the page has no such control, in the list at the top of the page."""
    for form in re.findall(r"<form\b.*?</form>", html, re.S):
        if 'method="post"' in form:
            continue  # a form that files something, not the list's filters
        for control in re.findall(rf'<(?:input|select|textarea)\b[^>]*\bname="{re.escape(name)}"[^>]*>', form):
            if 'type="hidden"' not in control:
                return "field-error" in form
    return "field-error" in html  # at the top of the page (query-<name>-error), or the form's own message


def test_no_bad_value_in_an_address_gives_the_error_page_or_a_500(env: WebEnv) -> None:
    client = env.client()
    login_as(client, env.engine, "root")  # sees every list
    params, parts = _routes(env.app), _parts(env.app)
    assert ("/exchange/open-licences", "region") in params and ("/credit/listings", "page") in params
    assert ("/search/facets", "hits") in params and {"/search/facets", "/jobs/table"} <= parts
    wrong = []
    for path, name in params:
        for bad in BAD:
            r = client.get(path, params={name: bad, "lang": "zh"})
            if r.status_code >= 500:
                wrong.append((path, name, bad, r.status_code))
            elif path in parts:  # no page around it to show again: the message in the part's place, 4xx
                if r.status_code >= 400 and (r.status_code not in (400, 422) or not _said_in_the_part(r.text, name)):
                    wrong.append((path, name, bad, r.status_code, "not said in the part"))
            elif path.startswith("/api/"):
                if r.status_code >= 400 and (path, name) not in NOT_A_FILTER:
                    fields = (r.json().get("details") or {}).get("fields") or {}
                    # named, or the request lacks a value the operation requires (the search's q): that one named
                    if r.status_code != 422 or not (name in fields or set(fields.values()) == {REQUIRED}):
                        wrong.append((path, name, bad, r.status_code, r.text[:200]))
            elif r.status_code >= 400 and r.status_code not in (400, 422):
                wrong.append((path, name, bad, r.status_code))  # a 404 for a value: the error page
            elif r.status_code >= 400 and ('id="error-message"' in r.text or not _beside_field(r.text, name)):
                wrong.append((path, name, bad, "no message beside the field"))
    assert wrong == [], "\n".join(map(repr, wrong))


def test_an_unknown_region_in_the_catalogue_is_shown_beside_its_field(env: WebEnv) -> None:
    """/exchange/open-licences?region=XYZ: the catalogue (every published licence), the message beside the region
    field, Chinese on a Chinese page; the API answers 422 naming the field."""
    client = env.client()
    whole = client.get("/exchange/open-licences?lang=zh").text
    for lang, words in (("zh", "行政区划代码无效"), ("en", "Invalid region code")):
        r = client.get(f"/exchange/open-licences?region=XYZ&lang={lang}")
        assert r.status_code == 422 and 'id="error-message"' not in r.text
        message = r.text.split('id="c-region-error">', 1)[1].split("</span>", 1)[0]
        assert message.startswith(words), message
        assert r.text.count("/exchange/open-licences/") == whole.count("/exchange/open-licences/")
    api = client.get("/api/v1/exchange/open-licences?region=XYZ")
    assert api.status_code == 422 and "region" in api.json()["details"]["fields"]


def test_a_refused_value_is_said_chinese_first_with_what_the_field_takes() -> None:
    fields = query_fields([
        {"loc": ("query", "page"), "type": "greater_than_equal", "ctx": {"ge": 1}},
        {"loc": ("query", "status"), "type": "string_pattern_mismatch", "ctx": {"pattern": "^(open|closed|all)$"}},
        {"loc": ("query", "region"), "type": "string_pattern_mismatch", "ctx": {"pattern": "^[0-9]{6}$"}},
        {"loc": ("query", "as_of"), "type": "date_from_datetime_parsing", "ctx": {}},
    ])
    assert fields == {"page": "应不小于 1 / must be at least 1",
                      "status": "应为 open、closed、all 之一 / must be one of open, closed, all",
                      "region": "应为行政区划代码（数字，如 510107） / must be a region code (digits, such as 510107)",
                      "as_of": "应为日期，如 2024-03-07 / must be a date such as 2024-03-07"}
    # an error in a form's body or a path is not the address's: no page is run again for it
    assert query_fields([{"loc": ("body", "name"), "type": "missing"}, *([{"loc": ("query", "page"), "type": "x"}])]) == {}


@pytest.mark.parametrize("lang,words", [("zh", "摘要应为 64 位十六进制"), ("en", "A digest is 64 hexadecimal characters")])
def test_a_bad_digest_on_the_verification_page_is_shown_beside_its_field(env: WebEnv, lang: str, words: str) -> None:
    """In the page's address (a mistyped link of a certificate's QR code) or in its form: the message beside the digest
    field in the page's language, status 422, what was typed kept in the field — never the error page."""
    client = env.client()
    page = client.get(f"/evidence/verify?digest=XYZ&lang={lang}")
    assert page.status_code == 422 and 'id="error-message"' not in page.text
    assert page.text.split('id="verify-digest-error">', 1)[1].split("</span>", 1)[0] == words
    form = client.get(f"/evidence/verify?lang={lang}").text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    posted = client.post(f"/evidence/verify?lang={lang}", data={"csrf_token": token, "digest": "0" * 63})
    assert posted.status_code == 422 and 'id="error-message"' not in posted.text
    assert posted.text.split('id="verify-digest-error">', 1)[1].split("</span>", 1)[0] == words
    assert 'value="' + "0" * 63 + '"' in posted.text


#: values of the search page's facet request it cannot take, each with the message (Chinese, English) the panel shows
FACETS_REFUSED = [
    ({}, "part-q-error", "必填", "required"),
    ({"q": ""}, "part-q-error", "必填", "required"),
    ({"hits": "abc"}, "part-hits-error", "应为整数", "must be a whole number"),
    ({"hits": "5", "seal": "garbage"}, "part-seal-error", "格式不符", "not in the expected form"),
    ({"size": "0"}, "part-size-error", "应不小于 1", "must be at least 1"),
    ({"sort": "XYZ"}, "part-sort-error", "应为 relevance、date_desc、date_asc 之一", "must be one of relevance"),
    ({"exact_facets": "XYZ"}, "part-exact_facets-error", "应为 true 或 false", "must be true or false"),
    ({"f": "nope:1"}, "part-error", "无效的筛选条件 'nope:1'", "Invalid filter 'nope:1'"),
    ({"f": "city:XYZ"}, "part-error", "筛选条件取值无效 'city:XYZ'：查询语法错误", "Invalid filter value 'city:XYZ': query syntax"),
    ({"q": "TI=(("}, "part-error", "查询语法错误（第 6 个字符）", "Query syntax error at character 6"),
]


@pytest.mark.parametrize("values,element,zh,en", FACETS_REFUSED)
def test_a_facet_request_with_a_value_it_cannot_take_says_so_in_the_panel(env: WebEnv, values: dict[str, str],
                                                                          element: str, zh: str, en: str) -> None:
    """The search page's facets (a part HTMX loads into the panel) given a value they cannot take — the query missing,
    a hit total that is no number, a seal that is no seal, an unknown sort, facet or region: a 4xx whose body is the
    message in the panel's place, in the page's language, marked for the page's script to show (X-Part-Refused) —
    never the error page."""
    client = env.client()
    for lang, words, other in (("zh", zh, en), ("en", en, zh)):
        params = {"q": "TI=锂离子电池", **values, "lang": lang} if values else {"lang": lang}
        r = client.get("/search/facets", params=params)
        assert r.status_code == (400 if element == "part-error" else 422), (values, r.status_code)
        assert r.headers.get("x-part-refused") == "1" and "<html" not in r.text and 'id="error-message"' not in r.text
        shown = unescape(r.text.split(f'id="{element}">', 1)[1].split("</span>", 1)[0])
        assert words in shown and other not in shown, (lang, shown)


def test_a_forged_seal_only_costs_the_count(env: WebEnv) -> None:
    """A seal of the right form that is not the server's for this total (edited, forged): the facets, counted — not an
    error (docs/search.md, the sealed total)."""
    client = env.client()
    whole = client.get("/search/facets", params={"q": "TI=锂离子电池"})
    forged = client.get("/search/facets", params={"q": "TI=锂离子电池", "hits": "5", "seal": "a" * 32})
    assert whole.status_code == forged.status_code == 200 and "facet-link" in forged.text
    assert forged.text == whole.text


@pytest.mark.parametrize("lang,field,notice,other", [
    ("zh", "行政区划代码无效", "应不小于 1", "must be"), ("en", "Invalid region code", "must be at least 1", "应")])
def test_a_refused_value_reads_in_the_page_language_beside_its_field_and_at_the_top(env: WebEnv, lang: str, field: str,
                                                                                    notice: str, other: str) -> None:
    """A "中文 / English" message shows the page's half, wherever the page shows it: beside the field (a Chinese page
    showed both halves there) and in the notice at the top of the page (which showed the page's half) — the rule of the
    error page and of every bilingual text (in_lang)."""
    client = env.client()
    beside = client.get("/exchange/open-licences", params={"region": "XYZ", "lang": lang}).text
    message = beside.split('id="c-region-error">', 1)[1].split("</span>", 1)[0]
    assert message.startswith(field) and " / " not in message and other not in message, message
    top = client.get("/credit/listings", params={"page": "0", "lang": lang}).text
    message = top.split('id="query-page-error">', 1)[1].split("</span>", 1)[0].split("</code>", 1)[1]
    assert notice in message and " / " not in message and other not in message, message


#: files a page offers whose address takes a date: an export, a records download, a chart's image
FILES = ("/regions/510100/export.csv", "/regions/510100/indicators/valid_inventions/records.xlsx",
         "/charts/trend.png?region=510100")


@pytest.mark.parametrize("lang,words", [("zh", "as_of：日期格式应为 YYYY-MM-DD"),
                                        ("en", "as_of: the date must be YYYY-MM-DD")])
def test_a_file_whose_address_has_a_value_it_cannot_take_is_refused_not_another_days_file(env: WebEnv, lang: str,
                                                                                            words: str) -> None:
    """An export's address with a date that is no date (a hand-edited link): the error page with the date's message in
    the page's language, status 422 — not, as a page is, the file run again without the date, which held the data end's
    figures (a CSV, an XLSX, a PNG named for 2025-12-31 when the leader asked for another day) under a 422."""
    client = env.client()
    login_as(client, env.engine, "cd_leader")
    for path in FILES:
        r = client.get(path, params={"as_of": "abc", "lang": lang})
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), (path, r.headers)
        assert "content-disposition" not in r.headers, path
        message = unescape(r.text.split('id="error-message">', 1)[1].split("</p>", 1)[0])
        assert message == words, (path, message)
        assert 'id="query-errors"' not in r.text  # no notice that the page is shown without the date: it is not
        fine = client.get(path, params={"as_of": "2022-06-30", "lang": lang})
        assert fine.status_code == 200 and not fine.headers["content-type"].startswith("text/html"), path


@pytest.mark.parametrize("name,bad", [("sort", "bogus"), ("page", "0"), ("size", "0")])
def test_the_search_page_and_its_exports_refuse_a_value_alike(env: WebEnv, name: str, bad: str) -> None:
    """``/search/export.csv?q=芯片&sort=bogus`` (or ``&page=0``) answered 200 with a file while the search page refused
    the same sort: one definition of the search's parameters for the page and its exports. The page is shown without
    the value, its message beside the field (422); an export answers the error page naming it, never a file."""
    client = env.client()
    login_as(client, env.engine, "cd_leader")
    page = client.get("/search", params={"q": "电池", name: bad, "lang": "zh"})
    assert page.status_code == 422 and _beside_field(page.text, name), page.text[:300]
    for fmt in ("csv", "xlsx"):
        r = client.get(f"/search/export.{fmt}", params={"q": "电池", name: bad, "lang": "zh"})
        assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), (fmt, r.headers)
        assert "content-disposition" not in r.headers and name in r.text.split('id="error-message">', 1)[1][:200], fmt
    fine = client.get("/search/export.csv", params={"q": "电池", "sort": "date_asc", "page": "2", "lang": "zh"})
    assert fine.status_code == 200 and "content-disposition" in fine.headers
