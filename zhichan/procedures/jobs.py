"""Job kinds of the procedures domain: the deadline sweep (预警) and the export of the workflow tables
(cases and the domains' own, :mod:`zhichan.figures`) for the statistics run in the job runner."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine

from zhichan.figures import export_workflow
from zhichan.platform.db import session_scope
from zhichan.platform.jobs import JobRegistry
from zhichan.procedures.service import ProcedureService

log = logging.getLogger(__name__)


def register(registry: JobRegistry, service: ProcedureService, every_seconds: float,
             data_dir: Path | None = None, export_seconds: float = 0) -> None:
    def sweep(engine: Engine) -> None:
        with session_scope(engine) as session:
            counts = service.sweep(session)
        if any(counts.values()):
            log.info("procedure deadline sweep: %s", counts)

    registry.register_periodic("procedures.sweep", every_seconds, sweep)
    if data_dir is not None and export_seconds > 0:
        def export(engine: Engine) -> None:
            for path in export_workflow(engine, service.registry, data_dir, if_changed=True):
                log.info("workflow table exported to %s", path)

        registry.register_periodic("procedures.export", export_seconds, export)
