"""The procedure pages and API through the real app: start a case with a document, the case page and
its timeline, a step, a stale form kept with a 409, form errors beside the field, the to-do list, scope."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.procedures.helpers import PDF
from zhichan.settings import Settings
from zhichan.web.testing import TestClient, WebEnv, client_for, csrf_from, make_env

FILING = {"patent_number": "ZL202310000001.X", "requester": "成都示例科技有限公司", "respondent": "某某电子商行",
           "requester_role": "专利权人", "court_suit": "否", "known_on": "2025-12-01", "continuing": "是",
          "claims": "请求责令停止侵权"}


@pytest.fixture
def env(settings: Settings, web_template: Path) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def start_case(client: TestClient) -> int:
    page = client.get("/procedures/protection.patent_dispute/new")
    assert page.status_code == 200
    response = client.post("/procedures/protection.patent_dispute/new",
                           data={"csrf_token": csrf_from(page.text), **FILING},
                           files={"doc0": ("请求书.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def accepted_case(officer: TestClient) -> tuple[int, str]:
    """A case filed and accepted by ``officer`` (version 2), with the CSRF token of the page it was accepted from."""
    case_id = start_case(officer)
    token = csrf_from(officer.get(f"/cases/{case_id}").text)
    accepted = officer.post(f"/cases/{case_id}/act/accept", data={"csrf_token": token, "version": "1", "panel": "甲、乙、丙"},
                            files={"doc0": ("受理通知书.pdf", PDF + b"1", "application/pdf")}, follow_redirects=False)
    assert accepted.status_code == 303
    return case_id, token


def test_case_from_filing_to_acceptance_with_a_stale_form_kept(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    # the form lists the procedure's deadlines under their column names (stacked on a phone, each cell says what it
    # is); a procedure without one has no empty "Deadlines" heading
    form = officer.get("/procedures/protection.patent_dispute/new?lang=en").text
    deadlines = re.split(r'<table class="list" id="start-deadlines"[^>]*>', form, maxsplit=1)[1].split("</table>", 1)[0]
    assert "<th>Deadline</th><th>Period</th>" in deadlines and ">Decision on admission</td>" in deadlines
    assert "<h2>Deadlines</h2>" not in client_for(env, "ent_user").get("/procedures/exchange.open_licence/new?lang=en").text
    # a period the office sets in its notice declares its longest (a cure period read "60 days", as if always so long)
    cure = client_for(env, "ent_user").get("/procedures/services.search_service/new?lang=en").text
    assert ">Up to 60 days</td>" in cure and ">60 days</td>" not in cure  # a cell of its own: "up to" read lowercase
    officer.get("/procedures/protection.patent_dispute/new?lang=zh")  # the language the rest reads
    case_id = start_case(officer)
    page = officer.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "已收到请求" in page.text and "立案审查" in page.text
    token = csrf_from(page.text)
    # missing panel and document: 422, the form re-rendered with the message beside the field
    bad = officer.post(f"/cases/{case_id}/act/accept", data={"csrf_token": token, "version": "1", "panel": ""})
    assert bad.status_code == 422 and "请填写" in bad.text and 'id="accept-panel-error"' in bad.text
    ok = officer.post(f"/cases/{case_id}/act/accept", data={"csrf_token": token, "version": "1", "panel": "甲、乙、丙"},
                      files={"doc0": ("受理通知书.pdf", PDF + b"1", "application/pdf")}, follow_redirects=False)
    assert ok.status_code == 303
    # a second officer's form still carries version 1: 409, the typed text kept
    stale = officer.post(f"/cases/{case_id}/act/suspend",
                         data={"csrf_token": token, "version": "1", "ground": "鉴定"})
    assert stale.status_code == 409 and "已被他人更新" in stale.text and "<option value=\"鉴定\" selected>鉴定</option>" in stale.text
    page = officer.get(f"/cases/{case_id}")
    assert "已立案" in page.text and "受理通知书.pdf" in page.text
    assert "致当事人：您的请求已立案" in page.text  # the party's notice, as an officer reads it: said to whom it went
    sha = re.search(r"/documents/([0-9a-f]{64})", page.text)
    assert sha is not None
    doc = officer.get(f"/cases/{case_id}/documents/{sha.group(1)}")
    assert doc.status_code == 200 and doc.content.startswith(b"%PDF") and doc.headers["cache-control"] == "no-store"
    cert = officer.get(f"/cases/{case_id}/steps/2/certificate.pdf")
    assert cert.status_code == 200 and cert.content.startswith(b"%PDF")
    # the certificate names the step as the declaration does and lists the document its digests certify (it showed
    # the case number and the time only), and the document verifies against it
    from tests.helpers import pdf_text
    from zhichan.evidence.service import digest_bytes

    printed = "".join(pdf_text(cert.content).split())
    assert "第2步：立案" in printed and "受理通知书.pdf" in printed and digest_bytes(PDF + b"1").sm3 in printed, printed
    verified = officer.post("/evidence/verify", data={"csrf_token": token}, files={
        "certificate": ("c.pdf", cert.content, "application/pdf"), "file": ("受理通知书.pdf", PDF + b"1")})
    assert 'id="verify-verdict">核验通过' in verified.text
    api = officer.get(f"/api/v1/cases/{case_id}").json()
    assert api["case"]["state"] == "accepted" and [s["event"] for s in api["steps"]] == ["start", "accept"]
    todo = officer.get("/api/v1/todo").json()
    assert [i["id"] for i in todo["items"]] == [case_id]
    moved = officer.post(f"/api/v1/cases/{case_id}/transitions", json={"event": "suspend", "version": 2,
                                                                         "fields": {"ground": "鉴定"}},
                         headers={"X-CSRF-Token": token})
    assert moved.status_code == 200 and moved.json()["version"] == 3
    again = officer.post(f"/api/v1/cases/{case_id}/transitions", json={"event": "resume", "version": 2},
                         headers={"X-CSRF-Token": token})
    assert again.status_code == 409


def test_cases_stay_in_their_area(env: WebEnv) -> None:
    case_id = start_case(client_for(env, "wuhou_officer"))
    for outsider in ("jinjiang_officer", "jinjiang", "ent2_user", "ent_user"):
        c = client_for(env, outsider)
        assert c.get(f"/cases/{case_id}").status_code == 404, outsider
        assert c.get(f"/api/v1/cases/{case_id}").status_code == 404, outsider
        assert c.get("/api/v1/todo").json()["total"] == 0, outsider
    assert client_for(env, "cd_leader").get(f"/cases/{case_id}").status_code == 200  # the city above
    anonymous = env.client()
    assert anonymous.get(f"/api/v1/cases/{case_id}").status_code == 401
    assert anonymous.get("/todo", follow_redirects=False).status_code == 303


def test_an_enterprise_files_online_and_sees_its_own_case(env: WebEnv) -> None:
    ent = client_for(env, "ent_user")
    case_id = start_case(ent)
    assert ent.get(f"/cases/{case_id}").status_code == 200
    officer = client_for(env, "wuhou_officer")
    assert any(i["id"] == case_id for i in officer.get("/api/v1/todo").json()["items"])
    assert client_for(env, "jinjiang_officer").get(f"/cases/{case_id}").status_code == 404


def test_oversized_and_unsupported_attachments_are_refused_beside_the_field(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    page = officer.get("/procedures/protection.patent_dispute/new")
    token = csrf_from(page.text)
    limit = env.app.state.procedures.max_attachment_bytes
    big = officer.post("/procedures/protection.patent_dispute/new", data={"csrf_token": token, **FILING},
                       files={"doc0": ("请求书.pdf", PDF + b"0" * limit, "application/pdf")})
    assert big.status_code == 422 and "超过" in big.text and "某某电子商行" in big.text  # input kept
    exe = officer.post("/procedures/protection.patent_dispute/new", data={"csrf_token": token, **FILING},
                       files={"doc0": ("请求书.pdf", b"MZ\x90\x00", "application/pdf")})
    assert exe.status_code == 422 and "文件类型不受支持" in exe.text


def test_a_word_or_excel_attachment_downloads_as_what_it_is_not_as_an_archive(env: WebEnv) -> None:
    """DOCX, XLSX and OFD are ZIP packages: stored as ``application/zip`` a browser saved a 请求书.docx as an
    archive. The part that makes a package (word/document.xml …) names it; any other ZIP stays an archive."""
    import io
    import zipfile

    from zhichan.procedures.service import media_type, served_media_type

    def package(*parts: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for part in parts:
                z.writestr(part, "<x/>")
        return out.getvalue()

    docx = package("[Content_Types].xml", "word/document.xml")
    assert media_type(docx) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert media_type(package("xl/workbook.xml")) == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert media_type(package("OFD.xml", "Doc_0/Document.xml")) == "application/ofd"
    assert media_type(package("notes.txt")) == "application/zip"
    assert media_type(b"PK\x03\x04 not a whole archive") == "application/zip" and media_type(b"MZ") is None
    # a document stored before: named by its file name's extension
    assert served_media_type("application/zip", "请求书.DOCX") == media_type(docx)
    assert served_media_type("application/zip", "证据.zip") == "application/zip"

    officer = client_for(env, "wuhou_officer")
    page = officer.get("/procedures/protection.patent_dispute/new")
    made = officer.post("/procedures/protection.patent_dispute/new",
                        data={"csrf_token": csrf_from(page.text), **FILING},
                        files={"doc0": ("请求书.docx", docx, "application/octet-stream")}, follow_redirects=False)
    assert made.status_code == 303, made.text
    case_id = int(made.headers["location"].rsplit("/", 1)[1])
    sha = re.search(r"/documents/([0-9a-f]{64})", officer.get(f"/cases/{case_id}").text)
    assert sha is not None
    got = officer.get(f"/cases/{case_id}/documents/{sha.group(1)}")
    assert got.status_code == 200 and got.content == docx
    assert got.headers["content-type"] == media_type(docx)


def test_no_500_on_a_malformed_version_and_input_kept_when_attachments_are_too_large(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    case_id = start_case(officer)
    token = csrf_from(officer.get(f"/cases/{case_id}").text)
    for version in ("²", "9" * 30, "-1", ""):  # str.isdigit() accepts "²"; SQLite overflows past 2**63
        bad = officer.post(f"/cases/{case_id}/act/request_cure",
                           data={"csrf_token": token, "version": version, "items": "请补充评价报告"})
        assert bad.status_code == 409 and "请补充评价报告" in bad.text, version
    api = officer.post(f"/api/v1/cases/{case_id}/transitions", json={"event": "request_cure", "version": 10**30},
                       headers={"X-CSRF-Token": token})
    assert api.status_code == 422
    limit = env.app.state.procedures.max_attachment_bytes
    files = [("extra", (f"{i}.pdf", PDF + b"0" * (limit - 100), "application/pdf")) for i in range(6)]
    big = officer.post(f"/cases/{case_id}/act/request_cure",
                       data={"csrf_token": token, "version": "1", "items": "请补充评价报告"}, files=files)
    assert big.status_code == 422 and "合计" in big.text and "请补充评价报告" in big.text
    assert officer.get("/procedures/no.such_procedure/new").status_code == 404
    # a step whose effect is in force (a cure asked for already) is refused with 409 and says why, the input kept
    assert officer.post(f"/cases/{case_id}/act/request_cure", data={"csrf_token": token, "version": "1", "items": "一",
                                                                  "cure_days": "15"},
                        follow_redirects=False).status_code == 303
    twice = officer.post(f"/cases/{case_id}/act/request_cure", data={"csrf_token": token, "version": "2", "items": "二",
                                                                        "cure_days": "15"})
    assert twice.status_code == 409 and "尚未恢复" in twice.text and ">二</textarea>" in twice.text


def district_leader(env: WebEnv) -> TestClient:
    """武侯区's head: a district's case is its own office's to decide (the city above sees it and takes none of its
    steps, docs/procedures.md)."""
    from sqlalchemy import select

    from zhichan.platform.accounts import create_user
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, Role, User
    from zhichan.web.testing import PASSWORD

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        if s.scalar(select(User.id).where(User.username == "wuhou_leader")) is None:
            wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107",
                                                        Organization.kind == "county"))
            assert wuhou is not None
            create_user(s, username="wuhou_leader", password=PASSWORD, role=Role.BUREAU_LEADER, org=wuhou)
    return client_for(env, "wuhou_leader")


def test_the_case_page_in_english_shows_labels_not_codes(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    case_id = start_case(officer)
    leader = district_leader(env)  # the district's head approves
    token = csrf_from(leader.get(f"/cases/{case_id}").text)
    extended = leader.post(f"/api/v1/cases/{case_id}/transitions", headers={"X-CSRF-Token": token},
                           json={"event": "extend_admission", "version": 1, "fields": {"reason": "材料复杂"}})
    assert extended.status_code == 200, extended.text
    page = officer.get(f"/cases/{case_id}?lang=en").text
    clocks = page[page.index('id="clocks"'):page.index("</table>")]
    assert "+5 working days" in clocks and "Bureau leader" in clocks
    assert "working_day" not in clocks and "bureau_leader" not in clocks
    # a day reads whole at 390 px (the last day broke as 2026-12- / 03 on a phone)
    assert re.search(r'<td class="date" data-label="Triggered on">\d{4}-\d\d-\d\d</td>\s*'
                     r'<td data-label="Last day"><span class="nowrap">\d{4}-\d\d-\d\d</span>', clocks)
    filing = page[page.index('class="biblio"'):]
    assert filing.index("Patent number") < filing.index("Requester") < filing.index("Respondent") < \
        filing.index("Requests and grounds")  # in the declared order, not the stored keys' order
    timeline = page[page.index('id="timeline"'):]
    assert "Request form · 请求书.pdf" in timeline  # the declared document's English label
    # each step's fields carry that step's own labels ("reason" is 延长理由 here, 撤回理由 when withdrawing)
    zh = officer.get(f"/cases/{case_id}?lang=zh").text
    assert "延长理由：材料复杂" in zh and "撤回理由" not in zh[zh.index('id="timeline"'):]
    # who took each step: the person's office (and name, where the account has one), never the sign-in name
    from sqlalchemy import update

    from zhichan.platform.models import User

    with env.engine.begin() as con:  # type: ignore[attr-defined]
        con.execute(update(User).where(User.username == "wuhou_leader").values(display_name="王芳"))
    takers = officer.get(f"/cases/{case_id}?lang=zh").text.split('id="timeline"', 1)[1].split("</table>", 1)[0]
    assert "wuhou_officer" not in takers and "wuhou_leader" not in takers
    assert re.search(r"<td[^>]*>[^<]*武侯区[^<]* · 王芳</td>", takers), takers


def test_an_extension_names_its_approver_in_the_pages_language(env: WebEnv) -> None:
    """An extension granted by the demos' synthetic desk (合成演示 / synthetic, as every demo seed acts) names it in the
    page's language, as the timeline names that step's taker: the clock's line read "合成演示 / synthetic（局领导）" on
    Chinese and English pages alike."""
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, Role
    from zhichan.platform.orgs import synthetic_scope

    officer = client_for(env, "wuhou_officer")
    case_id = start_case(officer)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107", Organization.kind == "county"))
        assert wuhou is not None
        env.app.state.procedures.act(s, synthetic_scope(wuhou, Role.BUREAU_LEADER), case_id,  # type: ignore[attr-defined]
                                     "extend_admission", version=1, fields={"reason": "材料复杂"})
    # (the district's own head: no office named, the handling office's)
    for lang, shown, other in (("zh", "合成演示（局领导）", "synthetic"), ("en", "synthetic (Bureau leader)", "合成演示")):
        page = officer.get(f"/cases/{case_id}?lang={lang}").text
        clocks = page[page.index('id="clocks"'):page.index("</table>")]
        assert shown in clocks and other not in clocks


def test_a_step_that_no_longer_applies_shows_the_typed_text(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    case_id, token = accepted_case(officer)
    # a second officer's refusal, typed on the old page: the case moved on, the refusal no longer applies
    late = officer.post(f"/cases/{case_id}/act/refuse", data={"csrf_token": token, "version": "1",
                                                             "reasons": "不属于受案范围，理由详见通知书"})
    assert late.status_code == 409 and "不能执行该操作" in late.text
    assert "不属于受案范围，理由详见通知书" in late.text  # not lost: shown to copy


def test_documents_and_certificates_download_only_within_scope(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    case_id = start_case(officer)
    sha = re.search(r"/documents/([0-9a-f]{64})", officer.get(f"/cases/{case_id}").text)
    assert sha is not None
    paths = (f"/cases/{case_id}/documents/{sha.group(1)}", f"/cases/{case_id}/steps/1/certificate.pdf")
    for outsider in ("jinjiang_officer", "ent_user", "ent2_user"):
        c = client_for(env, outsider)
        assert [c.get(p).status_code for p in paths] == [404, 404], outsider
    other = start_case(client_for(env, "jinjiang_officer"))  # a document of another case, through this one
    assert officer.get(f"/cases/{other}/documents/{sha.group(1)}").status_code == 404
    assert [officer.get(p).status_code for p in paths] == [200, 200]
    assert [env.client().get(p, follow_redirects=False).status_code for p in paths] == [303, 303]  # to sign in


def test_the_todo_counts_say_what_they_count(env: WebEnv) -> None:
    """The to-do page's figure counts the cases awaiting the caller's step and says so; the start menu's
    number is the kinds of procedure the caller may start, said as such (it read "Open items 1" beside
    "New (12)")."""
    officer = client_for(env, "wuhou_officer")
    start_case(officer)
    for lang, awaiting, help_text, start in (
            ("zh", "待您办理", "统计等待您的机构办理下一步的未办结办件", "新建办件（您可发起 {n} 类）"),
            ("en", "Awaiting your step", "Counts the open cases awaiting the next step of your organization",
             "Start a new case ({n} kinds you may start)")):
        page = officer.get("/todo", params={"lang": lang}).text
        kinds = len(re.findall(r'id="start-[a-z_]+\.[a-z_.]+"', page))
        assert kinds > 1 and f"<summary>{start.format(n=kinds)}</summary>" in page, lang
        assert f'<div class="label">{awaiting}</div><div class="value" id="todo-total">1</div>' in page, lang
        assert help_text in page.split('id="todo-counts-help"')[1].split("</p>")[0], lang
    area = officer.get("/todo", params={"lang": "en", "area": "true"}).text
    assert '<div class="label">Awaiting a step in the area</div>' in area and "an office of the area" in area
    assert "Open items" not in area and "<summary>New" not in area
    quiet = client_for(env, "jinjiang_officer").get("/todo", params={"lang": "en", "area": "true"}).text
    assert '<p class="muted empty" id="todo-empty" data-empty="none">Nothing in your area awaits a step.</p>' in quiet


def test_the_case_page_shows_its_moments_in_beijing_time_and_the_api_with_their_zone(env: WebEnv) -> None:
    """A step, a clock's start and a notice are stored as naive UTC: 17:00 UTC on 31 March is 01:00 on 1 April in
    Beijing. The page reads Beijing time (a UTC one showed officers the evening before); the API gives the moment with
    its zone (ISO 8601, Z), never Beijing time without one."""
    import datetime as dt

    from sqlalchemy import update

    from zhichan.platform.db import session_scope
    from zhichan.procedures.models import CaseClock, Notice, Step

    evening = dt.datetime(2026, 3, 31, 17, 0)
    officer = client_for(env, "wuhou_officer")
    case_id = start_case(officer)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(update(Step).where(Step.case_id == case_id).values(at=evening))
        s.execute(update(CaseClock).where(CaseClock.case_id == case_id).values(started_at=evening))
        s.add(Notice(case_id=case_id, kind="party", text_zh="请补正材料", text_en="Please complete the file",
                     created_at=evening))
    page = officer.get(f"/cases/{case_id}").text
    timeline = page.split('id="timeline"', 1)[1] if 'id="timeline"' in page else page
    assert "2026-04-01 01:00" in timeline and "2026-03-31" not in page
    assert "2026-04-01 · 致当事人：请补正材料" in page  # the notice on Beijing's day (the party's, read by an officer)
    data = officer.get(f"/api/v1/cases/{case_id}").json()
    assert {s["at"] for s in data["steps"]} == {"2026-03-31T17:00:00Z"}
    assert {c["started_at"] for c in data["clocks"]} == {"2026-03-31T17:00:00Z"}
    assert [n["created_at"] for n in data["notices"]] == ["2026-03-31T17:00:00Z"]
    shown = {key for row in (*data["steps"], *data["clocks"], *data["notices"]) for key in row}
    assert not {"at_local", "started_local", "created_local"} & shown  # no zoneless Beijing text beside them


def test_the_case_page_says_whom_the_case_awaits(env: WebEnv) -> None:
    """The header names whom the case awaits as the to-do lists read it (``awaited``): its officer, in the page's
    language; the party while its cure period runs, with that period's last day; the officer and the leader while a
    recusal request is pending; nobody once closed — the API gives the codes and the day."""
    from zhichan.legaltime import china_today

    officer, party = client_for(env, "wuhou_officer"), client_for(env, "ent_user")
    case_id = start_case(party)  # filed online: the enterprise is the case's party

    def header(client: TestClient, lang: str) -> str:
        page = client.get(f"/cases/{case_id}?lang={lang}").text
        return re.sub(r"<[^>]+>", "", page[page.index('id="case-awaited"'):].split("</p>", 1)[0].split(">", 1)[1])

    assert header(officer, "zh") == "待办理方：办案人员" and header(officer, "en") == "Awaiting: Case officer"
    token = csrf_from(officer.get(f"/cases/{case_id}").text)

    def step(client: TestClient, event: str, version: int, fields: dict[str, object]) -> None:
        done = client.post(f"/api/v1/cases/{case_id}/transitions", headers={"X-CSRF-Token": token},
                           json={"event": event, "version": version, "fields": fields})
        assert done.status_code == 200, done.text

    step(officer, "request_cure", 1, {"items": "补充专利权评价报告", "cure_days": 15})
    due = officer.get(f"/api/v1/cases/{case_id}").json()
    last = next(c["due_on"] for c in due["clocks"] if c["name"] == "cure")
    assert (due["awaited"], due["awaited_until"]) == (["party"], last)
    assert header(officer, "zh") == f"待办理方：当事人（期限至 {last}）"
    assert header(officer, "en") == f"Awaiting: The party (until {last})"
    step(officer, "cure", 2, {})
    step(officer, "accept", 3, {"panel": "甲、乙、丙"})
    token = csrf_from(party.get(f"/cases/{case_id}").text)
    step(party, "request_recusal", 4, {"person": "甲", "person_role": "技术调查官", "known_on": china_today().isoformat(),
                                       "grounds": "近亲属"})
    assert header(party, "zh") == "待办理方：办案人员、局领导" and header(party, "en") == "Awaiting: Case officer, Bureau leader"
    assert officer.get(f"/api/v1/cases/{case_id}").json()["awaited"] == ["case_officer", "bureau_leader"]
    token = csrf_from(officer.get(f"/cases/{case_id}").text)
    step(officer, "withdraw", 5, {"reason": "和解"})
    assert header(officer, "zh") == "待办理方：无（无需任何一方办理）"
    assert officer.get(f"/api/v1/cases/{case_id}").json()["awaited"] == []


def test_a_decision_with_nothing_pending_is_neither_offered_nor_taken(env: WebEnv) -> None:
    """The leader's case page offers no recusal decision while nobody asked for one; a form posted anyway (an old page,
    the API) is refused with 409 saying why, in the page's half of the message, and the case stays as it was."""
    officer, leader = client_for(env, "wuhou_officer"), district_leader(env)
    case_id, token = accepted_case(officer)
    page = leader.get(f"/cases/{case_id}").text
    assert "/act/decide_recusal" not in page and "对回避申请作出决定" not in page
    token = csrf_from(page)
    refused = leader.post(f"/cases/{case_id}/act/decide_recusal", data={"csrf_token": token, "version": "2",
                                                                        "outcome": "驳回申请"})
    assert refused.status_code == 409 and "“对回避申请作出决定”须有待决定的“申请回避”：尚未提出，或均已决定" in refused.text
    assert "decides a pending" not in refused.text
    english = leader.post(f"/cases/{case_id}/act/decide_recusal?lang=en", data={"csrf_token": token, "version": "2",
                                                                                "outcome": "驳回申请"})
    assert english.status_code == 409 and "decides a pending “Request a recusal”" in english.text
    api = leader.post(f"/api/v1/cases/{case_id}/transitions", headers={"X-CSRF-Token": token},
                      json={"event": "decide_recusal", "version": 2, "fields": {"outcome": "驳回申请"}})
    assert api.status_code == 409 and "decides a pending" in api.text
    assert leader.get(f"/api/v1/cases/{case_id}").json()["case"]["version"] == 2


