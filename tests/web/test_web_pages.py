"""Pages and API through the in-process app: public pages, cockpit, region, enterprise, jobs, admin, i18n."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import wait_for
from zhichan.platform import jobs
from zhichan.web.testing import (
    JINJIANG_ENTERPRISE,
    PASSWORD,
    WUHOU_ENTERPRISE,
    csrf_from,
    login,
    login_as,
    make_env,
)


def test_public_search_and_patent_page(client, env):
    r = client.get("/search", params={"q": "TI=锂离子电池"})
    assert r.status_code == 200
    assert 'id="scan-mode"' not in r.text  # the index answered
    assert env.numbers["wuhou"] in r.text
    assert 'id="synthetic-badge"' in r.text
    r = client.get(f"/patents/{env.numbers['wuhou']}")
    assert r.status_code == 200 and "一种锂离子电池负极材料0" in r.text and "质押" in r.text
    # whether it is high-value, and by which criteria: the indicators' flags at the corpus's data end
    from zhichan.indicators.high_value import high_value_flags
    from zhichan.indicators.service import data_as_of

    snap = env.app.state.corpus.require_snapshot()  # type: ignore[attr-defined]
    day = data_as_of(snap)
    rows = high_value_flags(snap, day).to_pylist()
    [plain] = [f for f in rows if f["application_number"] == env.numbers["wuhou"]]
    valued = next(f for f in rows if f["is_high_value"])
    assert f"（截至 {day}）" in re.sub(r"<[^>]+>", "", r.text.split('id="patent-high-value-as-of">', 1)[1]), day
    for flags in (plain, valued):
        page = client.get(f"/patents/{flags['application_number']}").text
        said = page.split('id="patent-high-value">', 1)[1].split("</span>", 1)[0]
        if flags["is_high_value"]:
            assert said.startswith("是：") and all((t in said) == flags[c] for c, t in (
                ("sei_flag", "战略性新兴产业"), ("pledge_flag", "较高质押融资"), ("maintained_10y_flag", "维持十年以上"),
                ("overseas_family_flag", "海外"), ("award_flag", "奖"))), (flags, said)
        else:
            assert said == "否：有效发明专利，不满足五项条件中的任何一项", (flags, said)
    api = client.get("/api/v1/search", params={"q": "TI=锂离子电池", "page_size": 5}).json()
    assert api["total"] == 12 and len(api["hits"]) == 5
    r = client.get("/patents/CN000000000000.0")
    assert r.status_code == 404


def test_search_export_csv(client):
    r = client.get("/search/export.csv", params={"q": "TI=锂离子电池"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("申请号") and len(lines) == 13
    x = client.get("/search/export.xlsx", params={"q": "TI=锂离子电池"})
    assert x.status_code == 200 and x.content[:2] == b"PK"
    # named by the day its data describe, as the other exports (every file was zhichan-search.csv)
    assert r.headers["content-disposition"] == 'attachment; filename="search-2024-03-07.csv"'
    assert x.headers["content-disposition"] == 'attachment; filename="search-2024-03-07.xlsx"'
    # an English page's export is headed in English (it was the Chinese one)
    english = client.get("/search/export.csv", params={"q": "TI=锂离子电池", "lang": "en"})
    assert english.text.lstrip("\ufeff").startswith("Application no.,Title,Applicants,")


def test_search_syntax_error_is_shown_not_crashed(client):
    r = client.get("/search", params={"q": "TI=(电池"})
    assert r.status_code == 400 and 'id="search-error"' in r.text
    api = client.get("/api/v1/search", params={"q": "TI=(电池"})
    assert api.status_code == 400 and api.json()["error"] == "query.syntax"


def test_without_an_index_the_same_query_runs_by_a_scan(client, settings, web_template):
    """No second search engine: before any index exists, the query language runs on DuckDB and
    finds exactly the hits the index finds (the page says it scanned)."""
    queries = ("锂离子电池", "TI=电池 AND AD>=2020", "PA=大学 NOT IPC=H01M")
    indexed = {q: client.get("/api/v1/search", params={"q": q}).json()["total"] for q in queries}
    web = make_env(settings, web_template, search_index=False)
    with web.client() as c:
        r = c.get("/search", params={"q": "锂离子电池"})
        assert r.status_code == 200 and 'id="scan-mode"' in r.text and 'id="results"' in r.text
        for q in queries:
            api = c.get("/api/v1/search", params={"q": q, "sort": "date_desc"}).json()
            assert api["mode"] == "scan" and api["total"] == indexed[q], q
        dates = [h["application_date"] for h in c.get("/api/v1/search", params={"q": "电池", "sort": "date_desc"}).json()["hits"]]
        assert dates == sorted(dates, reverse=True) and len(dates) > 1
        export = c.get("/search/export.xlsx", params={"q": "锂离子电池"})  # every hit, by the same export
        assert export.status_code == 200 and export.content[:2] == b"PK"
    web.engine.dispose()


def test_anonymous_is_sent_to_login_for_governance_pages(client):
    r = client.get("/cockpit", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert client.get("/api/v1/cockpit").status_code == 401


def test_cockpit_city_level_with_map_and_drilldown(client, env):
    login_as(client, env.engine, "cd_leader")
    r = client.get("/cockpit")
    assert r.status_code == 200
    assert 'data-region="510100"' in r.text
    assert 'id="chart-map"' in r.text and "/geo/510100.json" in r.text
    assert "/cockpit?region=510107" in r.text  # drill-down link to 武侯区
    data = client.get("/api/v1/cockpit").json()
    codes = {c["code"]: c["valid_inventions"] for c in data["overview"]["children"]}
    assert codes["510107"] == 12 and codes["510104"] == 6
    assert data["charts"]["map"]["data"]["url"] == "/geo/510100.json"
    # the ranking counts patents: whole-number ticks only (it showed 0.2 steps on a small area)
    ranking = data["charts"]["ranking"]
    ranking = ranking.get("spec", ranking)
    assert ranking["encoding"]["x"]["axis"] == {"format": ",d", "tickMinStep": 1, "tickCount": 5}
    map_spec = data["charts"]["map"].get("spec", data["charts"]["map"])  # and so does the map's colour legend
    assert json.dumps(map_spec).count('"legend": {"format": ",d", "tickMinStep": 1}') == 1
    r = client.get("/cockpit", params={"region": "510107"})
    assert r.status_code == 200 and "武侯区" in r.text and 'id="cockpit-up"' in r.text
    assert client.get("/geo/510100.json").json()["type"] == "FeatureCollection"


def test_official_indicators_and_no_plan_for_the_region(client, env, tmp_path):
    login_as(client, env.engine, "cd_leader")
    r = client.get("/cockpit")
    assert 'id="indicator-table"' in r.text and 'data-code="high_value_inventions_per_10k"' in r.text
    # the shipped plan is national: outside Chengdu's area, so it is only Chengdu's reference, never its own target
    gauges = r.text.split('id="plan-gauges"', 1)[1].split("</section>", 1)[0]
    assert gauges.count("<tr data-indicator") == gauges.count('data-reference="100000"') == 1
    # without any plan, the gauges say there is none, no numbers
    env.settings.plans_dir = tmp_path / "none"
    r = client.get("/cockpit")
    assert 'id="plan-gauges"' in r.text and 'id="plan-none"' in r.text and 'id="plan-table"' not in r.text
    en = client.get("/cockpit", params={"lang": "en"})
    assert "No plan target for this region" in en.text and "Cockpit" in en.text


def test_chart_images_share_the_page_definition(client, env):
    login_as(client, env.engine, "cd_leader")
    spec = client.get("/api/v1/cockpit").json()["charts"]["trend"]
    svg = client.get("/charts/trend.svg", params={"region": "510100"})
    assert svg.status_code == 200 and svg.text.startswith("<svg")
    png = client.get("/charts/ranking.png", params={"region": "510100"})
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert spec["mark"]["type"] == "line" if isinstance(spec["mark"], dict) else spec["mark"] == "line"
    mapsvg = client.get("/charts/map.svg", params={"region": "510100"})
    assert mapsvg.status_code == 200 and "<path" in mapsvg.text


def test_region_page_and_indicator_api(client, env):
    login_as(client, env.engine, "wuhou")
    r = client.get("/regions/510107")
    assert r.status_code == 200 and "武侯区" in r.text
    data = client.get("/api/v1/regions/510107/indicators").json()
    assert data["kpis"]["valid_inventions"] == 12 and data["kpis"]["population"] > 0


def test_enterprise_user_sees_own_portfolio(client, env):
    login_as(client, env.engine, "ent_user")
    r = client.get("/")
    assert r.status_code == 200 and WUHOU_ENTERPRISE in r.text
    data = client.get(f"/api/v1/enterprises/{WUHOU_ENTERPRISE}").json()
    assert data["total"] == 13
    assert client.get(f"/api/v1/enterprises/{JINJIANG_ENTERPRISE}").status_code == 403
    assert client.get("/cockpit").status_code == 403


def test_an_enterprise_s_header_counts_its_patents_as_patents(client, env):
    """The header under an enterprise's name read "企业 · 武侯区 · 共 13 条" and "… · 13 in total": 13 of what, counted
    as rows. It counts patents, 件 and "patents" (one patent in the singular)."""
    from zhichan.web.i18n import translate

    login_as(client, env.engine, "ent_user")
    meta = client.get("/enterprise?lang=zh").text.split('id="enterprise-meta"', 1)[1].split("</p>", 1)[0]
    assert '<span id="enterprise-total">专利共 13 件</span>' in meta and "条" not in meta
    meta = client.get("/enterprise?lang=en").text.split('id="enterprise-meta"', 1)[1].split("</p>", 1)[0]
    assert '<span id="enterprise-total">13 patents in total</span>' in meta
    assert translate("en", "enterprise.patents_total", n=1) == "1 patent in total"


def test_a_bank_user_starts_on_its_pledges(client, env):
    login_as(client, env.engine, "cd_bank")
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/finance"
    assert client.get("/").status_code == 200


def test_the_jobs_menu_entry_is_for_who_may_start_a_job(client, env):
    login_as(client, env.engine, "wuhou")
    assert 'href="/jobs"' in client.get("/search").text
    login_as(client, env.engine, "cd_bank")  # a bank starts no jobs
    assert 'href="/jobs"' not in client.get("/search").text


def test_a_job_kind_s_english_title_begins_with_a_capital(client, env):
    """A job kind's title stands alone — an option of the jobs page's 新建任务 list, a cell of its jobs table — and read
    "corpus profile", "export cockpit charts" on English pages: every registered kind's English half begins with a
    capital, and the page shows it."""
    from zhichan.web.i18n import in_language

    kinds = env.app.state.jobs.all()
    assert len(kinds) >= 7
    lower = [k.title for k in kinds if not in_language(k.title, "en")[:1].isupper()]
    assert not lower
    login_as(client, env.engine, "cd_leader")
    assert ">Corpus profile</option>" in client.get("/jobs?lang=en").text


def test_jobs_page_submit_and_progress(client, env):
    login_as(client, env.engine, "wuhou")
    page = client.get("/jobs")
    token = csrf_from(page.text)
    r = client.post("/jobs", data={"kind": "corpus.profile", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    table = client.get("/jobs/table").text
    assert 'hx-get="/jobs/table"' in table and 'data-status="queued"' in table
    assert env.app.state.jobs.run_one(env.engine)
    listed = client.get("/api/v1/jobs").json()
    assert listed[0]["status"] == "succeeded" and listed[0]["result"]["counts"]["patents"]["rows"] == 23
    assert 'hx-get' not in client.get("/jobs/table").text  # polling stops when nothing runs


def test_a_job_queued_before_its_kind_was_renamed_reads_its_kind_s_title_now(client, env):
    """A job row keeps the title of the day it was queued ("corpus profile" before the capitals); the jobs table and
    the API name it as its kind reads now — the stored title only for a kind no longer registered."""
    from sqlalchemy import update

    from zhichan.platform.models import Job

    login_as(client, env.engine, "wuhou")
    token = csrf_from(client.get("/jobs").text)
    client.post("/jobs", data={"kind": "corpus.profile", "csrf_token": token}, follow_redirects=False)
    listed = client.get("/api/v1/jobs").json()
    with env.engine.begin() as c:
        c.execute(update(Job).where(Job.id == listed[0]["id"]).values(title="语料概况 / corpus profile"))
    assert ">Corpus profile<" in client.get("/jobs/table?lang=en").text
    assert client.get(f"/api/v1/jobs/{listed[0]['id']}").json()["title"].endswith("/ Corpus profile")
    with env.engine.begin() as c:
        c.execute(update(Job).where(Job.id == listed[0]["id"]).values(kind="retired.kind"))
    assert ">corpus profile<" in client.get("/jobs/table?lang=en").text


def test_cockpit_images_job_writes_files(client, env):
    login_as(client, env.engine, "cd_leader")
    token = csrf_from(client.get("/jobs").text)
    r = client.post("/api/v1/jobs", json={"kind": "cockpit.images"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    env.app.state.jobs.run_one(env.engine)
    job = client.get(f"/api/v1/jobs/{r.json()['id']}").json()
    assert job["status"] == "succeeded" and set(job["result"]["charts"]) == {"trend", "ranking", "map"}


def test_admin_creates_user_and_audit_shows_it(client, env):
    login_as(client, env.engine, "cd_admin")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "wuhou" in page.text and "root" not in re.findall(r"<td[^>]*>(\w+)</td>", page.text)
    org_id = re.search(r'<option value="(\d+)">武侯区知识产权局', page.text).group(1)
    r = client.post("/admin/users", data={"username": "new_analyst", "password": PASSWORD, "role": "analyst",
                                          "org_id": org_id, "csrf_token": csrf_from(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303
    audit = client.get("/api/v1/admin/audit").json()
    assert audit["entries"][0]["action"] == "user.create" and audit["entries"][0]["target"] == "user:new_analyst"
    assert client.get("/admin/orgs").status_code == 200


def test_api_token_authentication(client, env):
    login_as(client, env.engine, "wuhou")
    page = client.post("/account/tokens", data={"name": "script", "csrf_token": csrf_from(client.get("/account").text)})
    plain = re.search(r'id="new-token">(zc_[^<]+)<', page.text).group(1)
    with env.client() as fresh:
        headers = {"Authorization": f"Bearer {plain}"}
        assert fresh.get("/api/v1/me", headers=headers).json()["username"] == "wuhou"
        assert fresh.get("/api/v1/regions/510107", headers=headers).status_code == 200
        assert fresh.get("/api/v1/regions/510104", headers=headers).status_code == 403
        # no CSRF token needed with a bearer token (no ambient credentials)
        assert fresh.post("/api/v1/jobs", json={"kind": "corpus.profile"}, headers=headers).status_code == 201
        bad = fresh.get("/api/v1/me", headers={"Authorization": "Bearer zc_nope"})
        assert bad.status_code == 401 and bad.json()["error"] == "unauthenticated"


def test_every_asset_is_local(client, env):
    login_as(client, env.engine, "cd_leader")
    html = client.get("/cockpit").text
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), src
    assert client.get("/assets/vega-bundle.js").status_code == 200
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200


def test_i18n_catalogues_match():
    from zhichan.web.i18n import catalogue

    assert set(catalogue("zh")) == set(catalogue("en"))


#: English messages a page shows as a sentence of their own — a note under a figure, a notice's head, a tooltip, a cell's
#: whole text — while their Chinese reads as one ("合成语料：…"): the region page's note read "synthetic corpus: population
#: scaled to the corpus size" under "38.71 patents"
STANDING_ALONE_EN = ("common.synthetic_scaled", "common.not_available", "cockpit.not_computable_help",
                     "indicators.data_source.corpus", "indicators.data_source.platform", "plans.reached",
                     # a cell, a line or a paragraph of its own (each message's uses checked: none mid-sentence)
                     "indicators.records_shown", "cockpit.not_computable", "levers.yes", "patent.not_provided",
                     "procedures.no_deadline", "procedures.calendar_missing", "procedures.clock_ended",
                     "procedures.paused", "procedures.extended", "exchange.total_estimated",
                     "navigation.doc.trend.y_title",
                     # a table's cell or row heading (the report's high-value rows "of which: …", a ledger's note, a
                     # valuation's dimension, an overseas alert), a chart's axis title
                     "navigation.doc.core.award", "navigation.doc.core.maintained_10y",
                     "navigation.doc.core.overseas_family", "navigation.doc.core.pledge", "navigation.doc.core.sei",
                     "finance.ledger.demo_deposit", "finance.ledger.deposit",
                     "finance.ledger.payout", "finance.ledger.recovery", "exchange.valuation.dim.economic",
                     "exchange.valuation.dim.legal", "exchange.valuation.dim.technical",
                     "protection.alert.concentration", "protection.alert.dispute", "protection.alert.dispute_own",
                     "protection.overseas_column_zh", "evidence.owner.current",
                     # a form's label of its own (the verify page's third way, under the certificate's and the file's)
                     "evidence.verify.digest",
                     # a line, a note or a hint of its own; a note beside a rank
                     "evidence.owner.user_hint", "exchange.match_formula", "exchange.valuation.lines_note",
                     "exchange.stop.time_left_waits", "indicators.figure_as_of", "plans.as_of", "plans.year_result_uncovered",
                     "cockpit.rank_all_equal", "cockpit.rank_all_zero", "procedures.own_cases_help",
                     "procedures.own_cases_total",
                     # a part of a line after " · ", whose other parts begin with a capital ("Corpus data · year to
                     # date", "zhichan 0.1.0 · corpus snapshot … · Patent data through …")
                     "common.source_corpus", "navigation.drawn_for.builtin", "navigation.drawn_for.database",
                     "indicators.as_of_kind.flow", "indicators.as_of_kind.stock",
                     "indicators.ratio_records", "navigation.snapshot", "plans.reference_of",
                     "exchange.valuation.discount_band", "services.generates", "services.objection_change",
                     "services.local_rule", "services.object_own_unlisted", "procedures.local_rule")


def test_an_english_sentence_standing_alone_begins_with_a_capital():
    from zhichan.web.i18n import translate, translations

    for key in STANDING_ALONE_EN:
        # every form: a plural message's singular too ("The only region ranked")
        for text in {translate("en", key), str(translations("en").ngettext(key, key, 1))} - {key}:
            assert text[:1].isupper(), (key, text)


_COUNTED = re.compile(r"\{(\w+)\} (?:[a-z-]+ ){0,3}(?:patents|applicants|inventions|applications|designs|models|regions"
                      r"|holders|rows|agencies|officers|records|cases|hits|years|months|days|minutes|points|times|people"
                      r"|entries|items|deals|listings|enterprises)\b")


def test_no_english_message_sets_a_plural_noun_after_a_count_that_may_be_one():
    """A one-patent chain's report read "found 1 patents … from 1 applicants", a panel "1 people in the pool": a
    message counting something is a plural message (``msgid_plural``, chosen by ``n``) or names what it counts and then
    the number ("rows not imported: 1") — every English catalogue, every package."""
    from babel.messages.pofile import read_po

    from zhichan.web.i18n import PACKAGES, po_file

    found = []
    for package in PACKAGES:
        with po_file(package, "en").open("rb") as fh:
            for m in read_po(fh):
                if m.id and not m.pluralizable:
                    found += [(m.id, x.group(0)) for x in _COUNTED.finditer(m.string)]
    assert not found


@pytest.mark.parametrize(("key", "values", "one", "two"), [
    ("search.facets_estimated", {"hits": 1, "share": "1%"}, "of the 1 hit,", "of the 2 hits,"),
    ("exchange.valuation.cost_note", {"cost": 1, "share": 1, "point": 1}, "(statutory term 1 year)",
     "(statutory term 2 years)"),
    ("exchange.valuation.income_total", {"point": 1, "low": 1, "high": 1}, "± 1 point:", "± 2 points:"),
    ("protection.check.not_holder", {"claimant": "乙"}, "names 甲 as holder and", "names 甲、丙 as holders and"),
])
def test_a_counted_message_reads_one_and_several_in_english(key: str, values: dict[str, object], one: str,
                                                            two: str) -> None:
    """The messages once allowed a plural noun after their count — a figure said to be never 1 (a search's hits above
    the facets' bound, a statute's term, the valuation's discount spread) or a list of names ("names 甲 as holder") —
    read as the count says: "1 year", "2 years"; a check kept before it stored its count reads the plural."""
    from zhichan.web.i18n import stored_message, stored_text, translate

    count = {"search.facets_estimated": "total", "exchange.valuation.cost_note": "term",
             "exchange.valuation.income_total": "spread", "protection.check.not_holder": "holders"}[key]
    shown = {1: "甲", 2: "甲、丙"} if count == "holders" else {1: 1, 2: 2}
    for n, expected in ((1, one), (2, two)):
        assert expected in translate("en", key, **values, **{count: shown[n]}, n=n), (key, n)
        assert translate("zh", key, **values, **{count: shown[n]}, n=n) == translate("zh", key, **values,
                                                                                      **{count: shown[n]}, n=5)
    if count == "holders":  # a check stored before its count was: the plural form
        assert "as holders" in stored_text(stored_message(key, **values, holders="甲、丙"), "en")


@pytest.mark.postgres
def test_login_and_cockpit_on_postgresql(settings, pg_url, web_template):
    web = make_env(settings, web_template, pg_url)
    try:
        with web.client() as c:
            login(c, "cd_leader")
            assert c.get("/cockpit").status_code == 200
            assert c.get("/api/v1/regions/510000").status_code == 403
    finally:
        web.engine.dispose()


def test_a_new_snapshot_gets_its_search_index_in_the_background(settings, web_template, tmp_path):
    """The job runner notices a current snapshot without an index and builds it once; search
    then leaves the basic mode. A failed build for that snapshot is not retried on its own."""
    import json

    from sqlalchemy import select, update

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Job, JobStatus
    from zhichan.search.layout import index_path
    from zhichan.web.jobkinds import index_new_snapshot

    web = make_env(settings, web_template, search_index=False)
    access = web.app.state.corpus  # type: ignore[attr-defined]
    snap = access.snapshot()
    with session_scope(web.engine) as s:  # a failed build of this snapshot: left alone
        web.app.state.jobs.submit_system(s, "search.index", {"snapshot": snap.id})
        s.execute(update(Job).values(status=JobStatus.FAILED))
    index_new_snapshot(access, web.app.state.jobs, web.engine)
    with session_scope(web.engine) as s:
        assert s.scalar(select(Job.id).where(Job.status == JobStatus.QUEUED)) is None
        s.execute(update(Job).values(params=json.dumps({"snapshot": "an older snapshot"})))
    worker = jobs.JobWorker(web.engine, web.app.state.jobs, poll_seconds=0.05, lock_path=tmp_path / "jobs.lock")
    worker.start()
    def finished() -> list[Job]:  # the job is finished once its result is recorded
        # only the index's jobs: the runner's other checks may queue their own (the credit registry's
        # seeding of this snapshot) and finish them before or after this poll
        with session_scope(web.engine) as s:
            return list(s.scalars(select(Job).where(Job.status == JobStatus.SUCCEEDED,
                                                    Job.kind == "search.index")).all())

    try:
        wait_for(lambda: index_path(snap) is not None, timeout=120, what="the index")
        done = wait_for(finished, timeout=120, what="the index job")
    finally:
        worker.stop()
    [job] = done
    assert job.kind == "search.index" and job.user_id is None and json.loads(job.result)["snapshot"] == snap.id
    index_new_snapshot(access, web.app.state.jobs, web.engine)  # indexed now: nothing more to do
    with session_scope(web.engine) as s:  # the index's jobs only: the credit seeding may still be queued
        assert s.scalar(select(Job.id).where(Job.status == JobStatus.QUEUED, Job.kind == "search.index")) is None
    with web.client() as c:
        r = c.get("/search", params={"q": "锂离子电池"})
        assert r.status_code == 200 and 'id="scan-mode"' not in r.text and 'id="results"' in r.text
    web.engine.dispose()


def test_search_uses_the_previous_indexed_snapshot_while_the_new_one_is_indexed(settings, web_template):
    """After an import the new snapshot has no index yet: search answers from the newest snapshot
    that has one, and says so, instead of dropping to the basic match."""
    from zhichan.corpus.testing import build_snapshot, patent

    web = make_env(settings, web_template)
    old = web.app.state.corpus.snapshot()  # type: ignore[attr-defined]
    new = build_snapshot(settings.data_dir, patents=[patent(serial=900, title="一种新导入的锂离子电池",
                                                             region_code="510107", application_date="2024-01-02")])
    assert new.id > old.id
    with web.client() as c:
        r = c.get("/search", params={"q": "锂离子电池"})
        assert r.status_code == 200 and 'id="previous-snapshot"' in r.text and old.id in r.text
        assert "新导入" not in r.text and 'id="results"' in r.text
        api = c.get("/api/v1/search", params={"q": "锂离子电池"}).json()
        assert api["mode"] == "previous" and api["snapshot_id"] == old.id and api["total"] >= 12
        assert c.get("/search/facets", params={"q": "锂离子电池"}).status_code == 200
        from zhichan.search.build import build_index

        build_index(new, with_vectors=False)
        api = c.get("/api/v1/search", params={"q": "锂离子电池"}).json()
        assert api["mode"] == "full" and api["snapshot_id"] == new.id
        assert [h["title"] for h in api["hits"]] == ["一种新导入的锂离子电池"]
    web.engine.dispose()


def test_an_error_page_speaks_the_page_language(client, env):
    """A bilingual error message ("中文 / English") shows the page's half (the English 404 showed both), an English one
    shown alone with a capital first letter (it read "no case 999999")."""
    login_as(client, env.engine, "cd_leader")
    for lang, shown, hidden in (("en", ">No case 999999", "没有办件"), ("zh", ">没有办件 999999", "no case")):
        page = client.get("/cases/999999", params={"lang": lang})
        message = ">" + page.text.split('id="error-message">')[1].split("</p>")[0]
        assert page.status_code == 404 and shown in message and hidden not in message, (lang, message)
