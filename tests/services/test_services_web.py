"""The services pages through the app: the public catalogue, a bureau's edit, an application carried to
its generated decision, quotas — every invalid value answered beside its field, every page in scope."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
from pathlib import Path

from sqlalchemy import select

from tests.procedures.helpers import PDF, filed_under_earlier
from zhichan.evidence.service import utcnow
from zhichan.legaltime import china_date
from zhichan.platform.db import session_scope
from zhichan.procedures.models import Step
from zhichan.services.models import SubsidyApplication
from zhichan.web.testing import JINJIANG_ENTERPRISE, WUHOU_ENTERPRISE, TestClient, WebEnv, csrf_from, login_as

SEARCH = "services.search_service"


def test_the_catalogue_is_public(client: TestClient) -> None:
    page = client.get("/services")
    assert page.status_code == 200
    assert "专利信息检索分析服务" in page.text and "专利优先审查推荐" in page.text
    assert "10个工作日" in page.text and "不收费" in page.text
    assert f'href="/procedures/{SEARCH}/new"' in page.text
    entry = client.get("/services/ZC-YX-001")
    assert entry.status_code == 200
    assert "国家知识产权局令第85号" in entry.text and "全体申请人/专利权人同意书" in entry.text
    data = client.get("/api/v1/services/catalogue").json()
    assert {e["code"]: e["time_limit_amount"] for e in data["entries"]} == {"ZC-XX-001": 10, "ZC-YX-001": 5,
                                                                         "ZC-YS-001": 5, "ZC-YS-002": 5}
    assert client.get("/services/XX").status_code == 422
    assert client.get("/services/ZC-ZZ-999").status_code == 404
    # the area the catalogue applies to is named, in the page's language
    assert '<span id="catalogue-area">武侯区</span>' in client.get("/services", params={"region": "510107"}).text
    assert '<span id="catalogue-area">Wuhou District</span>' in client.get(
        "/services", params={"region": "510107", "lang": "en"}).text


def test_a_bureau_edits_its_areas_entry(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "cd_leader")
    form = client.get("/services/ZC-XX-001/edit")
    assert form.status_code == 200
    token = csrf_from(form.text)
    bad = client.post("/services/ZC-XX-001/edit", data={"csrf_token": token, "applicants": "", "fee_yuan": "12.345",
                                                        "contact": "x" * 301, "offered": "1"})
    assert bad.status_code == 422
    for field in ("applicants", "fee_yuan", "contact"):
        assert f'id="{field}-error"' in bad.text, field
    assert 'value="12.345"' in bad.text  # the input is kept
    ok = client.post("/services/ZC-XX-001/edit", data={"csrf_token": token, "applicants": "成都市注册的中小企业",
                                                       "fee_yuan": "1,200.5", "contact": "028-61881234", "offered": "1"},
                     follow_redirects=False)
    assert ok.status_code == 303
    in_chengdu = client.get("/api/v1/services/catalogue?region=510107").json()["entries"][0]
    assert (in_chengdu["fee_yuan"], in_chengdu["applicants"], in_chengdu["edited_for"]) == ("1200.50", "成都市注册的中小企业", "510100")
    elsewhere = client.get("/api/v1/services/catalogue?region=330106").json()["entries"][0]
    assert (elsewhere["fee_yuan"], elsewhere["edited_for"]) == ("0", None)
    client.post("/services/ZC-XX-001/edit", data={"csrf_token": token, "applicants": "成都市注册的中小企业",
                                                  "fee_yuan": "0"})  # no longer offered in Chengdu
    assert "本地暂不办理" in client.get("/services?region=510107").text
    login_as(client, env.engine, "ent_user")
    token = csrf_from(client.get(f"/procedures/{SEARCH}/new").text)
    refused = client.post(f"/procedures/{SEARCH}/new", files={"doc0": ("申请表.pdf", PDF, "application/pdf")},
                          data={"csrf_token": token, "applicant": "成都示例科技有限公司", "topic": "检索", "purpose": "其他",
                                "contact": "王五"})
    assert refused.status_code == 422 and "暂不办理此事项" in refused.text
    for user in ("wuhou", "wuhou_officer", "ent_user"):  # an analyst, an officer, an enterprise: not editors
        login_as(client, env.engine, user)
        token = csrf_from(client.get("/services").text)
        r = client.post("/services/ZC-XX-001/edit", data={"csrf_token": token, "applicants": "x", "fee_yuan": "0"})
        assert r.status_code == 403, user


def test_the_application_form_names_the_filer(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "ent_user")  # an enterprise files for itself: its name is filled in
    form = client.get(f"/procedures/{SEARCH}/new").text
    assert f'id="start-applicant" name="applicant" type="text" maxlength="200" value="{WUHOU_ENTERPRISE}"' in form


def _apply(env: WebEnv, client: TestClient) -> int:
    login_as(client, env.engine, "ent_user")
    token = csrf_from(client.get(f"/procedures/{SEARCH}/new").text)
    fields = {"csrf_token": token, "applicant": "成都示例科技有限公司", "topic": "固态电池电解质专利布局", "purpose": "专利布局",
              "contact": "王五 028-12345678"}
    bad = client.post(f"/procedures/{SEARCH}/new", data={**fields, "purpose": "别的", "contact": ""},
                      files={"doc0": ("申请表.pdf", PDF, "application/pdf")})
    assert bad.status_code == 422
    assert 'id="start-purpose-error"' in bad.text and 'id="start-contact-error"' in bad.text
    r = client.post(f"/procedures/{SEARCH}/new", data=fields, files={"doc0": ("申请表.pdf", PDF, "application/pdf")},
                    follow_redirects=False)
    assert r.status_code == 303
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_an_application_to_its_generated_decision(env: WebEnv, client: TestClient, tmp_path: Path) -> None:
    case_id = _apply(env, client)
    mine = [a for a in client.get("/api/v1/services/applications").json()["items"] if a["id"] == case_id]
    # a stored moment is naive UTC; the API marks it so (a client in Beijing read it eight hours off)
    assert len(mine) == 1 and mine[0]["created_at"].endswith("Z")
    assert dt.datetime.fromisoformat(mine[0]["created_at"]) > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    login_as(client, env.engine, "wuhou_officer")
    page = client.get(f"/services/applications/{case_id}")
    assert page.status_code == 200 and "decide-form-approve" not in page.text  # accept first
    token = csrf_from(page.text)
    # a name the service has no decision by: no such decision (it said there was no step with a generated document)
    nosuch = client.post(f"/services/applications/{case_id}/decide/zzz", data={"csrf_token": token, "version": "1"})
    assert nosuch.status_code == 404 and "该服务没有名为“zzz”的决定" in nosuch.text and "文书" not in nosuch.text
    # a decision of the service not open yet: refused as the engine refuses a step, above the case's page
    early = client.post(f"/services/applications/{case_id}/decide/approve",
                        data={"csrf_token": token, "version": "1", "conclusion": "已完成检索"})
    assert early.status_code == 409 and re.search(r'id="conflict">[^<]*不能由您作出“准予办理”', early.text)
    # the engine's own form likewise: a step the procedure does not have is no conflict with another officer
    assert client.post(f"/cases/{case_id}/act/zzz", data={"csrf_token": token, "version": "1"}).status_code == 404
    assert client.post(f"/cases/{case_id}/act/accept", data={"csrf_token": token, "version": "1"},
                       follow_redirects=False).status_code == 303
    page = client.get(f"/services/applications/{case_id}")
    assert "decide-form-approve" in page.text and "准予办理决定书" in page.text
    english = client.get(f"/services/applications/{case_id}?lang=en").text  # the document stays Chinese: it says so
    assert re.search(r'id="decide-in-chinese">[^<]*issued in Chinese, also from an English page', english)
    client.get(f"/services/applications/{case_id}?lang=zh")  # the language chosen is kept: back to Chinese
    empty = client.post(f"/services/applications/{case_id}/decide/approve", data={"csrf_token": token, "version": "2"})
    assert empty.status_code == 422 and 'id="decide-approve-conclusion-error"' in empty.text
    # a NUL in the conclusion: refused beside it before the decision is generated (python-docx refused it, a 500)
    nul = client.post(f"/services/applications/{case_id}/decide/approve",
                      data={"csrf_token": token, "version": "2", "conclusion": "已完成\x00检索"})
    assert nul.status_code == 422 and re.search(r'id="decide-approve-conclusion-error"[^>]*>[^<]*不可见的控制字符', nul.text)
    stale = client.post(f"/services/applications/{case_id}/decide/approve",
                        data={"csrf_token": token, "version": "1", "conclusion": "已完成检索"})
    assert stale.status_code == 409 and "已完成检索" in stale.text  # someone moved it on: the input is kept
    done = client.post(f"/services/applications/{case_id}/decide/approve", follow_redirects=False,
                       data={"csrf_token": token, "version": "2", "conclusion": "已完成检索分析，报告见附件。"})
    assert done.status_code == 303
    with session_scope(env.engine) as s:
        docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case_id, Step.event == "approve")) or "[]")
    assert [d["file_name"].rsplit(".", 1)[1] for d in docs] == ["pdf", "docx"]
    assert all(len(d["sm3"]) == 64 for d in docs)
    login_as(client, env.engine, "ent_user")  # the applicant receives it
    page = client.get(f"/services/applications/{case_id}")
    assert "已办结（准予）" in page.text and docs[0]["sha256"] in page.text
    assert 'id="documents-in-chinese"' in page.text
    english = client.get(f"/services/applications/{case_id}?lang=en").text
    assert re.search(r'id="documents-in-chinese">[^<]*issued in Chinese', english)
    client.get(f"/services/applications/{case_id}?lang=zh")
    pdf = client.get(f"/cases/{case_id}/documents/{docs[0]['sha256']}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "decision.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "decision.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "准予办理决定书" in text and "已完成检索分析" in text and "成都示例科技有限公司" in text
    for user in ("ent2_user", "jinjiang_officer"):  # another enterprise, another district
        login_as(client, env.engine, user)
        assert client.get(f"/services/applications/{case_id}").status_code == 404, user
        assert all(a["id"] != case_id for a in client.get("/api/v1/services/applications").json()["items"])
    login_as(client, env.engine, "cd_leader")  # the city above sees its district's applications
    assert client.get(f"/services/applications/{case_id}").status_code == 200


def test_every_link_to_an_application_leads_to_its_progress_page(env: WebEnv, client: TestClient) -> None:
    """A submitted application opens its own progress page, not the generic case page; the to-do (page and API)
    leads there too; the case page leads back; the enterprise reads the office's notices and its own next step
    (a cure) on the progress page, in the page's language."""
    login_as(client, env.engine, "ent_user")
    token = csrf_from(client.get(f"/procedures/{SEARCH}/new").text)
    r = client.post(f"/procedures/{SEARCH}/new", follow_redirects=False,
                    data={"csrf_token": token, "applicant": "成都示例科技有限公司", "topic": "固态电池", "purpose": "专利布局",
                          "contact": "王五 028-12345678"}, files={"doc0": ("申请表.pdf", PDF, "application/pdf")})
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/services/applications/"), location
    case_id = int(location.rsplit("/", 1)[1])
    assert f'href="/services/applications/{case_id}"' in client.get("/services/applications").text
    login_as(client, env.engine, "wuhou_officer")
    todo = client.get("/todo").text
    assert f'href="/services/applications/{case_id}"' in todo and f'href="/cases/{case_id}"' not in todo
    item = next(i for i in client.get("/api/v1/todo").json()["items"] if i["id"] == case_id)
    assert item["url"] == f"/services/applications/{case_id}"
    case_page = client.get(f"/cases/{case_id}").text  # the generic page of the same case leads back
    assert 'id="application-page-link">查看申请办理进度</a>' in case_page
    assert f'href="/services/applications/{case_id}"' in case_page
    token = csrf_from(case_page)
    assert client.post(f"/cases/{case_id}/act/request_cure", data={"csrf_token": token, "version": "1",
                                                                    "items": "申请表缺少盖章", "cure_days": "15"},
                       follow_redirects=False).status_code == 303
    login_as(client, env.engine, "ent_user")
    page = client.get(f"/services/applications/{case_id}").text
    assert "请按通知一次性补正材料" in page  # the office's notice
    # what to cure and by when: the notice's items and the days the office gave, kept as the party's clock
    assert "需补正事项：申请表缺少盖章" in page and "补正期限（日，自通知次日起算）：15" in page
    assert "<td data-label=\"期限\">补正期限</td><td class=\"nowrap\" data-label=\"期间\">15日</td>" in page
    assert f'<a href="/cases/{case_id}#action-cure" id="step-cure">补正材料</a>' in page  # its own next step
    english = client.get(f"/services/applications/{case_id}", params={"lang": "en"}).text
    assert "Please cure the listed items" in english and ">Cure</a>" in english and "补正" not in english
    assert "<td data-label=\"Deadline\">Period to cure</td><td class=\"nowrap\" data-label=\"Period\">15 days</td>" in english and "Items to cure: 申请表缺少盖章" in english


