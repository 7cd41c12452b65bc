"""Rewriting whom open cases await (``refresh_expected``) while other processes work, on SQLite and PostgreSQL: a step
committed while a command refreshes is not overwritten with what its case awaited before it, and of two refreshers
at once the second finds the rows current (docs/procedures.md, "Editing a declaration")."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from tests.helpers import lock_waited, wait_for
from tests.procedures.helpers import World, at, build_world, pdf
from tests.procedures.test_engine import act, start
from zhichan.evidence.keys import SigningKey
from zhichan.legaltime import china_today
from zhichan.platform.db import session_factory, session_scope
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.models import Case
from zhichan.procedures.service import ProcedureService

SHIPPED = Path(__file__).parents[2] / "zhichan/protection/definitions/protection.patent_dispute.yaml"


def _edited(folder: Path) -> ProcedureRegistry:
    """A bureau's own file: a pending preservation request awaits its officers, not the leader."""
    folder.mkdir()
    text = SHIPPED.read_text("utf-8")
    edited = text.replace("decides: {requests: [request_preservation], awaits: [bureau_leader]}",
                          "decides: {requests: [request_preservation], awaits: [case_officer]}")
    assert edited != text
    (folder / "patent_dispute.yaml").write_text(edited, encoding="utf-8")
    return ProcedureRegistry.load(folder)


def _awaits_also(engine: Engine, case_id: int) -> str:
    with session_scope(engine) as s:
        return str(s.scalar(select(Case.awaits_also).where(Case.id == case_id)))


def _refresh_in_thread(engine: Engine, service: ProcedureService, out: dict[str, Any]) -> tuple[threading.Thread,
                                                                                              threading.Event]:
    started = threading.Event()

    def run() -> None:
        try:
            started.set()
            with session_scope(engine) as s:
                out["refreshed"] = service.refresh_expected(s)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, started


def test_a_step_committed_while_a_command_refreshes_is_not_overwritten(
        engine: Engine, tmp_path: Path, signing_key: SigningKey) -> None:
    world = build_world(engine, tmp_path / "files", signing_key)
    today = at(china_today())
    case = start(world, who="ent_user", when=today)
    act(world, "wuhou_officer", case, "accept", today, fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    with session_scope(engine) as s:
        world.service.refresh_expected(s)  # the shipped declarations' digests kept: the rows are current
    edited = World(engine, ProcedureService(engine, _edited(tmp_path / "local"), world.service.evidence,
                                            tmp_path / "files"), world.users)
    # the running platform records a preservation request (its transaction not committed yet) …
    session = session_factory(engine)()
    try:
        world.service.act(session, world.scope("ent_user"), case["id"], "request_preservation",
                          version=case["version"], fields={"items": "销售记录"}, now=today)
        # … while a command, which read the edited file, rewrites the open cases' rows
        out: dict[str, Any] = {}
        thread, started = _refresh_in_thread(engine, edited.service, out)
        waited = lock_waited(engine, started)
        # it waits for the step's row (it finished without waiting, before: nothing to change in what it had read)
        wait_for(lambda: waited() or not thread.is_alive(), timeout=30, what="the refresh to wait for the step")
        session.commit()
    finally:
        session.close()
    thread.join(60)
    assert "error" not in out and out["refreshed"] == ["protection.patent_dispute"]
    # the request pending awaits whom the edited file says (it read "": the refresh had read the case before the
    # step and wrote over the step's row what the case awaited before it)
    assert _awaits_also(engine, case["id"]) == "case_officer"


def test_two_refreshers_at_once_rewrite_the_rows_once(engine: Engine, tmp_path: Path, signing_key: SigningKey) -> None:
    world = build_world(engine, tmp_path / "files", signing_key)
    today = at(china_today())
    case = start(world, who="ent_user", when=today)
    act(world, "wuhou_officer", case, "accept", today, fields={"panel": "张三、李四、王五"}, uploads=(pdf(),))
    act(world, "ent_user", case, "request_preservation", today, fields={"items": "销售记录"})
    with session_scope(engine) as s:
        world.service.refresh_expected(s)
    assert _awaits_also(engine, case["id"]) == "bureau_leader"
    registry = _edited(tmp_path / "local")
    first, second = (ProcedureService(engine, registry, world.service.evidence, tmp_path / "files") for _ in range(2))
    session = session_factory(engine)()
    try:
        assert first.refresh_expected(session) == ["protection.patent_dispute"]
        out: dict[str, Any] = {}
        thread, started = _refresh_in_thread(engine, second, out)
        wait_for(lock_waited(engine, started), timeout=30, what="the second refresh to wait for the first")
        session.commit()
    finally:
        session.close()
    thread.join(60)
    assert "error" not in out and out["refreshed"] == []  # it waited, then found the digests current
    assert _awaits_also(engine, case["id"]) == "case_officer"
