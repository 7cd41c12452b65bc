"""Job kinds of the credit domain: the end of listings' one-year terms, the periodic publication of
the agency credit list, and seeding the agency registry from the current corpus snapshot."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import Engine, select

from zhichan.credit import agencies
from zhichan.credit.service import expire_listings
from zhichan.legaltime import china_today
from zhichan.platform.db import session_scope
from zhichan.platform.jobs import JobContext, JobRegistry
from zhichan.platform.models import Job, Role
from zhichan.platform.portal import CorpusAccess
from zhichan.procedures.service import ProcedureService
from zhichan.settings import Settings

log = logging.getLogger(__name__)
SEED_KIND = "credit.seed_agencies"
#: how often the runner checks for ended terms and a due publication (cheap queries)
CHECK_SECONDS = 3600
#: how often the runner looks for a snapshot the agency registry has not been seeded from (a file check)
SNAPSHOT_CHECK_SECONDS = 300


def register(registry: JobRegistry, service: ProcedureService, access: CorpusAccess, settings: Settings,
             engine: Engine) -> None:
    def seed(ctx: JobContext) -> dict[str, Any]:
        """Agencies and agents named in the current snapshot into the registry."""
        snap = access.require_snapshot()
        with session_scope(engine) as s:
            added = agencies.seed_from_corpus(s, snap)
        ctx.progress(1, 1)
        return {"snapshot": snap.id, **added}

    registry.register(SEED_KIND, "从语料登记专利代理机构 / Agencies from the corpus into the registry", seed,
                      {Role.SYSTEM_ADMIN, Role.BUREAU_LEADER}, platform_wide=True)

    def seed_new_snapshot(engine: Engine) -> None:
        """A snapshot the registry has not been seeded from gets the seeding job (once per snapshot)."""
        snap = access.snapshot()
        if snap is None:
            return
        with session_scope(engine) as s:
            seen = s.scalars(select(Job.params).where(Job.kind == SEED_KIND)).all()
            if not any(json.loads(p or "{}").get("snapshot") == snap.id for p in seen):
                registry.submit_system(s, SEED_KIND, {"snapshot": snap.id})

    def expire(engine: Engine) -> None:
        with session_scope(engine) as s:
            n = expire_listings(s, service)
        if n:
            log.info("credit listings whose term ended: %d", n)

    def publish(engine: Engine) -> None:
        cutoffs = agencies.parse_cutoffs(settings.credit_agency_grades)
        with session_scope(engine) as s:
            agencies.publish_due(s, today=china_today(), every_days=settings.credit_agency_publish_days,
                                 cutoffs=cutoffs)

    registry.register_periodic("credit.seed_agencies", SNAPSHOT_CHECK_SECONDS, seed_new_snapshot)
    registry.register_periodic("credit.expire", CHECK_SECONDS, expire)
    registry.register_periodic("credit.publish_agencies", CHECK_SECONDS, publish)