def test_a_step_certificate_whose_step_name_was_changed_does_not_verify(env: WebEnv) -> None:
    """The procedure's and step's names a step's certificate prints are recorded in its log entry, so ``/verify`` checks
    them as it checks every printed field: a page re-rendered around the genuine embedded data with another step name
    (立案 → 驳回请求) fails — it was reported verified, the names being printed from the declaration only."""
    import io

    import weasyprint

    from zhichan.evidence.certificate import ATTACHMENT_NAME, TEMPLATES, UNCERTIFIED, render_html
    from zhichan.evidence.verify import read_pdf

    officer = client_for(env, "wuhou_officer")
    case_id, token = accepted_case(officer)
    genuine = officer.get(f"/cases/{case_id}/steps/2/certificate.pdf").content
    cert = read_pdf(genuine)[0]
    leaf = __import__("json").loads(cert.leaf)
    assert leaf["step_title"].startswith("第 2 步：立案") and leaf["procedure_title"].startswith("专利侵权纠纷")
    page = render_html(cert)
    assert "第 2 步：立案" in page and UNCERTIFIED not in page  # recorded: printed as certified, no mark

    def verdict(pdf: bytes, lang: str = "zh") -> str:
        shown = officer.post(f"/evidence/verify?lang={lang}", data={"csrf_token": token},
                             files={"certificate": ("c.pdf", pdf, "application/pdf")}).text
        return re.sub(r"<[^>]+>", "", shown)

    assert "核验通过" in verdict(genuine)
    forged = weasyprint.HTML(string=page.replace("第 2 步：立案", "第 2 步：不予受理"), base_url=str(TEMPLATES))
    forged_pdf = bytes(forged.write_pdf(attachments=[weasyprint.Attachment(file_obj=io.BytesIO(cert.to_json()),
                                                                          name=ATTACHMENT_NAME)]))
    refused = verdict(forged_pdf)
    assert "核验通过" not in refused and "页面所印内容与证书所载不符：办理步骤" in refused
    assert "does not print what the certificate records: Step" in verdict(forged_pdf, "en")


