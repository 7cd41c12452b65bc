"""What the page-by-page review of the pages a bureau sees first found (session 10): numbers aligned and
formatted in their columns, tables with headings, regions named rather than coded, filters that say
what an empty choice means, empty panels that say why — in Chinese and English."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from tests.helpers import sign_in
from tests.web.test_web_languages import _visible_text
from zhichan.platform.db import session_scope
from zhichan.web.testing import login_as


def _main(html: str) -> str:
    return html.split("<main>", 1)[-1].split("</main>", 1)[0]


def test_sub_region_tables_right_align_numbers_with_two_decimals_per_10k(client, env):
    login_as(client, env.engine, "cd_leader")
    for url, table in (("/regions/510100", r"<table class=\"list\"[^>]*>.*?</table>"),
                       ("/cockpit?region=510100", r"<table class=\"list\" id=\"children-table\"[^>]*>.*?</table>")):
        html = re.search(table, client.get(url).text, re.S)
        assert html is not None, url
        head = html.group(0).split("</thead>", 1)[0]
        assert len(re.findall(r'<th[^>]* class="num"', head)) == 2, url  # marked by the server (tables.py)
        # each row: the count, then the rate per 10k people with two decimals, each a link to its records with its unit
        rates = re.findall(r'</td><td class="num"[^>]*><a [^>]*>([^<]*)</a> 件</td></tr>', html.group(0))
        assert rates and all(re.fullmatch(r"[0-9,]+\.[0-9]{2}", r) for r in rates), (url, rates)


def test_the_cockpits_top_holders_have_headings(client, env):
    login_as(client, env.engine, "cd_leader")
    for lang, heads in (("en", ("Patentee", "Valid invention patents")), ("zh", ("专利权人", "有效发明专利"))):
        html = client.get(f"/cockpit?region=510100&lang={lang}").text
        table = html.split('id="top-holders"', 1)[1].split("</table>", 1)[0]
        assert all(h in _visible_text(table.split("</thead>", 1)[0]) for h in heads), lang


def test_the_enterprise_page_heads_its_kind_and_status_table(client, env):
    from zhichan.web.testing import WUHOU_ENTERPRISE

    login_as(client, env.engine, "cd_leader")
    html = client.get(f"/enterprises/{WUHOU_ENTERPRISE}?lang=en").text
    table = html.split('id="by-kind"', 1)[1].split("</table>", 1)[0]
    assert "Kind" in table and "Status" in table and '<th class="num">Patents</th>' in table
    assert re.search(r'<td class="num"[^>]*>[0-9,]+</td>', table)


def test_priority_quotas_name_the_province_and_its_cities(client, env):
    from sqlalchemy import select

    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.services import priority

    with session_scope(env.engine) as s:
        root = scope_for_user(s, s.scalar(select(User).where(User.username == "root")))
        priority.set_quota(s, root, 2026, "510000", 12)
        priority.allocate(s, root, 2026, "510100", 5)
    login_as(client, env.engine, "root")
    for lang, names, codes_only in (("en", ("Sichuan", "Chengdu"), "四川省"), ("zh", ("四川省", "成都市"), "Sichuan")):
        section = _main(client.get(f"/services/priority/quotas?year=2026&lang={lang}").text)
        section = section.split('id="quota-510000"', 1)[1].split("</section>", 1)[0]
        text = _visible_text(section)
        assert all(n in text for n in names) and codes_only not in text, (lang, text)


def test_the_talent_filters_say_what_an_empty_choice_means(client, env):
    login_as(client, env.engine, "wuhou_officer")
    for lang, kinds, status, region in (("en", "All kinds", "Any status", "Region"),
                                        ("zh", "全部类别", "全部状态", "地区")):
        html = client.get(f"/talent?lang={lang}").text
        assert f'<option value="">{kinds}</option>' in html and f'<option value="">{status}</option>' in html, lang
        if 'id="talent-people"' in html:
            assert f"<th>{region}</th>" in html.split('id="talent-people"', 1)[1].split("</thead>", 1)[0], lang


def test_the_navigation_page_says_why_it_lists_no_report(client, env):
    """An empty list of reports names the button that makes one; on a chain's page, which has that button above the
    list, it points there — it said 在产业链页面按统计日运行分析 on the chain page itself."""
    login_as(client, env.engine, "cd_leader")
    for lang, button, date, page_word in (("en", "Analyse and write the report (background job)", "As of", "chain's page"),
                                          ("zh", "后台分析并生成报告", "截至日期", "产业链页面")):
        html = client.get(f"/navigation?lang={lang}").text
        empty = re.search(r'<p class="muted empty" id="runs-empty" data-empty="none">(.*?)</p>', html, re.S)
        assert empty is not None and button in unescape(empty.group(1)) and page_word in unescape(empty.group(1)), lang
        chain = re.search(r'href="(/navigation/chains/[^"?]+)', html).group(1)  # type: ignore[union-attr]
        html = client.get(f"{chain}?lang={lang}").text
        empty = re.search(r'<p class="muted empty" id="runs-empty" data-empty="none">(.*?)</p>', html, re.S)
        assert empty is not None and f"“{button}”" in empty.group(1) and f"“{date}”" in empty.group(1), lang
        assert page_word not in unescape(empty.group(1)) and html.index(f">{button}</button>") < html.index('id="runs-empty"')


def test_the_services_catalogue_labels_its_area(client, env):
    login_as(client, env.engine, "cd_leader")
    assert "Area: " in _visible_text(client.get("/services?region=510100&lang=en").text)


@pytest.mark.browser
def test_numbers_sit_right_in_their_columns_and_action_links_look_like_buttons(page, artifacts_dir: Path) -> None:
    sign_in(page, "cd_leader", then="/regions/510100?lang=en")
    page.wait_for_load_state("networkidle")  # the map's boundaries fetched (leaving earlier aborts the request)
    cell = page.locator("table.list td.num").first
    assert cell.evaluate("e => getComputedStyle(e).textAlign") == "right"
    assert page.locator("table.list th.num").first.evaluate("e => getComputedStyle(e).textAlign") == "right"
    page.screenshot(path=str(artifacts_dir / "review-region-en.png"), full_page=True)
    page.goto("/finance?lang=en")
    links = page.locator("a.button")
    assert links.count() >= 2
    assert links.first.evaluate("e => getComputedStyle(e).display") == "inline-block"
    first, second = (links.nth(i).bounding_box() for i in (0, 1))
    assert first is not None and second is not None and second["x"] >= first["x"] + first["width"] + 4
    page.screenshot(path=str(artifacts_dir / "review-finance-en.png"), full_page=True)
    # the menu in one row at 1280 px in English, beside or above an office's long name (it stood four rows high)
    page.set_viewport_size({"width": 1280, "height": 900})
    groups = [b for b in (s.bounding_box() for s in page.locator("header.top nav > *").all()) if b]
    tops = [b["y"] for b in groups]
    assert len(groups) >= 4 and max(tops) - min(tops) < 8, groups  # a second row would sit ~20 px lower
    page.screenshot(path=str(artifacts_dir / "review-header-en-1280.png"))


def test_the_patent_page_marks_a_field_the_record_lacks(client, env):
    login_as(client, env.engine, "cd_leader")
    html = client.get(f"/patents/{env.numbers['wuhou']}?lang=en").text  # no agency, inventors given
    assert re.search(r"<dt>Agency</dt><dd>—</dd>", html)
    assert not re.search(r"<dd>\s*</dd>", html.split('class="biblio"', 1)[1].split("</dl>", 1)[0])


def test_a_county_without_sub_regions_says_so_instead_of_empty_panels(client, env):
    login_as(client, env.engine, "wuhou")
    for lang, words in (("en", "no sub-regions"), ("zh", "没有下级行政区划")):
        cockpit = client.get(f"/cockpit?region=510107&lang={lang}").text
        assert 'id="children-table"' not in cockpit
        for panel in ("map-none", "ranking-none"):
            found = re.search(rf'id="{panel}"[^>]*>(.*?)</p>', cockpit, re.S)
            assert found is not None and words in found.group(1), (lang, panel)
        region = client.get(f"/regions/510107?lang={lang}").text
        assert words in re.search(r'id="children-none"[^>]*>(.*?)</p>', region, re.S).group(1), lang  # type: ignore[union-attr]


def test_cockpit_charts_do_not_repeat_their_cards_heading_and_values_sit_right(client, env):
    """A chart in a card drew its own title under the card's heading ("Map" twice, "Ranking" twice);
    the static image keeps it. The indicator panel's values sit right like every number column."""
    import json

    login_as(client, env.engine, "cd_leader")
    html = client.get("/cockpit?region=510100&lang=en").text
    specs = dict(re.findall(r'<script type="application/json" data-chart-for="([^"]+)">(.*?)</script>', html, re.S))
    assert {"chart-map", "chart-trend", "chart-ranking"} <= set(specs)
    for name in ("chart-map", "chart-trend", "chart-ranking"):
        assert "title" not in json.loads(specs[name]), name
    from zhichan.indicators import charts

    assert charts.trend_chart({"trend": [{"year": 2024, "applications": 1, "invention_grants": 1}]}, "en").spec()["title"]
    panel = html.split('id="indicator-table"', 1)[1].split("</table>", 1)[0]
    assert '<th class="num">Value</th>' in panel and len(re.findall(r'<td class="num"[^>]*><a class="records-link"', panel)) >= 3
    tile = re.search(r'valid_inventions_per_10k/records\?as_of=[0-9-]+">([^<]*)</a>', html)
    assert tile is not None and re.fullmatch(r"[0-9,]+\.[0-9]{2}", tile.group(1)), tile  # as the tables show it


