"""The JSON API says what its handlers enforce (zhichan.web.openapi): ISO days within range, strict
body types, every error answer documented with its body, ``Allow`` naming every method of a path.
The schema-driven fuzzing of all of it is ``test_web_security.test_openapi_fuzzing_never_answers_5xx``."""

from __future__ import annotations

import pytest

from zhichan.web.testing import csrf_from, login_as


def _operation(schema: dict, method: str, path: str) -> dict:
    return schema["paths"][path][method]


def _parameter(operation: dict, name: str) -> dict:
    return next(p for p in operation["parameters"] if p["name"] == name)


@pytest.mark.parametrize("url", ["/api/v1/dataip/notices?date={}", "/api/v1/cockpit?as_of={}",
                                 "/api/v1/regions/510107/indicators?as_of={}", "/dataip/notices?date={}"])
def test_days_are_iso_dates_within_range(env, client, url):
    login_as(client, env.engine, "wuhou")
    # 0 was taken as a Unix time (1970-01-01) and answered 200; 0000-00-00 passed the schema's pattern
    for bad in ("0", "1700000000", "0000-00-00", "2024-02-30", "2024-1-2", "2024-01-02T00:00:00", "1984-12-31",
                "2101-01-01"):
        assert client.get(url.format(bad)).status_code == 422, (url, bad)
    assert client.get(url.format("2025-12-31")).status_code == 200


def test_schema_states_the_day_format_and_range(client):
    schema = client.get("/api/openapi.json").json()
    for method, path, name in (("get", "/api/v1/dataip/notices", "date"), ("get", "/api/v1/cockpit", "as_of"),
                               ("get", "/api/v1/plans", "as_of"),
                               ("get", "/api/v1/regions/{code}/indicators/{indicator}/records", "as_of")):
        day = _parameter(_operation(schema, method, path), name)["schema"]["anyOf"][0]
        assert day["format"] == "date" and day["pattern"].startswith("^(198[5-9]"), (path, day)
    run_in = schema["components"]["schemas"]["RunIn"]["properties"]["as_of"]["anyOf"][0]
    assert run_in["format"] == "date"


def test_navigation_run_takes_an_iso_day_only(env, client):
    login_as(client, env.engine, "wuhou")
    token = csrf_from(client.get("/jobs").text)
    chain = client.get("/api/v1/navigation/chains").json()[0]["code"]
    for bad in ("2023-02-30", 20230101, False, "2023-03-31T00:00:00"):
        r = client.post(f"/api/v1/navigation/chains/{chain}/runs", json={"as_of": bad}, headers={"X-CSRF-Token": token})
        assert r.status_code == 422 and r.json()["error"] == "input", bad
    r = client.post(f"/api/v1/navigation/chains/{chain}/runs", json={"as_of": "2023-03-31"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 202


def test_certificate_and_deposit_types_are_strict(env, client):
    login_as(client, env.engine, "wuhou")
    token = csrf_from(client.get("/jobs").text)
    headers = {"X-CSRF-Token": token}
    digest = {"sm3": "a" * 64, "sha256": "b" * 64}
    assert client.post("/api/v1/evidence/deposits", json={**digest, "title": "   "}, headers=headers).status_code == 422
    assert client.post("/api/v1/evidence/deposits", json={**digest, "sm3": "a" * 63, "title": "t"},
                       headers=headers).status_code == 422
    assert client.post("/api/v1/evidence/deposits", json={**digest, "title": "t", "size": "12"},
                       headers=headers).status_code == 422
    deposited = client.post("/api/v1/evidence/deposits", json={**digest, "title": "说明书"}, headers=headers)
    assert deposited.status_code == 200
    certificate = deposited.json()["certificate"]
    ok = client.post("/api/v1/evidence/verify", json=certificate, headers=headers,
                     params={"sm3": "A" * 64, "sha256": "B" * 64})  # digests in capitals are the same digests
    assert ok.status_code == 200 and all(c["ok"] for c in ok.json()["checks"])
    # lax validation took ``false`` for index 0 and "0" for a number: the schema says integer
    for index in (False, "0", -1):
        r = client.post("/api/v1/evidence/verify", json={**certificate, "index": index}, headers=headers)
        assert r.status_code == 422, index
    assert client.post("/api/v1/evidence/verify", json=certificate, params={"sm3": "xyz"},
                       headers=headers).status_code == 422


def test_every_error_answer_is_documented_with_its_body(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["error", "message"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {code for code in responses if code >= "400"}
            assert "503" in errors, (method, path)
            for code in errors:
                body = responses[code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in errors, (method, path)
            if method == "post":  # CSRF, and a body that does not parse
                assert {"400", "403"} <= errors, (method, path)
    # a query that does not parse cannot be described by the schema: documented as a 400
    assert "syntax" in schema["paths"]["/api/v1/search"]["get"]["responses"]["400"]["description"]


def test_search_filters_as_the_handler_takes_them(client):
    schema = client.get("/api/openapi.json").json()
    f = _parameter(_operation(schema, "get", "/api/v1/search"), "f")["schema"]
    assert f["maxItems"] == 12 and f["items"]["pattern"].startswith("^(year|ipc|")
    assert client.get("/api/v1/search", params={"q": "TI=装置", "f": ["year:2021"] * 13}).status_code == 422
    assert client.get("/api/v1/search", params={"q": "TI=装置", "f": "colour:red"}).status_code == 422
    assert client.get("/api/v1/search", params={"q": "TI=装置", "f": "ipc:H01M"}).status_code == 200


def test_job_kinds_are_listed_in_the_schema(env, client):
    kinds = client.get("/api/openapi.json").json()["components"]["schemas"]["JobIn"]["properties"]["kind"]["enum"]
    assert "corpus.profile" in kinds and "navigation.report" not in kinds  # started from its own page
    login_as(client, env.engine, "wuhou")
    token = csrf_from(client.get("/jobs").text)
    r = client.post("/api/v1/jobs", json={"kind": ["corpus.profile"]}, headers={"X-CSRF-Token": token})
    assert r.status_code == 422


def test_405_allows_every_method_of_the_path(client):
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        url = path.replace("{code}", "510107").replace("{indicator}", "patents").replace("{job_id}", "1") \
            .replace("{application_number}", "CN1").replace("{party_key}", "x").replace("{run_id}", "1") \
            .replace("{case_id}", "1")
        documented = {m.upper() for m in operations}
        for method in {"OPTIONS", "HEAD", "PUT", "PATCH", "DELETE", "POST"} - documented:
            r = client.request(method, url)
            assert r.status_code == 405, (method, url, r.status_code)
            assert set(r.headers["allow"].split(", ")) == documented, (method, url, r.headers["allow"])
    # both routes of /api/v1/jobs (Starlette named only the first one's methods)
    assert client.request("PUT", "/api/v1/jobs").headers["allow"] == "GET, POST"
