"""The organization tree: nation → province → city → county → station, and enterprises.

Every organization carries the GB/T 2260 code of its area and a materialized ``path`` of ids
(``/1/4/9/``) so "this organization and everything below it" is one ``LIKE`` on an index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name, party_name_en
from zhichan.errors import InputError, NotFoundError, PermissionDenied
from zhichan.platform.inlists import rows_in
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.scope import NATION_CODE, Scope, normalize_region_code, party_within, region_prefix

#: Which kinds may sit directly below which.
_ALLOWED_CHILDREN = {
    OrgKind.NATION: {OrgKind.PROVINCE, OrgKind.ENTERPRISE, OrgKind.BANK, OrgKind.AGENCY},
    OrgKind.PROVINCE: {OrgKind.CITY, OrgKind.ENTERPRISE, OrgKind.BANK, OrgKind.AGENCY},
    OrgKind.CITY: {OrgKind.COUNTY, OrgKind.STATION, OrgKind.ENTERPRISE, OrgKind.BANK, OrgKind.AGENCY},
    OrgKind.COUNTY: {OrgKind.STATION, OrgKind.ENTERPRISE, OrgKind.BANK, OrgKind.AGENCY},
    OrgKind.STATION: {OrgKind.ENTERPRISE},
    OrgKind.ENTERPRISE: set(),
    OrgKind.BANK: set(),
    OrgKind.AGENCY: set(),
}


def create_org(
    session: Session,
    name: str,
    kind: OrgKind | str,
    region_code: str,
    parent: Organization | None = None,
    *,
    party_key: str | None = None,
    name_en: str | None = None,
) -> Organization:
    """Add an organization below ``parent``; its region must lie inside the parent's. ``name_en``: its
    English name where known (English pages fall back to ``name`` without it)."""
    kind = OrgKind(kind)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InputError("机构名称不能为空且不超过200字 / organization name must be 1-200 characters",
                         details={"field": "name"})
    name_en = (name_en or "").strip() or None
    if name_en is not None and len(name_en) > 200:
        raise InputError("英文名称不超过200字 / the English name must be at most 200 characters",
                         details={"field": "name_en"})
    region_code = _field(normalize_region_code, region_code, "region_code")
    if parent is None:
        if kind != OrgKind.NATION and session.scalar(select(Organization.id).limit(1)) is not None:
            raise InputError("只有根机构可以没有上级 / only the root organization has no parent")
    else:
        if kind not in _ALLOWED_CHILDREN[OrgKind(parent.kind)]:
            # the parent by name, not its level's code (a Chinese page read "city 下不能设立 nation")
            raise InputError(f"{parent.name} 下不能设立该层级的机构 / an organization of this level cannot sit below "
                             f"{parent.name_en or parent.name}", details={"field": "kind"})
        if not region_code.startswith(region_prefix(parent.region_code)):
            raise InputError(
                f"区划 {region_code} 不在上级机构辖区内 / region {region_code} lies outside the parent's area",
                details={"field": "region_code"},
            )
    if kind == OrgKind.ENTERPRISE and not party_key:
        raise InputError("企业须关联权利人 / an enterprise needs its corpus party_key", details={"field": "party_key"})
    org = Organization(
        name=name, name_en=name_en, kind=kind, region_code=region_code, parent_id=parent.id if parent else None, party_key=party_key
    )
    session.add(org)
    session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    session.flush()
    return org


def org_display_name(name: str | None, name_en: str | None, lang: str) -> str:
    """An organization's name as a page in ``lang`` shows it: in English its English name, else the
    English half of a name stored as ``"中文 / English"`` (as organizations were named before ``name_en``),
    else its (Chinese) name — a name the platform does not know in English is data, shown as it is; in
    Chinese the name (the Chinese half of a bilingual one)."""
    zh, sep, en = (name or "").partition(" / ")
    if lang == "en":
        return (name_en or "").strip() or (en if sep else zh)
    return zh


def org_names_en(session: Session, org_ids: list[int]) -> dict[int, str]:
    """The English names of the given organizations (those that have one): for rows that keep an organization's
    name as it was written (a listing's owner) and are shown through ``org_name(name, name_en)``."""
    rows = rows_in(session, select(Organization.id, Organization.name_en), org_ids, Organization.id)
    return {org_id: (name_en or "").strip() for org_id, name_en in rows if (name_en or "").strip()}


def party_names_en(session: Session, party_keys: list[str]) -> dict[str, str]:
    """The English names of the platform's organizations bound to the given corpus parties
    (``Organization.party_key``), for those that have one."""
    rows = rows_in(session, select(Organization.party_key, Organization.name_en).where(Organization.name_en.is_not(None)),
                   [k for k in party_keys if k], Organization.party_key)
    return {key: (name_en or "").strip() for key, name_en in rows if key and (name_en or "").strip()}


def party_bound_organization(session: Session, party_key: str) -> Organization | None:
    """The platform's enterprise bound to a corpus party (``Organization.party_key``; the first made where there are
    several): named as it registered (成都某某科技有限责任公司), where the corpus keys the party by its normalized
    name (…有限公司)."""
    return session.scalar(select(Organization).where(Organization.party_key == party_key,
                                                     Organization.kind == OrgKind.ENTERPRISE)
                          .order_by(Organization.id).limit(1))


class RowName(NamedTuple):
    """A name a workflow row keeps as written (a deal's buyer, a bidder, a case's party, a listing's subject, a
    person's employer) with that row's region (GB/T 2260) and whether the row is synthetic (demo): what
    :func:`english_names` reads. A row never synthetic (an application, a loan) gives the name alone."""

    name: str | None
    region_code: str | None = None
    synthetic: bool = False


def english_names(session: Session, named: Iterable[RowName]) -> dict[RowName, str]:
    """The English names of names rows keep as written, keyed by the :class:`RowName` given, for those that have one:
    the platform's organization the name names — by the corpus party key (:func:`normalize_name`, as
    :func:`organization_named` matches a typed name) or else the exact name — with its English name first (one query
    for all the names); else, only in a row flagged synthetic, the English a demo's name reads as
    (:func:`zhichan.corpus.parties.party_name_en`: the generator's parties and people, their places read among that
    row's region's county, city and province; a demo's fictional organization, 某某五金店12号 → XX Hardware Store No. 12).
    A real row's name that reads like a generated one is data, shown as typed. Pages show each as
    ``org_name(name, found.get(RowName(name, region, synthetic)))``."""
    wanted = {n for n in named if n.name and n.name.strip()}
    if not wanted:
        return {}
    registered = _registered_names_en(session, {str(n.name) for n in wanted})
    found = {n: registered.get(str(n.name)) or (party_name_en(str(n.name).strip(), n.region_code, True)
                                                if n.synthetic else None) for n in wanted}
    return {n: en for n, en in found.items() if en}


def _registered_names_en(session: Session, names: set[str]) -> dict[str, str]:
    """Name as given → the English name of the organization it names (:func:`english_names`), for those that have one."""
    wanted = {name: normalize_name(name) for name in names}
    # a nation's levers export names ~10⁵ holders: a batch of names a query (zhichan.platform.inlists)
    rows = rows_in(session, select(Organization.name, Organization.party_key, Organization.name_en)
                   .where(Organization.name_en.is_not(None)), wanted,
                   lambda some: Organization.party_key.in_(sorted({wanted[n] for n in some}))
                   | Organization.name.in_(sorted({n.strip() for n in some})))
    by_key = {key: (en or "").strip() for _, key, en in rows if key and (en or "").strip()}
    by_name = {name: (en or "").strip() for name, _, en in rows if (en or "").strip()}
    found = {name: by_key.get(key) or by_name.get(name.strip()) for name, key in wanted.items()}
    return {name: en for name, en in found.items() if en}


def holders_named_in_english(session: Session | None, holders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``holders`` (dicts with ``party_key``, ``name`` and perhaps ``name_en``) with the English name of the
    platform's organization bound to each party (:func:`party_names_en`): a name an organization registered
    comes before one derived from the corpus (:func:`zhichan.corpus.parties.party_name_en`). New dicts; the
    given ones — often cached — are left as they are."""
    if session is None or not holders:
        return holders
    named = party_names_en(session, [str(h["party_key"]) for h in holders if h.get("party_key")])
    return [{**h, "name_en": named[h["party_key"]]} if h.get("party_key") in named else h for h in holders]


def get_org(session: Session, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFoundError(f"机构 {org_id} 不存在 / no organization {org_id}")
    return org


def list_orgs(session: Session, scope: Scope) -> list[Organization]:
    """The caller's organization and everything below it."""
    scope.require_authenticated()
    return list(
        session.scalars(
            select(Organization).where(Organization.path.like(scope.org_path_like())).order_by(Organization.path)
        )
    )


def creatable_kinds(session: Session, scope: Scope) -> list[OrgKind]:
    """The levels the caller's administrator may create: those allowed below some organization of its subtree (a
    city's administrator: 区县, 工作站, enterprise, bank, agency — never 国家 or 省, which ``create_org`` refuses),
    in the levels' own order, so the form's first choice is one it can save."""
    allowed = set().union(*(_ALLOWED_CHILDREN[OrgKind(o.kind)] for o in list_orgs(session, scope)))
    return [kind for kind in OrgKind if kind in allowed]


def organization_named(session: Session, name: str, kind: OrgKind) -> Organization | None:
    """The organization of ``kind`` on the platform a typed name names: its corpus party key
    (:func:`normalize_name` folds spellings together) or, failing that, its exact name; ``None`` when
    there is none — or more than one, since a name that could be two parties names neither."""
    name = (name or "").strip()
    key = normalize_name(name)
    if not key:
        return None
    for where in (Organization.party_key == key, Organization.name == name):
        found = list(session.scalars(select(Organization).where(Organization.kind == kind, where).limit(2)))
        if found:
            return found[0] if len(found) == 1 else None
    return None


def party_organization(session: Session, party: str, region: str, *,
                       name_en: str | None = None) -> tuple[Organization, bool]:
    """The organization of a corpus party (an enterprise, university or institute), keyed as the corpus keys its
    parties — :func:`normalize_name` of the name, the ``party_key`` scopes and rules compare with — and made once:
    ``(organization, made now)``. A new one sits under the most specific bureau whose area holds ``region`` (county,
    else city, else province, else the root). Every demo seed finds or makes an enterprise through this one function,
    so two seeds never make one enterprise twice (the finance demo keyed it by the raw name, the exchange demo by the
    normalized one: a name the normalization changes — 有限责任公司 → 有限公司 — became two organizations)."""
    key = normalize_name(party)
    found = session.scalar(select(Organization).where(Organization.party_key == key,
                                                      Organization.kind == OrgKind.ENTERPRISE).order_by(Organization.id))
    if found is not None:
        return found, False
    bureaus = {o.region_code: o for o in session.scalars(select(Organization).where(
        Organization.kind.in_((OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY))))}
    parent = next((bureaus[c] for c in (region, region[:4] + "00", region[:2] + "0000") if c in bureaus), None)
    parent = parent or root_org(session)
    return create_org(session, party, OrgKind.ENTERPRISE, region, parent, party_key=key, name_en=name_en), True


def area_bureau(session: Session, region_code: str, within: str = "/") -> Organization | None:
    """The bureau (province, city or county) whose area is ``region_code`` exactly, below the organization path
    ``within`` (the caller's own subtree): where a record of that area is filed — a fund's loan with the bureau of the
    fund's jurisdiction, whoever above it enrolled it, so that bureau's officers see it. None where the tree has none."""
    return session.scalar(select(Organization).where(
        Organization.region_code == region_code, Organization.path.like(f"{within}%"),
        Organization.kind.in_((OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY))).order_by(Organization.id).limit(1))


def enterprise_named(session: Session, name: str) -> Organization | None:
    """The enterprise (企业、高校、科研机构) a typed name names (:func:`organization_named`)."""
    return organization_named(session, name, OrgKind.ENTERPRISE)


def org_in_scope(session: Session, scope: Scope, org_id: int) -> Organization:
    org = get_org(session, org_id)
    if not scope.covers_org_path(org.path):
        raise PermissionDenied("该机构不在您的管辖范围内 / that organization is outside your scope")
    return org


#: The corpus's answer to "where does this party sit?": its GB/T 2260 region code, ``""`` when the
#: corpus does not know it, ``None`` when there is no such party (see ``portal.party_lookup``).
PartyLookup = Callable[[str], str | None]


def add_org(
    session: Session, scope: Scope, *, name: str, kind: str, region_code: str, parent_id: int,
    party_key: str | None = None, parties: PartyLookup | None = None, name_en: str | None = None,
) -> Organization:
    """Admin action: create an organization inside the admin's own subtree.

    An enterprise is bound to a corpus party (its portfolio, later its pledges, cases and
    applications): the party must exist (``parties``) and sit inside the new organization's area,
    which lies inside the parent's, which lies inside the admin's — so an administrator cannot hand
    a company of another area to an account of its own."""
    scope.require_admin()
    parent = org_in_scope(session, scope, parent_id)
    from zhichan.reference.regions import is_region_code

    if not is_region_code(region_code or ""):
        raise InputError(f"未知的行政区划代码：{(region_code or '')[:12]} / unknown region code",
                         details={"field": "region_code"})
    try:
        kind = OrgKind(kind)
    except ValueError:
        raise InputError("未知机构层级 / unknown organization level", details={"field": "kind"}) from None
    if kind == OrgKind.ENTERPRISE:
        party_key = normalize_name(party_key or "")
        if not party_key:
            raise InputError("企业须关联权利人 / an enterprise needs its corpus party", details={"field": "party_key"})
        if parties is None:
            raise InputError("语料库不可用，无法核对权利人 / no corpus to check the party against",
                             details={"field": "party_key"})
        party_region = parties(party_key)
        if party_region is None:
            raise InputError(f"语料中没有权利人 {party_key[:60]} / no party {party_key[:60]} in the corpus",
                             details={"field": "party_key"})
        if not party_within(party_region, region_prefix(_field(normalize_region_code, region_code, "region_code"))):
            raise PermissionDenied(
                f"权利人 {party_key[:60]} 不在该机构辖区内（{party_region or '区划不明'}） / "
                f"party {party_key[:60]} lies outside the organization's area ({party_region or 'region unknown'})",
                details={"field": "party_key"})
    else:
        party_key = None
    return create_org(session, name, kind, region_code, parent, party_key=party_key, name_en=name_en)


def _field(check: Callable[[str], str], value: str, field: str) -> str:
    """``check(value)``, its :class:`InputError` naming the form field it is about."""
    try:
        return check(value)
    except InputError as exc:
        raise InputError(exc.message, details={"field": field}) from None


def scope_for_user(session: Session, user: User, org: Organization | None = None) -> Scope:
    """Derive the caller's :class:`Scope` from its user row and organization (loaded when not given)."""
    org = org if org is not None and org.id == user.org_id else get_org(session, user.org_id)
    return make_scope(role=user.role, user_id=user.id, username=user.username, org_id=org.id, org_name=org.name,
                      org_name_en=org.name_en or "", org_kind=org.kind, org_path=org.path, region_code=org.region_code, party_key=org.party_key,
                      must_change_password=bool(user.must_change_password))


def synthetic_scope(org: Organization, role: Role = Role.CASE_OFFICER) -> Scope:
    """A bureau's officer as the demos act for it (no account: user 0, named 合成演示 / synthetic) — the one scope every
    demo seed takes a bureau's steps with."""
    return Scope(role=role, user_id=0, username="合成演示 / synthetic", org_id=org.id, org_name=org.name,
                 org_path=org.path, region_code=org.region_code)


def make_scope(*, role: str, user_id: int, username: str, org_id: int, org_name: str, org_kind: str,
               org_path: str, region_code: str, party_key: str | None, must_change_password: bool = False,
               org_name_en: str = "") -> Scope:
    """The one rule turning a user and its organization into a :class:`Scope` (ORM rows or the
    columns the per-request credential lookup reads)."""
    region: str | None = region_code
    key = area = None
    if OrgKind(org_kind) == OrgKind.ENTERPRISE:
        key, area = party_key, region_code
        region = None  # enterprises see their own portfolio, not their district's statistics
    if OrgKind(org_kind) in (OrgKind.BANK, OrgKind.AGENCY):
        region = None  # a bank or an agency sees what concerns it, never a district's statistics
    if Role(role) in (Role.ENTERPRISE_USER, Role.BANK_USER, Role.AGENCY_USER, Role.PUBLIC):
        region = None
    return Scope(role=Role(role), user_id=user_id, username=username, org_id=org_id, org_name=org_name,
                 org_name_en=org_name_en, org_path=org_path, region_code=region, party_key=key, party_area=area,
                 must_change_password=must_change_password)


def root_org(session: Session) -> Organization | None:
    return session.scalar(select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id))


# ---------------------------------------------------------------------------------------------
# demo tree

#: A few areas for the demo tree when the reference module cannot name regions: (code, name).
#: the demo's city: its bureau's personas, banks, pledges and first enterprise are there
DEMO_CITY = "510100"
_DEMO_AREAS: tuple[tuple[str, str], ...] = (
    ("510000", "四川省"),
    ("510100", "成都市"),
    ("510104", "锦江区"),
    ("510107", "武侯区"),
    ("510115", "温江区"),
    ("320000", "江苏省"),
    ("320100", "南京市"),
    ("320102", "玄武区"),
    ("330000", "浙江省"),
    ("330100", "杭州市"),
    ("330106", "西湖区"),
)


def _region_name(code: str, fallback: str, lang: str = "zh") -> str:
    try:
        from zhichan.reference import region_name

        return str(region_name(code, lang)) or fallback
    except Exception:  # noqa: BLE001 - the reference module is optional for the demo tree
        return fallback


#: 知识产权局 in English, as the national office has called itself since 2018 (China National Intellectual Property
#: Administration, CNIPA) and the local bureaus named after it do (Shanghai Intellectual Property Administration)
BUREAU_EN = "Intellectual Property Administration"
#: the demo's national office in both languages
DEMO_NATION = ("国家知识产权局（演示）", f"China National {BUREAU_EN} (demo)")


@cache
def _shared_county_names(lang: str) -> frozenset[str]:
    """The county-level areas whose name in ``lang`` another county-level area of their province bears too (鼓楼区 in
    南京市 and in 徐州市; "Wei County" for 魏县 and 威县 of Hebei): their bureaus are named with their city. Empty where the
    reference module cannot name regions."""
    try:
        from zhichan.reference import children, region_name

        shared: set[str] = set()
        for province in children(NATION_CODE):
            seen: dict[str, list[str]] = {}
            for city in children(province):
                for county in children(city):
                    seen.setdefault(str(region_name(county, lang)), []).append(county)
            shared.update(c for codes in seen.values() if len(codes) > 1 for c in codes)
        return frozenset(shared)
    except Exception:  # noqa: BLE001 - the reference module is optional for the demo tree
        return frozenset()


def _with_city(code: str, place: str, lang: str) -> str:
    """``place``, the name in ``lang`` of the area ``code``, with its city's before it where another county-level area of
    the province bears the same name (南京市鼓楼区, "Nanjing Gulou District"); else as it is."""
    prefix = region_prefix(code)
    if len(prefix) != 6 or code not in _shared_county_names(lang):
        return place
    city = _region_name(prefix[:4] + "00", "", lang)
    if lang == "en":
        return f"{city.removesuffix(' City')} {place}" if city else place
    return f"{city}{place}"


def bureau_name_en(code: str, fallback: str = "") -> str:
    """The English name of the 知识产权局 of the area ``code``, one rule for every level: the area's English name
    (:func:`zhichan.reference.region_name`) and :data:`BUREAU_EN` — "Sichuan", "Chengdu", "Zhongshan", "Kunshan
    Intellectual Property Administration" (a city is named without the "City" the reference gives the cities that have
    no counties and the county-level ones: "Zhongshan City Intellectual Property Office" read as no bureau calls
    itself), "Wuhou District …" (a district, county or banner keeps its kind). A city named as its province (吉林市 in
    吉林省) says "City": the two bureaus read apart; a county-level area whose English name another of its province
    bears too is named with its city ("Nanjing Gulou District …", "Xuzhou Gulou District …"): one name, one bureau."""
    place = _with_city(code, _region_name(code, fallback or code, "en"), "en")
    bare = place.removesuffix(" City")
    prefix = region_prefix(code)
    if len(prefix) > 2:
        province = prefix[:2] + "0000"
        # a municipality's own city row (北京市 under 北京市) has no bureau of its own: only a city of a province
        if bare == _region_name(province, "", "en") and _region_name(code, "") != _region_name(province, "-"):
            bare = f"{bare} City"
    return f"{bare} {BUREAU_EN}"


def _bureau_names(code: str, fallback: str) -> tuple[OrgKind, str, str]:
    """A demo bureau of the area ``code``: (kind by the code's level, Chinese name, English name)."""
    kind = {2: OrgKind.PROVINCE, 4: OrgKind.CITY, 6: OrgKind.COUNTY}[len(region_prefix(code))]
    return kind, f"{_with_city(code, _region_name(code, fallback), 'zh')}知识产权局", bureau_name_en(code, fallback)


def _demo_tree_names() -> dict[str, tuple[OrgKind, str, str]]:
    """The demo tree's bureaus: region code → (kind, Chinese name, English name)."""
    names = {NATION_CODE: (OrgKind.NATION, *DEMO_NATION)}
    for code, fallback in _DEMO_AREAS:
        names[code] = _bureau_names(code, fallback)
    return names


def _earlier_demo_name_en(code: str) -> str:
    """The English name an earlier demo gave the bureau of ``code`` ("Zhongshan City Intellectual Property Office"):
    a demo folder made before :func:`bureau_name_en` holds it, and it is the demo's own, not a name someone entered."""
    if code == NATION_CODE:
        return "CNIPA (demo)"
    return f"{_region_name(code, code, 'en')} Intellectual Property Office"


def demo_bureau(session: Session, region_code: str) -> Organization:
    """The bureau of the area ``region_code`` in the demo tree, made (with its province) where the tree has none: a
    demo record of another area — a shipped risk-compensation fund's loans (Chongqing, Shenzhen …) — is filed with
    that area's bureau, whose officers operate it, not with the demo city's (its officers saw the loans and could not
    open the fund). Needs the tree's root (:func:`seed_demo_tree`)."""
    prefix = region_prefix(region_code)
    parent = root_org(session)
    if parent is None:
        raise NotFoundError("演示机构树尚未建立 / the demo tree is not made yet")
    for code in (prefix[:2] + "0000", prefix[:4] + "00", prefix)[:len(prefix) // 2]:
        kind, name, name_en = _bureau_names(code, code)
        parent = area_bureau(session, code) or create_org(session, name, kind, code, parent, name_en=name_en)
    return parent


def seed_demo_tree(session: Session) -> Organization:
    """Nation → a few provinces → cities → counties (idempotent); returns the nation."""
    existing = root_org(session)
    if existing is not None:
        return existing
    names = _demo_tree_names()
    kind, name, name_en = names[NATION_CODE]
    nation = create_org(session, name, kind, NATION_CODE, name_en=name_en)
    by_code: dict[str, Organization] = {NATION_CODE: nation}
    for code, _ in _DEMO_AREAS:
        prefix = region_prefix(code)
        parent_code = {2: NATION_CODE, 4: prefix[:2] + "0000", 6: prefix[:4] + "00"}[len(prefix)]
        kind, name, name_en = names[code]
        # named in both languages: pages show the name of theirs (org_display_name)
        by_code[code] = create_org(session, name, kind, code, by_code[parent_code], name_en=name_en)
    return nation


def name_demo_tree_in_english(session: Session) -> int:
    """The English names of the demo's bureaus, for a demo folder made before they had them or had today's
    (:func:`seed_demo_tree` returns at once when the tree exists, so its names never reached an old tree): a bureau
    that still has the demo's Chinese name and no English name, or the one an earlier demo gave it
    (:func:`_earlier_demo_name_en`), gets today's (:func:`bureau_name_en`) — the tree's and those
    :func:`demo_bureau` made for a fund's area alike; a name someone entered or changed is kept. The count named."""
    names = _demo_tree_names()
    named = 0
    for org in session.scalars(select(Organization).where(Organization.kind.in_(
            (OrgKind.NATION, OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)))):
        try:
            kind, name, name_en = names.get(org.region_code) or _bureau_names(org.region_code, org.region_code)
        except (KeyError, InputError):  # not a region code of the three levels: no demo bureau
            continue
        had = (org.name_en or "").strip()
        if org.kind == kind and org.name == name and had in ("", _earlier_demo_name_en(org.region_code)) \
                and had != name_en:
            org.name_en = name_en
            named += 1
    return named
