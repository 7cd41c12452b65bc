"""Patent navigation pages: chains, decomposition tree with query links, a run as a background job,
the interactive report, DOCX/PDF downloads, quarterly schedules — and scope (own region's reports only)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from tests.helpers import sign_in, wait_for
from zhichan.platform import jobs
from zhichan.web.testing import csrf_from, login_as


def _post(client, url: str, **data):
    token = csrf_from(client.get("/navigation").text)
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False)


def test_chains_tree_and_branch_queries_link_to_search(client, env):
    login_as(client, env.engine, "wuhou")
    home = client.get("/navigation")
    assert home.status_code == 200 and home.text.count('class="chain-link"') >= 6
    data = client.get("/api/v1/navigation/chains/nev").json()
    assert data["home_region"] == "5101" and data["analysis_region"] == "510107"  # a county runs it for itself
    assert len(data["branches"]) >= 8
    page = client.get("/navigation/chains/nev")
    links = re.findall(r'class="branch-query" href="/search\?q=([^"]+)"', page.text)
    assert len(links) == len(data["branches"])
    assert unquote_plus(links[0].replace("&amp;", "&")) == data["branches"][0]["query"]
    r = client.get("/search?q=" + links[0].replace("&amp;", "&"))
    assert r.status_code == 200 and 'id="search-error"' not in r.text
    en = client.get("/navigation/chains/nev", params={"lang": "en"})
    assert "Technology decomposition" in en.text
    # the chain and its branches in the page's language (the Chinese names stay beside them as data)
    chains = {c["code"]: c for c in client.get("/api/v1/navigation/chains").json()}
    assert chains["nev"]["name"] == "新能源汽车" and chains["nev"]["name_en"] == "New energy vehicles"
    assert data["name_en"] == "New energy vehicles" and data["description_en"].startswith("Technology decomposition")
    assert [data["branches"][5][k] for k in ("name_en", "path_en")] == [
        "State-of-charge estimation", "Power batteries / Battery management systems / State-of-charge estimation"]
    assert "<title>New energy vehicles" in en.text and "1.4.1 State-of-charge estimation" in en.text
    assert "新能源汽车产业链技术分解表" not in en.text
    assert "新能源汽车" in page.text and "1.4.1 荷电状态估计" in page.text and "New energy vehicles" not in page.text
    listed = client.get("/navigation", params={"lang": "en"}).text
    assert ">New energy vehicles</a>" in listed and ">Intelligent manufacturing equipment</a>" in listed
    assert ">新能源汽车</a>" in client.get("/navigation", params={"lang": "zh"}).text


def test_an_example_chain_of_another_city_is_said_to_be_one_not_shown_as_the_callers_home(client, env):
    """Chengdu's leader saw 泰安 as "home region" of two shipped chains on /navigation, though every report of theirs
    is analysed for Chengdu: the list and the chain's page show the region a report is analysed for, and where the
    definition was drawn up for another, say so — a shipped example for 泰安; a county is told its city's chain is
    Chengdu's."""
    login_as(client, env.engine, "cd_leader")
    rows = {m.group(1): m.group(0) for m in re.finditer(
        r'<tr><td[^>]*><a class="chain-link" href="/navigation/chains/(\w+)".*?</tr>', client.get("/navigation").text)}
    for code in ("smart_equipment", "new_materials"):
        assert '"分析地区">成都市<br>' in rows[code] and "随附示例，按泰安市编制" in rows[code], rows[code]
    assert "泰安" not in rows["nev"] and "drawn-for" not in rows["nev"]
    en = client.get("/navigation", params={"lang": "en"}).text
    assert en.count("A shipped example drawn up for Tai&#39;an") == 2 and "Home region" not in en
    page = client.get("/navigation/chains/smart_equipment", params={"lang": "zh"}).text
    assert "分析地区：成都市 · <span class=\"drawn-for\">随附示例，按泰安市编制</span>" in page
    assert "drawn-for" not in client.get("/navigation/chains/nev").text
    data = client.get("/api/v1/navigation/chains/smart_equipment").json()
    assert (data["home_region"], data["analysis_region"], data["drawn_for"], data["source"]) == (
        "3709", "5101", "3709", "builtin")
    login_as(client, env.engine, "wuhou")
    assert "随附示例，按成都市编制" in client.get("/navigation/chains/nev").text


