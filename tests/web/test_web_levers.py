"""A region's levers page (10-year mark, annuities due, top holders): the numbers of ``zhichan.indicators.levers``, the
same the CLI prints; scoped, paged, exported in the page's language, its JSON twin; and amount figures in 万元."""

from __future__ import annotations

import csv
import html as html_text
import io
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.money import figure_amount
from zhichan.platform.portal import region_display_name
from zhichan.web.testing import login_as

AS_OF = "2024-03-07"  # the web template's data end
WIDE = f"as_of={AS_OF}&ten_months=120&annuity_months=12"

pytestmark = pytest.mark.one_database("the levers read the corpus (DuckDB); the audit row of an export is tested on "
                                      "both databases by the records export")


def _csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_page_api_exports_and_cli_agree(env, client, tmp_path: Path) -> None:
    login_as(client, env.engine, "cd_leader")
    api = client.get(f"/api/v1/regions/510100/levers?{WIDE}").json()
    assert api["code"] == "510100" and api["as_of"] == AS_OF
    runner = CliRunner(env={"COLUMNS": "300"})
    for lever, command, months, date in (("ten_years", "ten-years", 120, "ten_year_date"),
                                         ("annuity", "annuity", 12, "due_date")):
        out = tmp_path / f"{lever}.csv"
        done = runner.invoke(app, ["indicators", "levers", command, "-r", "510100", "--months", str(months),
                                   "--as-of", AS_OF, "--out", str(out)])
        assert done.exit_code == 0, done.output
        cli = _csv(out.read_bytes())
        assert cli and api[lever]["total"] == len(cli)
        exported = _csv(client.get(f"/regions/510100/levers/{lever}.csv?as_of={AS_OF}&months={months}").content)
        # the same patents in the same order, with the same dates, in the page's language (Chinese headers)
        assert [(r["申请号"], r[{"ten_years": "满10年日期", "annuity": "年费到期日"}[lever]]) for r in exported] == \
            [(r["application_number"], r[date]) for r in cli]
        first = api[lever]["rows"]
        assert [r["application_number"] for r in first] == [r["application_number"] for r in cli[:20]]
        assert [r["holder"]["name"] for r in first] == [r["first_patentee"] for r in cli[:20]]
        # a region's code kept in its column, its name beside it (as the records' files)
        assert [(r["地区"], r["地区（名称）"]) for r in exported[:3]] == \
            [(r["region_code"], region_display_name(r["region_code"])) for r in cli[:3]]
    assert api["annuity"]["high_value"] == sum(r["is_high_value"] == "True" for r in _csv((tmp_path / "annuity.csv")
                                                                                          .read_bytes()))
    done = runner.invoke(app, ["indicators", "levers", "top", "high_value_inventions", "-r", "510100", "--as-of", AS_OF])
    assert done.exit_code == 0, done.output
    for row in api["top"]["rows"]:
        assert row["holder"]["name"] in done.output and f"{row['contribution']:,}" in done.output
    # the page shows the same counts, its patents linked to their pages
    html = client.get(f"/regions/510100/levers?{WIDE}").text
    assert f'id="ten-years-total">{api["ten_years"]["total"]:,} 件' in html
    assert f'id="annuity-total">{api["annuity"]["total"]:,} 件' in html
    assert f'href="/patents/{api["annuity"]["rows"][0]["application_number"]}"' in html


