"""Scope, enumerated over the app's own routes: a county user cannot read another county's data
through any page or API route; an enterprise user sees only its own; anonymous users only public pages."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from zhichan.web.app import all_routes
from zhichan.web.testing import JINJIANG_ENTERPRISE, JINJIANG_TITLE, WUHOU_ENTERPRISE, csrf_from, login_as

#: Routes anyone may read: published patent data (as on CNIPA's public systems), sign-in, assets.
PUBLIC_GET = {
    "/search", "/search/facets", "/search/form", "/search/export.{fmt}", "/patents/{application_number}",
    "/patents/{application_number}/similar", "/api/v1/search",
    "/api/v1/patents/{application_number}", "/api/v1/similar", "/api/v1/me", "/login", "/", "/geo/{adcode}.json",
    "/assets/vega-bundle.js", "/api/openapi.json", "/api/docs", "/healthz",
    # evidence (zhichan.evidence.router): certificate verification is public, and so is the look-up of a file by its
    # digest (a case step's case only within the caller's scope: tests/evidence/test_lookup.py)
    "/evidence/verify", "/evidence/checkpoint.json", "/evidence/pubkey.pem", "/api/v1/evidence/lookup",
    # data-IP (zhichan.dataip.router): the notices (and their old address), the register, its certificates
    "/dataip/notices", "/evidence/notices", "/api/v1/dataip/notices", "/dataip/register", "/dataip/register/{number}",
    "/dataip/register/{number}/certificate.pdf",
    # services (zhichan.services.router): the service catalogue is public
    "/services", "/services/{service_code}", "/api/v1/services/catalogue",
    # … and so are the subsidy programmes and their published results
    "/services/subsidies", "/services/subsidies/{programme}", "/api/v1/services/subsidies/{programme}",
    "/services/library", "/api/v1/services/library",
    # … and the progress look-up of an application taken at the window, by its number and the receipt's code
    "/services/progress",
    # credit (zhichan.credit.router): the public credit list, the published agency list, published inspections
    "/credit/listings", "/api/v1/credit/listings", "/credit/agency-list", "/api/v1/credit/agency-list",
    "/credit/inspections", "/credit/inspections/{inspection_id}", "/api/v1/credit/inspections/{inspection_id}",
    # the exchange (zhichan.exchange.router): the hall, published open licences, active listings,
    # auctions and open needs are public; what is not published stays with its party (404)
    "/exchange", "/exchange/open-licences", "/api/v1/exchange/open-licences", "/exchange/open-licences/{declaration_id}",
    "/api/v1/exchange/open-licences/{declaration_id}", "/exchange/listings", "/exchange/listings/{listing_id}",
    "/exchange/auctions", "/api/v1/exchange/auctions",
    "/exchange/auctions/{auction_id}", "/exchange/auctions/{auction_id}/live", "/api/v1/exchange/auctions/{auction_id}",
    "/exchange/needs", "/exchange/needs/{need_id}/matches",
    # protection: anyone may file a complaint (the form lists every office); published decisions are public
    "/protection/complaints/new", "/protection/decisions", "/api/v1/protection/decisions",
    # finance: each risk-compensation fund's aggregates (no loan, no borrower) are public
    "/api/v1/finance/funds", "/api/v1/finance/statistics",
    # talent (zhichan.talent.router): the public sees the counts per kind only, no person; the library's
    # figures are counts only too
    "/talent", "/api/v1/talent", "/api/v1/talent/statistics",
}
#: Public only once published: an unpublished case's decision is 404 for everyone, signed in or not.
PUBLIC_IF_PUBLISHED = {"/protection/decisions/{case_id}", "/protection/decisions/{case_id}/documents/{sha256}"}
#: Public POSTs: anyone may verify a certificate; an empty anonymous submission answers 400/422.
PUBLIC_POST = {"/evidence/verify", "/api/v1/evidence/verify", "/protection/complaints/new", "/services/progress"}
#: Markers of 锦江区 (510104) governance data that a 武侯区 (510107) user must never receive.
FOREIGN = (JINJIANG_ENTERPRISE, JINJIANG_TITLE, "锦江区")


def _routes(app):
    for route in all_routes(app):
        if isinstance(route, APIRoute) or hasattr(route, "methods"):
            for method in sorted(getattr(route, "methods", None) or []):
                if method != "HEAD":
                    yield method, route.path


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "1"), path)


def _foreign_values(env, jinjiang_job: int, case: tuple[int, str] = (1, "0" * 64),
                    finance: dict[str, str] | None = None) -> dict[str, str]:
    agency, inspection = _jinjiang_credit(env)
    return {**(finance or {}), "agency_id": str(agency), "inspection_id": str(inspection), "code": "510104",
            "party_key": JINJIANG_ENTERPRISE, "job_id": str(jinjiang_job),
            "application_number": env.numbers["jinjiang"], "adcode": "510100", "fmt": "csv", "chart_id": "trend",
            "user_id": "1", "token_id": "1", "indicator": "valid_inventions", "lever": "ten_years", "case_id": str(case[0]), "sha256": case[1], "seq": "1",
            "procedure": "protection.patent_dispute", "event": "accept", "number": "DIP-2025-00000000",
            "service_code": "ZC-XX-001", "programme": "SUB-2026-01", "award_id": "1",
            "declaration_id": "1", "grant_id": "1", "listing_id": "1", "auction_id": "1", "need_id": "1",
            "person_id": str(_jinjiang_person(env)), "panel_id": str(_jinjiang_panel(env))}


def _jinjiang_deposit(env) -> int:
    """A deposit of 锦江区's enterprise by its user ent2_user (its depositor a foreign marker; its page and certificate
    its own): index."""
    from sqlalchemy import select

    from zhichan.evidence.keys import key_dir, load_signing_key
    from zhichan.evidence.service import DepositRequest, EvidenceService, Owner
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User

    with session_scope(env.engine) as s:
        user = s.scalar(select(User).where(User.username == "ent2_user"))
        owner = Owner(org_id=user.org_id, user_id=user.id)
    log = EvidenceService(env.engine, load_signing_key(key_dir(env.settings.data_dir)), env.settings.evidence_log_origin)
    return log.deposit(DepositRequest(sm3="1" * 64, sha256="2" * 64, title="锦江门店设计稿（合成）",
                                      depositor=JINJIANG_ENTERPRISE, category="设计稿"), owner=owner).index


def _jinjiang_panel(env) -> int:
    """A panel 锦江区 drew (its title is a foreign marker): id."""
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.talent.panels import draw_panel

    with session_scope(env.engine) as s:
        scope = scope_for_user(s, s.scalar(select(User).where(User.username == "jinjiang_officer")))
        return draw_panel(s, scope, None, {"title": "锦江区调解专家抽取", "purpose": "mediation",
                                           "kind": "people_mediator", "size": "1", "seed": "s"}).id


def _jinjiang_person(env) -> int:
    """A mediator of 锦江区 in the talent library (sharing nothing: no enterprise sees it): id."""
    from sqlalchemy import select

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.talent.service import enter_person

    with session_scope(env.engine) as s:
        scope = scope_for_user(s, s.scalar(select(User).where(User.username == "jinjiang_officer")))
        return enter_person(s, scope, {"name": "锦江区调解员甲", "organization": "锦江区调解委员会", "region_code": "510104",
                                       "kinds": "people_mediator", "phone": "13800000000"}).id


def _jinjiang_case(env) -> tuple[int, str]:
    """A case of 锦江区 filed by its enterprise (its request names the enterprise): id, document SHA-256."""
    import json

    from sqlalchemy import select

    from tests.procedures.helpers import PDF
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload

    with session_scope(env.engine) as s:
        user = s.scalar(select(User).where(User.username == "ent2_user"))
        created = env.app.state.procedures.start(
            s, scope_for_user(s, user), "protection.patent_dispute",
            fields={"patent_number": "ZL1", "requester": JINJIANG_ENTERPRISE, "respondent": "某商行", "claims": "停止侵权",
                    "requester_role": "专利权人", "court_suit": "否", "known_on": "2026-01-05", "continuing": "是"},
            uploads=(Upload("doc0", "请求书.pdf", PDF),))
        from zhichan.procedures.models import Step

        docs = s.scalar(select(Step.documents).where(Step.case_id == created["id"]))
    return created["id"], json.loads(docs)[0]["sha256"]


def _jinjiang_credit(env) -> tuple[int, int]:
    """An agency of 锦江区 with a negative item, and an unpublished inspection drawn by 锦江区: ids."""
    from sqlalchemy import select

    from zhichan.credit.agencies import record_item, register_agency
    from zhichan.credit.draws import create_inspection
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    with session_scope(env.engine) as s:
        scope = scope_for_user(s, s.scalar(select(User).where(User.username == "jinjiang_officer")))
        agency = register_agency(s, scope, {"name": "锦江区独有专利代理事务所", "region_code": "510104"})
        record_item(s, scope, agency.id, item="complaint_upheld", occurred_on="2026-03-02", reference="锦江区投诉1号")
        inspection = create_inspection(s, scope, {"title": "锦江区代理机构抽查", "seed": "s", "target_count": "1",
                                                  "inspectors_per_target": "1"})
        return agency.id, inspection.id
def _jinjiang_finance(env) -> dict[str, str]:
    """A registered pledge of 锦江区's enterprise (its certificate exists) and a whitelist of 锦江区 naming it."""
    import datetime as dt

    from sqlalchemy import select

    from tests.procedures.helpers import PDF
    from zhichan.finance.models import Pledge, WhitelistEntry
    from zhichan.finance.whitelist import build
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload
    from zhichan.web.testing import BANK

    service = env.app.state.procedures

    def who(s, name):
        return scope_for_user(s, s.scalar(select(User).where(User.username == name)))

    with session_scope(env.engine) as s:
        case = service.start(s, who(s, "ent2_user"), "finance.pledge", fields={
            "rights": env.numbers["jinjiang"], "pledgee": BANK, "debt_amount": "1000000", "debt_start": "2026-01-05",
            "debt_end": "2027-01-04"}, uploads=(Upload("doc0", "a.pdf", PDF), Upload("doc1", "b.pdf", PDF + b"b")))
    with session_scope(env.engine) as s:
        service.act(s, who(s, "cd_bank"), case["id"], "confirm", version=1, fields={"invalidation_consent": "否"})
    with session_scope(env.engine) as s:
        service.act(s, who(s, "jinjiang_officer"), case["id"], "register", version=2, fields={})
        pledge = s.scalar(select(Pledge).where(Pledge.case_id == case["id"]))
        listed = build(s, who(s, "jinjiang_officer"), env.app.state.corpus.snapshot(), title="锦江区白名单",
                       min_high_value=0, as_of=dt.date(2026, 6, 1))
        entry = s.scalar(select(WhitelistEntry.id).where(WhitelistEntry.whitelist_id == listed.id))
        return {"pledge_id": str(pledge.id), "whitelist_id": str(listed.id), "entry_id": str(entry),
                "fund": "chongqing", "loan_id": "1", "action": "claim"}