def test_the_enterprises_home_leads_to_its_applications(env: WebEnv, client: TestClient) -> None:
    """An enterprise's own home page lists its latest service applications, each leading to its progress page; with
    none it says so and where to apply; another enterprise's page (seen by an officer) carries no such list."""
    login_as(client, env.engine, "ent_user")
    home = client.get("/enterprise")
    assert 'id="home-applications-none"' in home.text and 'href="/services"' in home.text
    assert 'id="applications-empty"' in client.get("/services/applications").text
    english = client.get("/enterprise", params={"lang": "en"}).text
    assert "No service application yet" in english
    client.get("/enterprise", params={"lang": "zh"})
    token = csrf_from(client.get(f"/procedures/{SEARCH}/new").text)
    r = client.post(f"/procedures/{SEARCH}/new", follow_redirects=False,
                    data={"csrf_token": token, "applicant": "成都示例科技有限公司", "topic": "固态电池", "purpose": "专利布局",
                          "contact": "王五 028-12345678"}, files={"doc0": ("申请表.pdf", PDF, "application/pdf")})
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    home = client.get("/enterprise").text
    panel = home.split('id="home-applications"', 1)[1].split("</section>", 1)[0]
    assert f'href="/services/applications/{case_id}"' in panel and "已提交" in panel and "专利信息检索分析服务" in panel
    login_as(client, env.engine, "wuhou_officer")
    assert "辖区内尚无" not in client.get("/services/applications").text  # the district has one
    login_as(client, env.engine, "cd_leader")  # a bureau reads the enterprise's portfolio, not its own list
    page = client.get(f"/enterprises/{WUHOU_ENTERPRISE}")
    assert page.status_code == 200 and "home-applications" not in page.text


