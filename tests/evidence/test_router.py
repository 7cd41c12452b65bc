"""The public pages (certificate verification; the data-IP notices moved to tests/dataip) and the signed-in deposit
endpoints, on the real web app (``create_app`` + this router, mounted as the integrator will)."""

from __future__ import annotations

import hashlib
import json
import re

from zhichan.evidence import witness
from zhichan.evidence.keys import PublicKey, key_dir, load_signing_key
from zhichan.evidence.schemas import Certificate
from zhichan.evidence.service import EvidenceService, digest_bytes
from zhichan.evidence.verify import read_pdf, verify_pdf
from zhichan.web.testing import WebEnv, csrf_from, login_as

DOC = "技术秘密说明书（合成）".encode() * 50


def _token(client, path: str = "/evidence/verify") -> str:  # type: ignore[no-untyped-def]
    return csrf_from(client.get(path).text)


def test_public_pages_are_anonymous_and_deposits_need_login(web: WebEnv) -> None:
    with web.client() as client:
        page = client.get("/evidence/verify")
        assert page.status_code == 200 and "证书核验" in page.text and 'id="verify-form"' in page.text
        assert "Verify a certificate" in client.get("/evidence/verify?lang=en").text
        assert client.get("/evidence/notices").status_code == 200  # redirected to /dataip/notices
        assert client.get("/evidence/pubkey.pem").text.startswith("-----BEGIN PUBLIC KEY-----")
        assert client.get("/evidence/checkpoint.json").status_code == 404  # empty log: nothing signed yet
        assert client.get("/api/v1/dataip/notices").json() == []
        # deposits: the page sends anonymous visitors to sign in, the API answers 401
        r = client.get("/evidence/deposit", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        token = _token(client)
        r = client.post("/api/v1/evidence/deposits", headers={"X-CSRF-Token": token},
                        json={"sm3": "0" * 64, "sha256": "0" * 64, "title": "t"})
        assert r.status_code == 401
        r = client.post("/evidence/deposit", data={"csrf_token": token, "title": "t"}, files={"file": ("a.txt", b"a")},
                        follow_redirects=False)
        assert r.status_code in (303, 401)
        # public forms still need the CSRF token
        assert client.post("/evidence/verify", data={"digest": "0" * 64}).status_code == 403
    assert EvidenceService(web.engine, load_signing_key(key_dir(web.settings.data_dir)), "x").size() == 0  # type: ignore[arg-type]


def test_the_deposit_form_is_in_the_menu_of_whoever_is_signed_in(web: WebEnv) -> None:
    """The deposit form (电子数据存证, which links the caller's deposits) was in no menu: a signed-in user found it only
    by its address. It is in the menu of every signed-in user, in both languages, and not in a visitor's."""
    with web.client() as client:
        assert 'href="/evidence/deposit"' not in client.get("/evidence/verify").text
        for user in ("ent_user", "wuhou_officer", "cd_leader"):
            login_as(client, web.engine, user)
            page = client.get("/evidence/verify?lang=zh").text  # the language stays (a cookie): Chinese first
            assert '<a href="/evidence/deposit"' in page and ">电子数据存证</a>" in page, user
            assert ">Deposit evidence</a>" in client.get("/evidence/verify?lang=en").text, user
            assert client.get("/evidence/deposit").status_code == 200


def test_a_deposit_s_category_is_the_depositor_s_choice(web: WebEnv) -> None:
    """The form's category starts unchosen (its first option empty: it read 数据知识产权, which a depositor who did not
    look deposited as); sent without one, the form comes back with 422, the message beside the field in the page's
    language and the title and note kept — nothing deposited. The API records 其他 when a client says none."""
    with web.client() as client:
        login_as(client, web.engine, "ent_user")
        form = client.get("/evidence/deposit").text
        select = form[form.index('<select id="deposit-category"'):].split("</select>", 1)[0]
        assert '<option value="">请选择类别</option><option value="数据知识产权">' in select and "selected" not in select
        assert 'for="deposit-category">类别 *</label>' in form
        for lang, message in (("zh", "请选择存证类别（文件需重新选择）"), ("en", "Choose the deposit&#39;s category (and the file again)")):
            r = client.post(f"/evidence/deposit?lang={lang}", files={"file": ("说明书.pdf", DOC)},
                            data={"csrf_token": csrf_from(form), "title": "储能装置技术秘密", "note": "第一版", "category": ""},
                            follow_redirects=False)
            assert r.status_code == 422
            assert f'<span class="error field-error" id="deposit-category-error">{message}</span>' in r.text, r.text
            assert 'value="储能装置技术秘密"' in r.text and 'value="第一版"' in r.text and " / " not in message
        assert EvidenceService(web.engine, load_signing_key(key_dir(web.settings.data_dir)), "x").size() == 0  # type: ignore[arg-type]
        api = client.post("/api/v1/evidence/deposits", headers={"X-CSRF-Token": csrf_from(form)},
                          json={"sm3": "1" * 64, "sha256": "1" * 64, "title": "客户端计算摘要"})
        assert api.status_code == 200 and json.loads(api.json()["leaf"])["category"] == "其他"


def test_deposit_then_verify_on_the_public_page(web: WebEnv) -> None:
    with web.client() as client:
        login_as(client, web.engine, "ent_user")
        form = client.get("/evidence/deposit")
        assert form.status_code == 200 and "成都示例科技有限公司" in form.text
        r = client.post("/evidence/deposit", files={"file": ("说明书.pdf", DOC)},
                        data={"csrf_token": csrf_from(form.text), "title": "储能装置技术秘密", "category": "商业秘密"},
                        follow_redirects=False)
        # to the new deposit's page (a reload there deposits nothing again), which links its certificate
        assert r.status_code == 303 and r.headers["location"] == "/evidence/deposits/0"
        page = client.get(r.headers["location"])
        assert page.status_code == 200 and 'id="deposit-certificate" href="/evidence/deposits/0/certificate.pdf"' in page.text
        r = client.get("/evidence/deposits/0/certificate.pdf")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        pdf = r.content
        cert, _ = read_pdf(pdf)
        leaf = json.loads(cert.leaf)
        assert (leaf["category"], leaf["depositor"], leaf["sm3"]) == ("商业秘密", "成都示例科技有限公司", digest_bytes(DOC).sm3)
        api = client.post("/api/v1/evidence/deposits", headers={"X-CSRF-Token": csrf_from(form.text)},
                          json={"sm3": hashlib.new("sm3", b"x").hexdigest(), "sha256": hashlib.sha256(b"x").hexdigest(),
                                "title": "客户端计算摘要", "category": "设计稿"})
        assert api.status_code == 200, api.text
        assert api.json()["index"] == 1 and Certificate.model_validate(api.json()["certificate"]).index == 1

    with web.client() as anonymous:
        token = _token(anonymous)
        ok = anonymous.post("/evidence/verify", data={"csrf_token": token},
                            files={"certificate": ("cert.pdf", pdf), "file": ("说明书.pdf", DOC)})
        assert ok.status_code == 200 and 'id="verify-verdict">核验通过' in ok.text
        # each check is named and explained in the page's language only (it read "inclusion proof / 包含证明" on
        # both, and the details were English on Chinese pages); English names are capitalized like the rest of the
        # English UI (they read "inclusion proof", "printed data"), and the entry is named by what it certifies
        for lang, names, other, detail, other_detail, kind in (
                ("en", ("Inclusion proof", "Checkpoint signature (SM2)", "Printed data", "File digests"), "包含证明",
                 "in a tree of", "树中", "Electronic Evidence Deposit Certificate"),
                ("zh", ("包含证明", "检查点签名 (SM2)", "证书页面内容", "文件摘要"), "Inclusion proof", "树中", "in a tree of",
                 "电子数据存证证书")):
            anonymous.get(f"/evidence/verify?lang={lang}")  # the language is kept in a cookie
            page = anonymous.post("/evidence/verify", data={"csrf_token": token},
                                  files={"certificate": ("cert.pdf", pdf), "file": ("说明书.pdf", DOC)}).text
            assert f'<span class="verify-kind">{kind}</span>' in page, lang
            rows = page.split('class="list verify-checks"', 1)[1].split("</tbody>", 1)[0]
            rows = re.split(r"<tr><td[^>]*>", rows)[1:]
            checks = [re.sub(r"<[^>]+>", "", row.split("</td>", 1)[0]) for row in rows]
            details = [re.sub(r"<[^>]+>", "", row.split("</td>")[2]) for row in rows]
            assert all(n in checks for n in names) and not any(other in c for c in checks), (lang, checks)
            assert any(detail in d for d in details) and not any(other_detail in d or " / " in d for d in details), \
                (lang, details)
        wrong = anonymous.post("/evidence/verify", data={"csrf_token": token},
                               files={"certificate": ("cert.pdf", pdf), "file": ("other.pdf", DOC + b"!")})
        assert '核验未通过' in wrong.text and "≠ 证书所载" in wrong.text and "certified" not in wrong.text
        pasted = anonymous.post("/evidence/verify", files={"certificate": ("c.pdf", pdf)},
                                data={"csrf_token": token, "digest": digest_bytes(DOC).sha256.upper()})
        assert '核验通过' in pasted.text
        bad_digest = anonymous.post("/evidence/verify", files={"certificate": ("c.pdf", pdf)},
                                    data={"csrf_token": token, "digest": "ab" * 32})
        assert '核验未通过' in bad_digest.text
        forged = cert.model_copy(update={"leaf": cert.leaf.replace("储能装置", "储能设备")})
        tampered = anonymous.post("/evidence/verify", data={"csrf_token": token},
                                  files={"certificate": ("c.json", forged.to_json())})
        assert '核验未通过' in tampered.text
        lookup = anonymous.post("/evidence/verify", data={"csrf_token": token}, files={"file": ("f", DOC)})
        assert '核验通过' in lookup.text and "储能装置技术秘密" in lookup.text
        missing = anonymous.post("/evidence/verify", data={"csrf_token": token, "digest": "0" * 64})
        assert 'id="verify-not-found"' in missing.text and "核验未通过" in missing.text
        refused = anonymous.post("/evidence/verify", data={"csrf_token": token, "digest": "xyz"})
        assert refused.status_code == 422 and 'id="verify-digest-error"' in refused.text  # beside the field
        api = anonymous.post("/api/v1/evidence/verify", headers={"X-CSRF-Token": token},
                             params={"sm3": digest_bytes(DOC).sm3, "sha256": digest_bytes(DOC).sha256},
                             json=json.loads(cert.to_json()))
        assert api.status_code == 200 and all(c["ok"] for c in api.json()["checks"])
        # the witness files verify with the published key
        key = PublicKey.from_text(anonymous.get("/evidence/pubkey.pem").text)
        checkpoint = witness.parse_checkpoint(anonymous.get("/evidence/checkpoint.json").content)
        assert checkpoint.tree_size == 2
        assert witness.audit_checkpoints(cert.checkpoint, checkpoint, key, [bytes.fromhex(p) for p in _proof(web)]).ok


def _proof(web: WebEnv) -> list[str]:
    log = EvidenceService(web.engine, load_signing_key(key_dir(web.settings.data_dir)), web.settings.evidence_log_origin)  # type: ignore[arg-type]
    return [p.hex() for p in log.consistency_path(1, 2)]


#: This router's public routes (what the integrator adds to tests/web/test_web_scope.py's PUBLIC_GET,
#: plus the two public verification POSTs).
PUBLIC = {("GET", "/evidence/verify"), ("POST", "/evidence/verify"),
          ("GET", "/evidence/checkpoint.json"), ("GET", "/evidence/pubkey.pem"), ("POST", "/api/v1/evidence/verify"),
          ("GET", "/api/v1/evidence/lookup")}


def test_every_route_of_the_router_is_classified_and_scoped(web: WebEnv) -> None:
    from zhichan.evidence.router import router

    routes = {(m, r.path) for r in router.routes for m in getattr(r, "methods", set()) if m != "HEAD"}
    # the deposit form (GET, POST), the deposit API, the caller's deposits (page and API), a deposit's page and its
    # certificate (its depositor's only), the platform administrator's forms giving an unowned deposit its owner and
    # correcting one given by mistake, and their API
    assert routes >= PUBLIC and len(routes - PUBLIC) == 11
    with web.client() as client:
        token = _token(client)
        for method, path in sorted(routes - PUBLIC):
            if method == "GET" and path.startswith("/api/"):
                assert client.get(path).status_code == 401, path
            elif method == "GET":
                r = client.get(path.replace("{index}", "0"), follow_redirects=False)
                assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
            else:  # a complete, valid request: refused for want of a session, not for its form
                kwargs = ({"json": {"org_id": 1, "reason": "r"}} if path.startswith("/api/") and "owner" in path
                          else {"json": {"sm3": "0" * 64, "sha256": "0" * 64, "title": "t"}} if path.startswith("/api/")
                          else {"data": {"csrf_token": token}, "files": {"file": ("a.txt", b"a")}})
                r = client.post(path.replace("{index}", "0"), headers={"X-CSRF-Token": token}, follow_redirects=False,
                                **kwargs)
                assert r.status_code in (303, 401), (path, r.status_code)
        for method, path in PUBLIC:
            if method == "GET":
                params = {"digest": "0" * 64} if path.endswith("/lookup") else {}
                assert client.get(path, params=params).status_code in (200, 404), path  # 404: the empty log has no checkpoint


def test_a_deposit_certificate_is_downloaded_by_its_depositor_only(web: WebEnv) -> None:
    """A deposit's page links its certificate PDF, and a look-up of its file links both — for its depositor (its
    organization's users); another enterprise and the office above get 404 for the page and the PDF and no link in
    the look-up (which still says the file is deposited, and its title); anonymous callers are sent to sign in."""
    data = "门店设计稿（合成）".encode() * 30
    with web.client() as client:
        login_as(client, web.engine, "ent_user")
        form = client.get("/evidence/deposit")
        r = client.post("/evidence/deposit", files={"file": ("设计稿.pdf", data)},
                        data={"csrf_token": csrf_from(form.text), "title": "门店设计稿", "category": "设计稿"},
                        follow_redirects=False)
        index = int(r.headers["location"].rsplit("/", 1)[1])
        page_url, pdf_url = f"/evidence/deposits/{index}", f"/evidence/deposits/{index}/certificate.pdf"
        for lang, words in (("zh", "下载存证证书"), ("en", "Download the deposit certificate")):
            page = client.get(page_url, params={"lang": lang})
            assert page.status_code == 200 and f'id="deposit-certificate" href="{pdf_url}"' in page.text
            assert words in page.text and "门店设计稿" in page.text and 'id="deposit-verdict"' in page.text
        pdf = client.get(pdf_url)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        cert = read_pdf(pdf.content)[0]
        assert cert.index == index and json.loads(cert.leaf)["depositor"] == "成都示例科技有限公司"
        key = load_signing_key(key_dir(web.settings.data_dir)).public
        assert verify_pdf(pdf.content, key, sm3=digest_bytes(data).sm3).ok
        looked = client.post("/evidence/verify", data={"csrf_token": csrf_from(form.text)}, files={"file": ("f", data)})
        assert f'class="lookup-deposit" href="{page_url}"' in looked.text and f'href="{pdf_url}"' in looked.text
        api = client.get("/api/v1/evidence/lookup", params={"digest": digest_bytes(data).sha256}).json()
        assert (api["entries"][0]["certificate_url"], api["entries"][0]["deposit_url"]) == (pdf_url, page_url)
        assert client.get(f"/evidence/deposits/{index + 1}").status_code == 404  # no such entry: the same answer

        for other in ("ent2_user", "wuhou_officer", "wuhou"):
            login_as(client, web.engine, other)
            assert client.get(page_url).status_code == 404, other
            assert client.get(pdf_url).status_code == 404, other
            looked = client.post("/evidence/verify", data={"csrf_token": csrf_from(client.get("/evidence/verify").text)},
                                 files={"file": ("f", data)}).text
            assert "门店设计稿" in looked and "/evidence/deposits/" not in looked, other
            api = client.get("/api/v1/evidence/lookup", params={"digest": digest_bytes(data).sha256}).json()
            assert api["entries"][0]["certificate_url"] is None and api["entries"][0]["deposit_url"] is None, other

    with web.client() as anonymous:
        for url in (page_url, pdf_url):
            r = anonymous.get(url, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), url
        token = _token(anonymous)
        looked = anonymous.post("/evidence/verify", data={"csrf_token": token}, files={"file": ("f", data)}).text
        assert "门店设计稿" in looked and "/evidence/deposits/" not in looked


def test_a_renamed_organization_keeps_its_deposits_and_a_namesake_gets_none(web: WebEnv) -> None:
    """Who deposited is recorded by identity: the depositor's organization renamed still opens its deposit's page and
    certificate and lists it among its deposits; an organization that now bears the name the leaf records gets 404 and
    an empty list. A deposit no one owns (from the command line) tells the platform's administrator so."""
    from sqlalchemy import select, update

    from zhichan.evidence.service import DepositRequest
    from zhichan.platform.accounts import create_user
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, Role, User
    from zhichan.platform.orgs import create_org

    with web.client() as client:
        login_as(client, web.engine, "ent_user")
        token = csrf_from(client.get("/evidence/deposit").text)
        digest = {"sm3": hashlib.new("sm3", b"renamed").hexdigest(), "sha256": hashlib.sha256(b"renamed").hexdigest()}
        index = client.post("/api/v1/evidence/deposits", headers={"X-CSRF-Token": token},
                            json={**digest, "title": "更名前的存证（合成）"}).json()["index"]
        page = f"/evidence/deposits/{index}"
        assert client.get(page).status_code == 200
        with session_scope(web.engine) as s:
            org = s.get_one(Organization, s.scalar(select(User.org_id).where(User.username == "ent_user")))
            s.execute(update(Organization).where(Organization.id == org.id).values(name="成都示例（更名后，合成）"))
            namesake = create_org(s, "成都示例科技有限公司", org.kind, org.region_code, s.get_one(Organization, org.parent_id),
                                  party_key="成都示例科技有限公司")
            create_user(s, username="namesake_user", password=None, role=Role.ENTERPRISE_USER, org=namesake)
        assert client.get(page).status_code == 200 and client.get(f"{page}/certificate.pdf").status_code == 200
        mine = client.get("/evidence/deposits")
        assert mine.status_code == 200 and f'class="deposit-link" href="{page}"' in mine.text
        assert [d["index"] for d in client.get("/api/v1/evidence/deposits").json()["deposits"]] == [index]

        login_as(client, web.engine, "namesake_user")
        assert client.get(page).status_code == 404 and client.get(f"{page}/certificate.pdf").status_code == 404
        assert 'id="deposits-empty"' in client.get("/evidence/deposits").text
        assert client.get("/api/v1/evidence/deposits").json() == {"total": 0, "page": 1, "per_page": 20, "deposits": []}
        assert client.get("/api/v1/evidence/deposits", params={"page": "0"}).status_code == 422

        log = EvidenceService(web.engine, load_signing_key(key_dir(web.settings.data_dir)),  # type: ignore[arg-type]
                              web.settings.evidence_log_origin)
        cli = log.deposit(DepositRequest(sm3="3" * 64, sha256="4" * 64, title="命令行存证（合成）", depositor="成都示例科技有限公司"))
        assert client.get(f"/evidence/deposits/{cli.index}").status_code == 404  # the name gives it to no one
        login_as(client, web.engine, "root")
        for lang, words in (("zh", "没有记录存证人"), ("en", "No owner (organization and user) is recorded")):
            told = client.get(f"/evidence/deposits/{cli.index}", params={"lang": lang})
            assert told.status_code == 200 and 'id="deposit-unowned"' in told.text and words in told.text, lang
            assert "3333" not in told.text and "certificate.pdf" not in told.text
        assert client.get(f"/evidence/deposits/{cli.index}/certificate.pdf").status_code == 404
        assert client.get(page).status_code == 404  # an owned deposit stays its owner's


def test_the_platform_administrator_gives_an_unowned_deposit_its_owner_on_its_page(web: WebEnv) -> None:
    """A deposit made from the command line has no owner: its page shows the platform's administrator a form choosing
    the organization (and a user of it) with a reason; a field left wrong is refused beside it (422, the page's half
    of the message), the assignment goes to the audit log and the page then says who owns it — the organization's
    users open its page and certificate; a second assignment is refused beside the field (409); any other caller
    gets 404 (anonymous: sign in first)."""
    from sqlalchemy import select, update

    from zhichan.evidence.service import DepositRequest
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, User

    log = EvidenceService(web.engine, load_signing_key(key_dir(web.settings.data_dir)),  # type: ignore[arg-type]
                          web.settings.evidence_log_origin)
    index = log.deposit(DepositRequest(sm3="5" * 64, sha256="6" * 64, title="命令行存证（合成）",
                                       depositor="成都示例科技有限公司")).index
    with session_scope(web.engine) as s:
        org_id = s.scalar(select(User.org_id).where(User.username == "ent_user"))
        s.execute(update(Organization).where(Organization.id == org_id)
                  .values(name_en="Chengdu Example Technology Co., Ltd. (synthetic)"))
    page, action = f"/evidence/deposits/{index}", f"/evidence/deposits/{index}/owner"
    fields = {"org_id": str(org_id), "username": "ent_user", "reason": "企业出示了原件与营业执照（合成）"}
    with web.client() as client:
        r = client.post(action, data=fields, follow_redirects=False)
        assert r.status_code in (303, 401, 403)  # anonymous: sign in first (or no CSRF token)
        for other in ("ent_user", "cd_admin", "wuhou_admin"):
            login_as(client, web.engine, other)
            token = csrf_from(client.get("/evidence/deposit").text)
            assert client.post(action, data={**fields, "csrf_token": token}).status_code == 404, other

        for other in ("ent_user", "cd_admin"):  # the list of deposits no one owns is the platform administrator's
            login_as(client, web.engine, other)
            assert 'id="unowned-deposits"' not in client.get("/evidence/deposits").text, other
        login_as(client, web.engine, "root")
        listed = client.get("/evidence/deposits", params={"lang": "en"})
        assert f'class="unowned-link" href="{page}"' in listed.text and "1 deposit has no owner" in listed.text
        assert "Chengdu Example Technology Co., Ltd. (synthetic)" in listed.text  # the recorded name, in English
        for lang, words in (("zh", "指定存证人"), ("en", "Give this deposit its owner")):
            shown = client.get(page, params={"lang": lang})
            assert shown.status_code == 200 and 'id="owner-form"' in shown.text and words in shown.text, lang
        assert "Chengdu Example Technology Co., Ltd. (synthetic)" in client.get(page, params={"lang": "en"}).text
        token = csrf_from(shown.text)
        for lang, message in (("zh", "请说明理由"), ("en", "Give a reason")):
            refused = client.post(action, params={"lang": lang}, data={**fields, "reason": " ", "csrf_token": token})
            assert refused.status_code == 422 and 'id="error-reason"' in refused.text, lang
            assert message in refused.text and ("Give a reason" in refused.text) == (lang == "en"), lang
        refused = client.post(action, data={**fields, "org_id": "甲", "csrf_token": token})
        assert refused.status_code == 422 and 'id="error-org_id"' in refused.text
        assert index not in _owner_rows(web)

        done = client.post(action, data={**fields, "csrf_token": token}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == page
        for lang, words in (("zh", "管理员已为此存证指定存证人：成都示例科技有限公司"),
                            ("en", "An administrator gave this deposit its owner (Chengdu Example Technology")):
            told = client.get(page, params={"lang": lang})
            assert told.status_code == 200 and words in told.text and "企业出示了原件" in told.text, lang
            assert 'id="owner-form"' not in told.text and "5" * 64 not in told.text and "certificate.pdf" not in told.text
        assert 'id="unowned-deposits"' not in client.get("/evidence/deposits").text  # none left
        audit = client.get("/admin/audit", params={"action": "evidence.owner_assign", "lang": "en"})
        assert audit.status_code == 200 and "Deposit owner given" in audit.text and f"deposit:{index}" in audit.text
        for lang, message in (("zh", "已有存证人"), ("en", "already has an owner")):
            again = client.post(action, params={"lang": lang}, data={**fields, "csrf_token": token})
            assert again.status_code == 409 and 'id="error-org_id"' in again.text and message in again.text, lang
            assert "命令行存证" not in again.text  # no more of a deposit now owned than its number

        assert _owner_rows(web)[index][1:] == (_user_id(web, "ent_user"), "assigned")

        login_as(client, web.engine, "ent_user")
        assert client.get(page).status_code == 200 and client.get(f"{page}/certificate.pdf").status_code == 200
        assert index in [d["index"] for d in client.get("/api/v1/evidence/deposits").json()["deposits"]]


def test_the_platform_administrator_corrects_an_owner_on_its_page_and_by_the_api(web: WebEnv) -> None:
    """The public look-up links the platform administrator (no one else) to a deposit no one owns; the API gives it an
    owner and, given by mistake, corrects it — the same service as the page's forms, refused with the message's
    Chinese first (422 beside the field, 409 for a row corrected meanwhile, 404 to anyone else); the page's correction
    form writes a correction too, and the page shows the administrator the current owner and its history, zh and en;
    the deposit follows its current owner."""
    from sqlalchemy import select

    from zhichan.evidence.service import DepositRequest
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, User

    log = EvidenceService(web.engine, load_signing_key(key_dir(web.settings.data_dir)),  # type: ignore[arg-type]
                          web.settings.evidence_log_origin)
    index = log.deposit(DepositRequest(sm3="7" * 64, sha256="8" * 64, title="命令行存证（合成）",
                                       depositor="无此机构（合成）")).index
    with session_scope(web.engine) as s:
        ent = s.scalar(select(User.org_id).where(User.username == "ent_user"))
        ent2 = s.scalar(select(User.org_id).where(User.username == "ent2_user"))
        ent2_name = s.scalar(select(Organization.name).where(Organization.id == ent2))
    page, api = f"/evidence/deposits/{index}", f"/api/v1/evidence/deposits/{index}/owner"
    with web.client() as client:
        for other in ("ent_user", "cd_admin", None):  # the look-up says nothing new to anyone else
            if other:
                login_as(client, web.engine, other)
            looked = client.get("/api/v1/evidence/lookup", params={"digest": "7" * 64}).json()["entries"][0]
            assert looked["deposit_url"] is None and looked["unowned"] is False, other
            assert "lookup-owner" not in client.get("/evidence/verify", params={"digest": "7" * 64}).text
        login_as(client, web.engine, "cd_admin")
        token = csrf_from(client.get("/evidence/deposit").text)
        headers = {"X-CSRF-Token": token}
        assert client.post(api, json={"org_id": ent, "reason": "r"}, headers=headers).status_code == 404

        login_as(client, web.engine, "root")
        looked = client.get("/api/v1/evidence/lookup", params={"digest": "7" * 64}).json()["entries"][0]
        assert looked["deposit_url"] == page and looked["unowned"] is True and looked["certificate_url"] is None
        for lang, words in (("zh", "无存证人：打开存证页指定存证人"), ("en", "No owner: open its page to give it one")):
            shown = client.get("/evidence/verify", params={"digest": "7" * 64, "lang": lang}).text
            assert f'class="lookup-deposit lookup-owner" href="{page}">{words}' in shown, lang
        token = csrf_from(client.get("/evidence/deposit").text)
        headers = {"X-CSRF-Token": token}
        refused = client.post(api, json={"org_id": ent, "reason": "  "}, headers=headers)
        assert refused.status_code == 422 and refused.json()["message"].startswith("请更正")
        assert refused.json()["details"]["fields"] == {"reason": "请说明理由 / give a reason"}
        assert client.post(api, json={"org_id": "1", "reason": "r"}, headers=headers).status_code == 422  # strict
        given = client.post(api, json={"org_id": ent, "username": "ent_user", "reason": "误以为（合成）"}, headers=headers)
        assert given.status_code == 200, given.text
        assert given.json()["org_id"] == ent and [h["source"] for h in given.json()["history"]] == ["assigned"]
        again = client.post(api, json={"org_id": ent2, "reason": "再指定（合成）"}, headers=headers)
        assert again.status_code == 409 and "已有存证人" in again.json()["message"]
        looked = client.get("/api/v1/evidence/lookup", params={"digest": "7" * 64}).json()["entries"][0]
        assert looked["deposit_url"] == page and looked["unowned"] is False  # given: its page, to correct it

        fixed = client.post(f"{api}/corrections", json={"org_id": ent2, "reason": "锦江企业出示原件（合成）", "replaces": 0},
                            headers=headers)
        assert fixed.status_code == 200, fixed.text
        assert fixed.json()["org_id"] == ent2 and [(h["seq"], h["source"], h["replaces"], h["by"])
                                                   for h in fixed.json()["history"]] == [
            (0, "assigned", None, "root"), (1, "corrected", 0, "root")]
        stale = client.post(f"{api}/corrections", json={"org_id": ent, "reason": "过时（合成）", "replaces": 0},
                            headers=headers)
        assert stale.status_code == 409 and stale.json()["message"].startswith("第 ")
        assert _owner_rows(web)[index][1:] == (None, "corrected")

        for lang, words in (("zh", ("管理员已更正此存证的存证人，现为", "存证人记录", "更正存证人")),
                            ("en", ("An administrator corrected this deposit", "Owner record", "Correct the owner"))):
            shown = client.get(page, params={"lang": lang})
            assert shown.status_code == 200 and all(w in shown.text for w in words), lang
            assert 'id="owner-history"' in shown.text and "误以为" in shown.text and "锦江企业出示原件" in shown.text
            assert 'id="owner-correction-form"' in shown.text and 'name="replaces" value="1"' in shown.text
            assert "7777" not in shown.text and "certificate.pdf" not in shown.text
        # the page's correction form: a field left wrong beside it, a stale row 409, then the correction
        form = {"org_id": str(ent), "username": "ent_user", "reason": "", "replaces": "1", "csrf_token": token}
        refused = client.post(f"{page}/owner/correction", params={"lang": "en"}, data=form)
        assert refused.status_code == 422 and 'id="error-reason"' in refused.text and "Give a reason" in refused.text
        stale = client.post(f"{page}/owner/correction", data=form | {"reason": "过时（合成）", "replaces": "0"})
        assert stale.status_code == 409 and "corrected meanwhile" in stale.text and 'name="replaces" value="1"' in stale.text
        done = client.post(f"{page}/owner/correction", data=form | {"reason": "确属成都企业（合成）"},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == page
        assert _owner_rows(web)[index][1:] == (_user_id(web, "ent_user"), "corrected")
        audit = client.get("/admin/audit", params={"action": "evidence.owner_correct", "lang": "en"})
        assert "Deposit owner corrected" in audit.text and audit.text.count(f"deposit:{index}") == 2

        login_as(client, web.engine, "ent2_user")  # the deposit follows its current owner
        assert client.get(page).status_code == 404
        assert index not in [d["index"] for d in client.get("/api/v1/evidence/deposits").json()["deposits"]]
        login_as(client, web.engine, "ent_user")
        assert client.get(page).status_code == 200
    assert ent2_name


def _user_id(web: WebEnv, username: str) -> int:
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User

    with session_scope(web.engine) as s:
        return int(s.scalar(select(User.id).where(User.username == username)) or 0)



def _owner_rows(web: WebEnv) -> dict[int, tuple[object, ...]]:
    """The owner rows of the web app's database, by entry index."""
    import sqlalchemy as sa

    with web.engine.connect() as conn:  # type: ignore[attr-defined]
        return {int(r[0]): tuple(r[1:]) for r in conn.execute(sa.text(
            "SELECT idx, org_id, user_id, source FROM evidence_deposit_owners ORDER BY idx, seq"))}


def test_the_depositor_is_named_as_its_organization_in_the_pages_language(web: WebEnv) -> None:
    """The deposit form, a deposit's page and an unowned deposit's page name the depositor the leaf records through
    the organizations' English names on English pages (they showed the Chinese name)."""
    from sqlalchemy import select, update

    from zhichan.evidence.service import DepositRequest
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, User

    english_name = "Chengdu Example Technology Co., Ltd. (synthetic)"
    with session_scope(web.engine) as s:
        org_id = s.scalar(select(User.org_id).where(User.username == "ent_user"))
        s.execute(update(Organization).where(Organization.id == org_id).values(name_en=english_name))
    log = EvidenceService(web.engine, load_signing_key(key_dir(web.settings.data_dir)),  # type: ignore[arg-type]
                          web.settings.evidence_log_origin)
    unowned = log.deposit(DepositRequest(sm3="7" * 64, sha256="8" * 64, title="命令行存证（合成）",
                                         depositor="成都示例科技有限公司")).index
    with web.client() as client:
        login_as(client, web.engine, "ent_user")
        token = csrf_from(client.get("/evidence/deposit").text)
        index = client.post("/api/v1/evidence/deposits", headers={"X-CSRF-Token": token},
                            json={"sm3": "9" * 64, "sha256": "a" * 64, "title": "存证（合成）"}).json()["index"]
        pages = [("ent_user", "/evidence/deposit"), ("ent_user", f"/evidence/deposits/{index}"),
                 ("root", f"/evidence/deposits/{unowned}")]
        for user, url in pages:
            login_as(client, web.engine, user)
            english, chinese = (client.get(url, params={"lang": lang}).text for lang in ("en", "zh"))
            assert english_name in english and "成都示例科技有限公司" in chinese and english_name not in chinese, url
            if user != "root":
                assert "成都示例科技有限公司" not in english, url
        # to the administrator, the name as the entry records it too (what no single organization bore), as data
        assert f'<dd id="deposit-depositor">{english_name}<br><span class="muted small">成都示例科技有限公司</span>' in english
