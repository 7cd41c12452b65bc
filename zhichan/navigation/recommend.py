"""Recommendations derived from the analysis — each one cites the numbers behind it.

Rules (docs/navigation.md):

- **招商引资 (investment targets)**: one item per branch judged 缺失 or 薄弱 (RTA < 0.8, enough
  domestic patents), weakest first, the ``targets_per_branch`` non-local enterprises with at least
  ``min_target_patents`` patents in that branch, ranked by what makes one worth attracting (GB/T 39551's
  spirit): valid inventions, high-value ones among them, applications since the start of the life cycle's
  recent window (:func:`recent_from`), then patents. One without a valid invention is listed only for at least
  ``min_target_patents`` recent applications, and its sentence says so.
- **招才引智 (talent)**: non-local inventors in those weak branches, ranked and admitted alike, with the
  applicant they file for.
- **沉睡专利转化 (dormant patents)**: local universities and institutes holding valid chain
  patents that were never transferred or licensed on or before the date, most dormant inventions first
  (then high-value ones, then all dormant patents).
- **强链 (reinforce strengths)**: branches judged 优势 (RTA ≥ 1.2) with their local leader: the local organization
  (an enterprise, university, institute or public body — not a person) with the most valid inventions in the branch,
  then high-value ones, then patents; one without a valid invention leads nothing, and the sentence says when no local
  organization holds one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import duckdb

from zhichan.corpus.parties import holder_display_name, party_name_en, with_party_names_en
from zhichan.navigation import sql as Q
from zhichan.navigation.regions import region_label
from zhichan.navigation.schemas import branch_label
from zhichan.reports.document import grouped
from zhichan.web.i18n import DEFAULT_LANGUAGE, translate

if TYPE_CHECKING:
    from zhichan.navigation.analysis import NavigationResult

#: the kinds, in the report's order (their titles: ``navigation.recommendation.<kind>``)
KINDS = ("investment", "talent", "transfer", "strengthen")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _names_en(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], key: str = "applicant_key",
               name: str = "name") -> list[str | None]:
    """The English name of each row's party where the corpus implies one (:func:`with_party_names_en`: synthetic
    records only); ``None`` else."""
    named = with_party_names_en(con, [{"party_key": r.get(key) or "", "name": r[name] or "",
                                       "synthetic": bool(r.get("synthetic"))} for r in rows])
    return [n["name_en"] for n in named]


def recent_from(result: NavigationResult) -> int:
    """The first filing year counted as recent activity: the start of the life cycle's last window (W2), so
    the incomplete years after it count too."""
    return int(result.life_cycle["w2"][0])


def weak_branches(result: NavigationResult) -> list[dict[str, Any]]:
    weak = [b for b in result.branches if b["strength"] in ("missing", "weak")]
    return sorted(weak, key=lambda b: (b["rta"] if b["rta"] is not None else 0.0, b["branch_id"]))


def recommendations(con: duckdb.DuckDBPyConnection, result: NavigationResult) -> list[dict[str, Any]]:

    p = result.params
    out: list[dict[str, Any]] = []
    weak = weak_branches(result)
    since = recent_from(result)

    for b in weak:
        targets = _rows(con, Q.EXTERNAL_APPLICANTS_IN_BRANCH, {
            "branch": b["branch_id"], "min_patents": p.min_target_patents, "top": p.targets_per_branch,
            "recent_from": since})
        if not targets:
            continue
        for t, name_en in zip(targets, _names_en(con, targets), strict=True):
            t["name_en"] = name_en
        out.append({
            "kind": "investment",
            "branch_id": b["branch_id"],
            "target": targets[0]["name"],
            "facts": {"path": b["path"], "local": b["local"], "domestic": b["domestic"],
                      "local_share": b["local_share"], "chain_local_share": b["chain_local_share"],
                      "rta": b["rta"], "strength": b["strength"],
                      "targets": [{"name": t["name"], "name_en": t["name_en"],
                                   "region": region_label(t["region_code"]) if t["is_domestic"]
                                   else None, "region_code": t["region_code"] if t["is_domestic"] else None,
                                   "country": None if t["is_domestic"] else t["country"],
                                   "patents": t["patents"], "valid_inventions": t["valid_inventions"],
                                   "high_value": t["high_value"], "recent": t["recent"]}
                                  for t in targets], "since": since},
            "evidence": {"branch_local": b["local"], "branch_domestic": b["domestic"],
                         "branch_local_share": round(b["local_share"], 4),
                         "chain_local_share": round(b["chain_local_share"], 4),
                         "rta": round(b["rta"], 4),
                         "targets": [{"name": t["name"], "patents": t["patents"],
                                      "valid_inventions": t["valid_inventions"], "high_value": t["high_value"],
                                      "recent": t["recent"]} for t in targets]},
        })

    if weak:
        ids = [b["branch_id"] for b in weak]
        names = [b["name"] for b in weak]
        inventors = _rows(con, Q.EXTERNAL_INVENTORS_IN_BRANCHES, {
            "branches": ids, "min_patents": p.min_target_patents, "top": p.top, "recent_from": since})
        shown = inventors[: max(3, p.targets_per_branch * 2)]
        for inv, applicant_en in zip(shown, _names_en(con, shown, name="applicant"), strict=True):
            out.append({
                "kind": "talent",
                "target": inv["inventor"],
                "facts": {"inventor": inv["inventor"], "applicant": inv["applicant"],
                          "inventor_en": party_name_en(inv["inventor"], None, bool(inv["synthetic"])),
                          "applicant_en": applicant_en, "country": inv["country"],
                          "region": region_label(inv["region_code"], country=inv["country"]),
                          "region_code": inv["region_code"],
                          "branches": names, "patents": inv["patents"],
                          "valid_inventions": inv["valid_inventions"], "high_value": inv["high_value"],
                          "recent": inv["recent"], "since": since},
                "evidence": {"patents": inv["patents"], "valid_inventions": inv["valid_inventions"],
                             "high_value": inv["high_value"], "recent": inv["recent"], "branches": ids},
            })

    holders: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in result.dormant:
        holders[d["applicant_key"]].append(d)
    ranked = sorted(holders.values(), key=lambda ps: (-sum(d["kind"] == "invention" for d in ps),
                                                      -sum(bool(d["is_high_value"]) for d in ps), -len(ps),
                                                      ps[0]["applicant_key"]))
    bests = [ps[0] for ps in ranked[: p.top]]  # rows come most-cited first
    for ps, holder_en in zip(ranked[: p.top], _names_en(con, bests, name="holder"), strict=True):
        best = ps[0]
        out.append({
            "kind": "transfer",
            "target": best["holder"],
            "facts": {"holder": best["holder"], "holder_en": holder_en,
                      "holder_type": "university" if best["applicant_type"] == "university" else "institute",
                      "patents": len(ps), "inventions": sum(d["kind"] == "invention" for d in ps),
                      "high_value": sum(bool(d["is_high_value"]) for d in ps),
                      "top_patent": best["application_number"], "citations": best["forward_citations"]},
            "evidence": {"dormant_patents": len(ps), "dormant_inventions": sum(d["kind"] == "invention" for d in ps),
                         "top_patent": best["application_number"],
                         "top_citations": best["forward_citations"]},
        })

    for b in result.branches:
        if b["strength"] != "strong":
            continue
        leader = _rows(con, Q.LOCAL_LEADER_IN_BRANCH, {"branch": b["branch_id"]})
        out.append({
            "kind": "strengthen",
            "branch_id": b["branch_id"],
            "target": b["name"],
            "facts": {"path": b["path"], "local": b["local"], "local_share": b["local_share"], "rta": b["rta"],
                      "local_applicants": b["local_applicants"],
                      "leader": {"name": leader[0]["name"], "name_en": _names_en(con, leader)[0],
                                 "patents": leader[0]["patents"], "valid_inventions": leader[0]["valid_inventions"],
                                 "high_value": leader[0]["high_value"]} if leader else None},
            "evidence": {"branch_local": b["local"], "rta": round(b["rta"], 4),
                         "local_applicants": b["local_applicants"]},
        })
    for rec in out:
        rec["text"] = recommendation_text(rec, result)
    return out


def _branch_names(rec: dict[str, Any], result: NavigationResult, lang: str) -> list[str]:
    """The branches of a talent recommendation in ``lang`` (the facts keep the Chinese names, the
    evidence their ids in the same order)."""
    names, ids = rec["facts"]["branches"], rec.get("evidence", {}).get("branches") or []
    if len(ids) != len(names):
        return list(names)
    return [branch_label(result.chain, i, lang, n) for i, n in zip(ids, names, strict=True)]


#: the values of the report's messages (``navigation.doc.*``) that are years or a version, printed as written: every other whole
#: number a message shows is a count, grouped as the pages show counts (1,197)
PLAIN_VALUES = frozenset({"first", "last", "w1_first", "w1_last", "w2_first", "w2_last", "since", "version"})


def doc_message(lang: str, key: str, **values: object) -> str:
    """``navigation.doc.<key>`` in ``lang``, its counts grouped (:func:`zhichan.reports.document.grouped`), its
    years and version (:data:`PLAIN_VALUES`) as written."""
    shown = {name: grouped(v) if isinstance(v, int) and not isinstance(v, bool) and name not in PLAIN_VALUES else v
             for name, v in values.items()}
    return translate(lang, f"navigation.doc.{key}", **shown)


def recommendation_text(rec: dict[str, Any], result: NavigationResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """A recommendation as a sentence in ``lang`` (``navigation.doc.rec.<kind>``), with its numbers."""

    def m(key: str, **values: object) -> str:
        return doc_message(lang, key, **values)

    f, region = rec["facts"], region_label(result.region_code, lang)

    def named(fact: dict[str, Any]) -> str | None:
        """A region of the facts in ``lang`` (facts stored before they kept the code show their name)."""
        if fact.get("region_code") or fact.get("country"):  # a foreign inventor's country
            return region_label(fact.get("region_code"), lang, country=fact.get("country"))
        return fact.get("region")

    def path() -> str:
        return branch_label(result.chain, rec.get("branch_id") or "", lang, f["path"], path=True)

    def party(name: str, name_en: str | None) -> str:
        """A party or person in ``lang``: in English its English name with the legal (Chinese) one after it."""
        shown = holder_display_name({"name": name, "name_en": name_en}, lang)
        return f"{shown} ({name})" if shown != name else name

    if rec["kind"] == "investment":
        # a target without a valid invention says why it is listed (its recent applications)
        listed = m("item_sep").join(
            m("rec.target" if t["valid_inventions"] else "rec.target_unproven", name=party(t["name"], t.get("name_en")),
              region=named(t) or m("rec.abroad"), patents=t["patents"], valid_inventions=t["valid_inventions"],
              high_value=t["high_value"], recent=t["recent"], since=f["since"]) for t in f["targets"])
        return m("rec.investment", path=path(), region=region, local=m("count.patents", n=f["local"]),
                 domestic=m("count.domestic", n=f["domestic"]),
                 local_share=_pct(f["local_share"]), chain_share=_pct(f["chain_local_share"]), rta=f"{f['rta']:.2f}",
                 judgement=translate(lang, f"navigation.strength.{f['strength']}"), targets=listed)
    if rec["kind"] == "talent":
        return m("rec.talent" if f["valid_inventions"] else "rec.talent_unproven",
                 inventor=party(f["inventor"], f.get("inventor_en")),
                 applicant=party(f["applicant"], f.get("applicant_en")), home=named(f), region=region,
                 branches=m("list_sep").join(_branch_names(rec, result, lang)), patents=f["patents"],
                 valid_inventions=f["valid_inventions"], high_value=f["high_value"], recent=f["recent"],
                 since=f["since"])
    if rec["kind"] == "transfer":
        return m("rec.transfer", holder=party(f["holder"], f.get("holder_en")), holder_type=translate(lang, f"navigation.applicant_type.{f['holder_type']}"),
                 patents=f["patents"], inventions=f["inventions"], high_value=f["high_value"],
                 as_of=result.as_of.isoformat(), top_patent=f["top_patent"], citations=f["citations"])
    leader = f["leader"]
    lead = m("rec.leader", name=party(leader["name"], leader.get("name_en")), patents=leader["patents"],
             valid_inventions=leader["valid_inventions"], high_value=leader["high_value"]) if leader else m("rec.no_leader")
    return m("rec.strengthen", path=path(), region=region, local=f["local"], local_share=_pct(f["local_share"]),
             rta=f"{f['rta']:.2f}", local_applicants=f["local_applicants"], leader=lead)