def test_quota_forms_answer_beside_each_field(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "root")
    form = client.get("/services/priority/quotas?year=2026").text
    token = csrf_from(form)
    # the province and the city are chosen by name (the forms asked for codes): the nation's office every one
    assert '<option value="510000">四川省（510000）</option>' in form
    assert '<option value="510100">成都市（510100）</option>' in form and 'id="allocation-city_code"' in form
    bad = client.post("/services/priority/quotas", data={"csrf_token": token, "year": "26", "province_code": "5101",
                                                          "total": "ten"})
    assert bad.status_code == 422
    for field in ("year", "province_code", "total"):
        assert f'id="quota-{field}-error"' in bad.text, field
    assert client.post("/services/priority/quotas", data={"csrf_token": token, "year": "2026", "province_code": "510000",
                                                          "total": "8"}, follow_redirects=False).status_code == 303
    over = client.post("/services/priority/allocations", data={"csrf_token": token, "year": "2026", "city_code": "510100",
                                                               "allocated": "9"})
    assert over.status_code == 422 and 'id="allocation-allocated-error"' in over.text and "最多还可分配 8 件" in over.text
    assert client.post("/services/priority/allocations", data={"csrf_token": token, "year": "2026", "city_code": "510100",
                                                               "allocated": "5"}, follow_redirects=False).status_code == 303
    login_as(client, env.engine, "cd_leader")  # the city reads its share, cannot change it
    page = client.get("/services/priority/quotas?year=2026")
    assert page.status_code == 200 and 'id="allocation-510100"' in page.text and "quota-form" not in page.text
    token = csrf_from(page.text)
    assert client.post("/services/priority/allocations", data={"csrf_token": token, "year": "2026", "city_code": "510100",
                                                               "allocated": "8"}).status_code == 403
    # a year without a quota: who may set one is told to below; who may not is told who does
    empty = client.get("/services/priority/quotas?year=2030&lang=en").text
    assert "bureau leader (or a system administrator) sets a province&#39;s quota" in empty.split('id="no-quota"', 1)[1]
    login_as(client, env.engine, "root")
    empty = client.get("/services/priority/quotas?year=2030").text
    assert 'id="no-quota"' in empty and "局领导" not in empty.split('id="no-quota"', 1)[1].split("</p>", 1)[0]
    login_as(client, env.engine, "ent_user")
    assert client.get("/services/priority/quotas").status_code == 403


