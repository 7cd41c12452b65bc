"""The talent library through the real app on SQLite and PostgreSQL: who sees what (a district officer, the
city, another city's officer and enterprise, an enterprise of the city, the public), the consent to share,
the filters, the exports, an officer's audited entry and its errors beside the field, status changes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.helpers import migration_differences
from tests.talent.helpers import JINJIANG_MEDIATOR, WUHOU_EXPERT, client_for, enter
from zhichan.platform.db import session_scope
from zhichan.platform.models import AuditEntry
from zhichan.talent.models import Person, Status
from zhichan.web.i18n import translate
from zhichan.web.testing import WebEnv, csrf_from


def test_models_match_migration(env: WebEnv) -> None:
    assert migration_differences(env.engine, "talent_") == []


def test_officers_see_their_area_with_every_field(env: WebEnv) -> None:
    wuhou, jinjiang = enter(env, "wuhou_officer", WUHOU_EXPERT), enter(env, "jinjiang_officer", JINJIANG_MEDIATOR)
    own = client_for(env, "wuhou_officer").get("/api/v1/talent").json()
    assert [p["name"] for p in own["items"]] == ["张评审"]
    person = own["items"][0]
    assert person["phone"] == "028-85550000" and person["status"] == "in_library" and person["source"] == "entered"
    assert person["certificates"] == [{"kind": "valuation_expert", "number": "PG-2024-0001"}]
    assert person["ipc_fields"] == ["H01M", "G06F16"]
    city = client_for(env, "cd_leader").get("/api/v1/talent").json()
    assert {p["name"] for p in city["items"]} == {"张评审", "李调解"}
    # another city's officer sees none of Chengdu's people, nor a person's page
    other = client_for(env, "my_officer")
    assert other.get("/api/v1/talent").json()["items"] == []
    assert other.get(f"/api/v1/talent/people/{wuhou}").status_code == 404
    assert client_for(env, "wuhou_officer").get(f"/talent/people/{jinjiang}").status_code == 404
    # filters: kind, IPC prefix (a person covering H01M lies within H01 and covers H01M4/13), region
    officer = client_for(env, "cd_leader")
    assert [p["name"] for p in officer.get("/api/v1/talent?kind=people_mediator").json()["items"]] == ["李调解"]
    for field in ("H01", "H01M4/13", "G06F"):
        assert [p["name"] for p in officer.get(f"/api/v1/talent?field={field}").json()["items"]] == ["张评审"], field
    assert officer.get("/api/v1/talent?field=A61K").json()["items"] == []
    assert [p["name"] for p in officer.get("/api/v1/talent?region=510104").json()["items"]] == ["李调解"]
    assert officer.get("/api/v1/talent?kind=nonsense").status_code == 422
    assert officer.get("/api/v1/talent?region=51x").status_code == 422
    page = officer.get("/talent?field=1234")
    assert page.status_code == 422 and "不是 IPC 分类号" in page.text
    # the page's title is its name, not the import form (which a manager sees once, in the page)
    html = officer.get("/talent").text
    title = html[html.index("<title>") + len("<title>"):html.index("</title>")]
    assert "<" not in title and "人才" in title and html.count('id="import-form"') == 1


def test_members_see_only_what_people_share(env: WebEnv) -> None:
    wuhou = enter(env, "wuhou_officer", WUHOU_EXPERT)
    enter(env, "jinjiang_officer", JINJIANG_MEDIATOR)
    member = client_for(env, "ent2_user")  # an enterprise of Jinjiang: the city's library is shared with it
    items = member.get("/api/v1/talent").json()["items"]
    assert [p["name"] for p in items] == ["张评审"]  # the mediator shares nothing: not listed
    shown = items[0]
    assert shown["organization"] == "四川大学" and shown["ipc_fields"] == ["H01M", "G06F16"]
    assert shown["phone"] is None and shown["email"] is None and shown["certificates"] is None
    assert "status" not in shown and "source" not in shown
    html = member.get("/talent").text
    assert "028-85550000" not in html and "13800000000" not in html and "李调解" not in html
    assert member.get(f"/api/v1/talent/people/{wuhou}").json()["person"]["phone"] is None
    # a bank of the city sees the same; an enterprise of another city sees nobody
    assert [p["name"] for p in client_for(env, "cd_bank").get("/api/v1/talent").json()["items"]] == ["张评审"]
    assert client_for(env, "my_ent").get("/api/v1/talent").json()["items"] == []
    assert client_for(env, "my_ent").get(f"/talent/people/{wuhou}").status_code == 404
    # a member filtering on a field the person does not share finds nothing (the filter discloses nothing)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.get(Person, wuhou).shared = "name"  # type: ignore[union-attr]
    assert member.get("/api/v1/talent?field=H01M").json()["items"] == []
    assert [p["name"] for p in member.get("/api/v1/talent").json()["items"]] == ["张评审"]
    # a suspended person is not shown to members
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.get(Person, wuhou).status = Status.SUSPENDED  # type: ignore[union-attr]
    assert member.get("/api/v1/talent").json()["items"] == []


def test_the_public_sees_counts_only(env: WebEnv) -> None:
    enter(env, "wuhou_officer", WUHOU_EXPERT)
    enter(env, "jinjiang_officer", JINJIANG_MEDIATOR)
    anonymous = client_for(env, None)
    data = anonymous.get("/api/v1/talent").json()
    assert data["items"] is None
    counts = {c["kind"]: c["count"] for c in data["counts"]}
    assert counts["valuation_expert"] == 1 and counts["people_mediator"] == 1 and counts["patent_agent"] == 0
    page = anonymous.get("/talent")
    assert page.status_code == 200 and "张评审" not in page.text and "评估专家" in page.text
    assert anonymous.get("/talent/export.csv", follow_redirects=False).status_code in (303, 401)
    assert anonymous.get("/api/v1/talent/people/1").status_code == 401


def test_exports_are_the_scoped_view(env: WebEnv) -> None:
    enter(env, "wuhou_officer", WUHOU_EXPERT)
    enter(env, "jinjiang_officer", {**JINJIANG_MEDIATOR, "name": "=HYPERLINK(1)"})
    officer = client_for(env, "wuhou_officer")
    rows = list(csv.reader(io.StringIO(officer.get("/talent/export.csv").content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["姓名", "工作单位"] and len(rows) == 2 and rows[1][0] == "张评审"
    assert "028-85550000" in rows[1]
    city = client_for(env, "cd_leader").get("/talent/export.csv?kind=people_mediator").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in city and "张评审" not in city
    member = client_for(env, "ent_user").get("/talent/export.xlsx")
    book = load_workbook(io.BytesIO(member.content), read_only=True)
    try:
        values = [list(r) for r in book.active.iter_rows(values_only=True)]
    finally:
        book.close()
    assert len(values) == 2 and values[1][0] == "张评审" and "028-85550000" not in [str(v) for v in values[1]]
    assert "状态" not in values[0]
    english = client_for(env, "cd_leader").get("/talent/export.csv?lang=en")
    assert english.content.decode("utf-8-sig").startswith("Name,Name in English,Organization,Organization in English")
    # lists in an English export are separated as English writes them (they read "Name；Organization；…")
    assert "；" not in english.content.decode("utf-8-sig")


def test_the_xlsx_export_is_in_its_language_and_says_which_rows_are_synthetic(env: WebEnv) -> None:
    """Opened in a spreadsheet: the sheet is named in the file's language (a Chinese file's read "talent"); every row
    says whether it is a synthetic record as the records' and the search's exports say it (合成记录 是/否 — it read
    "合成数据" for a demo person and nothing for a real one); the status day is a date cell."""
    real = enter(env, "wuhou_officer", WUHOU_EXPERT)
    demo = enter(env, "wuhou_officer", {**WUHOU_EXPERT, "name": "何勇", "certificates": ""})
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.get(Person, demo).synthetic = True
        assert not s.get(Person, real).synthetic
    city = client_for(env, "cd_leader")
    for lang, sheet, heading, yes, no in (("zh", "人才库", "合成记录", "是", "否"),
                                          ("en", "Talent library", "Synthetic record", "Yes", "No")):
        book = load_workbook(io.BytesIO(city.get(f"/talent/export.xlsx?lang={lang}").content))
        assert book.sheetnames == [sheet], lang
        rows = list(book[sheet].iter_rows())
        header = [c.value for c in rows[0]]
        flag = {row[0].value: row[header.index(heading)].value for row in rows[1:]}
        assert flag == {"张评审": no, "何勇": yes}, (lang, flag)
        day = rows[1][header.index(translate(lang, "talent.field.status_on"))]
        assert day.is_date and day.number_format == "yyyy-mm-dd", (lang, day.value, day.number_format)


def test_an_export_names_what_its_page_names(env: WebEnv) -> None:
    """The export gave a person's region as its bare code, and its English file the names in Chinese where the English
    page reads them in English: the region's name stands beside its code (as in the records' and levers' files), and
    an English file gives the English names beside the registered ones (those stay in their columns: an export
    imports back)."""
    person = enter(env, "wuhou_officer", {**WUHOU_EXPERT, "name": "何勇"})
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.get(Person, person).synthetic = True  # a demo person: the English page reads the name in Pinyin
    city = client_for(env, "cd_leader")
    shown = city.get("/api/v1/talent?lang=en").json()["items"][0]
    assert shown["name_en"]
    for lang, region_name in (("zh", "武侯区"), ("en", "Wuhou District")):
        rows = list(csv.DictReader(io.StringIO(city.get(f"/talent/export.csv?lang={lang}").content.decode("utf-8-sig"))))
        row = rows[0]
        if lang == "zh":
            assert row["所在地区（6 位代码）"] == "510107" and row["所在地区（名称）"] == region_name
            assert "姓名（英文）" not in row and row["姓名"] == "何勇"
        else:
            assert row["Region (6-digit code)"] == "510107" and row["Region (name)"] == region_name
            assert row["Name"] == "何勇" and row["Name in English"] == shown["name_en"] == "He Yong"
            assert row["Organization"] == "四川大学" and "Organization in English" in row
    member = client_for(env, "ent_user").get("/talent/export.csv").content.decode("utf-8-sig")
    assert next(csv.DictReader(io.StringIO(member)))["所在地区（名称）"] == "武侯区"


@pytest.mark.one_database("a file's name; the directory's SQL runs on both databases in test_exports_are_the_scoped_view")
def test_an_export_file_is_named_by_its_region_and_day(env: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every export was ``talent.csv``: named as the other exports name theirs, its region (the filter's, else the
    caller's area) and the day it was read (Beijing's)."""
    import zhichan.legaltime.periods

    monkeypatch.setattr(zhichan.legaltime.periods, "utcnow", lambda: dt.datetime(2026, 3, 31, 17, 0))  # 1 April in Beijing
    city = client_for(env, "cd_leader")
    for url, name in (("/talent/export.csv", "talent-510100-2026-04-01.csv"),
                      ("/talent/export.xlsx?region=510107", "talent-510107-2026-04-01.xlsx"),
                      ("/talent/export.csv?region=5101", "talent-510100-2026-04-01.csv")):
        answer = city.get(url)
        assert answer.status_code == 200
        assert answer.headers["content-disposition"] == f"attachment; filename={name}", url
    member = client_for(env, "ent_user").get("/talent/export.csv")  # a member's file: its city
    assert member.headers["content-disposition"] == "attachment; filename=talent-510100-2026-04-01.csv"


