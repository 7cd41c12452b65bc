"""Shared by the credit tests: the procedure world (tests.procedures.helpers) with the credit hooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from tests.procedures.helpers import World, at, build_world
from zhichan.credit.service import PROCEDURE, install
from zhichan.evidence.keys import SigningKey
from zhichan.platform.db import session_scope

PROPOSAL = {"subject": "成都示例科技有限公司", "credit_code": "91510100MA61R5XA24",
            "ground": "从事非正常专利申请行为", "facts": "2025年提交非正常专利申请 120 件"}


def credit_world(engine: Engine, files: Path, key: SigningKey) -> World:
    world = build_world(engine, files, key)
    install(world.service)
    return world


def start(world: World, when: dt.date, who: str = "wuhou_officer", **fields: Any) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        return world.service.start(s, world.scope(who), PROCEDURE, fields={**PROPOSAL, **fields}, now=at(when))


def act(world: World, who: str, case: dict[str, Any], event: str, when: dt.date,
        fields: dict[str, Any] | None = None) -> dict[str, Any]:
    with session_scope(world.engine) as s:
        result = world.service.act(s, world.scope(who), case["id"], event, version=case["version"],
                                   fields=fields or {}, now=at(when))
    case.update(result)
    return result


def first_declaration(raw: dict[str, Any]) -> None:
    """The listing declaration as it was first shipped (revision 1): no declared terms — repair and removal at the
    term's end were offered in any listed case, the hook refusing them before their days — and the repair request
    a to-do item."""
    for clock in ("term", "repair_wait"):
        raw["clocks"].pop(clock)
    for t in raw["transitions"]:
        t["starts"] = [c for c in t["starts"] if c not in ("term", "repair_wait")]
        t["lapsed"] = [c for c in t["lapsed"] if c not in ("term", "repair_wait")]
        if t["event"] == "request_repair":
            t["optional"] = False
        for n in t.get("notify", []):  # its notice said the term as fixed text
            n["text"] = {"zh": n["text"]["zh"].replace("{term}", "一年"), "en": n["text"]["en"].replace("{term}", "one year")}
    raw["revision"] = 1
