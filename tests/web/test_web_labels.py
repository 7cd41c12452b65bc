"""Coded values (kind, legal status, status group, party type, event type, role…) are shown with one
label function, the same in facets and result tables, in Chinese and English — never as raw enum codes."""

from __future__ import annotations

import re

import pytest

from zhichan.corpus.schema import EventType, LegalStatus, PartyType, PatentKind, StatusGroup
from zhichan.platform.models import OrgKind, Role
from zhichan.web.i18n import catalogue
from zhichan.web.labels import PREFIXES, label
from zhichan.web.testing import WUHOU_ENTERPRISE, login_as

ENUMS = {"kind": PatentKind, "legal_status": LegalStatus, "status_group": StatusGroup, "party_type": PartyType,
         "event_type": EventType, "role": Role, "org_kind": OrgKind}
#: every coded value the corpus and the platform know
RAW = sorted({v.value for e in ENUMS.values() for v in e} - {"unknown", "other", "public"}, key=len, reverse=True)
RAW_IN_CELL = re.compile(r">\s*(" + "|".join(map(re.escape, RAW)) + r")\s*<")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_coded_value_has_a_label_in_both_languages(lang):
    for field, enum in ENUMS.items():
        for value in enum:
            key = f"{PREFIXES[field]}.{value.value}"
            assert key in catalogue(lang), key
            assert label(lang, field, value.value) != value.value


def test_chinese_legal_status_labels_are_those_of_the_search_facets():
    from zhichan.search.service import KIND_LABELS, STATUS_LABELS

    for code, text in STATUS_LABELS.items():
        assert label("zh", "legal_status", code) == text
    for code, text in KIND_LABELS.items():
        assert label("zh", "kind", code) == text


@pytest.mark.parametrize(("lang", "granted", "invention", "pledge"), [
    ("zh", "有权-授权", "发明", "质押"), ("en", "In force – granted", "Invention", "Pledge"),
])
def test_pages_show_labels_not_codes(client, env, lang, granted, invention, pledge):
    r = client.get("/search", params={"q": "TI=锂离子电池", "lang": lang})
    cells = re.findall(r'<td class="legal-status"[^>]*>([^<]*)</td>', r.text)
    assert cells and set(cells) == {granted}
    # the page shows the hits and loads its facets with a second request (HTMX)
    assert 'hx-get="/search/facets?q=TI%3D%E9%94%82%E7%A6%BB%E5%AD%90%E7%94%B5%E6%B1%A0&amp;hits=' in r.text
    facets = client.get("/search/facets", params={"q": "TI=锂离子电池", "lang": lang})
    facet = re.search(r'<li data-value="granted"><a class="facet-link"[^>]*>([^<]*)<', facets.text)  # a link that filters
    assert facet and facet.group(1).strip() == granted  # facet and table: the same label
    assert "<html" not in facets.text  # a fragment, not a page
    patent = client.get(f"/patents/{env.numbers['wuhou']}", params={"lang": lang}).text
    assert f">{pledge}<" in patent and granted in patent
    login_as(client, env.engine, "root")
    pages = [
        r.text, patent,
        client.get(f"/enterprises/{WUHOU_ENTERPRISE}", params={"lang": lang}).text,
        client.get("/cockpit", params={"lang": lang, "region": "510107"}).text,
        client.get("/regions/510107", params={"lang": lang}).text,
        client.get("/admin/users", params={"lang": lang}).text,
        client.get("/admin/orgs", params={"lang": lang}).text,
        client.get("/jobs", params={"lang": lang}).text,
        client.get("/plans", params={"lang": lang}).text,
        client.get("/search", params={"q": "锂离子电池", "lang": lang}).text,
    ]
    assert invention in pages[2]
    region = re.search(r'id="enterprise-region"[^>]*>([^<]*)<', pages[2])  # named, not the code 510107
    assert region and region.group(1) == {"zh": "武侯区", "en": "Wuhou District"}[lang]
    for html in pages:
        assert not RAW_IN_CELL.search(html), RAW_IN_CELL.search(html).group(0)  # type: ignore[union-attr]


def test_scan_mode_shows_status_labels_not_codes(settings, web_template):
    from zhichan.web.testing import make_env

    web = make_env(settings, web_template, search_index=False)
    with web.client() as c:
        r = c.get("/search", params={"q": "锂离子电池"})
        statuses = re.findall(r'<td class="legal-status"[^>]*>([^<]*)</td>', r.text)
        assert statuses and all(s and not re.search(r"[a-z_]{3,}", s) for s in statuses), statuses
    web.engine.dispose()


@pytest.mark.parametrize(("lang", "status", "unit"), [("zh", "审中-实质审查", "件"), ("en", "Pending – under examination", "patents")])
def test_event_details_units_and_audit_actions_in_the_page_language(client, env, lang, status, unit):
    patent = client.get(f"/patents/{env.numbers['wuhou']}", params={"lang": lang}).text
    events = patent[patent.index(f">{label(lang, 'event_type', 'pledge')}<"):]  # the event table
    assert status in events and "under_examination" not in events
    login_as(client, env.engine, "root")
    indicators = client.get("/regions/510100/indicators", params={"lang": lang}).text
    row = re.search(r'<tr data-code="valid_inventions">.*?</tr>', indicators, re.S)
    assert row and f"</a> {unit}" in row.group(0)
    from sqlalchemy import select

    from zhichan.platform import audit as audit_log
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user

    with session_scope(env.engine) as s:
        root = scope_for_user(s, s.scalars(select(User).where(User.username == "root")).one())
        audit_log.record(s, root, "user.create", "user:x")
        audit_log.record(s, root, "procedure.accept", "PD-2026-000001")
    audit = client.get("/admin/audit", params={"lang": lang}).text
    cells = re.findall(r'<td title="([a-z_.]+)"[^>]*>([^<]+)</td>', audit)
    assert {"user.create", "procedure.accept"} <= {code for code, _ in cells}
    assert all(code != text and "." not in text for code, text in cells), cells
    assert ("立案" if lang == "zh" else "Accept") in dict(cells)["procedure.accept"]


