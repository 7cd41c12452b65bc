"""The navigation report (专利导航分析报告) as a :class:`~zhichan.reports.document.Document`.

Built only from a :class:`~zhichan.navigation.analysis.NavigationResult`; the same document
renders as the web page, DOCX and PDF, in the language asked for: every text is a message of the
navigation catalogue (``zhichan/navigation/locale``, keys ``navigation.doc.*`` and the labels of
coded values), the numbers come from the result. The report records the chain definition (its
SHA-256 and a full copy in the appendix), the snapshot id, the as-of date and the generation time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from zhichan.corpus.parties import holder_display_name
from zhichan.legaltime import china_time
from zhichan.money import grouped_amount
from zhichan.navigation.analysis import RTA_MISSING, RTA_STRONG, RTA_WEAK, NavigationResult
from zhichan.navigation.recommend import doc_message, recent_from, recommendation_text
from zhichan.navigation.regions import region_label
from zhichan.navigation.schemas import Chain, branch_label
from zhichan.reports import charts
from zhichan.reports.document import BulletList, Document, Figure, Paragraph, Section, Table, grouped
from zhichan.web.i18n import DEFAULT_LANGUAGE, translate

#: applicants shown in the collaboration-network matrix (the most connected ones)
COLLABORATION_MATRIX_SIZE = 12


class Messages:
    """The report's texts in one language: ``m("key", …)`` is ``navigation.doc.<key>``; the labels of
    coded values (``navigation.<field>.<code>``) through :meth:`label`."""

    def __init__(self, lang: str, chain: Chain) -> None:
        self.lang = lang
        self.chain = chain

    def __call__(self, key: str, **values: object) -> str:
        return doc_message(self.lang, key, **values)

    def label(self, field: str, code: Any) -> str:
        return translate(self.lang, f"navigation.{field}.{code}")

    def region(self, code: str | None) -> str:
        """A region's name in the report's language (analysis results keep the codes)."""
        return region_label(code, self.lang)

    def place(self, row: dict[str, Any]) -> str:
        """Where an applicant is from: its region, else its country (a foreign applicant; results kept before they
        held the country show "—")."""
        return region_label(row.get("region_code"), self.lang, country=row.get("country"))

    def person(self, name: str, name_en: str | None, legal: bool = True) -> str:
        """A person (an inventor) in the report's language, as :meth:`holder` shows an applicant."""
        return self.holder({"name": name, "name_en": name_en}, legal=legal)

    def chain_name(self) -> str:
        """The chain's name in the report's language (its Chinese name where it has no English one)."""
        return self.chain.label(self.lang)

    def branch(self, branch_id: str, stored: str) -> str:
        """A branch's name in the report's language (``stored`` for a branch the chain no longer has)."""
        return branch_label(self.chain, branch_id, self.lang, stored)

    def path(self, branch_id: str, stored: str) -> str:
        """A branch with its ancestors (``动力电池 / 正极材料``) in the report's language."""
        return branch_label(self.chain, branch_id, self.lang, stored, path=True)

    def holder(self, row: dict[str, Any], legal: bool = True) -> str:
        """An applicant in the report's language (:func:`zhichan.corpus.parties.holder_display_name`); in English
        with its legal (Chinese) name after it where they differ, unless ``legal`` is false (a chart's label)."""
        shown = holder_display_name(row, self.lang)
        name = str(row.get("name") or "")
        return f"{shown} ({name})" if legal and shown != name else shown

    def type_label(self, code: str | None) -> str:
        """An applicant type (a type the catalogue does not know is shown as stored)."""
        return self.label("applicant_type", code) if code in APPLICANT_TYPES else str(code or "")

    def count(self, noun: str, n: int) -> str:
        """``n`` of ``noun`` as the report's sentences count (``navigation.doc.count.<noun>``, its plural form chosen by
        ``n``): "1 patent", "14 patents", "14 件" — a sentence names no plural noun after a figure that may be 1."""
        return self(f"count.{noun}", n=n)

    def yes_no(self, value: Any) -> Any:
        return self("yes" if value else "no") if isinstance(value, bool) else value

    def sep(self) -> str:
        """Between the items of an inline list (、 in Chinese)."""
        return self("list_sep")


