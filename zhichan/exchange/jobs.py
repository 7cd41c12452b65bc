"""Job kinds of the exchange: auctions whose close has passed are closed by the job runner, and each
sold one opens its deal (:func:`zhichan.exchange.bidding.close_due`); inventoried dormant patents are
checked against the corpus for transfers and licences (:func:`zhichan.exchange.dormant.refresh_from_corpus`)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from zhichan.evidence.service import utcnow
from zhichan.exchange.bidding import close_due
from zhichan.exchange.dormant import refresh_from_corpus
from zhichan.legaltime import china_today
from zhichan.platform.db import session_scope
from zhichan.platform.jobs import JobRegistry
from zhichan.platform.portal import CorpusAccess
from zhichan.procedures.service import ProcedureService

log = logging.getLogger(__name__)


def register(registry: JobRegistry, procedures: ProcedureService, every_seconds: float) -> None:
    def close_auctions(engine: Engine) -> None:
        with session_scope(engine) as session:
            closed = close_due(session, procedures, now=utcnow())
        if closed:
            log.info("auctions closed: %s", closed)

    registry.register_periodic("exchange.auction_close", every_seconds, close_auctions)


def register_dormant(registry: JobRegistry, corpus: CorpusAccess, every_seconds: float = 3600) -> None:
    """Inventoried dormant patents the corpus now records as transferred or licensed become activated."""
    def refresh(engine: Engine) -> None:
        with session_scope(engine) as session:
            changed = refresh_from_corpus(session, corpus.snapshot(), china_today())
        if changed:
            log.info("dormant patents activated: %s", changed)

    registry.register_periodic("exchange.dormant_refresh", every_seconds, refresh)
