"""Shared by the services tests: a corpus with a co-owned invention application and a utility model."""

from __future__ import annotations

from pathlib import Path

from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot, patent

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
