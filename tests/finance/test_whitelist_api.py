"""The whitelists as JSON (白名单双向推送): a bank reads only the lists pushed to it and records its decision
and loan through the API by the page's own rule; the bureau reads every bank's answer, in its area only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from zhichan.finance import whitelist as wl
from zhichan.finance.models import Whitelist, WhitelistFeedback
from zhichan.platform.accounts import create_user
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.web.testing import BANK, PASSWORD, WUHOU_ENTERPRISE, WebEnv, csrf_from, login_as

FEEDBACK = "/api/v1/finance/whitelists/{list_id}/entries/{entry_id}/feedback"


def _scope(s, name: str):  # type: ignore[no-untyped-def]
    return scope_for_user(s, s.scalar(select(User).where(User.username == name)))


def _wuhou_list(env: WebEnv) -> tuple[int, int]:
    """A whitelist of 武侯区 (every enterprise with a patent), not pushed yet: its id and 武侯's entry."""
    with session_scope(env.engine) as s:
        listed = wl.build(s, _scope(s, "wuhou_officer"), env.app.state.corpus.snapshot(),  # type: ignore[attr-defined]
                          title="武侯区2026年第一批", min_high_value=0, as_of=dt.date(2026, 6, 1))
        entry = next(e["entry"].id for e in wl.whitelist_view(s, _scope(s, "wuhou_officer"), listed.id)["entries"]
                     if e["entry"].name == WUHOU_ENTERPRISE)
        chengdu = s.scalar(select(Organization).where(Organization.region_code == "510100",
                                                      Organization.kind == OrgKind.CITY))
        other = create_org(s, "另一示例银行股份有限公司", OrgKind.BANK, "510100", chengdu)
        create_user(s, username="other_bank", password=PASSWORD, role=Role.BANK_USER, org=other)
        return listed.id, entry


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_from(client.get("/finance/whitelists").text)


