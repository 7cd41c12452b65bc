"""The pledge registration through the app: refusal beside the field, the joint application, the bank's
confirmation, registration, the certificate verified offline against the registration record, scope."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from tests.procedures.helpers import PDF
from zhichan.evidence.verify import verify_pdf
from zhichan.procedures.models import Case
from zhichan.web.testing import BANK, BANK_EN, WUHOU_ENTERPRISE, WebEnv, csrf_from, login_as


def _wuhou_numbers(env: WebEnv) -> list[str]:
    con = env.app.state.corpus.snapshot().connect()  # type: ignore[attr-defined]
    try:
        rows = con.execute("SELECT application_number FROM patents WHERE first_patentee = ? AND kind = 'invention' "
                           "ORDER BY application_number", [WUHOU_ENTERPRISE]).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def _files() -> dict[str, tuple[str, bytes, str]]:
    return {"doc0": ("申请表.pdf", PDF + b"1", "application/pdf"), "doc1": ("合同.pdf", PDF + b"2", "application/pdf")}


def _version(client, case_id: int) -> int:  # type: ignore[no-untyped-def]
    return int(client.get(f"/api/v1/cases/{case_id}").json()["case"]["version"])


def test_joint_application_to_certificate_and_scope(env: WebEnv) -> None:
    pledged = env.numbers["wuhou"]  # the template pledged it in 2019 (still active)
    free = [n for n in _wuhou_numbers(env) if n != pledged][:2]
    with env.client() as client:
        login_as(client, env.engine, "ent_user")  # type: ignore[arg-type]
        token = csrf_from(client.get("/finance").text)
        form = {"csrf_token": token, "rights": f"{pledged}\n{free[0]}", "pledgee": BANK, "debt_amount": "5,000,000",
                "debt_start": "2026-01-05", "debt_end": "2027-01-04"}
        r = client.post("/procedures/finance.pledge/new", data=form, files=_files())
        assert r.status_code == 422 and "已经出质" in r.text and pledged in r.text
        assert 'id="start-rights-error"' in r.text
        r = client.post("/procedures/finance.pledge/new", data=form | {"rights": "\n".join(free)}, files=_files(),
                        follow_redirects=False)
        assert r.status_code == 303, r.text[:2000]
        case_id = int(r.headers["location"].rsplit("/", 1)[1])

        login_as(client, env.engine, "cd_bank")  # type: ignore[arg-type]
        assert str(case_id) in client.get("/todo").text
        # the case is titled in the page's language from its filing (it showed its first fields, or 质押登记 in English)
        assert "质押登记 · 2 项权利 · 担保 5,000,000 元" in client.get("/todo").text
        english = client.get(f"/cases/{case_id}", params={"lang": "en"}).text
        assert "Pledge registration · 2 rights · securing 5,000,000 yuan" in english and "质押登记" not in english
        # the filing names the pledgee bank as typed; an English page shows the bank's English name (it showed 蓉城…)
        assert f"<dd>{BANK_EN}</dd>" in english and BANK not in english
        assert f"<dd>{BANK}</dd>" in client.get(f"/cases/{case_id}", params={"lang": "zh"}).text
        client.get("/todo", params={"lang": "zh"})
        # a synthetic case says so in the to-do list and on its page; a real one does not
        assert "badge synthetic small" not in client.get("/todo").text
        assert 'id="case-synthetic"' not in client.get(f"/cases/{case_id}").text
        with env.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(update(Case).where(Case.id == case_id).values(synthetic=True))
        assert "badge synthetic small" in client.get("/todo").text
        assert 'id="case-synthetic"' in client.get(f"/cases/{case_id}").text
        with env.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(update(Case).where(Case.id == case_id).values(synthetic=False))
        before = client.get(f"/cases/{case_id}").text  # no clock runs before the pledgee confirms: said, not an empty table
        assert 'id="no-clocks"' in before and 'id="clocks"' not in before
        token = csrf_from(before)
        r = client.post(f"/cases/{case_id}/act/confirm", data={"csrf_token": token, "version": _version(client, case_id),
                                                               "invalidation_consent": "否"}, follow_redirects=False)
        assert r.status_code == 303, r.text[:2000]
        after = client.get(f"/cases/{case_id}").text
        assert 'id="clocks"' in after and 'id="no-clocks"' not in after

        login_as(client, env.engine, "wuhou_officer")  # type: ignore[arg-type]
        page = client.get("/finance").text
        pledge_id = int(re.search(r'href="/finance/pledges/(\d+)"', page).group(1))  # type: ignore[union-attr]
        detail = client.get(f"/finance/pledges/{pledge_id}").text
        assert "语料不记录年费缴纳" in detail and free[0] in detail
        # the checks' note in the page's language (both halves of "中文 / English" showed on either page)
        note = detail.split('id="annuity-note">')[1].split("</p>")[0]
        assert "语料不记录年费缴纳" in note and "corpus records no annuity" not in note
        english = client.get(f"/finance/pledges/{pledge_id}", params={"lang": "en"}).text
        note = english.split('id="annuity-note">')[1].split("</p>")[0]
        assert note.startswith("The corpus records no annuity payments") and "语料" not in note  # it stands alone
        token = csrf_from(detail)
        r = client.post(f"/cases/{case_id}/act/register", data={"csrf_token": token, "version": _version(client, case_id)},
                        follow_redirects=False)
        assert r.status_code == 303, r.text[:2000]
        pdf = client.get(f"/finance/pledges/{pledge_id}/certificate.pdf")
        record = client.get(f"/finance/pledges/{pledge_id}/record.json")
        assert pdf.status_code == 200 and record.status_code == 200
        import hashlib

        key = env.app.state.procedures.evidence.public_key  # type: ignore[attr-defined]
        report = verify_pdf(pdf.content, key, sm3=hashlib.new("sm3", record.content).hexdigest(),
                            sha256=hashlib.sha256(record.content).hexdigest())
        assert report.ok, report
        tampered = record.content.replace(b"5000000.00", b"9000000.00")
        assert not verify_pdf(pdf.content, key, sm3=hashlib.new("sm3", tampered).hexdigest(),
                              sha256=hashlib.sha256(tampered).hexdigest()).ok
        # a page printing another secured debt around the genuine embedded certificate is refused (the verification
        # checked only the digests and the entry number printed, and reported it verified)
        import io

        import weasyprint

        from zhichan.evidence.certificate import ATTACHMENT_NAME, TEMPLATES, render_html
        from zhichan.evidence.verify import read_pdf

        cert = read_pdf(pdf.content)[0]
        page_html = render_html(cert)
        assert "5,000,000.00 元" in page_html
        forged = weasyprint.HTML(string=page_html.replace("5,000,000.00 元", "9,000,000.00 元"), base_url=str(TEMPLATES))
        forged_pdf = bytes(forged.write_pdf(attachments=[weasyprint.Attachment(file_obj=io.BytesIO(cert.to_json()),
                                                                              name=ATTACHMENT_NAME)]))
        refused = verify_pdf(forged_pdf, key)
        assert not refused.ok and "被担保主债权数额" in str(refused)
        # a demo registration's certificate says it is synthetic (the demo's read like real certificates)
        from tests.helpers import pdf_text
        from zhichan.finance.models import Pledge
        from zhichan.platform.db import session_scope

        assert "合成（演示）数据" not in pdf_text(pdf.content)
        assert "5,000,000.00元" in "".join(pdf_text(pdf.content).split())  # the secured debt to the fen
        with session_scope(env.engine) as s:
            s.execute(update(Pledge).where(Pledge.id == pledge_id).values(synthetic=True))
        assert "合成（演示）数据" in pdf_text(client.get(f"/finance/pledges/{pledge_id}/certificate.pdf").content)
        with session_scope(env.engine) as s:
            s.execute(update(Pledge).where(Pledge.id == pledge_id).values(synthetic=False))

        for user in ("jinjiang_officer", "ent2_user", "wuhou"):  # another district, enterprise; analysts see it
            login_as(client, env.engine, user)  # type: ignore[arg-type]
            expected = 200 if user == "wuhou" else 404
            for url in (f"/finance/pledges/{pledge_id}", f"/finance/pledges/{pledge_id}/certificate.pdf",
                        f"/finance/pledges/{pledge_id}/record.json", f"/cases/{case_id}"):
                assert client.get(url).status_code == expected, (user, url)
            assert (WUHOU_ENTERPRISE in client.get("/finance").text) == (user == "wuhou")

        # the JSON API: the same register, the same rule of who sees what
        for user in ("wuhou_officer", "cd_bank", "ent_user", "jinjiang_officer", "ent2_user"):
            login_as(client, env.engine, user)  # type: ignore[arg-type]
            sees = user in ("wuhou_officer", "cd_bank", "ent_user")
            listed = client.get("/api/v1/finance/pledges").json()
            assert [x["id"] for x in listed["items"]] == ([pledge_id] if sees else []), user
            detail = client.get(f"/api/v1/finance/pledges/{pledge_id}")
            assert detail.status_code == (200 if sees else 404), user
        client.cookies.clear()
        assert client.get("/api/v1/finance/pledges").status_code == 401
        assert client.get(f"/api/v1/finance/pledges/{pledge_id}").status_code == 401
        login_as(client, env.engine, "cd_bank")  # type: ignore[arg-type]
        body = client.get(f"/api/v1/finance/pledges/{pledge_id}").json()
        assert (body["status"], body["debt_amount"], body["pledgor"], body["pledgee"]) == (
            "registered", "5000000.00", WUHOU_ENTERPRISE, BANK)
        assert [(r["kind"], r["number"]) for r in body["rights"]] == [("patent", n) for n in free]
        assert body["certificate"]["pdf"] == f"/finance/pledges/{pledge_id}/certificate.pdf" and body["checks"] is None
        # the register keeps the parties' names as registered; English pages show a registered organization's
        # English name (the bank has one, the enterprise none: its name as it is)
        assert (body["pledgee_en"], body["pledgor_en"]) == (BANK_EN, None)
        assert body["status_label"] == "已登记"  # the label in the request's language (it was always Chinese)
        english_body = client.get(f"/api/v1/finance/pledges/{pledge_id}", params={"lang": "en"}).json()
        assert english_body["status_label"] == "Registered"
        assert client.get("/api/v1/finance/pledges", params={"lang": "en"}).json()["items"][0]["status_label"] == "Registered"
        english = client.get("/finance", params={"lang": "en"}).text
        assert f">{BANK_EN}</td>" in english and BANK not in english and f">{WUHOU_ENTERPRISE}</td>" in english
        assert f'id="pledge-pledgee">{BANK_EN}<' in client.get(f"/finance/pledges/{pledge_id}", params={"lang": "en"}).text
        assert f">{BANK}</td>" in client.get("/finance", params={"lang": "zh"}).text


@pytest.mark.one_database("figures from DuckDB on the corpus and an empty register; the export from PostgreSQL is read in test_figures.py")
def test_public_statistics_api(env: WebEnv) -> None:
    from zhichan.finance.statistics import CODES

    with env.client() as client:
        r = client.get("/api/v1/finance/statistics?region=5101")
        assert r.status_code == 200, r.text
        body = r.json()
        assert [f["code"] for f in body["figures"]] == list(CODES) and body["region"] == "5101"
        assert set(body["by"]) == {"bank", "industry"}
        # without a date each figure at its source's: the register's at today, the patent data's pledges at their end
        from zhichan.indicators.service import data_as_of
        from zhichan.legaltime import china_today

        dates = {f["code"]: (f["data_source"], f["as_of"]) for f in body["figures"]}
        end = data_as_of(env.app.state.corpus.require_snapshot()).isoformat()  # type: ignore[attr-defined]
        assert dates["finance_pledge_secured_amount"] == ("platform", china_today().isoformat()) == ("platform", body["as_of"])
        assert dates["ip_pledge_amount"] == ("corpus", end) != dates["finance_pledge_secured_amount"]
        dated = client.get(f"/api/v1/finance/statistics?region=5101&as_of={end}").json()
        assert {f["as_of"] for f in dated["figures"]} == {end} == {dated["as_of"]}
        assert client.get("/api/v1/finance/statistics?region=51x").status_code == 422
        r = client.get("/api/v1/finance/statistics?region=999999")
        assert r.status_code == 400 and "999999" in r.json()["message"]


@pytest.mark.one_database("the empty pages' text by role")
def test_empty_register_and_whitelists_say_why_and_what_to_do(env: WebEnv) -> None:
    """Nothing registered or pushed yet: each reader is told why the page is empty and what to do (it
    read "Nothing yet")."""
    expected = {
        ("cd_bank", "/finance/whitelists", "whitelists-empty"): (
            "尚无知识产权局向贵行推送白名单", "No IP office has pushed a whitelist to your bank yet"),
        ("wuhou_officer", "/finance/whitelists", "whitelists-empty"): (
            "本辖区尚未生成白名单", "No whitelist has been built in your area yet"),
        ("cd_bank", "/finance", "pledges-empty"): (
            "尚无以贵行为质权人的质押登记", "No pledge registration names your bank as pledgee yet"),
        ("ent_user", "/finance", "pledges-empty"): ("贵单位尚无质押登记", "Your organization has no pledge registration"),
        ("wuhou_officer", "/finance", "pledges-empty"): ("辖区内尚无质押登记", "No pledge registration in your area yet"),
    }
    with env.client() as client:
        for (user, url, element), texts in expected.items():
            login_as(client, env.engine, user)  # type: ignore[arg-type]
            for lang, text in zip(("zh", "en"), texts, strict=True):
                page = client.get(url, params={"lang": lang}).text
                shown = page.split(f'id="{element}">')[1].split("</")[0]
                assert shown.startswith(text), (user, url, lang, shown)


@pytest.mark.one_database("a form error's language; no SQL")
def test_a_form_error_beside_the_field_speaks_the_page_language(env: WebEnv) -> None:
    """A service's "中文 / English" message beside a field of an English page shows its English half."""
    with env.client() as client:
        login_as(client, env.engine, "wuhou_officer")  # type: ignore[arg-type]
        token = csrf_from(client.get("/finance/whitelists").text)
        for lang, shown, hidden in (("en", "Give the list a title", "请填写名称"), ("zh", "请填写名称", None)):
            r = client.post(f"/finance/whitelists?lang={lang}", data={"csrf_token": token, "title": "", "min_high_value": "1"})
            message = r.text.split('id="whitelist-title-error">')[1].split("</span>")[0]
            assert r.status_code == 422 and shown in message and (hidden is None or hidden not in message), (lang, message)