def _jinjiang_valuation(env) -> int:
    """A valuation by 锦江区's enterprise of its own patent (its title is a foreign marker)."""
    from sqlalchemy import select

    from zhichan.evidence.service import utcnow
    from zhichan.exchange import valuation
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    with session_scope(env.engine) as s:
        scope = scope_for_user(s, s.scalar(select(User).where(User.username == "ent2_user")))
        return valuation.evaluate(s, scope, env.app.state.corpus.snapshot(), valuation.load_model(),
                                  number=env.numbers["jinjiang"], scenario="licensing",
                                  inputs={"annual_revenue": "1000000"}, now=utcnow()).id


def _jinjiang_dormant(env) -> None:
    """An inventoried, graded and approved dormant patent of 锦江区's institution (the row as the inventory and
    its approval leave it: the web corpus has no university, so it is written directly; its title and
    institution are foreign markers)."""
    import datetime as dt

    from sqlalchemy import select

    from zhichan.exchange.models import DormantPatent
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization

    with session_scope(env.engine) as s:
        org = s.scalar(select(Organization).where(Organization.party_key == JINJIANG_ENTERPRISE))
        s.add(DormantPatent(org_id=org.id, org_path=org.path, party_key=JINJIANG_ENTERPRISE, institution=org.name,
                            application_number=env.numbers["jinjiang"], title=f"{JINJIANG_TITLE}0", kind="invention",
                            inventoried_on=dt.date(2026, 3, 2), state="approved", prospect="高", field="储能",
                            willingness="愿意转化", college="材料学院", graded_on=dt.date(2026, 3, 3),
                            approved_on=dt.date(2026, 3, 9), listed_on=dt.date(2026, 3, 10),
                            activated_on=dt.date(2026, 5, 1), activated_by="licence", synthetic=True))