def test_an_indicator_that_cannot_be_computed_says_so_without_a_unit(client, env):
    """青羊区 has no patents: the share of high-value inventions has nothing to divide by. It showed "not available
    yet %" (the unit after a missing value, and "yet" promising a number no data will give); it still links to its
    records (the definition's numerator and denominator, none of them), as every figure does. The top holders showed
    "None"."""
    login_as(client, env.engine, "cd_leader")
    for lang, words, unit, holders in (("en", "Cannot be computed", "%", "holds a valid invention"),
                                       ("zh", "无法计算", "%", "没有持有有效发明专利")):
        cockpit = client.get(f"/cockpit?region=510105&lang={lang}").text
        row = re.search(r'<tr data-code="high_value_share">(.*?)</tr>', cockpit, re.S)
        assert row is not None, lang
        cell = re.split(r'<td class="num"[^>]*>', row.group(1), maxsplit=1)[1].split("</td>", 1)[0]
        assert words in _visible_text(cell) and unit not in _visible_text(cell), cell
        assert 'href="/regions/510105/indicators/high_value_share/records?as_of=' in cell, cell
        assert holders in _visible_text(re.search(r'id="top-holders-none">(.*?)</p>', cockpit, re.S).group(1)), lang  # type: ignore[union-attr]
        page = client.get(f"/regions/510105/indicators?lang={lang}").text
        assert words in _visible_text(page) and "Not available yet" not in page, lang
        records = client.get(f"/regions/510105/indicators/high_value_share/records?lang={lang}")
        assert records.status_code == 200, lang