APPLICANT_TYPES = ("enterprise", "university", "institute", "individual", "government", "other")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _yuan(x: Decimal | None) -> str:
    """An amount in yuan to the fen (``1,000,000.00``; the column heading names the unit), — when none is known."""
    return "—" if x is None else grouped_amount(x, cents=True)


def _rta(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def report_metadata(result: NavigationResult, generated_at: dt.datetime,
                    lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, str]]:
    m = Messages(lang, result.chain)
    chain = result.chain
    return [
        (m("meta.chain"), m("chain_named", name=m.chain_name(), code=chain.code, version=chain.version)),
        (m("meta.region"), m("region_named", name=m.region(result.region_code), code=result.region_code)),
        (m("meta.as_of"), result.as_of.isoformat()),
        (m("meta.snapshot"), result.snapshot_id),
        (m("meta.chain_hash"), chain.definition_hash()),
        (m("meta.generated"), f'{china_time(generated_at, "%Y-%m-%d %H:%M:%S")} {m("meta.beijing_time")}'),
    ]


def _overview(r: NavigationResult, m: Messages) -> Section:
    o = r.overview
    s = Section(m("overview.title"))
    s.add(Paragraph(m(
        "overview.text", as_of=r.as_of.isoformat(), chain=m.chain_name(), patents=m.count("patents", o["patents"]),
        inventions=m.count("inventions", o["inventions"]), utility_models=m.count("utility_models", o["utility_models"]),
        designs=m.count("designs", o["designs"]), applicants=m.count("applicants", o["applicants"]),
        domestic=m.count("domestic", o["domestic"]), region=m.region(r.region_code), local=m.count("patents", o["local"]),
        local_share=_pct(o["local_share"]), local_applicants=m.count("local_applicants", o["local_applicants"]),
        local_valid_inventions=m.count("valid_inventions", o["local_valid_inventions"]),
        local_high_value=m.count("high_value", o["local_high_value"]),
        stage=m.label("stage", r.life_cycle["stage"]),
    )))
    s.add(Table([m("col.indicator"), m("col.all"), f"{m.region(r.region_code)}"], [
        [m("overview.applications"), o["patents"], o["local"]],
        [m("overview.applicants"), o["applicants"], o["local_applicants"]],
        [m("overview.valid_inventions"), o["valid_inventions"], o["local_valid_inventions"]],
        [m("overview.high_value"), o["high_value"], o["local_high_value"]],
    ], caption=m("overview.table"), table_id="t-overview"))
    return s


