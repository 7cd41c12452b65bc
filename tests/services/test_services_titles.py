"""An application's title in the page's language (services/titles.py): the search service's named its company twice
(the topic began with it), a priority request's subject and an objection stayed Chinese on English pages, a
pre-examination led with its centre's code."""

from __future__ import annotations

from tests.procedures.helpers import PDF
from tests.web.test_web_languages import _visible_text
from zhichan.services.titles import objection_title, preexam_case_title, preexam_filing_title, priority_title
from zhichan.web.testing import WUHOU_ENTERPRISE, TestClient, WebEnv, csrf_from, login_as

SEARCH = "services.search_service"


def test_a_search_application_names_its_company_once(env: WebEnv, client: TestClient) -> None:
    login_as(client, env.engine, "ent_user")
    fields = {"csrf_token": csrf_from(client.get(f"/procedures/{SEARCH}/new").text), "applicant": WUHOU_ENTERPRISE,
              "topic": f"{WUHOU_ENTERPRISE}主营技术的专利检索分析", "purpose": "专利布局", "contact": "王五 028-12345678"}
    r = client.post(f"/procedures/{SEARCH}/new", data=fields, files={"doc0": ("申请表.pdf", PDF, "application/pdf")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    for lang in ("zh", "en"):
        for url, start, end in (("/services/applications", f'href="/services/applications/{case_id}"', "</tr>"),
                                (f"/services/applications/{case_id}", 'id="application-state"', "</p>"),
                                (f"/cases/{case_id}", "<h1>", "</h1>")):
            part = _visible_text(client.get(f"{url}?lang={lang}").text.split(start, 1)[1].split(end, 1)[0])
            assert f"主营技术的专利检索分析 · {WUHOU_ENTERPRISE}" in part and part.count(WUHOU_ENTERPRISE) == 1, (url, lang, part)
    # the district officer's to-do list (the application awaits its acceptance) reads the same
    login_as(client, env.engine, "wuhou_officer")
    todo = _visible_text(client.get("/todo?lang=en").text)
    assert f"主营技术的专利检索分析 · {WUHOU_ENTERPRISE}" in todo, todo[:800]


def test_titles_read_in_the_pages_language() -> None:
    priority = {"application_number": "CN202619000000.1", "subject": "发明专利申请"}
    assert priority_title(priority, "zh") == "CN202619000000.1 · 发明专利申请"
    assert priority_title(priority, "en") == "CN202619000000.1 · Invention application"
    filing = {"centre": "CN-HZ", "applicant": "杭州某科技有限公司"}
    assert preexam_filing_title(filing, "en") == "China (Hangzhou) IP Protection Centre (example) · 杭州某科技有限公司"
    assert preexam_filing_title(filing, "zh") == "中国（杭州）知识产权保护中心（示例） · 杭州某科技有限公司"
    assert preexam_filing_title({"centre": "XX-NO", "applicant": "某"}, "en") is None  # the stored title then
    assert preexam_case_title({"title": "一种装置", "applicant": "某公司", "centre": "CN-HZ"}, "en") == "一种装置 · 某公司"
    objection = {"programme": "SUB-2026-01", "line": 1, "grounds": "…"}
    assert objection_title(objection, "zh") == "SUB-2026-01 第 1 号 · 资助结果异议"
    assert objection_title(objection, "en") == "SUB-2026-01 line 1 · objection to the award"
    assert objection_title({"programme": "SUB-2026-01", "line": ""}, "en") == \
        "SUB-2026-01 application left off the list · objection to the award"


def test_a_topic_composed_of_an_ipc_subclass_reads_in_the_pages_language() -> None:
    """The demo's search topic is composed of an IPC subclass and its title; an English page showed it in Chinese
    (「B23F（齿轮或齿条的制造）相关技术的专利检索分析」 on the English to-do list)."""
    from zhichan.services.titles import ipc_topic, search_title

    assert ipc_topic("B23F", "zh") == "B23F（齿轮或齿条的制造）相关技术的专利检索分析"
    fields = {"applicant": "成都某科技有限公司", "topic": ipc_topic("B23F", "zh")}
    assert search_title(fields, "zh") == "B23F（齿轮或齿条的制造）相关技术的专利检索分析 · 成都某科技有限公司"
    assert search_title(fields, "en", {"成都某科技有限公司": "Chengdu X Co., Ltd."}) == (
        "Patent search and analysis of B23F (Making gears or toothed racks) · Chengdu X Co., Ltd.")
    assert search_title(fields | {"topic": "B25J（机械手）相关技术的专利检索分析"}, "en") == (
        "Patent search and analysis of B25J (Manipulators) · 成都某科技有限公司")
    # an applicant's own words stay as typed
    assert search_title(fields | {"topic": "锂电池隔膜领域的专利检索分析"}, "en") == "锂电池隔膜领域的专利检索分析 · 成都某科技有限公司"


def test_a_long_topic_is_cut_where_it_reads() -> None:
    """An English WIPO title without ";" (H01M's) was cut at 80 characters inside a word, its bracket left open
    (「…(Processes or means, e.g. batteries, for the d…」): the title is cut after a whole word, not on a comma, an
    "e.g." or a word leading to the next, inside its brackets; an applicant's English words are cut after a whole word
    too, and a Chinese topic at 80 characters as before."""
    from zhichan.services.titles import ipc_topic, search_title

    fields = {"applicant": "成都某科技有限公司", "topic": ipc_topic("H01M", "zh")}
    assert search_title(fields, "zh") == "H01M（用于直接转变化学能为电能的方法或装置）相关技术的专利检索分析 · 成都某科技有限公司"
    assert ipc_topic("H01M", "en") == "Patent search and analysis of H01M (Processes or means, e.g. batteries…)"
    assert search_title(fields, "en") == (
        "Patent search and analysis of H01M (Processes or means, e.g. batteries…) · 成都某科技有限公司")
    assert ipc_topic("H04L", "en") == "Patent search and analysis of H04L (Transmission of digital information…)"
    typed = ("Freedom-to-operate search on solid electrolytes for lithium batteries and the separators used with them "
             "in vehicles")
    assert search_title(fields | {"topic": typed}, "en") == (
        "Freedom-to-operate search on solid electrolytes for lithium batteries… · 成都某科技有限公司")
    chinese = "固态电池电解质" * 12
    assert search_title(fields | {"topic": chinese}, "en") == f"{chinese[:80]}… · 成都某科技有限公司"


def test_a_subclass_without_a_title_in_the_pages_language_says_so() -> None:
    """The English titles (WIPO's ~2020 edition) lack H10K, G06V …, the Chinese (2026.01) H01L: a search of H10K's
    technology read "Patent search and analysis of H10K (Electricity)" — its section's title as its own — where the
    search facet says the subclass has none there. One helper (``zhichan.web.labels.ipc_code_title``) now says so for
    both, whole (a note is not cut), and the search's own Chinese label of a facet value too."""
    from zhichan.search.service import _label
    from zhichan.services.titles import ipc_topic, search_title

    assert ipc_topic("H10K", "en") == (
        "Patent search and analysis of H10K (no title in the reference data; within H: Electricity)")
    assert ipc_topic("G06V", "en") == ("Patent search and analysis of G06V (no title in the reference data; within G06: "
                                       "Computing; calculating; counting)")
    assert ipc_topic("H10K", "zh") == "H10K（有机电固态器件）相关技术的专利检索分析"
    assert ipc_topic("H01L", "zh") == "H01L（参考数据中无此分类的标题；所属 H01：电气元件）相关技术的专利检索分析"
    assert ipc_topic("H01L", "en") == "Patent search and analysis of H01L (Semiconductor devices)"
    stored = {"applicant": "成都某科技有限公司", "topic": ipc_topic("H10K", "zh")}  # as the demo stores it, shown in English
    assert search_title(stored, "en") == (
        "Patent search and analysis of H10K (no title in the reference data; within H: Electricity) · 成都某科技有限公司")
    assert _label("ipc", "H01L") == "H01L（参考数据中无此分类的标题；所属 H01：电气元件）"
    assert _label("ipc", "H01M") == "H01M 用于直接转变化学能为电能的方法或装置，例如电池组"


def test_a_subsidy_round_is_titled_by_its_programme(env: WebEnv, client: TestClient) -> None:
    """A round's case read "SR-… · SUB-2026-01" — the programme's code alone — on its page and in lists: now the
    code and the programme's title in the page's language."""
    from tests.services.helpers import concluded_round

    round_id = concluded_round(env)
    login_as(client, env.engine, "cd_officer")
    for lang, title in (("zh", "SUB-2026-01 · 2026年度专利转化运用与高价值专利奖励（示例）"),
                        ("en", "SUB-2026-01 · 2026 awards for patent use and high-value patents (example)")):
        heading = _visible_text(client.get(f"/cases/{round_id}?lang={lang}").text.split("<h1>", 1)[1].split("</h1>", 1)[0])
        assert heading.strip().endswith(title), (lang, heading)