def test_a_document_the_domain_generates_is_no_required_upload(env: WebEnv) -> None:
    """The acceptance form showed "受理通知书 *" as a required file, though the platform generates it (in Chinese) when
    it is left empty: it says so, in both languages, and does not mark it required; a party's own paper stays required."""
    officer = client_for(env, "wuhou_officer")
    case_id = start_case(officer)
    for lang, name, note in (("zh", "受理通知书", "留空则自动生成（中文）"),
                             ("en", "Notice of acceptance", "Generated if left empty (in Chinese)")):
        page = officer.get(f"/cases/{case_id}", params={"lang": lang}).text
        form = page.split('id="form-accept"', 1)[1].split("</form>", 1)[0]
        assert f'<label for="accept-doc0">{name}</label>' in form and note in form
    start = officer.get("/procedures/protection.patent_dispute/new", params={"lang": "zh"}).text
    assert '<label for="start-doc0">请求书 *</label>' in start and "留空则自动生成" not in start
    token = csrf_from(officer.get(f"/cases/{case_id}").text)
    ok = officer.post(f"/cases/{case_id}/act/accept", data={"csrf_token": token, "version": "1", "panel": "甲、乙、丙"},
                      follow_redirects=False)
    assert ok.status_code == 303
    page = officer.get(f"/cases/{case_id}").text
    assert "受理通知书 · 受理通知书.pdf" in page and "受理通知书 · 受理通知书.docx" in page