def _trend(r: NavigationResult, m: Messages) -> Section:
    s = Section(m("trend.title"))
    lc = r.life_cycle
    if not r.trend:
        s.add(Paragraph(m("trend.none")))
        return s
    # the chain's applications and the region's, each in a panel on its own scale: on one axis the region's few a
    # year (Chengdu's ~3 against the chain's ~110) lay flat along its bottom. Small multiples rather than a second
    # axis (whose lines' crossings and heights read as comparisons they are not) or an index (which hides how many,
    # and jumps on a region's handful a year): each panel reads in patents, the same lines in the same colours
    region = m.region(r.region_code)
    s.add(Figure(charts.line_panels(
        "nav-trend", r.trend, x="year",
        series={"applications": m("trend.applications"), "applicants": m("trend.applicants")},
        panels=[(m("trend.panel_chain"), {"applications": "applications", "applicants": "applicants"}),
                (m("trend.panel_region", region=region),
                 {"applications": "local_applications", "applicants": "local_applicants"})],
        title=m("trend.chart"), x_title=m("trend.year"), y_title=m("trend.y_title"),
    ), m("trend.figure", region=region, first=lc["incomplete"][0], last=lc["incomplete"][1])))
    s.add(Figure(charts.connected_scatter(
        "nav-life-cycle", r.trend, x="applicants", y="applications", order="year",
        # its axes with their units, as the trend chart's (件 / 个): the legend's and the table's words name no unit
        title=m("trend.life_cycle_chart"), x_title=m("trend.life_cycle_x"), y_title=m("trend.life_cycle_y"),
        order_title=m("trend.year"),
    ), m("trend.life_cycle_figure")))
    s.add(Paragraph(m(
        "trend.rule", w2_first=lc["w2"][0], w2_last=lc["w2"][1], w1_first=lc["w1"][0], w1_last=lc["w1"][1],
        apps_w1=lc["apps_w1"], apps_w2=lc["apps_w2"], applicants_w1=lc["applicants_w1"],
        applicants_w2=lc["applicants_w2"], stage=m.label("stage", lc["stage"]),
    )))
    s.add(Table([m("trend.year"), m("col.applications"), m("col.applicants"), m("col.inventions"),
                 m("col.local_applications", region=m.region(r.region_code)),
                 m("col.local_applicants", region=m.region(r.region_code))],
                [[t["year"], t["applications"], t["applicants"], t["inventions"], t["local_applications"],
                  t["local_applicants"]] for t in r.trend], caption=m("trend.table"), table_id="t-trend", plain_columns=(0,)))
    return s


def _regions(r: NavigationResult, m: Messages) -> Section:
    peer = m.label("peer", r.peer_level)
    s = Section(m("regions.title"))
    hr = r.home_rank
    rank_text = (m("regions.rank", rank=hr["rank"], of=hr["of"], peer=peer) if hr["rank"]
                 else m("regions.unranked", of=hr["of"], peer=peer))
    s.add(Paragraph(m("regions.text", region=m.region(r.region_code), patents=hr["patents"], rank=rank_text,
                      share=_pct(hr["share"]))))
    top = r.regions[: r.params.top]
    if not any(x["is_home"] for x in top):
        top = top + [x for x in r.regions if x["is_home"]]
    if top:
        s.add(Figure(charts.bar(
            "nav-regions", [{"region": m.region(x["region_code"]), "patents": x["patents"]} for x in top], category="region",
            value="patents", title=m("regions.chart", peer=peer), category_title=m("col.region"),
            value_title=m("col.applications"),
            highlight=m.region(r.region_code),
        ), m("regions.figure", peer=peer, region=m.region(r.region_code))))
    s.add(Table([m("col.rank"), m("col.region_code"), m.label("peer_column", r.peer_level), m("col.applications"), m("col.inventions"),
                 m("col.valid_inventions"), m("col.applicants"), m("col.domestic_share")],
                [[x["rank"], x["region_code"], m.region(x["region_code"]), x["patents"], x["inventions"], x["valid_inventions"],
                  x["applicants"], _pct(x["share"])] for x in top],
                caption=m("regions.table", peer=peer), table_id="t-regions"))
    return s