def _jinjiang_job(env) -> int:
    from zhichan.platform.db import session_scope
    from zhichan.web.testing import WebEnv

    assert isinstance(env, WebEnv)
    from sqlalchemy import select

    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    with session_scope(env.engine) as s:
        user = s.scalar(select(User).where(User.username == "jinjiang"))
        return env.app.state.jobs.submit(s, scope_for_user(s, user), "corpus.profile", {"region": "510104"}).id


def test_every_route_is_classified(env):
    """A new route must be added to the scope tests deliberately."""
    paths = {p for _, p in _routes(env.app)}
    assert paths | {"/api/docs/oauth2-redirect"} >= PUBLIC_GET


@pytest.mark.parametrize("username", ["wuhou", "wuhou_admin", "wuhou_officer", "ent_user"])
def test_county_and_enterprise_users_cannot_read_foreign_data(env, client, username):
    job = _jinjiang_job(env)
    case = _jinjiang_case(env)
    finance = _jinjiang_finance(env)
    valuation = _jinjiang_valuation(env)
    _jinjiang_dormant(env)
    login_as(client, env.engine, username)
    values = {**_foreign_values(env, job, case, finance), "valuation_id": str(valuation), "index": str(_jinjiang_deposit(env))}
    checked = 0
    for method, path in _routes(env.app):
        if method != "GET" or path in PUBLIC_GET or path.startswith("/static"):
            continue
        for query in ("", "?region=510104"):
            url = _fill(path, values) + query
            r = client.get(url, follow_redirects=False)
            assert r.status_code < 500, (url, r.status_code)
            if r.status_code in (200, 303):
                body = r.text
                for marker in FOREIGN:
                    assert marker not in body, (username, url, marker)
                assert f'"id":{job},' not in body.replace(" ", "") and not re.search(rf"<td[^>]*>{job}</td>", body), url
            checked += 1
    assert checked >= 15