def test_whitelist_api_scope_and_feedback(env: WebEnv) -> None:
    list_id, entry_id = _wuhou_list(env)
    url, feedback = f"/api/v1/finance/whitelists/{list_id}", FEEDBACK.format(list_id=list_id, entry_id=entry_id)
    with env.client() as client:
        assert client.get("/api/v1/finance/whitelists").status_code == 401
        assert client.get(url).status_code == 401
        anonymous = csrf_from(client.get("/login").text)
        assert client.post(feedback, json={"decision": "contacted"}, headers={"X-CSRF-Token": anonymous}).status_code == 401

        login_as(client, env.engine, "cd_bank")  # type: ignore[arg-type]
        assert client.get("/api/v1/finance/whitelists").json() == {"items": []}  # not pushed yet
        assert client.get(url).status_code == 404
        r = client.post(feedback, json={"decision": "contacted"}, headers={"X-CSRF-Token": _token(client)})
        assert r.status_code == 404, r.text

        login_as(client, env.engine, "ent_user")  # type: ignore[arg-type]
        assert client.get("/api/v1/finance/whitelists").status_code == 403
        assert client.get(url).status_code == 403

        with session_scope(env.engine) as s:
            bank = s.scalar(select(Organization.id).where(Organization.name == BANK))
            assert wl.push(s, _scope(s, "wuhou_officer"), list_id, [bank]) == 1

        login_as(client, env.engine, "cd_bank")  # type: ignore[arg-type]
        (item,) = client.get("/api/v1/finance/whitelists").json()["items"]
        assert (item["id"], item["title"], item["answers"]) == (list_id, "武侯区2026年第一批", 0)
        assert "pushed_to" not in item  # a bank is not told which other banks got the list
        body = client.get(url).json()
        mine = next(e for e in body["entries"] if e["id"] == entry_id)
        assert (mine["name"], mine["feedback"]) == (WUHOU_ENTERPRISE, [])
        assert mine["valid_patents"] >= 1 and mine["high_value_patents"] >= 0

        token = _token(client)
        for wrong, field in (({"decision": "approved"}, "loan_amount"),
                             ({"decision": "approved", "loan_amount": "三百万"}, "loan_amount")):
            r = client.post(feedback, json=wrong, headers={"X-CSRF-Token": token})
            assert r.status_code == 422 and field in r.text, r.text
        for wrong in ({"decision": "maybe"}, {"decision": "approved", "loan_amount": 3000000.5}):
            assert client.post(feedback, json=wrong, headers={"X-CSRF-Token": token}).status_code == 422
        assert client.post(feedback, json={"decision": "contacted"}).status_code == 403  # no CSRF token
        r = client.post(feedback, json={"decision": "approved", "loan_amount": "3,000,000.10", "note": "首贷"},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
        assert {k: r.json()[k] for k in ("entry_id", "bank", "decision", "loan_amount", "note")} == {
            "entry_id": entry_id, "bank": BANK, "decision": "approved", "loan_amount": "3000000.10", "note": "首贷"}
        assert client.get("/api/v1/finance/whitelists").json()["items"][0]["answers"] == 1

        login_as(client, env.engine, "other_bank")  # type: ignore[arg-type]
        assert client.get("/api/v1/finance/whitelists").json() == {"items": []}
        assert client.get(url).status_code == 404
        r = client.post(feedback, json={"decision": "declined"}, headers={"X-CSRF-Token": _token(client)})
        assert r.status_code == 404

        login_as(client, env.engine, "wuhou_officer")  # type: ignore[arg-type]
        r = client.post(feedback, json={"decision": "declined"}, headers={"X-CSRF-Token": _token(client)})
        assert r.status_code == 403  # only banks answer
        (item,) = client.get("/api/v1/finance/whitelists").json()["items"]
        assert (item["pushed_to"], item["answers"]) == ([BANK], 1)
        answers = next(e for e in client.get(url).json()["entries"] if e["id"] == entry_id)["feedback"]
        assert [(a["bank"], a["decision"], a["loan_amount"], a["note"]) for a in answers] == [
            (BANK, "approved", "3000000.10", "首贷")]
        # moments as stored (naive UTC) given with their zone, never as Beijing time without one
        with session_scope(env.engine) as s:
            answered = s.scalar(select(WhitelistFeedback.at).where(WhitelistFeedback.entry_id == entry_id))
            created = s.scalar(select(Whitelist.created_at).where(Whitelist.id == list_id))
        assert [a["at"] for a in answers] == [answered.isoformat() + "Z"]
        assert (item["created_at"], client.get(url).json()["created_at"]) == (created.isoformat() + "Z",) * 2
        page = client.get(f"/finance/whitelists/{list_id}").text  # the page reads the same record
        assert "3000000.10" in page.replace(",", "") or "3,000,000.10" in page

        login_as(client, env.engine, "jinjiang_officer")  # type: ignore[arg-type]
        assert client.get("/api/v1/finance/whitelists").json() == {"items": []}
        assert client.get(url).status_code == 404


@pytest.mark.one_database("the API schema; no SQL")
def test_whitelist_api_is_documented(env: WebEnv) -> None:
    with env.client() as client:
        paths = client.get("/api/openapi.json").json()["paths"]
    expected = {("/api/v1/finance/whitelists", "get"): {"401", "403", "422"},
                ("/api/v1/finance/whitelists/{whitelist_id}", "get"): {"401", "403", "404", "422"},
                ("/api/v1/finance/whitelists/{whitelist_id}/entries/{entry_id}/feedback", "post"):
                    {"200", "400", "401", "403", "404", "422"}}
    for (path, method), codes in expected.items():
        operation = paths[path][method]
        assert operation["tags"] == ["finance"] and codes <= set(operation["responses"]), (path, set(operation["responses"]))


@pytest.mark.one_database("the page's form rendered again after a refusal; the feedback's SQL runs on both databases in "
                          "test_whitelist_api_scope_and_feedback")
def test_refused_feedback_keeps_what_the_bank_typed(env: WebEnv) -> None:
    """A bank's answer refused on the page (an approval without its loan, an amount that is none) comes back with the
    message beside its row and the decision, amount and note as typed, each under its label."""
    list_id, entry_id = _wuhou_list(env)
    with session_scope(env.engine) as s:
        wl.push(s, _scope(s, "wuhou_officer"), list_id, [s.scalar(select(Organization.id).where(Organization.name == BANK))])
    with env.client() as client:
        login_as(client, env.engine, "cd_bank")  # type: ignore[arg-type]
        token = _token(client)
        url = f"/finance/whitelists/{list_id}/entries/{entry_id}/feedback"
        r = client.post(url, data={"csrf_token": token, "decision": "approved", "loan_amount": "三百万", "note": "首贷客户"})
        assert r.status_code == 422 and f'id="feedback-{entry_id}-loan_amount-error"' in r.text, r.text[:3000]
        form = r.text.split(url)[1].split("</form>")[0]
        assert re.search(r'<option value="approved" selected>', form), form
        assert re.search(rf'<label>授信/放款金额（元） <input name="loan_amount" id="loan-{entry_id}"[^>]*value="三百万"', form), form
        assert re.search(rf'<label>备注 <input name="note" id="note-{entry_id}"[^>]*value="首贷客户"', form), form
        assert client.post(url, data={"csrf_token": token, "decision": "approved", "loan_amount": "3,000,000",
                                      "note": "首贷客户"}, follow_redirects=False).status_code == 303
