"""Admission through the ``talent.registration`` procedure on SQLite and PostgreSQL: a bank's employee and an
enterprise's apply for themselves through /talent/apply (their materials' digests in the evidence log), follow
their case, and the bureau admits, suspends, removes or refuses with reasons; the library's row follows."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.procedures.helpers import PDF
from tests.talent.helpers import WUHOU_EXPERT, client_for, scope_of
from zhichan.platform.db import session_scope
from zhichan.procedures.models import Case, Step
from zhichan.talent.models import Person
from zhichan.web.testing import WUHOU_ENTERPRISE, WebEnv, csrf_from


def apply(env: WebEnv, who: str, values: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None,
          ) -> tuple[int, str]:
    client = client_for(env, who)
    token = csrf_from(client.get("/talent/apply").text)
    r = client.post("/talent/apply", data={**values, "csrf_token": token}, files=files or {}, follow_redirects=False)
    return r.status_code, r.headers.get("location", "") if r.status_code == 303 else r.text


def step(env: WebEnv, who: str, case_id: int, event: str, fields: dict[str, str]) -> None:
    service = env.app.state.procedures  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        version = s.scalar(select(Case.version).where(Case.id == case_id))
        service.act(s, scope_of(env, who), case_id, event, version=version, fields=fields)


def person_of(env: WebEnv, case_id: int) -> Person:
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        person = s.scalars(select(Person).where(Person.case_id == case_id)).one()
        s.expunge(person)
        return person


def test_a_bank_employee_applies_and_is_admitted_then_removed(env: WebEnv) -> None:
    status, location = apply(env, "cd_bank", {**WUHOU_EXPERT, "name": "王估值"},
                             files={"extra": ("证书.pdf", PDF, "application/pdf")})
    assert status == 303 and location.startswith("/cases/"), location
    case_id = int(location.rsplit("/", 1)[1])
    person = person_of(env, case_id)
    assert person.status == "applying" and person.source == "applied" and person.user_id is not None
    # the materials' digests went to the evidence log with the engine's step
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        first = s.scalars(select(Step).where(Step.case_id == case_id)).one()
        documents = json.loads(first.documents)
        assert first.evidence_index is not None and documents and len(documents[0]["sha256"]) == 64
    # the applicant follows its case; another bank's or district's user does not see it
    bank = client_for(env, "cd_bank")
    assert bank.get(f"/cases/{case_id}").status_code == 200
    assert client_for(env, "ent_user").get(f"/cases/{case_id}").status_code == 404
    # applying is not admission: members do not see the applicant, the city's officers do
    assert client_for(env, "ent2_user").get("/api/v1/talent").json()["items"] == []
    assert [p["status"] for p in client_for(env, "cd_leader").get("/api/v1/talent").json()["items"]] == ["applying"]
    # a second application while one is under review is refused beside the name
    again, text = apply(env, "cd_bank", {**WUHOU_EXPERT, "name": "王估值"})
    assert again == 422 and 'id="apply-name-error"' in text
    step(env, "cd_leader", case_id, "admit", {"note": "材料齐全"})
    assert person_of(env, case_id).status == "in_library"
    assert [p["name"] for p in client_for(env, "ent2_user").get("/api/v1/talent").json()["items"]] == ["王估值"]
    step(env, "cd_leader", case_id, "suspend", {"reasons": "资格证书待核验"})
    suspended = person_of(env, case_id)
    assert suspended.status == "suspended" and suspended.status_reason == "资格证书待核验"
    assert client_for(env, "ent2_user").get("/api/v1/talent").json()["items"] == []
    step(env, "cd_leader", case_id, "remove", {"reasons": "证书已被注销"})
    assert person_of(env, case_id).status == "removed"
    # a person with a case changes status through the case, not the library's form
    officer = client_for(env, "cd_leader")
    page = officer.get(f"/talent/people/{person_of(env, case_id).id}")
    assert page.status_code == 200 and f"/cases/{case_id}" in page.text and 'id="status-form"' not in page.text


def test_an_enterprise_employee_is_refused_with_reasons_and_bad_input_stays(env: WebEnv) -> None:
    bad, text = apply(env, "ent_user", {"name": "赵代理", "region_code": "5101", "kind_patent_agent": "1"})
    assert bad == 422
    assert 'id="apply-region_code-error"' in text and 'id="apply-certificates-error"' in text
    assert 'value="赵代理"' in text and 'name="kind_patent_agent" value="1" checked' in text
    outside, text = apply(env, "ent_user", {"name": "赵代理", "region_code": "510700", "kind_patent_agent": "1",
                                            "cert_patent_agent": "DL-1"})
    assert outside == 422 and "510700" in text  # outside the handling office's area (武侯区)
    status, location = apply(env, "ent_user", {"name": "赵代理", "region_code": "510107", "kind_patent_agent": "1",
                                               "cert_patent_agent": "DL-1", "share_name": "1"})
    assert status == 303
    case_id = int(location.rsplit("/", 1)[1])
    # the application is the applicant's own: a colleague of the same enterprise does not see it
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        from zhichan.platform.accounts import create_user
        from zhichan.platform.models import Organization

        firm = s.scalars(select(Organization).where(Organization.party_key == WUHOU_ENTERPRISE)).one()
        create_user(s, username="ent_colleague", password="correct horse battery", role="enterprise_user", org=firm,
                    password_hash="-")
    assert client_for(env, "ent_colleague").get(f"/cases/{case_id}").status_code == 404
    assert client_for(env, "ent_user").get(f"/cases/{case_id}").status_code == 200
    step(env, "wuhou_officer", case_id, "refuse", {"reasons": "资格证书编号查无记录"})
    person = person_of(env, case_id)
    assert person.status == "refused" and person.status_reason == "资格证书编号查无记录"
    # the refused applicant may apply again
    assert apply(env, "ent_user", {"name": "赵代理", "region_code": "510107", "kind_patent_agent": "1",
                                   "cert_patent_agent": "DL-2"})[0] == 303


def test_officers_are_entered_not_applying_and_the_public_cannot_apply(env: WebEnv) -> None:
    officer = client_for(env, "wuhou_officer")
    assert officer.get("/talent/apply").status_code == 403
    anonymous = client_for(env, None)
    assert anonymous.get("/talent/apply", follow_redirects=False).status_code in (303, 401)


def test_the_region_is_chosen_by_name_from_the_office_area(env: WebEnv) -> None:
    """The form offers the handling office's regions by name with their codes (it asked for "6 位行政区划代码");
    a code the list does not offer is still refused beside the field (the service checks the area)."""
    from zhichan.talent.views import region_choices

    client = client_for(env, "ent_user")  # an enterprise of 武侯区: its office is 武侯区局
    zh = client.get("/talent/apply").text
    assert '<select id="apply-region_code" name="region_code">' in zh and "武侯区（510107）" in zh
    assert "Wuhou District (510107)" in client.get("/talent/apply?lang=en").text
    city = region_choices("510100", "zh")
    assert city is not None and [o["code"] for o in city[0]["options"]][:2] == ["510100", "510104"]
    assert {"code": "510107", "label": "武侯区（510107）"} in city[0]["options"]
    province = region_choices("510000", "en")
    assert province is not None and province[0]["options"] == [{"code": "510000", "label": "Sichuan (510000)"}]
    assert any(g["label"] == "Chengdu" for g in province)
    assert region_choices("100000", "zh") is None  # a national office: ~3,000 counties, the code box
    officer = client_for(env, "wuhou_officer").get("/procedures/talent.registration/new?lang=en").text  # the window's form
    assert 'name="region_code"' in officer and "Wuhou District (510107)" in officer and "6-digit" not in officer
    directory = client_for(env, "cd_leader").get("/talent?region=510107").text  # the filter: the city's regions
    assert '<select id="f-region" name="region">' in directory
    assert '<option value="510107" selected>武侯区（510107）</option>' in directory
    status, text = apply(env, "ent_user", {"name": "赵代理", "region_code": "510104", "kind_patent_agent": "1",
                                           "cert_patent_agent": "1234567"})
    assert status == 422 and 'id="apply-region_code-error"' in text