def test_county_user_gets_403_on_foreign_region_routes(env, client):
    login_as(client, env.engine, "wuhou")
    for url in ("/cockpit?region=510104", "/regions/510104", "/regions/510104/export.csv", "/charts/trend.svg?region=510104",
                "/api/v1/regions/510104", "/api/v1/regions/510104/indicators", "/api/v1/cockpit?region=510104",
                "/api/v1/regions/510100", "/cockpit?region=510000", "/regions/510104/indicators",
                "/regions/510104/indicators/valid_inventions/records",
                "/regions/510104/indicators/valid_inventions/records.csv",
                "/regions/510104/indicators/valid_inventions/records.xlsx",
                "/api/v1/regions/510104/indicators/valid_inventions/records", f"/api/v1/enterprises/{JINJIANG_ENTERPRISE}",
                f"/enterprises/{JINJIANG_ENTERPRISE}", "/regions/510104/levers", "/regions/510104/levers/top.xlsx",
                "/api/v1/regions/510104/levers"):
        assert client.get(url, follow_redirects=False).status_code == 403, url
    assert client.get("/api/v1/regions/510107").status_code == 200
    assert client.get(f"/api/v1/enterprises/{WUHOU_ENTERPRISE}").status_code == 200


def test_a_code_no_region_has_is_not_found_for_everyone_and_a_foreign_region_stays_forbidden(env, client):
    """``/regions/999999`` answered 403 ("outside your area") — to the nation's administrator too, who sees every
    region: a region that does not exist is 404, as an unknown indicator or case is. The regions are public reference
    data, so a district's user learns nothing from it; another district's figures stay 403 (the test above)."""
    urls = ("/regions/999999", "/regions/510199/indicators", "/regions/999999/export.csv", "/cockpit?region=999999",
            "/regions/999999/indicators/valid_inventions/records", "/regions/999999/indicators/valid_inventions/records.csv",
            "/api/v1/regions/999999", "/api/v1/regions/999999/indicators", "/api/v1/cockpit?region=999999",
            "/api/v1/regions/999999/indicators/valid_inventions/records", "/charts/trend.svg?region=999999")
    for username in ("root", "cd_leader", "wuhou"):
        login_as(client, env.engine, username)
        for url in urls:
            r = client.get(url, follow_redirects=False)
            assert r.status_code == 404, (username, url, r.status_code)
        page = client.get("/regions/999999?lang=en").text
        assert "No region 999999" in page and "没有这个地区" not in page
        assert "没有这个地区：999999" in client.get("/regions/999999?lang=zh").text
    assert client.get("/regions/510104", follow_redirects=False).status_code == 403  # wuhou: a real foreign district
    assert env.client().get("/api/v1/regions/999999").status_code == 401  # signed out: who asks comes first