def test_paged_and_linked_from_cockpit_and_indicators(env, client, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhichan.indicators import views

    monkeypatch.setattr(views, "LEVERS_PAGE_SIZE", 5)  # the web template's 18 annuities due in a year: four pages
    login_as(client, env.engine, "cd_leader")
    api = client.get(f"/api/v1/regions/510100/levers?{WIDE}").json()
    total = api["annuity"]["total"]
    assert total > 5 and len(api["annuity"]["rows"]) == 5
    second = client.get(f"/api/v1/regions/510100/levers?{WIDE}&annuity_page=2").json()["annuity"]
    assert second["page"] == 2 and len(second["rows"]) == min(5, total - 5)
    assert {r["application_number"] for r in second["rows"]}.isdisjoint(r["application_number"]
                                                                      for r in api["annuity"]["rows"])
    html = client.get(f"/regions/510100/levers?{WIDE}").text
    # each list its own pager: the annuities' link keeps the windows and changes only its own page
    assert 'id="annuity-pager"' in html and "annuity_page=2" in html and "ten_months=120" in html
    assert 'href="/regions/510100/levers"' in client.get("/cockpit?region=510100").text
    assert f'href="/regions/510100/levers?as_of={AS_OF}"' in client.get(f"/regions/510100/indicators?as_of={AS_OF}").text


def test_english_page_and_export(env, client) -> None:
    login_as(client, env.engine, "cd_leader")
    html = client.get(f"/regions/510100/levers?{WIDE}&lang=en").text
    assert "Valid inventions reaching 10 years" in html and "Top holders of high-value inventions" in html
    data = client.get(f"/regions/510100/levers/annuity.xlsx?as_of={AS_OF}&months=12&lang=en").content
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:4] == ["Application number", "Title", "Holder", "Legal name"] and "Annuity due" in header


def _empty_states(html: str) -> dict[str, str]:
    return {m[0]: html_text.unescape(re.sub(r"<[^>]+>", "", m[1])) for m in re.findall(r'<p class="muted empty" id="([a-z-]+-none)"[^>]*>(.*?)</p>', html)}


def test_an_empty_list_says_what_to_do_naming_the_control(env, client) -> None:
    """A lever without rows says what to do: widen its window, by the control's name, or at the widest window look from
    another day (it said only "该窗口内没有即将满10年的有效发明专利。")."""
    login_as(client, env.engine, "cd_leader")
    before = "as_of=2000-01-01"  # before every patent of the web template: every list empty
    zh = _empty_states(client.get(f"/regions/510100/levers?{before}&ten_months=1&annuity_months=12").text)
    assert zh["ten-years-none"] == ("1 个月内（至 2000-02-01）没有即将满10年的有效发明专利。"
                                    "可加大上方的“满10年窗口（月，1–120）”后提交，看更远的月份。")
    assert zh["annuity-none"].startswith("12 个月内（至 2001-01-01）没有年费到期的有效发明专利") and "“统计日”" in zh["annuity-none"]
    assert "“统计日”" in zh["top-none"] and "2000-01-01" in zh["top-none"]
    en = _empty_states(client.get(f"/regions/510100/levers?{before}&ten_months=120&annuity_months=3&lang=en").text)
    assert en["ten-years-none"].startswith("No valid invention reaches 10 years even in the widest window")
    assert 'Change "As of" above' in en["ten-years-none"]
    assert en["annuity-none"] == ("No valid invention has an annuity due in the 3-month window to 2000-04-01. "
                                  'Widen "Annuity window (months, 1–12)" above and submit to look further ahead.')


def test_bad_windows_are_refused_beside_their_field(env, client) -> None:
    login_as(client, env.engine, "cd_leader")
    page = client.get("/regions/510100/levers?annuity_months=13")
    assert page.status_code == 422 and "应不大于 12" in page.text and 'name="annuity_months"' in page.text
    assert client.get("/api/v1/regions/510100/levers?ten_months=0").status_code == 422
    assert client.get("/regions/510100/levers/annuity.csv?months=13").status_code == 400
    assert client.get("/regions/510100/levers/nothing.csv").status_code == 404


def test_a_district_sees_only_its_own(env, client) -> None:
    login_as(client, env.engine, "wuhou")
    assert client.get("/regions/510107/levers").status_code == 200
    for url in ("/regions/510104/levers", "/regions/510100/levers", "/api/v1/regions/510104/levers",
                "/regions/510104/levers/top.csv"):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(("yuan", "shown", "unit"), [
    ("90071992547409.93", "9,007,199,254.74", "wan_yuan"),  # the largest a double holds to the fen: exact
    ("65400000.00", "6,540.00", "wan_yuan"),
    ("150050.00", "15.01", "wan_yuan"),  # half-up on the displayed digit (half-even would read 15.00)
    ("150049.99", "15.00", "wan_yuan"),
    ("10000.00", "1.00", "wan_yuan"),
    ("9999.99", "9,999.99", "yuan"),  # below 10,000 元: yuan to the fen
    ("0", "0.00", "yuan"),
])
def test_amount_figures_in_wan_yuan(yuan: str, shown: str, unit: str) -> None:
    assert figure_amount(Decimal(yuan)) == (shown, unit)