def _branches(r: NavigationResult, m: Messages) -> Section:
    s = Section(m("branches.title"))
    s.add(Paragraph(m(
        "branches.rule", region=m.region(r.region_code), chain_share=_pct(r.overview["local_share"]), missing=RTA_MISSING,
        weak=RTA_WEAK, strong=RTA_STRONG, min_patents=r.params.min_branch_patents,
    )))
    s.add(Table([m("col.branch_id"), m("col.branch"), m("col.level"), m("col.applications"), m("col.domestic"),
                 m("col.region_patents", region=m.region(r.region_code)), m("col.local_share"), "RTA", m("col.judgement"), m("col.life_cycle")],
                [[b["branch_id"], m.path(b["branch_id"], b["path"]), b["level"], b["patents"], b["domestic"], b["local"],
                  _pct(b["local_share"]), _rta(b["rta"]), m.label("strength", b["strength"]),
                  m.label("stage", b["stage"])] for b in r.branches],
                caption=m("branches.table"), table_id="t-branches", plain_columns=(2,), whole_columns=(8,)))
    if r.matrix:
        matrix = [{**x, "region": m.region(x["region_code"]), "branch": m.branch(x["branch_id"], x["branch"]),
                   "label": grouped(x["patents"])} for x in r.matrix]
        order_regions = [x["region"] for x in matrix if x["branch_id"] == r.branches[0]["branch_id"]]
        s.add(Figure(charts.heatmap(
            "nav-branch-matrix", matrix, x="region", y="branch",
            value="rta", text="label", title=m("branches.matrix_chart"), value_title="RTA",
            x_title=m("col.region"), y_title=m("col.branch"),
            x_order=order_regions, y_order=[m.branch(b["branch_id"], b["name"]) for b in r.branches], diverging_mid=1.0,
        ), m("branches.matrix_figure")))
    missing = [b for b in r.branches if b["strength"] in ("missing", "weak")]
    strong = [b for b in r.branches if b["strength"] == "strong"]
    items = [m("branches.item", judgement=m.label("strength", b["strength"]), path=m.path(b["branch_id"], b["path"]), local=b["local"],
               domestic=b["domestic"], rta=_rta(b["rta"])) for b in missing + strong]
    if items:
        s.add(BulletList(items))
    return s


def _applicant_rows(rows: list[dict[str, Any]], m: Messages) -> list[list[Any]]:
    return [[x["rank"], m.holder(x), m.type_label(x["applicant_type"]), m.place(x), x["patents"], x["inventions"],
             x["valid_inventions"], x["high_value"]] for x in rows]


def _innovators(r: NavigationResult, m: Messages) -> Section:
    s = Section(m("innovators.title"))
    if r.synthetic:  # the rankings name generated parties: say so where their names are read
        s.add(Paragraph(m("innovators.synthetic")))
    cols = [m("col.rank"), m("col.applicant"), m("col.type"), m("col.region"), m("col.applications"),
            m("col.inventions"), m("col.valid_inventions"), m("col.high_value_patents")]
    national = s.sub(m("innovators.national"))
    if r.top_national:
        # a bar per applicant: two whose English names coincide (新/信/鑫 all read xin) keep their legal names
        short = Counter(m.holder(x, legal=False) for x in r.top_national)
        national.add(Figure(charts.bar(
            "nav-top-applicants", [{"name": m.holder(x, legal=short[m.holder(x, legal=False)] > 1), "patents": x["patents"],
                                    "local": m("innovators.local" if x["is_local"] else "innovators.external")}
                                   for x in r.top_national],
            category="name", value="patents", color="local", title=m("innovators.chart"),
            category_title=m("col.applicant"), value_title=m("col.applications"), color_title=m("innovators.location"),
            width=420,  # beside names up to charts.LABEL_LIMIT: printed at ~80 %
        ), m("innovators.national_figure")))
    national.add(Table(cols, _applicant_rows(r.top_national, m), caption=m("innovators.national_table"),
                       table_id="t-top-national"))
    local = s.sub(m("innovators.local_title", region=m.region(r.region_code)))
    local.add(Table(cols, _applicant_rows(r.top_local, m), caption=m("innovators.local_table", region=m.region(r.region_code)),
                    table_id="t-top-local"))
    types = s.sub(m("innovators.types"))
    types.add(Table([m("col.type"), m("col.applicants"), m("col.applications"), m("col.valid_inventions")],
                    [[m.type_label(x["applicant_type"]), x["applicants"], x["patents"], x["valid_inventions"]]
                     for x in r.innovator_types],
                    caption=m("innovators.types_table"), table_id="t-types"))
    for kind in ("enterprise", "university", "institute"):
        rows = r.local_by_type.get(kind) or []
        if rows:
            types.add(Paragraph(m("innovators.of_type", type=m.type_label(kind), applicants=m("item_sep").join(
                m("innovators.applicant_patents", name=m.holder(x), patents=x["patents"]) for x in rows))))
    teams = s.sub(m("innovators.teams"))
    teams.add(Paragraph(m("innovators.teams_rule")))
    teams.add(Table([m("col.lead_inventor"), m("col.lead_patents"), m("col.members"), m("col.team_patents"),
                     m("col.team_applicant"), m("col.member_names")],
                    [[m.person(t["lead_inventor"], t.get("lead_inventor_en")), t["lead_patents"], t["members"], t["patents"],
                      m.holder({"name": t["applicant"], "name_en": t.get("applicant_en")}),
                      m.sep().join(m.person(n, en, legal=False) for n, en in
                                   zip(t["member_names"], t.get("member_names_en") or [None] * len(t["member_names"]),
                                       strict=True))] for t in r.teams],
                    caption=m("innovators.teams_table"), table_id="t-teams"))
    return s


