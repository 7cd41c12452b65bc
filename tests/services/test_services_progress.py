"""办件查询: window staff print a receipt of an application taken for someone without an account — its case number and
a query code kept only as a hash, a new one on each print — and whoever holds it follows the progress on a public page,
throttled as sign-ins are (SQLite and PostgreSQL); the catalogue offers staff 代为受理, not 在线申请."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from tests.procedures.helpers import PDF, World, _password_hash, at, pdf
from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.platform.accounts import MAX_FAILURES, create_user
from zhichan.platform.db import session_scope
from zhichan.platform.exceptions import TooManyAttempts
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.qr import qr_data_uri
from zhichan.services.models import ProgressCode
from zhichan.services.progress import NOT_FOUND, issue_receipt, lookup
from zhichan.web.testing import TestClient, WebEnv, csrf_from, login_as, switch_of

D = __import__("datetime").date
SEARCH = "services.search_service"
FORM = {"applicant": "成都某某个体户（合成）", "topic": "固态电池专利检索", "purpose": "专利布局", "contact": "王五 028-1"}


def _window(engine: Any, username: str = "wuhou_window") -> int:
    """A window staff account of 武侯区's bureau (the procedure tests' and the web template's trees have none)."""
    with session_scope(engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107",
                                                    Organization.kind == OrgKind.COUNTY))
        assert wuhou is not None
        return create_user(s, username=username, password=None, role=Role.WINDOW_STAFF, org=wuhou,
                           password_hash=_password_hash()).id


def test_a_receipts_code_shows_the_progress_to_its_holder_alone(world: World) -> None:
    world.users["wuhou_window"] = _window(world.engine)
    officer = world.scope("wuhou_window")
    with session_scope(world.engine) as s:
        case = world.service.start(s, officer, SEARCH, fields=FORM, uploads=(pdf(),), now=at(D(2026, 3, 2)))
    with session_scope(world.engine) as s:
        with pytest.raises(PermissionDenied):  # a party prints no receipt with a code
            issue_receipt(world.service, s, world.scope("ent_user"), case["id"])
        with pytest.raises(NotFoundError):  # another district's officer does not see the case
            issue_receipt(world.service, s, world.scope("jinjiang_officer"), case["id"])
        first = issue_receipt(world.service, s, officer, case["id"])
    with session_scope(world.engine) as s:
        second = issue_receipt(world.service, s, officer, case["id"])  # printed again: a new code
        stored = s.get_one(ProgressCode, case["id"]).code_hash
    assert first["number"] == second["number"] == case["number"] and first["code"] != second["code"]
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", second["code"])
    assert second["code"].replace("-", "") not in stored  # only its hash is kept

    def look(number: str, code: str, lang: str = "zh", ip: str = "203.0.113.7") -> dict[str, object]:
        with session_scope(world.engine) as s:
            return lookup(world.service, s, number, code, ip, lang)

    for number, code in ((case["number"], first["code"]), ("SVC-2026-999999", second["code"])):
        with pytest.raises(FormError) as wrong:  # the old code, an unknown number: the same message beside the code
            look(number, code)
        assert wrong.value.errors == {"code": NOT_FOUND}
    with pytest.raises(FormError) as empty:
        look(" ", "")
    assert set(empty.value.errors) == {"number", "code"}
    found = look(case["number"].lower(), second["code"].lower().replace("-", " "))  # as typed: any case, spaces
    assert (found["number"], found["state"], found["is_open"]) == (case["number"], "已提交", True)
    assert not any(v in str(found) for v in FORM.values())  # nothing of the filing, no one's name
    assert look(case["number"], second["code"], "en")["state"] == "Filed"
    # guessing is throttled as sign-ins are: per case number, whatever the address, then even the right code waits
    for i in range(MAX_FAILURES):
        with pytest.raises((FormError, TooManyAttempts)):
            look(case["number"], "AAAA-AAAA", ip=f"198.51.100.{i}")
    with pytest.raises(TooManyAttempts):
        look(case["number"], second["code"], ip="192.0.2.1")


@pytest.mark.one_database("the pages; the receipt's and the lookup's SQL run on both databases above")
def test_window_staff_take_an_application_and_print_its_receipt(env: WebEnv, client: TestClient) -> None:
    _window(env.engine)
    login_as(client, env.engine, "wuhou_window")
    for lang, words in (("zh", "代为受理"), ("en", "Take an application at the counter")):
        catalogue = client.get("/services", params={"lang": lang}).text
        assert words in catalogue and ("在线申请" if lang == "zh" else "Apply online") not in catalogue.split("<main", 1)[1]
    client.get("/services", params={"lang": "zh"})
    new = f"/procedures/{SEARCH}/new"
    form = client.get(new).text
    r = client.post(new, data={"csrf_token": csrf_from(form), **FORM}, files={"doc0": ("申请表.pdf", PDF, "application/pdf")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    page = r.headers["location"]
    shown = client.get(page).text
    assert 'id="receipt-issue"' in shown
    receipt = client.post(f"{page}/receipt", data={"csrf_token": csrf_from(shown)},
                          headers={"referer": f"http://testserver{page}"})
    # titled 收件回执: received, not yet accepted (受理 is the officer's next step)
    assert receipt.status_code == 200 and "收件回执" in receipt.text and "受理回执" not in receipt.text
    # the moment it was received, not 受理时间: the application is 已提交, and 受理 is the officer's next step
    assert "收件时间" in receipt.text and "受理时间" not in receipt.text
    # its language switch leads back to the application's page, not to the receipt's address by GET (405)
    english_page = client.get(switch_of(receipt))
    assert english_page.status_code == 200 and str(english_page.url).endswith(f"{page}?lang=en")
    client.get("/services", params={"lang": "zh"})
    number = re.search(r'id="receipt-number"><strong>([^<]+)<', receipt.text).group(1)  # type: ignore[union-attr]
    code = re.search(r'id="receipt-code"><strong>([^<]+)<', receipt.text).group(1)  # type: ignore[union-attr]
    assert "/services/progress" in receipt.text
    # its QR code opens the look-up with the case number filled in, never the code (the secret kept on the paper)
    filled = f"http://testserver/services/progress?number={number}"
    assert f'<img src="{qr_data_uri(filled.encode())}"' in receipt.text
    assert code.replace("-", "") not in filled.upper() and f"办件查询二维码：{filled}" in receipt.text
    assert f'value="{number}"' in client.get(filled.removeprefix("http://testserver")).text

    public = env.client()
    lookup_page = public.get("/services/progress")
    assert lookup_page.status_code == 200 and 'id="progress-form"' in lookup_page.text
    token = csrf_from(lookup_page.text)
    wrong = public.post("/services/progress", data={"csrf_token": token, "number": number, "code": "2222-2222"})
    assert wrong.status_code == 422 and "办件编号或查询码不正确" in wrong.text and 'value="2222-2222"' not in wrong.text
    assert FORM["topic"] not in wrong.text
    right = public.post("/services/progress", data={"csrf_token": token, "number": number, "code": code})
    assert right.status_code == 200 and 'id="progress-state">已提交<' in right.text
    assert "收件时间" in right.text and "受理时间" not in right.text
    assert FORM["applicant"] not in right.text and FORM["topic"] not in right.text
    english = public.post("/services/progress?lang=en", data={"csrf_token": token, "number": number, "code": code})
    assert 'id="progress-state">Filed<' in english.text and "Track an application" in english.text
