"""Shared by the services tests: a corpus with a co-owned invention application and a utility model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, patent

if TYPE_CHECKING:
    from zhichan.web.testing import WebEnv

OWNER = "成都示例科技有限公司"
CO_OWNER = "四川某大学"


def corpus(root: Path) -> tuple[Snapshot, dict[str, str]]:
    rows = [
        patent(serial=1, application_date="2026-03-02", legal_status="published", grant_date=None,
               applicants=[OWNER, CO_OWNER], title="一种固态电解质"),
        patent("202620000002", application_date="2026-04-01", kind="utility_model", legal_status="published", grant_date=None,
               applicants=[OWNER], title="一种电池托架"),
    ]
    snap = build_snapshot(root, patents=rows)
    return snap, {"co_owned": rows[0]["application_number"], "utility": rows[1]["application_number"]}


def concluded_round(env: WebEnv, programme: str = "SUB-2026-01") -> int:
    """The web template's enterprise applies, the city allots, publishes and concludes a round (dated so
    that its objection period has run); the round's case id."""
    import datetime as dt

    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    case_id = published_round(env, programme, dt.datetime(2026, 8, 3, 2))
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        officer = scope_for_user(s, s.scalar(select(User).where(User.username == "cd_officer")))
        env.app.state.procedures.act(s, officer, case_id, "conclude", version=3,  # type: ignore[attr-defined]
                                     fields={"objections": "公示期内未收到异议"}, now=dt.datetime(2026, 8, 11, 2))
    return case_id


def published_round(env: WebEnv, programme: str = "SUB-2026-01", day: dt.datetime | None = None) -> int:
    """The web template's enterprise applies, the city (officer ``cd_officer``) allots and its leader
    publishes a round on ``day`` (default: now, so its objection period runs); the round's case id."""
    import datetime as dt

    from sqlalchemy import select

    from zhichan.platform.accounts import create_user
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Organization, Role, User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.services.subsidies import ROUND_PROCEDURE, apply
    from zhichan.web.testing import PASSWORD

    service = env.app.state.procedures  # type: ignore[attr-defined]

    def scope(name: str):  # type: ignore[no-untyped-def]
        with session_scope(env.engine) as s:  # type: ignore[arg-type]
            return scope_for_user(s, s.scalar(select(User).where(User.username == name)))

    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        city = s.scalar(select(Organization).where(Organization.region_code == "510100"))
        create_user(s, username="cd_officer", password=PASSWORD, role=Role.CASE_OFFICER, org=city)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        apply(s, scope("ent_user"), env.app.state.corpus.snapshot(), programme)  # type: ignore[attr-defined]
    day = day or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        case = service.start(s, scope("cd_officer"), ROUND_PROCEDURE, fields={"programme": programme}, now=day)
        service.act(s, scope("cd_officer"), case["id"], "allot", version=1, fields={}, now=day)
        service.act(s, scope("cd_leader"), case["id"], "publish", version=2, fields={}, now=day)
    return int(case["id"])


def decided_search_application(env: WebEnv, client: Any) -> tuple[int, list[dict[str, Any]]]:
    """The web template's enterprise (``ent_user``) applies for the patent search service, 武侯区's officer accepts and
    approves it — the engine generates the 准予办理决定书 (PDF and DOCX): the case id and the decision step's documents.
    ``client`` is left signed in as the officer."""
    import json

    from tests.procedures.helpers import PDF
    from zhichan.platform.db import session_scope
    from zhichan.procedures.models import Step
    from zhichan.web.testing import csrf_from, login_as

    login_as(client, env.engine, "ent_user")
    token = csrf_from(client.get("/procedures/services.search_service/new").text)
    filed = client.post("/procedures/services.search_service/new", follow_redirects=False,
                        files={"doc0": ("申请表.pdf", PDF, "application/pdf")},
                        data={"csrf_token": token, "applicant": "成都示例科技有限公司", "topic": "固态电池电解质专利布局",
                              "purpose": "专利布局", "contact": "王五 028-12345678"})
    assert filed.status_code == 303, filed.text
    case_id = int(filed.headers["location"].rsplit("/", 1)[1])
    login_as(client, env.engine, "wuhou_officer")
    token = csrf_from(client.get(f"/services/applications/{case_id}").text)
    assert client.post(f"/cases/{case_id}/act/accept", data={"csrf_token": token, "version": "1"},
                       follow_redirects=False).status_code == 303
    assert client.post(f"/services/applications/{case_id}/decide/approve", follow_redirects=False,
                       data={"csrf_token": token, "version": "2", "conclusion": "已完成检索分析，报告见附件。"}
                       ).status_code == 303
    with session_scope(env.engine) as s:  # type: ignore[arg-type]
        docs = json.loads(s.scalar(select(Step.documents).where(Step.case_id == case_id, Step.event == "approve")) or "[]")
    return case_id, docs
