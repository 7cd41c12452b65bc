"""The navigation report (专利导航分析报告) as a :class:`~zhichan.reports.document.Document`.

Built only from a :class:`~zhichan.navigation.analysis.NavigationResult`; the same document
renders as the web page, DOCX and PDF. The report records the chain definition (its SHA-256 and
a full copy in the appendix), the snapshot id, the as-of date and the generation time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhichan.navigation.analysis import (
    RTA_MISSING,
    RTA_STRONG,
    RTA_WEAK,
    STAGE_LABELS,
    TYPE_LABELS,
    NavigationResult,
)
from zhichan.reports import charts
from zhichan.reports.document import BulletList, Document, Figure, Paragraph, Section, Table

PEER_LABELS = {"province": "省份", "city": "城市", "county": "区县"}
#: applicants shown in the collaboration-network matrix (the most connected ones)
COLLABORATION_MATRIX_SIZE = 12


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _rta(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def report_metadata(result: NavigationResult, generated_at: dt.datetime) -> list[tuple[str, str]]:
    chain = result.chain
    return [
        ("产业链 / chain", f"{chain.name}（{chain.code}，第 {chain.version} 版）"),
        ("本地区域 / home region", f"{result.region_name}（{result.region_code}）"),
        ("统计截止日 / as of", result.as_of.isoformat()),
        ("数据快照 / snapshot", result.snapshot_id),
        ("产业链定义 SHA-256 / chain hash", chain.definition_hash()),
        ("生成时间 / generated", generated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
    ]


def _overview(r: NavigationResult) -> Section:
    o = r.overview
    s = Section("一、总体概况")
    s.add(Paragraph(
        f"截至 {r.as_of.isoformat()}，{r.chain.name}产业链共检索到专利 {o['patents']} 件（发明 {o['inventions']} 件、"
        f"实用新型 {o['utility_models']} 件、外观设计 {o['designs']} 件），涉及申请人 {o['applicants']} 个；其中国内申请 "
        f"{o['domestic']} 件。{r.region_name}拥有 {o['local']} 件，占国内的 {_pct(o['local_share'])}，"
        f"本地申请人 {o['local_applicants']} 个，本地有效发明专利 {o['local_valid_inventions']} 件、高价值发明专利 "
        f"{o['local_high_value']} 件。技术生命周期判断为「{r.life_cycle['label']}」。"
    ))
    s.add(Table(["指标", "全部", f"{r.region_name}"], [
        ["专利申请量（件）", o["patents"], o["local"]],
        ["申请人（个）", o["applicants"], o["local_applicants"]],
        ["有效发明专利（件）", o["valid_inventions"], o["local_valid_inventions"]],
        ["高价值发明专利（件）", o["high_value"], o["local_high_value"]],
    ], caption="表 1 总体概况", table_id="t-overview"))
    return s


def _trend(r: NavigationResult) -> Section:
    s = Section("二、申请趋势与技术生命周期")
    lc = r.life_cycle
    if not r.trend:
        s.add(Paragraph("截至统计日，本产业链没有检索到专利。"))
        return s
    s.add(Figure(charts.line(
        "nav-trend", r.trend, x="year", y=["applications", "applicants", "local_applications"],
        labels={"applications": "申请量", "applicants": "申请人数", "local_applications": f"{r.region_name}申请量"},
        title="年度申请量与申请人数", x_title="申请年", y_title="件 / 个",
    ), f"图 1 年度申请量与申请人数（{lc['incomplete'][0]}–{lc['incomplete'][1]} 年申请受公开滞后影响，数据不完整，"
       "不用于生命周期判定）"))
    s.add(Figure(charts.connected_scatter(
        "nav-life-cycle", r.trend, x="applicants", y="applications", order="year",
        title="技术生命周期（申请人数—申请量）", x_title="申请人数", y_title="申请量",
    ), "图 2 技术生命周期图"))
    s.add(Paragraph(
        f"判定规则：比较最近三个完整年度 {lc['w2'][0]}–{lc['w2'][1]} 与此前三年 {lc['w1'][0]}–{lc['w1'][1]}。"
        f"申请量 {lc['apps_w1']} → {lc['apps_w2']} 件，申请人 {lc['applicants_w1']} → {lc['applicants_w2']} 个，"
        f"判定为「{lc['label']}」。（前一窗口为零或增长至 4 倍以上为萌芽期；申请量与申请人均增长 ≥20% 为成长期；"
        "均下降 ≥20% 为衰退期；其余为成熟期。）"
    ))
    s.add(Table(["申请年", "申请量", "申请人数", "发明", f"{r.region_name}申请量", f"{r.region_name}申请人数"],
                [[t["year"], t["applications"], t["applicants"], t["inventions"], t["local_applications"],
                  t["local_applicants"]] for t in r.trend], caption="表 2 年度申请趋势", table_id="t-trend"))
    return s


def _regions(r: NavigationResult) -> Section:
    peer = PEER_LABELS[r.peer_level]
    s = Section("三、区域格局")
    hr = r.home_rank
    rank_text = f"第 {hr['rank']} 位（共 {hr['of']} 个{peer}）" if hr["rank"] else f"未进入排名（共 {hr['of']} 个{peer}）"
    s.add(Paragraph(
        f"按第一权利人所在地统计国内申请，{r.region_name}以 {hr['patents']} 件居{rank_text}，占国内 {_pct(hr['share'])}。"
    ))
    top = r.regions[: r.params.top]
    if not any(x["is_home"] for x in top):
        top = top + [x for x in r.regions if x["is_home"]]
    if top:
        s.add(Figure(charts.bar(
            "nav-regions", [{"region": x["name"], "patents": x["patents"]} for x in top], category="region",
            value="patents", title=f"{peer}排名（国内申请量）", value_title="件", highlight=r.region_name,
        ), f"图 3 {peer}排名（{r.region_name}以橙色标出）"))
    s.add(Table(["排名", "区划代码", peer, "申请量", "发明", "有效发明", "申请人", "占国内"],
                [[x["rank"], x["region_code"], x["name"], x["patents"], x["inventions"], x["valid_inventions"],
                  x["applicants"], _pct(x["share"])] for x in top], caption=f"表 3 {peer}排名", table_id="t-regions"))
    return s


def _branches(r: NavigationResult) -> Section:
    s = Section("四、技术分支与补链分析")
    s.add(Paragraph(
        f"显示性技术优势指数 RTA = （{r.region_name}在该分支的国内占比）÷（{r.region_name}在全产业链的国内占比 "
        f"{_pct(r.overview['local_share'])}）。RTA < {RTA_MISSING} 为缺失（补链），{RTA_MISSING}–{RTA_WEAK} 为薄弱，"
        f"{RTA_WEAK}–{RTA_STRONG} 为均衡，≥ {RTA_STRONG} 为优势；国内申请少于 {r.params.min_branch_patents} 件的分支不作判断。"
    ))
    s.add(Table(["编号", "技术分支", "层级", "申请量", "国内", f"{r.region_name}", "本地占比", "RTA", "判断", "生命周期"],
                [[b["branch_id"], b["path"], b["level"], b["patents"], b["domestic"], b["local"],
                  _pct(b["local_share"]), _rta(b["rta"]), b["strength_label"], b["stage_label"]]
                 for b in r.branches], caption="表 4 技术分支强弱", table_id="t-branches"))
    if r.matrix:
        order_regions = [m["region"] for m in r.matrix if m["branch_id"] == r.branches[0]["branch_id"]]
        s.add(Figure(charts.heatmap(
            "nav-branch-matrix", [{**m, "label": f"{m['patents']}"} for m in r.matrix], x="region", y="branch",
            value="rta", text="label", title="技术分支 × 区域（颜色：RTA，数字：申请量）", value_title="RTA",
            x_order=order_regions, y_order=[b["name"] for b in r.branches], diverging_mid=1.0,
        ), "图 4 技术分支 × 区域矩阵"))
    missing = [b for b in r.branches if b["strength"] in ("missing", "weak")]
    strong = [b for b in r.branches if b["strength"] == "strong"]
    items = [f"{b['strength_label']}：{b['path']} — 本地 {b['local']} 件 / 国内 {b['domestic']} 件，"
             f"RTA {_rta(b['rta'])}" for b in missing]
    items += [f"优势：{b['path']} — 本地 {b['local']} 件 / 国内 {b['domestic']} 件，RTA {_rta(b['rta'])}" for b in strong]
    if items:
        s.add(BulletList(items))
    return s


def _applicant_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[x["rank"], x["name"], x["type_label"], x["region"], x["patents"], x["inventions"], x["valid_inventions"],
             x["high_value"]] for x in rows]


def _innovators(r: NavigationResult) -> Section:
    s = Section("五、创新主体")
    cols = ["排名", "申请人", "类型", "地区", "申请量", "发明", "有效发明", "高价值"]
    national = s.sub("5.1 全国主要申请人")
    if r.top_national:
        national.add(Figure(charts.bar(
            "nav-top-applicants", [{"name": x["name"], "patents": x["patents"], "local": "本地" if x["is_local"] else "外地"}
                               for x in r.top_national],
            category="name", value="patents", color="local", title="主要申请人（申请量）", value_title="件",
        ), "图 5 全国主要申请人"))
    national.add(Table(cols, _applicant_rows(r.top_national), caption="表 5 全国主要申请人", table_id="t-top-national"))
    local = s.sub(f"5.2 {r.region_name}主要申请人")
    local.add(Table(cols, _applicant_rows(r.top_local), caption=f"表 6 {r.region_name}主要申请人", table_id="t-top-local"))
    types = s.sub("5.3 本地创新主体类型")
    types.add(Table(["类型", "申请人", "申请量", "有效发明"],
                    [[x["type_label"], x["applicants"], x["patents"], x["valid_inventions"]] for x in r.innovator_types],
                    caption="表 7 本地创新主体类型", table_id="t-types"))
    for kind in ("enterprise", "university", "institute"):
        rows = r.local_by_type.get(kind) or []
        if rows:
            types.add(Paragraph(f"{TYPE_LABELS[kind]}：" + "；".join(f"{x['name']} {x['patents']} 件" for x in rows)))
    teams = s.sub("5.4 本地发明人团队")
    teams.add(Paragraph("团队为本地专利合作发明人网络的连通分量（同名发明人按所属申请人区分）。"))
    teams.add(Table(["核心发明人", "核心发明人专利", "成员数", "团队专利", "所属申请人", "成员"],
                    [[t["lead_inventor"], t["lead_patents"], t["members"], t["patents"], t["applicant"], t["member_names"]]
                     for t in r.teams], caption="表 8 本地发明人团队", table_id="t-teams"))
    return s


def _collaboration(r: NavigationResult) -> Section:
    c = r.collaboration
    s = Section("六、协同创新")
    s.add(Paragraph(
        f"联合申请专利 {c.get('joint_patents', 0)} 件，其中涉及{r.region_name}的 {c.get('local_joint_patents', 0)} 件，"
        f"产学研（企业与高校/院所）联合申请 {c.get('industry_academia_patents', 0)} 件。"
    ))
    s.add(Table(["申请人 A", "申请人 B", "联合申请量", "涉及本地", "产学研"],
                [[p["applicant_a"], p["applicant_b"], p["patents"], p["involves_local"], p["industry_academia"]]
                 for p in r.pairs], caption="表 9 主要合作关系（共同申请人）", table_id="t-pairs"))
    cells, names = collaboration_matrix(r.pairs)
    if cells:
        s.add(Figure(charts.heatmap(
            "nav-collaboration", cells, x="applicant_b", y="applicant_a", value="patents", text="label",
            title="合作网络：主要联合申请人之间的联合申请量", value_title="联合申请量", x_order=names, y_order=names,
        ), "图 6 合作网络（共同申请人矩阵）"))
    return s


def collaboration_matrix(pairs: list[dict[str, Any]], size: int = COLLABORATION_MATRIX_SIZE
                         ) -> tuple[list[dict[str, Any]], list[str]]:
    """The co-applicant network as a symmetric matrix: the ``size`` applicants with the most joint
    patents among the top pairs, ordered by that count, and one cell per linked pair (both ways)."""
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
                              "label": str(p["patents"])})
    return cells, names


def _core(r: NavigationResult) -> Section:
    s = Section("七、核心专利与高价值专利")
    hv = r.high_value
    rows = []
    for key, label in (("valid_inventions", "有效发明专利"), ("high_value", "高价值发明专利"), ("sei", "其中：战略性新兴产业"),
                       ("overseas_family", "其中：海外同族授权"), ("maintained_10y", "其中：维持十年以上"),
                       ("pledge", "其中：较高质押融资"), ("award", "其中：获国家科技奖/中国专利奖")):
        rows.append([label, hv["chain"].get(key, 0), hv["local"].get(key, 0)])
    s.add(Table(["指标", "全部", r.region_name], rows, caption="表 10 高价值发明专利（按五项标准分项）", table_id="t-hv"))
    s.add(Table(["申请号", "名称", "申请人", "本地", "申请年", "被引", "同族", "高价值", "状态"],
                [[c["application_number"], c["title"], c["applicant"], c["is_local"], c["filing_year"],
                  c["forward_citations"], c["family_size"], c["is_high_value"], c["status_as_of"]] for c in r.core_patents],
                caption="表 11 核心专利（按被引次数、同族规模排序）", table_id="t-core"))
    return s


def _legal(r: NavigationResult) -> Section:
    s = Section("八、法律状态与运营")
    if r.legal_status:
        s.add(Figure(charts.pie("nav-legal-status", [{"status": x["label"], "patents": x["patents"]} for x in r.legal_status],
                                category="status", value="patents", title="法律状态"), "图 7 法律状态分布"))
    s.add(Table(["法律状态", "全部", r.region_name],
                [[x["label"], x["patents"], x["local"]] for x in r.legal_status], caption="表 12 法律状态",
                table_id="t-status"))
    s.add(Table(["运营类型", "次数", "涉及专利", f"{r.region_name}次数", "金额（元）", f"{r.region_name}金额（元）"],
                [[x["label"], x["events"], x["patents"], x["local_events"], x["amount_yuan"], x["local_amount_yuan"]]
                 for x in r.operations], caption="表 13 转让、许可与质押", table_id="t-operations"))
    return s


def _recommendations(r: NavigationResult) -> Section:
    s = Section("九、对策建议")
    s.add(Paragraph("以下建议均由本报告数据按固定规则生成，每条均列出所依据的数字；规则见报告说明。", style="note"))
    for kind, title in (("investment", "9.1 招商引资（补链）"), ("talent", "9.2 招才引智"),
                        ("transfer", "9.3 沉睡专利转化"), ("strengthen", "9.4 强链")):
        items = [x["text"] for x in r.recommendations if x["kind"] == kind]
        sub = s.sub(title)
        sub.add(BulletList(items) if items else Paragraph("本期数据未触发该类建议。", style="note"))
    return s


def _changes(r: NavigationResult) -> Section | None:
    c = r.changes
    if not c:
        return None
    s = Section("十、本期变化（与上期比较）")
    s.add(Paragraph(
        f"上期：{c['previous_as_of']}（快照 {c['previous_snapshot']}）。申请量 {c['patents_before']} → {c['patents_now']} 件，"
        f"{r.region_name} {c['local_before']} → {c['local_now']} 件；{r.region_name}排名 "
        f"{c['rank_before'] or '—'} → {c['rank_now'] or '—'}。"
    ))
    s.add(Table(["编号", "技术分支", "上期", "本期", "变化", f"{r.region_name}上期", f"{r.region_name}本期", "判断"],
                [[b["branch_id"], b["name"], b["before"], b["now"], b["delta"], b["local_before"], b["local_now"],
                  b["trend"]] for b in c["branches"]], caption="表 14 技术分支增减", table_id="t-change-branches"))
    s.add(Paragraph(f"新进入申请人 {c['new_applicants_count']} 个" +
                    ("：" + "、".join(f"{a['name']}（{a['patents']} 件）" for a in c["new_applicants"]) if c["new_applicants"] else "。")))
    s.add(Table(["申请人", "上期排名", "本期排名", "变化"],
                [[x["name"], x["rank_before"] or "—", x["rank_now"], x["move"]] for x in c["rank_changes"]],
                caption="表 15 主要申请人排名变化", table_id="t-change-ranks"))
    return s


def _about(r: NavigationResult) -> Section:
    s = Section("报告说明")
    s.add(Paragraph(
        "本报告参照 GB/T 39551《专利导航指南》，按产业链技术分解表逐分支检索，统计申请趋势、区域格局、创新主体、协同创新、"
        "核心专利与运营情况，并据此生成补链、招商引资、招才引智与转化建议。"
    ))
    s.add(BulletList([
        "专利归属：按第一权利人及其所在地统计；区域比较只计国内申请；“本地”指第一权利人位于本地区域。",
        "统计截止日：仅统计申请日不晚于截止日的专利；有效性、高价值标准与运营事件均按截止日判断（指标模块同一定义）。",
        f"专利申请一般在申请后 18 个月公开：{r.life_cycle['incomplete'][0]}–{r.life_cycle['incomplete'][1]} 年的申请尚未全部公开，"
        "趋势图如实显示但不用于生命周期判定。",
        f"同一产业链定义与同一数据快照重新生成，报告内容完全一致（产业链定义 SHA-256：{r.chain.definition_hash()}）。",
    ]))
    return s


def _appendix(r: NavigationResult) -> Section:
    s = Section("附录：产业链技术分解表")
    s.add(Paragraph(f"{r.chain.name}（{r.chain.code}，第 {r.chain.version} 版）。{r.chain.description}"))
    s.add(Table(["编号", "名称", "层级", "上级", "检索式"],
                [[b.id, b.name, b.level, b.parent or "", b.query] for b in r.chain.branches],
                caption="表 A 技术分解表与检索式", table_id="t-chain"))
    return s


def build_document(result: NavigationResult, generated_at: dt.datetime) -> Document:
    doc = Document(
        title=f"{result.chain.name}产业专利导航分析报告",
        subtitle=f"{result.region_name} · 截至 {result.as_of.isoformat()}",
        metadata=report_metadata(result, generated_at),
        generated_at=generated_at,
        synthetic=result.synthetic,
    )
    sections = [_about(result), _overview(result), _trend(result), _regions(result), _branches(result),
                _innovators(result), _collaboration(result), _core(result), _legal(result),
                _recommendations(result), _changes(result), _appendix(result)]
    doc.sections = [s for s in sections if s is not None]
    return doc


__all__ = ["STAGE_LABELS", "build_document", "report_metadata"]
