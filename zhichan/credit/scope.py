"""Who sees what of the credit domain — the one rule its service and pages use.

- The public: published listings in force, published agency lists, published inspection results.
- Officers: the listings, agencies and inspections of their organization's area.
- A listed subject: its own listings and its listing case (the engine's party rule); an agency user
  (Role.AGENCY_USER of an OrgKind.AGENCY organization): its own agency's credit file only.
"""

from __future__ import annotations

from zhichan.errors import NotFoundError, PermissionDenied
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope, party_within, region_prefix


def require_officer(scope: Scope) -> None:
    scope.require_authenticated()
    if not scope.governance:
        raise PermissionDenied("仅限知识产权管理部门 / for IP offices only")


def officer_covers(scope: Scope, region_code: str | None) -> bool:
    """An agency or inspection of ``region_code`` lies within the officer's area (an agency whose area
    is unknown yet is seen by the offices covering the whole nation only)."""
    if not scope.governance or scope.region_code is None:
        return False
    return party_within(region_code, region_prefix(scope.region_code))


def sees_agency(scope: Scope, agency_org_id: int | None, region_code: str | None) -> bool:
    if scope.role == Role.AGENCY_USER:
        return agency_org_id is not None and scope.org_id == agency_org_id
    return officer_covers(scope, region_code)


def require_agency(scope: Scope, agency_org_id: int | None, region_code: str | None, agency_id: int) -> None:
    scope.require_authenticated()
    if not sees_agency(scope, agency_org_id, region_code):
        raise NotFoundError(f"没有代理机构 {agency_id} / no agency {agency_id}")
