"""Recommendations derived from the analysis — each one cites the numbers behind it.

Rules (docs/navigation.md):

- **招商引资 (investment targets)**: one item per branch judged 缺失 or 薄弱 (RTA < 0.8, enough
  domestic patents), weakest first, the ``targets_per_branch`` non-local enterprises with the most
  patents in that branch (at least ``min_target_patents``).
- **招才引智 (talent)**: non-local inventors with the most patents in those weak branches (at least
  ``min_target_patents``), with the applicant they file for.
- **沉睡专利转化 (dormant patents)**: local universities and institutes holding valid chain
  patents that were never transferred or licensed on or before the date, most such patents first.
- **强链 (reinforce strengths)**: branches judged 优势 (RTA ≥ 1.2) with their local leader.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import duckdb

from zhichan.navigation import sql as Q
from zhichan.navigation.regions import region_label

if TYPE_CHECKING:
    from zhichan.navigation.analysis import NavigationResult

KIND_LABELS = {"investment": "招商引资", "talent": "招才引智", "transfer": "沉睡专利转化", "strengthen": "强链"}


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def weak_branches(result: NavigationResult) -> list[dict[str, Any]]:
    weak = [b for b in result.branches if b["strength"] in ("missing", "weak")]
    return sorted(weak, key=lambda b: (b["rta"] if b["rta"] is not None else 0.0, b["branch_id"]))


def recommendations(con: duckdb.DuckDBPyConnection, result: NavigationResult) -> list[dict[str, Any]]:

    p = result.params
    region = result.region_name
    out: list[dict[str, Any]] = []
    weak = weak_branches(result)

    for b in weak:
        targets = _rows(con, Q.EXTERNAL_APPLICANTS_IN_BRANCH, {
            "branch": b["branch_id"], "min_patents": p.min_target_patents, "top": p.targets_per_branch})
        if not targets:
            continue
        listed = "；".join(
            f"「{t['name']}」（{region_label(t['region_code']) if t['is_domestic'] else '境外'}，该分支 {t['patents']} 件，"
            f"有效发明 {t['valid_inventions']} 件）" for t in targets)
        out.append({
            "kind": "investment",
            "branch_id": b["branch_id"],
            "target": targets[0]["name"],
            "text": (
                f"分支「{b['path']}」{region}有 {b['local']} 件专利，占国内 {b['domestic']} 件的 "
                f"{_pct(b['local_share'])}，低于{region}在全产业链的占比 {_pct(b['chain_local_share'])}"
                f"（RTA {b['rta']:.2f}，{b['strength_label']}）。建议招引/对接：{listed}。"
            ),
            "evidence": {"branch_local": b["local"], "branch_domestic": b["domestic"],
                         "branch_local_share": round(b["local_share"], 4),
                         "chain_local_share": round(b["chain_local_share"], 4),
                         "rta": round(b["rta"], 4),
                         "targets": [{"name": t["name"], "patents": t["patents"],
                                      "valid_inventions": t["valid_inventions"]} for t in targets]},
        })

    if weak:
        ids = [b["branch_id"] for b in weak]
        names = "、".join(b["name"] for b in weak)
        inventors = _rows(con, Q.EXTERNAL_INVENTORS_IN_BRANCHES, {
            "branches": ids, "min_patents": p.min_target_patents, "top": p.top})
        for inv in inventors[: max(3, p.targets_per_branch * 2)]:
            out.append({
                "kind": "talent",
                "target": inv["inventor"],
                "text": (
                    f"发明人「{inv['inventor']}」（{inv['applicant']}，{region_label(inv['region_code'])}）"
                    f"在{region}薄弱分支（{names}）共有 {inv['patents']} 件专利，其中有效发明 "
                    f"{inv['valid_inventions']} 件，建议作为招才引智对象。"
                ),
                "evidence": {"patents": inv["patents"], "valid_inventions": inv["valid_inventions"],
                             "branches": ids},
            })

    holders: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in result.dormant:
        holders[d["applicant_key"]].append(d)
    ranked = sorted(holders.values(), key=lambda ps: (-len(ps), ps[0]["applicant_key"]))
    for ps in ranked[: p.top]:
        best = ps[0]  # rows come most-cited first
        out.append({
            "kind": "transfer",
            "target": best["holder"],
            "text": (
                f"「{best['holder']}」（本地{'高校' if best['applicant_type'] == 'university' else '科研院所'}）"
                f"有 {len(ps)} 件有效专利截至 {result.as_of.isoformat()} 从未转让或许可"
                f"（被引最多的 {best['application_number']} 被引 {best['forward_citations']} 次），"
                "建议纳入开放许可和转化对接清单。"
            ),
            "evidence": {"dormant_patents": len(ps), "top_patent": best["application_number"],
                         "top_citations": best["forward_citations"]},
        })

    for b in result.branches:
        if b["strength"] != "strong":
            continue
        leader = _rows(con, """
            SELECT min(c.first_patentee) AS name, count(*) AS patents
            FROM branch_hits AS h JOIN chain_patents AS c USING (application_number)
            WHERE h.branch_id = $branch AND c.is_local AND c.applicant_key <> ''
            GROUP BY c.applicant_key ORDER BY patents DESC, c.applicant_key LIMIT 1""",
            {"branch": b["branch_id"]})
        lead = f"，本地龙头「{leader[0]['name']}」{leader[0]['patents']} 件" if leader else ""
        out.append({
            "kind": "strengthen",
            "branch_id": b["branch_id"],
            "target": b["name"],
            "text": (
                f"分支「{b['path']}」为{region}优势环节：本地 {b['local']} 件，占国内 {_pct(b['local_share'])}"
                f"（RTA {b['rta']:.2f}），本地申请人 {b['local_applicants']} 家{lead}。建议巩固强链、培育高价值专利组合。"
            ),
            "evidence": {"branch_local": b["local"], "rta": round(b["rta"], 4),
                         "local_applicants": b["local_applicants"]},
        })
    for rec in out:
        rec["kind_label"] = KIND_LABELS[rec["kind"]]
    return out