def test_cockpit_shows_an_amount_in_wan_yuan_with_the_exact_yuan_one_click_away(env, client) -> None:
    """The web template's 5,000,000 元 pledge of 2019 in 武侯区: 500.00 万元 on the cockpit and region indicators, its
    exact yuan in the title and on the records page, the API's exact Decimal string."""
    login_as(client, env.engine, "cd_leader")
    for url in ("/cockpit?region=510107&as_of=2019-12-31", "/regions/510107/indicators?as_of=2019-12-31"):
        html = client.get(url).text
        row = html[html.index('data-code="ip_pledge_amount"'):]
        row = row[:row.index("</tr>")]
        assert 'title="5,000,000.00 元"' in row and ">500.00</a> 万元" in row, url
    en = client.get("/cockpit?region=510107&as_of=2019-12-31&lang=en").text
    row = en[en.index('data-code="ip_pledge_amount"'):]
    assert ">500.00</a> × 10,000 yuan" in row[:row.index("</tr>")]
    records = client.get("/regions/510107/indicators/ip_pledge_amount/records?as_of=2019-12-31&lang=zh").text
    assert 'id="indicator-value">5,000,000.00</strong> 元' in records
    values = client.get("/api/v1/cockpit?region=510107&as_of=2019-12-31").json()["indicators"]["values"]
    assert next(v["value"] for v in values if v["code"] == "ip_pledge_amount") == "5000000.00"


def test_a_holder_links_to_its_portfolio_only_where_the_viewer_may_open_it(settings, web_template) -> None:
    """The levers' patent lists named their holders without a link; the cockpit's ranking and a patent's page linked
    every one by the region of the list or patent, not the party's own: a person's key is the name, kept with one
    region, and Chengdu's leader following 吴斌 (placed in Shanghai by his two patents there) was refused (403). Every
    list links a holder where the enterprise page opens for the viewer, and only there."""
    from zhichan.corpus.testing import build_snapshot, patent
    from zhichan.web.testing import make_env

    web = make_env(settings, web_template)
    person = {"applicants": ["吴斌"], "applicant_types": ["individual"]}
    ours = patent(serial=1, application_date="2016-06-01", region_code="510107")
    his = patent(serial=2, application_date="2016-07-01", region_code="510104", **person)
    shanghai = [patent(serial=3 + i, application_date="2016-08-01", region_code="310104", **person) for i in range(2)]
    build_snapshot(settings.data_dir, patents=[ours, his, *shanghai])
    ours_key, his_key = ours["first_patentee_key"], his["first_patentee_key"]
    url = "/regions/510100/levers?as_of=2025-12-31&ten_months=120&annuity_months=12"

    def links(html: str) -> set[str]:
        return set(re.findall(r'href="/enterprises/([^"]+)"', html))

    try:
        with web.client() as c:
            login_as(c, web.engine, "cd_leader")
            html = c.get(url).text
            for table in ("ten-years-table", "annuity-table"):
                rows = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
                assert his["application_number"] in rows and ours["application_number"] in rows
                assert links(rows) == {quote(ours_key)}, rows
            cockpit = c.get("/cockpit?region=510100&as_of=2025-12-31").text.split('id="top-holders"', 1)[1]
            assert his_key in cockpit.split("</table>", 1)[0] and links(cockpit.split("</table>", 1)[0]) == {quote(ours_key)}
            assert 'id="enterprise-link"' not in c.get(f"/patents/{his['application_number']}").text
            assert 'id="enterprise-link"' in c.get(f"/patents/{ours['application_number']}").text
            for key in links(html) | links(cockpit):  # a link shown opens
                assert c.get(f"/enterprises/{key}").status_code == 200
            assert c.get(f"/enterprises/{quote(his_key)}").status_code == 403
            login_as(c, web.engine, "root")  # the nation's bureau opens both
            rows = c.get(url).text.split('id="annuity-table"', 1)[1].split("</table>", 1)[0]
            assert links(rows) == {quote(ours_key), quote(his_key)}
            assert c.get(f"/enterprises/{quote(his_key)}").status_code == 200
    finally:
        web.engine.dispose()  # type: ignore[attr-defined]