def test_run_as_a_job_interactive_report_downloads_and_scope(client, env):
    login_as(client, env.engine, "cd_leader")
    r = _post(client, "/navigation/chains/nev/run", as_of="2023-12-31")
    assert r.status_code == 303 and r.headers["location"] == "/jobs"
    [job] = [j for j in client.get("/api/v1/jobs").json() if j["kind"] == "navigation.report"]
    assert job["status"] == "queued"
    assert env.app.state.jobs.run_one(env.engine)  # the worker thread's step, run here
    job = client.get(f"/api/v1/jobs/{job['id']}").json()
    assert job["status"] == "succeeded", job["message"]
    run_id = job["result"]["run_id"]
    [run] = client.get("/api/v1/navigation/runs").json()
    assert run["id"] == run_id and run["region_code"] == "5101" and run["as_of"] == "2023-12-31"
    assert run["formats"] == ["docx", "pdf"] and run["interactive"]
    # the list shows when it was made as read in Beijing (the API's moment is UTC, marked Z)
    from zhichan.legaltime import china_time

    assert run["generated_at"].endswith("Z") and china_time(run["generated_at"]) in client.get("/navigation").text
    page = client.get(f"/navigation/runs/{run_id}")
    assert page.status_code == 200 and 'class="zc-report"' in page.text and "data-chart-for" in page.text
    assert "<script>" not in page.text.split('id="navigation-report"')[1]  # CSP: charts via app.js islands
    docx = client.get(f"/navigation/runs/{run_id}/report.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = client.get(f"/navigation/runs/{run_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    # the report in the page's language: the page, its download links and the files
    assert "一、总体概况" in page.text
    en = client.get(f"/navigation/runs/{run_id}", params={"lang": "en"})
    report = en.text.split('id="navigation-report"')[1]
    assert "1. Overview" in report and "一、总体概况" not in report and 'id="report-language"' not in en.text
    assert "the New energy vehicles industry chain" in report and "Power batteries / Cathode materials" in report
    assert "← New energy vehicles</a>" in en.text and "← 新能源汽车</a>" in page.text
    assert 'lang="zh' not in en.text.split("<body")[1]
    assert f'href="/navigation/runs/{run_id}/report.pdf?lang=en"' in en.text
    pdf_en = client.get(f"/navigation/runs/{run_id}/report.pdf", params={"lang": "en"})
    assert pdf_en.status_code == 200 and pdf_en.content != pdf.content
    assert ".en.pdf" in pdf_en.headers["content-disposition"]
    docx_en = client.get(f"/navigation/runs/{run_id}/report.docx", params={"lang": "en"})
    assert docx_en.status_code == 200 and ".en.docx" in docx_en.headers["content-disposition"]
    # a county user sees no report of the city (existence not revealed) …
    for username in ("wuhou", "jinjiang"):
        login_as(client, env.engine, username)
        assert client.get("/api/v1/navigation/runs").json() == []
        for url in (f"/navigation/runs/{run_id}", f"/navigation/runs/{run_id}/report.pdf",
                    f"/api/v1/navigation/runs/{run_id}"):
            assert client.get(url, follow_redirects=False).status_code == 404, (username, url)
        assert f'data-run="{run_id}"' not in client.get("/navigation").text
    # … and enterprise users have no navigation at all
    login_as(client, env.engine, "ent_user")
    assert client.get("/navigation", follow_redirects=False).status_code == 403
    assert client.get(f"/navigation/runs/{run_id}/report.docx", follow_redirects=False).status_code == 403
    # a run without an interactive page (the command line's, a schedule's) is listed with its files only: the list
    # offered "交互式报告" for it, and the link led to a notice that there is none
    from zhichan.navigation.jobs import fragment_path

    login_as(client, env.engine, "cd_leader")
    link = f'<a class="report-link" href="/navigation/runs/{run_id}">'
    assert link in client.get("/navigation").text
    for lang in ("zh", "en"):
        fragment_path(env.app.state.settings, run_id, lang).unlink()  # type: ignore[attr-defined]
    listed = client.get("/navigation").text
    assert link not in listed and f'href="/navigation/runs/{run_id}/report.pdf"' in listed
    # … and its page, reached by its address, names what it is: it had no title (the report's own heading is in the
    # interactive page it lacks)
    for lang, title in (("zh", "导航报告 · 新能源汽车 · 成都市"), ("en", "Navigation report · New energy vehicles · Chengdu")):
        bare = client.get(f"/navigation/runs/{run_id}", params={"lang": lang}).text
        assert f'<h1 id="report-title">{title}</h1>' in bare and 'id="no-interactive"' in bare, bare[:3000]
        assert f"<title>{title}" in bare


def test_county_runs_and_schedules_stay_in_its_area(client, env):
    login_as(client, env.engine, "wuhou")
    r = client.post("/api/v1/navigation/chains/ic/runs", json={"as_of": "2023-06-30"},
                    headers={"X-CSRF-Token": csrf_from(client.get("/navigation").text)})
    assert r.status_code == 202
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Job

    with session_scope(env.engine) as s:
        assert '"region": "510107"' in s.get(Job, r.json()["job_id"]).params
    assert _post(client, "/navigation/chains/ic/schedule").status_code == 303
    [sched] = client.get("/api/v1/navigation/schedules").json()
    assert sched["chain_code"] == "ic" and sched["region_code"] == "510107"
    listed = client.get("/navigation", params={"lang": "en"}).text.split('data-chain="ic">')[1].split("</tr>")[0]
    assert ">Integrated circuits <span" in listed and ">DOCX, PDF</td>" in listed  # names, not codes
    login_as(client, env.engine, "cd_leader")  # the city sees its counties' schedules, but may not schedule
    assert len(client.get("/api/v1/navigation/schedules").json()) == 1
    assert _post(client, "/navigation/chains/ic/schedule").status_code == 403
    login_as(client, env.engine, "jinjiang")
    assert client.get("/api/v1/navigation/schedules").json() == []
    # the generic jobs form does not offer (or accept) the parametrized kind
    assert "navigation.report" not in client.get("/jobs").text
    assert client.post("/api/v1/jobs", json={"kind": "navigation.report"},
                       headers={"X-CSRF-Token": csrf_from(client.get("/jobs").text)}).status_code == 400


def test_due_quarterly_schedules_run_by_the_job_runner(client, env, tmp_path):
    """A schedule whose quarter has ended is picked up by the job runner's periodic check: one
    platform job (the root organization's) runs it, the report lands in the schedule's area."""
    from zhichan.navigation import service

    login_as(client, env.engine, "wuhou")
    assert _post(client, "/navigation/chains/ic/schedule").status_code == 303
    [sched] = client.get("/api/v1/navigation/schedules").json()
    assert [s.id for s in service.due_schedules(env.engine, within="510100")] == [sched["id"]]
    assert service.due_schedules(env.engine, within="510104") == []  # another district's area
    login_as(client, env.engine, "root")  # the platform's own job belongs to the root organization
    worker = jobs.JobWorker(env.engine, env.app.state.jobs, poll_seconds=0.05, lock_path=tmp_path / "jobs.lock")
    worker.start()
    try:
        done = wait_for(lambda: [j for j in client.get("/api/v1/jobs").json()
                                 if j["kind"] == "navigation.run_due" and j["status"] in ("succeeded", "failed")],
                        timeout=120, what="the due schedule's job")
    finally:
        worker.stop()
    [job] = done
    assert job["status"] == "succeeded", job["message"]
    assert service.due_schedules(env.engine) == []  # moved on to the next quarter end
    login_as(client, env.engine, "wuhou")
    [run] = client.get("/api/v1/navigation/runs").json()
    assert run["chain_code"] == "ic" and run["region_code"] == "510107" and run["interactive"]
    assert job["result"]["runs"][0]["run_id"] == run["id"]
    [after] = client.get("/api/v1/navigation/schedules").json()
    assert after["next_as_of"] > sched["next_as_of"]
    assert not [j for j in client.get("/api/v1/jobs").json() if j["kind"] == "navigation.run_due"]


def test_an_admin_runs_the_due_schedules_of_its_own_area(client, env):
    """From the jobs page a system administrator runs what is due — only in its own area."""
    from zhichan.navigation import service

    login_as(client, env.engine, "wuhou")
    assert _post(client, "/navigation/chains/ic/schedule").status_code == 303
    login_as(client, env.engine, "jinjiang")
    assert _post(client, "/navigation/chains/ic/schedule").status_code == 303
    assert len(service.due_schedules(env.engine)) == 2
    r = client.post("/api/v1/jobs", json={"kind": "navigation.run_due"},
                    headers={"X-CSRF-Token": csrf_from(client.get("/jobs").text)})
    assert r.status_code == 403  # an analyst schedules, the platform (or an administrator) runs
    login_as(client, env.engine, "wuhou_admin")
    assert "navigation.run_due" in client.get("/jobs").text
    r = client.post("/api/v1/jobs", json={"kind": "navigation.run_due"},
                    headers={"X-CSRF-Token": csrf_from(client.get("/jobs").text)})
    assert r.status_code == 201, r.text
    assert env.app.state.jobs.run_one(env.engine)
    job = client.get(f"/api/v1/jobs/{r.json()['id']}").json()
    assert job["status"] == "succeeded", job["message"]
    assert [run["region"] for run in job["result"]["runs"]] == ["510107"]
    assert [s.region_code for s in service.due_schedules(env.engine)] == ["510104"]  # jinjiang's still due


@pytest.mark.browser
def test_the_report_page_in_both_languages_in_the_browser(page, env, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A run's interactive report reads in the page's language, charts included. On a phone its charts fit the
    screen (they kept their size and scrolled in their boxes, the trend's last years and legend out of sight): drawn
    at the screen's width, the branch matrix scaled to it (drawn narrower, a matrix's cells had no room beside its
    names); its tables stack, each cell under its column's name."""
    sign_in(page, "cd_leader", then="/navigation/chains/nev")
    token = page.locator("#run-form input[name=csrf_token]").get_attribute("value")
    # the form's request, without opening the jobs page (its polling would be cut off by the next page)
    r = page.request.post("/navigation/chains/nev/run", form={"csrf_token": token, "as_of": "2023-12-31"},
                          max_redirects=0)
    assert r.status == 303
    assert env.app.state.jobs.run_one(env.engine)
    page.goto("/navigation")
    run_id = page.locator("[data-run]").first.get_attribute("data-run")
    for lang, heading, chart_title in (("zh", "一、总体概况", "年度申请量与申请人数"),
                                       ("en", "1. Overview", "Applications and applicants per year")):
        page.goto(f"/navigation/runs/{run_id}?lang={lang}")
        page.wait_for_selector("#chart-nav-trend[data-rendered='1'] svg", timeout=30_000)
        report = page.locator("#navigation-report")
        assert heading in report.inner_text()
        assert chart_title in page.locator("#chart-nav-trend").inner_text()
        page.screenshot(path=str(artifacts_dir / f"navigation-report-{lang}.png"), full_page=True)
        # the contents list: its headings carry their numbers, the list adds none ("2. 1. Overview" on the page)
        styles = page.evaluate("[...document.querySelectorAll('#navigation-report nav.toc li')].map(li => getComputedStyle(li).listStyleType)")
        assert styles and set(styles) == {"none"}, styles
        if lang == "en":
            assert not re.search(r"[\u3400-\u9fff]", " ".join(report.locator("section > h2").all_inner_texts()))
    page.set_viewport_size({"width": 390, "height": 844})
    for lang, rank in (("zh", "排名"), ("en", "Rank")):
        page.goto(f"/navigation/runs/{run_id}?lang={lang}")
        page.wait_for_function("[...document.querySelectorAll('.zc-chart')].every(c => c.getAttribute('data-rendered') === '1')")
        page.screenshot(path=str(artifacts_dir / f"navigation-report-phone-{lang}.png"), full_page=True)
        # each chart, its title too (on lines under each other where it is longer), within its box
        sizes = page.evaluate("""() => [...document.querySelectorAll('.zc-chart')].map(c => [c.id,
            Math.round(Math.max(c.querySelector('svg').getBoundingClientRect().width,
                                c.querySelector('svg .role-title').getBoundingClientRect().right - c.getBoundingClientRect().left)),
            c.clientWidth])""")
        assert len(sizes) >= 5 and all(svg <= box + 1 for _, svg, box in sizes), (lang, sizes)
        assert page.evaluate("document.documentElement.scrollWidth") <= 391, lang
        cell = page.locator("#t-regions tbody td").first
        assert cell.evaluate("c => getComputedStyle(c, '::before').content") == f'"{rank}"', lang