def test_every_audited_action_has_a_label_in_both_languages():
    """Each action the code records (``audit.record(…, "org.create", …)``) reads as words on the audit page."""
    from pathlib import Path

    import zhichan

    found = set()
    argument = r"\s*[\w.]+(?:\([^()]*\))?\s*,"  # a session or a scope: a name, or a call of one
    for path in Path(zhichan.__file__).parent.rglob("*.py"):
        text = path.read_text("utf-8")
        found |= set(re.findall(r'audit\.record\(' + argument * 2 + r'\s*"([a-z_.]+)"', text))
        found |= set(re.findall(r'^[A-Z_]*ACTION\s*=\s*"([a-z_.]+)"', text, re.M))  # an action named once
    assert {"login", "login.failed", "user.create", "search.export", "evidence.owner_assign"} <= found
    for lang in ("zh", "en"):
        missing = sorted(a for a in found if f"audit_action.{a}" not in catalogue(lang))
        assert missing == [], (lang, missing)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_drill_down_column_has_a_heading_in_both_languages(lang):
    """The records behind every indicator are listed under headings, never under column names."""
    from zhichan.indicators import registry

    sources = {ind.source for ind in registry.indicators().values() if ind.source}
    missing = sorted({f"field.{c}" for s in sources for c in registry.drill_columns(s)} - set(catalogue(lang)))
    assert not missing, missing


def test_every_domain_relation_is_checked_for_bare_codes():
    """Each domain's relations are drilled on hand-made records by a test that fails, by relation and
    column, on a cell the records page would show as a stored code (``tests.helpers.unlabelled_codes``,
    which also fails on a relation with no records): a new domain's figures need such a test."""
    from pathlib import Path

    from zhichan.figures import domain_relations

    tests = Path(__file__).parents[1]
    checked = set()
    for path in tests.rglob("test_*.py"):
        text = path.read_text("utf-8")
        if "unlabelled_codes(" in text:
            checked |= set(re.findall(r'"(zhichan\.[a-z_]+)"', text))
    packages = {relation.package for relation in domain_relations().values()}
    assert packages - checked == set(), sorted(packages - checked)


def test_a_bare_code_in_a_drill_down_is_named():
    """The check behind the test above: a code reads as a bare code; a label, a name, a number does not."""
    from tests.helpers import BARE_CODE

    assert all(BARE_CODE.match(v) for v in ("registered", "finance.pledge", "date_source", "open"))
    assert not any(BARE_CODE.match(v) for v in ("Registered", "已登记", "CN-CD", "2026-01-05", "510107", "Deal contracted",
                                                "ZL202010000001.1", ""))


#: English texts shown alone as a label — a state, a status, a kind, a badge, a column heading, yes/no — by
#: key; sentences, fragments inside a sentence (units, citations, "rank {rank} (of …)") are not labels
LABEL_KEYS = re.compile("|".join((
    r"^field\.", r"^badge\.", r"\.(status|state|due_state|run_status|pledge_status|case_state|stage|strength|change|"
    r"applicant_type|origin|source|event|by|ground|date_source)\.[^.]+$",
    r"^(common|report|services|navigation\.doc)\.(yes|no)$", r"^search\.kind\.", r"^account\.revoked$",
    r"^services\.synthetic$", r"^evidence\.verify\.pass$",
)))


def test_english_labels_start_with_a_capital():
    """A label shown alone reads "Registered", "Deal contracted", "Synthetic record" — as every other heading
    and badge does — never "registered"; so do the labels of every coded column (web.labels.PREFIXES and
    the domain relations' Relation.labels)."""
    from zhichan.figures import domain_relations

    prefixes = {p for f, p in PREFIXES.items() if f not in ("unit", "column")} | {
        p for r in domain_relations().values() for _, p in r.labels if not p.startswith("@")}
    english = catalogue("en")
    labels = {k for k in english if LABEL_KEYS.search(k) or any(k.startswith(p + ".") for p in prefixes)}
    assert {"exchange.dormant.by.deal", "field.synthetic", "finance.pledge_status.registered", "jobs.status.running",
            "dataip.status.registered", "kind.invention"} <= labels
    lower = sorted(f"{k} = {english[k]!r}" for k in labels if english[k][:1].islower())
    assert lower == [], lower


def test_the_audit_page_shows_beijing_time(client, env):
    """A stored moment is naive UTC; the pages show it as read in Beijing (eight hours later, the day after from
    16:00 UTC), through the one ``china_time`` filter (that every template does: tests/legaltime/test_today.py)."""
    from sqlalchemy import select

    from zhichan.legaltime import china_time
    from zhichan.platform import audit as audit_log
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import AuditEntry, User
    from zhichan.platform.orgs import scope_for_user

    login_as(client, env.engine, "root")
    with session_scope(env.engine) as s:
        root = scope_for_user(s, s.scalars(select(User).where(User.username == "root")).one())
        audit_log.record(s, root, "user.create", "user:beijing-time")
    with session_scope(env.engine) as s:
        at = s.scalars(select(AuditEntry.at).where(AuditEntry.target == "user:beijing-time")).one()
    audit = client.get("/admin/audit").text
    assert china_time(at, "%Y-%m-%d %H:%M:%S") in audit
    assert at.strftime("%Y-%m-%d %H:%M:%S") not in audit
