"""Who sees what of the talent library — the one rule its service, pages, API and exports use.

- Officers (governance roles): every person whose region lies in their organization's area, every field
  and status (a district sees its district, the city the whole city; another city sees none of it).
- Enterprises, universities, banks and agencies signed in (members): admitted people of their own city
  who consented to share their name, with the fields they consented to share (共享开放); kinds and region
  always. The library is the city's: another city's members see none of it.
- The public: no person, only the counts per kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhichan.platform.models import Organization
from zhichan.platform.scope import Scope, region_prefix


@dataclass(frozen=True)
class Viewer:
    officer: bool
    #: the region code prefix of the people visible ("" the nation); None: no person at all
    prefix: str | None


def viewer(session: Session, scope: Scope) -> Viewer:
    if scope.governance and scope.region_code:
        return Viewer(True, region_prefix(scope.region_code))
    if not scope.is_authenticated or scope.org_id is None:
        return Viewer(False, None)
    org = session.get(Organization, scope.org_id)
    if org is None or not org.region_code:
        return Viewer(False, None)
    # the member's city (a province-level member: its province)
    return Viewer(False, region_prefix(org.region_code)[:4])