def test_subsidy_pages(env: WebEnv, client: TestClient) -> None:
    listing = client.get("/services/subsidies")
    assert listing.status_code == 200 and "SUB-2026-01" in listing.text and "200,000.00" in listing.text
    public = client.get("/services/subsidies/SUB-2026-01")
    assert public.status_code == 200 and 'id="no-results"' in public.text and "subsidy-apply" not in public.text
    assert client.get("/api/v1/services/subsidies/SUB-2026-01").json()["published"] == []
    # the day the programme takes its valid patents on (it read "validity as on 2026-06-30")
    assert re.search(r"\(in force as of (<[^>]+>)?2026-06-30", client.get("/services/subsidies/SUB-2026-01?lang=en").text)
    client.get("/services/subsidies?lang=zh")  # the language chosen is kept: back to Chinese
    assert client.get("/services/subsidies/SUB-2099-99").status_code == 404
    login_as(client, env.engine, "ent_user")
    page = client.get("/services/subsidies/SUB-2026-01")
    token = csrf_from(page.text)
    assert client.post("/services/subsidies/SUB-2026-01/apply", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    page = client.get("/services/subsidies/SUB-2026-01")
    assert "成都示例科技有限公司" in page.text and "有效高价值发明专利 4 件" in page.text  # its own application, with reasons
    # no button to apply again (a second application was refused): its application, where it stands, a link to it
    own = page.text.split('id="own-application"', 1)[1].split("</div>", 1)[0]
    assert 'id="subsidy-apply"' not in page.text and "本企业已于" in own and re.search(r'id="own-standing">办理进度：已评定', own)
    target = re.search(r'href="#(subsidy-application-\d+)"', own).group(1)  # type: ignore[union-attr]
    assert f'<tr id="{target}">' in page.text
    english = client.get("/services/subsidies/SUB-2026-01?lang=en").text.split('id="own-application"', 1)[1]
    assert "Your enterprise applied to this programme on" in english and "Where it stands: assessed" in english
    client.get("/services/subsidies?lang=zh")
    # the example pays for the use of patents, not for granted inventions or PCT filings (the 2021 notice)
    applications = page.text.split('id="subsidy-applications"', 1)[1].split("</table>", 1)[0]
    criteria = page.text.split('id="programme"', 1)[1].split('id="programme-revision"', 1)[0]
    assert "期内专利转让、许可 0 件" in applications and not re.search("授权发明|PCT", applications + criteria)
    # the version it was assessed under, and what the current one changed (its note names the withdrawn measures)
    assert re.search(r'<td class="revision"[^>]*>第 2 版</td>', applications)
    # the day the (example) bureau adopted it, not the day its file was written (it read 2026-12-07)
    assert re.search(r'id="programme-revision">第 2 版，自 (<[^>]+>)?2026-07-01(</span>)? 起施行：取消期内授权发明专利、PCT国际申请的资助', page.text)
    english = client.get("/services/subsidies/SUB-2026-01?lang=en").text
    assert re.search(r'<td class="revision"[^>]*>Revision 2</td>', english) and re.search(
        r"Revision 2, in force since (<[^>]+>)?2026-07-01(</span>)?: Inventions", english)
    # an application made before revisions were recorded (it read "未记录版本"): told by the revision in force on its
    # day where that one counted what it did; said plainly where the history does not tell it
    with session_scope(env.engine) as s:
        row = s.scalar(select(SubsidyApplication))
        assert row is not None
        row.programme_revision, row.applied_at = None, dt.datetime(2026, 6, 20, 2)
        row.measures = '{"granted_inventions": 3, "high_value_inventions": 4, "pct_filings": 0}'
    for lang, told in (("zh", "第 1 版（按评定日推定）"), ("en", "Revision 1 (told by the day assessed)")):
        cell = client.get(f"/services/subsidies/SUB-2026-01?lang={lang}").text.split('<td class="revision"', 1)[1]
        assert cell.split(">", 1)[1].startswith(told), cell[:200]
    with session_scope(env.engine) as s:  # counting revision 1's measures on a day revision 2 was in force
        row = s.scalar(select(SubsidyApplication))
        assert row is not None
        row.applied_at = dt.datetime(2026, 10, 9, 2)
    for lang, plain in (("zh", "评估时未记录版本（早于版本记录）"),
                        ("en", "Version not recorded when assessed (before versions were recorded)")):
        cell = client.get(f"/services/subsidies/SUB-2026-01?lang={lang}").text.split('<td class="revision"', 1)[1]
        assert cell.split(">", 1)[1].startswith(plain), cell[:200]
    client.get("/services/subsidies?lang=zh")
    again = client.post("/services/subsidies/SUB-2026-01/apply", data={"csrf_token": token})
    assert again.status_code == 422 and 'id="programme-error"' in again.text
    login_as(client, env.engine, "ent2_user")  # another enterprise does not see it
    assert "成都示例科技有限公司" not in client.get("/services/subsidies/SUB-2026-01").text
    login_as(client, env.engine, "wuhou_officer")  # the district's officer does
    assert "成都示例科技有限公司" in client.get("/services/subsidies/SUB-2026-01").text
    token = csrf_from(client.get("/services/subsidies").text)
    assert client.post("/services/subsidies/awards/1/disburse", data={"csrf_token": token, "paid_on": "2026-01-01",
                                                                      "voucher": "x"}).status_code == 404


def test_only_the_deciding_officers_read_every_subsidy_application(env: WebEnv, client: TestClient) -> None:
    """Least disclosure: the applicant reads its own application, the case officers and leaders over the programme's
    area every one; the area's analysts and administrators (demo_analyst oversees Sichuan) only the public result."""
    login_as(client, env.engine, "ent_user")
    token = csrf_from(client.get("/services/subsidies/SUB-2026-01").text)
    assert client.post("/services/subsidies/SUB-2026-01/apply", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    measures = "有效高价值发明专利 4 件"
    for user, sees in (("ent_user", True), ("wuhou_officer", True), ("cd_leader", True), ("wuhou", False),
                       ("jinjiang", False), ("cd_admin", False), ("root", False), ("ent2_user", False)):
        login_as(client, env.engine, user)
        page = client.get("/services/subsidies/SUB-2026-01").text
        api = client.get("/api/v1/services/subsidies/SUB-2026-01").json()
        assert (measures in page) is sees and ('id="subsidy-applications"' in page) is sees, user
        assert bool(api["applications"]) is sees and api["officer"] is (sees and user != "ent_user"), user
    # re-assessing applications under the current version is the deciding officers' too (none is stale here)
    for user, status in (("wuhou", 403), ("ent_user", 403), ("cd_admin", 403), ("cd_leader", 303)):
        login_as(client, env.engine, user)
        token = csrf_from(client.get("/services/subsidies/SUB-2026-01").text)
        done = client.post("/services/subsidies/SUB-2026-01/reassess", data={"csrf_token": token}, follow_redirects=False)
        assert done.status_code == status, user


def test_published_results_and_payments(env: WebEnv, client: TestClient) -> None:
    from tests.services.helpers import concluded_round

    round_id = concluded_round(env)
    login_as(client, env.engine, "cd_officer")  # the round's case page leads to the programme's (it showed only its code)
    assert '<a href="/services/subsidies/SUB-2026-01" id="programme-page-link">' in client.get(f"/cases/{round_id}").text
    # another enterprise finds applications closed, said where the button was; one sent anyway is refused beside it
    login_as(client, env.engine, "ent2_user")
    page = client.get("/services/subsidies/SUB-2026-01")
    assert 'id="subsidy-apply"' not in page.text and re.search(r'id="subsidy-closed">本项目资助评审已结束', page.text)
    late = client.post("/services/subsidies/SUB-2026-01/apply", data={"csrf_token": csrf_from(page.text)})
    assert late.status_code == 422 and re.search(r'id="programme-error">本项目资助评审已结束', late.text)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/services").text)})
    public = client.get("/services/subsidies/SUB-2026-01")  # anyone reads the published results
    assert public.status_code == 200 and "成都示例科技有限公司" in public.text and "公示已结束" in public.text
    assert "disburse-1" not in public.text
    result = client.get("/api/v1/services/subsidies/SUB-2026-01").json()
    assert [(a["applicant"], a["awarded"]) for a in result["published"]] == [("成都示例科技有限公司", "20000.00")]
    # the line's reason is kept as a message: each language reads its own, never "中文 / English"
    assert result["published"][0]["reason"] == "全额资助 20,000 元"
    english = client.get("/services/subsidies/SUB-2026-01", params={"lang": "en"}).text
    assert "Paid in full: 20,000 yuan" in english and "全额资助" not in english
    assert "全额资助 20,000 元" in public.text and "paid in full" not in public.text.lower()
    # the amounts grouped as the budget is (20000.00 stood beside 200,000.00), the area by its name (it read 510100)
    row = public.text.split('id="award-1"', 1)[1].split("</tr>", 1)[0]
    assert len(re.findall(r'<td class="num"[^>]*>20,000\.00</td>', row)) == 2, row
    assert '<dd id="programme-area">成都市</dd>' in public.text and '<dd id="programme-area">Chengdu</dd>' in english
    assert "期内专利转让、许可：3,000.00 元/件" in public.text  # a criterion's amount too (3000.00)
    login_as(client, env.engine, "cd_leader")
    page = client.get("/services/subsidies/SUB-2026-01")
    assert 'id="disburse-1"' in page.text
    token = csrf_from(page.text)
    bad = client.post("/services/subsidies/awards/1/disburse", data={"csrf_token": token, "paid_on": "2026/08/12",
                                                                     "voucher": ""})
    assert bad.status_code == 422
    assert 'id="paid_on-1-error"' in bad.text and 'id="voucher-1-error"' in bad.text and 'value="2026/08/12"' in bad.text
    ok = client.post("/services/subsidies/awards/1/disburse", data={"csrf_token": token, "paid_on": "2026-08-12",
                                                                    "voucher": "CD-2026-001"}, follow_redirects=False)
    assert ok.status_code == 303
    assert "2026-08-12 · CD-2026-001" in client.get("/services/subsidies/SUB-2026-01").text
    login_as(client, env.engine, "jinjiang_officer")  # another district's officer cannot pay it
    token = csrf_from(client.get("/services/subsidies").text)
    assert client.post("/services/subsidies/awards/1/disburse", data={"csrf_token": token, "paid_on": "2026-08-12",
                                                                      "voucher": "X"}).status_code == 404


def test_the_library_is_searched_by_the_search_engine(client: TestClient) -> None:
    from zhichan.services.library import library

    # any substring, of one character or more, found exactly; every term must occur; the kind filters
    assert [e.id for e in library().search("挂证")] == ["C-0002"]
    assert {e.id for e in library().search("池")} == {"C-0001", "P-0002"}
    assert [e.id for e in library().search("高价值 资助")] == ["P-0001"]
    assert library().search("高价值 挂证") == []
    assert [e.id for e in library().search("电池", kind="case")] == ["C-0001"]
    assert [e.id for e in library().search("pct")] == ["P-0001"]  # folded like patent text
    page = client.get("/services/library", params={"q": "预审"})
    assert page.status_code == 200 and "专利预审服务备案指引" in page.text and "合成示例" in page.text
    # the synthetic mark is the entry's badge, not repeated in its title (【合成示例】… 合成示例)
    assert "<strong>知识产权保护中心专利预审服务备案指引</strong>" in page.text and "【合成示例】" not in page.text
    data = client.get("/api/v1/services/library", params={"q": "优先审查", "kind": "policy"}).json()
    assert [i["id"] for i in data["items"]] == ["P-0003"] and data["synthetic"] is True
    assert client.get("/api/v1/services/library", params={"kind": "law"}).status_code == 422
    assert client.get("/api/v1/services/library", params={"q": "长" * 150}).status_code in (400, 422)
    long = client.get("/services/library", params={"q": "长" * 150})
    assert long.status_code == 422 and 'id="library-q-error"' in long.text


def test_a_priority_recommendation_with_its_letter(env: WebEnv, client: TestClient, tmp_path: Path,
                                                   artifacts_dir: Path) -> None:
    number = env.numbers["wuhou"]  # a granted invention of 成都示例科技有限公司
    login_as(client, env.engine, "ent_user")
    token = csrf_from(client.get("/procedures/services.priority_exam/new").text)
    fields = {"csrf_token": token, "application_number": number, "subject": "发明专利申请",
              "ground": "无效宣告涉及侵权纠纷、行政裁决、开放许可调解或仲裁", "applicant": "成都示例科技有限公司",
              "consents": "成都示例科技有限公司", "contact": "王五 028-12345678"}
    files = {"doc0": ("请求书.pdf", PDF, "application/pdf"), "doc1": ("同意书.pdf", PDF + b"1", "application/pdf")}
    granted = client.post("/procedures/services.priority_exam/new", data=fields, files=files)
    assert granted.status_code == 422 and 'id="start-application_number-error"' in granted.text and "已于" in granted.text
    r = client.post("/procedures/services.priority_exam/new", data={**fields, "subject": "无效宣告案件"}, files=files,
                    follow_redirects=False)
    assert r.status_code == 303
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    login_as(client, env.engine, "wuhou_officer")
    page = client.get(f"/services/applications/{case_id}")
    # a county does not recommend: not offered it (it was, and then refused), told who does
    assert 'id="decide-recommend"' not in page.text and 'id="decide-refuse"' in page.text
    assert 'id="elsewhere-recommend"' in page.text and "由省级（或国家）知识产权管理部门办理" in page.text
    token = csrf_from(page.text)
    county = client.post(f"/services/applications/{case_id}/decide/recommend",
                         data={"csrf_token": token, "version": "1", "opinion": "涉及行政裁决案件"})
    assert county.status_code == 409
    login_as(client, env.engine, "root")
    token = csrf_from(client.get("/services/priority/quotas").text)
    year = str(china_date(utcnow()).year)
    for url, data in (("/services/priority/quotas", {"province_code": "510000", "total": "2"}),
                      ("/services/priority/allocations", {"city_code": "510100", "allocated": "1"})):
        assert client.post(url, data={"csrf_token": token, "year": year, **data}, follow_redirects=False).status_code == 303
    with session_scope(env.engine) as s:  # a provincial office recommends
        from zhichan.platform.accounts import create_user
        from zhichan.platform.models import Organization, Role
        from zhichan.web.testing import PASSWORD

        sichuan = s.scalar(select(Organization).where(Organization.region_code == "510000"))
        create_user(s, username="sc_officer", password=PASSWORD, role=Role.CASE_OFFICER, org=sichuan)
    login_as(client, env.engine, "sc_officer")
    token = csrf_from(client.get(f"/services/applications/{case_id}").text)
    done = client.post(f"/services/applications/{case_id}/decide/recommend", follow_redirects=False,
                       data={"csrf_token": token, "version": "1", "opinion": "涉及行政裁决案件，符合推荐条件"})
    assert done.status_code == 303
    page = client.get(f"/services/applications/{case_id}")
    assert "已推荐" in page.text and "专利优先审查推荐函" in page.text and 'id="priority"' in page.text
    with session_scope(env.engine) as s:
        docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case_id, Step.event == "recommend")) or "[]")
    letter = client.get(f"/cases/{case_id}/documents/{docs[0]['sha256']}").content
    (tmp_path / "letter.pdf").write_bytes(letter)
    text = subprocess.run(["pdftotext", str(tmp_path / "letter.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "专利优先审查推荐函" in text and "无效宣告案件：5个月内结案" in text and number in text
    assert "四川省知识产权局" in text  # the recommending office issues it
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "letter.pdf"),
                    str(artifacts_dir / "services-priority-letter")], check=True)
    quotas = client.get("/services/priority/quotas").text
    assert ('<tr id="allocation-510100"><td data-label="地市">成都市 <small class="muted">510100</small></td>'
            '<td class="num" data-label="分配名额">1</td><td class="num" data-label="已使用">1</td>'
            '<td class="num" data-label="剩余">0</td></tr>') in quotas  # used up
    # CNIPA's notice of today: the invalidation is closed within 5 months, in a year whose holiday schedule may not be
    # loaded — the page shows the date, marked provisional where it is (it showed "—" and the operator's message, both
    # languages; then only "computed once next year's holiday schedule is loaded")
    from zhichan.legaltime import period_due

    token = csrf_from(client.get(f"/cases/{case_id}").text)
    today = china_date(utcnow())
    noticed = client.post(f"/api/v1/cases/{case_id}/transitions", headers={"X-CSRF-Token": token}, json={
        "event": "notice", "version": 2, "fields": {"notice_date": today.isoformat()}})
    assert noticed.status_code == 200, noticed.text
    due = period_due(today, 5, "month")
    for lang in ("zh", "en"):
        panel = client.get(f"/services/applications/{case_id}?lang={lang}").text.split('id="priority"', 1)[1]
        panel = panel.split("</section>", 1)[0]
        closure = html.unescape(re.sub(r"<[^>]+>", "", panel.split('id="closure-due">', 1)[1].split("</dd>", 1)[0]))
        shown = html.unescape(re.sub(r"<[^>]+>", " ", panel))  # what the page reads, not the note's tooltip
        assert closure.startswith(due.text(lang)) and "chinesecalendar" not in shown and "—" not in closure, (lang, panel)
        assert ("暂定" in closure or "provisional" in closure) == due.provisional, (lang, closure)
        assert 'id="due-problem"' not in panel and "first-action-due" not in panel  # no first action for invalidation


