"""One rule for every cache of figures (``zhichan.indicators.service.platform_export_key``): a figure read from the
platform's records changes with their export — the pages' caches, a plan target's progress and a source's totals
are computed anew after one — and a figure of the corpus alone does not (its plan target's and its source's cached
figures outlive the export)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.talent.helpers import WUHOU_EXPERT, enter
from zhichan.figures import export_workflow
from zhichan.indicators import service, views
from zhichan.indicators.models import PlanTarget
from zhichan.platform import plans
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.web.testing import WebEnv

pytestmark = pytest.mark.one_database("caches' keys; the export's SQL runs on both in tests/talent/test_figures.py")

PLATFORM, CORPUS = "talent_people_status", "domestic_patents"


def test_an_export_changes_the_key_of_every_cache_of_platform_figures_and_no_other(env: WebEnv) -> None:
    access = env.app.state.corpus  # type: ignore[attr-defined]
    snap = access.require_snapshot()
    registry = env.app.state.procedures.registry  # type: ignore[attr-defined]
    scope = Scope(role=Role.ANALYST, user_id=1, username="t", org_path="/", region_code="510100")
    on_platform, on_corpus = (PlanTarget(code, "510100", 2027, 10.0) for code in ("talent_in_library", "valid_inventions"))
    day = dt.date(2026, 6, 30)
    export_workflow(env.engine, registry, env.settings.data_dir)  # type: ignore[arg-type]

    def keys() -> dict[str, object]:
        return {"page": views._dates_key(access, None), "plan target": plans._target_day(access, on_platform, None)[1],
                "corpus plan target": plans._target_day(access, on_corpus, None)[1]}

    def cached() -> dict[str, object]:  # what each cache hands out: the same object while its key holds
        return {"page": views.region_indicators(access, scope, "510100", None)["indicators"],
                "totals": service.source_totals(snap, PLATFORM, day), "corpus totals": service.source_totals(snap, CORPUS, day)}

    before, held = keys(), cached()
    # each cache's key holds the one rule's part
    assert before["page"][-1] == service.platform_export_key(snap) is not None  # type: ignore[index]
    assert before["plan target"] == service.platform_export_key(snap, ["talent_in_library"]) is not None
    assert before["corpus plan target"] is None is service.platform_export_key(snap, ["valid_inventions"])
    assert all(again is held[name] for name, again in cached().items())  # nothing exported since: all cached
    in_library = next(v["value"] for v in held["page"] if v["code"] == "talent_in_library")  # type: ignore[attr-defined]

    enter(env, "wuhou_officer", WUHOU_EXPERT)  # a record of the platform's, then its export
    export_workflow(env.engine, registry, env.settings.data_dir)  # type: ignore[arg-type]
    after, fresh = keys(), cached()
    assert after["page"] != before["page"] and after["plan target"] != before["plan target"]
    assert after["corpus plan target"] == before["corpus plan target"]
    assert fresh["page"] is not held["page"] and fresh["totals"] is not held["totals"]
    assert next(v["value"] for v in fresh["page"] if v["code"] == "talent_in_library") == in_library + 1  # type: ignore[attr-defined]
    assert fresh["corpus totals"] is held["corpus totals"]  # the corpus's figures: the export changed nothing of theirs