def test_enterprise_user_sees_only_its_own(env, client):
    login_as(client, env.engine, "ent2_user")
    assert client.get(f"/api/v1/enterprises/{JINJIANG_ENTERPRISE}").status_code == 200
    assert client.get(f"/api/v1/enterprises/{WUHOU_ENTERPRISE}").status_code == 403
    assert client.get("/api/v1/enterprises/没有这家公司").status_code == 403  # existence is not revealed
    for url in ("/api/v1/regions/510104", "/cockpit", "/admin/users", "/api/v1/admin/audit"):
        assert client.get(url, follow_redirects=False).status_code == 403, url


def test_foreign_cases_are_not_found_and_cannot_be_acted_on(env, client):
    case_id, sha = _jinjiang_case(env)
    for username in ("wuhou_officer", "wuhou_admin", "ent_user"):
        login_as(client, env.engine, username)
        for url in (f"/cases/{case_id}", f"/api/v1/cases/{case_id}", f"/cases/{case_id}/documents/{sha}",
                    f"/cases/{case_id}/steps/1/certificate.pdf"):
            assert client.get(url).status_code == 404, (username, url)
        token = csrf_from(client.get("/todo").text)
        r = client.post(f"/api/v1/cases/{case_id}/transitions", json={"event": "accept", "version": 1},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 404, username
        r = client.post(f"/cases/{case_id}/act/accept", data={"csrf_token": token, "version": "1", "panel": "甲乙丙"})
        assert r.status_code == 404, username
    login_as(client, env.engine, "jinjiang_officer")
    assert client.get(f"/cases/{case_id}").status_code == 200


def test_foreign_whitelists_cannot_be_read_or_answered(env, client):
    """锦江区's whitelist, pushed to no bank: a bank and another district's officer get 404 (an officer's answer
    is refused for its role first: 403), through the pages and the JSON API alike."""
    finance = _jinjiang_finance(env)
    list_id, entry_id = finance["whitelist_id"], finance["entry_id"]
    for username, answer in (("cd_bank", 404), ("wuhou_officer", 403)):
        login_as(client, env.engine, username)
        for url in (f"/finance/whitelists/{list_id}", f"/api/v1/finance/whitelists/{list_id}"):
            assert client.get(url).status_code == 404, (username, url)
        assert JINJIANG_ENTERPRISE not in client.get("/api/v1/finance/whitelists").text
        token = csrf_from(client.get("/finance/whitelists").text)
        r = client.post(f"/api/v1/finance/whitelists/{list_id}/entries/{entry_id}/feedback",
                        json={"decision": "approved", "loan_amount": "1000000"}, headers={"X-CSRF-Token": token})
        assert r.status_code == answer, (username, r.status_code)


def test_anonymous_users_only_public_pages(env, client):
    values = _foreign_values(env, 1, _jinjiang_case(env), _jinjiang_finance(env))
    for method, path in _routes(env.app):
        if path.startswith("/static"):
            continue
        url = _fill(path, values)
        if method == "GET":
            r = client.get(url, follow_redirects=False)
            if path in PUBLIC_GET:
                assert r.status_code < 500, url
            elif path in PUBLIC_IF_PUBLISHED:
                assert r.status_code == 404, (url, r.status_code)
            elif path.startswith("/api/"):
                assert r.status_code == 401, (url, r.status_code)
            else:
                assert r.status_code in (303, 401), (url, r.status_code)
                if r.status_code == 303:
                    assert r.headers["location"].startswith("/login"), url
        elif method == "POST" and path not in ("/login", "/logout"):
            token = csrf_from(client.get("/login").text)
            r = client.post(url, data={"csrf_token": token}, headers={"X-CSRF-Token": token},
                            follow_redirects=False)
            if path in PUBLIC_POST:
                assert r.status_code in (400, 422), (url, r.status_code)
            else:
                assert r.status_code in (401, 422), (url, r.status_code)


def test_admin_scope_is_the_org_subtree(env, client):
    login_as(client, env.engine, "wuhou_admin")
    names = {u["username"] for u in client.get("/api/v1/admin/users").json()}
    assert names == {"wuhou", "wuhou_admin", "wuhou_officer", "ent_user"}
    orgs = {o["region_code"] for o in client.get("/api/v1/admin/orgs").json()}
    assert orgs == {"510107"}
