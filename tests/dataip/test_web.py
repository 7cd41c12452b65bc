"""The data-IP pages through the real app (SQLite and PostgreSQL): apply on the engine's start form,
publish and decide on the case page, object on the public notices page, the public register and its
certificate; form errors beside the field; scope."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dataip.helpers import FORM, rewind_notice
from zhichan.evidence.verify import read_pdf, verify_pdf
from zhichan.legaltime import china_today
from zhichan.settings import Settings
from zhichan.web.testing import (
    WUHOU_ENTERPRISE,
    TestClient,
    WebEnv,
    client_for,
    csrf_from,
    make_env,
)

NEW = "/procedures/dataip.registration/new"


@pytest.fixture
def env(settings: Settings, web_template: Path, migrated_db_url: str) -> Iterator[WebEnv]:
    web = make_env(settings, web_template, migrated_db_url, search_index=False)
    yield web
    web.engine.dispose()  # type: ignore[attr-defined]


def apply(client: TestClient, **fields: str) -> int:
    page = client.get(NEW)
    assert page.status_code == 200
    r = client.post(NEW, data={"csrf_token": csrf_from(page.text), **FORM, **fields}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    return int(r.headers["location"].rsplit("/", 1)[1])


def step(client: TestClient, case_id: int, event: str, **fields: str) -> None:
    page = client.get(f"/cases/{case_id}")
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version, page.text[:500]
    r = client.post(f"/cases/{case_id}/act/{event}", data={"csrf_token": csrf_from(page.text), "version": version.group(1),
                                                           **fields}, follow_redirects=False)
    assert r.status_code == 303, r.text[:3000]


def number_of(env: WebEnv, case_id: int) -> str:
    from sqlalchemy import select

    from zhichan.dataip.models import Registration
    from zhichan.platform.db import session_scope

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        return str(s.scalar(select(Registration.number).where(Registration.case_id == case_id)))


@pytest.mark.one_database("the pages of the flow; the procedure, objections and register run on PostgreSQL in test_procedure.py and test_dataip.py")
def test_apply_object_and_decide_on_the_web(env: WebEnv) -> None:
    enterprise, officer, other = (client_for(env, u) for u in ("ent_user", "wuhou_officer", "ent2_user"))
    # the start form: missing and malformed fields are refused beside the field, the input kept
    page = enterprise.get(NEW)
    bad = enterprise.post(NEW, data={"csrf_token": csrf_from(page.text), **FORM, "data_name": "", "sample_sm3": "xyz",
                                     "sample_sha256": "0" * 64})
    assert bad.status_code == 422 and 'id="start-data_name-error"' in bad.text
    assert FORM["data_scale"] in bad.text
    bad = enterprise.post(NEW, data={"csrf_token": csrf_from(page.text), **FORM, "sample_sm3": "xyz", "sample_sha256": "0" * 64})
    assert bad.status_code == 422 and 'id="start-sample_sm3-error"' in bad.text and "64 位十六进制" in bad.text

    case_id = apply(enterprise)
    number = number_of(env, case_id)
    anonymous = env.client()
    assert number not in anonymous.get("/dataip/notices").text  # not published yet
    assert anonymous.get(f"/dataip/register/{number}").status_code == 404
    case = officer.get(f"/cases/{case_id}").text
    assert "待形式审查" in case
    # the case page (DIPA-…) names the registration number issued with the application (DIP-…), its public page
    # linked once published; the public page names the case's number to who sees the case (neither named the other)
    assert f'id="dataip-registration-number">{number}<' in case and 'id="dataip-public-page"' not in case

    step(officer, case_id, "publish", review="材料齐全")
    english = enterprise.get(f"/cases/{case_id}", params={"lang": "en"}).text
    assert f'<a href="/dataip/register/{number}" id="dataip-public-page">Public notice and register page</a>' in english
    enterprise.get("/", params={"lang": "zh"})
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.procedures.models import Case

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case_number = s.scalar(select(Case.number).where(Case.id == case_id))
    assert case_number and case_number.startswith("DIPA-")
    assert f'id="case-link">办件 {case_number}</a>' in enterprise.get(f"/dataip/register/{number}").text
    assert f'>办件 {case_number}</a>' in enterprise.get("/dataip/notices").text
    assert case_number not in anonymous.get(f"/dataip/register/{number}").text
    notices = anonymous.get("/dataip/notices")
    assert number in notices.text and "请登录后提出异议" in notices.text and 'id="object-form-' not in notices.text
    assert anonymous.get("/dataip/notices?lang=en").text.count("Sign in to object") == 1
    assert "请登录后提出异议" in anonymous.get("/dataip/notices?lang=zh").text
    assert [r["number"] for r in anonymous.get("/api/v1/dataip/notices").json()] == [number]
    assert anonymous.get(f"/dataip/register/{number}").status_code == 200  # under notice: published
    token = csrf_from(notices.text)
    assert anonymous.post(f"/dataip/notices/{number}/objections", data={"csrf_token": token, "objector": "甲",
                                                                        "reason": "匿名"}).status_code == 401

    # another enterprise objects on the notices page: an empty reason is refused beside the field
    page = other.get("/dataip/notices")
    assert f'id="object-form-{number}"' in page.text and "锦江独有材料有限公司" in page.text  # objector prefilled
    empty = other.post(f"/dataip/notices/{number}/objections",
                       data={"csrf_token": csrf_from(page.text), "objector": "锦江独有材料有限公司", "reason": ""})
    assert empty.status_code == 422 and f'id="object-{number}-reason-error"' in empty.text
    assert 'value="锦江独有材料有限公司"' in empty.text
    # a NUL and too long a text likewise, beside their fields (they got a bare 请求参数无效 page, the form lost)
    bad = other.post(f"/dataip/notices/{number}/objections",
                     data={"csrf_token": csrf_from(page.text), "objector": "锦江\x00材料", "reason": "理" * 5001})
    assert bad.status_code == 422 and f'id="object-{number}-objector-error"' in bad.text
    assert "不可见的控制字符" in bad.text and f'id="object-{number}-reason-error"' in bad.text and "超过 5000 字" in bad.text
    filed = other.post(f"/dataip/notices/{number}/objections", follow_redirects=False,
                       data={"csrf_token": csrf_from(page.text), "objector": "锦江独有材料有限公司", "reason": "数据来源存疑"})
    assert filed.status_code == 303
    assert 'id="objection-filed"' in other.get(filed.headers["location"]).text
    assert other.get(f"/cases/{case_id}").status_code == 404  # objecting shows nothing of the case
    # the applicant itself may not object: no form on its own notice, and a forged submission is refused
    assert number in enterprise.get("/dataip/notices").text
    assert f'id="object-form-{number}"' not in enterprise.get("/dataip/notices").text
    # the applicant and the area's officers reach the case from the notice; others do not
    assert f'href="/cases/{case_id}"' in enterprise.get("/dataip/notices").text
    assert f'href="/cases/{case_id}"' in officer.get(f"/dataip/register/{number}").text
    assert f'href="/cases/{case_id}"' not in other.get("/dataip/notices").text
    assert f'href="/cases/{case_id}"' not in client_for(env, "jinjiang_officer").get("/dataip/notices").text
    own = enterprise.post(f"/dataip/notices/{number}/objections",
                          data={"csrf_token": csrf_from(page.text), "objector": "自己", "reason": "自己"})
    assert own.status_code == 403

    case = officer.get(f"/cases/{case_id}")
    assert "有异议待处理" in case.text and "数据来源存疑" in case.text
    step(officer, case_id, "dismiss_objections", resolution="已核实来源授权，异议不成立")
    # deciding during the notice is neither offered nor taken (the declaration's term); ten working days later it is
    assert "/act/register" not in officer.get(f"/cases/{case_id}").text
    page = officer.get(f"/cases/{case_id}")
    early = officer.post(f"/cases/{case_id}/act/register", data={
        "csrf_token": csrf_from(page.text), "version": re.search(r'name="version" value="(\d+)"', page.text).group(1),  # type: ignore[union-attr]
        "reasons": "材料齐全"})
    assert early.status_code == 422 and "起方可办理此步骤" in early.text and "材料齐全" in early.text
    rewind_notice(env.engine, case_id, 30)  # type: ignore[arg-type]
    late = other.post(f"/dataip/notices/{number}/objections",
                      data={"csrf_token": csrf_from(other.get("/dataip/notices").text), "objector": "锦江独有材料有限公司", "reason": "迟到的异议"})
    assert late.status_code == 422 and "此步骤须在期内办理" in late.text and "迟到的异议" in late.text
    step(officer, case_id, "register", reasons="材料齐全，异议不成立")

    register = anonymous.get("/dataip/register")
    assert number in register.text
    assert anonymous.get(f"/dataip/register?number={number.lower()}", follow_redirects=False).headers["location"] == \
        f"/dataip/register/{number}"
    detail = anonymous.get(f"/dataip/register/{number}")
    assert "已登记" in detail.text and "材料齐全，异议不成立" in detail.text
    pdf = anonymous.get(f"/dataip/register/{number}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    cert, _ = read_pdf(pdf.content)
    from zhichan.evidence.keys import PublicKey

    key = PublicKey.from_text(anonymous.get("/evidence/pubkey.pem").text)
    assert verify_pdf(pdf.content, key).ok and number in cert.leaf
    from tests.helpers import pdf_text

    printed = pdf_text(pdf.content)  # the decision by its name, not the stored code (it printed "registered")
    assert "准予登记 Registered" in printed and "\nregistered\n" not in printed
    verified = anonymous.post("/evidence/verify", data={"csrf_token": token}, files={"certificate": ("c.pdf", pdf.content)})
    assert 'id="verify-verdict">核验通过' in verified.text


def test_the_public_sees_only_published_registrations(env: WebEnv) -> None:
    officer, jinjiang = client_for(env, "wuhou_officer"), client_for(env, "jinjiang_officer")
    submitted = apply(client_for(env, "ent_user"), data_name="未公示数据集（合成）")
    refused = apply(officer, data_name="被驳回数据集（合成）")
    step(officer, refused, "refuse", reasons="不属于登记对象")
    anonymous = env.client()
    for case_id in (submitted, refused):
        number = number_of(env, case_id)
        assert anonymous.get(f"/dataip/register/{number}").status_code == 404
        assert anonymous.get(f"/dataip/register/{number}/certificate.pdf").status_code == 404
        assert jinjiang.get(f"/cases/{case_id}").status_code == 404  # another district's officer
        page = jinjiang.get("/todo")
        r = jinjiang.post(f"/cases/{case_id}/act/publish", data={"csrf_token": csrf_from(page.text), "version": "1"})
        assert r.status_code == 404
        r = jinjiang.post(f"/dataip/notices/{number}/objections",
                          data={"csrf_token": csrf_from(page.text), "objector": "甲", "reason": "乙"})
        assert r.status_code == 404
    page = anonymous.get("/dataip/notices")
    assert "未公示数据集" not in page.text and "被驳回数据集" not in page.text and 'id="notices-none"' in page.text
    assert 'id="register-none"' in anonymous.get("/dataip/register").text
    assert anonymous.get("/api/v1/dataip/notices").json() == []
    # a registration under notice in another district: its officer sees it in the to-do list, ours does not
    step(officer, submitted, "publish")
    assert number_of(env, submitted) not in jinjiang.get("/todo").text


@pytest.mark.one_database("a redirect and the menu; no SQL")
def test_the_old_address_redirects_and_the_menu_comes_from_the_domain(env: WebEnv) -> None:
    anonymous = env.client()
    r = anonymous.get("/evidence/notices?date=2025-02-13", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/dataip/notices?date=2025-02-13"
    page = anonymous.get("/dataip/notices?date=2025-02-13")
    assert 'href="/dataip/notices" class="active"' in page.text and 'id="register-link"' in page.text
    assert 'href="/evidence/notices"' not in page.text
    assert anonymous.get("/dataip/notices?date=2025-13-01").status_code == 422
    enterprise = client_for(env, "ent_user")
    assert 'id="dataip-apply"' in enterprise.get("/dataip/notices").text
    assert 'id="dataip-apply"' not in anonymous.get("/dataip/notices").text
    assert 'id="dataip-apply"' not in client_for(env, "jinjiang").get("/dataip/notices").text  # an analyst
    assert anonymous.get("/dataip/notices?filed=<b>x</b>").status_code == 422
    assert 'id="start-dataip.registration"' in enterprise.get("/todo").text


@pytest.mark.one_database("the notice page's form; no SQL of its own")
def test_a_dated_notice_list_is_not_an_objection_form(env: WebEnv) -> None:
    """Yesterday's list shows what was under notice then; objections are for today's notices only."""
    officer = client_for(env, "wuhou_officer")
    case_id = apply(officer)
    step(officer, case_id, "publish")
    number = number_of(env, case_id)
    other = client_for(env, "ent2_user")
    tomorrow = (china_today() + dt.timedelta(days=1)).isoformat()
    page = other.get(f"/dataip/notices?date={tomorrow}")
    assert number in page.text and f'id="object-form-{number}"' in page.text  # still under notice today


@pytest.mark.postgres
def test_an_objection_is_not_lost_when_another_step_gets_in_first(settings: Settings, web_template: Path,
                                                                    pg_url: str) -> None:
    """An objector's submission meets a case another step is changing (PostgreSQL row lock): it is
    taken on the case's new version instead of coming back as a stale form."""
    import threading

    from sqlalchemy import text

    from tests.helpers import wait_for

    env = make_env(settings, web_template, pg_url, search_index=False)
    try:
        officer = client_for(env, "wuhou_officer")
        case_id = apply(officer)
        step(officer, case_id, "publish")
        number = number_of(env, case_id)
        other = client_for(env, "ent2_user")
        token = csrf_from(other.get("/dataip/notices").text)
        results: list[int] = []

        def objection() -> None:
            r = other.post(f"/dataip/notices/{number}/objections", follow_redirects=False,
                           data={"csrf_token": token, "objector": "锦江独有材料有限公司", "reason": "同时提交的异议"})
            results.append(r.status_code)

        def waiting() -> bool:
            with env.engine.connect() as conn:  # type: ignore[attr-defined]
                return bool(conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                              "AND wait_event_type = 'Lock'")).scalar())

        with env.engine.connect() as holder:  # type: ignore[attr-defined]
            holder.execute(text("UPDATE procedure_cases SET version = version + 1 WHERE id = :id"), {"id": case_id})
            thread = threading.Thread(target=objection)
            thread.start()
            wait_for(waiting, timeout=30, what="the objection to wait for the other step's row lock")
            holder.commit()
        thread.join(30)
        assert results == [303]
        assert "同时提交的异议" in officer.get(f"/cases/{case_id}").text
    finally:
        env.engine.dispose()  # type: ignore[attr-defined]