def test_a_case_moved_to_a_sibling_office_leaves_the_old_offices_pages(env: WebEnv) -> None:
    """移送 from the case page (the receiving office chosen by name in the page's language): the district that moved its
    case to the neighbouring one no longer sees it, so it lands on its 我的待办 told so — not on a 404 of the page it
    just acted on —; the receiving district finds the case on its own list and its page."""
    officer = client_for(env, "wuhou_officer")
    case_id, token = accepted_case(officer)
    from zhichan.legaltime import china_today

    for event, data in (("serve", {"received_on": china_today().isoformat()}),
                        ("object_jurisdiction", {"grounds": "住所地在锦江区"})):
        done = officer.post(f"/cases/{case_id}/act/{event}", data={"csrf_token": token, "version": str(
            officer.get(f"/api/v1/cases/{case_id}").json()["case"]["version"]), **data},
            files={"doc0": ("送达回证.pdf", PDF + b"2", "application/pdf")} if event == "serve" else None,
            follow_redirects=False)
        assert done.status_code == 303, done.text
    page = officer.get(f"/cases/{case_id}?lang=en").text
    assert "Objection upheld: transfer to the competent office" in page and "Jinjiang" in page
    version = officer.get(f"/api/v1/cases/{case_id}").json()["case"]["version"]
    form = officer.get(f"/cases/{case_id}").text.split(f'action="/cases/{case_id}/act/transfer_jurisdiction"', 1)[1]
    # a radio button (the English names are long) or a select's option (the page kept the English chosen above)
    found = re.search(r'value="(\d+)"(?:(?!value=).)*?Jinjiang District Intellectual Property Administration', form, re.S)
    assert found is not None
    jinjiang = found.group(1)
    # the office handling it is not offered: the engine refuses it (it was listed, named first)
    assert "Wuhou District Intellectual Property Administration" not in form.split("</form>", 1)[0]
    moved = officer.post(f"/cases/{case_id}/act/transfer_jurisdiction", data={
        "csrf_token": token, "version": str(version), "receiving_office": jinjiang, "reason": "异议成立"},
        follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].startswith("/todo?moved=PD-"), moved.headers
    told = officer.get(moved.headers["location"]).text  # the page kept the English chosen above
    assert "Case PD-" in told and "was moved to another office" in told
    assert officer.get(f"/cases/{case_id}").status_code == 404
    receiving = client_for(env, "jinjiang_officer")
    assert f"/cases/{case_id}" in receiving.get("/todo").text and receiving.get(f"/cases/{case_id}").status_code == 200


