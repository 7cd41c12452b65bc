"""Job kinds of the exchange: auctions whose close has passed are closed by the job runner, and each
sold one opens its deal (:func:`zhichan.exchange.bidding.close_due`)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from zhichan.evidence.service import utcnow
from zhichan.exchange.bidding import close_due
from zhichan.platform.db import session_scope
from zhichan.platform.jobs import JobRegistry
from zhichan.procedures.service import ProcedureService

log = logging.getLogger(__name__)


def register(registry: JobRegistry, procedures: ProcedureService, every_seconds: float) -> None:
    def close_auctions(engine: Engine) -> None:
        with session_scope(engine) as session:
            closed = close_due(session, procedures, now=utcnow())
        if closed:
            log.info("auctions closed: %s", closed)

    registry.register_periodic("exchange.auction_close", every_seconds, close_auctions)
