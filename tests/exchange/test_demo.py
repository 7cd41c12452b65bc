"""``zhichan exchange demo``: synthetic enterprises of a generated corpus list, post needs and declare open
licences through the real services; everything it makes is labelled synthetic."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from zhichan.corpus.generator import generate
from zhichan.corpus.store import CorpusStore
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import EvidenceService
from zhichan.exchange.demo import seed
from zhichan.exchange.models import DormantPatent, Listing, Need, OpenLicence
from zhichan.platform.db import make_engine, session_scope, upgrade
from zhichan.procedures.declaration import ProcedureRegistry
from zhichan.procedures.service import ProcedureService


def test_demo_data_goes_through_the_rules_and_is_synthetic(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path / "corpus")
    generate(3000, 11, store=store, workers=1)
    snapshot = store.current()
    engine = make_engine(f"sqlite:///{tmp_path / 'workflow.sqlite3'}")
    upgrade(engine)
    procedures = ProcedureService(engine, ProcedureRegistry.load(), EvidenceService(engine, SigningKey.generate(), "t"),
                                  tmp_path / "files")
    made = seed(engine, snapshot, procedures, count=6)
    assert made["enterprises"] >= 2 and made["listings"] >= 1 and made["needs"] == made["enterprises"]
    # universities' dormant patents: inventoried, graded, every second graded one admitted to the pool
    assert made["universities"] >= 1 and made["dormant_inventoried"] >= made["dormant_graded"] >= 2
    assert made["dormant_graded"] > made["dormant_approved"] >= 1
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(DormantPatent).where(DormantPatent.approved_on.is_not(None))) \
            == made["dormant_approved"]
        for model in (Listing, Need, OpenLicence, DormantPatent):
            assert s.scalar(select(func.count()).select_from(model).where(model.synthetic.is_(False))) == 0
        assert s.scalar(select(func.count()).select_from(OpenLicence).where(OpenLicence.state == "published")) \
            == made["open_licences"]
    again = seed(engine, snapshot, procedures, count=6)  # idempotent: the same enterprises are not made twice
    assert again["enterprises"] == 0 and again["universities"] == 0
    engine.dispose()
