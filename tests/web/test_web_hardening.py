"""Who may start which job, downloads that must not be cached, concurrent writes, account forms."""

from __future__ import annotations

from tests.helpers import wait_for  # noqa: F401 - used by tests below
from zhichan.web.testing import csrf_from, login_as


def test_only_the_root_organization_may_rebuild_the_search_index(client, env):
    login_as(client, env.engine, "wuhou")  # a county analyst
    page = client.get("/jobs")
    assert 'value="search.index"' not in page.text and 'value="corpus.profile"' in page.text
    token = csrf_from(page.text)
    r = client.post("/api/v1/jobs", json={"kind": "search.index"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403 and "根机构" in r.json()["message"]
    r = client.post("/jobs", data={"kind": "search.index", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403
    with env.client() as root:
        login_as(root, env.engine, "root")
        page = root.get("/jobs")
        assert 'value="search.index"' in page.text
        r = root.post("/api/v1/jobs", json={"kind": "search.index"}, headers={"X-CSRF-Token": csrf_from(page.text)})
        assert r.status_code == 201, r.text


def test_scoped_downloads_are_not_cached_and_job_results_show_no_server_path(client, env):
    login_as(client, env.engine, "wuhou")
    for url in ("/regions/510107/export.csv", "/charts/trend.png?region=510107", "/charts/trend.svg?region=510107"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["cache-control"] == "no-store", url
    assert client.get("/assets/vega-bundle.js").headers["cache-control"].startswith("public")
    from zhichan.platform import jobs

    r = client.post("/api/v1/jobs", json={"kind": "cockpit.images"},
                    headers={"X-CSRF-Token": csrf_from(client.get("/jobs").text)})
    assert r.status_code == 201
    jobs.run_one(env.engine)
    job = client.get(f"/api/v1/jobs/{r.json()['id']}")
    assert job.json()["status"] == "succeeded"
    folder = job.json()["result"]["folder"]
    assert not folder.startswith("/") and str(env.settings.data_dir) not in job.text
    assert (env.settings.data_dir / folder / "trend.svg").is_file()
