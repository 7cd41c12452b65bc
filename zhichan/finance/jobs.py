"""Job kinds of the finance domain: the register's pledges into the corpus events (a new snapshot)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from zhichan.platform.db import session_scope
from zhichan.platform.jobs import JobContext, JobRegistry
from zhichan.platform.models import Role

EXPORT_KIND = "finance.export_events"
#: how often the job runner looks for registrations the corpus does not carry yet
EXPORT_CHECK_SECONDS = 3600


def register(registry: JobRegistry, engine: Engine) -> None:
    def export(ctx: JobContext) -> dict[str, Any]:
        from zhichan.finance.export import export_events

        with session_scope(engine) as session:
            result = export_events(session)
        ctx.message(result["message"])
        return result

    # it writes a new corpus snapshot for the whole platform: the root organization's staff only
    registry.register(EXPORT_KIND, "质押登记写入语料事件 / Pledge registrations into the corpus events", export,
                      {Role.SYSTEM_ADMIN, Role.BUREAU_LEADER, Role.ANALYST}, platform_wide=True)

    def check(engine: Engine) -> None:
        from zhichan.finance.export import export_pending

        with session_scope(engine) as session:
            if export_pending(session):
                registry.submit_system(session, EXPORT_KIND)

    registry.register_periodic(EXPORT_KIND, EXPORT_CHECK_SECONDS, check)
