"""The cockpit's cached view: exact keys (snapshot, region, as-of, language, plans, caller's area),
single-flight computation, startup warm-up."""

from __future__ import annotations

import threading

import pytest

from zhichan.settings import get_settings
from zhichan.web.app import warm_cockpits
from zhichan.web.testing import login_as, make_env


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


@pytest.fixture
def cold_env(settings, web_template):
    """An app whose corpus access starts empty, not with the template's cockpits (``make_env``)."""
    web = make_env(settings, web_template, cockpits=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def test_warm_up_precomputes_every_governed_region(cold_env):
    access = cold_env.app.state.corpus  # type: ignore[attr-defined]
    access.require_snapshot()
    assert not access._cache
    assert warm_cockpits(cold_env.app) == 5  # nation, Sichuan, Chengdu, Wuhou, Jinjiang
    keys = {k[1:3] for k in access._cache}
    assert {("cockpit", "510107"), ("cockpit", "100000"), ("region_overview", "510104")} <= keys


def _cockpit_data(env, region, lang):
    """What the cockpit's data cache holds for ``region`` and ``lang`` once the API has answered."""
    with env.client() as client:
        login_as(client, env.engine, "root")
        assert client.get("/api/v1/cockpit", params={"region": region, "lang": lang}).status_code == 200
    access = env.app.state.corpus  # type: ignore[attr-defined]
    [data] = [value for key, value in access._cache.items() if key[1:3] == ("cockpit", region) and key[-1] == lang]
    return data


def test_a_tests_app_starts_with_the_template_cockpits_as_computed(settings, web_template, env, tmp_path,
                                                                   monkeypatch):
    """The tests' apps start with the template's cockpits (``make_env``): the same data an app computes
    itself, each test's own copy, and none for a copy whose files or settings differ."""
    access = env.app.state.corpus  # type: ignore[attr-defined]
    snap = access.require_snapshot()
    keys = {k[1:3] for k in access._cache if k[0] == snap.id}
    assert {("cockpit", code) for code in ("100000", "510000", "510100", "510107", "510104")} <= keys
    given = _cockpit_data(env, "510107", "en")
    given["overview"]["kpis"]["valid_inventions"] = -1  # this test's copy only
    env.engine.dispose()  # type: ignore[attr-defined]

    def another_env(name):
        monkeypatch.setenv("ZHICHAN_DATA_DIR", str(tmp_path / name / "var"))
        get_settings.cache_clear()
        return make_env(get_settings(), web_template, cockpits=name != "cold")

    cold, warm = another_env("cold"), another_env("warm")
    for region, lang in [("510107", "en"), ("510100", "zh"), ("100000", "zh")]:
        computed = _cockpit_data(cold, region, lang)
        assert _cockpit_data(warm, region, lang) == computed and computed["overview"]["kpis"]["valid_inventions"] > 0
    # a file of the copy changed: computed anew
    edited = another_env("edited")
    [manifest] = (edited.settings.corpus_dir / "snapshots").glob("*/manifest.json")
    manifest.write_text(manifest.read_text("utf-8") + " ", "utf-8")
    edited.app.state.corpus.require_snapshot()  # type: ignore[attr-defined]
    assert not edited.app.state.corpus._cache  # type: ignore[attr-defined]
    # a setting of the counting changed: computed anew
    monkeypatch.setenv("ZHICHAN_HIGH_VALUE_PLEDGE_THRESHOLD_YUAN", "1")
    other = another_env("threshold")
    other.app.state.corpus.require_snapshot()  # type: ignore[attr-defined]
    assert not other.app.state.corpus._cache  # type: ignore[attr-defined]
    for web in (cold, warm, edited, other):
        web.engine.dispose()  # type: ignore[attr-defined]


def test_warm_up_opens_the_search_index_of_the_page_snapshot(env):
    from zhichan.search.index import SearchIndex
    from zhichan.web.app import warm_search

    snapshot = env.app.state.corpus.require_snapshot()  # type: ignore[attr-defined]
    SearchIndex._cache.pop(snapshot.id, None)
    assert warm_search(env.app) is True
    assert SearchIndex._cache[snapshot.id]._facet_names is not None
