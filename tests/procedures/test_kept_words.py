"""A case keeps the declaration it started with — its rules — and reads in today's words: a step or a state titled
otherwise since (the pledge's "Cancel the registration (注销)", now "Cancel the pledge registration") shows the current
title where it is the same step (same event, same state after it) or state (same name); a step the current declaration
has not, or leads elsewhere, keeps its own title; who may take what stays the kept declaration's. SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.procedures.helpers import PROCEDURE, World, filed_under_earlier, pdf
from tests.procedures.test_engine import act, start
from zhichan.platform.db import session_scope
from zhichan.procedures.views import case_view


def _earlier(raw: dict[str, Any]) -> None:
    """The declaration as it read before: other English titles of the start, a step and a state; a step since
    dropped; a step of the same event that led elsewhere."""
    raw["start"]["title"]["en"] = "File a request (提交)"
    raw["states"]["accepted"]["title"]["en"] = "Accepted (立案)"
    for t in raw["transitions"]:
        if t["event"] == "serve":
            t["title"] = {"zh": "送达", "en": "Serve the request (送达)"}
        if t["event"] == "accept":
            t["title"] = {"zh": "受理", "en": "Accept (受理)"}
    raw["transitions"].append({"event": "close_early", "source": ["accepted"], "target": "closed",
                               "title": {"zh": "提前结案", "en": "Close early"}, "roles": ["case_officer"]})


def test_a_kept_declaration_reads_in_the_current_words_and_keeps_its_rules(world: World) -> None:
    case = start(world)
    act(world, "wuhou_officer", case, "accept", fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    filed_under_earlier(world.engine, case["id"], _earlier)
    with session_scope(world.engine) as s:
        current = world.service.registry.get(PROCEDURE, "default")
        serve = next(t.title for t in current.transitions if t.event == "serve")
        accept = next(t.title for t in current.transitions if t.event == "accept")
        for lang in ("en", "zh"):
            page = case_view(world.service, s, world.scope("wuhou_officer"), case["id"], lang)
            actions = {a["event"]: a["title"] for a in page["actions"]}
            assert actions["serve"] == serve(lang)  # the same step: today's words
            assert actions["close_early"] == ("Close early" if lang == "en" else "提前结案")  # kept: its own
            assert [(step["title"], step["to_title"]) for step in page["steps"]] == [
                (current.start.title(lang), current.states["filed"].title(lang)),
                (accept(lang), current.states["accepted"].title(lang))]
            assert page["state_title"] == current.states["accepted"].title(lang)
    assert "(送达)" not in serve("en") and "(受理)" not in accept("en")
    # the rules are the kept declaration's: the step it alone has is taken
    act(world, "wuhou_officer", case, "close_early")
    assert case["state"] == "closed"
