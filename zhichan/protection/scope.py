"""Who sees what of protection beyond the engine's cases (whose rule is zhichan.procedures.scope):

- the registers (complaints, disputes) of an office's subtree are its officers' — a duplicate found in
  another district is not shown (nor disclosed);
- a roster of investigators serves the office that keeps it and every office below (a city's roster
  for its districts): an office sees its own, its ancestors' and its subtree's rosters;
- published decisions are everyone's (:func:`zhichan.protection.service.published_decisions`); nothing
  else of a case is public.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import InstrumentedAttribute

from zhichan.platform.scope import Scope


def register_filter(scope: Scope, org_path: ColumnElement[str] | InstrumentedAttribute[str]) -> ColumnElement[bool]:
    if not scope.governance or scope.org_path is None:
        return false()
    return org_path.like(scope.org_path_like())


def ancestor_paths(path: str) -> list[str]:
    """``/1/4/9/`` → ``["/1/", "/1/4/", "/1/4/9/"]``."""
    ids = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(ids[:i]) + "/" for i in range(1, len(ids) + 1)]


def roster_filter(scope: Scope, org_path: ColumnElement[str]) -> ColumnElement[bool]:
    if not scope.governance or scope.org_path is None:
        return false()
    return or_(org_path.in_(ancestor_paths(scope.org_path)), org_path.like(scope.org_path_like()))
