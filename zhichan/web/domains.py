"""What a domain with pages hands the web shell: its routers, its templates folder, its setup (job
kinds, procedure hooks) and its menu entries. Each such domain's ``router.py`` defines one
``DOMAIN``; ``zhichan.web.app.DOMAINS`` lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter

from zhichan.platform.scope import Scope

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from markupsafe import Markup
    from sqlalchemy.orm import Session

#: a menu entry: the path and the message key of its label
MenuItem = tuple[str, str]
#: the menu's groups in order, each labelled ``nav.group.<name>``: analysis and retrieval, protection and
#: credit, exchange and finance, public services, the user's own work
MENU_GROUPS = ("analysis", "protection", "use", "services", "work")


def no_menu(scope: Scope) -> list[MenuItem]:
    return []


def no_setup(app: FastAPI) -> None:
    return None


@dataclass(frozen=True)
class WebDomain:
    #: the template prefix (``render(request, "<name>/page.html")``)
    name: str
    routers: tuple[APIRouter, ...]
    templates: Path | None = None
    #: runs once per app after the platform's services exist (``app.state.procedures``,
    #: ``app.state.jobs``, ``app.state.corpus``, ``app.state.settings``): register job kinds and hooks
    setup: Callable[[FastAPI], None] = no_setup
    menu: Callable[[Scope], list[MenuItem]] = field(default=no_menu)
    #: the menu group its entries go under (:data:`MENU_GROUPS`)
    menu_group: str = "work"
    #: the domain's own part of the generic case page (``/cases/{id}``) for the cases of its procedures
    #: (a register's checks, linked cases, generated documents): HTML, or ``None`` for other cases
    case_panel: Callable[[Request, Session, Scope, dict[str, Any]], Markup | None] | None = None
    #: the domain's own page of a case of its procedures (a service application's progress page), given the
    #: procedure and the case id; ``None`` where the generic case page is the case's page. Every link to a case
    #: goes through :func:`zhichan.web.deps.case_url`
    case_page: Callable[[str, int], str | None] | None = None
    #: the domain's part of an enterprise's own home page (``/enterprise``): what it has under way there (its
    #: service applications), HTML, or ``None`` when it has nothing
    home_panel: Callable[[Request, Session, Scope], Markup | None] | None = None
