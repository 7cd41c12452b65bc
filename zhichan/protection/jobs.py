"""Protection's periodic work: the overseas alerts (海外纠纷预警) over the current snapshot."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from zhichan.platform.db import session_scope
from zhichan.platform.jobs import JobRegistry
from zhichan.platform.portal import CorpusAccess
from zhichan.settings import Settings

log = logging.getLogger(__name__)


def register(registry: JobRegistry, access: CorpusAccess, settings: Settings) -> None:
    from zhichan.protection.overseas import raise_alerts

    def alerts(engine: Engine) -> None:
        with session_scope(engine) as s:
            n = raise_alerts(s, access.snapshot(), threshold=settings.protection_overseas_share,
                             min_patents=settings.protection_overseas_min_patents)
        if n:
            log.info("overseas alerts raised: %d", n)

    registry.register_periodic("protection.overseas_alerts", settings.protection_overseas_alert_seconds, alerts)
