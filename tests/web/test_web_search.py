"""The search page as analysts use it: facet filters, sort, page size, the last page, the syntax
help from the field table, the English-query hint; the patent page's links and similar patents;
the similar-patents API and CLI."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from zhichan.search import fields as F
from zhichan.search.parser import parse
from zhichan.web.testing import WUHOU_ENTERPRISE, WebEnv, login_as

Q = "TI=锂离子电池"  # 12 patents of the web corpus, filed 2015–2022


def _links(html: str, css_class: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf'class="{css_class}"[^>]*href="([^"]+)"', html)]


def _total(html: str) -> int:
    found = re.search(r'id="result-total">[^<]*?(\d+)', html)
    assert found, html[:2000]
    return int(found.group(1))


def test_a_facet_click_narrows_the_query_and_shows_a_removable_filter(client) -> None:
    page = client.get("/search", params={"q": Q})
    assert page.status_code == 200 and _total(page.text) == 12
    facets_url = re.search(r'hx-get="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    facets = client.get(unescape(facets_url)).text
    year_links = [u for u in _links(facets, "facet-link") if "f=year" in u]
    assert year_links, facets
    link = year_links[0]
    value = parse_qs(urlsplit(link).query)["f"][0].split(":", 1)[1]
    count = int(re.search(rf'data-value="{value}"><a[^>]*>[^<]*</a> <span class="muted">(\d+)', facets).group(1))  # type: ignore[union-attr]
    narrowed = client.get(link)
    assert narrowed.status_code == 200 and _total(narrowed.text) == count < 12
    assert f'data-filter="year:{value}"' in narrowed.text and f"AD=[{value}-01-01 TO {value}-12-31]" in narrowed.text
    removes = _links(narrowed.text, "chip-remove")
    assert len(removes) == 1
    assert _total(client.get(removes[0]).text) == 12
    # the export follows the filters
    export = re.search(r'id="export-link" href="([^"]+)"', narrowed.text).group(1)  # type: ignore[union-attr]
    rows = client.get(unescape(export)).text.lstrip("\ufeff").strip().splitlines()
    assert len(rows) == count + 1
    # the narrowed facets count only the narrowed hits
    narrowed_facets = client.get("/search/facets", params={"q": Q, "f": f"year:{value}"}).text
    assert re.findall(r'data-facet="year"', narrowed_facets) == ['data-facet="year"']


def test_bad_filters_are_input_errors(client) -> None:
    for bad in ["nope:1", "ipc:Z99", "year", "kind:专利"]:
        r = client.get("/search", params={"q": Q, "f": bad})
        assert r.status_code == 400 and 'id="search-error"' in r.text, bad
        # the API's schema states the facet:value shape (422); a value its field rejects is a 400
        assert client.get("/api/v1/search", params={"q": Q, "f": bad}).status_code == (422 if ":" not in bad or
                                                                                       bad.startswith("nope") else 400)


def test_sort_and_page_size(client) -> None:
    r = client.get("/search", params={"q": Q, "sort": "date_asc", "size": 5})
    dates = re.findall(r"<td[^>]*>(\d{4}-\d{2}-\d{2})</td>", r.text)
    assert len(dates) == 5 and dates == sorted(dates)
    assert 'data-sort="date_asc"' in r.text and "<strong>5</strong>" not in r.text  # 5 is not an offered size
    nxt = unescape(re.search(r'id="results-next" rel="next" href="([^"]+)"', r.text).group(1))  # type: ignore[union-attr]
    assert "sort=date_asc" in nxt and "size=5" in nxt
    newest = client.get("/search", params={"q": Q, "sort": "date_desc", "size": 10})
    dates = re.findall(r"<td[^>]*>(\d{4}-\d{2}-\d{2})</td>", newest.text)
    assert len(dates) == 10 and dates == sorted(dates, reverse=True)
    links = _links(newest.text, "sort-link")
    assert any("sort=date_asc" in u and "size=10" in u for u in links)
    api = client.get("/api/v1/search", params={"q": Q, "sort": "date_asc", "page_size": 3}).json()
    assert [h["application_date"] for h in api["hits"]] == sorted(h["application_date"] for h in api["hits"])
    assert client.get("/api/v1/search", params={"q": Q, "sort": "sideways"}).status_code == 422


def test_a_page_past_the_end_shows_the_last_page(client) -> None:
    r = client.get("/search", params={"q": Q, "size": 5, "page": 99})
    assert r.status_code == 200 and 'id="page-clamped"' in r.text
    assert "没有找到匹配的专利" not in r.text
    assert len(re.findall(r'class="patent-link"', r.text)) == 2  # 12 hits, 5 a page: page 3 holds 2
    assert 'id="results-next"' not in r.text and 'id="results-previous"' in r.text
    api = client.get("/api/v1/search", params={"q": Q, "page_size": 5, "page": 99}).json()
    assert (api["page"], api["pages"], api["clamped"], len(api["hits"])) == (3, 3, True, 2)


def test_the_syntax_help_is_the_field_table(client) -> None:
    html = client.get("/search").text
    rows = re.findall(r'<tr data-field="([A-Z]+)">', html)
    assert rows == [f.code for f in F.FIELDS]
    examples = [unescape(e) for e in re.findall(r'class="syntax-example" href="/search\?q=[^"]+"><code>([^<]+)</code>', html)]
    assert examples == [e for f in F.FIELDS for e in f.examples]
    for example in examples:
        parse(example)  # every example the page offers is a valid query
    start = html.index('id="syntax-help"')
    help_text = unescape(html[start:html.index("</details>", start)])
    for table in (F.KIND_VALUES, F.LS_VALUES, F.HV_VALUES, {"no": F.HV_NO}):
        for names in table.values():
            assert "/".join(dict.fromkeys((names[1], *names))) in help_text  # every accepted name


@pytest.mark.parametrize(("query", "suggestion"), [("TI=battery", "TI=电池"), ("lithium AND 负极", None)])
def test_an_english_query_with_no_hit_says_the_corpus_is_chinese(client, query: str, suggestion: str | None) -> None:
    r = client.get("/search", params={"q": query})
    assert r.status_code == 200 and 'id="english-hint"' in r.text and "中文" in r.text
    if suggestion:
        link = unescape(re.search(r'id="hint-query" href="([^"]+)"', r.text).group(1))  # type: ignore[union-attr]
        assert parse_qs(urlsplit(link).query)["q"] == [suggestion]
        assert _total(client.get(link).text) == 12
    assert "IPC=H01M" in client.get("/search", params={"q": "battery"}).text  # H01M: "…e.g. BATTERIES…"
    assert 'id="english-hint"' not in client.get("/search", params={"q": "TI=不存在的词"}).text


def test_the_patent_page_links_and_lists_similar_patents(env: WebEnv, client) -> None:
    from zhichan.corpus.store import CorpusStore
    from zhichan.search.build import build_index

    number = env.numbers["wuhou"]
    page = client.get(f"/patents/{number}").text
    assert f'hx-get="/patents/{number}/similar"' in page  # the list follows the page (HTMX)
    without = client.get(f"/patents/{number}/similar").text
    assert 'id="similar-unavailable"' in without  # the web corpus is indexed without vectors
    assert client.get("/api/v1/similar", params={"application_number": number}).status_code == 404
    build_index(CorpusStore(env.settings.corpus_dir).current())
    html = client.get(f"/patents/{number}").text + client.get(f"/patents/{number}/similar").text
    similar = re.findall(r'class="similar-link" href="/patents/([^"]+)">[^<]+</a></td><td[^>]*>([^<]*)</td><td class="score num"[^>]*>([0-9.]+)', html)
    assert len(similar) == 10 and number not in [s[0] for s in similar]
    scores = [float(s[2]) for s in similar]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert all("锂离子电池" in title for _, title, _ in similar[:5])  # its siblings come first
    assert client.get(f"/patents/{similar[0][0]}").status_code == 200
    # links: applicant (search and enterprise page), IPC codes, region
    applicant = _links(html, "applicant-search")
    assert applicant and parse_qs(urlsplit(applicant[0]).query)["q"] == [f"PA={WUHOU_ENTERPRISE}"]
    assert re.search(r'id="enterprise-link" href="/enterprises/[^"]+"', html)
    assert 'id="region-link" href="/regions/510107"' in html
    for link in _links(html, "ipc-link"):
        assert _total(client.get(link).text) >= 1
    assert 'id="family-size"' in html and 'id="forward-citations"' in html
    # the same list from the API
    api = client.get("/api/v1/similar", params={"application_number": number, "k": 3}).json()
    assert [h["application_number"] for h in api["hits"]] == [s[0] for s in similar[:3]]
    text = client.get("/api/v1/similar", params={"text": "一种图像处理方法", "k": 2}).json()
    assert "图像处理" in text["hits"][0]["title"]
    assert client.get("/api/v1/similar").status_code == 400
    assert client.get("/api/v1/similar", params={"application_number": "CN000000000000.0"}).status_code == 404
    assert client.get("/patents/CN000000000000.0/similar").status_code == 404


def test_the_form_search_writes_the_query_and_keeps_input_on_error(client) -> None:
    form = client.get("/search/form")
    assert form.status_code == 200 and '<datalist id="ipc-subclasses">' in form.text
    assert '<option value="H01M">' in form.text and 'name="kind" value="invention"' in form.text
    r = client.get("/search/form", params={"build": "1", "op": ["AND", "AND"], "field": ["TI", "IPC"],
                                           "value": ["锂离子电池", "H01M"], "date_from": "2018-01-01"},
                   follow_redirects=False)
    assert r.status_code == 303
    query = parse_qs(urlsplit(r.headers["location"]).query)["q"][0]
    assert query == "TI=锂离子电池 AND IPC=H01M AND AD=[2018-01-01 TO *]"
    page = client.get(r.headers["location"])
    assert _total(page.text) == 6 and f'value="{query}"' in unescape(page.text)  # 2018, 2019…2022 and 2018 again; the box shows the query
    bad = client.get("/search/form", params={"build": "1", "op": ["AND", "OR"], "field": ["TI", "IPC"],
                                             "value": ["锂离子电池", "Z99"]})
    assert bad.status_code == 400
    assert re.search(r'data-row="1">.*?id="form-error"', bad.text, re.S)  # the message beside its row
    assert 'value="锂离子电池"' in bad.text and 'value="Z99"' in bad.text  # the input is kept


def test_the_search_box_takes_what_the_command_line_takes(client) -> None:
    """A long synonym list (the query language allows 4,000 characters) is a normal query."""
    from zhichan.search.parser import MAX_QUERY_CHARS
    from zhichan.search.views import MAX_QUERY_CHARS as WEB_MAX

    assert WEB_MAX == MAX_QUERY_CHARS
    synonyms = "TI=(" + " OR ".join(["锂离子电池", *(f"词{i}" for i in range(480))]) + ")"
    assert len(synonyms) <= MAX_QUERY_CHARS
    r = client.get("/search", params={"q": synonyms})
    assert r.status_code == 200 and _total(r.text) == 12
    assert client.get("/api/v1/search", params={"q": synonyms}).json()["total"] == 12
    assert client.get("/api/v1/search", params={"q": "电池 " * 1500}).status_code == 422


def test_a_syntax_error_marks_the_character_even_with_filters(client) -> None:
    r = client.get("/search", params={"q": "TI=电池 AND XX=a", "f": "year:2021"})
    assert r.status_code == 400 and "第 11 个字符" in r.text
    assert '<code id="search-error-at">TI=电池 AND <mark>X</mark>X=a</code>' in r.text
    api = client.get("/api/v1/search", params={"q": "TI=电池 AND XX=a", "f": "year:2021"}).json()
    assert api["details"]["position"] == 11


BROAD = "AD>=1900"  # every patent of the web corpus


def test_broad_queries_show_estimated_facets_with_the_exact_count_one_click_away(client, monkeypatch) -> None:
    """Above the setting ``search_facets_exact_max_hits`` the facets are estimates: 约 on the page
    (≈ in English), ``approximate`` in the API; ``exact_facets`` (the panel's link) counts exactly."""
    from zhichan.settings import get_settings

    exact = client.get("/api/v1/search", params={"q": BROAD, "page_size": 1}).json()
    assert exact["facets_approximate"] is False and exact["facet_sample"] is None
    assert not any(v["approximate"] for values in exact["facets"].values() for v in values)
    total = exact["total"]
    monkeypatch.setenv("ZHICHAN_SEARCH_FACETS_EXACT_MAX_HITS", str(total - 1))
    get_settings.cache_clear()
    try:
        api = client.get("/api/v1/search", params={"q": BROAD, "page_size": 1}).json()
        assert api["total"] == total and api["facets_approximate"] is True
        assert 0 < api["facet_sample"]["hits"] < total and api["facet_sample"]["total"] == total
        assert api["facets"] and all(v["approximate"] for values in api["facets"].values() for v in values)
        asked = client.get("/api/v1/search", params={"q": BROAD, "page_size": 1, "exact_facets": "true"}).json()
        assert asked["facets_approximate"] is False and asked["facets"] == exact["facets"]

        page = client.get("/search", params={"q": BROAD}).text
        facets_url = unescape(re.search(r'hx-get="([^"]+)"', page).group(1))  # type: ignore[union-attr]
        panel = client.get(facets_url).text
        assert 'id="facets-approximate"' in panel and 'data-approximate="true"' in panel
        assert re.search(r'<span class="muted" data-approximate="true">约 \d+</span>', panel)
        link = re.search(r'id="facets-exact" href="([^"]+)" hx-get="([^"]+)"', panel)
        assert link and "exact_facets=true" in link.group(1)
        exact_panel = client.get(unescape(link.group(2))).text  # the click (HTMX swaps the panel)
        assert 'id="facets-approximate"' not in exact_panel and "data-approximate" not in exact_panel
        assert "约" not in exact_panel and "facet-link" in exact_panel
        # without HTMX the link opens the page, whose panel then loads exact counts
        again = client.get(unescape(link.group(1))).text
        exact_url = unescape(re.search(r'hx-get="([^"]+)"', again).group(1))  # type: ignore[union-attr]
        assert "exact_facets=true" in exact_url and "data-approximate" not in client.get(exact_url).text
        english = client.get(facets_url + "&lang=en").text
        assert "≈ " in english and "约" not in english and "Count exactly" in english
    finally:
        monkeypatch.delenv("ZHICHAN_SEARCH_FACETS_EXACT_MAX_HITS")
        get_settings.cache_clear()


def test_the_facet_request_uses_the_sealed_hit_total_of_the_page_and_never_a_forged_one(client, monkeypatch) -> None:
    """The page's facet request takes the hit total the search counted (sealed with the app's key)
    instead of counting the hits again; a changed total, a missing seal or another query's seal is
    not used: the total comes from the index's result cache or the hits are counted, and the panel
    is the same as with the honest total."""
    from zhichan.search.index import SearchIndex
    from zhichan.settings import get_settings

    counts: list[int] = []
    original = SearchIndex.count

    def counting(self: SearchIndex, query: object) -> int:
        counts.append(1)
        return original(self, query)  # type: ignore[arg-type]

    total = client.get("/api/v1/search", params={"q": BROAD, "page_size": 1}).json()["total"]
    monkeypatch.setenv("ZHICHAN_SEARCH_FACETS_EXACT_MAX_HITS", str(total - 1))  # estimated facets
    get_settings.cache_clear()
    monkeypatch.setattr(SearchIndex, "count", counting)
    try:
        def facets_url(params: dict[str, str]) -> str:
            page = client.get("/search", params=params).text
            return unescape(re.search(r'hx-get="([^"]+)"', page).group(1))  # type: ignore[union-attr]

        url = facets_url({"q": BROAD})
        sent = parse_qs(urlsplit(url).query)
        assert sent["hits"] == [str(total)] and len(sent["seal"][0]) == 32
        counts.clear()
        honest = client.get(url).text
        assert counts == [] and 'id="facets-approximate"' in honest  # not counted again
        assert f"{total:,}" in honest or str(total) in honest
        forged = url.replace(f"hits={total}", f"hits={total * 10}")
        other = parse_qs(urlsplit(facets_url({"q": Q})).query)["seal"][0]  # another query's seal
        for wrong in (forged, url.split("&seal=")[0], url.replace(sent["seal"][0], other)):
            facets_url({"q": BROAD})  # the page's search leaves its total in the index's result cache
            counts.clear()
            assert client.get(wrong).text == honest and counts == [], wrong  # taken from there
            for index in SearchIndex._cache.values():
                index.forget_results()
            assert client.get(wrong).text == honest and counts == [1], wrong  # else counted, the same panel
        # exact counts need no total: neither sealed nor counted
        counts.clear()
        exact = client.get(facets_url({"q": BROAD, "exact_facets": "true"})).text
        assert counts == [] and "data-approximate" not in exact and "facet-link" in exact
        counts.clear()
        assert "data-approximate" not in client.get(f"/search/facets?q={BROAD}&exact_facets=true").text
        assert counts == []
    finally:
        monkeypatch.delenv("ZHICHAN_SEARCH_FACETS_EXACT_MAX_HITS")
        get_settings.cache_clear()


def test_an_index_of_an_older_layout_is_said_and_rebuilt(env: WebEnv, client) -> None:
    import json

    from sqlalchemy import select

    from zhichan.corpus.store import CorpusStore
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Job, JobStatus
    from zhichan.search.layout import index_path
    from zhichan.web.jobkinds import index_new_snapshot

    snap = CorpusStore(env.settings.corpus_dir).current()
    path = index_path(snap)
    assert path is not None
    info = json.loads((path / "index.json").read_text("utf-8"))
    (path / "index.json").write_text(json.dumps({**info, "schema_version": 3}), "utf-8")
    r = client.get("/search", params={"q": Q})
    assert r.status_code == 200 and _total(r.text) == 12  # the same hits, by a scan
    assert 'id="scan-mode"' in r.text and "旧版格式（版本 3）" in r.text
    assert "older layout (version 3)" in client.get("/search", params={"q": Q, "lang": "en"}).text
    index_new_snapshot(env.app.state.corpus, env.app.state.jobs, env.engine)  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:
        queued = s.scalars(select(Job).where(Job.status == JobStatus.QUEUED, Job.kind == "search.index")).all()
        assert [json.loads(j.params)["snapshot"] for j in queued] == [snap.id]  # other kinds: the runner's own


def test_english_search_facets_filters_and_patent_page_name_regions_in_english(env: WebEnv, client) -> None:
    from tests.web.test_web_region_names import _chinese_region_names

    facets = client.get("/search/facets", params={"q": Q, "lang": "en"}).text
    assert "Chengdu" in facets and "Sichuan" in facets
    assert not _chinese_region_names(f"<main>{facets}</main>"), _chinese_region_names(f"<main>{facets}</main>")
    assert "成都市" in client.get("/search/facets", params={"q": Q, "lang": "zh"}).text
    narrowed = client.get("/search", params={"q": Q, "f": "city:5101", "lang": "en"}).text
    assert re.search(r'data-filter="city:5101">Chengdu ', narrowed), narrowed[:3000]
    hit = client.get("/api/v1/search", params={"q": "RC=510107", "page_size": 1}).json()["hits"][0]
    patent = client.get(f"/patents/{hit['application_number']}", params={"lang": "en"}).text
    assert re.search(r'id="region-link"[^>]*>Wuhou District<', patent), patent[:3000]


def _facet_items(html: str, facet: str) -> list[tuple[str, str]]:
    """(value, shown text) of each entry of one facet's list."""
    return [(v, unescape(text)) for v, text in
            re.findall(rf'<li data-value="([^"]+)"><a class="facet-link" data-facet="{facet}"[^>]*>([^<]*)</a>', html)]


def test_english_search_names_ipc_groups_and_strategic_industries_in_english(client) -> None:
    from zhichan.reference import ipc_title, sei_name

    cjk = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
    query = "TI=图像处理"  # the test corpus's patents of a strategic emerging industry (G06T7/00 → 9.1)
    en = client.get("/search/facets", params={"q": query, "lang": "en"}).text
    zh = client.get("/search/facets", params={"q": query, "lang": "zh"}).text
    for facet in ("ipc", "sei"):
        shown = _facet_items(en, facet)
        assert shown, en
        assert not [text for _, text in shown if cjk.search(text)], shown
        assert _facet_items(zh, facet) and all(cjk.search(text) for _, text in _facet_items(zh, facet))
    ipc, shown = _facet_items(en, "ipc")[0]
    assert shown.lower() == f"{ipc} {ipc_title(ipc, 'en', clean=True)}".lower()  # WIPO's capitals in sentence case
    assert shown[len(ipc) + 1:][1:].lower() == shown[len(ipc) + 1:][1:], shown
    sei, shown = _facet_items(en, "sei")[0]
    assert shown == f"{sei} {sei_name(sei, 'en')}"
    # the active filters say the same
    for facet, value in (("ipc", ipc), ("sei", sei)):
        narrowed = client.get("/search", params={"q": query, "f": f"{facet}:{value}", "lang": "en"}).text
        chip = re.search(rf'data-filter="{facet}:{re.escape(value)}">([^<]*)<', narrowed)
        assert chip and chip.group(1).startswith(value + " ") and not cjk.search(chip.group(1)), narrowed[:3000]


@pytest.mark.parametrize(("code", "parent"), [("H10K", "H"), ("H10H", "H"), ("G06V", "G06")])
def test_an_ipc_subclass_the_english_titles_lack_shows_its_code_and_says_whose_title_follows(client, code: str,
                                                                                            parent: str) -> None:
    """The English titles (WIPO's ~2020 edition) lack the newer subclasses (H10B–H10W, G06V, B64U): an English facet
    or filter showed H10K as just "Electricity", its section's title as if it were the subclass's. Now the code with
    the title it falls under marked as that of its section or class; the Chinese edition (2026.01) has the title."""
    from zhichan.reference import ipc_title
    from zhichan.web.labels import sentence_case

    en = client.get("/search", params={"q": "TI=图像处理", "f": f"ipc:{code}", "lang": "en"}).text
    chip = re.search(rf'data-filter="ipc:{code}">([^<]*)<', en)
    assert chip is not None, en[:3000]
    shown = unescape(chip.group(1)).strip()
    title = sentence_case(ipc_title(parent, "en", clean=True) or "")
    assert shown == f"{code} (no title in the reference data; within {parent}: {title})", shown
    zh = client.get("/search", params={"q": "TI=图像处理", "f": f"ipc:{code}", "lang": "zh"}).text
    chip = re.search(rf'data-filter="ipc:{code}">([^<]*)<', zh)
    assert chip is not None and unescape(chip.group(1)).strip() == f"{code} {ipc_title(code, 'zh', clean=True)}", zh[:3000]


def test_the_patent_page_links_its_region_only_for_whom_may_open_it(env: WebEnv, client) -> None:
    """Every other user met a refusal behind the region link: an enterprise, a bank, another district's officer
    (the region page is a bureau's). The region stays named; a visitor signs in first, as for the enterprise page."""
    number = env.numbers["wuhou"]  # a patent of 武侯区 (510107)
    assert 'id="region-link" href="/regions/510107"' in client.get(f"/patents/{number}").text  # signs in first
    for user, opens in (("cd_leader", True), ("wuhou_officer", True), ("jinjiang_officer", False),
                        ("ent_user", False), ("cd_bank", False)):
        login_as(client, env.engine, user)
        html = client.get(f"/patents/{number}").text
        link = re.search(r'id="region-link" href="([^"]+)"', html)
        assert bool(link) is opens, user
        if link:
            assert client.get(link.group(1)).status_code == 200, user
        else:
            assert re.search(r'id="patent-region">武侯区<', html), user
            assert client.get("/regions/510107").status_code == 403, user  # what the link led to


def test_the_patent_page_names_its_region_and_marks_itself_in_its_family(env: WebEnv, client) -> None:
    """A visitor read the region as 「锦江区 RC=510104」 — the search's syntax on a display page — and a family list
    naming the patent's own publication number as a member to search for (the source lists a family whole, the
    patent itself among them): the region reads as its name, the query in the link only; the patent's own number is
    marked 本专利, and a family of the patent alone lists nothing beside its size of 1."""
    from zhichan.corpus.testing import build_snapshot, patent

    family = patent("CN202110000339.1", title="一种有同族的电池", region_code="510104", publication_number="CN185939850A",
                    grant_number="CN185939850B", family_size=3,
                    family_members=["CN185939850A", "WO2022123456", "US31012074A1"])
    alone = patent("CN202110000340.3", title="一种没有同族的电池", region_code="510104", publication_number="CN185939851A",
                   family_size=1, family_members=["CN185939851A"])
    build_snapshot(env.settings.data_dir, patents=[family, alone])
    for lang, words, self_word in (("zh", "该地区的专利", "本专利"), ("en", "Patents of this region", "this patent")):
        html = client.get(f"/patents/{family['application_number']}?lang={lang}").text
        region_dd = re.search(r"<dd>(<a id=\"region-link\".*?)</dd>", html, re.S)
        assert region_dd, html[:3000]
        assert "RC=" not in unescape(re.sub(r"<[^>]+>", "", region_dd.group(1)))
        search = re.search(r'id="region-search" href="([^"]+)">([^<]+)<', region_dd.group(1))
        assert search and search.group(2) == words
        assert parse_qs(urlsplit(unescape(search.group(1))).query)["q"] == ["RC=510104"]
        members = re.search(r'<dd id="family-members">(.*?)</dd>', html, re.S)
        assert members, html[:3000]
        linked = [parse_qs(urlsplit(unescape(h)).query)["q"][0] for h in re.findall(r'href="([^"]+)"', members.group(1))]
        assert linked == ["PN=WO2022123456", "PN=US31012074A1"]
        own = re.sub(r"<[^>]+>", "", re.search(r'<span class="family-self">(.*?)</span></span>', members.group(1)).group(1))
        assert own.split()[0] == "CN185939850A" and self_word in own
        single = client.get(f"/patents/{alone['application_number']}?lang={lang}").text
        assert 'id="family-members"' not in single and re.search(r'id="family-size">1<', single)


def test_english_search_names_an_applicant_in_its_facet_and_filter_as_its_hits_name_it(env: WebEnv, client) -> None:
    """The applicant facet listed the Chinese names on English pages while the hits beside it named them in English:
    the hits, the facet and the active filter name an applicant by one lookup (portal.holders_named) — an organization's
    registered English name first, as the cockpit and the enterprise page name it."""
    from sqlalchemy import update

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization

    english = "Chengdu Example Technology Co., Ltd."
    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == WUHOU_ENTERPRISE).values(name_en=english))
    cjk = re.compile(r"[\u4e00-\u9fff]")
    hits = client.get("/api/v1/search", params={"q": Q, "page_size": 100}).json()["hits"]
    assert {(h["applicants"], h["applicants_en"]) for h in hits} == {(WUHOU_ENTERPRISE, english)}
    assert english in client.get("/search", params={"q": Q, "lang": "en"}).text
    en = client.get("/search/facets", params={"q": Q, "lang": "en"}).text
    assert dict(_facet_items(en, "applicant")) == {WUHOU_ENTERPRISE: english}, en
    # under its legal (Chinese) name, what it is filed by; a Chinese page shows the name alone
    assert re.search(rf'>{re.escape(english)}</a> <span class="muted">\d+</span><span class="legal-name[^>]*>{WUHOU_ENTERPRISE}</span>',
                     unescape(en)), en
    zh = client.get("/search/facets", params={"q": Q, "lang": "zh"}).text
    assert dict(_facet_items(zh, "applicant")) == {WUHOU_ENTERPRISE: WUHOU_ENTERPRISE} and english not in zh
    # the active filter and the facets counted in the page (no script) say the same
    narrowed = client.get("/search", params={"q": Q, "f": f"applicant:{WUHOU_ENTERPRISE}", "lang": "en",
                                             "facets": "true"}).text
    chip = re.search(r'data-filter="applicant:[^"]*">([^<]*)<', narrowed)
    assert chip and chip.group(1).strip() == english and not cjk.search(chip.group(1)), narrowed[:3000]
    assert dict(_facet_items(narrowed, "applicant")) == {WUHOU_ENTERPRISE: english}