@pytest.mark.browser
def test_pages_fit_a_phone_and_form_fields_hold_a_company_name(page, artifacts_dir: Path) -> None:
    """At 390 px the cockpit (its charts and its two-column grid), a service catalogue, a filtered case list and
    the search page widened the page past the screen (a 645 px pledge register made the whole page scroll
    sideways): every list now stacks its rows (app.css). A stacked form's text field was 172 px wide and cut
    a twelve-character company name."""
    sign_in(page, "wuhou_officer")
    page.set_viewport_size({"width": 390, "height": 844})
    # the certificate check: its digest field (70 characters) and the log key's fingerprint widened it to 568 px
    for path in ("/cockpit?region=510107", "/services", "/protection/cases", "/search?q=电池", "/todo", "/evidence/verify"):
        for lang in ("zh", "en"):
            # loaded, and no part of it still on its way (HTMX marks an element whose request runs): networkidle's
            # half second of quiet per page was half the test's time
            page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}", wait_until="load")
            page.wait_for_function("!document.querySelector('.htmx-request')")
            width = page.evaluate("document.documentElement.scrollWidth")
            name = path.strip("/").split("?")[0].replace("/", "-")
            page.screenshot(path=str(artifacts_dir / f"review-phone-{name}-{lang}.png"), full_page=True)
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right
                > document.documentElement.clientWidth + 1 && !e.closest('table.list, .chart, .menu-items'))
                .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))""")
            assert width <= 391, (path, lang, width, wide[:6])
            if path.startswith("/cockpit"):  # two key figures a row, not one half-empty row each
                tops = page.evaluate("[...document.querySelectorAll('.kpis .kpi')].slice(0, 2).map(k => k.getBoundingClientRect().top)")
                assert len(tops) == 2 and tops[0] == tops[1], tops
            # the header's language switch and sign-out read on one line (中文 stood one character a line)
            lines = """['lang-switch', 'logout'].map(i => { const r = document.createRange();
                r.selectNodeContents(document.getElementById(i)); return new Set([...r.getClientRects()].map(c => c.top)).size; })"""
            assert page.evaluate(lines) == [1, 1], (path, lang, page.evaluate(lines))
            # a badge (a state, 合成数据) reads whole: in a narrow column 已提交 stood one character a line
            assert page.evaluate("[...document.querySelectorAll('.badge')].every(b => getComputedStyle(b).whiteSpace === 'nowrap')")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    sign_in(page, "ent_user", then="/procedures/services.search_service/new?lang=en")
    field = page.locator("#start-applicant")
    field.fill("南通信方测控技术有限公司")
    assert field.evaluate("e => e.scrollWidth <= e.clientWidth"), field.evaluate("e => [e.scrollWidth, e.clientWidth]")
    page.screenshot(path=str(artifacts_dir / "review-apply-form-en.png"), full_page=True)


def _public_rows(env) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A row on each public list that has one to show: a published decision (锦江区's dispute), a listing and its
    auction, a technology need; the addresses of the decision's case and the auction."""
    from tests.web.test_web_languages import _act, _post
    from tests.web.test_web_scope import _jinjiang_case
    from zhichan.evidence.service import utcnow
    from zhichan.legaltime import china_date
    from zhichan.web.testing import _patents

    dispute, _ = _jinjiang_case(env)
    today = china_date(utcnow()).isoformat()
    for event, fields, docs, slot in (("accept", {"panel": "张三、李四、王五"}, (), "doc"),
                                      ("serve", {"received_on": today}, ("送达回证",), "doc"),
                                      ("answer", {}, ("答辩书",), "extra"), ("forward_answer", {}, (), "doc"),
                                      ("decide", {"ruling": "驳回请求"}, ("裁决书",), "doc"),
                                      ("publish", {"redaction": "已审查，裁决书原文公开"}, (), "doc")):
        _act(env, "jinjiang_officer", dispute, event, fields, docs, slot=slot)
    with env.client() as client:
        login_as(client, env.engine, "ent_user")
        listing = _post(client, "/exchange/listings/new", {
            "asset_kind": "patent", "number": str(_patents()[3]["application_number"]), "mode": "sale",
            "price": "800000", "description": "成套技术转让"}, "/exchange/listings/new")
        auction = _post(client, f"{listing}/auctions", {"starting_price": "500000", "increment": "10000",
                                                        "deposit": "50000", "closes_at": "2099-01-01T10:00"}, listing)
        _post(client, "/exchange/needs", {"title": "固态电解质", "text": "需要固态电池电解质技术", "industry": "新能源",
                                          "budget": "2000000", "region": ""}, "/exchange/needs")
    return {"case": f"/cases/{dispute}", "auction": auction}


