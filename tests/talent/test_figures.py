"""The library's status history and its figures (docs/talent.md "Status history and figures") on SQLite and
PostgreSQL: every path that changes a status writes a history row (entry, application and its case's steps,
an officer's change, an import), the history is exported and counted on a date — people in the library
(all and per kind), suspended, admitted and removed in the year — by region, with the records behind each
number on the region's records page, to officers of the area only; the public's counts per kind on /talent
are the same definition today."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from tests.talent.helpers import client_for, scope_of
from zhichan.figures import export_workflow
from zhichan.indicators import service as indicators
from zhichan.platform.db import session_scope
from zhichan.procedures.models import Case
from zhichan.talent import service
from zhichan.talent.models import Person, StatusChange
from zhichan.web.testing import WebEnv

D = dt.date
AS_OF = D(2026, 6, 30)
CODES = ["talent_in_library", "talent_suspended", "talent_admitted", "talent_removed",
         "talent_in_library_people_mediator", "talent_in_library_patent_agent", "talent_in_library_valuation_expert"]


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2, 0))  # 10:00 in China


def person(name: str, region: str, **kinds: str) -> dict[str, str]:
    values = {"name": name, "organization": f"{name}所在单位", "region_code": region, "share_name": "1"}
    for code, cert in kinds.items():
        values[f"kind_{code}"] = "1"
        if cert:
            values[f"cert_{code}"] = cert
    return values


def enter(env: WebEnv, who: str, values: dict[str, str], day: dt.date) -> int:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        return service.enter_person(s, scope_of(env, who), service.form_fields(dict(values)), now=at(day)).id


def change(env: WebEnv, who: str, person_id: int, what: str, reason: str, day: dt.date) -> None:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        service.change_status(s, scope_of(env, who), person_id, what, reason, now=at(day))


def history_build(env: WebEnv) -> dict[str, int]:
    """A (2025) and B (suspended and reinstated) entered in Wuhou, C entered in Jinjiang and removed, D applied
    through a case and admitted, E applied and still under review."""
    ids = {"A": enter(env, "wuhou_officer", person("甲代理", "510107", patent_agent="ZL-0001"), D(2025, 11, 10)),
           "B": enter(env, "wuhou_officer", person("乙调解", "510107", people_mediator="", rights_aid_expert=""),
                      D(2026, 2, 2)),
           "C": enter(env, "jinjiang_officer", person("丙调解", "510104", people_mediator=""), D(2026, 2, 10))}
    change(env, "wuhou_officer", ids["B"], "suspend", "长期出差", D(2026, 3, 2))
    change(env, "wuhou_officer", ids["B"], "reinstate", "", D(2026, 4, 1))
    change(env, "jinjiang_officer", ids["C"], "remove", "本人申请退出", D(2026, 5, 6))
    procedures = env.app.state.procedures  # type: ignore[attr-defined]
    for key, who, values, day in (("D", "cd_bank", person("丁评估", "510107", valuation_expert="PG-1"), D(2026, 3, 2)),
                                  ("E", "ent2_user", person("戊经纪", "510104", technology_broker="JJ-1"), D(2026, 6, 1))):
        with session_scope(env.engine) as s:  # type: ignore[arg-type]
            case = service.apply(s, scope_of(env, who), procedures, values, now=at(day))
            ids[key] = s.scalar(select(Person.id).where(Person.case_id == case["id"]))  # type: ignore[assignment]
            ids[f"case_{key}"] = case["id"]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        version = s.scalar(select(Case.version).where(Case.id == ids["case_D"]))
        procedures.act(s, scope_of(env, "cd_leader"), ids["case_D"], "admit", version=version,
                       fields={"note": "材料齐全"}, now=at(D(2026, 3, 10)))
    return ids


@pytest.fixture
def built(env: WebEnv) -> dict[str, int]:
    ids = history_build(env)
    export_workflow(env.engine, env.app.state.procedures.registry, env.settings.data_dir)  # type: ignore[arg-type]
    return ids


def values(env: WebEnv, region: str, as_of: dt.date) -> dict[str, Any]:
    snapshot = env.app.state.corpus.snapshot()  # type: ignore[attr-defined]
    return {v.code: v.value for v in indicators.compute(CODES, [region], as_of, snapshot=snapshot)}


def test_the_history_and_the_figures_on_a_date_by_region_and_kind(built: dict[str, int], env: WebEnv) -> None:
    """Every path wrote its row; the figures count them on a date; every drill-down reads labels, not codes
    (one test: the world takes a while to build)."""
    from tests.helpers import unlabelled_codes

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        rows = {key: [(c.previous_status, c.status, c.changed_on, c.via, c.actor, c.reason) for c in s.scalars(
            select(StatusChange).where(StatusChange.person_id == built[key]).order_by(StatusChange.id))]
                for key in "ABCDE"}
    assert rows["B"] == [("", "in_library", D(2026, 2, 2), "entered", "wuhou_officer", ""),
                         ("in_library", "suspended", D(2026, 3, 2), "officer", "wuhou_officer", "长期出差"),
                         ("suspended", "in_library", D(2026, 4, 1), "officer", "wuhou_officer", "")]
    assert rows["C"][-1] == ("in_library", "removed", D(2026, 5, 6), "officer", "jinjiang_officer", "本人申请退出")
    assert rows["D"] == [("", "applying", D(2026, 3, 2), "applied", "cd_bank", ""),
                         ("applying", "in_library", D(2026, 3, 10), "case_step", "cd_leader", "材料齐全")]
    assert rows["E"] == [("", "applying", D(2026, 6, 1), "applied", "ent2_user", "")]
    assert values(env, "510100", AS_OF) == {
        "talent_in_library": 3, "talent_suspended": 0, "talent_admitted": 3, "talent_removed": 1,  # A B D; B C D
        "talent_in_library_people_mediator": 1, "talent_in_library_patent_agent": 1,
        "talent_in_library_valuation_expert": 1}
    march = values(env, "510100", D(2026, 3, 15))  # B suspended, C not yet removed, D admitted on the 10th
    assert (march["talent_in_library"], march["talent_suspended"], march["talent_in_library_people_mediator"]) == (3, 1, 1)
    assert values(env, "510100", D(2025, 12, 31))["talent_admitted"] == 1  # A, in 2025's period
    assert values(env, "510104", AS_OF)["talent_in_library"] == 0 and values(env, "510104", AS_OF)["talent_removed"] == 1
    snapshot = env.app.state.corpus.snapshot()  # type: ignore[attr-defined]
    listed = indicators.drilldown("talent_in_library", "510107", AS_OF, snapshot=snapshot)
    assert sorted(listed.column("name").to_pylist()) == ["丁评估", "乙调解", "甲代理"]
    admitted = indicators.drilldown("talent_admitted", "510100", AS_OF, snapshot=snapshot)
    assert sorted(zip(admitted.column("name").to_pylist(), admitted.column("via").to_pylist(), strict=True)) == [
        ("丁评估", "case_step"), ("丙调解", "entered"), ("乙调解", "entered")]
    # the public's counts per kind on /talent: the same definition on today's rows
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        live = {c["kind"]: c["count"] for c in service.counts(s, region="5101")}
    today = {v.code: v.value for v in indicators.compute(
        [f"talent_in_library_{k}" for k in live], ["510100"], AS_OF, snapshot=snapshot)}
    assert {k: today[f"talent_in_library_{k}"] for k in live} == live
    assert unlabelled_codes(snapshot, "zhichan.talent", "CN", AS_OF) == []


def test_the_records_are_the_areas_officers_only(built: dict[str, int], env: WebEnv) -> None:
    base = f"/regions/510107/indicators/talent_in_library/records?as_of={AS_OF}"
    anonymous = env.client().get(base, follow_redirects=False)
    assert anonymous.status_code in (303, 401) and "乙调解" not in anonymous.text
    assert env.client().get(base.replace("/regions", "/api/v1/regions")).status_code == 401
    for outsider in ("ent_user", "jinjiang_officer"):
        assert client_for(env, outsider).get(base.replace("/regions", "/api/v1/regions")).status_code == 403
        assert "乙调解" not in client_for(env, outsider).get(base).text
    officer = client_for(env, "wuhou_officer")
    for lang, status in (("zh", "在库"), ("en", "In the library")):
        page = officer.get(base + f"&lang={lang}")
        assert page.status_code == 200 and "乙调解" in page.text and status in page.text, page.text[:800]
    kind = officer.get(f"/regions/510107/indicators/talent_in_library_people_mediator/records?as_of={AS_OF}&lang=en")
    assert "People&#39;s mediator" in kind.text or "People's mediator" in kind.text
    csv = officer.get(base.replace("records?", "records.csv?") + "&lang=zh")
    assert csv.status_code == 200 and "甲代理" in csv.text and ",在库," in csv.text and ",in_library," not in csv.text
    assert officer.get(base.replace("records?", "records.xlsx?")).status_code == 200
    api = officer.get(f"/api/v1/talent/statistics?region=510100&as_of={AS_OF}").json()
    assert {f["code"]: f["value"] for f in api["figures"]}["talent_in_library"] == 3
    assert "items" not in api and "records" not in api


@pytest.mark.spark
def test_spark_computes_the_same_talent_figures(built: dict[str, int], env: WebEnv) -> None:
    snapshot = env.app.state.corpus.snapshot()  # type: ignore[attr-defined]
    for region, day in (("510100", AS_OF), ("510107", D(2026, 3, 15))):
        duck = {v.code: v.value for v in indicators.compute(CODES, [region], day, snapshot=snapshot, engine="duckdb")}
        assert {v.code: v.value for v in indicators.compute(CODES, [region], day, snapshot=snapshot,
                                                             engine="spark")} == duck


#: 10:00 on 30 June 2026 in Beijing: "today" for the test below, long after the web world's corpus ends (2024)
TODAY_UTC = dt.datetime(2026, 6, 30, 2, 0)


def test_platform_figures_count_to_today_corpus_figures_to_the_data_end(
        built: dict[str, int], env: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's situation: the corpus ends before today and the library's records come after its end. Without a
    date the talent figures count today's records and the patent figures stop at the data end; with the data end as
    the date, every figure counts on that day. The page says both dates, and the API and the page give one number."""
    import re

    from tests.helpers import whole_dates
    from zhichan.indicators.models import Plan, PlanTarget
    from zhichan.indicators.plans import plan_progress
    from zhichan.legaltime import periods

    monkeypatch.setattr(periods, "utcnow", lambda: TODAY_UTC)
    today = AS_OF.isoformat()
    snapshot = env.app.state.corpus.snapshot()  # type: ignore[attr-defined]
    end = indicators.data_as_of(snapshot)
    assert end < D(2025, 11, 10)  # the corpus ends before the library's first record
    leader = client_for(env, "cd_leader")
    page = leader.get("/regions/510100/indicators")
    assert page.status_code == 200
    html = whole_dates(page.text)
    row = re.search(r'<tr data-code="talent_in_library">.*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
    # today's records; its date is the dates line's (平台业务数据截至 today), not repeated on every row
    assert f'records?as_of={today}">3</a>' in row and "figure-as-of" not in row
    assert f"专利数据截至 {end}；平台业务数据截至 {today}（今天）" in html
    english = whole_dates(leader.get("/regions/510100/indicators?lang=en").text)
    assert f"Patent data through {end}; platform records through {today} (today)" in english
    by_default = {v.code: v for v in indicators.compute(["talent_in_library", "valid_inventions"], ["510100"], None,
                                                         snapshot=snapshot)}
    assert (by_default["talent_in_library"].value, by_default["talent_in_library"].as_of) == (3, AS_OF)
    assert by_default["valid_inventions"].as_of == end
    assert values(env, "510100", end)["talent_in_library"] == 0  # on the data end: nobody yet
    # a plan target on a platform figure is measured at the same default
    [progress] = plan_progress(Plan("人才", [PlanTarget("talent_in_library", "510100", 2027, 10.0)]), None,
                               snapshot=snapshot)
    assert (progress.as_of, progress.current_value) == (AS_OF, 3)
    # the API: the same figure at the same date (one definition), and the public statistics agree
    api = {r["code"]: r for r in leader.get("/api/v1/regions/510100/indicators").json()["indicators"]}
    assert (api["talent_in_library"]["value"], api["talent_in_library"]["as_of"]) == (3, today)
    assert api["valid_inventions"]["as_of"] == end.isoformat()
    public = env.client().get("/api/v1/talent/statistics?region=510100").json()
    assert public["as_of"] == today and {f["code"]: f["value"] for f in public["figures"]}["talent_in_library"] == 3
    # a date given: every figure on it, the page says so
    dated = whole_dates(leader.get(f"/regions/510100/indicators?as_of={end}&lang=zh").text)
    row = re.search(r'<tr data-code="talent_in_library">.*?</tr>', dated, re.S).group(0)  # type: ignore[union-attr]
    assert f'records?as_of={end}">0</a>' in row and f"全部数据（专利数据与平台业务数据）均统计到 {end}" in dated
    api = {r["code"]: r for r in leader.get(f"/api/v1/regions/510100/indicators?as_of={end}").json()["indicators"]}
    assert (api["talent_in_library"]["value"], api["talent_in_library"]["as_of"]) == (0, end.isoformat())
    # the region's API takes the date too, validated like the pages
    region = leader.get("/api/v1/regions/510100").json()
    assert (region["as_of"], region["dates"]["platform"], region["dates"]["given"]) == (end.isoformat(), today, None)
    assert leader.get(f"/api/v1/regions/510100?as_of={end}").json()["dates"]["given"] == end.isoformat()
    bad = leader.get("/api/v1/regions/510100?as_of=2026-02-30")
    assert bad.status_code == 422 and "日期不存在：2026-02-30，请检查月和日" in bad.text  # written right, no such day
    assert "日期格式应为 YYYY-MM-DD" in leader.get("/api/v1/regions/510100?as_of=2026-2-3").text
    # the cockpit says both dates and passes on no date it was not given (each page then applies the default)
    cockpit = whole_dates(leader.get("/cockpit?region=510100").text)
    assert f"专利数据截至 {end}；平台业务数据截至 {today}（今天）" in cockpit
    assert 'href="/regions/510100/indicators" id="all-indicators-link"' in cockpit
    assert f'href="/regions/510100/indicators?as_of={end}" id="all-indicators-link"' in leader.get(
        f"/cockpit?region=510100&as_of={end}").text
    # the directory's link to the figures carries no date: the default applies
    directory = client_for(env, "wuhou_officer").get("/talent").text
    assert '<a href="/regions/510107/indicators">' in directory
