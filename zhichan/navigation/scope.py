"""Who uses patent navigation and which region a chain is analysed for.

- **Who**: system administrators, bureau leaders and analysts of a region (``NAV_ROLES``).
- **Chains** (definitions and queries) are methodology, readable by every such user. A chain is
  analysed for its home region when that lies inside the caller's area, else for the caller's own
  region (a county analyst runs the Chengdu chain for its county).
- **Reports (runs) and schedules** are region data: a caller sees those whose region lies inside
  its area — a county user its own county's only. Another area's run answers 404 (its existence
  is not revealed).
"""

from __future__ import annotations

from zhichan.errors import InputError
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope, region_prefix

NAV_ROLES = (Role.SYSTEM_ADMIN, Role.BUREAU_LEADER, Role.ANALYST)


def require_navigation(scope: Scope) -> None:
    scope.require_roles(*NAV_ROLES)
    scope.home_region()  # a region is needed (403 otherwise)


def analysis_region(scope: Scope, chain_home: str) -> str:
    """The region a chain is analysed for on behalf of ``scope`` (2/4/6-digit form the chains use)."""
    if scope.covers_region(chain_home):
        return chain_home
    return region_prefix(scope.home_region()) or chain_home


def covers(scope: Scope, region: str) -> bool:
    try:
        return scope.covers_region(region)
    except InputError:
        return False