def _collaboration(r: NavigationResult, m: Messages) -> Section:
    c = r.collaboration
    s = Section(m("collaboration.title"))
    s.add(Paragraph(m("collaboration.text", joint=c.get("joint_patents", 0), region=m.region(r.region_code),
                      local_joint=c.get("local_joint_patents", 0),
                      industry_academia=c.get("industry_academia_patents", 0))))
    def side(p: dict[str, Any], x: str, legal: bool = True) -> str:
        return m.holder({"name": p[f"applicant_{x}"], "name_en": p.get(f"applicant_{x}_en")}, legal=legal)

    s.add(Table([m("col.applicant_a"), m("col.applicant_b"), m("col.joint_patents"), m("col.involves_local"),
                 m("col.industry_academia")],
                [[side(p, "a"), side(p, "b"), p["patents"], m.yes_no(p["involves_local"]),
                  m.yes_no(p["industry_academia"])] for p in r.pairs],
                caption=m("collaboration.table"), table_id="t-pairs"))
    # the chart's axes in the report's language; two parties whose English names coincide keep their legal names
    short = Counter(shown for shown, _ in {(side(p, x, legal=False), p[f"applicant_{x}"]) for p in r.pairs for x in "ab"})
    shown = [{**p, **{f"applicant_{x}": side(p, x, legal=short[side(p, x, legal=False)] > 1) for x in "ab"}}
             for p in r.pairs]
    cells, names = collaboration_matrix(shown)
    if cells:
        # each applicant numbered: its row labelled with its number and whole name, its column with the number only,
        # upright — the names slanted under twelve columns made the chart so wide that it was printed small, both
        # axes' English names cut with "…"
        number = {name: str(i) for i, name in enumerate(names, 1)}
        row = {name: f"{number[name]}  {name}" for name in names}
        numbered = [{**c, "applicant_a": row[c["applicant_a"]], "applicant_b": number[c["applicant_b"]]} for c in cells]
        s.add(Figure(charts.heatmap(
            "nav-collaboration", numbered, x="applicant_b", y="applicant_a", value="patents", text="label",
            title=m("collaboration.chart"), value_title=m("col.joint_patents"), x_title=m("collaboration.columns"),
            y_title=m("col.applicant"),
            x_order=[number[n] for n in names], y_order=[row[n] for n in names], x_label_angle=0,
            width=max(160, 30 * len(names)), height=max(120, 22 * len(names)),
        ), m("collaboration.figure")))
    return s


def collaboration_matrix(pairs: list[dict[str, Any]], size: int = COLLABORATION_MATRIX_SIZE
                         ) -> tuple[list[dict[str, Any]], list[str]]:
    """The co-applicant network as a symmetric matrix: the ``size`` applicants with the most joint
    patents among the top pairs, ordered by that count, and one cell per linked pair (both ways). An applicant
    none of whose partners is among them is left out: its row and column would hold no cell, and the chart skipped
    them, so its numbers ran 1 … 7, 10, 12."""
    weight: dict[str, int] = {}
    for p in pairs:
        for name in (p["applicant_a"], p["applicant_b"]):
            weight[name] = weight.get(name, 0) + int(p["patents"])
    names = sorted(weight, key=lambda n: (-weight[n], n))[:size]
    keep = set(names)
    cells = []
    for p in pairs:
        a, b = p["applicant_a"], p["applicant_b"]
        if a in keep and b in keep:
            for x, y in ((a, b), (b, a)):
                cells.append({"applicant_a": x, "applicant_b": y, "patents": int(p["patents"]),
                              "label": grouped(int(p["patents"]))})
    linked = {c["applicant_a"] for c in cells}
    return cells, [n for n in names if n in linked]