#: the cells of a stacked list (390 px) that show no label, or another than their column's name: the header's last row
#: (its heading's own data-label where it gives one); a cell spanning columns, one a template wrote data-label="" on
#: (it reads without one) and one under a heading with no name are left out, and so is a list of two or three columns,
#: which stays a table (held to the screen's width like every table)
_UNLABELLED = """() => [...document.querySelectorAll('main table.list')].filter(t => t.tHead
        && getComputedStyle(t).display === 'block').flatMap(t => {
    const names = [];
    for (const th of t.tHead.rows[t.tHead.rows.length - 1].cells) {
        const name = (th.hasAttribute('data-label') ? th.getAttribute('data-label') : th.textContent).replace(/\\s+/g, ' ').trim();
        for (let i = 0; i < th.colSpan; i++) { names.push(name); }
    }
    return [...t.tBodies].flatMap(b => [...b.rows]).flatMap(row => {
        let column = 0;
        return [...row.cells].map(cell => { const at = column; column += cell.colSpan; return [cell, names[at]]; });
    }).filter(([cell, name]) => cell.tagName === 'TD' && cell.colSpan === 1 && name && cell.getAttribute('data-label') !== ''
        && cell.textContent.trim() && getComputedStyle(cell).display !== 'none'
        && getComputedStyle(cell, '::before').content !== JSON.stringify(name))
      .map(([cell, name]) => `${t.id || t.className} ${name}: ${getComputedStyle(cell, '::before').content}`);
})"""


#: a Chinese term broken inside it at 390 px: a table heading, or a region's name in the cockpit's ranking, whose text
#: runs on to a next line between two Chinese characters (有效发明专|利 over the cockpit's holders, 龙泉|驿区 beside
#: the per-10k column's heading) — a heading breaks only at a space or a bracket (app.css: keep-all)
_BROKEN_TERMS = r"""() => [...document.querySelectorAll('main table.list th, main .zc-report th, #children-table td:first-child')].flatMap(cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement.closest('.scaled-note, .muted, small')) { continue; }  // a note under the name, a sentence
        const text = node.textContent;
        let top = null;
        for (let i = 0; i < text.length; i++) {
            const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
            const box = r.getBoundingClientRect();
            if (!box.width) { continue; }
            if (top !== null && Math.round(box.top) > top + 2 && /[\u4e00-\u9fff]/.test(text[i])
                && /[\u4e00-\u9fff]/.test(text[i - 1] || '')) {
                found.push(`${cell.closest('table').id || 'table'}: ${text.slice(0, i).trim()}|${text.slice(i).trim()}`);
            }
            top = Math.round(box.top);
        }
    }
    return found;
})"""


def _phone_cuts(page, paths: list[str], langs: tuple[str, ...], artifacts_dir: Path, tag: str,  # type: ignore[no-untyped-def]
                scripts: bool = True) -> list[tuple]:
    """The pages among ``paths`` that at 390 px are wider than the screen, hold a table wider than its box (a column
    cut at the screen's edge, or scrolled off inside the table's box with no sign of it) or a stacked cell without its
    column's name. ``scripts=False``: ``page`` runs no JavaScript (a list's labels come with the page)."""
    page.set_viewport_size({"width": 390, "height": 844})
    cut = []
    for path in paths:
        for lang in langs:
            # loaded, and no part of it still on its way (HTMX marks an element whose request runs): networkidle's
            # half second of quiet per page was half the test's time
            page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}", wait_until="load")
            if scripts:
                page.wait_for_function("!document.querySelector('.htmx-request')")
            width = page.evaluate("document.documentElement.scrollWidth")
            tables = page.evaluate("""() => [...document.querySelectorAll('main table')].filter(t => t.rows.length > 1
                && t.scrollWidth > t.clientWidth + 1).map(t => `${t.id || t.className} ${t.scrollWidth}/${t.clientWidth}`)""")
            unlabelled = page.evaluate(_UNLABELLED) + page.evaluate(_BROKEN_TERMS)
            if width > 391 or tables or unlabelled:
                name = re.sub(r"[^\w]+", "-", path.strip("/"))
                page.screenshot(path=str(artifacts_dir / f"review-phone-{tag}-{name}-{lang}.png"), full_page=True)
                cut.append((path, lang, width, tables, unlabelled[:4]))
    return cut


@pytest.mark.browser
def test_public_lists_fit_a_phone_without_a_column_cut_off(page, env, chromium, live_server: str,  # type: ignore[no-untyped-def]
                                                          artifacts_dir: Path) -> None:
    """Every public page with a table (found from the app's routes, so a new one is held to it), signed out, at 390 px:
    the page no wider than the screen, no table wider than its box and each stacked cell labelled with its column's
    name. The published decisions cut a decision's parties at the screen's edge and hid its dates (so did the credit
    list and the exchange's listings, auctions and needs): the test above loads signed-in pages only (the one below
    holds them to the same); a list stacks its rows now. So too in a browser that runs no JavaScript: app.js had
    copied the labels into the cells, and without it a stacked list's values stood without their columns' names."""
    from tests.web.test_web_languages import _get_routes

    _public_rows(env)
    with env.client() as client:  # signed out: the pages anyone sees, with a table
        paths = sorted(p for p in set(_get_routes(env.app)) if "{" not in p
                       for r in [client.get(p, follow_redirects=False)]
                       if r.status_code == 200 and "text/html" in r.headers.get("content-type", "") and "<table" in r.text)
    assert {"/protection/decisions", "/exchange/auctions", "/exchange/needs", "/exchange/listings"} <= set(paths), paths
    assert not (cut := _phone_cuts(page, paths, ("zh", "en"), artifacts_dir, "public")), cut
    context = chromium.new_context(base_url=live_server, java_script_enabled=False, locale="zh-CN")
    try:
        cut = _phone_cuts(context.new_page(), paths, ("zh", "en"), artifacts_dir, "public-no-js", scripts=False)
    finally:
        context.close()
    assert not cut, cut


