"""Every declared procedure's case title names its parties in the page's language (案件标题).

A transfer to the police showed its stored Chinese title on English pages ("某某电子商行48号 · CN…"): titles are built
at render by the procedure's titler, and that procedure had none. The engine now names the parties of any case in the
page's language, its domain's titler or not; this test walks the registry, so a procedure declared later is held to it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from tests.web.test_web_languages import _visible_text
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization
from zhichan.procedures.declaration import Declaration
from zhichan.procedures.models import Case
from zhichan.procedures.service import ProcedureService, named_in
from zhichan.web.testing import BANK, BANK_EN, login_as

NUMBER = "CN202410000001.X"
#: titles that name the application, not the party (``CN… · Invention application``; a pledge's rights and debt)
TITLED_WITHOUT_PARTY = {"services.priority_exam", "finance.pledge"}


def _value(service: ProcedureService, spec: Any) -> str:
    """A filled-in value of a declared start field: a party is the bank (an organization with an English name)."""
    if spec.shows == "organization":
        return BANK
    if spec.options is not None:
        return service.options(spec, None)[0].value
    if spec.kind == "choice":
        return spec.choices[0]
    return {"date": "2026-03-02", "integer": "1", "money": "100"}.get(spec.kind, f"值{spec.name}")


def _open_case(s: Any, service: ProcedureService, decl: Declaration, org: Organization, i: int) -> tuple[int, bool]:
    """A case of ``decl`` in ``org``'s office as a domain stores it: its title names the parties as typed (the police
    transfer's "某某电子商行48号 · CN…", the engine's first two fields); whether any start field names a party."""
    fields = {f.name: _value(service, f) for f in decl.start.fields}
    parties = [v for f in decl.start.fields if f.shows == "organization" for v in [fields[f.name]]]
    case = Case(number=f"T-{i:04d}", procedure=decl.procedure, jurisdiction=decl.jurisdiction, revision=decl.revision,
                title=" · ".join([*parties, NUMBER]), state=decl.initial_state, org_id=org.id, org_path=org.path,
                region_code=org.region_code, fields=json.dumps(fields, ensure_ascii=False))
    s.add(case)
    s.flush()
    return case.id, bool(parties)


def test_every_procedures_case_names_its_parties_in_english_on_english_pages(client, env) -> None:  # type: ignore[no-untyped-def]
    service: ProcedureService = env.app.state.procedures
    procedures = sorted(service.registry.procedures())
    assert "protection.police_transfer" in procedures
    with session_scope(env.engine) as s:
        wuhou = s.scalar(select(Organization).where(Organization.region_code == "510107",
                                                    Organization.name == "武侯区知识产权局"))
        assert wuhou is not None
        cases = {p: _open_case(s, service, service.registry.get(p, "default"), wuhou, i)
                 for i, p in enumerate(procedures)}
    named = {p: case_id for p, (case_id, parties) in cases.items() if parties}
    assert "protection.police_transfer" in named and len(named) >= len(procedures) // 2, sorted(named)
    # the title every page shows (the case page, the to-do, the lists call it), for every procedure
    with session_scope(env.engine) as s:
        for procedure, case_id in named.items():
            case = s.get(Case, case_id)
            assert case is not None
            decl, fields = service.registry.get(procedure, "default"), json.loads(case.fields)
            for lang, shown, hidden in (("en", BANK_EN, BANK), ("zh", BANK, BANK_EN)):
                names = service.party_names(s, [(decl, fields, case.region_code, False)], lang)[0]
                title = service.case_title(procedure, case.title, fields, lang, names)
                # (a title may leave the party out — a priority request names the application —, never name it wrongly)
                assert hidden not in title and (shown in title or procedure in TITLED_WITHOUT_PARTY), (procedure, lang, title)
    login_as(client, env.engine, "wuhou_officer")
    pages = 0
    for procedure, case_id in named.items():
        for lang, shown, hidden in (("en", BANK_EN, BANK), ("zh", BANK, BANK_EN)):
            page = client.get(f"/cases/{case_id}?lang={lang}", follow_redirects=True)
            if page.status_code == 404:  # a domain's case page reads the domain's own row, which this case lacks
                assert procedure != "protection.police_transfer", page.text[:300]
                continue
            assert page.status_code == 200, (procedure, page.status_code)
            heading = _visible_text(page.text.split("<h1>", 1)[1].split("</h1>", 1)[0])
            assert hidden not in heading and (shown in heading or procedure in TITLED_WITHOUT_PARTY), (procedure, lang, heading)
            pages += 1
    assert pages >= len(named), pages  # half of them at least, in both languages
    # the to-do and the protection case list: each row of these cases names the bank in English
    rows = {}
    for path in ("/todo?lang=en&limit=200", "/protection/cases?status=all&lang=en"):
        html = client.get(path).text
        for procedure in named:
            number = f">T-{procedures.index(procedure):04d}<"
            row = next((r for r in html.split("<tr")[1:] if number in r), None)
            if row is not None:
                rows[(path, procedure)] = _visible_text(f"<tr{row}")
    assert len([k for k in rows if k[0].startswith("/todo")]) >= 5, sorted(rows)  # those awaiting a case officer
    assert ("/protection/cases?status=all&lang=en", "protection.police_transfer") in rows, sorted(rows)
    wrong = {k: text for k, text in rows.items() if BANK in text or (BANK_EN not in text and k[1] not in TITLED_WITHOUT_PARTY)}
    assert not wrong, wrong


def test_a_stored_title_names_its_parties_in_the_pages_language() -> None:
    names = {"某某电子商行48号": "XX Electronics Shop No. 48", "某某电子商行4": "XX Electronics Shop 4"}
    assert named_in("【合成】某某电子商行48号 · CN202410000001.X", names) == "【合成】XX Electronics Shop No. 48 · CN202410000001.X"
    assert named_in("某某电子商行48号 · CN1", {}) == "某某电子商行48号 · CN1"  # a Chinese page: as stored
