"""The platform's domain packages, listed once.

Each may ship, as package data, procedure declarations (``definitions/*.yaml``, read by
:class:`zhichan.procedures.declaration.ProcedureRegistry`) and message catalogues
(``locale/zh/LC_MESSAGES/messages.po`` and ``…/en/…``, merged by :mod:`zhichan.web.i18n`). Its pages, jobs and menu
entries are listed in ``zhichan.web.app.DOMAINS``; its command line in ``zhichan.cli.DOMAIN_CLIS``.
"""

from __future__ import annotations

DOMAIN_PACKAGES: tuple[str, ...] = (
    "zhichan.evidence",
    "zhichan.procedures",
    "zhichan.credit",
    "zhichan.dataip",
    "zhichan.services",
    "zhichan.exchange",
    "zhichan.protection",
    "zhichan.finance",
    "zhichan.navigation",
    "zhichan.talent",
)