def _bids_and_a_fund_ledger(env, auction: str) -> None:  # type: ignore[no-untyped-def]
    """Two bids on the auction (锦江区's enterprise), and a fund (重庆's, declared with the platform) with a deposit, a
    loan, its claim paid: two ledger rows and a loan with its claim's arithmetic."""
    from tests.web.test_web_languages import _post

    with env.client() as client:
        login_as(client, env.engine, "ent2_user")
        _post(client, f"{auction}/deposit", {}, auction)
        for amount in ("500000", "510000"):
            _post(client, f"{auction}/bids", {"amount": amount}, auction)
        login_as(client, env.engine, "root")
        fund = "/finance/funds/chongqing"
        _post(client, f"{fund}/deposit", {"amount": "5000000"}, fund)
        _post(client, f"{fund}/enrol", {"borrower": "重庆示例科技有限公司", "bank": "重庆示例银行股份有限公司",
                                         "principal": "4000000", "fee_rate": "0.01", "ip_collateral": "3000000",
                                         "collateral": "4000000", "enterprise_type": "small"}, fund)
        loan = re.search(r'/loans/(\d+)/claim', client.get(fund).text).group(1)  # type: ignore[union-attr]
        for action, data in (("claim", {"principal_loss": "1000000"}), ("approve", {}), ("pay", {})):
            _post(client, f"{fund}/loans/{loan}/{action}", data, fund)