def test_a_region_code_naming_no_region_is_refused_beside_the_field(env: WebEnv) -> None:
    """510199 is six digits inside 成都市's prefix (the city office's area) but names no region: the city officer's
    entry kept it and the directory showed its bare digits; now refused beside the field like a need's, an agency's
    or a quota's region (``platform.scope.known_region_code``)."""
    officer = client_for(env, "cd_leader")
    token = csrf_from(officer.get("/talent").text)
    bad = officer.post("/talent/people", data={**WUHOU_EXPERT, "name": "王估值", "region_code": "510199",
                                               "csrf_token": token})
    assert bad.status_code == 422 and 'id="enter-region_code-error"' in bad.text and "510199" in bad.text
    assert 'value="王估值"' in bad.text  # the input is kept
    # a control character (stored on SQLite, a 500 on PostgreSQL): beside its field, nothing stored
    nul = officer.post("/talent/people", data={**WUHOU_EXPERT, "name": "王估值", "organization": "四川\x00大学",
                                               "csrf_token": token})
    assert nul.status_code == 422 and re.search(r'id="enter-organization-error"[^>]*>[^<]*不可见的控制字符', nul.text)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        assert s.scalars(select(Person).where(Person.name == "王估值")).first() is None


def test_an_officer_enters_a_person_audited_and_errors_stay_beside_the_field(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    token = csrf_from(officer.get("/talent").text)
    bad = officer.post("/talent/people", data={**WUHOU_EXPERT, "cert_valuation_expert": "", "region_code": "510104",
                                               "ipc_fields": "H01M; 12", "csrf_token": token})
    assert bad.status_code == 422
    assert 'id="enter-certificates-error"' in bad.text and "评估专家" in bad.text
    assert 'id="enter-region_code-error"' in bad.text and 'id="enter-ipc_fields-error"' in bad.text
    assert 'value="张评审"' in bad.text  # the input is kept
    ok = officer.post("/talent/people", data={**WUHOU_EXPERT, "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303
    person_id = int(ok.headers["location"].rsplit("/", 1)[1])
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "talent.person_entered")).one()
        assert entry.target == "张评审" and entry.username == "wuhou_officer"
    # a member cannot enter anyone
    member = client_for(env, "ent_user")
    assert member.post("/talent/people", data={**WUHOU_EXPERT, "csrf_token": csrf_from(member.get("/talent").text)}
                       ).status_code == 403
    # suspend needs a reason; remove; another district's officer cannot touch it
    page = officer.get(f"/talent/people/{person_id}")
    token = csrf_from(page.text)
    assert officer.post(f"/talent/people/{person_id}/status", data={"change": "suspend", "reason": "",
                                                                    "csrf_token": token}).status_code == 422
    assert officer.post(f"/talent/people/{person_id}/status", data={"change": "remove", "reason": "本人申请退出",
                                                                    "csrf_token": token}).status_code == 200
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        person = s.get(Person, person_id)
        assert person is not None and person.status == "removed" and person.status_reason == "本人申请退出"
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "talent.status_changed")).one()
    other = client_for(env, "jinjiang_officer")
    assert other.post(f"/talent/people/{person_id}/status", data={
        "change": "reinstate", "reason": "", "csrf_token": csrf_from(other.get("/talent").text)}).status_code == 404