def test_an_objection_to_a_published_result(env: WebEnv, client: TestClient) -> None:
    from tests.services.helpers import published_round

    round_id = published_round(env)
    page = client.get("/services/subsidies/SUB-2026-01")  # the public reads it, the form is for the signed-in
    assert page.status_code == 200 and "objection-form" not in page.text
    assert client.post("/services/subsidies/SUB-2026-01/objections", data={"line": "1", "grounds": "x"},
                       follow_redirects=False).status_code in (401, 403)
    login_as(client, env.engine, "ent2_user")  # another enterprise objects
    page = client.get("/services/subsidies/SUB-2026-01")
    assert 'id="objection-form"' in page.text
    token = csrf_from(page.text)
    bad = client.post("/services/subsidies/SUB-2026-01/objections", data={"csrf_token": token, "line": "7", "grounds": ""})
    assert bad.status_code == 422 and 'id="line-error"' in bad.text and 'id="grounds-error"' in bad.text
    filed = client.post("/services/subsidies/SUB-2026-01/objections",
                        data={"csrf_token": token, "line": "1", "grounds": "该企业的授权发明在资助期外"},
                        files={"extra": ("证明.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert filed.status_code == 303
    case_url = filed.headers["location"]
    case = client.get(case_url)  # the objector follows its own case
    assert case.status_code == 200 and "资助结果异议" in case.text and "待处理" in case.text
    page = client.get("/services/subsidies/SUB-2026-01")
    assert "待处理" in page.text and "资助结果异议" not in page.text.split('id="results"')[0]
    login_as(client, env.engine, "jinjiang_officer")  # another district does not handle the city's objection
    assert client.get(case_url).status_code == 404
    login_as(client, env.engine, "cd_officer")
    case_id = int(case_url.rsplit("/", 1)[1])
    token = csrf_from(client.get(case_url).text)
    upheld = client.post(f"/api/v1/cases/{case_id}/transitions", headers={"X-CSRF-Token": token},
                         json={"event": "uphold", "version": 1, "fields": {"awarded": "0", "decision": "资助期外，不予资助"}})
    assert upheld.status_code == 200, upheld.text
    result = client.get("/api/v1/services/subsidies/SUB-2026-01").json()
    line = result["published"][0]
    assert line["awarded"] == "0.00" and line["objections"][0]["status"] == "upheld"
    assert line["objections"][0]["objector"] == JINJIANG_ENTERPRISE
    assert result["budget_left"] == "200000.00"
    login_as(client, env.engine, "ent_user")  # the public page names no objector
    assert JINJIANG_ENTERPRISE not in client.get("/services/subsidies/SUB-2026-01").text
    assert round_id


def test_a_synthetic_mark_in_a_stored_title_is_shown_as_the_pages_badge(env: WebEnv, client: TestClient) -> None:
    """The demo wrote 【合成】 (and （合成）) into its cases' titles: English pages showed the Chinese mark inside the
    title. The title is shown without it and the mark as the synthetic badge in the page's language."""
    from sqlalchemy import update

    from zhichan.procedures.models import Case

    case_id = _apply(env, client)
    with session_scope(env.engine) as s:
        s.execute(update(Case).where(Case.id == case_id).values(title="【合成】成都示例科技有限公司 · 固态电池电解质专利布局（合成）"))
    for lang, badge in (("en", "Synthetic data"), ("zh", "合成数据")):
        for url, start, end in (("/services/applications", f'href="/services/applications/{case_id}"', "</tr>"),
                                (f"/services/applications/{case_id}", 'id="application-state"', "</p>"),
                                (f"/cases/{case_id}", "<h1>", "</h1>")):
            html = client.get(f"{url}?lang={lang}").text
            part = html.split(start, 1)[1].split(end, 1)[0]
            # the title as the services build it (services/titles.py): what is asked for, then who asks
            assert "固态电池电解质专利布局 · 成都示例科技有限公司" in part and "合成】" not in part and "（合成）" not in part, (url, part)
            assert f'<span class="badge synthetic small">{badge}</span>' in part, (url, lang, part)


def test_a_choice_says_what_its_empty_option_means(env: WebEnv, client: TestClient) -> None:
    """A declared choice began with an empty option: a required one now asks to choose, in the page's language."""
    login_as(client, env.engine, "ent_user")
    for lang, prompt in (("en", "Choose…"), ("zh", "请选择")):
        form = client.get(f"/procedures/{SEARCH}/new?lang={lang}").text
        select = form.split('id="start-purpose"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="">{prompt}</option>' in select, (lang, select[:200])


def test_a_centre_is_chosen_from_a_list_and_shown_by_its_name(env: WebEnv, client: TestClient) -> None:
    """The pre-examination forms asked for a centre's *code* ("见 services/centres.yaml") and the pages then showed
    ``CN-CD``: the filer now chooses among the centres serving its area, named in the page's language, the server
    refuses a value that is no centre beside the field (Chinese first), and every page shows the centre's name."""
    from zhichan.platform.accounts import create_user
    from zhichan.platform.models import Organization, OrgKind, Role
    from zhichan.platform.orgs import create_org
    from zhichan.web.testing import PASSWORD

    filing = "/procedures/services.preexam_filing/new"
    chengdu_zh, chengdu_en = "中国（成都）知识产权保护中心（示例）", "China (Chengdu) IP Protection Centre (example)"
    login_as(client, env.engine, "ent_user")  # registered in 武侯区, Chengdu: the Chengdu centre only
    for lang, name in (("zh", chengdu_zh), ("en", chengdu_en)):
        form = client.get(f"{filing}?lang={lang}").text
        listed = _centres(form)
        # the centre's long name a radio button's label (a closed select cut it at phone width: tests/web/test_web_choices.py),
        # chosen already: the one centre serving the area (an empty radio to click before)
        assert f'name="centre" value="CN-CD" checked> <span>{name}</span>' in listed, (lang, listed)
        assert "CN-HZ" not in listed and "centres.yaml" not in form and "CN-CD）" not in form, lang
    token = csrf_from(client.get(filing).text)
    fields = {"csrf_token": token, "applicant": WUHOU_ENTERPRISE, "credit_code": "91510100MA61R5XA24",
              "fields_ipc": "H01M", "contact": "王五 028-12345678"}
    doc = {"doc0": ("备案申请表.pdf", PDF, "application/pdf")}
    for bad, lang, said in (("XX-YY", "zh", "“保护中心”请从列表中选择（没有“XX-YY”）"),
                            (chengdu_zh, "en", "Protection centre: choose one from the list")):
        refused = client.post(f"{filing}?lang={lang}", data={**fields, "centre": bad}, files=doc)
        assert refused.status_code == 422, bad
        error = refused.text.split('id="start-centre-error">', 1)[1].split("</span>", 1)[0]
        assert error.startswith(said), error
        assert 'value="王五 028-12345678"' in refused.text  # the input is kept
    made = client.post(filing, data={**fields, "centre": "CN-CD"}, files=doc, follow_redirects=False)
    assert made.status_code == 303, made.text[:300]
    case_id = int(made.headers["location"].rsplit("/", 1)[1])
    for user in ("ent_user", "wuhou_officer"):  # the filer, and the district's officer who records it
        login_as(client, env.engine, user)
        for lang, name in (("zh", chengdu_zh), ("en", chengdu_en)):
            for url in (f"/services/applications/{case_id}", f"/cases/{case_id}", "/services/applications",
                        *(["/todo"] if user == "wuhou_officer" else [])):
                page = client.get(f"{url}?lang={lang}").text
                assert name in page and "CN-CD" not in page, (user, url, lang)
            shown = {f["label"]: f["shown"] for f in client.get(f"/api/v1/cases/{case_id}?lang={lang}").json()["filing"]}
            assert shown["Protection centre" if lang == "en" else "保护中心"] == name, shown
    # window staff see the centres serving their office's area; an area no centre serves is told so
    with session_scope(env.engine) as s:
        chengdu = s.scalar(select(Organization).where(Organization.region_code == "510100",
                                          Organization.kind == OrgKind.CITY))
        nation = s.scalar(select(Organization).where(Organization.region_code == "100000"))
        assert chengdu is not None and nation is not None
        jiangsu = create_org(s, "江苏省知识产权局", OrgKind.PROVINCE, "320000", nation, name_en="Jiangsu IP Office")
        nanjing = create_org(s, "南京市知识产权局", OrgKind.CITY, "320100", jiangsu, name_en="Nanjing IP Office")
        firm = create_org(s, "南京示例科技有限公司", OrgKind.ENTERPRISE, "320104", nanjing, party_key="南京示例科技有限公司")
        create_user(s, username="cd_window", password=PASSWORD, role=Role.WINDOW_STAFF, org=chengdu)
        create_user(s, username="nj_ent", password=PASSWORD, role=Role.ENTERPRISE_USER, org=firm)
    login_as(client, env.engine, "cd_window")
    listed = _centres(client.get(filing).text)
    assert 'value="CN-CD"' in listed and "CN-HZ" not in listed
    login_as(client, env.engine, "nj_ent")
    for lang, none in (("zh", "没有服务本地区的可选项"), ("en", "None of the list serves your area")):
        form = client.get(f"/procedures/services.preexam_case/new?lang={lang}").text
        listed = _centres(form)
        assert "CN-" not in listed and f'id="start-centre-none">{none}</span>' in form, lang


def _centres(form: str) -> str:
    """The centre field of a form: its radio group or its select."""
    return re.split(r"</select>|</fieldset>", form.split('id="start-centre"', 1)[1], maxsplit=1)[0]


def _centre_typed_as_a_code(raw: dict[str, object]) -> None:
    """The pre-examination declarations before the forms listed the centres (revision 2): the centre typed as a code."""
    start = raw["start"]
    assert isinstance(start, dict)
    for field in start["fields"]:
        if field["name"] == "centre":
            field.update(kind="text", options=None,
                         label={"zh": "保护中心代码（见 services/centres.yaml，如 CN-CD）", "en": "Centre code (e.g. CN-CD)"})
    raw["revision"] = 2


def test_a_case_filed_with_a_centres_code_shows_the_centres_name(env: WebEnv, client: TestClient) -> None:
    """A filing made when the form asked for the centre's code runs under that declaration (no list behind the field):
    its filing details, the application page and the API's ``shown`` read ``CN-CD`` there. The code stays as filed;
    every page names the centre in its language, as for a case filed by name."""
    filing = "/procedures/services.preexam_filing/new"
    login_as(client, env.engine, "ent_user")
    token = csrf_from(client.get(filing).text)
    made = client.post(filing, data={"csrf_token": token, "centre": "CN-CD", "applicant": WUHOU_ENTERPRISE,
                                     "credit_code": "91510100MA61R5XA24", "fields_ipc": "H01M", "contact": "王五 028-12345678"},
                       files={"doc0": ("备案申请表.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert made.status_code == 303, made.text[:300]
    case_id = int(made.headers["location"].rsplit("/", 1)[1])
    filed_under_earlier(env.engine, case_id, _centre_typed_as_a_code)
    with session_scope(env.engine) as s:
        from zhichan.procedures.models import Case

        case = s.get(Case, case_id)
        assert case is not None and json.loads(case.fields)["centre"] == "CN-CD"  # the filed value, unchanged
    names = {"zh": "中国（成都）知识产权保护中心（示例）", "en": "China (Chengdu) IP Protection Centre (example)"}
    for user in ("ent_user", "wuhou_officer"):
        login_as(client, env.engine, user)
        for lang, name in names.items():
            for url in (f"/cases/{case_id}", f"/services/applications/{case_id}", "/services/applications",
                        *(["/todo"] if user == "wuhou_officer" else [])):
                page = client.get(f"{url}?lang={lang}").text
                assert name in page and "CN-CD" not in page, (user, url, lang)
            data = client.get(f"/api/v1/cases/{case_id}?lang={lang}").json()
            shown = {f["value"]: (f["label"], f["shown"]) for f in data["filing"]}
            # the value as filed, shown by name under the list's label ("centre code" would name a code)
            assert shown["CN-CD"] == ("Protection centre" if lang == "en" else "保护中心", name), shown


def test_published_results_name_the_applicant_in_english(env: WebEnv, client: TestClient) -> None:
    """English results named the applicant by its Chinese name although its organization has an English one (the
    demo's awards): the applicant reads in English; the Chinese page keeps the legal name."""
    from sqlalchemy import update

    from tests.services.helpers import concluded_round
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization

    concluded_round(env)
    with session_scope(env.engine) as s:
        s.execute(update(Organization).where(Organization.party_key == "成都示例科技有限公司")
                  .values(name_en="Chengdu Example Technology Co., Ltd."))
    english = client.get("/services/subsidies/SUB-2026-01", params={"lang": "en"}).text
    row = english.split('id="award-1"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r'<td class="applicant"[^>]*>Chengdu Example Technology Co\., Ltd\.</td>', row), row
    chinese = client.get("/services/subsidies/SUB-2026-01", params={"lang": "zh"}).text.split('id="award-1"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r'<td class="applicant"[^>]*>成都示例科技有限公司</td>', chinese) and "Chengdu Example" not in chinese


def test_the_applications_list_marks_a_provisional_deadline(env: WebEnv, client: TestClient) -> None:
    """A search application filed on 28 December 2026: its committed 10 working days reach into 2027, whose holiday
    schedule is not published — the applications list (and the enterprise's home panel) showed the bare date as if
    exact, under 届满日 where every other list of cases heads it 最近期限; now marked 暂定 as the case list, the to-do
    list and the case page do (2026-12-29…31, 元旦 off, 2027-01-04…08, 11: 2027-01-11)."""
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload

    with session_scope(env.engine) as s:
        ent = scope_for_user(s, s.scalar(select(User).where(User.username == "ent_user")))
        case = env.app.state.procedures.start(
            s, ent, SEARCH, now=dt.datetime(2026, 12, 28, 2), uploads=(Upload("doc0", "申请表.pdf", PDF),),
            fields={"applicant": "成都示例科技有限公司", "topic": "固态电池", "purpose": "专利布局", "contact": "王五 028-12345678"})
    for user in ("ent_user", "wuhou_officer"):
        login_as(client, env.engine, user)
        for lang, head, note in (("zh", "最近期限", "（暂定：2027 年放假安排尚未公布）"),
                                 ("en", "Next deadline", " (provisional: the 2027 holiday schedule is not published yet)")):
            page = client.get(f"/services/applications?lang={lang}").text
            row = re.search(rf'<tr><td[^>]*><a href="/services/applications/{case["id"]}">.*?</tr>', page, re.S)
            assert row is not None and re.search(rf"<th[^>]*>{head}</th>", page), (user, lang)
            assert re.search(r"2027-01-\d\d</span><small class=\"provisional\">" + re.escape(html.escape(note, quote=False)),
                             row.group(0)), (user, lang, row.group(0))
    login_as(client, env.engine, "ent_user")  # the enterprise's home lists its latest applications the same way
    panel = client.get("/enterprise?lang=zh").text.split('id="home-applications"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<th[^>]*>最近期限</th>", panel) and re.search(r"2027-01-\d\d</span><small class=\"provisional\">（暂定", panel)