@pytest.mark.browser
@pytest.mark.browser
def test_a_long_office_name_wraps_the_phone_header_instead_of_widening_it(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """"Bureau leader · Sichuan Intellectual Property Administration" (the bureaus' English names since
    orgs.bureau_name_en) held the sign-out button 7 px past a 390 px screen: the user's line wraps on a phone."""
    from sqlalchemy import select

    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import bureau_name_en
    from zhichan.web.testing import PASSWORD, _password_hash

    with session_scope(env.engine) as s:  # a leader of a bureau named as long as Sichuan's, with the demo's user name
        bureau = s.scalar(select(Organization).where(Organization.region_code == "510100",
                                                     Organization.kind == OrgKind.CITY))
        bureau.name_en = bureau_name_en("510000")  # type: ignore[union-attr]
        create_user(s, username="demo_province_leader", password=PASSWORD, role=Role.BUREAU_LEADER, org=bureau,
                    password_hash=_password_hash())
    sign_in(page, "demo_province_leader", then="/todo")
    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("en", "zh"):
        page.goto(f"/todo?lang={lang}", wait_until="load")
        page.screenshot(path=str(artifacts_dir / f"review-phone-header-{lang}.png"))
        right = page.evaluate("document.getElementById('logout').getBoundingClientRect().right")
        assert page.evaluate("document.documentElement.scrollWidth") <= 391 and right <= 390, (lang, right)


def test_the_lists_a_signed_in_phone_user_opens_fit_a_phone(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px, every page with a table an enterprise, a bank and the national administrator (an officer's pages, and
    more) open, found from the app's routes (so a new one is held to it), and the pages of a case, an auction with bids
    and a fund with its ledger: the page no wider than the screen and no table wider than its box. An auction's bids cut their
    evidence column, a fund's ledger and loans scrolled sideways in their boxes, an enterprise's rights, the pledge
    register, the talent pool and a programme's results hid their last columns so: every list stacks its rows on a
    phone now (app.css), the signed-out pages' lists as the test above holds them. English, whose words are longer."""
    from tests.web.test_web_languages import _get_routes

    rows = _public_rows(env)
    _bids_and_a_fund_ledger(env, rows["auction"])
    routes = sorted(p for p in set(_get_routes(env.app)) if "{" not in p)
    cut, checked = [], set()
    # each page once, as the first of them who sees a table on it (its columns are the same for the others)
    for user, own in (("ent2_user", [rows["auction"]]), ("cd_bank", []), ("root", ["/finance/funds/chongqing", rows["case"]])):
        with env.client() as client:
            login_as(client, env.engine, user)
            paths = [p for p in own + [p for p in routes if p not in checked]
                     for r in [client.get(f"{p}?lang=en", follow_redirects=False)]
                     if r.status_code == 200 and "text/html" in r.headers.get("content-type", "")
                     and re.search(r"<main>.*<table", r.text, re.S)]
        assert set(own) <= set(paths), (user, own, paths)
        checked |= set(paths)
        page.context.clear_cookies()
        sign_in(page, user, then="/account")
        cut += _phone_cuts(page, paths, ("en",), artifacts_dir, user)
    assert not cut, cut


def test_empty_lists_say_why_instead_of_none(client, env):
    """Lists that were empty said only "None" (无): each now says what is missing and, where a page offers it,
    how to make one; the inspection form names its default area instead of giving only its code."""
    login_as(client, env.engine, "wuhou_officer")
    for lang, texts in (("en", {"/credit/inspections": ("No random inspection has been drawn yet", "Wuhou District 510107"),
                                "/talent/panels": ("No expert panel has been drawn yet",),
                                "/regions/510105/indicators/valid_inventions/records": ("No record counts towards",)}),
                        ("zh", {"/credit/inspections": ("尚未抽取随机检查", "武侯区 510107"),
                                "/talent/panels": ("尚未抽取专家组",),
                                "/regions/510105/indicators/valid_inventions/records": ("没有记录计入这个数",)})):
        for url, wanted in texts.items():
            if url.startswith("/regions"):
                login_as(client, env.engine, "cd_leader")
            page = client.get(f"{url}?lang={lang}")
            assert page.status_code == 200, (url, page.status_code)
            text = _visible_text(_main(page.text))
            assert all(w in text for w in wanted) and "None" not in text.split() and "无" not in text.split(), (url, lang, text[:600])
        login_as(client, env.engine, "wuhou_officer")


@pytest.mark.browser
def test_cockpit_charts_fit_a_phone(page, artifacts_dir: Path) -> None:
    """At 390 px the city cockpit's charts were drawn at their declared width inside a box that scrolls: the trend's
    last two years and its legend, the map's right side and the ranking's axis title were cut off. A chart wider
    than its box is now drawn again at the box's width."""
    sign_in(page, "cd_leader")
    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("zh", "en"):
        page.goto(f"/cockpit?region=510100&lang={lang}")
        page.wait_for_function("[...document.querySelectorAll('.chart')].every(c => c.getAttribute('data-rendered') === '1')")
        page.screenshot(path=str(artifacts_dir / f"review-phone-cockpit-city-{lang}.png"), full_page=True)
        sizes = page.evaluate("""() => [...document.querySelectorAll('.chart')].map(c => [c.id,
            Math.round(c.querySelector('svg').getBoundingClientRect().width), c.clientWidth])""")
        assert len(sizes) >= 3, sizes
        assert all(svg <= box + 1 for _, svg, box in sizes), (lang, sizes)
        # the ranking's three columns and the holders' two stay tables, within the screen (stacked, a ranking of 21
        # regions stood 63 lines); the official indicators' four stack
        assert page.evaluate("""() => ['children-table', 'top-holders'].map(id => document.getElementById(id)).map(t =>
            [getComputedStyle(t).display, t.getBoundingClientRect().right <= 390])""") == [["table", True]] * 2, lang
        assert page.evaluate("document.documentElement.scrollWidth") <= 391, lang
        # and their terms read whole: the holders' heading broke 有效发明专|利, the ranking's 有效发明|专利 and, that one
        # kept whole, 龙泉|驿区 beside the per-10k column's heading (the demo's longer names at 390 px, this test's at a
        # narrower phone's 360 and 320)
        for width in (390, 360, 320):
            page.set_viewport_size({"width": width, "height": 844})
            assert not page.evaluate(_BROKEN_TERMS), (lang, width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (lang, width)
        page.set_viewport_size({"width": 390, "height": 844})
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/cockpit?region=510100&lang=zh")  # a wide screen keeps the declared size (the trend is 400 px wide)
    page.wait_for_function("document.getElementById('chart-trend').getAttribute('data-rendered') === '1'")
    assert page.evaluate("document.querySelector('#chart-trend svg').getBoundingClientRect().width") > 420


def test_another_districts_page_is_refused_by_name(client, env):
    """A district officer opening another district's cockpit read "出错了 (403)" / "Something went wrong" and a bare
    region code: the refusal now says what it is and names the district, in the page's language."""
    login_as(client, env.engine, "wuhou_officer")
    for lang, heading, named in (("zh", "无权查看 (403)", "无权查看锦江区（510104）的数据"),
                                 ("en", "Not permitted (403)", "Jinjiang District (510104) is outside your organization's area")):
        page = client.get(f"/cockpit?region=510104&lang={lang}")
        assert page.status_code == 403
        text = _visible_text(_main(page.text))
        assert heading in text and named in text, (lang, text[:300])
        missing = client.get(f"/cases/999999?lang={lang}")
        assert missing.status_code == 404 and ("未找到 (404)" if lang == "zh" else "Not found (404)") in missing.text


def test_the_cockpits_top_holders_mark_synthetic_holders_as_fictional(client, env):
    """A ranking of holders from synthetic data says so, row by row and under the table (a synthetic 浙江大学 once
    topped the national list); a holder of real records carries no mark."""
    from zhichan.web.testing import JINJIANG_ENTERPRISE, WUHOU_ENTERPRISE

    login_as(client, env.engine, "cd_leader")
    for lang, badge, note in (("zh", "合成数据", "名称不指代任何真实机构"), ("en", "Synthetic data", "do not refer to any real institution")):
        html = client.get(f"/cockpit?region=510100&lang={lang}").text
        rows = {_visible_text(r.split("</td>", 1)[0]).strip(): r for r in
                html.split('id="top-holders"', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]}
        synthetic = next(r for name, r in rows.items() if name.startswith(WUHOU_ENTERPRISE))
        real = next(r for name, r in rows.items() if name.startswith(JINJIANG_ENTERPRISE))
        assert f'<span class="badge synthetic small">{badge}</span>' in synthetic, lang
        assert "badge synthetic" not in real, lang
        assert note in _visible_text(re.search(r'id="top-holders-synthetic">(.*?)</p>', html, re.S).group(1)), lang  # type: ignore[union-attr]


def test_a_year_on_year_without_a_percentage_says_so(client, env):
    """The cockpit's and the indicator list's 同比 cell was empty where a year earlier the value was 0 (Wuhou's
    high-value patents in the demo): a blank a bureau reads as missing data. It now reads "—" with the reason."""
    login_as(client, env.engine, "cd_leader")
    values = client.get("/api/v1/cockpit?region=510107").json()["indicators"]["values"]
    none = [v["code"] for v in values
            if (v["yoy_change"] if v["unit"] == "%" else v["yoy_change_pct"]) is None]  # a share's reads in points
    assert none, "the test corpus has an indicator without a year-on-year percentage in Wuhou"
    for lang, help_text in (("zh", "无同比百分比"), ("en", "No percentage")):
        for url in (f"/cockpit?region=510107&lang={lang}", f"/regions/510107/indicators?lang={lang}"):
            html = client.get(url).text
            for code in none:
                row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S)
                assert row is not None, (url, code)
                cell = re.split(r'<td class="yoy[^"]*"[^>]*>', row.group(1), maxsplit=1)[1].split("</td>", 1)[0]
                assert _visible_text(cell, attributes=False).strip() == "—" and help_text in cell, (url, code, cell)


def test_a_shares_year_on_year_reads_in_percentage_points(client, env):
    """高价值发明专利占比 41.38 % read "-0.7%" beside it: the relative change of a share, which a bureau reads as
    percentage points (41.38 − 41.67 = −0.3 个百分点). A share's 同比 is its change in points; a count's stays relative."""
    login_as(client, env.engine, "cd_leader")
    values = client.get("/api/v1/cockpit?region=510100").json()["indicators"]["values"]
    shares = [v for v in values if v["unit"] == "%" and v["yoy_change"] is not None]
    counts = [v for v in values if v["unit"] != "%" and v["yoy_change_pct"] is not None]
    assert shares and counts, "the test corpus has a share and a count with a year-on-year change in Chengdu"
    for lang, points in (("zh", "个百分点"), ("en", "pp")):
        for url in (f"/cockpit?region=510100&lang={lang}", f"/regions/510100/indicators?lang={lang}"):
            html = client.get(url).text
            for v, expected in [(v, f"{v['yoy_change']:+.1f} {points}") for v in shares] + \
                               [(v, f"{v['yoy_change_pct']:+.1f}%") for v in counts]:
                row = re.search(rf'<tr data-code="{v["code"]}">(.*?)</tr>', html, re.S)
                assert row is not None, (url, v["code"])
                cell = re.split(r'<td class="yoy[^"]*"[^>]*>', row.group(1), maxsplit=1)[1].split("</td>", 1)[0]
                assert _visible_text(cell, attributes=False).strip() == expected, (url, v["code"], cell)


def test_a_count_of_one_reads_in_the_singular(client, env):
    """English indicator tables read "1 patents" (the demo's Chengdu districts): a unit is a plural message, its form
    chosen by the value — 1 patent, 0 or 2 patents, 15.06 patents (a decimal reads plural); Chinese has one form."""
    from zhichan.web.i18n import translate

    assert translate("en", "unit.件.domestic_patents", n=1) == "patent"
    assert [translate("en", "unit.件.domestic_patents", n=n) for n in (0, 2, 15.06, 1.0)] == ["patents"] * 4
    assert translate("en", "unit.件.domestic_patents") == "patents" and translate("zh", "unit.件.domestic_patents", n=1) == "件"
    login_as(client, env.engine, "cd_leader")
    found = {region: [v["code"] for v in client.get(f"/api/v1/regions/{region}/indicators").json()["indicators"]
                      if v["value"] == 1 and isinstance(v["value"], int) and v["unit"] == "件"]
             for region in ("510107", "510104", "510100")}
    region, ones = next((r, codes) for r, codes in found.items() if codes)
    for url in (f"/regions/{region}/indicators?lang=en",):
        html = client.get(url).text
        for code in ones:
            row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S)
            assert row is not None, (url, code)
            value = _visible_text(re.split(r'<td class="num"[^>]*>', row.group(1), maxsplit=1)[1].split("</td>", 1)[0], attributes=False)
            assert " ".join(value.split()) == "1 patent", (url, code, value)


#: a table cell squeezed to a character a line at phone width: at least 4 characters in a cell under 2.6 of its
#: font's em wide and over 3.5 em tall (a Chinese text breaks between any two characters, so the browser gave its
#: column what the columns that never wrap — numbers, dates, a patent number — left over)
_SQUEEZED = """() => [...document.querySelectorAll('main table td, main table th')].filter(c => {
    const text = c.innerText.trim(), box = c.getBoundingClientRect(), em = parseFloat(getComputedStyle(c).fontSize);
    return text.length >= 4 && box.width > 0 && box.width < 2.6 * em && box.height > 3.5 * em;
}).map(c => `${(c.closest('table') || {}).id} ${c.innerText.trim().slice(0, 20)} ${Math.round(c.getBoundingClientRect().width)}px`)"""


@pytest.mark.browser
def test_signed_in_lists_never_stand_a_column_one_character_a_line_on_a_phone(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px a case officer's to-do list stood its procedure (知识产权投诉举报) one character a line, and so did the
    bank's pledge register its pledgor and pledgee, an enterprise's own page its rights: every list stacks its rows on
    a phone, each cell a line as wide as the screen."""
    from tests.web.test_web_scope import _jinjiang_case

    _jinjiang_case(env)  # a patent dispute awaiting 锦江区's step
    page.set_viewport_size({"width": 390, "height": 844})
    squeezed, looked = [], []
    for user, paths in (("jinjiang_officer", ("/todo", "/protection/cases", "/services/applications")),
                        ("cd_bank", ("/finance",)), ("ent_user", ("/enterprise",))):
        page.context.clear_cookies()
        sign_in(page, user, then="/todo")
        for path in paths:
            for lang in ("zh", "en"):
                page.goto(f"{path}?lang={lang}")
                page.wait_for_load_state("load")
                if page.locator("main table td").count():
                    looked.append((user, path))
                page.screenshot(path=str(artifacts_dir / f"review-phone-list-{user}-{path.strip('/').replace('/', '-')}-{lang}.png"),
                                full_page=True)
                cells = page.evaluate(_SQUEEZED)
                if cells:
                    squeezed.append((user, path, lang, cells[:4]))
    assert ("jinjiang_officer", "/todo") in looked and ("jinjiang_officer", "/protection/cases") in looked, looked
    assert not squeezed, squeezed


def test_subsidy_programmes_name_their_area(client, env):
    """The public list of subsidy programmes gave a programme's area as its code (510100)."""
    for lang, name in (("zh", "成都市"), ("en", "Chengdu")):
        html = client.get(f"/services/subsidies?lang={lang}").text
        areas = re.findall(r'class="programme-area"[^>]*>([^<]*)</td>', html)
        assert areas and all(a == name for a in areas), (lang, areas)


def test_a_synthetic_case_reads_the_same_badge_on_every_list(client, env):
    """The same demo case was 合成数据 on the to-do list and the case page but 合成演示数据 on the protection case list
    (and its published decision): one badge, one wording."""
    from tests.web.test_web_scope import _jinjiang_case
    from zhichan.procedures.models import Case

    case_id, _ = _jinjiang_case(env)
    with session_scope(env.engine) as s:
        case = s.get(Case, case_id)
        assert case is not None
        case.synthetic = True
    login_as(client, env.engine, "jinjiang_officer")
    for lang in ("zh", "en"):
        badges = {path: set(re.findall(r'<span class="badge synthetic[^"]*"[^>]*>([^<]+)</span>', client.get(f"{path}?lang={lang}").text))
                  for path in ("/todo", "/protection/cases", f"/cases/{case_id}")}
        assert all(badges.values()) and len(set.union(*badges.values())) == 1, (lang, badges)


@pytest.mark.browser
def test_a_tables_column_names_read_whole_on_a_wide_screen(page, artifacts_dir: Path) -> None:
    """At 1280 px an indicator's records squeezed their column names beside cells that never wrap: 事件类型 stood two
    characters a line, 金额（元） in two parts. A column's name now reads on one line there (the table scrolls in its
    box, a line over it saying so while columns lie to its right), and elsewhere a short Chinese name breaks nowhere
    inside itself; no page grows wider than the screen. At phone width every table stacks as before (its header hidden)."""
    records = "/regions/510107/indicators/ip_pledge_count/records?as_of=2019-12-31"
    sign_in(page, "wuhou_officer", then=f"{records}&lang=zh")
    page.set_viewport_size({"width": 1280, "height": 900})
    lines = """sel => [...document.querySelectorAll(sel)].filter(th => th.textContent.trim()).map(th => {
        const r = document.createRange(); r.selectNodeContents(th);
        return [th.textContent.trim(), new Set([...r.getClientRects()].map(c => Math.round(c.top))).size]; })"""
    for path in (records, "/regions/510107/indicators", "/cockpit?region=510107", "/protection/cases",
                 "/services", "/search?q=电池"):
        for lang in ("zh", "en"):
            page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}", wait_until="load")
            page.wait_for_function("!document.querySelector('.htmx-request')")
            name = re.sub(r"[^\w]+", "-", path.strip("/"))[:60]
            page.screenshot(path=str(artifacts_dir / f"review-wide-{name}-{lang}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280, (path, lang)
            heads = page.evaluate(lines, "main table.list th")
            assert heads, (path, lang)
            if path == records:
                names = [text for text, _ in heads]
                assert ("事件类型" if lang == "zh" else "Event type") in names and any("（元）" in n or "(yuan)" in n for n in names)
                assert all(n == 1 for _, n in heads), (lang, heads)
                # wider than its box (in English), the table says so while columns lie to its right (they scrolled
                # off unannounced); where it fits (in Chinese), nothing
                box, more = page.locator(".table-scroll"), page.locator(".table-scroll > .scroll-more")
                scrolls = box.evaluate("b => b.scrollWidth > b.clientWidth + 1")
                assert scrolls is (lang == "en") and more.is_visible() is scrolls, lang
                if scrolls:
                    assert more.inner_text() == "Scroll right for more columns →"
                    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
                    page.wait_for_function("getComputedStyle(document.querySelector('.table-scroll > .scroll-more')).display === 'none'")
            elif lang == "zh":
                short = [(text, n) for text, n in heads if len(text) <= 6 and not re.search(r"[\s（(]", text)]
                assert all(n == 1 for _, n in short), (path, short)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{records}&lang=zh", wait_until="load")
    assert page.locator("#records-table thead").evaluate("e => getComputedStyle(e).display") == "none"
    assert not page.locator(".table-scroll > .scroll-more").is_visible()  # stacked, nothing lies beyond its box
    assert page.locator("#records-table td.col-event_type").first.get_attribute("data-label") == "事件类型"
