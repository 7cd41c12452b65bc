"""Every page in both languages, enumerated over the app's own routes (as the scope tests are).

Every GET route that answers HTML is rendered with ``?lang=zh`` and ``?lang=en`` as the national
system administrator, and the public ones also anonymously. A page fails when

- a message key has no entry in the page's language (the suite runs the catalogues strict: a
  missing key raises instead of showing the key or the Chinese text), and
- an English page shows Chinese text that is not data. Data is what the platform stores or ships
  as reference data — patent titles, party and organization names, region names, IPC titles, what
  a user typed — and stays in its language. The test gathers every text of the corpus snapshot,
  the workflow database and the shipped reference tables; a run of Chinese characters on an
  English page that occurs in none of them came from a template, a catalogue or code, and is an
  untranslated text. (The other way, marking every data value with ``lang="zh"`` where it is
  rendered, would touch every template of every domain.)
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import MetaData, select

from tests.procedures.helpers import PDF
from tests.web.test_web_scope import (
    PUBLIC_GET,
    _fill,
    _foreign_values,
    _jinjiang_case,
    _jinjiang_deposit,
    _jinjiang_dormant,
    _jinjiang_finance,
    _jinjiang_job,
)
from zhichan.web.app import all_routes
from zhichan.web.i18n import MissingMessage
from zhichan.web.testing import TestClient, WebEnv, _patents, csrf_from, login_as

#: a run of Chinese characters (CJK ideographs; punctuation between them is not text of its own)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
#: the national administrator first, then the roles with pages of their own (an officer's to-do list
#: and cases, an enterprise's page and applications, a bank's pledges) for what it did not see
USERS = ("root", "jinjiang_officer", "ent2_user", "cd_bank", "cd_leader")
#: path parameters that name something else than the scope test's value of the same name (the objects of
#: :func:`_objects` are filled in by it)
OWN_VALUES: dict[str, dict[str, str]] = {"/navigation/chains/{code}": {"code": "next_gen_it"},
                                         "/charts/{chart_id}.{fmt}": {"fmt": "svg"}}
#: routes whose URL needs a query besides its path
OWN_URLS = {"/search/export.{fmt}": "/search/export.csv?q=TI%3D锂离子电池"}
#: search terms in the example queries of the search box (Chinese terms search a Chinese corpus)
QUERY_EXAMPLES = ("锂离子电池", "新能源")
#: a coded value shown as it is stored (lapsed_unpaid, user.create): a label is missing
CODE = re.compile(r"(?<![\w./:-])[a-z]+(?:[._][a-z]+)+(?![\w/(-])")
FILE_SUFFIXES = (".json", ".pem", ".csv", ".xlsx", ".pdf", ".docx", ".yaml", ".md", ".svg", ".png")
#: what a page shows: the text between tags, and the attributes a reader sees (an option's value is not)
VISIBLE = re.compile(r'(?:title|placeholder|aria-label|alt)="([^"]*)"')


def _get_routes(app) -> Iterator[str]:
    for route in all_routes(app):
        methods = getattr(route, "methods", None) or set()
        if "GET" in methods and (isinstance(route, APIRoute) or hasattr(route, "endpoint")):
            path = route.path
            if not path.startswith(("/static", "/api/", "/assets", "/healthz", "/geo/")):
                yield path


class DataText:
    """Every text the platform holds as data; ``run in data`` is a substring test of megabytes, so each
    answer is kept (the pages repeat their runs: 9 of the test's CPU-seconds before)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._answers: dict[str, bool] = {}

    def __contains__(self, run: str) -> bool:
        found = self._answers.get(run)
        if found is None:
            found = self._answers[run] = run in self.text
        return found


def _data_text(env: WebEnv) -> DataText:
    """Every text the platform holds as data, one per line: corpus, workflow database, reference tables."""
    texts: list[str] = []
    for parquet in sorted(env.settings.corpus_dir.rglob("*.parquet")):
        table = pq.read_table(parquet)
        for column in table.columns:
            if str(column.type) in ("string", "large_string") or "list<" in str(column.type):
                texts.extend(str(v) for v in column.to_pylist() if v)
    meta = MetaData()
    meta.reflect(env.engine)
    with env.engine.connect() as con:  # type: ignore[attr-defined]
        for table in meta.sorted_tables:
            for row in con.execute(select(table)):
                texts.extend(v for v in row if isinstance(v, str))
    reference = files("zhichan.reference") / "data"
    for sub in ("regions", "ipc", "concordance"):
        for entry in (reference / sub).iterdir():
            if entry.name.endswith((".csv", ".tsv", ".txt")):
                texts.append(entry.read_text("utf-8"))
            elif entry.name.endswith(".gz"):
                with entry.open("rb") as fh:
                    texts.append(gzip.decompress(fh.read()).decode("utf-8"))
    # content a bureau replaces with its own, in its own words (shipped as examples): plan files,
    # industry-chain decomposition tables, the policy and case library's documents
    for package, folder in (("zhichan.indicators", "shipped_plans"), ("zhichan.navigation", "chains"),
                            ("zhichan.services", "library")):
        texts.extend(entry.read_text("utf-8") for entry in (files(package) / folder).iterdir()
                     if entry.name.endswith(".yaml"))
    texts.extend(QUERY_EXAMPLES)
    return DataText("\n".join(texts))


def _visible_text(body: str, attributes: bool = True) -> str:
    # scripts and styles are no text; <code> is what a user types (query syntax: 关键词=电池, 与/或/非)
    # or an identifier (an indicator's code)
    body = re.sub(r"<(script|style|code)\b.*?</\1>", " ", body, flags=re.S | re.I)
    shown = VISIBLE.findall(body) if attributes else []
    return html.unescape(re.sub(r"<[^>]+>", " ", body) + " " + " ".join(shown))


def _check(client: TestClient, url: str, lang: str, data: DataText, problems: list[str], answered: set[str]) -> bool:
    """GET ``url`` in ``lang``; False when it is not an HTML page (redirect, 4xx, a file). ``answered``
    collects the URLs that answered 200 (a page or a file)."""
    sep = "&" if "?" in url else "?"
    try:
        r = client.get(f"{url}{sep}lang={lang}", follow_redirects=False)
    except MissingMessage as exc:  # the suite runs the catalogues strict: report every page, then fail
        problems.append(f"{lang} {url}: {type(exc).__name__}: {exc}")
        return False
    if r.status_code >= 500:
        problems.append(f"{lang} {url}: {r.status_code}")
        return False
    if r.status_code == 200:
        answered.add(url)
    if r.status_code != 200 or not r.headers.get("content-type", "").startswith("text/html"):
        return False
    if lang == "en":
        foreign = sorted({run for run in HAN.findall(_visible_text(r.text)) if run not in data})
        if foreign:
            problems.append(f"en {url}: Chinese text: {' '.join(foreign[:12])}")
    else:
        # in the text (a column's code as its heading's tooltip is deliberate)
        raw = sorted({code for code in CODE.findall(_visible_text(r.text, attributes=False))
                      if code not in data and not code.endswith(FILE_SUFFIXES)})
        if raw:
            problems.append(f"zh {url}: raw codes: {' '.join(raw[:12])}")
    return True


def _post(client: TestClient, url: str, data: dict[str, str], page: str,
          files: dict[str, tuple[str, bytes, str]] | None = None) -> str:
    """A form of the app posted as a person does (the CSRF token of ``page``); where it redirects to."""
    r = client.post(url, data={**data, "csrf_token": csrf_from(client.get(page).text)}, files=files,
                    follow_redirects=False)
    assert r.status_code == 303, (url, r.status_code, r.text[:2000])
    return str(r.headers["location"])


def _act(env: WebEnv, who: str, case_id: int, event: str, fields: dict[str, str] | None = None,
         documents: tuple[str, ...] = (), slot: str = "doc") -> None:
    """A step of a case through the procedure engine; ``documents`` its declared documents (``slot``
    ``extra``: free attachments)."""
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import User
    from zhichan.platform.orgs import scope_for_user
    from zhichan.procedures.service import Upload

    service = env.app.state.procedures  # type: ignore[attr-defined]
    with session_scope(env.engine) as s:
        scope = scope_for_user(s, s.scalar(select(User).where(User.username == who)))
        version = service.case(s, scope, case_id)["case"]["version"]
        uploads = tuple(Upload(f"doc{i}" if slot == "doc" else slot, f"{name}.pdf", PDF + name.encode()) for i, name in enumerate(documents))
        service.act(s, scope, case_id, event, version=version, fields=fields or {}, uploads=uploads)


def _objects(env: WebEnv) -> dict[str, dict[str, str]]:
    """One object of every page that shows one, made as its users make it (the app's forms, the procedure
    engine, the job runner): route path → its path values."""
    from tests.dataip.helpers import FORM as DATAIP_FORM
    from tests.dataip.helpers import rewind_notice
    from zhichan.corpus.store import CorpusStore
    from zhichan.dataip.models import Registration
    from zhichan.evidence.service import utcnow
    from zhichan.exchange.models import Need, OpenLicence
    from zhichan.legaltime import china_date
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import Job
    from zhichan.protection.service import published_decision
    from zhichan.search.build import build_index

    build_index(CorpusStore(env.settings.corpus_dir).current())  # with the semantic vectors needs are matched by
    client = env.client()
    number = [str(p["application_number"]) for p in _patents()]  # 0–11: 成都示例科技有限公司 (武侯区)
    # the exchange: a listing and its auction, a need, a valuation, a published open licence
    login_as(client, env.engine, "ent_user")
    listing = _post(client, "/exchange/listings/new", {"asset_kind": "patent", "number": number[3], "mode": "sale",
                                                       "price": "800000", "description": "成套技术转让"},
                    "/exchange/listings/new")
    auction = _post(client, f"{listing}/auctions", {"starting_price": "500000", "increment": "10000",
                                                    "deposit": "50000", "closes_at": "2099-01-01T10:00"}, listing)
    valuation = _post(client, "/exchange/valuations/new", {"patent_number": number[2], "scenario": "finance",
                                                           "annual_revenue": "3000000", "share_rate": "4",
                                                           "rd_cost": "2000000"}, "/exchange/valuations/new")
    declared = _post(client, "/procedures/exchange.open_licence/new", {
        "patent_number": number[4], "patentee": "成都示例科技有限公司", "fee_method": "按净销售额提成",
        "fee_standard": "3", "payment_schedule": "按年支付", "fee_note": "按实施产品净销售额的3%逐年支付。",
        "term_from": "2026-01-01", "term_until": "2030-12-31", "contact": "李经理 028-87654321",
        "evaluation": "不适用（发明专利）", "commitment": "本声明内容真实，符合开放许可的规定，无夸大宣传"},
        "/procedures/exchange.open_licence/new")
    _act(env, "wuhou_officer", int(declared.rsplit("/", 1)[1]), "publish")
    login_as(client, env.engine, "ent2_user")  # a need of 锦江区's enterprise (its matches are its own)
    _post(client, "/exchange/needs", {"title": "固态电解质", "text": "需要固态电池电解质技术", "industry": "新能源",
                                      "budget": "2000000", "region": ""}, "/exchange/needs")
    login_as(client, env.engine, "ent_user")
    # a public service application
    service_case = _post(client, "/procedures/services.search_service/new", {
        "applicant": "成都示例科技有限公司", "topic": "固态电池电解质专利布局", "purpose": "专利布局",
        "contact": "王五 028-12345678"}, "/procedures/services.search_service/new",
        files={"doc0": ("申请表.pdf", PDF, "application/pdf")})
    # a data-IP registration, registered after its public notice (with its certificate)
    dataip_case = int(_post(client, "/procedures/dataip.registration/new", DATAIP_FORM,
                            "/procedures/dataip.registration/new").rsplit("/", 1)[1])
    _act(env, "wuhou_officer", dataip_case, "publish", {"review": "材料齐全"})
    rewind_notice(env.engine, dataip_case, 30)  # type: ignore[arg-type]  # the notice period has passed
    _act(env, "wuhou_officer", dataip_case, "register", {"reasons": "材料齐全"})
    # a patent dispute of 锦江区 adjudicated and its decision published
    dispute, _ = _jinjiang_case(env)
    today = china_date(utcnow()).isoformat()
    _act(env, "jinjiang_officer", dispute, "accept", {"panel": "张三、李四、王五"})
    _act(env, "jinjiang_officer", dispute, "serve", {"received_on": today}, ("送达回证",))
    _act(env, "jinjiang_officer", dispute, "answer", {}, ("答辩书",), slot="extra")
    _act(env, "jinjiang_officer", dispute, "forward_answer")
    _act(env, "jinjiang_officer", dispute, "decide", {"ruling": "驳回请求"}, ("裁决书",))
    _act(env, "jinjiang_officer", dispute, "publish", {"redaction": "已审查，裁决书原文公开"})
    # a navigation report run by the job runner, as its form queues it but in the one format the pages open: the
    # form gives no choice of formats, so its job renders DOCX and PDF in both languages (7.6 CPU-s at load 26);
    # the DOCX is opened by test_web_navigation
    login_as(client, env.engine, "cd_leader")
    _post(client, "/navigation/chains/nev/run", {"as_of": "2023-12-31"}, "/navigation/chains/nev")
    with session_scope(env.engine) as s:
        [job] = s.scalars(select(Job).where(Job.kind == "navigation.report"))
        job.params = json.dumps({**json.loads(job.params), "formats": ["pdf"]})
    while env.app.state.jobs.run_one(env.engine):  # type: ignore[attr-defined]
        pass  # every queued job (the scope test's 锦江区 job too)
    client.close()
    with session_scope(env.engine) as s:
        from zhichan.navigation.models import NavigationRun

        run_id = str(s.scalar(select(NavigationRun.id).where(NavigationRun.status == "succeeded")))
        decision = published_decision(s, dispute)
        need_id = str(s.scalar(select(Need.id)))
        declaration_id = str(s.scalar(select(OpenLicence.id).where(OpenLicence.published_on.is_not(None))))
        register = str(s.scalar(select(Registration.number).where(Registration.case_id == dataip_case)))
    ids = {"listing_id": listing.rsplit("/", 1)[1], "auction_id": auction.rsplit("/", 1)[1], "need_id": need_id,
           "declaration_id": declaration_id, "valuation_id": valuation.rsplit("/", 1)[1], "run_id": run_id,
           "number": register}
    return {
        "/protection/decisions/{case_id}": {"case_id": str(dispute)},
        "/protection/decisions/{case_id}/documents/{sha256}": {
            "case_id": str(dispute), "sha256": decision["documents"][0]["sha256"]},
        "/services/applications/{case_id}": {"case_id": service_case.rsplit("/", 1)[1]},
        "/exchange/valuations/{valuation_id}/report.{fmt}": {**ids, "fmt": "pdf"},
        "/navigation/runs/{run_id}/report.{fmt}": {**ids, "fmt": "pdf"},
        "": ids,  # every other route
    }


def _urls(env: WebEnv) -> dict[str, str]:
    """Route path → a URL of it naming an object that exists (锦江区's, which the administrator sees,
    and those of :func:`_objects`), and the form of every declared procedure."""
    values = {**_foreign_values(env, _jinjiang_job(env), _jinjiang_case(env), _jinjiang_finance(env)),
              "index": str(_jinjiang_deposit(env))}  # its page and certificate: ent2_user's
    _jinjiang_dormant(env)
    objects = _objects(env)
    values.update(objects.pop(""))
    urls = {path: OWN_URLS.get(path) or _fill(path, {**values, **objects.get(path, {}), **OWN_VALUES.get(path, {})})
            for path in sorted(set(_get_routes(env.app)))}
    for procedure in env.app.state.procedures.registry.procedures():  # type: ignore[attr-defined]
        urls[f"/procedures/{procedure}/new"] = f"/procedures/{procedure}/new"
    return urls


def test_every_page_in_both_languages(env: WebEnv, client: TestClient) -> None:
    urls = _urls(env)
    data = _data_text(env)
    problems: list[str] = []
    rendered: set[str] = set()
    answered: set[str] = set()
    for user in USERS:
        login_as(client, env.engine, user)
        for url in urls.values():
            if url not in rendered and url not in answered and _check(client, url, "zh", data, problems, answered):
                rendered.add(url)
                _check(client, url, "en", data, problems, answered)
    client.cookies.clear()
    public = 0
    for path, url in urls.items():
        if path in PUBLIC_GET and _check(client, url, "zh", data, problems, answered):
            public += 1
            _check(client, url, "en", data, problems, answered)
    assert not problems, "\n".join(problems)
    # a route naming an object is checked only when the object exists: one that no user could open has
    # no object here (give it one in _objects), so that no page is silently left out
    unopened = sorted(f"{path} ({url})" for path, url in urls.items() if "{" in path and url not in answered)
    assert not unopened, "routes with no object to open:\n" + "\n".join(unopened)
    assert len(rendered) >= 80 and public >= 20, (len(rendered), public)


@pytest.mark.browser
def test_english_pages_in_the_browser(page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """What a reader of the English pages sees: legal bases, a declared form's choices, IPC titles."""
    page.goto("/protection/complaints/new?lang=en")
    intro = page.locator("p.muted").first.inner_text()
    assert "Interim Measures for Handling Complaints and Reports in Market Regulation (2022 amendment)" in intro
    assert page.locator("select[name=target_kind] option[value='网站或网店']").inner_text() == "Website or online shop"
    page.screenshot(path=str(artifacts_dir / "i18n-complaint-en.png"), full_page=True)
    page.goto("/services?lang=en")
    assert "IP public service catalogue (local service commitment)" in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts_dir / "i18n-services-en.png"), full_page=True)
    page.goto("/search/form?lang=en")
    options = page.locator("#ipc-subclasses option").evaluate_all("os => os.map(o => o.textContent)")
    assert any(o.startswith("H01M ") and "BATTERIES" in o.upper() for o in options), options[:5]
    assert not any(HAN.search(o) for o in options)


def test_plan_forecasts_speak_the_page_language(env: WebEnv, client: TestClient) -> None:
    """A forecast's method (bilingual where it is computed) shows only the page's language."""
    login_as(client, env.engine, "root")  # the shipped plan's national target
    zh = client.get("/plans?lang=zh&as_of=2023-12-31").text
    en = client.get("/plans?lang=en&as_of=2023-12-31").text
    assert ("最小二乘" in zh or "无预测" in zh) and "least squares" not in zh and "No forecast" not in zh
    assert ("least squares" in en or "No forecast" in en) and "最小二乘" not in en and "无预测" not in en