@pytest.mark.one_database("the pages' mark; the provisional notice itself runs on both databases in test_dataip.py")
def test_a_provisional_notice_end_is_marked_on_the_public_pages(env: WebEnv) -> None:
    """A notice whose last day falls in a year whose holiday schedule is not published shows that day marked 暂定 on
    the notices page, the registration page and in the API — and objections stay open on it."""
    from sqlalchemy import update

    from zhichan.legaltime import CalendarNotPublished
    from zhichan.platform.db import session_scope
    from zhichan.procedures.models import CaseClock

    officer = client_for(env, "wuhou_officer")
    case_id = apply(officer)
    step(officer, case_id, "publish")
    number = number_of(env, case_id)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        # as the engine stores a last day counted into an unpublished year (the register keeps the date as published)
        s.execute(update(CaseClock).where(CaseClock.case_id == case_id, CaseClock.name == "notice").values(
            due_on=dt.date(2027, 1, 8), due_problem=CalendarNotPublished(2027).message))
    anonymous, other = env.client(), client_for(env, "ent2_user")
    zh = other.get("/dataip/notices")
    end = zh.text[zh.text.index(f'id="notice-end-{number}"'):][:400]
    assert "2027-01-08" in end and "暂定：2027 年放假安排尚未公布" in end
    assert f'id="object-form-{number}"' in zh.text
    en = anonymous.get(f"/dataip/register/{number}?lang=en").text
    assert "provisional: the 2027 holiday schedule is not published yet" in en
    notice = next(n for n in anonymous.get("/api/v1/dataip/notices").json() if n["number"] == number)
    assert (notice["notice_end"], notice["notice_end_provisional"]) == ("2027-01-08", True)


