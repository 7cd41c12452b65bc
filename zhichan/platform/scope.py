"""Organization scope (分级分类分权限): the one server-side answer to "may this caller see that?".

A :class:`Scope` is derived once per request from the caller's user and organization and handed
to every service call. Services ask it (``require_region``, ``covers_org_path``,
``require_party``…) instead of checking roles ad hoc; templates never decide access.

- **Region** governance data (region pages, cockpit, indicator drill-downs, exports) is readable
  when the region lies inside the organization's area: a GB/T 2260 code prefix — ``""`` for the
  nation, 2 digits for a province, 4 for a city, 6 for a county (a station inherits its county's).
- **Workflow records** (users, audit, jobs, later cases and applications) belong to an
  organization; a caller sees those of its organization's subtree (materialized ``path``).
- **Enterprise users** see only their own enterprise (corpus ``party_key``) and no region data.
- **Published patent bibliographic data is public**, as on CNIPA's public systems: search and
  patent pages need no scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhichan.errors import FormError, InputError, NotFoundError, PermissionDenied
from zhichan.platform.exceptions import AuthenticationError
from zhichan.platform.models import Role

#: Roles that read governance data of their area.
GOVERNANCE_ROLES = frozenset(
    {Role.SYSTEM_ADMIN, Role.BUREAU_LEADER, Role.ANALYST, Role.CASE_OFFICER, Role.WINDOW_STAFF}
)
NATION_CODE = "100000"


def normalize_region_code(code: str) -> str:
    """Validate a GB/T 2260 code given as 2, 4 or 6 digits and return its 6-digit form."""
    code = (code or "").strip()
    if not code.isascii() or not code.isdigit() or len(code) not in (2, 4, 6):
        raise InputError(f"行政区划代码无效：{code[:20]!r} / invalid region code {code[:20]!r}")
    return code.ljust(6, "0")


def known_region_code(code: str) -> str:
    """A region code a form stores (a need's region, an agency's, a quota's province): its 6-digit form where it names a
    region of the shipped division codes, else :class:`InputError` — a well-formed code naming no region (``999999``)
    was stored and then shown as its bare digits where the region's name stands."""
    from zhichan.reference.regions import is_region_code

    normalized = normalize_region_code(code)
    if not is_region_code(normalized):
        raise InputError(f"未知的行政区划代码：{normalized} / unknown region code {normalized}")
    return normalized


def region_filter(code: str, field: str = "region") -> str:
    """A region code given as a filter (a list's address, a form): its 6-digit form, or a :class:`FormError` naming
    the field, so a page shows it beside its region field and the API answers 422 with the field."""
    try:
        return normalize_region_code(code)
    except InputError as exc:
        raise FormError({field: exc.message}) from None


def region_prefix(code: str) -> str:
    """The code prefix shared by everything inside a region: ``510000`` → ``51``, ``510100`` → ``5101``."""
    code = normalize_region_code(code)
    if code in (NATION_CODE, "000000"):
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def party_within(party_region: str | None, area_prefix: str) -> bool:
    """Whether a party whose corpus region is ``party_region`` lies inside an area (a code prefix,
    ``""`` the nation). A party of unknown region lies only inside the nation."""
    if not party_region:
        return area_prefix == ""
    try:
        return normalize_region_code(party_region).startswith(area_prefix)
    except InputError:
        return False


def region_level(code: str) -> str:
    """``nation`` | ``province`` | ``city`` | ``county``."""
    prefix = region_prefix(code)
    return {0: "nation", 2: "province", 4: "city"}.get(len(prefix), "county")


@dataclass(frozen=True)
class Scope:
    role: Role = Role.PUBLIC
    user_id: int | None = None
    username: str = ""
    org_id: int | None = None
    org_name: str = ""
    #: its English name where known (:func:`zhichan.platform.orgs.org_display_name` picks a page's)
    org_name_en: str = ""
    #: Materialized path of the caller's organization (``/1/4/``); ``None`` for anonymous callers.
    org_path: str | None = None
    #: Region code of the caller's organization (6 digits) — ``None`` when it grants no region access.
    region_code: str | None = None
    #: Enterprise users: the corpus ``party_key`` of their enterprise …
    party_key: str | None = None
    #: … and the region code of their enterprise organization, where that party must sit.
    party_area: str | None = None
    #: an administrator reset the password: nothing but choosing a new one until then
    must_change_password: bool = False

    @classmethod
    def anonymous(cls) -> Scope:
        return cls()

    # who -------------------------------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.SYSTEM_ADMIN

    @property
    def at_root(self) -> bool:
        """The caller belongs to the root organization (``/<id>/``): platform-wide actions."""
        return self.org_path is not None and self.org_path.count("/") == 2

    @property
    def governance(self) -> bool:
        """May read region governance data (of its own area)."""
        return self.role in GOVERNANCE_ROLES and self.region_code is not None

    @property
    def region_prefix(self) -> str | None:
        return region_prefix(self.region_code) if self.governance and self.region_code else None

    def require_authenticated(self) -> None:
        if not self.is_authenticated:
            raise AuthenticationError("请先登录 / please sign in")

    def require_roles(self, *roles: Role) -> None:
        self.require_authenticated()
        if self.role not in roles:
            raise PermissionDenied("当前角色无权执行此操作 / your role does not allow this")

    def require_admin(self) -> None:
        self.require_roles(Role.SYSTEM_ADMIN)

    # regions -----------------------------------------------------------------------------------
    def covers_region(self, code: str) -> bool:
        prefix = self.region_prefix
        if prefix is None:
            return False
        return normalize_region_code(code).startswith(prefix) and len(region_prefix(code)) >= len(prefix)

    def require_region(self, code: str) -> str:
        """Return the normalized code, or refuse (401 anonymous, 404 a code no region has, 403 outside the area).
        An unknown code is 404 for everyone, as an unknown record or indicator is: the regions are public reference
        data (GB/T 2260), so saying one does not exist reveals nothing a caller may not see — whether there is
        anything *in* a foreign region stays behind the 403."""
        normalized = normalize_region_code(code)
        self.require_authenticated()
        from zhichan.reference.regions import is_region_code

        if not is_region_code(normalized):
            raise NotFoundError(f"没有这个地区：{normalized} / no region {normalized}")
        if not self.covers_region(normalized):
            from zhichan.reference.regions import region_name

            try:  # named, as a bureau user knows it (a bare code read like a system fault)
                zh, en = f"{region_name(normalized)}（{normalized}）", f"{region_name(normalized, 'en')} ({normalized})"
            except InputError:
                zh, en = f"该地区（{normalized}）", f"region {normalized}"
            raise PermissionDenied(f"无权查看{zh}的数据 / {en} is outside your organization's area")
        return normalized

    def home_region(self) -> str:
        """The region a governance user lands on (its own area)."""
        self.require_authenticated()
        if not self.governance or self.region_code is None:
            raise PermissionDenied("当前账号不能查看地区数据 / this account has no region data access")
        return self.region_code

    # workflow records ------------------------------------------------------------------------
    def covers_org_path(self, path: str) -> bool:
        return self.org_path is not None and path.startswith(self.org_path)

    def org_path_like(self) -> str:
        """``LIKE`` pattern for records of the caller's organization subtree."""
        self.require_authenticated()
        assert self.org_path is not None
        # paths hold only digits and slashes (built by zhichan.platform.orgs), so no LIKE escaping
        return self.org_path + "%"

    # enterprises ---------------------------------------------------------------------------------
    def covers_party(self, party_key: str, party_region: str | None) -> bool:
        if self.role == Role.ENTERPRISE_USER:
            # the key alone is not enough: an organization bound to a party outside its own area
            # (made before that was refused, or a party that moved in a later snapshot) sees nothing
            if self.party_key is None or party_key != self.party_key or self.party_area is None:
                return False
            return party_within(party_region, region_prefix(self.party_area))
        if not self.governance:
            return False
        if not party_region:  # an applicant from abroad (no region of China): the nation's bureaus only
            return self.region_prefix == ""
        try:
            return self.covers_region(party_region)
        except InputError:
            return False

    def require_party(self, party_key: str, party_region: str | None) -> None:
        self.require_authenticated()
        if not self.covers_party(party_key, party_region):
            raise PermissionDenied("无权查看该创新主体 / this enterprise is outside your scope")
