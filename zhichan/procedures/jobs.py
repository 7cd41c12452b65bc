"""Job kinds of the procedures domain: the deadline sweep (预警) runs in the job runner."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from zhichan.platform.db import session_scope
from zhichan.platform.jobs import JobRegistry
from zhichan.procedures.service import ProcedureService

log = logging.getLogger(__name__)


def register(registry: JobRegistry, service: ProcedureService, every_seconds: float) -> None:
    def sweep(engine: Engine) -> None:
        with session_scope(engine) as session:
            counts = service.sweep(session)
        if any(counts.values()):
            log.info("procedure deadline sweep: %s", counts)

    registry.register_periodic("procedures.sweep", every_seconds, sweep)