@pytest.mark.one_database("the page's words; the steps held back run on PostgreSQL in test_procedure.py")
def test_the_case_page_says_from_which_day_the_decision_can_be_taken(env: WebEnv) -> None:
    """While the notice runs, 准予登记 and 不予登记 are not offered and the case page said nothing of when they would be:
    it now says beside each held step from which day (the day after the notice's last day), 暂定 where that last day
    falls in a year whose holiday schedule is not published. Only to whom may take it: not the applicant."""
    from sqlalchemy import select, update

    from tests.helpers import whole_dates
    from zhichan.legaltime import CalendarNotPublished, first_day_after
    from zhichan.platform.db import session_scope
    from zhichan.procedures.models import CaseClock

    officer, applicant = client_for(env, "wuhou_officer"), client_for(env, "ent_user")
    case_id = apply(applicant)
    step(officer, case_id, "publish")
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        last = s.scalar(select(CaseClock.due_on).where(CaseClock.case_id == case_id, CaseClock.name == "notice"))
    assert last is not None and last >= china_today()
    day = first_day_after(last).isoformat()
    for lang, register, refuse in (("zh", f"公示期满，准予登记 · 可于 {day} 起办理", f"不予登记 · 可于 {day} 起办理"),
                                   ("en", f"Register (after the notice) · Can be taken from {day}",
                                    f"Refuse · Can be taken from {day}")):
        page = whole_dates(officer.get(f"/cases/{case_id}?lang={lang}").text)
        assert 'id="action-register"' not in page and 'id="action-refuse"' not in page
        shown = {e: re.sub(r"<[^>]+>", "", page.split(f'id="held-{e}">', 1)[1].split("</p>", 1)[0]).split()
                 for e in ("register", "refuse")}
        assert shown == {"register": register.split(), "refuse": refuse.split()}, lang
    mine = applicant.get(f"/cases/{case_id}")
    assert mine.status_code == 200 and 'id="held-register"' not in mine.text
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(update(CaseClock).where(CaseClock.case_id == case_id, CaseClock.name == "notice").values(
            due_on=dt.date(2027, 1, 8), due_problem=CalendarNotPublished(2027).message))
    for lang, note in (("zh", "可于 2027-01-09 起办理（暂定：2027 年放假安排尚未公布）"),
                       ("en", "Can be taken from 2027-01-09 (provisional: the 2027 holiday schedule is not published yet)")):
        page = whole_dates(officer.get(f"/cases/{case_id}?lang={lang}").text)
        assert note in re.sub(r"<[^>]+>", "", page.split('id="held-register">', 1)[1].split("</p>", 1)[0]), lang