def test_a_top_holders_figure_links_to_its_own_records(env, client) -> None:
    """The cockpit's top holders' valid inventions and the levers' top holders' high-value inventions were bare
    numbers: each links to the records behind it (the indicator's records of that holder — its page, the API and the
    export count exactly the figure), named on the page as the ranking names the holder, its figure at the page's
    head and the region's beside it."""
    found = {}
    login_as(client, env.engine, "root")  # Nanjing's image-processing patents are high-value (a strategic industry)
    levers = client.get(f"/regions/320100/levers?{WIDE}").text
    found["high_value_inventions"] = re.findall(r'class="holder-records" href="([^"]+)"[^>]*>([\d,]+)<',
                                                levers.split('id="top-table"', 1)[1].split("</table>", 1)[0])
    cockpit = client.get(f"/cockpit?region=510100&as_of={AS_OF}").text
    found["valid_inventions"] = re.findall(r'class="holder-records" href="([^"]+)"[^>]*>([\d,]+)<',
                                           cockpit.split('id="top-holders"', 1)[1].split("</table>", 1)[0])
    for indicator, links in found.items():
        assert links, indicator
        for href, shown in links:
            url = html_text.unescape(href)
            assert re.match(rf"/regions/(320100|510100)/indicators/{indicator}/records\?", url) and f"as_of={AS_OF}" in url
            page = client.get(url)
            assert page.status_code == 200
            total = re.search(r'id="records-total">[^<]*?([\d,]+)', page.text)
            assert total and total.group(1) == shown, (url, shown)
            holder = re.search(r"holder=([^&]+)", url).group(1)  # type: ignore[union-attr]
            assert 'id="records-holder"' in page.text and f"&amp;holder={holder}" in page.text  # the export keeps it
            # the head says what is listed: the holder's figure, the region's below it (the region's 29 patents stood
            # as the head's figure above the holder's 4 records)
            head = re.search(r'id="holder-value">([\d,]+)</strong>', page.text)
            assert head and head.group(1) == shown and 'id="indicator-value"' not in page.text, url
            assert re.search(r'id="region-value">[^<]*<strong>[\d,.]+</strong>', page.text), url
            api = client.get(url.replace("/regions/", "/api/v1/regions/", 1)).json()
            assert api["total"] == int(shown.replace(",", "")) and api["holder"]["party_key"] == unquote(holder)
            rows = _csv(client.get(url.replace("/records?", "/records.csv?", 1)).content)
            assert len(rows) == int(shown.replace(",", ""))
            # the file says whose records it holds, by its name and on its definition sheet (it was named and
            # described as the whole region's)
            xlsx = client.get(url.replace("/records?", "/records.xlsx?", 1))
            assert f"{indicator}-" in xlsx.headers["content-disposition"]
            assert f"-{unquote(holder)}-{AS_OF}.xlsx" in unquote(xlsx.headers["content-disposition"])
            book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
            about = {k: v for k, v in book["定义"].iter_rows(values_only=True)}
            book.close()
            assert about["权利人（仅列出其记录）"] == unquote(holder) and about["记录数"] == len(rows)
    # a holder's records are scoped as the region's are: Chengdu's leader opens none of Nanjing's
    login_as(client, env.engine, "cd_leader")
    assert client.get(html_text.unescape(found["high_value_inventions"][0][0])).status_code in (403, 404)