#: the rows of the high-value table: the flag counted and its message
HIGH_VALUE_ROWS = ("valid_inventions", "high_value", "sei", "overseas_family", "maintained_10y", "pledge", "award")


def _core(r: NavigationResult, m: Messages) -> Section:
    s = Section(m("core.title"))
    hv = r.high_value
    rows = [[m(f"core.{key}"), hv["chain"].get(key, 0), hv["local"].get(key, 0)] for key in HIGH_VALUE_ROWS]
    s.add(Table([m("col.indicator"), m("col.all_patents"), m("col.region_patents", region=m.region(r.region_code))], rows,
                caption=m("core.hv_table"), table_id="t-hv"))
    s.add(Table([m("col.application_number"), m("col.title"), m("col.applicant"), m("col.local"),
                 m("col.filing_year"), m("col.citations"), m("col.family"), m("col.high_value"), m("col.status")],
                [[c["application_number"], c["title"], m.holder({"name": c["applicant"], "name_en": c.get("applicant_en")}),
                  m.yes_no(c["is_local"]), c["filing_year"],
                  c["forward_citations"], c["family_size"], m.yes_no(c["is_high_value"]),
                  m.label("status", c["status_as_of"])] for c in r.core_patents],
                caption=m("core.table"), table_id="t-core", plain_columns=(4,)))
    return s


def _legal(r: NavigationResult, m: Messages) -> Section:
    s = Section(m("legal.title"))
    if r.legal_status:
        s.add(Figure(charts.pie("nav-legal-status", [{"status": m.label("status", x["status"]),
                                                      "patents": x["patents"]} for x in r.legal_status],
                                category="status", value="patents", title=m("legal.chart"),
                                category_title=m("col.legal_status"), value_title=m("col.applications")),
                     m("legal.figure")))
    s.add(Table([m("col.legal_status"), m("col.all_patents"), m("col.region_patents", region=m.region(r.region_code))],
                [[m.label("status", x["status"]), x["patents"], x["local"]] for x in r.legal_status],
                caption=m("legal.table"), table_id="t-status"))
    s.add(Table([m("col.operation"), m("col.events"), m("col.patents_involved"),
                 m("col.local_events", region=m.region(r.region_code)), m("col.amount"),
                 m("col.local_amount", region=m.region(r.region_code))],
                [[m.label("event", x["event_type"]), x["events"], x["patents"], x["local_events"], _yuan(x["amount_yuan"]),
                  _yuan(x["local_amount_yuan"])] for x in r.operations],
                caption=m("legal.operations_table"), table_id="t-operations"))
    return s


def _recommendations(r: NavigationResult, m: Messages) -> Section:
    s = Section(m("recommendations.title"))
    s.add(Paragraph(m("recommendations.note", since=recent_from(r), min_patents=r.params.min_target_patents),
                    style="note"))
    for number, kind in enumerate(("investment", "talent", "transfer", "strengthen"), 1):
        items = [recommendation_text(x, r, m.lang) for x in r.recommendations if x["kind"] == kind]
        sub = s.sub(m("recommendations.kind_title", number=number, kind=m.label("recommendation", kind)))
        sub.add(BulletList(items) if items else Paragraph(m("recommendations.none"), style="note"))
    return s