@pytest.mark.one_database("the pages' names; the English-name lookup runs on both databases in tests/platform")
def test_the_holder_is_named_in_the_pages_language(env: WebEnv) -> None:
    """An English page named the holder of a registration by its stored Chinese name on the notices page, the register
    and the registration page, where every other page names an organization with an English name in English
    (``org_name``); a Chinese page keeps the Chinese name."""
    from sqlalchemy import update

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        s.execute(update(Organization).where(Organization.name == WUHOU_ENTERPRISE)
                  .values(name_en="Chengdu Example Technology Co., Ltd."))
    officer, anonymous = client_for(env, "wuhou_officer"), env.client()
    case_id = apply(officer, applicant=WUHOU_ENTERPRISE)
    step(officer, case_id, "publish")
    number = number_of(env, case_id)

    def holder(html: str) -> str:
        return html[html.index(f'id="notice-{number}"'):].split("</dd>", 1)[0] if f'id="notice-{number}"' in html else html

    assert "Chengdu Example Technology Co., Ltd." in holder(anonymous.get("/dataip/notices?lang=en").text)
    assert WUHOU_ENTERPRISE not in holder(anonymous.get("/dataip/notices?lang=en").text)
    assert WUHOU_ENTERPRISE in holder(anonymous.get("/dataip/notices?lang=zh").text)
    assert "Chengdu Example Technology Co., Ltd." in anonymous.get(f"/dataip/register/{number}?lang=en").text
    rewind_notice(env.engine, case_id, 30)  # type: ignore[arg-type]
    step(officer, case_id, "register", reasons="材料齐全")
    register = anonymous.get("/dataip/register?lang=en").text
    row = register[register.index(f">{number}</a>"):].split("</tr>", 1)[0]
    assert "Chengdu Example Technology Co., Ltd." in row and WUHOU_ENTERPRISE not in row
    assert WUHOU_ENTERPRISE in anonymous.get("/dataip/register?lang=zh").text


