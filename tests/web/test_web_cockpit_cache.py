"""The cockpit's cached view: exact keys (snapshot, region, as-of, language, plans, caller's area),
single-flight computation, startup warm-up."""

from __future__ import annotations

import threading

from zhichan.web.app import warm_cockpits
from zhichan.web.testing import login_as


def test_cached_body_never_leaks_between_callers_of_different_areas(client, env):
    login_as(client, env.engine, "cd_leader")
    assert 'id="cockpit-up"' in client.get("/cockpit", params={"region": "510107"}).text
    login_as(client, env.engine, "wuhou")  # same region, same language: may not go up to the city
    page = client.get("/cockpit", params={"region": "510107"}).text
    assert 'id="cockpit-up"' not in page and "武侯区" in page
    en = client.get("/cockpit", params={"region": "510107", "lang": "en"}).text
    assert "Cockpit" in en and "数据驾驶舱 ·" not in en
    other_day = client.get("/api/v1/cockpit", params={"as_of": "2020-12-31"}).json()
    assert other_day["indicators"]["as_of"] == "2020-12-31" and "_view_key" not in other_day


def test_concurrent_requests_for_a_cold_key_compute_once(env):
    access = env.app.state.corpus  # type: ignore[attr-defined]
    calls: list[int] = []
    started = threading.Barrier(8)

    def compute(cur):
        calls.append(1)
        cur.execute("SELECT count(*) FROM patents").fetchall()
        threading.Event().wait(0.2)
        return len(calls)

    results: list[int] = []

    def worker():
        started.wait()
        results.append(access.cached(("test-single-flight",), compute))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1] and results == [1] * 8


def test_warm_up_precomputes_every_governed_region(env):
    assert warm_cockpits(env.app) == 5  # nation, Sichuan, Chengdu, Wuhou, Jinjiang
    keys = {k[1:3] for k in env.app.state.corpus._cache}  # type: ignore[attr-defined]
    assert {("cockpit", "510107"), ("cockpit", "100000"), ("region_overview", "510104")} <= keys


def test_warm_up_opens_the_search_index_of_the_page_snapshot(env):
    from zhichan.search.index import SearchIndex
    from zhichan.web.app import warm_search

    snapshot = env.app.state.corpus.require_snapshot()  # type: ignore[attr-defined]
    SearchIndex._cache.pop(snapshot.id, None)
    assert warm_search(env.app) is True
    assert SearchIndex._cache[snapshot.id]._facet_names is not None