def test_a_chain_the_platform_knows_is_named_in_the_pages_language(env: WebEnv) -> None:
    """The chain column is free text: a chain the platform's navigation knows (by its Chinese name or its code)
    reads in English on an English page — it showed 新能源汽车 there —, any other text stays as written."""
    person = enter(env, "wuhou_officer", {**WUHOU_EXPERT, "industry_chains": "新能源汽车；ic；量子计算"})
    officer = client_for(env, "wuhou_officer")
    for lang, shown in (("en", "New energy vehicles, Integrated circuits, 量子计算"), ("zh", "新能源汽车、集成电路、量子计算")):
        for url in (f"/talent?lang={lang}", f"/talent/people/{person}?lang={lang}"):
            assert f">{shown}</td>" in officer.get(url).text, (url, lang)
    # the English file likewise, beside the text as written (which the roster import reads back); the Chinese file
    # has no such column
    rows = list(csv.DictReader(io.StringIO(officer.get("/talent/export.csv?lang=en").content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["Industry chains"] == "新能源汽车; ic; 量子计算")
    assert row["Industry chains in English"] == "New energy vehicles; Integrated circuits; 量子计算"
    zh = list(csv.DictReader(io.StringIO(officer.get("/talent/export.csv?lang=zh").content.decode("utf-8-sig"))))
    assert "产业链（英文）" not in zh[0]