@pytest.mark.one_database("pages and the certificate; the migration of stored rows runs on both in test_migrations.py")
def test_the_demos_data_set_is_named_without_a_mark_and_badged_synthetic(env: WebEnv) -> None:
    """The demo's registration keeps its data set's name as named (its 【合成】 mark stood inside the stored name, shown
    on English pages as Chinese): the registration is flagged synthetic and every page naming it shows the badge in
    its language, its certificate the synthetic banner; a registration the demo did not make shows none."""
    from sqlalchemy import select

    from tests.helpers import pdf_text
    from zhichan.dataip import demo
    from zhichan.dataip.models import Registration
    from zhichan.platform.accounts import create_user
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, Role

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        org = s.scalar(select(Organization).where(Organization.name == WUHOU_ENTERPRISE))
        create_user(s, username=demo.APPLICANT_USER, password=None, role=Role.ENTERPRISE_USER, org=org)  # type: ignore[arg-type]
    assert demo.seed(env.engine, env.app.state.procedures) == 1  # type: ignore[arg-type, attr-defined]
    officer = client_for(env, "wuhou_officer")
    real = apply(officer, data_name="城市公交刷卡脱敏数据集")
    step(officer, real, "publish")
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        rows = {r.data_name: (r.number, r.synthetic, r.case_id) for r in s.scalars(select(Registration))}
    number, synthetic, case_id = rows["新能源汽车充电桩运行数据集"]
    assert synthetic and not rows["城市公交刷卡脱敏数据集"][1]
    anonymous = env.client()
    for lang, badge in (("zh", "合成数据"), ("en", "Synthetic data")):
        page = anonymous.get(f"/dataip/notices?lang={lang}").text
        assert "【合成】" not in page
        assert re.search(rf'新能源汽车充电桩运行数据集 <span class="badge synthetic small" id="synthetic-{number}">{badge}<', page)
        assert f'id="synthetic-{number_of(env, real)}"' not in page
        page = anonymous.get(f"/dataip/register/{number}?lang={lang}").text
        assert f'id="registration-synthetic">{badge}<' in page and "【合成】" not in page
    # registered: the public register's row and the certificate say synthetic
    rewind_notice(env.engine, case_id, 30)  # type: ignore[arg-type]
    step(officer, case_id, "register", reasons="公示期满无异议")
    register = anonymous.get("/dataip/register?lang=en").text
    assert re.search(r'新能源汽车充电桩运行数据集 <span class="badge synthetic small">Synthetic data<', register)
    assert "合成（演示）数据" in pdf_text(anonymous.get(f"/dataip/register/{number}/certificate.pdf").content)