def _changes(r: NavigationResult, m: Messages) -> Section | None:
    c = r.changes
    if not c:
        return None
    s = Section(m("changes.title"))
    s.add(Paragraph(m(
        "changes.text", previous_as_of=c["previous_as_of"], previous_snapshot=c["previous_snapshot"],
        patents_before=c["patents_before"], patents_now=c["patents_now"], region=m.region(r.region_code),
        local_before=c["local_before"], local_now=c["local_now"], rank_before=c["rank_before"] or "—",
        rank_now=c["rank_now"] or "—",
    )))
    s.add(Table([m("col.branch_id"), m("col.branch"), m("col.before"), m("col.now"), m("col.delta_patents"),
                 m("col.local_before", region=m.region(r.region_code)), m("col.local_now", region=m.region(r.region_code)),
                 m("col.judgement")],
                [[b["branch_id"], m.path(b["branch_id"], b["name"]), b["before"], b["now"], b["delta"], b["local_before"], b["local_now"],
                  m.label("change", b["trend"])] for b in c["branches"]],
                caption=m("changes.branches_table"), table_id="t-change-branches"))
    if c["new_applicants"]:
        listed = m.sep().join(m("changes.new_applicant", name=a["name"], patents=a["patents"])
                              for a in c["new_applicants"])
        s.add(Paragraph(m("changes.new_applicants_listed", n=c["new_applicants_count"], applicants=listed)))
    else:
        s.add(Paragraph(m("changes.new_applicants", n=c["new_applicants_count"])))
    s.add(Table([m("col.applicant"), m("col.rank_before"), m("col.rank_now"), m("col.delta")],
                [[m.holder(x), x["rank_before"] or "—", x["rank_now"],
                  m("changes.entered") if x["move"] == "new" else x["move"]] for x in c["rank_changes"]],
                caption=m("changes.ranks_table"), table_id="t-change-ranks"))
    return s


def _about(r: NavigationResult, m: Messages) -> Section:
    s = Section(m("about.title"))
    s.add(Paragraph(m("about.text")))
    s.add(BulletList([
        m("about.attribution"),
        m("about.as_of"),
        m("about.publication_lag", first=r.life_cycle["incomplete"][0], last=r.life_cycle["incomplete"][1]),
        m("about.reproducible", chain_hash=r.chain.definition_hash()),
    ]))
    return s


def _appendix(r: NavigationResult, m: Messages) -> Section:
    s = Section(m("appendix.title"))
    s.add(Paragraph(m("appendix.text", chain=m("chain_named", name=m.chain_name(), code=r.chain.code,
                                               version=r.chain.version), description=r.chain.description_in(m.lang))))
    # the English appendix gives both names: the Chinese one is the definition's, the queries use it
    names = [m("col.name_zh"), m("col.name_en")] if m.lang == "en" else [m("col.name")]
    s.add(Table([m("col.branch_id"), *names, m("col.level"),
                 m("col.parent"), m("col.query")],
                [[b.id, b.name, *([b.name_en or "—"] if m.lang == "en" else []), b.level, b.parent or "", b.query]
                 for b in r.chain.branches],
                caption=m("appendix.table"), table_id="t-chain", plain_columns=(len(names) + 1,), whole_columns=(1,)))
    return s


def build_document(result: NavigationResult, generated_at: dt.datetime, lang: str = DEFAULT_LANGUAGE) -> Document:
    """The report in ``lang`` (a language of :data:`zhichan.web.i18n.LANGUAGES`)."""
    m = Messages(lang, result.chain)
    doc = Document(
        title=m("title", chain=m.chain_name()),
        subtitle=m("subtitle", region=m.region(result.region_code), as_of=result.as_of.isoformat()),
        metadata=report_metadata(result, generated_at, lang),
        generated_at=generated_at,
        synthetic=result.synthetic,
        lang=lang,
    )
    sections = [_about(result, m), _overview(result, m), _trend(result, m), _regions(result, m),
                _branches(result, m), _innovators(result, m), _collaboration(result, m), _core(result, m),
                _legal(result, m), _recommendations(result, m), _changes(result, m), _appendix(result, m)]
    doc.sections = [s for s in sections if s is not None]
    return doc


__all__ = ["build_document", "report_metadata"]