def test_an_office_above_reads_whom_a_case_awaits_as_the_handling_offices(env: WebEnv) -> None:
    """A district's case awaits its officers: on their 我的待办, not on the city's — the city, which sees the case (and is
    offered a step of the handling office or one above, an ``area`` step such as a deal's registration), reads on its
    page that the handling office's officer is awaited (it read 办案人员, its own role, with the case on no list of its)."""
    officer = client_for(env, "wuhou_officer")
    case_id, _ = accepted_case(officer)
    leader = client_for(env, "cd_leader")
    assert officer.get(f"/api/v1/cases/{case_id}").json()["awaited_shown"] == ["办案人员"]
    assert leader.get(f"/api/v1/cases/{case_id}").json()["awaited_shown"] == ["办案机关办案人员"]
    page = leader.get(f"/cases/{case_id}", params={"lang": "en"}).text
    assert "Case officer of the office handling the case" in page.split('id="case-awaited"', 1)[1].split("</p>", 1)[0]
    # and which office that is (a case late on the city's 辖区待办 did not say whose it was); its own officers read none
    assert leader.get(f"/api/v1/cases/{case_id}", params={"lang": "zh"}).json()["handling_office"] == "武侯区知识产权局"
    named = page.split('id="case-office"', 1)[1].split("</p>", 1)[0]
    assert "Handling office" in named and "Wuhou District Intellectual Property Administration" in named
    assert officer.get(f"/api/v1/cases/{case_id}").json()["handling_office"] is None
    assert 'id="case-office"' not in officer.get(f"/cases/{case_id}").text
